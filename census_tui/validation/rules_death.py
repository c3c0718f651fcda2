"""Death records (死亡人口调查表, FACTS §3.3) and the household counts they answer to (FACTS §7.1
HH-08, HH-09), on every form with death records (``[form] deaths``: short2020, long2020).

Findings about a death record carry **the record's uuid as** ``person_uuid`` (a record's uuid is
never a person's: the household JSON refuses it), and their confirmation snapshots are keyed
``"<record uuid>:<item>"`` like a person's.

Rules (all errors):

- HH-08: H4m / H4f = the death records by sex (S3); H4 > 0 needs a record per death; a record
  while H4 = 0 is an error too (never dropped silently).
- HH-09: everyone died (H2a = H2b = 0, H4 > 0; FACTS §4 户编号 999): no person records, and the
  housing items H5 … (H18 on the long form) blank.
- DTH-01: S2 name answered, not blank ("未取名" for an unnamed infant), within its length, no
  control characters.
- DTH-02: S3 sex answered, 1 or 2.
- DTH-03: S4 birth a year-month, not before 1890 (``earliest_birth_year``), not after S5.
- DTH-04: S5 death a year-month within 2019-11 … 2020-10.
- DTH-05: S6 ethnic group a GB 3304 code.
- DTH-06: S7 education answered iff the age at death is 6 or more (the form's ``when``).
- DTH-07: S8 marital status answered iff the age at death is 15 or more.

Age at death (FACTS §3.3): death year − birth year − (1 if birth month > death month). H2a = H2b
= 0 with H4 = 0 is not HH-09's: nobody to register is HH-03's error.
"""

from __future__ import annotations

from collections.abc import Iterator

from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE as HH
from census_tui.questionnaire.form import Form
from census_tui.validation import generic
from census_tui.validation.config import ValidationConfig
from census_tui.validation.findings import (
    DEATH_COUNT_ITEM,
    PERSON_COUNT_ITEM,
    Finding,
    Rule,
    Severity,
)
from census_tui.validation.view import HouseholdView, as_yearmonth

E = Severity.ERROR

FIRST_DEATH_MONTH = (2019, 11)
LAST_DEATH_MONTH = (2020, 10)
"""The death form covers deaths from 2019-11-01 to 2020-10-31 (FACTS §1, §3.3)."""

_NO_RECORDS = Msg(
    "H4 填报本户死亡 {h} 人:请为每名死者填写一份死亡人口调查表。",
    "H4 reports deaths in the household ({h}): fill in a death record for each.",
)
_RECORDS_VS_H4 = Msg(
    "有 {n} 份死亡人口记录,与 H4 填报的死亡人数 {h} 不符:死亡人口调查表每名死者一份,"
    "请补登或删除记录,或更正 H4。",
    "Death records: {n}, but deaths in H4: {h}. One record per death: add or remove records, "
    "or correct H4.",
)
_BY_SEX = Msg(
    "死亡人口记录按性别为男 {nm} 人、女 {nf} 人,与 H4 的男 {m} 人、女 {f} 人不符:"
    "请核实 H4 或各记录的性别。",
    "The death records give {nm} male and {nf} female deaths, but H4 reports {m} male and {f} "
    "female: check H4 or the records' sex.",
)
_ALL_DIED_PERSONS = Msg(
    "全户死亡 (应登记人数 0、H4 大于 0) 的户不登记人员:请删除这些人员,或更正 H2。",
    "A household whose members all died (H2 = 0, H4 > 0) lists no persons: remove them or "
    "correct H2.",
)
_ALL_DIED_HOUSING = Msg(
    "全户死亡的户只填死亡人数 (H4),不填住房项目 {items}:请清除。",
    "A household whose members all died gives only H4, not the housing items {items}: clear them.",
)
_BIRTH_EARLY = Msg(
    "{item} 出生年份早于 {year} 年,请核实。", "{item}: birth year before {year}; check the entry."
)
_BIRTH_AFTER_DEATH = Msg(
    "出生年月 {item} 晚于死亡年月 {death},请核实。",
    "The birth year-month {item} is after the year-month of death {death}: check both.",
)
_DEATH_OUTSIDE = Msg(
    "死亡年月 {item} 应在 2019年11月至2020年10月之间:此前或此后的死亡不登记,请核实。",
    "The year-month of death {item} must be within 2019-11 … 2020-10; other deaths are not "
    "recorded: check it.",
)


def _all_death_items(form: Form) -> frozenset[str]:
    return frozenset(i.id for i in form.death_items)


def hh_08(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """H4 by sex = death records by sex; H4 > 0 needs records (FACTS §7.1 HH-08)."""
    counts = v.form.death_count_items
    if counts is None:
        return
    male, female = counts
    m, f = v.code(male), v.code(female)
    if m is None or f is None or m < 0 or f < 0:
        return  # HH-02 reports the count
    sex_item = v.form.death_roles.get("sex", "S3")
    n = len(v.deaths)
    if n != m + f:
        msg = _NO_RECORDS.format(h=m + f) if n == 0 else _RECORDS_VS_H4.format(n=n, h=m + f)
        yield Finding("HH-08", E, HH, (male, female), msg, ((HH, DEATH_COUNT_ITEM),))
        return
    if any(d.sex not in (1, 2) for d in v.deaths):
        return  # DTH-02 reports the record's sex first
    nm = sum(1 for d in v.deaths if d.sex == 1)
    if nm != m:
        related = tuple((d.uuid, sex_item) for d in v.deaths)
        msg = _BY_SEX.format(nm=nm, nf=n - nm, m=m, f=f)
        yield Finding("HH-08", E, HH, (male, female), msg, related)


def hh_09(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Everyone died (H2a = H2b = 0, H4 > 0): no person records and no housing answers
    (FACTS §4 户编号 999, §7.1 HH-09)."""
    if not v.all_died:
        return
    items = v.form.person_count_items
    if v.persons:
        yield Finding("HH-09", E, HH, items, _ALL_DIED_PERSONS, ((HH, PERSON_COUNT_ITEM),))
    housing = v.form.item("H5") if v.form.has_item("H5") else None
    if housing is None:
        return
    start = v.form.index("H5")
    present = tuple(i.id for i in v.form.household_items[start:] if v.has(i.id))
    if present:
        msg = _ALL_DIED_HOUSING.format(items=", ".join(present))
        yield Finding("HH-09", E, HH, present, msg)


def dth_03(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """S4 birth not before 1890 and not after S5 (DTH-03); the format is the form's."""
    roles = v.form.death_roles
    b_item, d_item = roles.get("birth", "S4"), roles.get("death", "S5")
    for scope, d in zip(generic.deaths(v), v.deaths, strict=True):
        if b_item not in scope.env or d.birth is None or d.birth > LAST_DEATH_MONTH:
            continue  # missing, malformed or after 2020-10: reported by the form's check
        if d.birth[0] < cfg.earliest_birth_year:
            msg = _BIRTH_EARLY.format(item=b_item, year=cfg.earliest_birth_year)
            yield Finding("DTH-03", E, d.uuid, (b_item,), msg)
        elif d.death is not None and d_item in scope.env and d.birth > d.death:
            msg = _BIRTH_AFTER_DEATH.format(item=b_item, death=d_item)
            yield Finding("DTH-03", E, d.uuid, (b_item, d_item), msg)


def dth_04(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """S5 death within 2019-11 … 2020-10 (DTH-04); later than 2020-10 the form's check says."""
    d_item = v.form.death_roles.get("death", "S5")
    for d in v.deaths:
        death = as_yearmonth(d.answers.get(d_item))
        if death is not None and death < FIRST_DEATH_MONTH:
            yield Finding("DTH-04", E, d.uuid, (d_item,), _DEATH_OUTSIDE.format(item=d_item))


death_items = generic.death_rule(_all_death_items)
"""DTH-01 … DTH-07: every death item answered when asked, blank when not, a valid answer."""

RULES: tuple[Rule, ...] = (hh_08, hh_09, death_items, dth_03, dth_04)
"""The death-record rules of a form with death records, in report order."""
