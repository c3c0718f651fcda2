"""Long-form checks (普查表长表, FACTS §3.1, §3.2, §7.4), on top of every short-form rule.

The long form (long2020) has every short-form item with the same id and meaning, so the short
form's rules run unchanged; these add its further items. Who is asked what comes from the form
file's ``when`` conditions (``generic``), each reported under its rule with the reason:

- HH-05 (E): H8 … H17, the housing details, answered iff H5 = 1 (the printed skip); valid codes.
- HH-11 (E): H18 monthly rent answered iff H17 ∈ {1, 2} (rented).
- HH-07 (E, the long-form cross-check): the women's births of the past year by sex (D28S1 …
  D28S3) = H3m / H3f.
- L-01 (E): D24 marital status iff age ≥ 15; D25 first marriage iff D24 ∈ 2 … 5 (未婚 ⇒ blank).
- L-02: D25 at least 15 years after the birth (E; not after 2020-10: the form's check); before
  the legal marriage age, 男 22 / 女 20 (W).
- L-03 (E): D26m / D26f children ever born iff a woman aged 15–64 ever married (men: blank).
- L-04 (E): D27m / D27f surviving children, same universe; surviving ≤ born, by sex.
- L-05 (E): D28 births in the past year iff a woman aged 15–50 ever married; D28Bk / D28Sk per
  birth; each birth month within 2019-11 … 2020-10; D28 ≤ D26m + D26f, and by sex.
- L-06 (E): D16 residence on 2015-11-01 iff age ≥ 5 (born before 2015-11); D16P iff D16 = 2.
- L-07 (E): D17 schooling status iff age ≥ 3 and D11 ≥ 3 (not for 未上过学 / 学前教育).
- L-08 (E): D18 work iff age ≥ 16; D18 = 1 ⇒ hours D18H (1–168); D18 ∈ {1, 2} ⇒ D19 unit type,
  D20 industry, D21 occupation; D18 = 3 ⇒ those blank and the reason D22 required.
- L-09 (W): D22 = 2 (离退休) under 40, or D22 = 1 (在校学习) over 35 (``ValidationConfig``).
- L-10 (E) [D]: the other long-form person items: D13 / D14 iff D8 ≠ 5; D15 (D15P iff
  D15 = 3); D23 iff age ≥ 16; D29 / D30 iff age ≥ 60; valid answers.

L-10 is this program's id (FACTS §7.4 stops at L-09) for the items no L- rule names. FACTS §7.4
tags L-02's and L-09's thresholds [D]; they live in :class:`ValidationConfig`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE as HH
from census_tui.questionnaire.form import Form, Section, load_form
from census_tui.validation import generic
from census_tui.validation.config import ValidationConfig
from census_tui.validation.findings import Finding, Ref, Rule, Severity
from census_tui.validation.view import DEFAULT_FORM, HouseholdView, as_yearmonth

E, W = Severity.ERROR, Severity.WARNING
MALE, FEMALE = 1, 2
FIRST_BIRTH_MONTH = (2019, 11)
LAST_BIRTH_MONTH = (2020, 10)
"""The past year of D28 (and H3): 2019-11-01 … 2020-10-31."""
BIRTHS = (("D28B1", "D28S1"), ("D28B2", "D28S2"), ("D28B3", "D28S3"))

_WOMEN_BIRTHS = Msg(
    "H3 填报{sex}孩出生 {h} 人,与育龄妇女填报的过去一年生育{sex}孩 {n} 人 (D28) 不符:"
    "长表的户出生人数应与人表生育情况一致,请核实。",
    "H3 reports {h} {sex_en} births but the women's births of the past year (D28) give {n}: "
    "on the long form they must agree; check both.",
)
_MARRIED_TOO_YOUNG = Msg(
    "初婚年月 D25 距出生不足 {age} 年,请核实 D25 和出生年月。",
    "D25: first marriage less than {age} years after the birth; check D25 and the birth "
    "year-month.",
)
_MARRIED_UNDER_LEGAL = Msg(
    "初婚时未到法定婚龄(男 {m} 岁、女 {f} 岁),请核实;普查按实际情况登记,确认请说明原因。",
    "First marriage below the legal age (men {m}, women {f}): check; the census records the "
    "actual situation, so confirm with a reason.",
)
_SURVIVING = Msg(
    "{alive} 存活{sex}孩数多于 {born} 生育{sex}孩数,请核实。",
    "{alive}: more surviving {sex_en} children than {sex_en} children ever born ({born}); check.",
)
_BIRTH_MONTH = Msg(
    "{item} 孩子的出生年月应在 2019年11月至2020年10月之间,请核实。",
    "{item}: the child's birth month must be within 2019-11 … 2020-10; check it.",
)
_BIRTHS_VS_CHILDREN = Msg(
    "过去一年生育 {births} 人,多于生育子女数 D26m + D26f = {children},请核实。",
    "{births} births in the past year but only {children} children ever born (D26m + D26f); check.",
)
_BIRTHS_VS_CHILDREN_SEX = Msg(
    "过去一年生育{sex}孩 {births} 人,多于生育{sex}孩数 {item} = {children},请核实。",
    "{births} {sex_en} births in the past year but {item} = {children} {sex_en} children ever "
    "born; check.",
)
_RETIRED_YOUNG = Msg(
    "不满 {age} 岁却填“离退休”未工作,请核实 D22 和出生年月;确认无误请说明原因。",
    "Retired (D22 = 2) under age {age}: check D22 and the birth year-month, or confirm with a "
    "reason.",
)
_STUDENT_OLD = Msg(
    "{age} 岁以上却填“在校学习”未工作,请核实 D22 和出生年月;确认无误请说明原因。",
    "In school (D22 = 1) over age {age}: check D22 and the birth year-month, or confirm with a "
    "reason.",
)
_SEX_NAMES = {MALE: ("男", "male"), FEMALE: ("女", "female")}


@lru_cache(maxsize=8)
def _extras(form: Form, section: Section) -> frozenset[str]:
    """The items of ``section`` the short form does not have (judged by the form)."""
    short = load_form(DEFAULT_FORM)
    return frozenset(i.id for i in form.items(section) if not short.has_item(i.id))


def _household_extras(form: Form) -> frozenset[str]:
    return _extras(form, "household")


def _person_extras(form: Form) -> frozenset[str]:
    return _extras(form, "person")


household_items = generic.household_rule(_household_extras, skip_all_died=True)
"""HH-05 (H8 … H17) and HH-11 (H18): answered when asked, blank when not, valid codes."""

person_items = generic.person_rule(_person_extras)
"""L-01, L-03 … L-08, L-10: the long-form person items answered when asked, blank when not."""


def hh_07_long(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """The women's births of the past year by sex = H3 by sex (FACTS §7.1 HH-07, an error on the
    long form). Silent while a D28 or D28Sk is missing or unusable (L-05 reports it)."""
    if v.all_died:
        return
    births = {MALE: 0, FEMALE: 0}
    related: list[Ref] = []
    for scope in generic.persons(v):
        state = scope.states.get("D28")
        if state is None:
            return
        if not state:
            continue
        n = scope.env.get("D28")
        if not isinstance(n, int):
            return
        related.append((scope.uuid, "D28"))
        for _, sex_item in BIRTHS[:n]:
            sex = scope.env.get(sex_item)
            if sex not in (MALE, FEMALE):
                return
            births[int(sex)] += 1
            related.append((scope.uuid, sex_item))
    for sex, item in ((MALE, "H3m"), (FEMALE, "H3f")):
        h = v.code(item)
        if h is None or h < 0 or births[sex] == h:
            continue
        zh, en = _SEX_NAMES[sex]
        msg = _WOMEN_BIRTHS.format(h=h, n=births[sex], sex=zh, sex_en=en)
        yield Finding("HH-07", E, HH, (item,), msg, tuple(related))


def l_02(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """D25 first marriage ≥ birth + 15 years (E); below the legal age (W) (FACTS §7.4 L-02)."""
    birth_item, sex_item = v.ids.birth, v.ids.sex
    legal = {MALE: cfg.legal_marriage_age_male, FEMALE: cfg.legal_marriage_age_female}
    for scope, p in zip(generic.persons(v), v.persons, strict=True):
        married = as_yearmonth(scope.env.get("D25"))
        if married is None or p.birth_index is None:
            continue
        months = married[0] * 12 + married[1] - 1 - p.birth_index
        if months < cfg.min_spouse_age * 12:
            msg = _MARRIED_TOO_YOUNG.format(age=cfg.min_spouse_age)
            yield Finding("L-02", E, p.uuid, ("D25", birth_item), msg)
        elif p.sex in legal and months < legal[p.sex] * 12:
            msg = _MARRIED_UNDER_LEGAL.format(m=legal[MALE], f=legal[FEMALE])
            yield Finding("L-02", W, p.uuid, ("D25", birth_item, sex_item), msg)


def l_04(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Surviving children ≤ children ever born, by sex (FACTS §7.4 L-04)."""
    for scope in generic.persons(v):
        env = scope.env
        for alive, born, sex in (("D27m", "D26m", MALE), ("D27f", "D26f", FEMALE)):
            a, b = env.get(alive), env.get(born)
            if isinstance(a, int) and isinstance(b, int) and a > b:
                zh, en = _SEX_NAMES[sex]
                msg = _SURVIVING.format(alive=alive, born=born, sex=zh, sex_en=en)
                yield Finding("L-04", E, scope.uuid, (alive, born), msg)


def l_05(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Each past-year birth month within 2019-11 … 2020-10; D28 ≤ D26m + D26f and by sex
    (FACTS §7.4 L-05). The universe of D28 and of each birth's items is the form's."""
    for scope in generic.persons(v):
        env = scope.env
        for month_item, _ in BIRTHS:
            ym = as_yearmonth(env.get(month_item))
            # later than 2020-10: the form's own check says so
            if ym is not None and ym < FIRST_BIRTH_MONTH:
                msg = _BIRTH_MONTH.format(item=month_item)
                yield Finding("L-05", E, scope.uuid, (month_item,), msg)
        n, sons, daughters = env.get("D28"), env.get("D26m"), env.get("D26f")
        if not (isinstance(n, int) and isinstance(sons, int) and isinstance(daughters, int)):
            continue
        if n > sons + daughters:
            msg = _BIRTHS_VS_CHILDREN.format(births=n, children=sons + daughters)
            yield Finding("L-05", E, scope.uuid, ("D28", "D26m", "D26f"), msg)
            continue
        for sex, born_item, children in ((MALE, "D26m", sons), (FEMALE, "D26f", daughters)):
            by_sex = sum(1 for _, s in BIRTHS[:n] if env.get(s) == sex)
            if by_sex > children:
                zh, en = _SEX_NAMES[sex]
                msg = _BIRTHS_VS_CHILDREN_SEX.format(
                    births=by_sex, children=children, item=born_item, sex=zh, sex_en=en
                )
                items = (born_item, *(s for _, s in BIRTHS[:n]))
                yield Finding("L-05", E, scope.uuid, items, msg)


def l_09(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Retired under 40, or in school over 35, as the reason for not working (L-09 [D], W)."""
    birth_item = v.ids.birth
    for scope, p in zip(generic.persons(v), v.persons, strict=True):
        reason = scope.env.get("D22")
        if reason is None or p.age is None:
            continue
        if reason == 2 and p.age < cfg.retired_min_age:
            msg = _RETIRED_YOUNG.format(age=cfg.retired_min_age)
            yield Finding("L-09", W, p.uuid, ("D22", birth_item), msg)
        elif reason == 1 and p.age > cfg.student_max_age:
            msg = _STUDENT_OLD.format(age=cfg.student_max_age)
            yield Finding("L-09", W, p.uuid, ("D22", birth_item), msg)


RULES: tuple[Rule, ...] = (household_items, hh_07_long, person_items, l_02, l_04, l_05, l_09)
"""The long form's rules beyond the short form's, in report order."""
