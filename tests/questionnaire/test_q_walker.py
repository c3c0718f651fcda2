"""The walker follows every skip and universe rule of FACTS §2.2-§2.3 and §7.3 P-10/P-12."""

from __future__ import annotations

import itertools
import time

import pytest

from census_tui.model import Household, Person, Value
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Form, load_form, parse_form


@pytest.fixture(scope="module")
def form() -> Form:
    return load_form()


ALL_HH = ["H1", "H2a", "H2b", "H3m", "H3f", "H4m", "H4f", "H5", "H6", "H7"]
NO_HOUSING = ALL_HH[:-2]

# (H5 answer, household items on the walk) — FACTS §2.2 skip: H5 = 2-5 skips H6/H7
HOUSEHOLD_RULES: list[tuple[int | None, list[str]]] = [
    (None, NO_HOUSING),  # not answered yet: H6/H7 not applicable
    (1, ALL_HH),
    (2, NO_HOUSING),
    (3, NO_HOUSING),
    (4, NO_HOUSING),
    (5, NO_HOUSING),
]


@pytest.mark.parametrize(("h5", "expected"), HOUSEHOLD_RULES)
def test_housing_skip(form: Form, h5: int | None, expected: list[str]) -> None:
    hh = Household("h", answers={} if h5 is None else {"H5": h5})
    assert [i.id for i in walker.household_items(form, hh)] == expected


def _a(**answers: Value) -> dict[str, Value]:
    return answers


BASE = ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8"]

# (person answers, the optional items that must be on the walk; all others must not be)
OPTIONAL = {"D3N", "D7P", "D8P", "D9", "D10", "D11", "D12"}
PERSON_RULES: list[tuple[str, dict[str, Value], set[str]]] = [
    ("nothing answered", {}, set()),
    ("ID given", {"D3": "11010519491231002X"}, set()),
    ("no ID number", {"D3": ""}, {"D3N"}),
    # D7 = 5 needs the place; other codes do not (FACTS §2.3, P-08)
    *[(f"D7={c}", _a(D7=c), {"D7P"} if c == 5 else set()) for c in range(1, 8)],
    # D8 = 4 needs the place; D8 = 5 skips D9/D10 (P-10)
    ("D8=1", {"D8": 1}, {"D9"}),
    ("D8=2", {"D8": 2}, {"D9"}),
    ("D8=3", {"D8": 3}, {"D9"}),
    ("D8=4", {"D8": 4}, {"D8P", "D9"}),
    ("D8=5", {"D8": 5}, set()),
    ("D8=5 with D9 given", {"D8": 5, "D9": 3}, set()),
    # D9 = 1 skips D10; D9 2-9 asks it
    ("D9=1", {"D8": 1, "D9": 1}, {"D9"}),
    *[(f"D9={c}", _a(D8=2, D9=c), {"D9", "D10"}) for c in range(2, 10)],
    # D11 age 3+ = born on or before 2017-10; D12 age 15+ = on or before 2005-10 (P-12)
    ("born 2020-10", {"D5": "2020-10"}, set()),
    ("born 2017-11 (age 2)", {"D5": "2017-11"}, set()),
    ("born 2017-10 (age 3)", {"D5": "2017-10"}, {"D11"}),
    ("born 2005-11 (age 14)", {"D5": "2005-11"}, {"D11"}),
    ("born 2005-10 (age 15)", {"D5": "2005-10"}, {"D11", "D12"}),
    ("born 1930-01", {"D5": "1930-01"}, {"D11", "D12"}),
    ("born 2017-12", {"D5": "2017-12"}, set()),
    ("born 2006-01", {"D5": "2006-01"}, {"D11"}),
    ("born 2005-01", {"D5": "2005-01"}, {"D11", "D12"}),
    ("invalid D5 kept as unknown age", {"D5": "1990-13"}, set()),
    (
        "everything",
        {"D3": "", "D5": "1980-02", "D7": 5, "D8": 4, "D9": 8},
        {"D3N", "D7P", "D8P", "D9", "D10", "D11", "D12"},
    ),
]


@pytest.mark.parametrize(
    ("answers", "optional"),
    [(a, o) for _, a, o in PERSON_RULES],
    ids=[d for d, _, _ in PERSON_RULES],
)
def test_person_rules(form: Form, answers: dict[str, Value], optional: set[str]) -> None:
    hh = Household("h", persons=[Person("p", dict(answers))])
    got = [i.id for i in walker.person_items(form, hh, "p")]
    expected = [i.id for i in form.person_items if i.id in BASE or i.id in optional]
    assert got == expected
    for item_id in OPTIONAL:
        assert walker.is_applicable(form, hh, "p", item_id) is (item_id in optional)


def household(persons: int = 2) -> Household:
    return Household(
        "h",
        answers={"H5": 2},
        persons=[Person(f"p{n}", {"D5": "2018-01"}) for n in range(persons)],
    )


def test_walk_order_next_previous(form: Form) -> None:
    hh = household()
    walk = walker.positions(form, hh)
    assert walk[: len(NO_HOUSING)] == [("", i) for i in NO_HOUSING]
    assert walk[len(NO_HOUSING)] == ("p0", "D1")
    assert walk[-1] == ("p1", "D8")
    assert walker.first_position(form, hh) == ("", "H1")
    for a, b in itertools.pairwise(walk):
        assert walker.next_position(form, hh, a) == b
        assert walker.previous_position(form, hh, b) == a
    assert walker.next_position(form, hh, walk[-1]) is None
    assert walker.previous_position(form, hh, walk[0]) is None


def test_next_from_a_position_that_no_longer_applies(form: Form) -> None:
    hh = household()
    # the screen was on H6 when H5 changed to 2: next and previous still work from there
    assert walker.next_position(form, hh, ("", "H6")) == ("p0", "D1")
    assert walker.previous_position(form, hh, ("", "H7")) == ("", "H5")
    assert walker.next_position(form, hh, ("p0", "D12")) == ("p1", "D1")
    assert walker.previous_position(form, hh, ("p1", "D1")) == ("p0", "D8")


def test_household_without_persons(form: Form) -> None:
    hh = Household("h", answers={"H5": 1})
    assert walker.next_position(form, hh, ("", "H7")) is None
    assert walker.positions(form, hh) == [("", i) for i in ALL_HH]


def test_bad_positions(form: Form) -> None:
    hh = household()
    for pos in [("", "D1"), ("p0", "H1"), ("nobody", "D1"), ("", "X9")]:
        with pytest.raises(ValueError):
            walker.next_position(form, hh, pos)
        with pytest.raises(ValueError):
            walker.previous_position(form, hh, pos)
    with pytest.raises(ValueError):
        walker.person_items(form, hh, "nobody")
    with pytest.raises(ValueError):
        walker.is_applicable(form, hh, "p0", "H6")


def test_first_unanswered_and_missing(form: Form) -> None:
    hh = Household("h", persons=[Person("a"), Person("b")])
    assert walker.first_unanswered(form, hh) == ("", "H1")
    hh.answers.update({"H1": 1, "H2a": 2, "H2b": 0, "H3m": 0, "H3f": 0, "H4m": 0, "H4f": 0})
    assert walker.first_unanswered(form, hh) == ("", "H5")
    hh.answers["H5"] = 1
    assert walker.first_unanswered(form, hh) == ("", "H6")
    hh.answers.update({"H6": 80, "H7": 3})
    assert walker.first_unanswered(form, hh) == ("a", "D1")
    a: dict[str, Value] = {
        "D1": "甲",
        "D2": 0,
        "D3": "",
        "D3N": 3,
        "D4": 1,
        "D5": "1980-01",
        "D6": 1,
        "D7": 1,
    }
    hh.persons[0].answers.update(a)
    hh.persons[0].answers.update({"D8": 1, "D9": 1, "D11": 5})
    assert walker.first_unanswered(form, hh) == ("a", "D12")
    assert walker.missing(form, hh) == [("a", "D12"), *[("b", i) for i in BASE]]
    hh.persons[0].answers["D12"] = 1
    assert walker.first_unanswered(form, hh) == ("b", "D1")
    b: dict[str, Value] = {
        "D1": "乙",
        "D2": 2,
        "D3": "110101199003070011",
        "D4": 2,
        "D5": "2019-01",
        "D6": 36,
    }
    hh.persons[1].answers.update(b | {"D7": 1, "D8": 5})
    assert walker.missing(form, hh) == []
    assert walker.first_unanswered(form, hh) is None


STALE: list[tuple[str, dict[str, Value], dict[str, Value], list[tuple[str, str]]]] = [
    ("H5 changed to 2", {"H5": 2, "H6": 80, "H7": 3}, {}, [("", "H6"), ("", "H7")]),
    (
        "D8 changed to 5",
        {},
        {"D8": 5, "D8P": "x", "D9": 4, "D10": 1},
        [("p", "D8P"), ("p", "D9"), ("p", "D10")],
    ),
    ("D8 changed from 4", {}, {"D8": 1, "D8P": "x", "D9": 1}, [("p", "D8P")]),
    ("D9 changed to 1", {}, {"D8": 1, "D9": 1, "D10": 1}, [("p", "D10")]),
    ("D7 changed from 5", {}, {"D7": 1, "D7P": "x"}, [("p", "D7P")]),
    ("ID number given", {}, {"D3": "11010519491231002X", "D3N": 1}, [("p", "D3N")]),
    ("birth moved to age 14", {}, {"D5": "2006-01", "D11": 3, "D12": 1}, [("p", "D12")]),
    (
        "birth moved to age 2",
        {},
        {"D5": "2018-03", "D11": 3, "D12": 1},
        [("p", "D11"), ("p", "D12")],
    ),
    ("D5 cleared", {}, {"D11": 3}, [("p", "D11")]),
    ("nothing stale", {"H5": 1, "H6": 80}, {"D8": 4, "D8P": "x", "D9": 2, "D10": 1}, []),
]


@pytest.mark.parametrize(
    ("hh_answers", "p_answers", "expected"), [s[1:] for s in STALE], ids=[s[0] for s in STALE]
)
def test_stale_answers(
    form: Form,
    hh_answers: dict[str, Value],
    p_answers: dict[str, Value],
    expected: list[tuple[str, str]],
) -> None:
    hh = Household("h", answers=dict(hh_answers), persons=[Person("p", dict(p_answers))])
    assert walker.stale_answers(form, hh) == expected
    for scope, item_id in expected:
        assert not walker.is_applicable(form, hh, scope, item_id)
        (hh.answers if scope == "" else hh.persons[0].answers).pop(item_id)
    assert walker.stale_answers(form, hh) == []


def test_reordering_persons_reorders_the_walk(form: Form) -> None:
    hh = household(3)
    hh.persons.reverse()
    walk = walker.positions(form, hh)
    assert [p for p, i in walk if i == "D1"] == ["p2", "p1", "p0"]


def test_fast_enough_for_every_keystroke(form: Form) -> None:
    answers: dict[str, Value] = {"D3": "", "D5": "1980-02", "D7": 5, "D8": 4, "D9": 8}
    hh = Household(
        "h", answers={"H5": 1}, persons=[Person(f"p{n}", dict(answers)) for n in range(10)]
    )
    rounds = 200
    start = time.perf_counter()
    for _ in range(rounds):
        walker.positions(form, hh)
        walker.next_position(form, hh, ("p5", "D4"))
        walker.missing(form, hh)
    per_call = (time.perf_counter() - start) / (rounds * 3)
    assert per_call < 1e-3, f"{per_call * 1e6:.0f} µs per walk of a 10-person household"


CHAIN = """
[form]
id = "chain"
version = "1"
title = { zh = "链", en = "Chain" }
[codes.yn]
values = [{ value = 1, zh = "是", en = "Yes" }, { value = 2, zh = "否", en = "No" }]
""" + "".join(
    f"""
[[household]]
id = "{i}"
type = "code"
codes = "yn"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}
{cond}
"""
    for i, cond in [("A", ""), ("B", 'when = "A == 1"'), ("C", 'when = "B == 1"')]
)


def test_answers_of_skipped_items_do_not_count() -> None:
    """C depends on B, B on A: once A skips B, B's old answer must not keep C on the walk."""
    chain = parse_form(CHAIN.encode())
    hh = Household("h", answers={"A": 2, "B": 1, "C": 1})
    assert walker.positions(chain, hh) == [("", "A")]
    assert walker.stale_answers(chain, hh) == [("", "B"), ("", "C")]
    hh.answers["A"] = 1
    assert walker.positions(chain, hh) == [("", "A"), ("", "B"), ("", "C")]
    assert walker.stale_answers(chain, hh) == []
