"""The logic checks of the other forms (issue 17): the long form, the death records, hmt2020.

Table-driven like test_rules.py: each case starts from a household with no findings at all
(``builders``), changes a few answers, and states the rule and severity that must appear;
``PASSES`` are changes that must leave a rule silent (boundaries, skips, universes).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from census_tui.model import Household, Person
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import load_form
from census_tui.validation.engine import (
    RULES_BY_FORM,
    check_field,
    check_household,
    completion_status,
    confirmation_is_current,
    make_confirmation,
)
from census_tui.validation.findings import Severity
from census_tui.validation.generic import WHY, compile_condition
from census_tui.validation.items import FORM_ITEM_RULE, ITEM_RULE
from census_tui.validation.view import HOUSEHOLD_FORMS

from .builders import (
    all_died_household,
    death_record,
    hmt_person,
    infant_death_household,
    valid_hmt_household,
    valid_household,
    valid_long_household,
    valid_person,
)

E, W = Severity.ERROR, Severity.WARNING
AT = "2020-11-02T09:00:00+00:00"
Mutation = Callable[[Household], None]

BUILDERS: dict[str, Callable[[], Household]] = {
    "long": lambda: valid_long_household(3),
    "long4": lambda: valid_long_household(4),
    "long10": lambda: valid_long_household(10),
    "short": lambda: valid_household(3),
    "infant": infant_death_household,
    "infant_long": lambda: infant_death_household("long2020"),
    "died": all_died_household,
    "died_long": lambda: all_died_household("long2020"),
    "hmt": valid_hmt_household,
}


def _set(answers: dict[str, object], changes: dict[str, object]) -> None:
    for key, value in changes.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value


def seth(**changes: object) -> Mutation:
    """Set (or with None, remove) household answers."""
    return lambda hh: _set(hh.answers, changes)  # type: ignore[arg-type]


def setp(index: int, **changes: object) -> Mutation:
    """Set (or with None, remove) answers of person ``index``."""
    return lambda hh: _set(hh.persons[index].answers, changes)  # type: ignore[arg-type]


def setd(index: int, **changes: object) -> Mutation:
    """Set (or with None, remove) answers of death record ``index``."""
    return lambda hh: _set(hh.deaths[index].answers, changes)  # type: ignore[arg-type]


def both(*mutations: Mutation) -> Mutation:
    def apply(hh: Household) -> None:
        for m in mutations:
            m(hh)

    return apply


def add_death(record: Person) -> Mutation:
    return lambda hh: hh.deaths.append(record)


def add(person: Person) -> Mutation:
    return lambda hh: hh.persons.append(person)


def no_deaths(hh: Household) -> None:
    hh.deaths.clear()


def swap_first(hh: Household) -> None:
    hh.persons[0], hh.persons[1] = hh.persons[1], hh.persons[0]


NOT_WORKING = {"D18": 3, "D18H": None, "D19": None, "D20": None, "D21": None}
OLD_DEATH = death_record("d-old", 1, "1940-01", "2020-01")
ALL_OTHER = both(setp(1, R2=9), setp(2, R2=9))
THREE_PARENTS = both(*(add(hmt_person(f"e{i}", 3, 1, "1950-01")) for i in "abc"), seth(FN=6))

FAILS: list[tuple[str, str, Mutation, str, Severity]] = [
    # -- long form: household
    ("H8 with H5=2", "long", seth(H5=2, H6=None, H7=None), "HH-05", E),
    ("H12 missing", "long", seth(H12=None), "HH-05", E),
    ("H9 out of range", "long", seth(H9=6), "HH-05", E),
    ("rent for an owner", "long", seth(H17=3), "HH-11", E),
    ("rent missing", "long", seth(H18=None), "HH-11", E),
    ("rent out of range", "long", seth(H18=12), "HH-11", E),
    (
        "women's births vs H3",
        "long",
        setp(1, D28=1, D28B1="2020-05", D28S1=2),
        "HH-07",
        E,
    ),
    # -- long form: persons
    ("D24 at 12", "long10", setp(5, D24=1), "L-01", E),
    ("D24 missing", "long", setp(0, D24=None), "L-01", E),
    ("D24 not a code", "long", setp(0, D24=6), "L-01", E),
    ("D25 never married", "long", setp(0, D24=1), "L-01", E),
    ("D25 missing", "long", setp(0, D25=None), "L-01", E),
    ("D25 after standard time", "long", setp(0, D25="2020-11"), "L-01", E),
    ("married at 12", "long", setp(1, D25="1990-01"), "L-02", E),
    ("married at 18", "long", setp(1, D25="1996-01"), "L-02", W),
    ("children for a man", "long", setp(0, D26m=1), "L-03", E),
    ("children missing", "long", setp(1, D26f=None), "L-03", E),
    ("children of a never-married woman", "long", setp(1, D24=1, D25=None), "L-03", E),
    ("surviving > born", "long", setp(1, D27f=2), "L-04", E),
    ("surviving for a man", "long", setp(0, D27m=0), "L-04", E),
    ("D28 missing", "long", setp(1, D28=None), "L-05", E),
    ("D28 at 70", "long10", setp(4, D28=0), "L-05", E),
    ("birth month missing", "long", both(setp(1, D28=1, D28S1=1), seth(H3m=1)), "L-05", E),
    (
        "birth month before the year",
        "long",
        both(setp(1, D28=1, D28B1="2019-10", D28S1=1), seth(H3m=1)),
        "L-05",
        E,
    ),
    (
        "births > children",
        "long",
        both(
            setp(1, D26m=0, D27m=0, D26f=0, D27f=0, D28=1, D28B1="2020-05", D28S1=1),
            seth(H3m=1),
        ),
        "L-05",
        E,
    ),
    (
        "births by sex > children of that sex",
        "long",
        both(
            setp(1, D28=2, D28B1="2020-02", D28S1=2, D28B2="2020-09", D28S2=2),
            seth(H3f=2),
        ),
        "L-05",
        E,
    ),
    ("second birth without D28=2", "long", setp(1, D28B2="2020-02"), "L-05", E),
    ("D16 missing", "long", setp(2, D16=None), "L-06", E),
    ("D16 at 2", "long10", setp(9, D16=1), "L-06", E),
    ("D16P without D16=2", "long", setp(2, D16P="北京市"), "L-06", E),
    ("D16P missing", "long", setp(2, D16=2), "L-06", E),
    ("D17 after preschool", "long10", setp(6, D11=2), "L-07", E),
    ("D17 missing", "long", setp(2, D17=None), "L-07", E),
    ("D18 at 15", "long", setp(2, D18=3), "L-08", E),
    ("D18 missing", "long", setp(0, D18=None), "L-08", E),
    ("hours missing", "long", setp(0, D18H=None), "L-08", E),
    ("hours 0", "long", setp(0, D18H=0), "L-08", E),
    ("hours 169", "long", setp(0, D18H=169), "L-08", E),
    ("occupation blank", "long", setp(0, D21=" "), "L-08", E),
    ("industry with a control character", "long", setp(0, D20="公司\x1b[2J"), "L-08", E),
    ("unit type for a non-worker", "long", setp(0, D18=3, D22=3), "L-08", E),
    ("reason missing", "long", setp(0, **NOT_WORKING), "L-08", E),
    ("reason while working", "long", setp(0, D22=3), "L-08", E),
    ("retired at 30", "long10", setp(8, **NOT_WORKING, D22=2), "L-09", W),
    ("in school at 45", "long", setp(0, **NOT_WORKING, D22=1), "L-09", W),
    ("D13 with hukou pending", "long", setp(1, D8=5, D9=None), "L-10", E),
    ("D14 missing", "long", setp(1, D14=None), "L-10", E),
    ("D15 missing", "long", setp(1, D15=None), "L-10", E),
    ("D15P missing", "long", setp(1, D15=3), "L-10", E),
    ("D23 at 15", "long", setp(2, D23=1), "L-10", E),
    ("D29 at 45", "long", setp(0, D29=1), "L-10", E),
    ("D30 missing at 72", "long4", setp(3, D30=None), "L-10", E),
    # -- death records and the household's counts
    ("H4 without records", "infant", no_deaths, "HH-08", E),
    ("record while H4=0", "short", add_death(OLD_DEATH), "HH-08", E),
    ("records by sex", "died", setd(0, S3=2), "HH-08", E),
    ("two records for one death", "infant", add_death(OLD_DEATH), "HH-08", E),
    ("all died, a person listed", "died", add(valid_person("p", 0, 1, "1950-01")), "HH-09", E),
    ("all died, housing answered", "died", seth(H5=1, H6=40, H7=2), "HH-09", E),
    ("all died, long-form housing", "died_long", seth(H12=1), "HH-09", E),
    ("name blank", "infant", setd(0, S2=" "), "DTH-01", E),
    ("name missing", "infant", setd(0, S2=None), "DTH-01", E),
    ("name too long", "infant", setd(0, S2="名" * 51), "DTH-01", E),
    ("sex 3", "infant", setd(0, S3=3), "DTH-02", E),
    ("sex missing", "died", setd(1, S3=None), "DTH-02", E),
    ("birth after death", "infant", setd(0, S4="2020-04"), "DTH-03", E),
    ("birth 1880", "died", setd(0, S4="1880-01"), "DTH-03", E),
    ("birth malformed", "infant", setd(0, S4="2020/01"), "DTH-03", E),
    ("birth missing", "infant", setd(0, S4=None), "DTH-03", E),
    ("death 2019-10", "infant", setd(0, S4="2019-01", S5="2019-10"), "DTH-04", E),
    ("death 2020-11", "infant", setd(0, S5="2020-11"), "DTH-04", E),
    ("death as an integer", "infant", setd(0, S5=202003), "DTH-04", E),
    ("ethnic 99", "died", setd(0, S6=99), "DTH-05", E),
    ("ethnic missing", "infant", setd(0, S6=None), "DTH-05", E),
    ("education of an infant", "infant", setd(0, S7=2), "DTH-06", E),
    ("education missing at 81", "died", setd(0, S7=None), "DTH-06", E),
    ("marital missing", "died", setd(0, S8=None), "DTH-07", E),
    ("marital of a child of 10", "infant", setd(0, S4="2010-01", S7=3, S8=1), "DTH-07", E),
    ("dead baby not in H3", "infant", seth(H3m=0), "HH-07", W),
    ("dead baby not in H3, long form", "infant_long", seth(H3m=0), "HH-07", E),
    # -- hmt2020
    ("F1 missing", "hmt", seth(F1=None), "HH-01", E),
    ("F2 not a code", "hmt", seth(F2=6), "HH-01", E),
    ("FN zero", "hmt", seth(FN=0), "HH-02", E),
    ("FN missing", "hmt", seth(FN=None), "HH-02", E),
    ("FN vs persons", "hmt", seth(FN=4), "HH-03", E),
    ("F3 in a dormitory", "hmt", seth(F2=2), "HH-05", E),
    ("F4 missing", "hmt", seth(F4=None), "HH-05", E),
    ("a death record on hmt", "hmt", add_death(OLD_DEATH), "HH-08", E),
    ("R2 missing", "hmt", setp(1, R2=None), "R-01", E),
    ("no head", "hmt", setp(0, R2=8), "R-01", E),
    ("head not first", "hmt", swap_first, "R-02", E),
    ("two spouses", "hmt", setp(2, R2=1, R4="1985-01", R10=7), "R-03", E),
    ("collective relatives", "hmt", seth(F1=2), "R-04", E),
    ("same-sex spouse", "hmt", setp(1, R3=1), "R-05", W),
    ("head aged 14", "hmt", setp(0, R4="2006-01", R8="2015-09", R10=4), "R-06", E),
    ("spouse aged 19", "hmt", setp(1, R4="2001-05"), "R-07", W),
    ("child too old", "hmt", setp(2, R4="1990-01", R10=7), "R-08", W),
    ("in-law without spouse", "hmt", both(setp(1, R2=4, R4="1950-01"), seth()), "R-09", W),
    ("three parents", "hmt", THREE_PARENTS, "R-10", W),
    ("R1 blank", "hmt", setp(0, R1=" "), "P-01", E),
    ("R1 too long", "hmt", setp(0, R1="x" * 101), "P-01", E),
    ("R3 missing", "hmt", setp(0, R3=None), "P-04", E),
    ("R4 after standard time", "hmt", setp(2, R4="2020-11"), "P-05", E),
    ("R4 before 1890", "hmt", setp(0, R4="1889-01"), "P-05", E),
    ("R5 not a country", "hmt", setp(0, R5=999), "HMT-01", E),
    ("R5 China", "hmt", setp(0, R5=156), "HMT-01", W),
    ("R6 missing", "hmt", setp(0, R6=None), "HMT-02", E),
    ("R7 too long", "hmt", setp(0, R7="X" * 31), "HMT-02", E),
    ("Hong Kong resident with a Taiwan permit", "hmt", setp(1, R6=2), "HMT-02", W),
    ("foreigner with a Hong Kong permit", "hmt", setp(0, R6=1), "HMT-02", W),
    ("arrived before birth", "hmt", setp(2, R8="2011-01"), "HMT-03", E),
    ("arrival after standard time", "hmt", setp(0, R8="2020-12"), "HMT-03", E),
    ("R9 missing", "hmt", setp(0, R9=None), "HMT-04", E),
    ("R10 at 1", "hmt", setp(2, R4="2019-01", R8="2019-05", R10=1), "P-12", E),
    ("R10 missing", "hmt", setp(0, R10=None), "P-12", E),
]  # fmt: skip

PASSES: list[tuple[str, str, Mutation, str]] = [
    *((f"clean {name}", name, both(), "*") for name in BUILDERS),
    ("rent in public housing", "long", seth(H17=1), "HH-11"),
    ("no rent, owner, H18 cleared", "long", seth(H17=3, H18=None), "HH-11"),
    ("all died, no housing on the long form", "died_long", both(), "HH-05"),
    ("married exactly at 20, woman", "long", setp(1, D25="1997-08"), "L-02"),
    ("married exactly at 22, man", "long", setp(0, D25="1997-05"), "L-02"),
    (
        "twins in the year",
        "long",
        both(
            setp(1, D28=2, D28B1="2020-02", D28S1=1, D28B2="2020-02", D28S2=1, D26m=4, D27m=4),
            seth(H3m=2),
        ),
        "L-05",
    ),
    ("D16P for D16=2", "long", setp(2, D16=2, D16P="上海市"), "L-06"),
    ("retired at 40 exactly", "long", setp(0, D5="1980-10", **NOT_WORKING, D22=2), "L-09"),
    ("in school at 35 exactly", "long10", setp(8, D5="1985-10", **NOT_WORKING, D22=1), "L-09"),
    ("birth month unusable: no universe judged", "long", setp(1, D5="1977/08"), "L-03"),
    ("birth month unusable: no D24 judged", "long", setp(1, D5="1977/08"), "L-01"),
    ("hukou pending, no D13/D14", "long", setp(1, D8=5, D9=None, D13=None, D14=None), "L-10"),
    ("died aged 6 exactly", "infant", setd(0, S4="2014-03", S7=1), "DTH-06"),
    ("died aged 5, birthday ahead", "infant", setd(0, S4="2014-04"), "DTH-06"),
    ("died in the birth month at 15", "infant", setd(0, S4="2005-03", S7=4, S8=1), "DTH-07"),
    ("death before birth: no gate judged", "infant", setd(0, S4="2020-04", S7=3), "DTH-06"),
    ("death 2019-11", "infant", setd(0, S4="2019-11", S5="2019-11"), "DTH-04"),
    ("Taiwan resident with a residence permit", "hmt", setp(1, R5=158, R6=3), "HMT-02"),
    ("Macao resident with a permit", "hmt", setp(1, R5=446, R6=1), "HMT-02"),
    ("arrived in the birth month", "hmt", setp(2, R8="2012-03"), "HMT-03"),
    ("R10 at 3 exactly", "hmt", setp(2, R4="2017-10", R8="2018-01", R10=2), "P-12"),
    ("collective, all other", "hmt", both(seth(F1=2, F2=2, F3=None, F4=None), ALL_OTHER), "R-04"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "mutate", "rule", "severity"),
    [pytest.param(b, m, r, s, id=f"{r} {name}") for name, b, m, r, s in FAILS],
)
def test_rule_fails(build: str, mutate: Mutation, rule: str, severity: Severity) -> None:
    hh = BUILDERS[build]()
    mutate(hh)
    found = {(f.rule_id, f.severity) for f in check_household(hh)}
    assert (rule, severity) in found, found


@pytest.mark.parametrize(
    ("build", "mutate", "rule"),
    [pytest.param(b, m, r, id=f"{r} {name}") for name, b, m, r in PASSES],
)
def test_rule_passes(build: str, mutate: Mutation, rule: str) -> None:
    hh = BUILDERS[build]()
    mutate(hh)
    findings = check_household(hh)
    if rule == "*":
        assert findings == []
    else:
        assert rule not in {f.rule_id for f in findings}, findings


def test_every_new_rule_has_a_failing_case() -> None:
    required = {"HH-08", "HH-09", "HH-11"}
    required |= {f"L-{i:02d}" for i in range(1, 11)}
    required |= {f"DTH-{i:02d}" for i in range(1, 8)}
    required |= {f"HMT-{i:02d}" for i in range(1, 5)}
    failing = {rule for _, _, _, rule, _ in FAILS}
    assert required <= failing
    hmt = {rule for _, build, _, rule, _ in FAILS if build == "hmt"}
    assert {f"R-{i:02d}" for i in range(1, 11)} | {"P-01", "P-04", "P-05", "HH-03"} <= hmt


def test_clean_households_of_every_size_pass_on_the_long_form() -> None:
    for n in range(1, 11):
        assert check_household(valid_long_household(n)) == []


def test_the_infant_born_and_died_in_the_year_counts_in_h3_and_h4() -> None:
    """FACTS §2.2: a boy born 2020-01 who died 2020-03 is in H3m and H4m, has a death record
    and is not listed; HH-07 and HH-08 stay silent on both forms."""
    for form_id in ("short2020", "long2020"):
        hh = infant_death_household(form_id)
        assert check_household(hh) == []
        hh.answers["H4m"] = 0  # the death forgotten in H4
        assert {f.rule_id for f in check_household(hh)} == {"HH-07", "HH-08"}


def test_a_household_whose_members_all_died_can_be_completed() -> None:
    for form_id in ("short2020", "long2020"):
        hh = all_died_household(form_id)
        assert hh.persons == [] and completion_status(hh, check_household(hh)).may_complete
        hh.answers["H4m"] = hh.answers["H4f"] = 0  # nobody died and nobody lives here
        assert "HH-03" in {f.rule_id for f in check_household(hh)}


def test_death_findings_name_the_record_by_uuid_and_carry_no_personal_data() -> None:
    hh = all_died_household()
    hh.deaths[1].answers["S8"] = 9
    hh.deaths[0].answers["S4"] = "1889-05"
    findings = check_household(hh)
    assert {(f.rule_id, f.person_uuid) for f in findings} == {
        ("DTH-07", "d-2"),
        ("DTH-03", "d-1"),
    }
    for f in findings:
        for text in (f.message.zh, f.message.en):
            assert "测试" not in text and "1889-05" not in text


def test_hmt_findings_name_the_hmt_items() -> None:
    hh = valid_hmt_household()
    hh.persons[1].answers["R2"] = 0
    hh.persons[1].answers["R3"] = 1
    [two_heads] = check_household(hh)
    assert two_heads.items == ("R2",) and "R2" in two_heads.message.en
    assert "D2" not in two_heads.message.en and "D2" not in two_heads.message.zh
    hh.persons[1].answers["R2"] = 1
    [same_sex] = check_household(hh)
    assert same_sex.rule_id == "R-05" and same_sex.related == (("r0", "R3"),)
    assert "R3" in same_sex.message.zh


def test_unknown_form_is_one_error() -> None:
    hh = valid_household(2)
    for form_id in ("long2030", "death2020", "", "x" * 300):
        hh.form_id = form_id
        [f] = check_household(hh)
        assert (f.rule_id, f.severity) == ("HH-00", E)
        assert "x" * 41 not in f.message.en


@pytest.mark.parametrize(
    ("build", "mutate", "rule", "refs"),
    [
        ("long", setp(1, D25="1996-01"), "L-02", {"p01:D25": "1996-01", "p01:D4": 2}),
        ("long10", setp(8, **NOT_WORKING, D22=2), "L-09", {"p08:D22": 2, "p08:D5": "1990-10"}),
        ("hmt", setp(0, R5=156), "HMT-01", {"r0:R5": 156}),
        ("hmt", setp(1, R6=2), "HMT-02", {"r1:R6": 2, "r1:R5": 344}),
        ("infant", seth(H3m=0), "HH-07", {":H3m": 0, "d-infant:S4": "2020-01"}),
        ("hmt", setp(1, R3=1), "R-05", {"r1:R3": 1, "r0:R3": 1}),
    ],
)
def test_new_warnings_are_confirmed_with_a_snapshot_that_lapses(
    build: str, mutate: Mutation, rule: str, refs: dict[str, object]
) -> None:
    hh = BUILDERS[build]()
    mutate(hh)
    [warning] = [f for f in check_household(hh) if f.rule_id == rule]
    assert warning.severity is W
    conf = make_confirmation(warning, hh, "as the respondent says", "enum-1", AT)
    assert refs.items() <= conf.values.items(), conf.values
    hh.confirmations.append(conf)
    assert completion_status(hh, check_household(hh)).may_complete
    # change one snapshotted answer (a death record's too): the confirmation lapses
    key = next(iter(refs))
    uuid, _, item = key.partition(":")
    record = hh.person(uuid) or hh.death(uuid)
    assert uuid == "" or record is not None
    target = hh.answers if record is None else record.answers
    old = target[item]
    target[item] = "1999-01" if isinstance(old, str) else old + 1
    assert not confirmation_is_current(conf, hh)
    target[item] = old
    assert confirmation_is_current(conf, hh)


# -- check_field on every form ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "value", "rule"),
    [
        ("D24", 9, "L-01"),
        ("D18H", 0, "L-08"),
        ("D25", "2021-01", "L-01"),
        ("D20", "", "L-08"),
        ("H18", 12, "HH-11"),
        ("R5", 999, "HMT-01"),
        ("R7", "X" * 31, "HMT-02"),
        ("FN", 0, "HH-02"),
        ("R1", "", "P-01"),
        ("R4", "2020-11", "P-05"),
        ("S2", " ", "DTH-01"),
        ("S5", "2021-01", "DTH-04"),
        ("S6", 57, "DTH-05"),
        ("S8", 6, "DTH-07"),
    ],
)
def test_field_errors_on_every_form(item: str, value: object, rule: str) -> None:
    assert (rule, E) in {(f.rule_id, f.severity) for f in check_field(item, value)}


@pytest.mark.parametrize(
    ("item", "value"),
    [("D24", 2), ("D18H", 168), ("R5", 344), ("S2", "未取名"), ("S5", "2019-11"), ("FN", 999)],
)
def test_field_ok_on_every_form(item: str, value: object) -> None:
    assert check_field(item, value) == []


def test_field_cross_checks_of_the_new_forms() -> None:
    long = valid_long_household(3)
    spouse = long.persons[1]
    found = check_field("D25", "1990-01", person=spouse, household=long)
    assert [(f.rule_id, f.severity) for f in found] == [("L-02", E)]
    found = check_field("D27m", 3, person=spouse, household=long)
    assert [f.rule_id for f in found] == ["L-04"]
    infant = infant_death_household()
    record = infant.deaths[0]
    found = check_field("S4", "2020-05", person=record, household=infant)
    assert [(f.rule_id, f.person_uuid) for f in found] == [("DTH-03", "d-infant")]
    found = check_field("S5", "2019-05", person=record, household=infant)
    assert {f.rule_id for f in found} == {"DTH-03", "DTH-04"}
    assert check_field("S5", "2020-06", person=record, household=infant) == []
    hmt = valid_hmt_household()
    found = check_field("R8", "1970-01", person=hmt.persons[0], household=hmt)
    assert [f.rule_id for f in found] == ["HMT-03"]
    # the household's form decides: R2 is the relationship on hmt2020
    assert [f.rule_id for f in check_field("R2", 10, person=hmt.persons[0], household=hmt)] == [
        "R-01"
    ]


# -- the forms and the rules agree ----------------------------------------------------------------


def test_every_item_of_every_form_has_a_rule() -> None:
    for form_id in HOUSEHOLD_FORMS:
        form = load_form(form_id)
        assert form_id in RULES_BY_FORM
        for section in ("household", "person", "death"):
            for item in form.items(section):
                assert ITEM_RULE.get(item.id, FORM_ITEM_RULE) != FORM_ITEM_RULE, item.id
                if item.condition is not None and not load_form("short2020").has_item(item.id):
                    assert item.id in WHY, f"{item.id}: no reason for 'should be blank'"


def test_compiled_conditions_agree_with_the_form_language() -> None:
    """The checks' compiled conditions give the same answer as ``holds`` on every form."""
    values: list[int | str | None] = [None, -1, 0, 1, 2, 3, 5, 15, 16, 50, 64, 65, "", "1990-01"]
    for form_id in HOUSEHOLD_FORMS:
        form = load_form(form_id)
        for section in ("household", "person", "death"):
            for item in form.items(section):
                cond = item.condition
                if cond is None:
                    continue
                names = sorted(set(cond.names()))
                test = compile_condition(cond)
                for i in range(200):
                    picked = (
                        values[(i * (k + 3) + k * 7) % len(values)] for k in range(len(names))
                    )
                    env = {n: v for n, v in zip(names, picked, strict=True) if v is not None}
                    assert test(env) == cond.holds(env), (item.id, env)


def test_clean_households_are_complete_and_have_no_stale_answer_for_the_walker() -> None:
    for name, build in BUILDERS.items():
        hh = build()
        form = load_form(hh.form_id)
        assert walker.missing(form, hh) == [], name
        assert walker.stale_answers(form, hh) == [], name
