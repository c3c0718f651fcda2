"""The census form as data: load a versioned TOML form file into immutable items.

DESIGN.md "The questionnaire": the form is a file, not code. ``load_form("short2020")`` reads
``forms/short2020.toml`` from the package (the 2020 short form, FACTS §2, ids in docs/form.md);
another form (the long form) is another file in the same format and needs no code change.
Everything is checked at load (unknown keys, duplicate ids, undefined code lists, conditions that
do not parse, refer to unknown or later items, or compare with the wrong type), so that a broken
file fails at start-up with a clear message, never in the middle of an interview.
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
from census_tui.questionnaire.standard_time import age_from_answer

ItemType = Literal["code", "integer", "yearmonth", "text", "idnumber"]
Section = Literal["household", "person"]
ITEM_TYPES: tuple[ItemType, ...] = ("code", "integer", "yearmonth", "text", "idnumber")
SECTIONS: tuple[Section, ...] = ("household", "person")
DEFAULT_MAX_LENGTH = 200
"""Text answers longer than this are refused unless the item sets its own ``max_length``."""

DERIVED_FUNCTIONS: Mapping[str, Callable[[object], int | None]] = MappingProxyType(
    {"age_at_standard_time": age_from_answer}
)
"""Functions a form may use for derived variables (``[derived.<name>]``); FACTS §7.3 P-12."""

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,15}$")
_FORM_ID = re.compile(r"^[a-z0-9_]{1,40}$")
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
    """A variable computed from an answer, usable in conditions (``age`` from D5)."""

    name: str
    function: str
    of: str

    def compute(self, answers: Mapping[str, int | str]) -> int | None:
        return DERIVED_FUNCTIONS[self.function](answers.get(self.of))


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
    """Derived variables by source item id: the walker sets them right after that item."""

    def item(self, item_id: str) -> Item:
        """The item with this id; ``KeyError`` if the form has none (a programming error)."""
        return self._items[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items

    def index(self, item_id: str) -> int:
        """Position of the item within its section (0-based)."""
        return self._index[item_id]

    def items(self, section: Section) -> tuple[Item, ...]:
        return self.household_items if section == "household" else self.person_items


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
    res = Path(__file__).with_name("forms") / f"{form_id}.toml"
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
    """A form from any file (tests, a form under development); not cached."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise FormError(Msg(f"无法读取表式文件 {p.name}", f"cannot read form file {p.name}")) from e
    return parse_form(data, p.name)


def _msg(src: str, zh: str, en: str) -> Msg:
    return Msg(f"表式文件 {src}: {zh}", f"form file {src}: {en}")


def parse_form(data: bytes, source: str = "<form>") -> Form:
    """Build and check a :class:`Form` from the bytes of a TOML form file."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise FormError(_msg(source, f"不是有效的 TOML: {e}", f"not valid TOML: {e}")) from None
    return _Builder(raw, source).build()


class _Builder:
    """Turns the parsed TOML into a Form, failing with the first problem it finds."""

    def __init__(self, raw: dict[str, Any], source: str) -> None:
        self.raw = raw
        self.src = source

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
        unknown = set(self.raw) - {"form", "derived", "codes", "household", "person"}
        if unknown:
            raise self.fail(f"未知的表 {sorted(unknown)}", f"unknown tables {sorted(unknown)}")
        head = self.table(self.raw.get("form"), "[form]")
        form_id = self.string(head.get("id"), "[form] id")
        if not _FORM_ID.match(form_id):
            raise self.fail("[form] id 只能用小写字母、数字和 _", "[form] id: a-z, 0-9 and _ only")
        version = self.string(head.get("version"), "[form] version")
        title = self.msg(head.get("title"), "[form] title")
        code_lists = self.code_lists()
        pending = self.derived_specs()
        items: dict[str, Item] = {}
        index: dict[str, int] = {}
        sections: dict[Section, list[Item]] = {"household": [], "person": []}
        derived: list[Derived] = []
        for section in SECTIONS:
            entries = self.raw.get(section, [])
            if not isinstance(entries, list):
                raise self.fail(f"[[{section}]] 应为表数组", f"[[{section}]] must be an array")
            for n, entry in enumerate(entries):
                item = self.item(entry, section, n, code_lists, items, derived)
                items[item.id] = item
                index[item.id] = len(sections[section])
                sections[section].append(item)
                # a derived variable is usable from the item after its source on
                derived.extend(d for d in pending if d.of == item.id)
        clash = sorted(set(items) & {d.name for d in pending})
        if clash:
            raise self.fail(
                f"派生变量与题目同名 {clash}", f"derived variables named as items {clash}"
            )
        unbound = sorted(d.name for d in pending if d.of not in items)
        if unbound:
            raise self.fail(
                f"派生变量 {unbound} 的来源题目不存在", f"derived {unbound}: no such item"
            )
        if not sections["household"] and not sections["person"]:
            raise self.fail("没有题目", "the form has no items")
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
            derived_after=MappingProxyType(
                {src: tuple(d for d in derived if d.of == src) for src in {d.of for d in derived}}
            ),
        )

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
            out.append(Derived(name, fn, self.string(t["of"], f"{where} of")))
        return out

    def item(
        self,
        entry: object,
        section: Section,
        n: int,
        code_lists: Mapping[str, tuple[Code, ...]],
        seen: Mapping[str, Item],
        derived: list[Derived],
    ) -> Item:
        t = self.table(entry, f"[[{section}]] #{n + 1}")
        item_id = self.string(t.get("id"), f"[[{section}]] #{n + 1} id")
        where = f"{item_id}"
        if not _ID.match(item_id) or item_id in expr.KEYWORDS:
            raise self.fail(f"题目编号无效 {item_id!r}", f"invalid item id {item_id!r}")
        if item_id in seen or item_id in {d.name for d in derived}:
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
            _names=MappingProxyType(self.names(codes, where)),
        )

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
        derived: list[Derived],
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
        known_derived = {d.name for d in derived}
        for name in node.names():
            if name in known_derived:
                continue
            ref = seen.get(name)
            if ref is None:
                raise self.fail(
                    f"{where} 的条件引用了未知或在后面的题目 {name}",
                    f"{where}: condition refers to {name}, which is unknown or comes later",
                )
            if section == "household" and ref.section == "person":
                raise self.fail(
                    f"{where} 户项目条件不能引用个人项目",
                    f"{where}: household condition uses a person item",
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
