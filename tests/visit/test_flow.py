"""The interview flow without a terminal: next step, expected persons (rule HH-03), where an
interview opens, and which findings hold the enumerator on a question."""

from __future__ import annotations

import pytest

from census_tui.i18n import Msg
from census_tui.model import Household, Person
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Form, load_form
from census_tui.validation.config import DEFAULT
from census_tui.validation.engine import check_household
from census_tui.visit import flow
from census_tui.visit.api import FindingView
from tests.validation.builders import valid_household


@pytest.fixture(scope="module")
def form() -> Form:
    return load_form()


def _last(form: Form, hh: Household) -> flow.Position:
    return walker.positions(form, hh)[-1]


def _finding(
    person: str, items: tuple[str, ...], *, rule: str = "P-04", confirmed: bool = False
) -> FindingView:
    return FindingView(rule, "error", person, "", items, Msg("x", "x"), confirmed)


# --- next step ----------------------------------------------------------------------------------


def test_inside_the_walk_the_next_question_is_asked(form: Form) -> None:
    hh = Household("hh")
    assert flow.next_step(form, hh, ("", "H1")) == flow.Ask(("", "H2a"))
    full = valid_household(2)
    assert flow.next_step(form, full, ("", "H7")) == flow.Ask(("p00", "D1"))


def test_after_the_household_items_a_first_person_is_added(form: Form) -> None:
    hh = valid_household(1)
    hh.persons = []
    assert flow.next_step(form, hh, _last(form, hh)) == flow.AddPerson()


@pytest.mark.parametrize(
    ("h2a", "h2b", "listed", "step"),
    [
        (3, 0, 2, flow.AddPerson()),  # one more to list
        (2, 0, 2, flow.SelfCheck()),
        (1, 1, 2, flow.SelfCheck()),  # H2b's persons count too
        (2, 1, 2, flow.AddPerson()),
        (1, 0, 2, flow.SelfCheck()),  # too many listed: the self-check reports HH-03
    ],
)
def test_at_the_end_of_the_walk_persons_are_added_up_to_h2a_plus_h2b(
    form: Form, h2a: int, h2b: int, listed: int, step: flow.Step
) -> None:
    hh = valid_household(listed)
    hh.answers.update(H2a=h2a, H2b=h2b)
    assert flow.next_step(form, hh, _last(form, hh)) == step


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, 1),  # H2 not answered yet: one person at least
        ({"H2a": 0, "H2b": 0}, 1),
        ({"H2a": 3, "H2b": 2}, 5),
        ({"H2a": 3}, 1),  # H2b still blank: HH-03 does not count yet
        ({"H2a": DEFAULT.max_household_count + 1, "H2b": 0}, 1),  # out of range (HH-02)
    ],
)
def test_expected_persons_is_rule_hh_03s_count(
    form: Form, answers: dict[str, int], expected: int
) -> None:
    assert flow.expected_persons(form, Household("hh", answers=dict(answers))) == expected


@pytest.mark.parametrize(("h2a", "h2b", "listed"), [(2, 0, 2), (1, 1, 2), (3, 0, 2), (1, 0, 3)])
def test_the_flow_stops_adding_exactly_when_hh_03_is_satisfied(
    form: Form, h2a: int, h2b: int, listed: int
) -> None:
    hh = valid_household(listed)
    hh.answers.update(H2a=h2a, H2b=h2b)
    hh_03 = any(f.rule_id == "HH-03" for f in check_household(hh))
    assert hh_03 == (len(hh.persons) != flow.expected_persons(form, hh))


def test_a_new_person_starts_at_their_first_question(form: Form) -> None:
    hh = valid_household(1)
    hh.persons.append(Person("new"))
    assert flow.person_start(form, hh, "new") == ("new", "D1")
    assert flow.previous(form, hh, ("new", "D1")) == _last(form, valid_household(1))


# --- where an interview opens ------------------------------------------------------------------


def test_opening_prefers_the_supervisors_items_then_the_last_question(form: Form) -> None:
    hh = valid_household(2)
    returned = [("gone", "D4"), ("p01", "D4")]  # a removed person's item is passed over
    assert flow.opening(form, hh, last=("", "H5"), returned_items=returned) == ("p01", "D4")
    assert flow.opening(form, hh, last=("", "H5")) == ("", "H5")


def test_opening_falls_back_to_the_first_gap(form: Form) -> None:
    hh = valid_household(1)
    hh.answers["H5"] = 2  # H6/H7 no longer asked
    del hh.answers["H6"], hh.answers["H7"]
    del hh.persons[0].answers["D5"]
    assert flow.opening(form, hh, last=("", "H6")) == ("p00", "D5")
    assert flow.opening(form, hh, last=None) == ("p00", "D5")
    assert flow.first_gap(form, valid_household(1)) == ("", "H1")  # all answered: the start


def test_answer_at_reads_household_and_person_answers() -> None:
    hh = valid_household(1)
    assert flow.answer_at(hh, ("", "H1")) == 1
    assert flow.answer_at(hh, ("p00", "D4")) == 1
    assert flow.answer_at(hh, ("gone", "D4")) is None
    assert not flow.is_valid(load_form(), hh, ("gone", "D4"))
    assert not flow.is_valid(load_form(), hh, ("", "NOPE"))


# --- findings that hold ------------------------------------------------------------------------


def test_a_finding_about_this_answer_holds_once_everything_it_compares_is_answered() -> None:
    hh = valid_household(2)
    pos = ("p01", "D4")
    assert flow.holds(hh, _finding("p01", ("D4", "D3")), pos)
    assert not flow.holds(hh, _finding("p00", ("D4", "D3")), pos)  # another person
    assert not flow.holds(hh, _finding("p01", ("D5",)), pos)  # not about this answer
    assert not flow.holds(hh, _finding("", ("H2a", "H2b")), ("", "H2a"))  # household totals
    assert not flow.holds(hh, _finding("p01", ("D4", "#persons")), pos)  # a count of records
    del hh.persons[1].answers["D3"]
    assert not flow.holds(hh, _finding("p01", ("D4", "D3")), pos)  # D3 not answered yet


def test_open_findings_here_leave_out_other_persons_confirmed_and_not_yet_reached(
    form: Form,
) -> None:
    hh = valid_household(2)
    del hh.persons[1].answers["D12"]
    mine = _finding("p01", ("D4",))
    household = _finding("", ("H6",), rule="HH-06")
    other = _finding("p00", ("D4",))
    confirmed = _finding("p01", ("D5",), rule="P-05", confirmed=True)
    ahead = _finding("p01", ("D12",), rule="P-08")  # "D12 not answered" while still ahead
    found = flow.open_here(form, hh, [mine, household, other, confirmed, ahead], ("p01", "D4"))
    assert found == [mine, household]


def test_only_findings_raised_by_this_answer_hold(form: Form) -> None:
    hh = valid_household(2)
    pos = ("p01", "D4")
    old = _finding("p01", ("D4", "D3"), rule="P-04")
    new = _finding("p01", ("D4", "D5"), rule="P-05")
    before = flow.finding_keys([old])
    assert flow.newly_holding(form, hh, [old, new], pos, before) == [new]
    assert flow.newly_holding(form, hh, [old], pos, before) == []


# --- person counts while persons are being entered --------------------------------------------


def test_person_counts_wait_until_every_expected_person_could_be_entered(form: Form) -> None:
    """HH-03/HH-04 compare H2a/H2b with the persons entered: shown from the first person's
    first question they say only that the others are not entered yet (issue 16 §13)."""
    full = valid_household(3)
    counts = [
        _finding("", ("H2a", "H2b"), rule="HH-03"),
        _finding("", ("H2a",), rule="HH-04"),
        _finding("", ("H2a",), rule="HH-05"),  # any other household rule shows as before
    ]
    one = Household(full.uuid, answers=dict(full.answers), persons=[full.persons[0]])
    assert flow.expected_persons(form, one) == 3
    shown = flow.open_here(form, one, counts, (one.persons[0].uuid, "D1"))
    assert [f.rule_id for f in shown] == ["HH-05"]
    shown = flow.open_here(form, full, counts, (full.persons[2].uuid, "D1"))
    assert [f.rule_id for f in shown] == ["HH-03", "HH-04", "HH-05"]
