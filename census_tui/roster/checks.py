"""Checks of one row of a name list, with the logic-check rule ids where one applies.

FACTS §7.3: P-01 name, P-02 ID number (GB 11643, §6), P-03 birth month against the ID, P-04 sex
against the ID, P-05 born before the standard time, P-06 duplicate IDs, P-07 ethnic group.
Sex and birth month missing from the list are derived from the ID number (FACTS §6.1: digits
7-14 the birth date, digit 17 odd = male). The completeness rules (D7-D12) are not applied
here: they apply once a person is marked present (issue 7).

Rows with an ``error`` cannot be imported; ``warning`` rows can. Messages name lines and
columns, never a person's data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from census_tui.i18n import Msg
from census_tui.questionnaire.standard_time import EARLIEST_BIRTH_YEAR, born_after_standard_time
from census_tui.roster import cells
from census_tui.roster.mapping import FIELD_LABELS, ColumnMap, Field
from census_tui.validation import idnumber
from census_tui.validation.idnumber import IdProblem

MAX_NAME_LENGTH = 50
"""Same bound as the logic checks' ``max_name_length`` (P-01)."""
MAX_TEXT_LENGTH = 100
"""Room, department, employee number, phone."""


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class RowIssue:
    """A problem of one row. ``code`` is a logic-check rule id (P-02 …) or an RL- list rule."""

    code: str
    level: Level
    field: Field | None
    message: Msg

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "level": self.level.value,
            "field": self.field.value if self.field else None,
            "message": {"zh": self.message.zh, "en": self.message.en},
        }


@dataclass(slots=True)
class ListedPerson:
    """A row of the list, read and checked. ``sex``/``birth`` may come from the ID number."""

    line: int
    name: str = ""
    id_number: str = ""
    """Normalised 18 characters (15-digit numbers upgraded), or ``""`` when absent/invalid."""
    sex: int | None = None
    birth: str | None = None
    """``"YYYY-MM"``."""
    ethnicity: int | None = None
    room: str = ""
    department: str = ""
    employee_no: str = ""
    phone: str = ""
    derived: tuple[str, ...] = ()
    """Fields filled from the ID number because the list lacked them (``"sex"``, ``"birth"``)."""

    def answers(self) -> dict[str, int | str]:
        """Person answers pre-filled from the list (docs/form.md ids)."""
        out: dict[str, int | str] = {"D1": self.name}
        if self.id_number:
            out["D3"] = self.id_number
        if self.sex is not None:
            out["D4"] = self.sex
        if self.birth is not None:
            out["D5"] = self.birth
        if self.ethnicity is not None:
            out["D6"] = self.ethnicity
        return out


@dataclass(slots=True)
class CheckedRow:
    person: ListedPerson
    issues: list[RowIssue] = field(default_factory=list)
    duplicate: bool = False
    """Same ID as an earlier row or as a person registered elsewhere: pre-marked duplicate."""

    @property
    def line(self) -> int:
        return self.person.line

    @property
    def ok(self) -> bool:
        return not any(i.level is Level.ERROR for i in self.issues)


EthnicityLookup = Callable[[str], int | None]


def _issue(code: str, level: Level, f: Field | None, zh: str, en: str) -> RowIssue:
    return RowIssue(code, level, f, Msg(zh, en))


_ID_TEXT = {
    IdProblem.EMPTY: ("为空", "is empty"),
    IdProblem.BAD_LENGTH: ("位数不对(应为 18 位)", "has the wrong length (18 characters)"),
    IdProblem.BAD_CHARACTERS: ("含有非法字符", "has characters other than digits and X"),
    IdProblem.BAD_PROVINCE: ("前两位不是有效的省份代码", "does not start with a province code"),
    IdProblem.BAD_DATE: ("出生日期无效", "holds an impossible birth date"),
    IdProblem.BAD_CHECK: ("校验码错误", "fails the check character"),
    IdProblem.LEGACY_15: ("是 15 位旧号码", "is an old 15-digit number"),
    IdProblem.ALL_ZEROS: ("全为 0", "is all zeros"),
}


class RowChecker:
    """Checks rows against a column map; remembers IDs to find duplicates within the list."""

    def __init__(
        self,
        cmap: ColumnMap,
        ethnicity: EthnicityLookup,
        registered: frozenset[str] = frozenset(),
    ) -> None:
        self.cmap = cmap
        self.ethnicity = ethnicity
        self.registered = registered
        """ID numbers already registered in another household of the area."""
        self.first_line: dict[str, int] = {}

    def cell(self, row: list[str], f: Field) -> str:
        i = self.cmap.columns.get(f)
        return row[i] if i is not None and i < len(row) else ""

    def check(self, line: int, row: list[str]) -> CheckedRow:
        p = ListedPerson(line)
        out = CheckedRow(p)
        self._name(row, out)
        idres = self._id(row, out)
        self._sex(row, out, idres)
        self._birth(row, out, idres)
        self._ethnicity(row, out)
        for f in (Field.ROOM, Field.DEPARTMENT, Field.EMPLOYEE_NO, Field.PHONE):
            setattr(p, f.value, self._text(row, f, out))
        extra = len(row) - len(self.cmap.headers)
        if extra > 0 and any(c.strip() for c in row[len(self.cmap.headers) :]):
            out.issues.append(
                _issue("RL-05", Level.WARNING, None, "本行的列数多于表头,多出的内容被忽略",
                       "the row has more cells than the header; the extra cells are ignored")
            )  # fmt: skip
        return out

    def _name(self, row: list[str], out: CheckedRow) -> None:
        raw = self.cell(row, Field.NAME)
        name = " ".join(cells.clean(raw).split())
        if cells.looks_like_formula(raw) or name.startswith(cells.FORMULA_STARTS):
            out.issues.append(
                _issue("RL-01", Level.ERROR, Field.NAME, "姓名以 = + - @ 开头,可能是公式",
                       "the name starts with = + - or @ (a spreadsheet formula)")
            )  # fmt: skip
            return
        if not name:
            out.issues.append(_issue("P-01", Level.ERROR, Field.NAME, "姓名为空", "no name"))
        elif len(name) > MAX_NAME_LENGTH:
            out.issues.append(
                _issue("P-01", Level.ERROR, Field.NAME, f"姓名超过 {MAX_NAME_LENGTH} 个字",
                       f"the name is longer than {MAX_NAME_LENGTH} characters")
            )  # fmt: skip
        else:
            out.person.name = name

    def _id(self, row: list[str], out: CheckedRow) -> idnumber.IdResult | None:
        if not self.cmap.has(Field.ID_NUMBER):
            return None
        raw = self.cell(row, Field.ID_NUMBER)
        if cells.is_empty(raw):
            out.issues.append(
                _issue("P-02", Level.WARNING, Field.ID_NUMBER, "没有公民身份号码,需入户核实",
                       "no ID number; ask on site")
            )  # fmt: skip
            return None
        res = idnumber.check(cells.clean(raw))
        number = idnumber.to_storable(cells.clean(raw))
        if number is None:
            zh, en = _ID_TEXT.get(res.problems[-1] if res.problems else IdProblem.BAD_CHECK,
                                  ("无效", "is invalid"))  # fmt: skip
            out.issues.append(
                _issue("P-02", Level.ERROR, Field.ID_NUMBER, f"公民身份号码{zh}",
                       f"the ID number {en}")
            )  # fmt: skip
            return None
        if res.problems == (IdProblem.LEGACY_15,):
            out.issues.append(
                _issue("P-02", Level.WARNING, Field.ID_NUMBER, "15 位旧号码已升级为 18 位",
                       "old 15-digit ID number upgraded to 18 characters")
            )  # fmt: skip
        if res.birth is not None:
            y, m, _ = res.birth
            if born_after_standard_time(y, m) or y < EARLIEST_BIRTH_YEAR:
                out.issues.append(_born_issue(Field.ID_NUMBER))
                return None
        out.person.id_number = number
        self._duplicate(number, out)
        return res

    def _duplicate(self, number: str, out: CheckedRow) -> None:
        first = self.first_line.setdefault(number, out.line)
        if first != out.line:
            out.duplicate = True
            out.issues.append(
                _issue("P-06", Level.WARNING, Field.ID_NUMBER,
                       f"与第 {first} 行的公民身份号码相同,已标为重复",
                       f"same ID number as line {first}; marked duplicate")
            )  # fmt: skip
        elif number in self.registered:
            out.duplicate = True
            out.issues.append(
                _issue("P-06", Level.WARNING, Field.ID_NUMBER,
                       "此人已在本普查小区的其他户登记,已标为重复",
                       "already registered in another household of this area; marked duplicate")
            )  # fmt: skip

    def _sex(self, row: list[str], out: CheckedRow, idres: idnumber.IdResult | None) -> None:
        raw = self.cell(row, Field.SEX)
        from_id = idres.sex if idres is not None else None
        if cells.is_empty(raw):
            if from_id is not None:
                out.person.sex = from_id
                out.person.derived += ("sex",)
            return
        sex = cells.parse_sex(raw)
        if sex is None:
            out.issues.append(
                _issue("RL-02", Level.ERROR, Field.SEX, "性别无法识别(应为 男/女)",
                       "unreadable sex (男/女, M/F, male/female)")
            )  # fmt: skip
        elif from_id is not None and sex != from_id:
            out.issues.append(
                _issue("P-04", Level.ERROR, Field.SEX, "性别与公民身份号码第 17 位不符",
                       "sex does not match digit 17 of the ID number")
            )  # fmt: skip
        else:
            out.person.sex = sex

    def _birth(self, row: list[str], out: CheckedRow, idres: idnumber.IdResult | None) -> None:
        raw = self.cell(row, Field.BIRTH)
        from_id = (idres.birth[0], idres.birth[1]) if idres and idres.birth else None
        if cells.is_empty(raw):
            if from_id is not None:
                out.person.birth = cells.yearmonth(from_id)
                out.person.derived += ("birth",)
            return
        ym = cells.parse_birth(raw)
        if ym is None:
            out.issues.append(
                _issue("RL-03", Level.ERROR, Field.BIRTH, "出生年月无法识别(如 1990-03)",
                       "unreadable birth date (e.g. 1990-03)")
            )  # fmt: skip
        elif born_after_standard_time(*ym) or ym[0] < EARLIEST_BIRTH_YEAR:
            out.issues.append(_born_issue(Field.BIRTH))
        elif from_id is not None and ym != from_id:
            out.issues.append(
                _issue("P-03", Level.ERROR, Field.BIRTH, "出生年月与公民身份号码第 7-12 位不符",
                       "birth month does not match digits 7-12 of the ID number")
            )  # fmt: skip
        else:
            out.person.birth = cells.yearmonth(ym)

    def _ethnicity(self, row: list[str], out: CheckedRow) -> None:
        raw = self.cell(row, Field.ETHNICITY)
        if cells.is_empty(raw):
            return
        code = self.ethnicity(cells.clean(raw))
        if code is None:
            out.issues.append(
                _issue("P-07", Level.ERROR, Field.ETHNICITY, "民族名称无法识别(应为全称,如 蒙古族)",
                       "unknown ethnic group (write the full name, e.g. 蒙古族)")
            )  # fmt: skip
        else:
            out.person.ethnicity = code

    def _text(self, row: list[str], f: Field, out: CheckedRow) -> str:
        raw = self.cell(row, f)
        if cells.is_empty(raw):
            return ""
        text = " ".join(unicode_clean(raw).split())
        if len(text) > MAX_TEXT_LENGTH:
            label = FIELD_LABELS[f]
            out.issues.append(
                _issue("RL-04", Level.WARNING, f, f"“{label.zh}”超过 {MAX_TEXT_LENGTH} 字,已截断",
                       f"the {label.en} is longer than {MAX_TEXT_LENGTH} characters; cut")
            )  # fmt: skip
            text = text[:MAX_TEXT_LENGTH]
        if f is Field.PHONE and cells.is_phone(text):
            return cells.clean(text)
        if cells.looks_like_formula(text):
            label = FIELD_LABELS[f]
            out.issues.append(
                _issue("RL-01", Level.WARNING, f,
                       f"“{label.zh}”以 = + - @ 开头,已加单引号防止被当作公式",
                       f"the {label.en} starts with = + - or @; an apostrophe was added so that "
                       "no spreadsheet runs it as a formula")
            )  # fmt: skip
            return cells.neutralise(text)
        return text


def unicode_clean(text: str) -> str:
    """Free text as typed (outer space removed), keeping its own characters (no NFKC)."""
    return text.strip()


def _born_issue(f: Field) -> RowIssue:
    return _issue(
        "P-05", Level.ERROR, f,
        "出生在普查标准时点(2020年11月1日零时)之后或早于 1890 年,不能登记",
        "born after the standard time (2020-11-01 00:00) or before 1890; cannot be registered",
    )  # fmt: skip
