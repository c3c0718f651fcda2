"""Table-driven: every rule has households that pass and households that fail it.

Each case starts from ``valid_household`` (no findings at all), changes a few answers, and states
the rule ids and severities that must appear; ``PASSES`` are changes that must leave the rule
silent (boundaries, skips, universes).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from census_tui.model import Household, Person
from census_tui.validation.config import ValidationConfig
from census_tui.validation.engine import check_household
from census_tui.validation.findings import Severity

from .builders import make_id, valid_household, valid_person

E, OVR, W = Severity.ERROR, Severity.OVERRIDABLE, Severity.WARNING
Mutation = Callable[[Household], None]


def setp(index: int, **answers: object) -> Mutation:
    """Set (or with value None, remove) answers of person ``index``."""

    def apply(hh: Household) -> None:
        for key, value in answers.items():
            if value is None:
                hh.persons[index].answers.pop(key, None)
            else:
                hh.persons[index].answers[key] = value  # type: ignore[assignment]

    return apply


def seth(**answers: object) -> Mutation:
    """Set (or with value None, remove) household answers."""

    def apply(hh: Household) -> None:
        for key, value in answers.items():
            if value is None:
                hh.answers.pop(key, None)
            else:
                hh.answers[key] = value  # type: ignore[assignment]

    return apply


def both(*mutations: Mutation) -> Mutation:
    def apply(hh: Household) -> None:
        for m in mutations:
            m(hh)

    return apply


def add_person(rel: int, sex: int, birth: str, **extra: object) -> Mutation:
    def apply(hh: Household) -> None:
        n = len(hh.persons)
        p = valid_person(f"x{n:02d}", rel, sex, birth, seq=50 + n)
        p.answers.update(extra)  # type: ignore[arg-type]
        hh.persons.append(p)
        hh.answers["H2a"] = int(hh.answers["H2a"]) + 1
        hh.answers["H6"] = int(hh.answers["H6"]) + 30

    return apply


def baby(sex: int, birth: str = "2020-03") -> Mutation:
    """Add a child born in the census year (no D11/D12, own valid ID)."""
    return add_person(2, sex, birth)


def relabel(index: int, rel: int, sex: int, birth: str) -> Mutation:
    """Make person ``index`` a consistent person of another relationship/sex/birth."""

    def apply(hh: Household) -> None:
        uuid = hh.persons[index].uuid
        hh.persons[index] = valid_person(uuid, rel, sex, birth, seq=80 + index)

    return apply


FAILS: list[tuple[str, int, Mutation, str, Severity]] = [
    # (case, n_persons, mutation, rule id, severity)
    ("H1 missing", 3, seth(H1=None), "HH-01", E),
    ("H1 out of range", 3, seth(H1=3), "HH-01", E),
    ("H5 as text", 3, seth(H5="1"), "HH-01", E),
    ("H2b blank", 3, seth(H2b=None), "HH-02", E),
    ("H3m negative", 3, seth(H3m=-1), "HH-02", E),
    ("H4f bool", 3, seth(H4f=True), "HH-02", E),
    ("too few persons", 3, seth(H2a=4), "HH-03", E),
    ("no persons", 3, seth(H2a=0, H2b=0), "HH-03", E),
    ("H2a vs D7", 3, setp(2, D7=2), "HH-04", E),
    ("H2b vs D8", 3, both(seth(H2a=2, H2b=1)), "HH-04", E),
    ("H6 with H5=2", 3, seth(H5=2), "HH-05", E),
    ("H6 missing", 3, seth(H6=None), "HH-05", E),
    ("H7 zero", 3, seth(H7=0), "HH-05", E),
    ("crowded", 3, seth(H6=14, H7=1), "HH-06", W),
    ("huge", 1, seth(H6=301), "HH-06", W),
    ("rooms > area/6", 3, seth(H6=60, H7=11), "HH-06", W),
    ("baby not in H3", 3, baby(1), "HH-07", W),
    ("H3 births missing", 3, seth(H3f=1), "HH-07", W),
    ("collective in house", 3, both(seth(H1=2), setp(1, D2=9), setp(2, D2=9)), "HH-10", W),
    ("family in dorm", 3, seth(H5=2, H6=None, H7=None), "HH-10", W),
    ("D2 missing", 3, setp(1, D2=None), "R-01", E),
    ("D2 garbage", 3, setp(1, D2="户主"), "R-01", E),
    ("no head", 3, setp(0, D2=8), "R-01", E),
    ("two heads", 3, setp(2, D2=0), "R-01", E),
    ("head not first", 3, both(setp(0, D2=1), setp(1, D2=0)), "R-02", E),
    ("two spouses", 3, setp(2, D2=1), "R-03", E),
    ("collective relatives", 3, both(seth(H1=2)), "R-04", E),
    ("same-sex spouse", 2, both(relabel(1, 1, 1, "1977-08")), "R-05", W),
    ("head aged 14", 1, relabel(0, 0, 1, "2006-01"), "R-06", E),
    ("spouse aged 19", 2, relabel(1, 1, 2, "2001-01"), "R-07", W),
    ("husband aged 21", 2, relabel(0, 0, 1, "1999-01"), "R-07", W),
    ("child too old", 3, relabel(2, 2, 1, "1985-01"), "R-08", W),
    ("parent too young", 4, relabel(3, 3, 1, "1965-01"), "R-08", W),
    ("mother gap > 60", 5, both(relabel(4, 3, 2, "1912-01")), "R-08", W),
    ("grandchild gap", 3, relabel(2, 7, 1, "2000-01"), "R-08", W),
    ("grandparent gap", 3, relabel(2, 5, 1, "1950-01"), "R-08", W),
    ("in-law without spouse", 1, add_person(4, 1, "1950-01"), "R-09", W),
    ("child-in-law no child", 2, add_person(6, 2, "1990-01"), "R-09", W),
    ("three parents", 5, add_person(3, 1, "1949-01"), "R-10", W),
    ("D1 empty", 3, setp(1, D1="  "), "P-01", E),
    ("D1 missing", 3, setp(1, D1=None), "P-01", E),
    ("D1 10k chars", 3, setp(1, D1="名" * 10_000), "P-01", E),
    ("D1 control char", 3, setp(1, D1="张\x00三"), "P-01", E),
    ("D1 as int", 3, setp(1, D1=7), "P-01", E),
    ("D3 missing", 3, setp(1, D3=None), "P-02", E),
    ("D3 bad check", 3, setp(1, D3="11010519491231002" + "1"), "P-02", E),
    ("D3 zeros", 3, setp(1, D3="0" * 18), "P-02", E),
    ("D3 15 digits", 3, setp(1, D3="110105491231002"), "P-02", E),
    ("D3 lower x", 3, setp(1, D3="11010519491231002x"), "P-02", E),
    ("no ID, reason given", 3, setp(2, D3="", D3N=1), "P-02", W),
    ("no ID, no reason", 3, setp(2, D3=""), "P-02", E),
    ("reason with ID", 3, setp(2, D3N=1), "P-02", E),
    ("ID birth vs D5", 3, setp(1, D5="1977-09"), "P-03", OVR),
    ("ID sex vs D4", 3, setp(1, D4=1), "P-04", OVR),
    ("D4 missing", 3, setp(1, D4=None), "P-04", E),
    ("D5 after standard time", 3, setp(2, D5="2020-11"), "P-05", E),
    ("D5 too early", 3, setp(1, D5="1889-12"), "P-05", E),
    ("D5 bad format", 3, setp(1, D5="1977/08"), "P-05", E),
    ("D5 month 13", 3, setp(1, D5="1977-13"), "P-05", E),
    ("ID born after standard time", 3, setp(2, D3="320106202011150017"), "P-05", E),
    ("duplicate ID", 3, setp(2, D3=make_id("1975-05", 1, 1)), "P-06", E),
    ("D6 99", 3, setp(1, D6=99), "P-07", E),
    ("D6 missing", 3, setp(1, D6=None), "P-07", E),
    ("D7 8", 3, setp(1, D7=8), "P-08", E),
    ("D8 missing", 3, setp(1, D8=None), "P-08", E),
    ("D7=5 without place", 3, both(setp(1, D7=5), seth(H2a=2, H2b=1)), "P-08", E),
    ("D8=4 place too long", 3, setp(1, D8=4, D8P="x" * 101, D9=2, D10=1), "P-08", E),
    ("not covered", 3, setp(1, D7=2, D8=2), "P-09", E),
    ("D9 with D8=5", 3, setp(1, D8=5), "P-10", E),
    ("D10 with D9=1", 3, setp(1, D10=3), "P-10", E),
    ("D10 missing", 3, setp(1, D9=3), "P-10", E),
    ("D9 missing", 3, setp(1, D9=None), "P-10", E),
    ("left hukou, D9=1", 3, setp(1, D8=3), "P-11", W),
    ("D11 missing at 12", 6, setp(5, D11=None), "P-12", E),
    ("D12 at 12", 6, setp(5, D12=1), "P-12", E),
    ("D11 at 2", 10, setp(9, D11=1), "P-12", E),
    ("D12 missing at 45", 3, setp(0, D12=None), "P-12", E),
    ("D11 out of range", 3, setp(0, D11=10), "P-12", E),
    ("doctor at 15", 3, setp(2, D11=9), "P-13", W),
    ("preschool at 12", 6, setp(5, D11=2), "P-13", W),
    ("illiterate graduate", 3, setp(0, D12=2), "P-14", W),
]

PASSES: list[tuple[str, int, Mutation, str]] = [
    ("valid", 10, both(), "*"),
    (
        "collective, all other",
        3,
        both(seth(H1=2, H5=2, H6=None, H7=None), setp(1, D2=9), setp(2, D2=9)),
        "*",
    ),
    ("H5=5 no housing", 3, seth(H5=5, H6=None, H7=None), "HH-05"),
    ("area exactly 5 per person", 3, seth(H6=15, H7=2), "HH-06"),
    ("baby in H3", 3, both(baby(2), seth(H3f=1)), "HH-07"),
    ("born and died", 3, seth(H3m=1, H4m=1), "HH-07"),
    ("spouse aged 20, woman", 2, relabel(1, 1, 2, "2000-10"), "R-07"),
    ("child exactly 15 years", 2, add_person(2, 1, "1992-08"), "R-08"),
    ("mother gap exactly 60", 5, relabel(4, 3, 2, "1915-05"), "R-08"),
    ("no ID with reason", 3, setp(2, D3="", D3N=2), "P-03"),
    ("D3 absent: P-03 silent", 3, setp(2, D3=None), "P-03"),
    (
        "D7=5 with place",
        3,
        both(setp(1, D7=5, D7P="浙江省杭州市西湖区"), seth(H2a=2, H2b=1)),
        "P-08",
    ),
    ("hukou pending", 3, setp(1, D8=5, D9=None), "P-10"),
    ("left for work", 3, setp(1, D8=3, D9=4, D10=1), "P-11"),
    ("D11 at 3 exactly", 10, setp(9, D5="2017-10", D11=2), "P-12"),
    ("D12 at 15 exactly", 3, setp(2, D5="2005-10", D12=1, D11=4), "P-12"),
    ("uncounted area IDs", 3, both(), "P-06"),
]


@pytest.mark.parametrize(
    ("n", "mutate", "rule", "severity"),
    [pytest.param(n, m, r, s, id=f"{r} {name}") for name, n, m, r, s in FAILS],
)
def test_rule_fails(n: int, mutate: Mutation, rule: str, severity: Severity) -> None:
    hh = valid_household(n)
    mutate(hh)
    found = {(f.rule_id, f.severity) for f in check_household(hh)}
    assert (rule, severity) in found, found


@pytest.mark.parametrize(
    ("n", "mutate", "rule"),
    [pytest.param(n, m, r, id=f"{r} {name}") for name, n, m, r in PASSES],
)
def test_rule_passes(n: int, mutate: Mutation, rule: str) -> None:
    hh = valid_household(n)
    mutate(hh)
    findings = check_household(hh)
    if rule == "*":
        assert findings == []
    else:
        assert rule not in {f.rule_id for f in findings}, findings


def test_every_required_rule_has_a_failing_case() -> None:
    required = {f"HH-{i:02d}" for i in (1, 2, 3, 4, 5, 6, 7, 10)}
    required |= {f"R-{i:02d}" for i in range(1, 11)}
    required |= {f"P-{i:02d}" for i in range(1, 15)}
    assert required <= {rule for _, _, _, rule, _ in FAILS}


def test_valid_households_of_every_size_pass() -> None:
    for n in range(1, 11):
        assert check_household(valid_household(n)) == []


def test_duplicate_in_area_is_a_warning() -> None:
    hh = valid_household(3)
    other = {str(hh.persons[1].answers["D3"])}
    found = check_household(hh, area_id_numbers=frozenset(other))
    assert [(f.rule_id, f.severity, f.person_uuid) for f in found] == [
        ("P-06", W, hh.persons[1].uuid)
    ]


def test_findings_name_persons_by_uuid_and_carry_no_personal_data() -> None:
    hh = valid_household(3)
    hh.persons[1].answers["D4"] = 1  # P-04 and R-05
    hh.persons.reverse()
    for f in check_household(hh):
        assert f.person_uuid in {"", *(p.uuid for p in hh.persons)}
        for p in hh.persons:
            for text in (f.message.zh, f.message.en):
                assert str(p.answers["D1"]) not in text and str(p.answers["D3"]) not in text


def test_parent_child_gap_is_configurable() -> None:
    hh = valid_household(2)
    add_person(2, 1, "1991-01")(hh)  # 15 years younger than the head, 13 than the spouse
    assert "R-08" in {f.rule_id for f in check_household(hh)}
    relaxed = ValidationConfig(parent_child_gap=12)
    assert "R-08" not in {f.rule_id for f in check_household(hh, config=relaxed)}
    with pytest.raises(ValueError):
        ValidationConfig(parent_child_gap=11)


def test_area_thresholds_are_configurable() -> None:
    hh = valid_household(3)
    seth(H6=14, H7=1)(hh)
    assert "HH-06" not in {
        f.rule_id for f in check_household(hh, config=ValidationConfig(min_area_per_person=4))
    }


def test_empty_and_partial_households() -> None:
    empty = Household(uuid="e")
    ids = {f.rule_id for f in check_household(empty)}
    assert {"HH-01", "HH-02"} <= ids
    partial = Household(uuid="p", answers={"H1": 1}, persons=[Person("a"), Person("b", {"D2": 0})])
    ids = {f.rule_id for f in check_household(partial)}
    assert {"P-01", "P-02", "R-01", "R-02"} <= ids
