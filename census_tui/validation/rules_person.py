"""Person-level checks for the short form, FACTS §7.3 (P-01 … P-14).

The long form runs them too (its D1 … D12 are the short form's). P-01, P-04 and P-05 read the
name, sex and birth items through the form's roles (``HouseholdView.ids``), so hmt2020 runs them
on R1, R3 and R4; the ID-number parts of P-03 … P-06 need an ``id_number`` role (D3).

Universes and skips follow docs/form.md: D3N only when D3 = "" (no ID number); D7P when D7 = 5;
D8P when D8 = 4; D9/D10 not asked when D8 = 5; D10 not asked when D9 = 1; D11 for age 3+, D12
for age 15+ (FACTS §2.3).
"""

from __future__ import annotations

from collections.abc import Iterator

from census_tui.i18n import Msg
from census_tui.questionnaire.form import Form
from census_tui.questionnaire.standard_time import LAST_BIRTH_MONTH
from census_tui.validation.config import ValidationConfig
from census_tui.validation.findings import Finding, Rule, Severity
from census_tui.validation.items import check_value
from census_tui.validation.view import HouseholdView, PersonView

E, OVR, W = Severity.ERROR, Severity.OVERRIDABLE, Severity.WARNING

_MISSING = Msg("请回答 {item}。", "Answer {item}.")
_NO_ID = Msg(
    "此人无公民身份号码:请确认并说明原因(如新生儿未落户、户口待定)。",
    "No ID number recorded: confirm with a reason (e.g. newborn not yet registered, no hukou).",
)
_NO_ID_REASON = Msg(
    "请选择无身份号码的原因 D3N。", "Choose the reason for having no ID number, D3N."
)  # fmt: skip
_D3N_STALE = Msg(
    "已填身份号码,请清除“无号码原因” D3N。",
    "An ID number is recorded: clear the no-number reason D3N.",
)
_BIRTH_VS_ID = Msg(
    "出生年月与身份号码中的出生日期不符:请核对证件;如证件本身有误,保留并说明原因。",
    "Birth year-month differs from the date in the ID number: check the card; if the card itself "
    "is wrong, keep the answer and give a reason.",
)
_SEX_VS_ID = Msg(
    "性别与身份号码第 17 位不符:请核对证件;如证件本身有误,保留并说明原因。",
    "Sex differs from digit 17 of the ID number: check the card; if the card itself is wrong, "
    "keep the answer and give a reason.",
)
_ID_AFTER_STANDARD_TIME = Msg(
    "身份号码显示此人出生于2020年11月1日以后,不应登记:请核实号码或删除此人。",
    "The ID number shows a birth after 2020-11-01, who is not enumerated: check the number or "
    "remove the person.",
)
_DUPLICATE_ID = Msg(
    "本户中另有人使用同一身份号码,请核对证件。",
    "Another person in this household has the same ID number: check the cards.",
)
_DUPLICATE_AREA = Msg(
    "本普查小区另一户登记了同一身份号码,可能重复登记:请核实,确认无误请说明原因。",
    "Another household in this area has the same ID number (possible double count): check, or "
    "confirm with a reason.",
)
_PLACE_NEEDED = Msg("请填写 {item}(省、市、县)。", "Enter {item} (province, prefecture, county).")
_COVERAGE = Msg(
    "D7 与 D8 至少一项应为 1,否则此人不在本普查小区登记:请核实或删除此人。",
    "At least one of D7 and D8 must be 1, or the person is not enumerated here: check or remove.",
)
_SKIP_D9 = Msg(
    "户口待定 (D8 = 5) 的不填 D9、D10:请清除。", "D8 = 5 (no hukou): clear D9 and D10."
)  # fmt: skip
_SKIP_D10 = Msg("没有离开户口登记地 (D9 = 1) 的不填 D10:请清除。", "D9 = 1: clear D10.")
_NEED_D10 = Msg("请选择离开户口登记地的原因 D10。", "Choose the reason for leaving, D10.")
_LEFT_HUKOU = Msg(
    "户口在外乡镇或外县、现住本小区,却填“没有离开户口登记地”:请核实 D9,确认请说明原因。",
    "Hukou in another township or county but living here, yet D9 = 'never left': check D9, or "
    "confirm with a reason.",
)
_NOT_ASKED = Msg(
    "{item} 只问 {age} 岁及以上的人:请核实出生年月或清除 {item}。",
    "{item} is asked only at age {age} and over: check D5 or clear {item}.",
)
_EDU_AGE = Msg(
    "受教育程度与年龄不相称,请核实 D11 和出生年月;确认无误请说明原因。",
    "Education level is unusual for the age: check D11 and D5, or confirm with a reason.",
)
_ILLITERATE = Msg(
    "受教育程度为初中及以上却填“不识字”,请核实 D12;确认无误请说明原因。",
    "Lower secondary school or higher but 'cannot read': check D12, or confirm with a reason.",
)


def _require(
    p: PersonView, item: str, rule: str, cfg: ValidationConfig, form: Form | None = None
) -> Iterator[Finding]:
    if not p.has(item):
        yield Finding(rule, E, p.uuid, (item,), _MISSING.format(item=item))
    else:
        yield from check_value(item, p.answers[item], p.uuid, cfg, form=form)


def p_01(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """D1 name non-empty, no control characters, not absurdly long (FACTS §7.3 P-01)."""
    for p in v.persons:
        yield from _require(p, v.ids.name, "P-01", cfg, v.form)


def p_02(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """D3 a valid number, or "" (no number) with a reason D3N and a confirmation (P-02)."""
    for p in v.persons:
        if not p.has("D3"):
            yield Finding("P-02", E, p.uuid, ("D3",), _MISSING.format(item="D3"))
            continue
        yield from check_value("D3", p.answers["D3"], p.uuid, cfg, id_result=p.id_result)
        if p.answers["D3"] == "":
            yield from _require(p, "D3N", "P-02", cfg)
            yield Finding("P-02", W, p.uuid, ("D3", "D3N"), _NO_ID)
        elif p.has("D3N"):
            yield Finding("P-02", E, p.uuid, ("D3N",), _D3N_STALE)


def p_03(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """D5 = birth year-month in the ID number; overridable with a reason (FACTS §7.3 P-03)."""
    for p in v.persons:
        r = p.id_result
        if r is None or not r.valid or r.birth is None or p.birth is None:
            continue
        if (r.birth[0], r.birth[1]) != p.birth:
            yield Finding("P-03", OVR, p.uuid, ("D5", "D3"), _BIRTH_VS_ID)


def p_04(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """D4 answered; D4 = sex from ID digit 17, overridable (FACTS §7.3 P-04)."""
    for p in v.persons:
        yield from _require(p, v.ids.sex, "P-04", cfg, v.form)
        r = p.id_result
        if r is not None and r.valid and p.sex in (1, 2) and r.sex != p.sex:
            yield Finding("P-04", OVR, p.uuid, (v.ids.sex, "D3"), _SEX_VS_ID)


def p_05(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Born before the standard time and not before ~1890, by D5 and by the ID (P-05)."""
    for p in v.persons:
        yield from _require(p, v.ids.birth, "P-05", cfg, v.form)
        r = p.id_result
        if r is not None and r.valid and r.birth and (r.birth[0], r.birth[1]) > LAST_BIRTH_MONTH:
            yield Finding("P-05", E, p.uuid, ("D3",), _ID_AFTER_STANDARD_TIME)


def p_06(
    v: HouseholdView, cfg: ValidationConfig, area_id_numbers: frozenset[str] = frozenset()
) -> Iterator[Finding]:
    """Duplicate ID numbers: in the household an error; elsewhere in the area a warning (P-06)."""
    seen: dict[str, str] = {}
    for p in v.persons:
        r = p.id_result
        if r is None or not r.valid:
            continue
        if r.number in seen:
            related = ((seen[r.number], "D3"),)
            yield Finding("P-06", E, p.uuid, ("D3",), _DUPLICATE_ID, related)
        else:
            seen[r.number] = p.uuid
            if r.number in area_id_numbers:
                yield Finding("P-06", W, p.uuid, ("D3",), _DUPLICATE_AREA)


def p_07(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """D6 is one of the 56 GB 3304 codes, 97 or 98 (FACTS §7.3 P-07)."""
    for p in v.persons:
        yield from _require(p, "D6", "P-07", cfg)


def p_08(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """D7 ∈ 1..7, D8 ∈ 1..5; D7 = 5 / D8 = 4 need the place text (FACTS §7.3 P-08)."""
    for p in v.persons:
        yield from _require(p, "D7", "P-08", cfg)
        yield from _require(p, "D8", "P-08", cfg)
        for code_item, code, place in (("D7", 5, "D7P"), ("D8", 4, "D8P")):
            if p.code(code_item) == code:
                if not p.has(place):
                    msg = _PLACE_NEEDED.format(item=place)
                    yield Finding("P-08", E, p.uuid, (place,), msg)
                else:
                    yield from check_value(place, p.answers[place], p.uuid, cfg)


def p_09(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Coverage: D7 = 1 or D8 = 1, or the person does not belong here (FACTS §7.3 P-09)."""
    for p in v.persons:
        d7, d8 = p.code("D7"), p.code("D8")
        if d7 is not None and d8 is not None and d7 != 1 and d8 != 1:
            yield Finding("P-09", E, p.uuid, ("D7", "D8"), _COVERAGE)


def p_10(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """D8 = 5 ⇒ no D9/D10; D9 = 1 ⇒ no D10; D9 ∈ 2..9 ⇒ D10 (FACTS §7.3 P-10)."""
    for p in v.persons:
        d8 = p.code("D8")
        if d8 == 5:
            present = tuple(i for i in ("D9", "D10") if p.has(i))
            if present:
                yield Finding("P-10", E, p.uuid, (*present, "D8"), _SKIP_D9)
            continue
        if d8 is None:
            continue
        yield from _require(p, "D9", "P-10", cfg)
        d9 = p.code("D9")
        if d9 == 1 and p.has("D10"):
            yield Finding("P-10", E, p.uuid, ("D10", "D9"), _SKIP_D10)
        elif d9 is not None and 2 <= d9 <= 9:
            if not p.has("D10"):
                yield Finding("P-10", E, p.uuid, ("D10",), _NEED_D10)
            else:
                yield from check_value("D10", p.answers["D10"], p.uuid, cfg)


def p_11(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Hukou elsewhere (D8 ∈ {3,4}), living here, yet D9 = 1 (FACTS §7.3 P-11 [D], warning)."""
    for p in v.persons:
        if p.code("D8") in (3, 4) and p.code("D7") == 1 and p.code("D9") == 1:
            yield Finding("P-11", W, p.uuid, ("D9", "D8", "D7"), _LEFT_HUKOU)


def p_12(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """D11 iff age ≥ 3, D12 iff age ≥ 15 (FACTS §7.3 P-12; ages from standard_time)."""
    gates = (("D11", cfg.education_min_age), ("D12", cfg.literacy_min_age))
    for p in v.persons:
        for item, min_age in gates:
            if p.age is None or p.age < 0:
                if p.has(item):  # D5 unusable (P-05 says so); still judge the code itself
                    yield from check_value(item, p.answers[item], p.uuid, cfg)
            elif p.age >= min_age:
                yield from _require(p, item, "P-12", cfg)
            elif p.has(item):
                msg = _NOT_ASKED.format(item=item, age=min_age)
                yield Finding("P-12", E, p.uuid, (item, "D5"), msg)


def p_13(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Education against age: suggested minimum ages; 学前教育 at 10+ (P-13 [D], warning)."""
    for p in v.persons:
        edu = p.code("D11")
        if edu is None or p.age is None or p.age < cfg.education_min_age:
            continue
        minimum = cfg.education_min_age_for(edu)
        if (minimum is not None and p.age < minimum) or (
            edu == 2 and p.age >= cfg.max_preschool_age
        ):
            yield Finding("P-13", W, p.uuid, ("D11", "D5"), _EDU_AGE)


def p_14(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Illiterate (D12 = 2) with 初中 or higher (D11 ≥ 4) (FACTS §7.3 P-14 [D], warning)."""
    for p in v.persons:
        edu = p.code("D11")
        if p.code("D12") == 2 and edu is not None and 4 <= edu <= 9:
            yield Finding("P-14", W, p.uuid, ("D12", "D11"), _ILLITERATE)


RULES: tuple[Rule, ...] = (
    p_01, p_02, p_03, p_04, p_05, p_07, p_08, p_09, p_10, p_11, p_12, p_13, p_14,
)  # fmt: skip
"""All person rules except P-06, which also needs the area's other ID numbers (engine)."""
