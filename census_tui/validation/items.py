"""Format and range of one answer: the field-level part of the logic checks.

Each item of ``docs/form.md`` has one rule id from FACTS §7 that reports a bad value (HH-01 for
H1/H5, HH-02 for the counts, P-08 for D7/D8 …). The household rules and ``check_field`` both use
these functions, so a value is judged the same way as it is typed and before completion.
Nothing here raises, whatever the value.
"""

from __future__ import annotations

from census_tui.i18n import Msg
from census_tui.questionnaire.form import DEFAULT_MAX_LENGTH, Form, Item
from census_tui.questionnaire.standard_time import (
    LAST_BIRTH_MONTH,
    born_after_standard_time,
    parse_yearmonth,
)
from census_tui.validation import idnumber
from census_tui.validation.config import ValidationConfig
from census_tui.validation.findings import Finding, Severity
from census_tui.validation.idnumber import IdProblem
from census_tui.validation.view import as_yearmonth, ids_of

ETHNIC_CODES = frozenset([*range(1, 57), 97, 98])
"""GB 3304 codes of D6: the 56 groups, 97 其他(未识别民族), 98 外国血统中国籍人士 (FACTS §5.2)."""

CODE_LISTS: dict[str, frozenset[int]] = {
    "H1": frozenset({1, 2}),
    "H5": frozenset(range(1, 6)),
    "D2": frozenset(range(0, 10)),
    "D3N": frozenset({1, 2, 3, 9}),
    "D4": frozenset({1, 2}),
    "D6": ETHNIC_CODES,
    "D7": frozenset(range(1, 8)),
    "D8": frozenset(range(1, 6)),
    "D9": frozenset(range(1, 10)),
    "D10": frozenset(range(1, 11)),
    "D11": frozenset(range(1, 10)),
    "D12": frozenset({1, 2}),
}
"""Allowed codes of every code-list item (docs/form.md, FACTS §2)."""

COUNT_ITEMS = ("H2a", "H2b", "H3m", "H3f", "H4m", "H4f")
"""HH-02: integers ≥ 0, "0" rather than blank."""
HOUSING_ITEMS = ("H6", "H7")
TEXT_ITEMS = ("D1", "D7P", "D8P")

ITEM_RULE: dict[str, str] = {
    "H1": "HH-01", "H5": "HH-01",
    **dict.fromkeys(COUNT_ITEMS, "HH-02"),
    "H6": "HH-05", "H7": "HH-05",
    "D1": "P-01", "D2": "R-01", "D3": "P-02", "D3N": "P-02", "D4": "P-04", "D5": "P-05",
    "D6": "P-07", "D7": "P-08", "D7P": "P-08", "D8": "P-08", "D8P": "P-08",
    "D9": "P-10", "D10": "P-10", "D11": "P-12", "D12": "P-12",
    # long2020 (rules_long): housing details skip with H5 like H6/H7; H18 by H17 (HH-11)
    **dict.fromkeys(("H8", "H9", "H10", "H11", "H12", "H13", "H14", "H15", "H16", "H17"), "HH-05"),
    "H18": "HH-11",
    **dict.fromkeys(("D13", "D14", "D15", "D15P", "D23", "D29", "D30"), "L-10"),
    "D16": "L-06", "D16P": "L-06", "D17": "L-07",
    **dict.fromkeys(("D18", "D18H", "D19", "D20", "D21", "D22"), "L-08"),
    "D24": "L-01", "D25": "L-01", "D26m": "L-03", "D26f": "L-03", "D27m": "L-04", "D27f": "L-04",
    **dict.fromkeys(("D28", "D28B1", "D28S1", "D28B2", "D28S2", "D28B3", "D28S3"), "L-05"),
    # hmt2020 (rules_hmt): the role items keep their short-form rules
    "F1": "HH-01", "F2": "HH-01", "FN": "HH-02", "F3": "HH-05", "F4": "HH-05",
    "R1": "P-01", "R2": "R-01", "R3": "P-04", "R4": "P-05", "R5": "HMT-01", "R6": "HMT-02",
    "R7": "HMT-02", "R8": "HMT-03", "R9": "HMT-04", "R10": "P-12",
    # death2020 (rules_death), one rule per item
    "S2": "DTH-01", "S3": "DTH-02", "S4": "DTH-03", "S5": "DTH-04", "S6": "DTH-05",
    "S7": "DTH-06", "S8": "DTH-07",
}  # fmt: skip
"""The rule that reports a missing or malformed answer of each item (every form's items)."""

FORM_ITEM_RULE = "Q-01"
"""The rule of an item of a form that :data:`ITEM_RULE` does not list (a form newer than these
checks): its answer is still judged against the form's own type, codes and range."""

_CODE = Msg(
    "{item} 的答案不在代码表中,请从选项中重新选择。",
    "{item}: not one of the listed answers; choose again.",
)
_COUNT = Msg(
    "{item} 须填 0 至 {max} 的整数(没有则填 0)。",
    "{item} must be a whole number from 0 to {max} (enter 0 for none).",
)
_HOUSING = Msg("{item} 须填大于 0 的整数。", "{item} must be a whole number greater than 0.")
_NAME_EMPTY = Msg(
    "请填写姓名;婴儿尚未取名的填“未取名”。", "Enter the name; for an unnamed infant enter 未取名."
)
_TEXT_BAD = Msg(
    "{item} 含有控制字符或过长(超过 {max} 个字),请重新输入。",
    "{item} contains control characters or is too long (over {max} characters); enter it again.",
)
_PLACE_EMPTY = Msg(
    "请填写{item}的省、市、县名称。", "Enter the province, prefecture and county for {item}."
)
_YM_FORMAT = Msg(
    "出生年月须按“年-月”填写,如 1990-03。", "Enter the birth year-month as YYYY-MM, e.g. 1990-03."
)
_YM_FUTURE = Msg(
    "2020年11月1日零时以后出生的人不登记,请核实出生年月或删除此人。",
    "People born after 2020-11-01 00:00 are not enumerated: check the birth month or remove the "
    "person.",
)
_YM_EARLY = Msg("出生年份早于 {year} 年,请核实。", "Birth year before {year}: check the entry.")
_RANGE = Msg(
    "{item} 须填 {lo} 至 {hi} 的整数。", "{item} must be a whole number from {lo} to {hi}."
)
_TEXT_EMPTY = Msg("请填写 {item}。", "Fill in {item}.")
_YM_ITEM_FORMAT = Msg(
    "{item} 须按“年-月”填写,如 2015-03。", "Enter {item} as YYYY-MM, e.g. 2015-03."
)
_YM_ITEM_LATE = Msg(
    "{item} 不能晚于 2020年10月(普查标准时点 2020年11月1日零时以前),请核实。",
    "{item} cannot be later than 2020-10 (before the standard time 2020-11-01 00:00): check it.",
)

ID_MESSAGES: dict[IdProblem, Msg] = {
    IdProblem.EMPTY: Msg(
        "请填写公民身份号码,或选择“无身份号码”。", "Enter the ID number or choose 'no ID number'."
    ),
    IdProblem.BAD_LENGTH: Msg(
        "公民身份号码应为 18 位:17 位数字加一位数字或 X。请对照证件重新输入。",
        "The ID number has 18 characters: 17 digits, then a digit or X. Enter it again.",
    ),
    IdProblem.BAD_CHARACTERS: Msg(
        "公民身份号码只能含数字,最后一位可为 X。请对照证件重新输入。",
        "The ID number holds digits only, the last may be X. Enter it again from the card.",
    ),
    IdProblem.BAD_PROVINCE: Msg(
        "身份号码前两位不是有效的省级代码,请对照证件核实。",
        "The first two digits are not a province code; check the number against the card.",
    ),
    IdProblem.BAD_DATE: Msg(
        "身份号码第 7—14 位不是有效日期,请对照证件核实。",
        "Digits 7-14 are not a real date; check the number against the card.",
    ),
    IdProblem.BAD_CHECK: Msg(
        "身份号码校验位不符,可能有一位输错,请对照证件核实。",
        "The check character does not match: a digit is probably mistyped. Check against the card.",
    ),
    IdProblem.LEGACY_15: Msg(
        "15 位旧号码须升级为 18 位后保存。",
        "A 15-digit number must be stored upgraded to 18 characters.",
    ),
    IdProblem.ALL_ZEROS: Msg(
        "不要填全零:没有身份号码的,请选择“无身份号码”并说明原因。",
        "Do not enter zeros: for a person without a number choose 'no ID number' and give the "
        "reason.",
    ),
}


def _f(item: str, person: str, msg: Msg, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(ITEM_RULE.get(item, FORM_ITEM_RULE), severity, person, (item,), msg)


def _has_control(text: str) -> bool:
    return any(c < " " or "\x7f" <= c < "\xa0" or "\ud800" <= c <= "\udfff" for c in text)


def check_value(
    item: str,
    value: object,
    person: str,
    cfg: ValidationConfig,
    *,
    as_typed: bool = False,
    id_result: idnumber.IdResult | None = None,
    form: Form | None = None,
) -> list[Finding]:
    """Findings about the format and range of one present answer.

    ``as_typed``: the value comes straight from the keyboard (``check_field``), so a valid
    15-digit or lower-case ID number is fine; the caller stores ``idnumber.to_storable(value)``.
    ``id_result``: ``idnumber.check(value)`` when the caller has it already (D3 only).
    ``form``: the household's form, for the items the short form does not have (long-form,
    death-record and hmt2020 items are judged by the form's type, codes, range and length).
    """
    if item in CODE_LISTS:
        if type(value) is not int or value not in CODE_LISTS[item]:
            return [_f(item, person, _CODE.format(item=item))]
        return []
    if item in COUNT_ITEMS:
        if type(value) is not int or not 0 <= value <= cfg.max_household_count:
            return [_f(item, person, _COUNT.format(item=item, max=cfg.max_household_count))]
        return []
    if item in HOUSING_ITEMS:
        if type(value) is not int or value < 1:
            return [_f(item, person, _HOUSING.format(item=item))]
        return []
    if item in TEXT_ITEMS:
        return _check_text(item, value, person, cfg)
    if item == "D5":
        return _check_birth(value, person, cfg, "D5")
    if item == "D3":
        return _check_id(value, person, as_typed=as_typed, res=id_result)
    if form is not None and form.has_item(item):
        return check_form_value(form.item(item), value, person, cfg, form)
    return []


def valid_value(item: Item, value: object) -> bool:
    """Whether ``value`` has the item's type (and is one of its codes / within its range).

    The quick test the checks' walk uses to decide whether an answer can open or close later
    items (a year-month after 2020-10, e.g. a birth after the standard time, opens nothing);
    :func:`check_value` says what is wrong with it.
    """
    t = item.type
    if t == "code":
        return type(value) is int and item.has_code(value)
    if t == "integer":
        return (
            type(value) is int
            and (item.min is None or value >= item.min)
            and (item.max is None or value <= item.max)
        )
    if t == "yearmonth":
        ym = as_yearmonth(value)
        return ym is not None and ym <= LAST_BIRTH_MONTH
    return isinstance(value, str)


def check_form_value(
    it: Item, value: object, person: str, cfg: ValidationConfig, form: Form
) -> list[Finding]:
    """An answer judged by its item on ``form``: code list, integer range, year-month no later
    than 2020-10, text length; the person's birth (D5, R4) as P-05 judges it; names (D1, R1, S2)
    as P-01 does ("未取名" for an unnamed infant)."""
    item = it.id
    if it.type == "code":
        if type(value) is not int or not it.has_code(value):
            return [_f(item, person, _CODE.format(item=item))]
        return []
    if it.type == "integer":
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or (it.min is not None and value < it.min)
            or (it.max is not None and value > it.max)
        ):
            lo = "" if it.min is None else it.min
            hi = "" if it.max is None else it.max
            return [_f(item, person, _RANGE.format(item=item, lo=lo, hi=hi))]
        return []
    ids = ids_of(form)
    if it.type == "yearmonth":
        if item == ids.birth:
            return _check_birth(value, person, cfg, item)
        ym = as_yearmonth(value)
        if ym is None:
            return [_f(item, person, _YM_ITEM_FORMAT.format(item=item))]
        if ym > LAST_BIRTH_MONTH:
            return [_f(item, person, _YM_ITEM_LATE.format(item=item))]
        return []
    if it.type == "idnumber":
        return _check_id(value, person, as_typed=False, res=None)
    limit = it.max_length or DEFAULT_MAX_LENGTH
    if not isinstance(value, str) or not value.strip():
        empty = _NAME_EMPTY if item in ids.name_items else _TEXT_EMPTY.format(item=item)
        return [_f(item, person, empty)]
    if len(value) > limit or _has_control(value):
        return [_f(item, person, _TEXT_BAD.format(item=item, max=limit))]
    return []


def _check_text(item: str, value: object, person: str, cfg: ValidationConfig) -> list[Finding]:
    limit = cfg.max_name_length if item == "D1" else cfg.max_place_length
    if not isinstance(value, str) or not value.strip():
        return [_f(item, person, _NAME_EMPTY if item == "D1" else _PLACE_EMPTY.format(item=item))]
    if len(value) > limit or _has_control(value):
        return [_f(item, person, _TEXT_BAD.format(item=item, max=limit))]
    return []


def _check_birth(value: object, person: str, cfg: ValidationConfig, item: str) -> list[Finding]:
    ym = parse_yearmonth(value) if isinstance(value, str) and len(value) == 7 else None
    if ym is None:
        return [_f(item, person, _YM_FORMAT)]
    if born_after_standard_time(*ym):
        return [_f(item, person, _YM_FUTURE)]
    if ym[0] < cfg.earliest_birth_year:
        return [_f(item, person, _YM_EARLY.format(year=cfg.earliest_birth_year))]
    return []


def _check_id(
    value: object, person: str, *, as_typed: bool, res: idnumber.IdResult | None
) -> list[Finding]:
    """P-02 on the value alone. ``""`` (explicit "no ID number") is judged with D3N by the rule."""
    if value == "":
        return []
    if res is None:
        res = idnumber.check(value)
    problems = res.problems
    if as_typed and problems == (IdProblem.LEGACY_15,):
        return []
    if as_typed is False and isinstance(value, str) and res.valid and value != res.number:
        # Stored, but not in normalised form (lower-case x, spaces): the store should normalise.
        return [_f("D3", person, ID_MESSAGES[IdProblem.BAD_CHARACTERS])]
    return [_f("D3", person, ID_MESSAGES[problems[0]])] if problems else []
