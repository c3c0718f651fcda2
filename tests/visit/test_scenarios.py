"""Practice scenarios: their truths are clean households on their own forms, compare() finds
every slip, and a practice household entered on the device is checked against its truth."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.model import Household, Person
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import load_form
from census_tui.store import KdfParams
from census_tui.validation import Severity, check_household
from census_tui.visit.practice import make_local_profile
from census_tui.visit.scenarios import (
    ALL_SCENARIOS,
    FORM_ITEM,
    FORM_SCENARIOS,
    Scenario,
    compare,
    scenario_for,
)

CHEAP = KdfParams(n=2**10, r=1, p=1)
BY_KEY = {s.key: s for s in ALL_SCENARIOS}


def _truth(s: Scenario) -> Household:
    return Household(
        uuid=f"hh-{s.key}",
        answers=dict(s.household),
        persons=[Person(f"p{i}", dict(p)) for i, p in enumerate(s.persons)],
        deaths=[Person(f"d{i}", dict(d)) for i, d in enumerate(s.deaths)],
        form_id=s.form_id,
    )


@pytest.mark.parametrize("scenario", ALL_SCENARIOS, ids=lambda s: s.key)
def test_truth_is_complete_and_has_no_errors(scenario: Scenario) -> None:
    hh = _truth(scenario)
    form = load_form(scenario.form_id)
    assert walker.missing(form, hh) == []
    assert walker.stale_answers(form, hh) == []
    errors = [f.rule_id for f in check_household(hh) if f.severity is Severity.ERROR]
    assert errors == []
    assert compare(form, scenario, hh, "en").perfect


@pytest.mark.parametrize("scenario", ALL_SCENARIOS, ids=lambda s: s.key)
def test_every_slip_is_listed(scenario: Scenario) -> None:
    form = load_form(scenario.form_id)
    name, sex = form.roles["name"], form.roles["sex"]
    hh = _truth(scenario)
    rooms = next(i for i in ("H7", "F4") if i in hh.answers)
    hh.answers[rooms] = 9
    head = hh.persons[0]
    head.answers[sex] = 3 - int(head.answers[sex])
    hh.persons.append(Person("extra", {name: "多登的人"}))
    diffs = compare(form, scenario, hh, "zh").differences
    assert {(d.item_id, d.entered) for d in diffs} >= {(rooms, "9"), (name, "多登的人")}
    assert any(d.item_id == sex and d.who == head.answers[name] for d in diffs)
    hh.persons = hh.persons[1:]
    assert any(d.entered == "未登记" for d in compare(form, scenario, hh, "zh").differences)


def test_a_death_record_is_compared_too() -> None:
    scenario = BY_KEY["death"]
    form = load_form(scenario.form_id)
    hh = _truth(scenario)
    hh.deaths[0].answers["S5"] = "2020-04"  # the trainee mis-heard the month of death
    diffs = compare(form, scenario, hh, "en").differences
    assert [(d.who, d.item_id, d.expected, d.entered) for d in diffs] == [
        ("未取名", "S5", "2020-03", "2020-04")
    ]
    hh.deaths = []
    diffs = compare(form, scenario, hh, "en").differences
    assert [(d.item_id, d.entered) for d in diffs] == [("S2", "missing")]
    hh.deaths = [Person("d0", dict(scenario.deaths[0])), Person("d1", {"S2": "多登的"})]
    diffs = compare(form, scenario, hh, "zh").differences
    assert [(d.item_id, d.entered) for d in diffs] == [("S2", "多登的")]


def test_the_infant_counts_in_births_and_deaths() -> None:
    """FACTS §2.2: an infant born and died in the year is in both H3 and H4."""
    scenario = BY_KEY["death"]
    (record,) = scenario.deaths
    assert scenario.household["H3f"] == scenario.household["H4f"] == 1
    assert scenario.household["H3m"] == scenario.household["H4m"] == 0
    assert (record["S3"], record["S4"], record["S5"]) == (2, "2020-01", "2020-03")
    form = load_form("short2020")
    assert form.deaths_form == "death2020"
    assert [i.id for i in walker.death_items(form, _truth(scenario), "d0")] == [
        "S2",
        "S3",
        "S4",
        "S5",
        "S6",
    ]  # under 6 at death: no education, no marital status


def test_each_form_scenario_is_on_its_form() -> None:
    assert {s.key: s.form_id for s in FORM_SCENARIOS} == {
        "long": "long2020",
        "death": "short2020",
        "foreign": "hmt2020",
    }
    long = BY_KEY["long"]
    long_only = set(long.household) - {i.id for i in load_form("short2020").household_items}
    assert long_only >= {"H8", "H17"}  # the long form's housing items are asked
    assert any("D24" in p and "D18" in p for p in long.persons)


def test_a_household_on_the_wrong_form_is_a_difference() -> None:
    scenario = BY_KEY["long"]
    hh = _truth(scenario)
    hh.form_id = "short2020"
    short = load_form("short2020")
    diffs = compare(short, scenario, hh, "en").differences
    assert (diffs[0].item_id, diffs[0].expected, diffs[0].entered) == (
        FORM_ITEM("en"),
        "long form",
        "short form",
    )
    assert len(diffs) == 1  # the long form's own answers are compared, not a crash


@pytest.mark.parametrize("scenario", FORM_SCENARIOS, ids=lambda s: s.key)
def test_the_story_tells_every_written_answer(scenario: Scenario) -> None:
    """Names, ID numbers, passport and place texts are read out in the story."""
    texts = [
        v
        for record in (scenario.household, *scenario.persons, *scenario.deaths)
        for v in record.values()
        if isinstance(v, str) and not (len(v) == 7 and v[4] == "-")  # year-months are told
    ]
    for text in texts:
        assert text in scenario.story.zh, text
    id_like = [t for t in texts if t.isascii() and any(c.isdigit() for c in t)]
    for text in id_like:
        assert text in scenario.story.en, text


def test_scenarios_sit_at_training_addresses() -> None:
    from census_tui.server.seed import _demo_dwellings

    addresses = [a for a, _, _ in _demo_dwellings()]
    for s in ALL_SCENARIOS:
        assert sum(1 for a in addresses if scenario_for(a) is s) == 1, s.key


def test_training_dwellings_carry_their_scenarios_forms() -> None:
    """The training area's forms come from its recorded sample seed (server/seed.py): each
    practice dwelling gets its scenario's form, and the sample is a tenth of the frame."""
    from census_tui.server.seed import DEMO_AREA, _demo_dwellings, demo_forms

    forms = demo_forms()
    for n, (address, _, _) in enumerate(_demo_dwellings(), start=1):
        scenario = scenario_for(address)
        if scenario is not None:
            assert forms[f"{DEMO_AREA}-{n:03d}"] == scenario.form_id, scenario.key
    frame = [f for f in forms.values() if f != "hmt2020"]
    assert frame.count("long2020") in (len(frame) // 10, -(-len(frame) // 10))


@pytest.mark.parametrize("key", ["long", "death", "foreign"])
def test_practice_household_on_its_form_is_checked_against_its_truth(
    tmp_path: Path, key: str
) -> None:
    """Entered through the session at the scenario's dwelling: the household takes the
    dwelling's form, and after completion the check finds exactly the slip made."""
    scenario = BY_KEY[key]
    clock = FakeClock(datetime(2020, 11, 3, 1, 0, tzinfo=UTC))
    s = make_local_profile(
        tmp_path, "trainee", "practice-pass-1", clock=clock, kdf=CHEAP, dwellings=1, scenarios=True
    )
    try:
        dwelling = next(d for d in s.store.dwellings() if scenario_for(d.address) is scenario)
        assert dwelling.form_id == scenario.form_id
        assert s.scenario(dwelling.id) is scenario
        hh = s.start_interview(dwelling.id)
        assert s.household(hh).form_id == scenario.form_id
        for item, value in scenario.household.items():
            s.set_answer(hh, "", item, value)
        for truth in scenario.persons:
            p = s.add_person(hh)
            for item, value in truth.items():
                s.set_answer(hh, p, item, value)
        for truth in scenario.deaths:
            d = s.add_death(hh)
            for item, value in truth.items():
                s.set_answer(hh, d, item, value)
        assert s.can_complete(hh)
        rooms = "F4" if key == "foreign" else "H7"
        s.set_answer(hh, "", rooms, int(scenario.household[rooms]) + 1)  # a slip
        head = s.household(hh).persons[0]
        s.complete(hh, str(head.answers[s.form_for(hh).roles["name"]]))
        check = s.practice_check(dwelling.id, "en")
        assert check is not None
        assert [(d.who, d.item_id) for d in check.differences] == [("Household", rooms)]
    finally:
        s.close()
