"""The household JSON form, schema version 1 (``docs/household-json.md``).

The sync upload payload, the input of ``census-tui validate`` and what the reference server
checks on upload. :func:`to_json` writes it; :func:`parse_document` / :func:`from_json` read it
strictly: a wrong type, an unknown key or an unknown schema version raises :class:`BadInput`
with the JSON path (never the offending value: it may be personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import Confirmation, Household, Note, Person, Value

SCHEMA = "census-tui/household"
SCHEMA_VERSION = 1
_MAX_KEY = 32


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


def to_json(
    hh: Household, *, read_back: ReadBack | None = None, completed_at: str | None = None
) -> dict[str, Any]:
    """The JSON-ready dict of a household (schema version 1)."""
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "case_uuid": hh.uuid,
        "revision": hh.revision,
        "form_id": hh.form_id,
        "dwelling_id": hh.dwelling_id,
        "hh_number": hh.hh_number,
        "training": hh.training,
        "answers": _answers_out(hh.answers),
        "persons": [
            {"uuid": p.uuid, "position": i, "answers": _answers_out(p.answers)}
            for i, p in enumerate(hh.persons)
        ],
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


_TOP = (
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
_TOP_OPTIONAL = ("confirmations", "notes", "read_back", "completed_at")


def parse_document(obj: Any, path: str = "$") -> HouseholdDocument:
    """Read one household document strictly; raises :class:`BadInput` naming the JSON path."""
    d = _want(obj, dict, path)
    version = d.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise _fail(
            f"{path}.schema_version",
            f"不支持的版本(本程序支持 {SCHEMA_VERSION})",
            f"unsupported schema version (this program reads {SCHEMA_VERSION})",
        )
    d = _obj(obj, path, _TOP, _TOP_OPTIONAL)
    if d["schema"] != SCHEMA:
        raise _fail(f"{path}.schema", f"应为 {SCHEMA!r}", f"must be {SCHEMA!r}")
    hh = Household(
        uuid=_want(d["case_uuid"], str, f"{path}.case_uuid"),
        dwelling_id=_want(d["dwelling_id"], str, f"{path}.dwelling_id"),
        hh_number=_want(d["hh_number"], int, f"{path}.hh_number"),
        answers=_answers_in(d["answers"], f"{path}.answers"),
        persons=_persons(d["persons"], f"{path}.persons"),
        confirmations=_confirmations(d.get("confirmations", []), f"{path}.confirmations"),
        notes=_notes(d.get("notes", []), f"{path}.notes"),
        revision=_want(d["revision"], int, f"{path}.revision"),
        form_id=_want(d["form_id"], str, f"{path}.form_id"),
        training=_want(d["training"], bool, f"{path}.training"),
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


def from_json(obj: Any) -> Household:
    """The household of one document (read-back and completion time dropped)."""
    return parse_document(obj).household


def _persons(obj: Any, path: str) -> list[Person]:
    items = _want(obj, list, path)
    placed: dict[int, Person] = {}
    seen: set[str] = set()
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
                "must be unique, 0 to number of persons - 1",
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
