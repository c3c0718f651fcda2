"""CSV files an office imports into the reference server: areas, dwellings and accounts.

``census-tui server import-areas|import-dwellings|import-accounts FILE`` read these. A file is
decoded as roster name lists are (UTF-8, UTF-8 with BOM or GB18030, detected or chosen with
``--encoding``: ``census_tui.roster.decode``), must have a header row naming the columns (any
order; unknown columns refused), and is checked whole before anything is stored: every problem
is reported with its row and column, in Chinese and English, and **never quotes a value** (the
accounts file holds names and ID numbers). A file with any problem stores nothing.

Columns (docs/cli.md "Server administration"):

* areas: ``area_id`` (15 digits, 普查小区 code), ``name``, optional ``training`` (0/1);
* dwellings: ``dwelling_id`` (``<area_id>-<letters, digits, _>``), ``area_id``, ``address``,
  optional ``kind`` (default ``ordinary``), optional ``note``;
* accounts: ``account``, ``name``, ``id_number`` (GB 11643, checked), ``work_id``, ``role``
  (``enumerator`` or ``supervisor``), ``areas`` (area ids separated by ``;``), optional
  ``issuing_office``, ``valid_from``, ``valid_until`` (``YYYY-MM-DD``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.roster.decode import decode
from census_tui.validation import idnumber

MAX_ROWS = 200_000
"""More rows than any office file holds (a county has some thousands of areas)."""
MAX_FIELD = 500
"""Characters in one cell; an address is the longest."""
MAX_PROBLEMS = 50
"""Problems listed before the rest are counted only."""

AREA_ID = re.compile(r"[0-9]{15}")
DWELLING_TAIL = re.compile(r"[A-Za-z0-9_]{1,32}")
ACCOUNT = re.compile(r"[A-Za-z0-9_.-]{1,64}")
WORK_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
DWELLING_KINDS = frozenset(
    {"ordinary", "rented_block", "construction_dorm", "dormitory", "shop", "collective", "other"}
)
ROLES = frozenset({"enumerator", "supervisor"})
TRUE = frozenset({"1", "true", "yes", "y", "是"})
FALSE = frozenset({"", "0", "false", "no", "n", "否"})


@dataclass(frozen=True, slots=True)
class AreaRow:
    area_id: str
    name: str
    training: bool


@dataclass(frozen=True, slots=True)
class DwellingRow:
    dwelling_id: str
    area_id: str
    address: str
    kind: str
    note: str


@dataclass(frozen=True, slots=True)
class AccountRow:
    account: str
    name: str
    id_number: str
    work_id: str
    role: str
    areas: tuple[str, ...]
    issuing_office: str
    valid_from: str
    valid_until: str


@dataclass(frozen=True, slots=True)
class _Problem:
    row: int
    column: str
    zh: str
    en: str


class _Rows:
    """The rows of one file as dicts keyed by the header, with problems collected."""

    def __init__(
        self, data: bytes, encoding: str | None, required: Sequence[str], optional: Sequence[str]
    ) -> None:
        text, _ = decode(data, encoding)
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise BadInput(Msg("文件是空的", "the file is empty")) from None
        except csv.Error as exc:
            raise BadInput(_csv_error(1, exc)) from None
        missing = [c for c in required if c not in header]
        unknown = [h for h in header if h not in required and h not in optional]
        dupes = sorted({h for h in header if header.count(h) > 1})
        if missing or unknown or dupes:
            parts_zh, parts_en = [], []
            if missing:
                parts_zh.append("缺少列 " + ", ".join(missing))
                parts_en.append("missing columns " + ", ".join(missing))
            if unknown:
                parts_zh.append("不认识的列 " + ", ".join(unknown[:10]))
                parts_en.append("unknown columns " + ", ".join(unknown[:10]))
            if dupes:
                parts_zh.append("重复的列 " + ", ".join(dupes))
                parts_en.append("duplicate columns " + ", ".join(dupes))
            raise BadInput(
                Msg(
                    "表头不对:" + ";".join(parts_zh) + "。需要的列:" + ", ".join(required),
                    "wrong header: " + "; ".join(parts_en) + ". Required: " + ", ".join(required),
                )
            )
        self.header = header
        self.rows: list[tuple[int, dict[str, str]]] = []
        self.problems: list[_Problem] = []
        line = 1
        try:
            for cells in reader:
                line += 1
                if not any(c.strip() for c in cells):
                    continue
                if len(self.rows) >= MAX_ROWS:
                    raise BadInput(
                        Msg(f"行数超过 {MAX_ROWS} 行", f"more than {MAX_ROWS} rows in one file")
                    )
                if len(cells) != len(header):
                    self.problem(
                        line,
                        "",
                        f"有 {len(cells)} 格,表头有 {len(header)} 列",
                        f"{len(cells)} cells, the header has {len(header)} columns",
                    )
                    continue
                row = {}
                for name, cell in zip(header, cells, strict=True):
                    value = cell.strip()
                    if len(value) > MAX_FIELD:
                        self.problem(line, name, "内容过长", f"longer than {MAX_FIELD} characters")
                    elif any(ord(ch) < 0x20 for ch in value):
                        self.problem(line, name, "含有控制字符", "contains control characters")
                    row[name] = value
                self.rows.append((line, row))
        except csv.Error as exc:
            raise BadInput(_csv_error(line + 1, exc)) from None

    def problem(self, row: int, column: str, zh: str, en: str) -> None:
        self.problems.append(_Problem(row, column, zh, en))

    def need(
        self,
        line: int,
        row: dict[str, str],
        column: str,
        test: Callable[[str], object],
        zh: str,
        en: str,
    ) -> str:
        value = row.get(column, "")
        if not value:
            self.problem(line, column, "不能为空", "must not be empty")
        elif not test(value):
            self.problem(line, column, zh, en)
        return value

    def unique(self, column: str, values: list[tuple[int, str]]) -> None:
        seen: dict[str, int] = {}
        for line, value in values:
            if value in seen:
                self.problem(
                    line, column, f"与第 {seen[value]} 行重复", f"repeats row {seen[value]}"
                )
            else:
                seen[value] = line

    def finish(self) -> None:
        """Raise one BadInput listing the problems (at most MAX_PROBLEMS) if there are any."""
        if not self.problems:
            return
        shown = sorted(self.problems, key=lambda p: (p.row, p.column))[:MAX_PROBLEMS]
        more = len(self.problems) - len(shown)
        zh = [f"第 {p.row} 行{(' ' + p.column) if p.column else ''}: {p.zh}" for p in shown]
        en = [f"row {p.row}{(' ' + p.column) if p.column else ''}: {p.en}" for p in shown]
        if more:
            zh.append(f"……另有 {more} 个问题")
            en.append(f"… and {more} more problems")
        raise BadInput(
            Msg(
                f"文件有 {len(self.problems)} 个问题,未导入任何内容:\n" + "\n".join(zh),
                f"{len(self.problems)} problems in the file; nothing was imported:\n"
                + "\n".join(en),
            )
        )


def _csv_error(line: int, exc: csv.Error) -> Msg:
    return Msg(f"第 {line} 行不是有效的 CSV: {exc}", f"row {line} is not valid CSV: {exc}")


def _flag(rows: _Rows, line: int, column: str, value: str) -> bool:
    v = value.strip().lower()
    if v in TRUE:
        return True
    if v not in FALSE:
        rows.problem(line, column, "应为 0 或 1", "must be 0 or 1")
    return False


def _date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _in_area(area_id: str, dwelling_id: str) -> bool:
    head, sep, tail = dwelling_id.partition("-")
    return head == area_id and sep == "-" and bool(DWELLING_TAIL.fullmatch(tail))


def parse_areas(data: bytes, encoding: str | None = None) -> list[AreaRow]:
    """The areas of a CSV file; BadInput listing every problem."""
    rows = _Rows(data, encoding, ("area_id", "name"), ("training",))
    out: list[AreaRow] = []
    for line, row in rows.rows:
        area = rows.need(
            line, row, "area_id", AREA_ID.fullmatch, "应为15位数字", "must be 15 digits"
        )
        name = rows.need(line, row, "name", bool, "", "")
        training = _flag(rows, line, "training", row.get("training", ""))
        out.append(AreaRow(area, name, training))
    rows.unique("area_id", [(line, r.get("area_id", "")) for line, r in rows.rows])
    rows.finish()
    return out


def parse_dwellings(
    data: bytes, encoding: str | None = None, *, known_areas: frozenset[str] = frozenset()
) -> list[DwellingRow]:
    """The dwellings of a CSV file. ``known_areas``: the areas on the server (or in the same
    import); a dwelling of another area is a problem."""
    rows = _Rows(data, encoding, ("dwelling_id", "area_id", "address"), ("kind", "note"))
    out: list[DwellingRow] = []
    for line, row in rows.rows:
        area = rows.need(
            line, row, "area_id", AREA_ID.fullmatch, "应为15位数字", "must be 15 digits"
        )
        if AREA_ID.fullmatch(area) and area not in known_areas:
            rows.problem(line, "area_id", "服务器上没有这个普查小区", "no such area on the server")
        dwelling = rows.need(
            line,
            row,
            "dwelling_id",
            partial(_in_area, area),
            "应为 普查小区代码-编号(字母、数字、下划线)",
            "must be <area_id>-<letters, digits, _>",
        )
        address = rows.need(line, row, "address", bool, "", "")
        kind = row.get("kind", "") or "ordinary"
        if kind not in DWELLING_KINDS:
            rows.problem(
                line,
                "kind",
                "类型应为 " + ", ".join(sorted(DWELLING_KINDS)),
                "kind must be one of " + ", ".join(sorted(DWELLING_KINDS)),
            )
        out.append(DwellingRow(dwelling, area, address, kind, row.get("note", "")))
    rows.unique("dwelling_id", [(line, r.get("dwelling_id", "")) for line, r in rows.rows])
    rows.finish()
    return out


def parse_accounts(
    data: bytes, encoding: str | None = None, *, known_areas: frozenset[str] = frozenset()
) -> list[AccountRow]:
    """The accounts of a CSV file (names and ID numbers: never quoted in a problem)."""
    rows = _Rows(
        data,
        encoding,
        ("account", "name", "id_number", "work_id", "role", "areas"),
        ("issuing_office", "valid_from", "valid_until"),
    )
    out: list[AccountRow] = []
    for line, row in rows.rows:
        account = rows.need(
            line,
            row,
            "account",
            ACCOUNT.fullmatch,
            "只能用字母、数字和 _ . -(至多64个)",
            "letters, digits, _ . - only (at most 64)",
        )
        name = rows.need(line, row, "name", bool, "", "")
        number = rows.need(
            line,
            row,
            "id_number",
            lambda t: idnumber.check(t).valid,
            "不是有效的公民身份号码",
            "not a valid citizen ID number",
        )
        work_id = rows.need(
            line,
            row,
            "work_id",
            WORK_ID.fullmatch,
            "只能用字母、数字、_ 和 -",
            "letters, digits, _ and - only",
        )
        role = rows.need(
            line,
            row,
            "role",
            ROLES.__contains__,
            "应为 enumerator 或 supervisor",
            "must be enumerator or supervisor",
        )
        areas = tuple(a.strip() for a in row.get("areas", "").split(";") if a.strip())
        if not areas:
            rows.problem(line, "areas", "至少一个普查小区", "at least one area")
        for a in areas:
            if not AREA_ID.fullmatch(a):
                rows.problem(line, "areas", "普查小区代码应为15位数字", "area ids are 15 digits")
            elif a not in known_areas:
                rows.problem(
                    line, "areas", "服务器上没有这个普查小区", "no such area on the server"
                )
        valid_from = row.get("valid_from", "") or "2020-10-01"
        valid_until = row.get("valid_until", "") or "2020-12-31"
        for column, value in (("valid_from", valid_from), ("valid_until", valid_until)):
            if not _date(value):
                rows.problem(line, column, "日期应为 YYYY-MM-DD", "dates are YYYY-MM-DD")
        if _date(valid_from) and _date(valid_until) and valid_until < valid_from:
            rows.problem(line, "valid_until", "早于 valid_from", "before valid_from")
        out.append(
            AccountRow(
                account,
                name,
                idnumber.normalise(number) if number else "",
                work_id,
                role,
                areas,
                row.get("issuing_office", ""),
                valid_from,
                valid_until,
            )
        )
    rows.unique("account", [(line, r.get("account", "")) for line, r in rows.rows])
    rows.unique("work_id", [(line, r.get("work_id", "")) for line, r in rows.rows])
    rows.finish()
    return out
