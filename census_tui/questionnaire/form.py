"""The census form as data: load a versioned TOML form file into immutable items.

DESIGN.md "The questionnaire": the form is a file, not code. ``load_form("short2020")`` reads
``forms/short2020.toml`` from the package (the 2020 short form, FACTS §2, ids in docs/form.md);
the long form, the death form and the form for residents from outside the mainland are other
files in the same format (``long2020``, ``death2020``, ``hmt2020``) and need no code of their own.
A household form may continue into death records (``[form] deaths``): the death form's
``[[death]]`` items are loaded into ``Form.death_items``.
Everything is checked at load (unknown keys, duplicate ids, undefined code lists, conditions that
do not parse, refer to unknown or later items, or compare with the wrong type, roles and counts
naming the wrong items), so that a broken file fails at start-up with a clear message, never in
the middle of an interview.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

from census_tui.errors import CensusError
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Lang, Msg
from census_tui.questionnaire import expr
from census_tui.questionnaire.standard_time import age_at_death, age_from_answer

ItemType = Literal["code", "integer", "yearmonth", "text", "idnumber"]
Section = Literal["household", "person", "death"]
ITEM_TYPES: tuple[ItemType, ...] = ("code", "integer", "yearmonth", "text", "idnumber")
SECTIONS: tuple[Section, ...] = ("household", "person", "death")
DEFAULT_MAX_LENGTH = 200
"""Text answers longer than this are refused unless the item sets its own ``max_length``."""

DERIVED_FUNCTIONS: Mapping[str, Callable[..., int | None]] = MappingProxyType(
    {"age_at_standard_time": age_from_answer, "age_at_death": age_at_death}
)
"""Functions a form may use for derived variables (``[derived.<name>]``): the age at the
standard time (FACTS §7.3 P-12) and the age at death (FACTS §3.3)."""

DERIVED_ARITY: Mapping[str, int] = MappingProxyType({"age_at_standard_time": 1, "age_at_death": 2})
"""How many items each derived function takes (``of``), in order."""

PERSON_ROLES: Mapping[str, ItemType] = MappingProxyType(
    {
        "name": "text",
        "relationship": "code",
        "id_number": "idnumber",
        "sex": "code",
        "birth": "yearmonth",
        "ethnic": "code",
    }
)
"""Roles a person item may play (``[form] roles``), with the type the item must have."""

DEATH_ROLES: Mapping[str, ItemType] = MappingProxyType(
    {"name": "text", "sex": "code", "birth": "yearmonth", "death": "yearmonth", "ethnic": "code"}
)
"""Roles a death item may play (``[form] roles`` of a death form)."""

FORMS_DIR = Path(__file__).with_name("forms")
"""The packaged form files."""

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")
_FORM_ID = re.compile(r"^[a-z0-9_]{1,40}$")
_FORM_KEYS = frozenset({"id", "version", "title", "deaths", "person_count", "roles"})
_SECTION_ZH: Mapping[str, str] = MappingProxyType(
    {"household": "户项目", "person": "个人项目", "death": "死亡人口项目"}
)
_EMPTY: Mapping[str, str] = MappingProxyType({})
_NO_NAMES: Mapping[str, int] = MappingProxyType({})
_ITEM_KEYS = frozenset(
    {"id", "type", "text", "label", "definition", "codes", "min", "max", "max_length", "when"}
    | {"required"}
)


class FormError(CensusError):
    """A form file is missing or malformed. Raised at load, never during an interview."""

    exit_code = ExitCode.BAD_INPUT


@dataclass(frozen=True, slots=True)
class Code:
    """One answer code of a code list, with its label and accepted other names."""

    value: int
    label: Msg
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Derived:
    """A variable computed from answers, usable in conditions (``age`` from D5, ``death_age``
    from S4 and S5). ``of`` lists the source items in the order the function takes them."""

    name: str
    function: str
    of: tuple[str, ...]
    section: Section = "person"
    """The section whose conditions may use it: that of its sources (household: everywhere)."""

    def compute(self, answers: Mapping[str, int | str]) -> int | None:
        return DERIVED_FUNCTIONS[self.function](*(answers.get(o) for o in self.of))


def name_key(text: str) -> str:
    """How names are compared: NFKC (full-width to ASCII), case-folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    """One question of the form. ``codes`` is empty unless ``type == "code"``."""

    id: str
    section: Section
    type: ItemType
    text: Msg
    label: Msg
    definition: Msg
    codes: tuple[Code, ...] = ()
    min: int | None = None
    max: int | None = None
    condition: expr.Node | None = None
    required: bool = True
    max_length: int | None = None
    code_list: str | None = None
    when: str = ""
    _labels: Mapping[int, Code] = field(default_factory=dict, repr=False)
    _names: Mapping[str, int] = field(default_factory=dict, repr=False)

    def code_label(self, value: int, lang: Lang) -> str | None:
        """The label of ``value`` in ``lang``, or ``None`` if it is not one of the codes."""
        code = self._labels.get(value)
        return None if code is None else code.label(lang)

    def has_code(self, value: int) -> bool:
        return value in self._labels

    def code_by_name(self, text: str) -> int | None:
        """The code whose zh/en label or alias is ``text``; a zh name may drop its trailing 族."""
        return self._names.get(name_key(text))


@dataclass(frozen=True, slots=True, eq=False)
class Form:
    """A loaded form: items in asking order per section, code lists, derived variables."""

    id: str
    version: str
    title: Msg
    household_items: tuple[Item, ...]
    person_items: tuple[Item, ...]
    code_lists: Mapping[str, tuple[Code, ...]]
    derived: tuple[Derived, ...]
    _items: Mapping[str, Item] = field(repr=False)
    _index: Mapping[str, int] = field(repr=False)
    derived_after: Mapping[str, tuple[Derived, ...]] = field(repr=False, default_factory=dict)
    """Derived variables by their last source item: the walker sets them right after it."""
    death_items: tuple[Item, ...] = ()
    """Items of one death record (死亡人口调查表), from the form named by ``[form] deaths``
    (or this form's own ``[[death]]`` items if it is a death form); empty otherwise."""
    deaths_form: str | None = None
    """The death form this household form continues into (``"death2020"``), or ``None``."""
    death_count_items: tuple[str, str] | None = None
    """The household items counting deaths by sex, male then female (``("H4m", "H4f")``)."""
    person_count_items: tuple[str, ...] = ()
    """Household items whose sum is the number of person records expected (HH-03); empty:
    no expected count."""
    roles: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """Role -> person item id (``"sex" -> "D4"``); a role the form lacks is absent."""
    death_roles: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """Role -> death item id (``"death" -> "S5"``), from the death form."""

    def item(self, item_id: str) -> Item:
        """The item with this id; ``KeyError`` if the form has none (a programming error)."""
        return self._items[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items

    def index(self, item_id: str) -> int:
        """Position of the item within its section (0-based)."""
        return self._index[item_id]

    def items(self, section: Section) -> tuple[Item, ...]:
        if section == "household":
            return self.household_items
        return self.person_items if section == "person" else self.death_items


def shared_items(a: Form, b: Form) -> frozenset[str]:
    """Item ids whose answers survive a change of form from ``a`` to ``b`` (or back).

    An id counts when both forms have it in the same section with the same type and, for code
    items, the same code values: short2020 → long2020 keeps every short-form answer (the long
    form reuses the short form's ids and meanings); short2020 → hmt2020 keeps nothing.
    """
    out: set[str] = set()
    for item_id, x in a._items.items():
        y = b._items.get(item_id)
        if y is None or x.section != y.section or x.type != y.type:
            continue
        if x.type == "code" and set(x._labels) != set(y._labels):
            continue
        out.add(item_id)
    return frozenset(out)


def load_form(form_id: str = "short2020") -> Form:
    """The packaged form ``forms/<form_id>.toml``, loaded once per process (forms are immutable).

    Raises :class:`FormError` if there is no such form or the file is malformed.
    """
    return _load_packaged(form_id)


@lru_cache(maxsize=8)
def _load_packaged(form_id: str) -> Form:
    if not _FORM_ID.match(form_id):
        raise FormError(Msg(f"表式编号无效: {form_id!r}", f"invalid form id: {form_id!r}"))
    # The package's own directory (not importlib.resources, which loads zipfile and friends
    # into a TUI that never runs from a zip: half a MiB on a handheld).
    res = FORMS_DIR / f"{form_id}.toml"
    try:
        data = res.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise FormError(Msg(f"没有表式 {form_id}", f"no such form: {form_id}")) from None
    form = parse_form(data, f"{form_id}.toml")
    if form.id != form_id:
        raise FormError(
            _msg(f"{form_id}.toml", f"[form] id 应为 {form_id}", f"[form] id must be {form_id}")
        )
    return form


def load_form_file(path: str | Path) -> Form:
    """A form from any file (tests, a form under development); not cached. A death form it
    names (``[form] deaths``) is looked for next to it first, then among the packaged forms."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise FormError(Msg(f"无法读取表式文件 {p.name}", f"cannot read form file {p.name}")) from e
    return parse_form(data, p.name, forms_dir=p.parent)


def _msg(src: str, zh: str, en: str) -> Msg:
    return Msg(f"表式文件 {src}: {zh}", f"form file {src}: {en}")


def parse_form(data: bytes, source: str = "<form>", forms_dir: Path | None = None) -> Form:
    """Build and check a :class:`Form` from the bytes of a TOML form file.

    A death form named by ``[form] deaths`` is read from ``forms_dir`` if it is there, else from
    the packaged forms.
    """
    return _Builder(_toml(data, source), source, forms_dir).build()


def _toml(data: bytes, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise FormError(_msg(source, f"不是有效的 TOML: {e}", f"not valid TOML: {e}")) from None


@lru_cache(maxsize=4)
def _packaged_raw(name: str) -> dict[str, Any] | None:
    """The parsed TOML of a packaged form file (a death form read by several household forms),
    or ``None`` if there is none. Only read, never changed, so it can be shared."""
    data = _read(FORMS_DIR / f"{name}.toml")
    return None if data is None else _toml(data, f"{name}.toml")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class _Context:
    """What a death form is built against: the household form's items and derived variables
    (death conditions may use its household items, never its person items)."""

    items: Mapping[str, Item]
    derived: Mapping[str, Derived]


class _Builder:
    """Turns the parsed TOML into a Form, failing with the first problem it finds."""

    def __init__(
        self,
        raw: dict[str, Any],
        source: str,
        forms_dir: Path | None = None,
        context: _Context | None = None,
    ) -> None:
        self.raw = raw
        self.src = source
        self.forms_dir = forms_dir
        self.context = context
        self.name_index: dict[str, Mapping[str, int]] = {}
        """Name index per code list, built once for all the items that use the list."""

    def fail(self, zh: str, en: str) -> FormError:
        return FormError(_msg(self.src, zh, en))

    def table(self, obj: object, where: str) -> dict[str, Any]:
        if not isinstance(obj, dict):
            raise self.fail(f"{where} 应为表", f"{where} must be a table")
        return cast(dict[str, Any], obj)

    def string(self, obj: object, where: str) -> str:
        if not isinstance(obj, str) or not obj.strip():
            raise self.fail(f"{where} 应为非空字符串", f"{where} must be a non-empty string")
        return obj

    def msg(self, obj: object, where: str) -> Msg:
        t = self.table(obj, where)
        if set(t) != {"zh", "en"}:
            raise self.fail(f"{where} 应只有 zh 和 en", f"{where} must have exactly zh and en")
        return Msg(self.string(t["zh"], f"{where}.zh"), self.string(t["en"], f"{where}.en"))

    def opt_int(self, t: dict[str, Any], key: str, where: str) -> int | None:
        v = t.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
            raise self.fail(f"{where}.{key} 应为整数", f"{where}.{key} must be an integer")
        return v

    def build(self) -> Form:
        unknown = set(self.raw) - {"form", "derived", "codes", *SECTIONS}
        if unknown:
            raise self.fail(f"未知的表 {sorted(unknown)}", f"unknown tables {sorted(unknown)}")
        head = self.table(self.raw.get("form"), "[form]")
        bad_keys = set(head) - _FORM_KEYS
        if bad_keys:
            raise self.fail(
                f"[form] 有未知的键 {sorted(bad_keys)}", f"[form]: unknown keys {sorted(bad_keys)}"
            )
        form_id = self.string(head.get("id"), "[form] id")
        if not _FORM_ID.match(form_id):
            raise self.fail("[form] id 只能用小写字母、数字和 _", "[form] id: a-z, 0-9 and _ only")
        version = self.string(head.get("version"), "[form] version")
        title = self.msg(head.get("title"), "[form] title")
        code_lists = self.code_lists()
        pending = self.derived_specs()
        ctx = self.context
        # what conditions may see: the context's items and derived variables, then our own
        seen: dict[str, Item] = dict(ctx.items) if ctx else {}
        derived_seen: dict[str, Derived] = dict(ctx.derived) if ctx else {}
        items: dict[str, Item] = {}
        index: dict[str, int] = {}
        sections: dict[Section, list[Item]] = {s: [] for s in SECTIONS}
        derived: list[Derived] = []
        after: dict[str, list[Derived]] = {}
        for d in pending:  # names the household form already uses (a death form's context)
            if d.name in seen:
                raise self.fail(
                    f"派生变量与题目同名 [{d.name!r}]",
                    f"derived variables named as items [{d.name!r}]",
                )
            if d.name in derived_seen:
                raise self.fail(
                    f"派生变量 {d.name} 在户表式中已有定义",
                    f"derived variable {d.name} is already defined by the household form",
                )
        for section in SECTIONS:
            entries = self.raw.get(section, [])
            if not isinstance(entries, list):
                raise self.fail(f"[[{section}]] 应为表数组", f"[[{section}]] must be an array")
            for n, entry in enumerate(entries):
                item = self.item(entry, section, n, code_lists, seen, derived_seen)
                seen[item.id] = item
                items[item.id] = item
                index[item.id] = len(sections[section])
                sections[section].append(item)
                # a derived variable is usable from the item after its last source on
                for d in pending:
                    if (
                        item.id in d.of
                        and d.name not in derived_seen
                        and all(o in seen for o in d.of)
                    ):
                        bound = self.bind(d, seen)
                        derived.append(bound)
                        derived_seen[d.name] = bound
                        after.setdefault(item.id, []).append(bound)
        clash = sorted(set(items) & {d.name for d in pending})
        if clash:
            raise self.fail(
                f"派生变量与题目同名 {clash}", f"derived variables named as items {clash}"
            )
        unbound = sorted(d.name for d in pending if d.name not in derived_seen)
        if unbound:
            raise self.fail(
                f"派生变量 {unbound} 的来源题目不存在", f"derived {unbound}: no such item"
            )
        has_household = bool(sections["household"] or sections["person"])
        if not has_household and not sections["death"]:
            raise self.fail("没有题目", "the form has no items")
        if has_household and sections["death"]:
            raise self.fail(
                "[[death]] 题目应放在单独的死亡人口表式中,由 [form] deaths 引用",
                "[[death]] items belong in a death form of their own, named by [form] deaths",
            )
        if not has_household:
            for key in ("deaths", "person_count"):
                if key in head:
                    raise self.fail(
                        f"死亡人口表式不能有 [form] {key}",
                        f"[form] {key} is not for a death form",
                    )
        roles = self.roles(head.get("roles"), items, "person" if has_household else "death")
        person_count = self.person_count(head.get("person_count"), items)
        death_form: Form | None = None
        count_items: tuple[str, str] | None = None
        if "deaths" in head:
            death_form, count_items = self.deaths(head["deaths"], form_id, items, derived_seen)
            for name, codes in death_form.code_lists.items():
                if name in code_lists and code_lists[name] != codes:
                    raise self.fail(
                        f"代码表 {name} 与死亡人口表式 {death_form.id} 中的不一致",
                        f"code list {name} differs from the one in death form {death_form.id}",
                    )
                code_lists.setdefault(name, codes)
            items.update(death_form._items)
            index.update(death_form._index)
            derived.extend(death_form.derived)
            for src, ds in death_form.derived_after.items():
                after.setdefault(src, []).extend(ds)
        return Form(
            id=form_id,
            version=version,
            title=title,
            household_items=tuple(sections["household"]),
            person_items=tuple(sections["person"]),
            code_lists=MappingProxyType(code_lists),
            derived=tuple(derived),
            _items=MappingProxyType(items),
            _index=MappingProxyType(index),
            derived_after=MappingProxyType({k: tuple(v) for k, v in after.items()}),
            death_items=death_form.death_items if death_form else tuple(sections["death"]),
            deaths_form=death_form.id if death_form else None,
            death_count_items=count_items,
            person_count_items=person_count,
            roles=roles if has_household else _EMPTY,
            death_roles=death_form.death_roles
            if death_form
            else (_EMPTY if has_household else roles),
        )

    def bind(self, d: Derived, seen: Mapping[str, Item]) -> Derived:
        """``d`` with the section its sources are in (household sources: usable everywhere)."""
        where = f"[derived.{d.name}]"
        secs = {seen[o].section for o in d.of} - {"household"}
        if len(secs) > 1:
            raise self.fail(
                f"{where} 的来源题目分属个人项目和死亡人口项目",
                f"{where}: its items are in both the person and the death sections",
            )
        return Derived(d.name, d.function, d.of, secs.pop() if secs else "household")

    def ref_items(
        self, obj: object, where: str, items: Mapping[str, Item], section: Section, itype: str
    ) -> list[str]:
        """A list of ids of this form's items of ``section`` and type ``itype``."""
        if not isinstance(obj, list) or not all(isinstance(v, str) for v in obj):
            raise self.fail(f"{where} 应为题目编号的数组", f"{where} must be an array of item ids")
        ids = cast(list[str], obj)
        for item_id in ids:
            item = items.get(item_id)
            if item is None or item.section != section or item.type != itype:
                raise self.fail(
                    f"{where}: {item_id} 不是本表的{_SECTION_ZH[section]}{itype}题",
                    f"{where}: {item_id} is not a {section} {itype} item of this form",
                )
        if len(set(ids)) != len(ids):
            raise self.fail(f"{where} 有重复的题目", f"{where} names an item twice")
        return ids

    def person_count(self, obj: object, items: Mapping[str, Item]) -> tuple[str, ...]:
        if obj is None:
            return ()
        return tuple(self.ref_items(obj, "[form] person_count", items, "household", "integer"))

    def roles(self, obj: object, items: Mapping[str, Item], section: Section) -> Mapping[str, str]:
        if obj is None:
            return _EMPTY
        allowed = PERSON_ROLES if section == "person" else DEATH_ROLES
        out: dict[str, str] = {}
        for role, item_id in self.table(obj, "[form] roles").items():
            where = f"[form] roles.{role}"
            if role not in allowed:
                raise self.fail(
                    f"{where}: 未知的角色 (可用: {', '.join(allowed)})",
                    f"{where}: unknown role (known: {', '.join(allowed)})",
                )
            self.ref_items([item_id], where, items, section, allowed[role])
            out[role] = cast(str, item_id)
        if len(set(out.values())) != len(out):
            raise self.fail(
                "[form] roles 中一个题目担任了两个角色", "[form] roles: an item plays two roles"
            )
        return MappingProxyType(out)

    def deaths(
        self,
        obj: object,
        form_id: str,
        items: Mapping[str, Item],
        derived: Mapping[str, Derived],
    ) -> tuple[Form, tuple[str, str]]:
        """The death form named by ``[form] deaths``, built against this form's items."""
        t = self.table(obj, "[form] deaths")
        if set(t) != {"form", "male", "female"}:
            raise self.fail(
                "[form] deaths 应只有 form、male、female",
                "[form] deaths needs exactly form, male and female",
            )
        name = self.string(t["form"], "[form] deaths.form")
        male, female = self.ref_items(
            [t["male"], t["female"]], "[form] deaths", items, "household", "integer"
        )
        if not _FORM_ID.match(name) or name == form_id:
            raise self.fail(
                f"[form] deaths.form 无效: {name!r}", f"[form] deaths.form is invalid: {name!r}"
            )
        src = f"{name}.toml"
        raw: dict[str, Any] | None = None
        if self.forms_dir is not None and self.forms_dir.resolve() != FORMS_DIR.resolve():
            data = _read(self.forms_dir / src)
            raw = None if data is None else _toml(data, src)
        if raw is None:
            raw = _packaged_raw(name)
        if raw is None:
            raise self.fail(
                f"[form] deaths.form: 没有表式 {name}", f"[form] deaths.form: no such form {name}"
            )
        if raw.get("household") or raw.get("person") or not raw.get("death"):
            raise self.fail(
                f"[form] deaths.form: {name} 不是死亡人口表式(应只有 [[death]] 题目)",
                f"[form] deaths.form: {name} is not a death form (only [[death]] items)",
            )
        context = _Context(MappingProxyType(dict(items)), MappingProxyType(dict(derived)))
        death_form = _Builder(raw, src, self.forms_dir, context).build()
        if death_form.id != name:
            raise FormError(_msg(src, f"[form] id 应为 {name}", f"[form] id must be {name}"))
        return death_form, (male, female)

    def code_lists(self) -> dict[str, tuple[Code, ...]]:
        out: dict[str, tuple[Code, ...]] = {}
        for name, spec in self.table(self.raw.get("codes", {}), "[codes]").items():
            where = f"[codes.{name}]"
            t = self.table(spec, where)
            values = t.get("values")
            if set(t) != {"values"} or not isinstance(values, list) or not values:
                raise self.fail(f"{where} 应只有非空的 values", f"{where} needs a non-empty values")
            codes: list[Code] = []
            for i, v in enumerate(values):
                vt = self.table(v, f"{where} values[{i}]")
                if not set(vt) <= {"value", "zh", "en", "aliases"}:
                    raise self.fail(
                        f"{where} values[{i}] 有未知的键", f"{where} values[{i}]: unknown key"
                    )
                value = self.opt_int(vt, "value", f"{where} values[{i}]")
                if value is None:
                    raise self.fail(
                        f"{where} values[{i}] 缺少 value", f"{where} values[{i}]: no value"
                    )
                aliases = vt.get("aliases", [])
                if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                    raise self.fail(f"{where} aliases 应为字符串数组", f"{where} aliases: strings")
                label = self.msg({"zh": vt.get("zh"), "en": vt.get("en")}, f"{where} {value}")
                codes.append(Code(value, label, tuple(aliases)))
            if len({c.value for c in codes}) != len(codes):
                raise self.fail(f"{where} 有重复的代码", f"{where} has duplicate values")
            out[name] = tuple(codes)
        return out

    def derived_specs(self) -> list[Derived]:
        out: list[Derived] = []
        for name, spec in self.table(self.raw.get("derived", {}), "[derived]").items():
            where = f"[derived.{name}]"
            t = self.table(spec, where)
            if not _ID.match(name) or name in expr.KEYWORDS:
                raise self.fail(f"{where} 名称无效", f"{where}: invalid name")
            if set(t) != {"function", "of"}:
                raise self.fail(f"{where} 应有 function 和 of", f"{where} needs function and of")
            fn = t["function"]
            if fn not in DERIVED_FUNCTIONS:
                raise self.fail(f"{where} 未知函数 {fn!r}", f"{where}: unknown function {fn!r}")
            raw_of = t["of"]
            sources = [raw_of] if isinstance(raw_of, str) else raw_of
            if not isinstance(sources, list) or not sources:
                raise self.fail(
                    f"{where} of 应为题目编号或其数组",
                    f"{where}: of must be an item id or an array",
                )
            of = tuple(self.string(o, f"{where} of") for o in sources)
            if len(of) != DERIVED_ARITY[fn] or len(set(of)) != len(of):
                raise self.fail(
                    f"{where} 函数 {fn} 需要 {DERIVED_ARITY[fn]} 个不同的题目",
                    f"{where}: function {fn} takes {DERIVED_ARITY[fn]} distinct items",
                )
            out.append(Derived(name, fn, of))
        return out

    def item(
        self,
        entry: object,
        section: Section,
        n: int,
        code_lists: Mapping[str, tuple[Code, ...]],
        seen: Mapping[str, Item],
        derived: Mapping[str, Derived],
    ) -> Item:
        t = self.table(entry, f"[[{section}]] #{n + 1}")
        item_id = self.string(t.get("id"), f"[[{section}]] #{n + 1} id")
        where = f"{item_id}"
        if not _ID.match(item_id) or item_id in expr.KEYWORDS:
            raise self.fail(f"题目编号无效 {item_id!r}", f"invalid item id {item_id!r}")
        if item_id in seen or item_id in derived:
            raise self.fail(f"题目编号重复 {item_id}", f"duplicate item id {item_id}")
        unknown = set(t) - _ITEM_KEYS
        if unknown:
            raise self.fail(
                f"{where} 有未知的键 {sorted(unknown)}", f"{where}: unknown keys {sorted(unknown)}"
            )
        itype = t.get("type")
        if itype not in ITEM_TYPES:
            raise self.fail(f"{where} 类型无效 {itype!r}", f"{where}: invalid type {itype!r}")
        item_type = cast(ItemType, itype)
        codes: tuple[Code, ...] = ()
        list_name = t.get("codes")
        if item_type == "code":
            if not isinstance(list_name, str) or list_name not in code_lists:
                raise self.fail(
                    f"{where} 引用了未定义的代码表 {list_name!r}",
                    f"{where}: undefined code list {list_name!r}",
                )
            codes = code_lists[list_name]
        elif list_name is not None:
            raise self.fail(
                f"{where} 不是代码题,不能有 codes", f"{where}: codes only on code items"
            )
        lo, hi = self.opt_int(t, "min", where), self.opt_int(t, "max", where)
        if (lo is not None or hi is not None) and item_type != "integer":
            raise self.fail(f"{where} 只有整数题可有 min/max", f"{where}: min/max only on integers")
        if lo is not None and hi is not None and lo > hi:
            raise self.fail(f"{where} min 大于 max", f"{where}: min > max")
        max_length = self.opt_int(t, "max_length", where)
        if max_length is not None and (item_type != "text" or max_length < 1):
            raise self.fail(f"{where} max_length 无效", f"{where}: bad max_length")
        required = t.get("required", True)
        if not isinstance(required, bool):
            raise self.fail(f"{where} required 应为 true/false", f"{where}: required is a boolean")
        when = t.get("when", "")
        if not isinstance(when, str):
            raise self.fail(f"{where} when 应为字符串", f"{where}: when must be a string")
        condition = self.condition(when, where, section, seen, derived) if when.strip() else None
        return Item(
            id=item_id,
            section=section,
            type=item_type,
            text=self.msg(t.get("text"), f"{where} text"),
            label=self.msg(t.get("label"), f"{where} label"),
            definition=self.msg(t.get("definition"), f"{where} definition"),
            codes=codes,
            min=lo,
            max=hi,
            condition=condition,
            required=required,
            max_length=max_length if item_type == "text" else None,
            code_list=list_name if item_type == "code" else None,
            when=when,
            _labels=MappingProxyType({c.value: c for c in codes}),
            _names=self.name_index_of(str(list_name), codes, where) if codes else _NO_NAMES,
        )

    def name_index_of(
        self, list_name: str, codes: tuple[Code, ...], where: str
    ) -> Mapping[str, int]:
        index = self.name_index.get(list_name)
        if index is None:
            index = self.name_index[list_name] = MappingProxyType(self.names(codes, where))
        return index

    def names(self, codes: tuple[Code, ...], where: str) -> dict[str, int]:
        """Name index of a code list; a short name (without 族) never shadows a full one."""
        out: dict[str, int] = {}
        short: dict[str, int] = {}
        for c in codes:
            for text in (c.label.zh, c.label.en, *c.aliases):
                key = name_key(text)
                if out.get(key, c.value) != c.value:
                    raise self.fail(
                        f"{where} 代码名称重复 {text}", f"{where}: duplicate code name {text}"
                    )
                out[key] = c.value
                if key.endswith("族") and len(key) > 1:
                    short.setdefault(key[:-1], c.value)
        for key, value in short.items():
            out.setdefault(key, value)
        return out

    def condition(
        self,
        when: str,
        where: str,
        section: Section,
        seen: Mapping[str, Item],
        derived: Mapping[str, Derived],
    ) -> expr.Node:
        try:
            node = expr.parse(when)
        except expr.ExprError as e:
            raise FormError(
                Msg(
                    f"表式文件 {self.src}: {where}: {e.msg.zh}",
                    f"form file {self.src}: {where}: {e.msg.en}",
                )
            ) from None
        for name in node.names():
            d = derived.get(name)
            ref = seen.get(name)
            if d is None and ref is None:
                raise self.fail(
                    f"{where} 的条件引用了未知或在后面的题目 {name}",
                    f"{where}: condition refers to {name}, which is unknown or comes later",
                )
            # household items and variables are seen everywhere; others only in their section
            ref_section = d.section if d is not None else cast(Item, ref).section
            if ref_section not in ("household", section):
                kind_zh, kind_en = ("派生变量", "derived variable") if d else ("题目", "item")
                raise self.fail(
                    f"{where} {_SECTION_ZH[section]}的条件不能引用{_SECTION_ZH[ref_section]}"
                    f"{kind_zh} {name}",
                    f"{where}: {section} condition uses {name}, a {ref_section} {kind_en}",
                )
        for operand, other, op in expr.operands(node):
            if isinstance(operand, expr.Name):
                self.check_types(operand.id, other, op, where, seen)
        return node

    def check_types(
        self,
        name: str,
        other: expr.Operand | tuple[int | str, ...],
        op: str,
        where: str,
        seen: Mapping[str, Item],
    ) -> None:
        """A literal compared with an item must have the item's type (and be one of its codes)."""
        item = seen.get(name)
        wants_int = item is None or item.type in ("code", "integer")  # derived variables: int
        if isinstance(other, expr.Name):
            return
        values = other if isinstance(other, tuple) else (other.value,)
        for v in values:
            if isinstance(v, int) != wants_int:
                raise self.fail(
                    f"{where}: {name} 与类型不符的值比较",
                    f"{where}: {name} compared with a value of the wrong type",
                )
            if (
                item is not None
                and item.type == "code"
                and op in ("==", "!=", "in")
                and isinstance(v, int)
                and not item.has_code(v)
            ):
                raise self.fail(f"{where}: {name} 没有代码 {v}", f"{where}: {name} has no code {v}")
