"""The walker on the long form, on death records and on the form for residents from outside
the mainland: every skip and universe of FACTS §3 (H5/H17 skips, L-01 … L-08 universes, S7/S8
by age at death, R10 by age from R4)."""

from __future__ import annotations

import pytest

from census_tui.model import Household, Person, Value
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Form, load_form


@pytest.fixture(scope="module")
def long() -> Form:
    return load_form("long2020")


@pytest.fixture(scope="module")
def short() -> Form:
    return load_form("short2020")


@pytest.fixture(scope="module")
def hmt() -> Form:
    return load_form("hmt2020")


def hh_ids(form: Form, hh: Household) -> list[str]:
    return [i.id for i in walker.household_items(form, hh)]


def p_ids(form: Form, hh: Household, uuid: str = "p") -> list[str]:
    return [i.id for i in walker.person_items(form, hh, uuid)]


BASE_HH = ["H1", "H2a", "H2b", "H3m", "H3f", "H4m", "H4f", "H5"]
HOUSING = ["H6", "H7", *(f"H{n}" for n in range(8, 18))]


@pytest.mark.parametrize("h5", [2, 3, 4, 5])
def test_long_household_skips_h6_to_h18_unless_conventional(long: Form, h5: int) -> None:
    hh = Household("h", form_id="long2020", answers={"H5": h5, "H17": 1, "H18": 3})
    assert hh_ids(long, hh) == BASE_HH
    # the stale housing answers are reported, H18 included (cascade through H17)
    assert walker.stale_answers(long, hh) == [("", "H17"), ("", "H18")]


@pytest.mark.parametrize(
    ("h17", "rent"), [*((c, c in (1, 2)) for c in range(1, 10)), (None, False)]
)
def test_rent_only_for_renters(long: Form, h17: int | None, rent: bool) -> None:
    answers: dict[str, Value] = {"H5": 1}
    if h17 is not None:
        answers["H17"] = h17
    hh = Household("h", form_id="long2020", answers=answers)
    assert hh_ids(long, hh) == [*BASE_HH, *HOUSING, *(["H18"] if rent else [])]


def person(**answers: Value) -> Household:
    return Household("h", form_id="long2020", persons=[Person("p", dict(answers))])


ALWAYS = [
    *("D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D11", "D13", "D14", "D15"),
]
LONG_EXTRA = {
    *("D13", "D14", "D15", "D15P", "D16", "D16P", "D17", "D18", "D18H", "D19", "D20", "D21"),
    *("D22", "D23", "D24", "D25", "D26m", "D26f", "D27m", "D27f", "D28", "D28B1", "D28S1"),
    *("D28B2", "D28S2", "D28B3", "D28S3", "D29", "D30"),
}
FERTILITY = {"D26m", "D26f", "D27m", "D27f"}
BIRTHS = {"D28"}


def extra(form: Form, hh: Household) -> set[str]:
    return set(p_ids(form, hh)) & LONG_EXTRA


# a married person with education 4 (初中), not migrant; the universes of FACTS §3.2 / §7.4
MARRIED = {"D8": 1, "D9": 1, "D11": 4, "D24": 2, "D15": 1, "D16": 1, "D18": 3}
ADULT = {"D13", "D14", "D15", "D16", "D17", "D18", "D22", "D23", "D24", "D25"}


@pytest.mark.parametrize(
    ("desc", "answers", "expected"),
    [
        ("woman 30", {"D4": 2, "D5": "1990-03"}, ADULT | FERTILITY | BIRTHS),
        ("man 30", {"D4": 1, "D5": "1990-03"}, ADULT),
        ("woman 70", {"D4": 2, "D5": "1950-03"}, ADULT | {"D29", "D30"}),
        ("woman 55", {"D4": 2, "D5": "1965-03"}, ADULT | FERTILITY),
        ("woman 64", {"D4": 2, "D5": "1955-11"}, ADULT | FERTILITY | {"D29", "D30"}),
        ("woman 65", {"D4": 2, "D5": "1955-10"}, ADULT | {"D29", "D30"}),
        ("woman 50", {"D4": 2, "D5": "1969-11"}, ADULT | FERTILITY | BIRTHS),
        ("woman 51", {"D4": 2, "D5": "1969-10"}, ADULT | FERTILITY),
        ("woman 60", {"D4": 2, "D5": "1960-10"}, ADULT | FERTILITY | {"D29", "D30"}),
        ("woman 59", {"D4": 2, "D5": "1960-11"}, ADULT | FERTILITY),
    ],
)
def test_person_universes_by_sex_and_age(
    long: Form, desc: str, answers: dict[str, Value], expected: set[str]
) -> None:
    hh = person(**MARRIED, **answers)
    assert extra(long, hh) == expected, desc


def test_never_married_woman_has_no_fertility_items(long: Form) -> None:
    hh = person(**{**MARRIED, "D24": 1}, D4=2, D5="1990-03")
    assert extra(long, hh) == ADULT - {"D25"}
    hh = person(**{**MARRIED, "D24": 5}, D4=2, D5="1990-03")  # widowed: asked (L-03)
    assert FERTILITY | BIRTHS | {"D25"} <= extra(long, hh)


@pytest.mark.parametrize(
    ("birth", "gates"),
    [
        ("2020-05", set()),  # a baby: only D13-D15
        ("2017-11", set()),  # 2: no education, not asked where they lived in 2015
        ("2015-10", {"D16", "D17"}),  # 5: L-06 opens
        ("2015-11", {"D17"}),  # 4: not asked where they lived in 2015
        ("2005-11", {"D16", "D17"}),  # 14: no work, marital items
        ("2005-10", {"D16", "D17", "D24"}),  # 15: marital status (L-01)
        ("2004-10", {"D16", "D17", "D18", "D23", "D24"}),  # 16: work [D]
    ],
)
def test_age_gates(long: Form, birth: str, gates: set[str]) -> None:
    hh = person(D4=1, D5=birth, D8=1, D9=1, D11=4, D15=1, D16=1, D24=1, D18=3)
    base = {"D13", "D14", "D15"}
    work = {"D22"} if "D18" in gates else set()
    assert extra(long, hh) == base | gates | work


@pytest.mark.parametrize(("d11", "asked"), [(1, False), (2, False), (3, True), (9, True)])
def test_schooling_status_gate_l07(long: Form, d11: int, asked: bool) -> None:
    hh = person(D5="2000-01", D11=d11)
    assert ("D17" in p_ids(long, hh)) is asked


def test_hukou_pending_skips_hukou_type_and_land(long: Form) -> None:
    hh = person(D5="1990-01", D8=5)
    ids = p_ids(long, hh)
    assert "D13" not in ids and "D14" not in ids and "D9" not in ids


def test_places_and_work_paths(long: Form) -> None:
    hh = person(D5="1990-01", D15=3, D16=2, D18=1)
    ids = set(p_ids(long, hh))
    assert {"D15P", "D16P", "D18H", "D19", "D20", "D21"} <= ids
    assert "D22" not in ids
    hh = person(D5="1990-01", D15=2, D16=1, D18=2)
    ids = set(p_ids(long, hh))
    assert {"D19", "D20", "D21"} <= ids and not ids & {"D15P", "D16P", "D18H", "D22"}
    hh = person(D5="1990-01", D18=3)
    ids = set(p_ids(long, hh))
    assert "D22" in ids and not ids & {"D18H", "D19", "D20", "D21"}


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_last_year_births(long: Form, n: int) -> None:
    hh = person(D4=2, D5="1990-01", D24=2, D28=n)
    ids = p_ids(long, hh)
    asked = [i for i in ids if i.startswith("D28") and i != "D28"]
    expected = [f"D28{k}{j}" for j in range(1, n + 1) for k in ("B", "S")]
    assert asked == expected


def test_long_form_order_and_cascade(long: Form) -> None:
    hh = person(D4=2, D5="1990-01", D24=2, D28=2, D28B1="2020-01", D28B2="2020-01")
    # she turns out to be a man: every fertility answer becomes stale, D28Bn through D28
    hh.persons[0].answers["D4"] = 1
    stale = [item for _, item in walker.stale_answers(long, hh)]
    assert stale == ["D28", "D28B1", "D28B2"]
    order = [i.id for i in long.person_items]
    ids = p_ids(long, hh)
    assert ids == sorted(ids, key=order.index)


# --- death records ---------------------------------------------------------------------------


def with_deaths(form_id: str, *deaths: Person, persons: int = 1) -> Household:
    return Household(
        "h",
        form_id=form_id,
        answers={"H4m": 1, "H4f": 1},
        persons=[Person(f"p{n}") for n in range(persons)],
        deaths=list(deaths),
    )


INFANT = Person("infant", {"S2": "未取名", "S3": 1, "S4": "2020-01", "S5": "2020-03"})
ELDER = Person("elder", {"S2": "王", "S3": 2, "S4": "1940-05", "S5": "2020-04"})
DEATH_BASE = ["S2", "S3", "S4", "S5", "S6"]


def d_ids(form: Form, hh: Household, uuid: str) -> list[str]:
    return [i.id for i in walker.death_items(form, hh, uuid)]


@pytest.mark.parametrize("form_id", ["short2020", "long2020"])
def test_deaths_walked_after_persons(form_id: str) -> None:
    form = load_form(form_id)
    hh = with_deaths(form_id, INFANT, ELDER, persons=2)
    pos = walker.positions(form, hh)
    records = [uuid for uuid, _ in pos]
    first_death = records.index("infant")
    assert set(records[:first_death]) == {"", "p0", "p1"}
    assert pos[first_death:] == [
        *(("infant", i) for i in DEATH_BASE),
        *(("elder", i) for i in (*DEATH_BASE, "S7", "S8")),
    ]
    last_person = pos[first_death - 1]
    assert walker.next_position(form, hh, last_person) == ("infant", "S2")
    assert walker.previous_position(form, hh, ("infant", "S2")) == last_person
    assert walker.next_position(form, hh, ("infant", "S6")) == ("elder", "S2")
    assert walker.previous_position(form, hh, ("elder", "S2")) == ("infant", "S6")
    assert walker.next_position(form, hh, ("elder", "S8")) is None


def test_death_items_by_age_at_death(short: Form) -> None:
    hh = with_deaths("short2020", INFANT, ELDER)
    assert d_ids(short, hh, "infant") == DEATH_BASE  # born 2020-01, died 2020-03: age 0
    assert d_ids(short, hh, "elder") == [*DEATH_BASE, "S7", "S8"]  # 79 at death
    assert walker.is_applicable(short, hh, "elder", "S8")
    assert not walker.is_applicable(short, hh, "infant", "S7")


@pytest.mark.parametrize(
    ("birth", "death", "asked"),
    [
        ("2014-05", "2020-04", []),  # 5 at death: birthday month not reached
        ("2014-04", "2020-04", ["S7"]),  # 6: a death in the birth month counts the birthday
        ("2005-02", "2020-02", ["S7", "S8"]),  # 15
        ("2005-03", "2020-02", ["S7"]),  # 14: born in a later month than the death
        ("1930-12", "2019-11", ["S7", "S8"]),
        ("2020-05", "2020-03", []),  # died before birth: no age, the checks flag it
    ],
)
def test_s7_s8_gates(short: Form, birth: str, death: str, asked: list[str]) -> None:
    hh = with_deaths("short2020", Person("d", {"S4": birth, "S5": death}))
    assert d_ids(short, hh, "d") == [*DEATH_BASE, *asked]


def test_death_missing_stale_first_unanswered(short: Form) -> None:
    hh = with_deaths("short2020", Person("d", {"S2": "李", "S4": "1950-01", "S5": "2020-01"}))
    assert ("d", "S3") in walker.missing(short, hh)
    assert ("d", "S7") in walker.missing(short, hh)
    for p in hh.persons:
        p.answers.update({"D1": "x"})
    # the household and person items come first
    assert walker.first_unanswered(short, hh) == ("", "H1")
    hh.answers.clear()
    hh.persons.clear()
    assert walker.first_unanswered(short, hh) == ("", "H1")
    hh.answers.update(
        {i.id: 0 for i in short.household_items if not i.when and i.type == "integer"}
    )
    hh.answers.update({"H1": 1, "H5": 2})
    assert walker.first_unanswered(short, hh) == ("d", "S3")
    # a death record with S7/S8 answered, then the birth is corrected to an infant's
    d = hh.deaths[0]
    d.answers.update({"S3": 1, "S6": 1, "S7": 3, "S8": 2})
    assert walker.stale_answers(short, hh) == []
    d.answers["S4"] = "2019-12"
    assert walker.stale_answers(short, hh) == [("d", "S7"), ("d", "S8")]
    assert walker.missing(short, hh) == []


def test_death_positions_are_checked(short: Form, hmt: Form) -> None:
    hh = with_deaths("short2020", INFANT)
    with pytest.raises(ValueError):
        walker.is_applicable(short, hh, "p0", "S2")  # a death item at a person
    with pytest.raises(ValueError):
        walker.is_applicable(short, hh, "infant", "D1")  # a person item at a death record
    with pytest.raises(ValueError):
        walker.next_position(short, hh, ("", "S2"))
    with pytest.raises(ValueError):
        walker.death_items(short, hh, "p0")
    with pytest.raises(ValueError):
        walker.person_items(short, hh, "infant")
    with pytest.raises(ValueError):
        walker.death_items(short, hh, "nobody")
    # a form without death items does not walk death records (the checks flag them)
    hh.form_id = "hmt2020"
    assert all(uuid != "infant" for uuid, _ in walker.positions(hmt, hh))
    assert walker.death_items(hmt, hh, "infant") == []


@pytest.mark.parametrize("form_id", ["short2020", "long2020"])
def test_household_whose_members_all_died(form_id: str) -> None:
    """FACTS §4 (户编号 999) and HH-09: H2a = H2b = 0 with H4 > 0 has only its counts, then the
    death records; no H5, no housing items, no person records."""
    form = load_form(form_id)
    counts: dict[str, Value] = {"H1": 1, "H2a": 0, "H2b": 0, "H3m": 0, "H3f": 0}
    hh = Household("h", form_id=form_id, answers={**counts, "H4m": 1, "H4f": 0})
    hh.deaths.append(Person("d", {"S2": "张", "S3": 1, "S4": "1930-01", "S5": "2020-02"}))
    assert hh_ids(form, hh) == BASE_HH[:-1]
    assert walker.positions(form, hh) == [
        *(("", i) for i in BASE_HH[:-1]),
        *(("d", i) for i in (*DEATH_BASE, "S7", "S8")),
    ]
    assert walker.next_position(form, hh, ("", "H4f")) == ("d", "S2")
    hh.answers.update({"H5": 1, "H6": 40, "H7": 2})
    assert walker.stale_answers(form, hh) == [("", "H5"), ("", "H6"), ("", "H7")]
    # someone still lives here, or nobody died: H5 is asked (an empty household is the checks')
    for change in ({"H2b": 1}, {"H4m": 0}):
        assert "H5" in hh_ids(form, Household("h", answers={**hh.answers, **change}))


# --- hmt2020 ---------------------------------------------------------------------------------


def test_hmt_walk(hmt: Form) -> None:
    hh = Household("h", form_id="hmt2020", persons=[Person("a"), Person("b")])
    base = ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9"]
    assert walker.positions(hmt, hh) == [
        *(("", i) for i in ("F1", "FN", "F2")),
        *(("a", i) for i in base),
        *(("b", i) for i in base),
    ]
    hh.answers.update({"F2": 1})
    hh.persons[0].answers["R4"] = "1980-06"  # 40: education asked
    hh.persons[1].answers["R4"] = "2018-02"  # 2: not asked
    assert hh_ids(hmt, hh) == ["F1", "FN", "F2", "F3", "F4"]
    assert p_ids(hmt, hh, "a") == [*base, "R10"]
    assert p_ids(hmt, hh, "b") == base
    hh.persons[1].answers["R4"] = "2017-10"  # 3 at the standard time
    assert p_ids(hmt, hh, "b") == [*base, "R10"]
    hh.answers["F2"] = 2
    hh.answers.update({"F3": 50, "F4": 2})
    assert walker.stale_answers(hmt, hh) == [("", "F3"), ("", "F4")]
