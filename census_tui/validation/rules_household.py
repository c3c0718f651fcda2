"""Household-level logic checks, FACTS §7.1 (HH-01 … HH-07, HH-10) for the short form.

The long form runs them too (its H1 … H7 are the short form's). Each rule is a pure function of
the parsed household and the thresholds; it yields findings and never raises. Findings about
household items carry ``person_uuid == ""``. The number of person records expected (HH-03, HH-04)
is the sum of the form's ``person_count`` items (H2a + H2b; FN on hmt2020). A household whose
members all died (H2a = H2b = 0, H4 > 0; ``HouseholdView.all_died``) is HH-09's (rules_death):
HH-01 does not ask for its H5 and HH-03, HH-05, HH-06 and HH-10 stay silent.
"""

from __future__ import annotations

from collections.abc import Iterator

from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE as HH
from census_tui.validation.config import DEFAULT, ValidationConfig
from census_tui.validation.findings import PERSON_COUNT_ITEM, Finding, Rule, Severity
from census_tui.validation.items import COUNT_ITEMS, check_value
from census_tui.validation.view import HouseholdView

E, W = Severity.ERROR, Severity.WARNING

_MISSING = Msg("请回答 {item}。", "Answer {item}.")
_COUNT_MISSING = Msg("{item} 未填:没有的请填 0。", "{item} is blank: enter 0 if there are none.")
_NO_PERSONS = Msg(
    "本户应登记人数为 0:请核实 H2,户内至少要登记一人。",
    "The household has 0 persons to register: check H2; at least one person must be listed.",
)
_COUNT_PERSONS = Msg(
    "已登记 {n} 人,与应登记人数 H2a + H2b = {m} 不符:请补登或删除人员,或更正 H2。",
    "{n} persons are listed but H2a + H2b = {m}: add or remove persons, or correct H2.",
)
_NO_PERSONS_OF = Msg(
    "本户应登记人数为 0:请核实 {items},户内至少要登记一人。",
    "The household has 0 persons to register: check {items}; at least one person must be listed.",
)
_COUNT_PERSONS_OF = Msg(
    "已登记 {n} 人,与应登记人数 {items} = {m} 不符:请补登或删除人员,或更正 {items}。",
    "{n} persons are listed but {items} = {m}: add or remove persons, or correct {items}.",
)
_SHORT_COUNTS = ("H2a", "H2b")
_H2A = Msg(
    "H2a ({h}) 应等于普查时点居住在本普查小区 (D7 = 1) 的人数 ({n}),请核实。",
    "H2a ({h}) must equal the number of persons with D7 = 1 ({n}); check both.",
)
_H2B = Msg(
    "H2b ({h}) 应等于户口在本户但普查时点不在本小区 (D8 = 1 且 D7 ≠ 1) 的人数 ({n}),请核实。",
    "H2b ({h}) must equal the number of persons with D8 = 1 and D7 ≠ 1 ({n}); check both.",
)
_HOUSING_SKIP = Msg(
    "住所类型不是普通住宅时,不填 H6、H7:请清除。",
    "H6 and H7 are not asked unless H5 = 1 (conventional dwelling): clear them.",
)
_HOUSING_NEEDED = Msg(
    "住所类型为普通住宅,请填写建筑面积 H6 和间数 H7。",
    "H5 = 1 (conventional dwelling): enter the floor area H6 and the rooms H7.",
)
_AREA_SMALL = Msg(
    "人均建筑面积不足 {x} 平方米,请核实 H6 与人数;确认无误请说明原因。",
    "Floor area per person is below {x} m²: check H6 and the counts, or confirm with a reason.",
)
_AREA_LARGE = Msg(
    "人均建筑面积超过 {x} 平方米,请核实 H6;确认无误请说明原因。",
    "Floor area per person is above {x} m²: check H6, or confirm with a reason.",
)
_ROOMS = Msg(
    "间数多于建筑面积 ÷ {x}:请核实 H7(不含厨房、卫生间、走廊、客厅)。",
    "More rooms than floor area ÷ {x}: check H7 (kitchen, toilet, corridor, hall excluded).",
)
_BABIES_OVER = Msg(
    "户内登记的{sex}婴儿(2019年11月—2020年10月出生)有 {n} 人,多于 H3 填报的 {h} 人,请核实。",
    "{n} {sex_en} babies born 2019-11…2020-10 are listed, more than H3 ({h}): check both.",
)
_BABIES_GONE = Msg(
    "H3 {sex}出生 {h} 人,户内只登记 {n} 人,差额多于 H4 死亡人数 ({d}),请核实。",
    "H3 reports {h} {sex_en} births but only {n} are listed, and H4 deaths ({d}) do not explain "
    "the difference: check.",
)
_TYPE_MISMATCH = Msg(
    "户别与住所类型不常见的组合(集体户住普通住宅,或家庭户住集体住所),请核实或说明原因。",
    "Unusual combination of H1 and H5 (collective household in a conventional dwelling, or family "
    "household in collective quarters): check or confirm with a reason.",
)
_BABIES_DIED_OVER = Msg(
    "户内登记的与已死亡的{sex}婴儿(2019年11月—2020年10月出生)共 {n} 人,多于 H3 填报的 {h} 人:"
    "出生后死亡的婴儿也计入出生人数,请核实。",
    "{n} {sex_en} babies born 2019-11…2020-10 are listed or have a death record, more than H3 "
    "({h}): a baby who died counts in the births too; check.",
)
_SEXES = ((1, "H3m", "H4m", "男", "male"), (2, "H3f", "H4f", "女", "female"))


def hh_01(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """H1 ∈ {1,2}; H5 ∈ 1..5 (FACTS §7.1 HH-01)."""
    for item in ("H1", "H5"):
        if item == "H5" and v.all_died:
            continue  # HH-09: no housing items when everyone died
        if not v.has(item):
            yield Finding("HH-01", E, HH, (item,), _MISSING.format(item=item))
        else:
            yield from check_value(item, v.answers[item], HH, cfg)


def hh_02(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Counts H2a … H4f are integers ≥ 0, never blank (FACTS §7.1 HH-02)."""
    for item in COUNT_ITEMS:
        if not v.has(item):
            yield Finding("HH-02", E, HH, (item,), _COUNT_MISSING.format(item=item))
        else:
            yield from check_value(item, v.answers[item], HH, cfg)


def _counts(v: HouseholdView, cfg: ValidationConfig) -> tuple[int, ...] | None:
    """The form's person counts (H2a, H2b; FN), or None while one is unanswered or out of range."""
    counts: list[int] = []
    for item in v.form.person_count_items:
        c = v.code(item)
        if c is None or not 0 <= c <= cfg.max_household_count:
            return None
        counts.append(c)
    return tuple(counts) if counts else None


def expected_persons(v: HouseholdView, cfg: ValidationConfig = DEFAULT) -> int | None:
    """应登记人数 H2a + H2b (the sum of the form's ``person_count`` items), the number of person
    records HH-03 asks for; None while a count is unanswered or out of range (the interview
    lists persons up to it)."""
    counts = _counts(v, cfg)
    return None if counts is None else sum(counts)


def hh_03(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Number of person records = H2a + H2b (FN), and at least one unless everyone died
    (FACTS §7.1 HH-03 [D]; HH-09)."""
    m = expected_persons(v, cfg)
    if m is None:
        return
    items = v.form.person_count_items
    short = items == _SHORT_COUNTS
    if m == 0:
        if v.all_died:
            return
        msg = _NO_PERSONS if short else _NO_PERSONS_OF.format(items=" + ".join(items))
        yield Finding("HH-03", E, HH, items, msg)
    elif len(v.persons) != m:
        n = len(v.persons)
        msg = (
            _COUNT_PERSONS.format(n=n, m=m)
            if short
            else _COUNT_PERSONS_OF.format(n=n, m=m, items=" + ".join(items))
        )
        yield Finding("HH-03", E, HH, items, msg, ((HH, PERSON_COUNT_ITEM),))


def hh_04(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """H2a = persons with D7 = 1; H2b = persons with D7 ≠ 1 and D8 = 1 (FACTS §7.1 HH-04 [D])."""
    counts = _counts(v, cfg)
    if counts is None or len(counts) != 2 or any(p.code("D7") is None for p in v.persons):
        return  # P-08 reports the missing D7 first
    here = sum(1 for p in v.persons if p.code("D7") == 1)
    away = sum(1 for p in v.persons if p.code("D7") != 1 and p.code("D8") == 1)
    related = tuple((p.uuid, item) for p in v.persons for item in ("D7", "D8"))
    if counts[0] != here:
        msg = _H2A.format(h=counts[0], n=here)
        yield Finding("HH-04", E, HH, ("H2a",), msg, related)
    if counts[1] != away:
        msg = _H2B.format(h=counts[1], n=away)
        yield Finding("HH-04", E, HH, ("H2b",), msg, related)


def hh_05(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """H5 ∈ 2..5 ⇒ H6, H7 blank; H5 = 1 ⇒ H6 ≥ 1 and H7 ≥ 1 (FACTS §7.1 HH-05)."""
    h5 = v.code("H5")
    if v.all_died:
        return  # HH-09
    if h5 in (2, 3, 4, 5):
        present = tuple(i for i in ("H6", "H7") if v.has(i))
        if present:
            yield Finding("HH-05", E, HH, (*present, "H5"), _HOUSING_SKIP)
    elif h5 == 1:
        missing = tuple(i for i in ("H6", "H7") if not v.has(i))
        if missing:
            yield Finding("HH-05", E, HH, missing, _HOUSING_NEEDED)
        for item in ("H6", "H7"):
            if v.has(item):
                yield from check_value(item, v.answers[item], HH, cfg)


def hh_06(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Floor area per person and rooms against area (FACTS §7.1 HH-06, thresholds [D])."""
    area, rooms, living = v.code("H6"), v.code("H7"), v.code("H2a")
    if v.code("H5") != 1 or area is None or area < 1 or v.all_died:
        return
    related = ((HH, "H2a"), (HH, "H5"))
    if living is not None and living > 0:
        per_person = area / living
        if per_person < cfg.min_area_per_person:
            msg = _AREA_SMALL.format(x=cfg.min_area_per_person)
            yield Finding("HH-06", W, HH, ("H6",), msg, related)
        elif per_person > cfg.max_area_per_person:
            msg = _AREA_LARGE.format(x=cfg.max_area_per_person)
            yield Finding("HH-06", W, HH, ("H6",), msg, related)
    if rooms is not None and rooms > area / cfg.area_per_room:
        msg = _ROOMS.format(x=cfg.area_per_room)
        yield Finding("HH-06", W, HH, ("H7", "H6"), msg, related)


def _is_baby(birth: tuple[int, int] | None) -> bool:
    # Born 2019-11 … 2020-10: the H3 reference year (FACTS §2.2).
    return birth is not None and (2019, 11) <= birth <= (2020, 10)


def hh_07(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Listed babies by sex ≤ H3 by sex; H3 − listed ≤ H4 (FACTS §7.1 HH-07, a warning).

    A baby born in the year who died has a death record and counts in H3 too (FACTS §2.2): the
    listed babies and such records together must not exceed H3.
    """
    babies = [p for p in v.persons if _is_baby(p.birth)]
    dead_babies = [d for d in v.deaths if _is_baby(d.birth)]
    droles = v.form.death_roles
    related = (
        *((p.uuid, "D5") for p in v.persons),
        *((p.uuid, "D4") for p in babies),
        (HH, PERSON_COUNT_ITEM),
        *((d.uuid, droles.get(r, "")) for d in v.deaths for r in ("birth", "sex")),
    )
    for sex, births_item, deaths_item, zh, en in _SEXES:
        births, deaths = v.code(births_item), v.code(deaths_item)
        if births is None or births < 0:
            continue
        listed = sum(1 for p in babies if p.sex == sex)
        died = sum(1 for d in dead_babies if d.sex == sex)
        if listed > births:
            msg = _BABIES_OVER.format(n=listed, h=births, sex=zh, sex_en=en)
            yield Finding("HH-07", W, HH, (births_item,), msg, related)
        elif listed + died > births:
            msg = _BABIES_DIED_OVER.format(n=listed + died, h=births, sex=zh, sex_en=en)
            yield Finding("HH-07", W, HH, (births_item,), msg, related)
        elif deaths is not None and deaths >= 0 and births - listed > deaths:
            msg = _BABIES_GONE.format(n=listed, h=births, d=deaths, sex=zh, sex_en=en)
            yield Finding("HH-07", W, HH, (births_item, deaths_item), msg, related)


def hh_10(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Collective household in a conventional dwelling, or the reverse (FACTS §7.1 HH-10 [D])."""
    h1, h5 = v.code("H1"), v.code("H5")
    if (h1, h5) in ((2, 1), (1, 2)) and not v.all_died:
        yield Finding("HH-10", W, HH, ("H1", "H5"), _TYPE_MISMATCH)


RULES: tuple[Rule, ...] = (hh_01, hh_02, hh_03, hh_04, hh_05, hh_06, hh_07, hh_10)
