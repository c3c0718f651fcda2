"""Issue 16 §9: a practice scenario's story tells every answer the comparison checks: the ID
numbers, ethnic group and literacy are read out, so a trainee is never marked wrong for
something the story never gave."""

from __future__ import annotations

import pytest

from census_tui.visit.scenarios import SCENARIOS, Scenario


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.key)
def test_the_story_gives_every_id_number(scenario: Scenario) -> None:
    for person in scenario.persons:
        assert str(person["D3"]) in scenario.story.zh
        assert str(person["D3"]) in scenario.story.en


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.key)
def test_the_story_tells_ethnic_group_and_literacy_of_everyone(scenario: Scenario) -> None:
    assert all(p["D6"] == 1 for p in scenario.persons)  # the stories say Han
    assert "汉族" in scenario.story.zh and "Han" in scenario.story.en
    if any("D12" in p for p in scenario.persons):
        assert "识字" in scenario.story.zh and "read and write" in scenario.story.en
    for truth in scenario.persons:
        name = str(truth["D1"])
        assert name in scenario.story.zh
