"""Property tests: no rule raises on any household the store can hold (issue 3, "Bad input")."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from census_tui.model import Confirmation, Household, Person
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Section, load_form
from census_tui.validation.engine import (
    check_field,
    check_household,
    completion_status,
    confirmation_key,
    make_confirmation,
)
from census_tui.validation.findings import Finding, Severity
from census_tui.validation.household_json import from_json, to_json
from census_tui.validation.view import HOUSEHOLD_FORMS

from .builders import (
    all_died_household,
    infant_death_household,
    valid_hmt_household,
    valid_household,
    valid_long_household,
)

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


# -- every form (issue 17) ---------------------------------------------------------------------

FORMS = [load_form(f) for f in HOUSEHOLD_FORMS]
ALL_ITEMS = sorted(
    {i.id for f in FORMS for s in ("household", "person", "death") for i in f.items(s)} | {"ZZ"}
)
any_answers = st.dictionaries(st.sampled_from(ALL_ITEMS), answer_value, max_size=25)
records = st.lists(
    st.builds(Person, uuid=st.one_of(st.text(max_size=4), st.sampled_from(["", "a", "d"])),
              answers=any_answers),
    max_size=4,
)  # fmt: skip
form_ids = st.sampled_from([*HOUSEHOLD_FORMS, "death2020", "nope", ""])


@st.composite
def households_of_any_form(draw: st.DrawFn) -> Household:
    return Household(
        uuid="h", answers=draw(any_answers), persons=draw(records), deaths=draw(records),
        form_id=draw(form_ids),
    )  # fmt: skip


NEAR: dict[str, Any] = {
    "long": lambda n: valid_long_household(n),
    "infant": lambda n: infant_death_household(),
    "infant_long": lambda n: infant_death_household("long2020"),
    "died": lambda n: all_died_household(),
    "died_long": lambda n: all_died_household("long2020"),
    "hmt": lambda n: valid_hmt_household(),
}


@st.composite
def nearly_valid_of_any_form(draw: st.DrawFn, keep_roles: bool = False) -> Household:
    """A clean household of another form with a few answers replaced (persons, deaths too)."""
    hh: Household = NEAR[draw(st.sampled_from(sorted(NEAR)))](draw(st.integers(1, 10)))
    form = load_form(hh.form_id)
    skip = {"D2", "D3", "R2"} if keep_roles else set()
    sections: list[tuple[Section, list[Household] | list[Person]]] = [
        ("household", [hh]),
        ("person", hh.persons),
        ("death", hh.deaths),
    ]
    for _ in range(draw(st.integers(0, 4))):
        section, targets = draw(st.sampled_from(sections))
        items = [i.id for i in form.items(section) if i.id not in skip]
        if not targets or not items:
            continue
        target = targets[draw(st.integers(0, len(targets) - 1))]
        target.answers[draw(st.sampled_from(items))] = draw(answer_value)
    return hh


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households_of_any_form())
def test_no_rule_raises_on_random_households_of_any_form(hh: Household) -> None:
    _check_all(hh)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nearly_valid_of_any_form())
def test_no_rule_raises_near_valid_households_of_any_form(hh: Household) -> None:
    findings = _check_all(hh)
    records = {"", *(p.uuid for p in hh.persons), *(d.uuid for d in hh.deaths)}
    for f in findings:
        assert f.person_uuid in records
        if f.severity.needs_confirmation:
            hh.confirmations.append(make_confirmation(f, hh, "reason", "e", "t"))
    status = completion_status(hh, check_household(hh))
    assert not status.unconfirmed


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nearly_valid_of_any_form(keep_roles=True), st.randoms(use_true_random=False))
def test_findings_are_stable_when_persons_and_deaths_are_reordered(hh: Household, rnd: Any) -> None:
    def key(findings: list[Finding]) -> list[str]:
        # related answers are a set (a confirmation sorts them); their order follows the persons
        return sorted(repr((f.rule_id, f.severity, f.person_uuid, f.items, f.message,
                            sorted(f.related))) for f in findings)  # fmt: skip

    before = key(check_household(hh))
    rest = hh.persons[1:]  # the head stays first
    rnd.shuffle(rest)
    hh.persons[1:] = rest
    rnd.shuffle(hh.deaths)
    assert key(check_household(hh)) == before


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ALL_ITEMS), answer_value, nearly_valid_of_any_form(), st.integers(0, 9))
def test_check_field_never_raises_on_any_form(item: str, value: Any, hh: Household, i: int) -> None:
    who = [*hh.persons, *hh.deaths]
    record = who[i % len(who)] if who else None
    for f in check_field(item, value, person=record, household=hh):
        assert f.person_uuid == ("" if record is None else record.uuid)
    check_field(item, value)


@settings(max_examples=100, deadline=None)
@given(nearly_valid_of_any_form())
def test_json_round_trip_of_every_form(hh: Household) -> None:
    recs: list[Household | Person] = [hh, *hh.persons, *hh.deaths]
    for rec in recs:
        rec.answers = {k: v for k, v in rec.answers.items() if type(v) in (int, str)}
    doc = json.loads(json.dumps(to_json(hh)))
    back = from_json(doc)
    assert to_json(back) == to_json(hh)
    assert check_household(back) == check_household(hh)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nearly_valid_of_any_form())
def test_a_household_without_errors_is_complete_for_the_walker(hh: Household) -> None:
    """The rules and the interview's walker agree on who is asked what: when the checks find no
    error, the walker finds no applicable question unanswered (so the household can be both
    walked to the end and completed)."""
    findings = check_household(hh)
    if not any(f.severity is Severity.ERROR for f in findings):
        assert walker.missing(load_form(hh.form_id), hh) == []
