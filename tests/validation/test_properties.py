"""Property tests: no rule raises on any household the store can hold (issue 3, "Bad input")."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from census_tui.model import Confirmation, Household, Person
from census_tui.validation.engine import (
    check_field,
    check_household,
    completion_status,
    confirmation_key,
    make_confirmation,
)
from census_tui.validation.findings import Finding, Severity
from census_tui.validation.household_json import from_json, to_json

from .builders import valid_household

ITEMS = [
    "H1", "H2a", "H2b", "H3m", "H3f", "H4m", "H4f", "H5", "H6", "H7",
    "D1", "D2", "D3", "D3N", "D4", "D5", "D6", "D7", "D7P", "D8", "D8P", "D9", "D10",
    "D11", "D12", "ZZ",
]  # fmt: skip

garbage_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "😀👨‍👩‍👧", "名" * 10_000, "\x00\x1b[2J", "\ud800", "1990-03", "2020-11",
         "0" * 18, "11010519491231002x", "110105491231002", "１２", "-1", "9" * 400]
    ),
)  # fmt: skip
answer_value = st.one_of(
    st.integers(-5, 15),
    st.integers(),
    garbage_text,
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=2),
    st.binary(max_size=4),
)
answers = st.dictionaries(st.sampled_from(ITEMS), answer_value, max_size=len(ITEMS))
persons = st.lists(
    st.builds(Person, uuid=st.one_of(st.text(max_size=4), st.sampled_from(["", "a"])),
              answers=answers),
    max_size=6,
)  # fmt: skip


@st.composite
def households(draw: st.DrawFn) -> Household:
    return Household(uuid="h", answers=draw(answers), persons=draw(persons))


@st.composite
def nearly_valid(draw: st.DrawFn) -> Household:
    """A valid household with a few answers replaced: reaches the deeper rules."""
    hh = valid_household(draw(st.integers(1, 10)))
    for _ in range(draw(st.integers(0, 4))):
        item = draw(st.sampled_from(ITEMS))
        value = draw(answer_value)
        if item.startswith("H"):
            hh.answers[item] = value
        else:
            hh.persons[draw(st.integers(0, len(hh.persons) - 1))].answers[item] = value
    if draw(st.booleans()):
        hh.persons.reverse()
    return hh


def _check_all(hh: Household) -> list[Finding]:
    findings = check_household(hh, area_id_numbers=frozenset({"11010519491231002X"}))
    for f in findings:
        assert isinstance(f.severity, Severity) and f.rule_id and f.message.zh and f.message.en
        assert all(isinstance(i, str) for i in f.items)
    status = completion_status(hh, findings)
    assert status.may_complete == (not status.errors and not status.unconfirmed)
    return findings


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households())
def test_no_rule_raises_on_random_households(hh: Household) -> None:
    _check_all(hh)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nearly_valid())
def test_no_rule_raises_near_valid_households(hh: Household) -> None:
    findings = _check_all(hh)
    for f in findings:
        if f.severity.needs_confirmation:
            conf = make_confirmation(f, hh, "reason", "e", "2020-11-02T09:00:00+00:00")
            assert confirmation_key(conf) == confirmation_key(f)
            hh.confirmations.append(conf)
    status = completion_status(hh, check_household(hh, area_id_numbers=frozenset()))
    assert not status.unconfirmed or any(f.rule_id == "P-06" for f in status.unconfirmed)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ITEMS), answer_value, nearly_valid(), st.integers(0, 9))
def test_check_field_never_raises(item: str, value: Any, hh: Household, i: int) -> None:
    person = hh.persons[i % len(hh.persons)]
    for f in check_field(item, value, person=person, household=hh):
        assert f.person_uuid == person.uuid


@settings(max_examples=100, deadline=None)
@given(nearly_valid())
def test_json_round_trip_of_storable_households(hh: Household) -> None:
    # The store holds int and str answers only (model.Value); those must round-trip exactly.
    hh.answers = {k: v for k, v in hh.answers.items() if type(v) in (int, str)}
    for p in hh.persons:
        p.answers = {k: v for k, v in p.answers.items() if type(v) in (int, str)}
    hh.confirmations.append(Confirmation("HH-06", "", "r", "e", "t", {":H6": None}))
    doc = json.loads(json.dumps(to_json(hh)))
    back = from_json(doc)
    assert to_json(back) == to_json(hh)
    assert check_household(back) == check_household(hh)


def test_empty_household() -> None:
    findings = _check_all(Household(uuid="x"))
    assert {f.rule_id for f in findings} == {"HH-01", "HH-02"}
