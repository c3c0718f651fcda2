"""Issue 16 §10: completing a practice household lands on the comparison with the truth."""

from __future__ import annotations

from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.store.records import Dwelling
from census_tui.visit.practice import PRACTICE_AREA
from census_tui.visit.scenarios import SCENARIOS
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, type_text
from tests.tui.more_support import live, on_screen, open_dwelling


async def test_completing_a_practice_household_shows_the_comparison(
    app_factory: AppFactory,
) -> None:
    scenario = SCENARIOS[1]  # one person: the household is quick to fill
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        session = live(app)
        with session.store.transaction():
            session.store.upsert_dwelling(
                Dwelling(
                    "D0099",
                    PRACTICE_AREA.id,
                    address=f"练习路{scenario.address_suffix}",
                    sort_key="D0099",
                )
            )
        hh = session.start_interview("D0099")
        for item_id, value in scenario.household.items():
            session.set_answer(hh, HOUSEHOLD_SCOPE, item_id, value)
        person = session.add_person(hh)
        truth = dict(scenario.persons[0])
        truth["D11"] = 4  # one slip for the comparison to show
        for item_id, value in truth.items():
            session.set_answer(hh, person, item_id, value)
        assert session.can_complete(hh), session.findings(hh)

        await pilot.press("r")  # the dashboard reloads and lists the new dwelling
        await open_dwelling(pilot, "D0099")
        await pilot.press("enter")
        await on_screen(pilot, "InterviewScreen")
        await pilot.press("f8")
        await on_screen(pilot, "SelfCheckScreen")
        await pilot.press("enter")
        await on_screen(pilot, "ReadBackScreen")
        await type_text(pilot, "Zhao Gang\r")
        await on_screen(pilot, "VisitScreen")
        text = screen_text(app)
        assert "Practice check" in text, text
        assert "D11" in text
        assert "Practice check: 1 answer differs:" in text, text  # not "1 answers differ"
