"""The household JSON form, schema version 2 (``docs/household-json.md``).

The sync upload payload, the input of ``census-tui validate`` and what the reference server
checks on upload. :func:`to_json` writes version 2 (``form_id`` and ``form_version`` of the
household's form, the death records); :func:`parse_document` / :func:`from_json` read versions 1
and 2 strictly: a wrong type, an unknown key, an unknown schema version, form or form version
raises :class:`BadInput` with the JSON path (never the offending value: it may be personal data).
A version-1 document (before the form set) is read as a short-form (short2020) household with no
death records. The optional ``mode`` (version 2 only) says how the household was enumerated:
``"visit"`` (also when absent) or ``"phone"`` (telephone registration); :func:`to_json` writes
it for a phone registration only, so a household enumerated at the door is written as before.
The refusals of a version, form or form version this program does not know are
:class:`UnknownForm` (with a ``code``), so that the server can answer them apart (422).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import MODE_VISIT, MODES, Confirmation, Household, Note, Person, Value
from census_tui.validation.view import DEFAULT_FORM, HOUSEHOLD_FORMS, household_form

SCHEMA = "census-tui/household"
SCHEMA_VERSION = 2
"""The version :func:`to_json` writes."""
READABLE_VERSIONS = (1, 2)
"""The versions :func:`parse_document` reads (1: short form only, no death records)."""
_MAX_KEY = 32


class UnknownForm(BadInput):
    """A document this program cannot read because it does not know its schema version
    (``code`` ``"JSON-VERSION"``), its form (``"FORM-UNKNOWN"``) or the form's version
    (``"FORM-VERSION"``); ``item`` names the field (``schema_version``, ``form_id``,
    ``form_version``). The message names the JSON path and what this program reads."""

    def __init__(self, msg: Msg, code: str, item: str) -> None:
        super().__init__(msg)
        self.code = code
        self.item = item


@dataclass(frozen=True, slots=True)
class ReadBack:
    """The respondent's confirmation after the read-back (复核确认): who and when."""

    respondent_name: str
    at: str


@dataclass(slots=True)
class HouseholdDocument:
    """Everything one JSON document holds: the household plus read-back and completion time."""

    household: Household
    read_back: ReadBack | None = None
    completed_at: str | None = None


def _answers_out(answers: dict[str, Value]) -> dict[str, Value]:
    return {k: answers[k] for k in sorted(answers)}


_NO_FORM = Msg(
    "本户的表式本程序不认识,无法写出户 JSON。",
    "The household's form is not one this program knows; it cannot be written as JSON.",
)


def _records_out(records: list[Person]) -> list[dict[str, Any]]:
    return [
        {"uuid": p.uuid, "position": i, "answers": _answers_out(p.answers)}
        for i, p in enumerate(records)
    ]


def to_json(
    hh: Household, *, read_back: ReadBack | None = None, completed_at: str | None = None
) -> dict[str, Any]:
    """The JSON-ready dict of a household (schema version 2).

    Raises :class:`BadInput` for a household whose ``form_id`` names no household form (the
    version of its form cannot be written).
    """
    form = household_form(hh.form_id)
    if form is None:
        raise BadInput(_NO_FORM)
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "case_uuid": hh.uuid,
        "revision": hh.revision,
        "form_id": form.id,
        "form_version": form.version,
        "dwelling_id": hh.dwelling_id,
        "hh_number": hh.hh_number,
        "training": hh.training,
        "answers": _answers_out(hh.answers),
        "persons": _records_out(hh.persons),
        "deaths": _records_out(hh.deaths),
        "confirmations": [
            {
                "rule_id": c.rule_id,
                "person_uuid": c.person_uuid,
                "reason": c.reason,
                "by": c.by,
                "at": c.at,
                "values": dict(c.values),
            }
            for c in hh.confirmations
        ],
        "notes": [
            {"person_uuid": n.person_uuid, "item_id": n.item_id, "text": n.text, "at": n.at}
            for n in hh.notes
        ],
        "read_back": (
            None
            if read_back is None
            else {"respondent_name": read_back.respondent_name, "at": read_back.at}
        ),
        "completed_at": completed_at,
    }
    if hh.mode != MODE_VISIT:
        doc["mode"] = hh.mode
    return doc


# -- reading ---------------------------------------------------------------------------------

_TYPE_NAMES = {
    str: Msg("字符串", "a string"),
    int: Msg("整数", "an integer"),
    bool: Msg("true/false", "true or false"),
    dict: Msg("对象", "an object"),
    list: Msg("数组", "an array"),
}


def _fail(path: str, zh: str, en: str) -> BadInput:
    return BadInput(Msg(f"{path}: {zh}", f"{path}: {en}"))


def _want(obj: Any, kind: type, path: str) -> Any:
    ok = type(obj) is kind if kind in (int, bool) else isinstance(obj, kind)
    if not ok:
        name = _TYPE_NAMES[kind]
        raise _fail(path, f"应为{name.zh}", f"must be {name.en}")
    return obj


def _obj(
    obj: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    d: dict[str, Any] = _want(obj, dict, path)
    for key in d:
        if key not in required and key not in optional:
            raise _fail(f"{path}.{_safe(key)}", "未知字段", "unknown field")
    for key in required:
        if key not in d:
            raise _fail(f"{path}.{key}", "缺少此字段", "missing")
    return d


def _safe(key: object) -> str:
    """A key for an error message: short, printable (keys are never personal data by design)."""
    text = str(key)[:_MAX_KEY]
    return "".join(c if c.isprintable() else "?" for c in text)


def _answers_in(obj: Any, path: str) -> dict[str, Value]:
    d = _want(obj, dict, path)
    out: dict[str, Value] = {}
    for key, value in d.items():
        if not isinstance(key, str) or not key or len(key) > _MAX_KEY:
            raise _fail(f"{path}.{_safe(key)}", "题目编号无效", "not a valid item id")
        if type(value) is not int and not isinstance(value, str):
            raise _fail(
                f"{path}.{_safe(key)}",
                "答案应为整数或字符串",
                "an answer is an integer or a string",
            )
        out[key] = value
    return out


def _opt_str(obj: Any, path: str) -> str | None:
    return None if obj is None else _want(obj, str, path)


_TOP_V1 = (
    "schema",
    "schema_version",
    "case_uuid",
    "revision",
    "form_id",
    "dwelling_id",
    "hh_number",
    "training",
    "answers",
    "persons",
)
_TOP = (*_TOP_V1[:5], "form_version", *_TOP_V1[5:])
_TOP_OPTIONAL_V1 = ("confirmations", "notes", "read_back", "completed_at")
_TOP_OPTIONAL = ("deaths", *_TOP_OPTIONAL_V1, "mode")


def _unknown(path: str, code: str, item: str, zh: str, en: str) -> UnknownForm:
    return UnknownForm(Msg(f"{path}.{item}: {zh}", f"{path}.{item}: {en}"), code, item)


def _version(d: dict[str, Any], path: str) -> int:
    version = d.get("schema_version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or version not in READABLE_VERSIONS
    ):
        known = "、".join(str(v) for v in READABLE_VERSIONS)
        raise _unknown(
            path,
            "JSON-VERSION",
            "schema_version",
            f"不支持的版本(本程序读取版本 {known})",
            "unsupported schema version (this program reads versions "
            + " and ".join(str(v) for v in READABLE_VERSIONS)
            + ")",
        )
    return version


def _form_of(d: dict[str, Any], path: str, version: int) -> str:
    """The document's form id, checked against the forms (and versions) this program has."""
    form_id: str = _want(d["form_id"], str, f"{path}.form_id")
    if version == 1:
        if form_id != DEFAULT_FORM:
            raise _unknown(
                path,
                "FORM-UNKNOWN",
                "form_id",
                f"版本 1 的文档只能是短表 {DEFAULT_FORM}",
                f"a version 1 document is a short-form ({DEFAULT_FORM}) household only",
            )
        return form_id
    form = household_form(form_id) if form_id in HOUSEHOLD_FORMS else None
    if form is None:
        known = ", ".join(HOUSEHOLD_FORMS)
        raise _unknown(
            path,
            "FORM-UNKNOWN",
            "form_id",
            f"本程序不认识这个表式(认识的表式: {known})",
            f"not a form this program knows (it knows {known})",
        )
    version_text = _want(d["form_version"], str, f"{path}.form_version")
    if version_text != form.version:
        raise _unknown(
            path,
            "FORM-VERSION",
            "form_version",
            f"本程序没有表式 {form.id} 的这个版本(有 {form.version})",
            f"not a version of form {form.id} this program has (it has {form.version})",
        )
    return form_id


def parse_document(obj: Any, path: str = "$") -> HouseholdDocument:
    """Read one household document (version 1 or 2) strictly; raises :class:`BadInput` naming
    the JSON path (:class:`UnknownForm` for an unknown version, form or form version)."""
    d = _want(obj, dict, path)
    version = _version(d, path)
    if version == 1:
        d = _obj(obj, path, _TOP_V1, _TOP_OPTIONAL_V1)
    else:
        d = _obj(obj, path, _TOP, _TOP_OPTIONAL)
    if d["schema"] != SCHEMA:
        raise _fail(f"{path}.schema", f"应为 {SCHEMA!r}", f"must be {SCHEMA!r}")
    form_id = _form_of(d, path, version)
    persons = _records(d["persons"], f"{path}.persons", set())
    taken = {p.uuid for p in persons}
    hh = Household(
        uuid=_want(d["case_uuid"], str, f"{path}.case_uuid"),
        dwelling_id=_want(d["dwelling_id"], str, f"{path}.dwelling_id"),
        hh_number=_want(d["hh_number"], int, f"{path}.hh_number"),
        answers=_answers_in(d["answers"], f"{path}.answers"),
        persons=persons,
        deaths=_records(d.get("deaths", []), f"{path}.deaths", taken),
        confirmations=_confirmations(d.get("confirmations", []), f"{path}.confirmations"),
        notes=_notes(d.get("notes", []), f"{path}.notes"),
        revision=_want(d["revision"], int, f"{path}.revision"),
        form_id=form_id,
        training=_want(d["training"], bool, f"{path}.training"),
        mode=_mode(d.get("mode", MODE_VISIT), f"{path}.mode"),
    )
    if not hh.uuid:
        raise _fail(f"{path}.case_uuid", "不能为空", "must not be empty")
    read_back = None
    if d.get("read_back") is not None:
        rb = _obj(d["read_back"], f"{path}.read_back", ("respondent_name", "at"))
        read_back = ReadBack(
            _want(rb["respondent_name"], str, f"{path}.read_back.respondent_name"),
            _want(rb["at"], str, f"{path}.read_back.at"),
        )
    completed_at = _opt_str(d.get("completed_at"), f"{path}.completed_at")
    return HouseholdDocument(hh, read_back, completed_at)


def _mode(obj: Any, path: str) -> str:
    """How the household was enumerated: ``"visit"`` or ``"phone"``, nothing else."""
    if not isinstance(obj, str) or obj not in MODES:
        raise _fail(path, '应为 "visit" 或 "phone"', 'must be "visit" or "phone"')
    return obj


def from_json(obj: Any) -> Household:
    """The household of one document (read-back and completion time dropped)."""
    return parse_document(obj).household


def _records(obj: Any, path: str, taken: set[str]) -> list[Person]:
    """Person records or death records, placed by ``position``; a uuid must be new among both
    (``taken``: the persons' uuids when reading the death records)."""
    items = _want(obj, list, path)
    placed: dict[int, Person] = {}
    seen: set[str] = set(taken)
    for i, raw in enumerate(items):
        p = f"{path}[{i}]"
        d = _obj(raw, p, ("uuid", "position", "answers"))
        uuid = _want(d["uuid"], str, f"{p}.uuid")
        pos = _want(d["position"], int, f"{p}.position")
        if not uuid or uuid in seen:
            raise _fail(f"{p}.uuid", "为空或重复", "empty or duplicated")
        if not 0 <= pos < len(items) or pos in placed:
            raise _fail(
                f"{p}.position",
                "须为 0 起不重复的序号",
                "must be unique, 0 to number of records - 1",
            )
        seen.add(uuid)
        placed[pos] = Person(uuid, _answers_in(d["answers"], f"{p}.answers"))
    return [placed[i] for i in range(len(items))]


def _confirmations(obj: Any, path: str) -> list[Confirmation]:
    out: list[Confirmation] = []
    for i, raw in enumerate(_want(obj, list, path)):
        p = f"{path}[{i}]"
        keys = ("rule_id", "person_uuid", "reason", "by", "at", "values")
        d = _obj(raw, p, keys)
        strs = [_want(d[k], str, f"{p}.{k}") for k in keys[:5]]
        values: dict[str, Value | None] = {}
        for key, value in _want(d["values"], dict, f"{p}.values").items():
            if not isinstance(key, str):
                raise _fail(f"{p}.values", "键应为字符串", "keys must be strings")
            if value is not None and type(value) is not int and not isinstance(value, str):
                raise _fail(
                    f"{p}.values.{_safe(key)}",
                    "应为整数、字符串或 null",
                    "must be an integer, a string or null",
                )
            values[key] = value
        out.append(Confirmation(strs[0], strs[1], strs[2], strs[3], strs[4], values))
    return out


def _notes(obj: Any, path: str) -> list[Note]:
    out: list[Note] = []
    for i, raw in enumerate(_want(obj, list, path)):
        p = f"{path}[{i}]"
        keys = ("person_uuid", "item_id", "text", "at")
        d = _obj(raw, p, keys)
        s = [_want(d[k], str, f"{p}.{k}") for k in keys]
        out.append(Note(s[0], s[1], s[2], s[3]))
    return out


def parse_many(obj: Any) -> list[HouseholdDocument]:
    """One document or a list of them (``census-tui validate``)."""
    if isinstance(obj, list):
        return [parse_document(item, f"$[{i}]") for i, item in enumerate(obj)]
    return [parse_document(obj)]
