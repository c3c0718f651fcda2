"""Checks of the form for Hong Kong, Macau and Taiwan residents and foreigners (港澳台居民和外籍人员
普查表, hmt2020; FACTS §3.4).

The relationship rules R-01 … R-10 and the person rules P-01, P-04 and P-05 run as on the short
form, reading the items through the form's roles (R1 name, R2 relationship, R3 sex, R4 birth).
There are no ID-number rules (R7 is a travel document's number, not a 公民身份号码) and no
death records. The other items follow the form file's ``when`` conditions (``generic``):

| rule | check | severity |
|---|---|---|
| HH-01 | F1 household type and F2 living quarters answered, valid codes | E |
| HH-02 | FN persons to register answered, within the form's range | E |
| HH-03 | the number of person records = FN | E |
| HH-05 | F3 floor area and F4 rooms answered iff F2 = 1, within range | E |
| HH-08 | no death records (this form has none) | E |
| HMT-01 | R5 nationality or region: a code of the country list | E |
| HMT-01 | R5 = 156 中国: a mainland citizen belongs on the short or long form [D] | W |
| HMT-02 | R6 document type and R7 document number answered, valid | E |
| HMT-02 | R6 unusual for R5 (a Taiwan permit for Hong Kong, a permit for a foreigner) [D] | W |
| HMT-03 | R8 arrival year-month: valid, not after 2020-10, not before the birth (R4) | E |
| HMT-04 | R9 purpose of stay: a listed code | E |
| P-12 | R10 education answered iff age ≥ 3 | E |

FACTS §3.4 confirms R1 … R3 only; R4 … R10 and FN are a design choice [D] (docs/form.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE as HH
from census_tui.questionnaire.form import Form
from census_tui.validation import generic, rules_household, rules_person, rules_relationship
from census_tui.validation.config import ValidationConfig
from census_tui.validation.findings import DEATH_COUNT_ITEM, Finding, Rule, Severity
from census_tui.validation.view import HouseholdView, as_yearmonth, ids_of

E, W = Severity.ERROR, Severity.WARNING
CHINA = 156
HONG_KONG, MACAO, TAIWAN = 344, 446, 158
UNUSUAL_DOCUMENTS: dict[int, frozenset[int]] = {
    HONG_KONG: frozenset({2, 5}),
    MACAO: frozenset({2, 5}),
    TAIWAN: frozenset({1, 5}),
}
"""[D] R6 documents a resident of each region does not hold (1 港澳居民来往内地通行证 ·
2 台湾居民来往大陆通行证 · 3 港澳台居民居住证 · 4 护照 · 5 外国人永久居留身份证 · 9 其他)."""
FOREIGN_UNUSUAL = frozenset({1, 2, 3})
"""[D] R6 documents a foreigner does not hold: the permits of Hong Kong, Macao and Taiwan."""

_NO_DEATHS = Msg(
    "港澳台居民和外籍人员普查表没有死亡人口调查表:请删除死亡记录(共 {n} 份)。",
    "The form for residents from outside the mainland has no death records: remove them ({n}).",
)
_MAINLAND = Msg(
    "国籍填“中国”:大陆居民应在普查表短表或长表登记,请核实 R5;确认无误请说明原因。",
    "R5 = China: a mainland resident is enumerated on the short or long form; check R5, or "
    "confirm with a reason.",
)
_DOCUMENT = Msg(
    "身份证件类型与国籍或地区不常见的组合,请核实 R5 和 R6;确认无误请说明原因。",
    "Unusual identity document for this nationality or region: check R5 and R6, or confirm with "
    "a reason.",
)
_ARRIVED_BEFORE_BIRTH = Msg(
    "来大陆时间 {item} 早于出生年月 {birth},请核实。",
    "The arrival year-month {item} is before the birth year-month {birth}: check both.",
)


def _household(form: Form) -> frozenset[str]:
    return frozenset(i.id for i in form.household_items)


def _person(form: Form) -> frozenset[str]:
    ids = ids_of(form)
    roles = {ids.name, ids.rel, ids.sex, ids.birth}
    return frozenset(i.id for i in form.person_items if i.id not in roles)


household_items = generic.household_rule(_household)
"""HH-01 (F1, F2), HH-02 (FN), HH-05 (F3, F4): answered when asked, blank when not, valid."""

person_items = generic.person_rule(_person)
"""HMT-01 … HMT-04 and P-12 (R10): answered when asked, blank when not, valid."""


def hh_08_hmt(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """A death record on a form without death records is an error, never dropped silently."""
    if v.deaths and not v.form.death_items:
        msg = _NO_DEATHS.format(n=len(v.deaths))
        yield Finding("HH-08", E, HH, (), msg, ((HH, DEATH_COUNT_ITEM),))


def hmt_01_02(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """R5 = 中国 (HMT-01, W); R6 unusual for R5 (HMT-02, W) [D]."""
    for scope in generic.persons(v):
        country, document = scope.env.get("R5"), scope.env.get("R6")
        if not isinstance(country, int):
            continue
        if country == CHINA:
            yield Finding("HMT-01", W, scope.uuid, ("R5",), _MAINLAND)
        elif isinstance(document, int):
            unusual = UNUSUAL_DOCUMENTS.get(country, FOREIGN_UNUSUAL)
            if document in unusual:
                yield Finding("HMT-02", W, scope.uuid, ("R6", "R5"), _DOCUMENT)


def hmt_03(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """R8 arrival not before the birth (HMT-03); format and ≤ 2020-10: the form's check."""
    birth_item = v.ids.birth
    for scope, p in zip(generic.persons(v), v.persons, strict=True):
        arrived = as_yearmonth(scope.env.get("R8"))
        if arrived is None or p.birth is None or p.age is None or p.age < 0:
            continue  # a birth after the standard time: P-05 says so
        if arrived < p.birth:
            msg = _ARRIVED_BEFORE_BIRTH.format(item="R8", birth=birth_item)
            yield Finding("HMT-03", E, p.uuid, ("R8", birth_item), msg)


RULES: tuple[Rule, ...] = (
    household_items,
    rules_household.hh_03,
    hh_08_hmt,
    *rules_relationship.RULES,
    rules_person.p_01,
    rules_person.p_04,
    rules_person.p_05,
    person_items,
    hmt_01_02,
    hmt_03,
)
"""Every rule of hmt2020, in report order."""
