"""Practice scenarios: their truths are clean households, and compare() finds every slip."""

from __future__ import annotations

import pytest

from census_tui.model import Household, Person
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import load_form
from census_tui.validation import Severity, check_household
from census_tui.visit.scenarios import SCENARIOS, Scenario, compare, scenario_for


def _truth(s: Scenario) -> Household:
    return Household(
        uuid=f"hh-{s.key}",
        answers=dict(s.household),
        persons=[Person(f"p{i}", dict(p)) for i, p in enumerate(s.persons)],
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.key)
def test_truth_is_complete_and_has_no_errors(scenario: Scenario) -> None:
    hh = _truth(scenario)
    form = load_form()
    assert walker.missing(form, hh) == []
    assert walker.stale_answers(form, hh) == []
    errors = [f.rule_id for f in check_household(hh) if f.severity is Severity.ERROR]
    assert errors == []
    assert compare(form, scenario, hh, "en").perfect


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.key)
def test_every_slip_is_listed(scenario: Scenario) -> None:
    form = load_form()
    hh = _truth(scenario)
    hh.answers["H7"] = 9
    head = hh.persons[0]
    head.answers["D4"] = 3 - int(head.answers["D4"])
    hh.persons.append(Person("extra", {"D1": "多登的人"}))
    diffs = compare(form, scenario, hh, "zh").differences
    assert {(d.item_id, d.entered) for d in diffs} >= {("H7", "9"), ("D1", "多登的人")}
    assert any(d.item_id == "D4" and d.who == head.answers["D1"] for d in diffs)
    hh.persons = hh.persons[1:]
    assert any(d.entered == "未登记" for d in compare(form, scenario, hh, "zh").differences)


def test_scenarios_sit_at_training_addresses() -> None:
    from census_tui.server.seed import _demo_dwellings

    addresses = [a for a, _, _ in _demo_dwellings()]
    for s in SCENARIOS:
        assert sum(1 for a in addresses if scenario_for(a) is s) == 1, s.key
