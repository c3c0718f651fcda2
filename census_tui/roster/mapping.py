"""Header names of a name list mapped to roster fields, in Chinese or English.

HR departments name their columns freely: 姓名 / 员工姓名 / Name, 身份证号 / 公民身份号码 /
ID No. … A header is normalised (NFKC, case-folded, spaces, ``*`` and bracketed notes such as
"(必填)" removed) and looked up in :data:`ALIASES`. Columns that match nothing are ignored and
listed in the preview. Two columns for one field are refused: we would not know which to trust.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from census_tui.errors import BadInput
from census_tui.i18n import Msg


class Field(StrEnum):
    """What a column of the list holds. Values are stable (stored, in ``--json``)."""

    NAME = "name"
    ID_NUMBER = "id_number"
    SEX = "sex"
    BIRTH = "birth"
    ETHNICITY = "ethnicity"
    ROOM = "room"
    DEPARTMENT = "department"
    EMPLOYEE_NO = "employee_no"
    PHONE = "phone"


FIELD_LABELS: dict[Field, Msg] = {
    Field.NAME: Msg("姓名", "name"),
    Field.ID_NUMBER: Msg("公民身份号码", "ID number"),
    Field.SEX: Msg("性别", "sex"),
    Field.BIRTH: Msg("出生年月", "birth"),
    Field.ETHNICITY: Msg("民族", "ethnic group"),
    Field.ROOM: Msg("房间", "room"),
    Field.DEPARTMENT: Msg("部门", "department"),
    Field.EMPLOYEE_NO: Msg("工号", "employee no."),
    Field.PHONE: Msg("电话", "phone"),
}

ALIASES: dict[Field, tuple[str, ...]] = {
    Field.NAME: ("姓名", "名字", "员工姓名", "人员姓名", "住宿人", "name", "fullname", "姓 名"),
    Field.ID_NUMBER: (
        "公民身份号码", "身份证号", "身份证号码", "身份证", "证件号码", "证件号", "身份号码",
        "id_number", "idnumber", "idno", "idcard", "idcardno", "citizenid",
    ),
    Field.SEX: ("性别", "sex", "gender"),
    Field.BIRTH: (
        "出生年月", "出生日期", "出生年月日", "生日", "birth", "birthdate", "dateofbirth",
        "dob", "birthday", "birth_month",
    ),
    Field.ETHNICITY: ("民族", "ethnicity", "ethnic", "ethnicgroup", "nation", "nationality"),
    Field.ROOM: (
        "宿舍", "房间", "房号", "房间号", "宿舍号", "床位", "宿舍房间", "住址", "room", "roomno",
        "dorm", "dormitory", "bed",
    ),
    Field.DEPARTMENT: ("部门", "所属部门", "车间", "班组", "单位", "department", "dept", "team"),
    Field.EMPLOYEE_NO: ("工号", "员工号", "员工编号", "职工号", "编号", "employee_no", "employeeno",
                        "employeeid", "staffno", "staffid", "empno"),
    Field.PHONE: ("电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "phone", "mobile",
                  "tel", "telephone", "phoneno"),
}  # fmt: skip

_BRACKETS = re.compile(r"[\(\[（【].*?[\)\]）】]")
_DROP = re.compile(r"[\s*＊:：_\-./#№]+")


def header_key(text: str) -> str:
    """A header as compared: NFKC, case-folded, bracketed notes and separators removed."""
    t = unicodedata.normalize("NFKC", text).casefold().strip().lstrip("\ufeff")
    t = _BRACKETS.sub("", t)
    return _DROP.sub("", t)


_INDEX: dict[str, Field] = {header_key(a): f for f, names in ALIASES.items() for a in names}


def field_for(header: str) -> Field | None:
    """The field a header names, or ``None``."""
    return _INDEX.get(header_key(header))


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column (0-based) holds which field; ``ignored`` are headers that matched nothing."""

    columns: dict[Field, int]
    headers: tuple[str, ...]
    ignored: tuple[str, ...]

    def has(self, f: Field) -> bool:
        return f in self.columns

    def to_dict(self) -> dict[str, object]:
        return {
            "columns": {f.value: self.headers[i] for f, i in self.columns.items()},
            "ignored": list(self.ignored),
        }


def recognised(headers: list[str]) -> int:
    """How many cells of a row are known header names (to find the header row)."""
    return sum(1 for h in headers if h.strip() and field_for(h) is not None)


def map_columns(headers: list[str], overrides: dict[str, str] | None = None) -> ColumnMap:
    """Map a header row. ``overrides`` maps a header text (as in the file) to a field value.

    Raises :class:`BadInput` for duplicate headers, two columns for one field, an unknown
    override, or a list without a name column.
    """
    over = {header_key(k): _field_value(v) for k, v in (overrides or {}).items()}
    seen: dict[str, int] = {}
    columns: dict[Field, int] = {}
    ignored: list[str] = []
    for i, raw in enumerate(headers):
        key = header_key(raw)
        if not key:
            continue
        if key in seen:
            raise BadInput(
                Msg(
                    f"表头重复:第 {seen[key] + 1} 列和第 {i + 1} 列都叫“{raw.strip()}”。"
                    "请删除或改名其中一列。",
                    f"Duplicate header: columns {seen[key] + 1} and {i + 1} are both "
                    f"'{raw.strip()}'. Remove or rename one of them.",
                )
            )
        seen[key] = i
        f = over.get(key) or field_for(raw)
        if f is None:
            ignored.append(raw.strip())
            continue
        if f in columns:
            first = headers[columns[f]].strip()
            label = FIELD_LABELS[f]
            raise BadInput(
                Msg(
                    f"两列都是“{label.zh}”:“{first}”(第 {columns[f] + 1} 列)和“{raw.strip()}”"
                    f"(第 {i + 1} 列)。请只保留一列,或用 --column 指定。",
                    f"Two columns hold the {label.en}: '{first}' (column {columns[f] + 1}) and "
                    f"'{raw.strip()}' (column {i + 1}). Keep one, or choose with --column.",
                )
            )
        columns[f] = i
    if Field.NAME not in columns:
        raise BadInput(
            Msg(
                "名册没有“姓名”列。表头应包含 姓名/name;其他可识别的列:公民身份号码、性别、"
                "出生年月、民族、宿舍/房间、部门、工号、电话。",
                "The list has no name column. The header must include 姓名/name; other "
                "recognised columns: id_number, sex, birth, ethnicity, room, department, "
                "employee_no, phone.",
            )
        )
    return ColumnMap(columns, tuple(headers), tuple(ignored))


def _field_value(v: str) -> Field:
    try:
        return Field(v.strip().lower())
    except ValueError:
        names = ", ".join(f.value for f in Field)
        raise BadInput(
            Msg(f"未知字段 {v!r},可选: {names}", f"Unknown field {v!r}; choose one of: {names}")
        ) from None
