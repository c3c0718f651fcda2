"""A second household in a dwelling (``h`` on the dashboard, issue 5 §2): its own 户编号 after
the area's highest, reachable from the dwelling's visit screen after the first household is
completed, and both households listed there to choose from."""

from __future__ import annotations

from census_tui.screens.interview import InterviewScreen
from census_tui.visit.states import CaseState
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle
from tests.tui.more_support import (
    complete_from_interview,
    fill,
    live,
    on_screen,
    open_dwelling,
)


async def test_second_household_gets_the_next_number_and_can_be_interviewed(
    app_factory: AppFactory,
) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        session = live(app)
        first = session.start_interview("D0001")  # 户编号 1
        session.start_interview("D0005")  # 户编号 2: the area's highest is now 2
        fill(session, first)
        session.complete(first, "Zhang San")
        await pilot.press("r")
        await settle(pilot)

        await pilot.press("h")  # the cursor is on the first row, D0001
        await settle(pilot)
        cases = session.households("D0001")
        assert [(c.hh_number, c.state) for c in cases] == [
            (1, CaseState.COMPLETED),
            (3, CaseState.LISTED),
        ]
        second = cases[1].hh_uuid
        # The dwelling is back on the worklist: its second household still needs the visit.
        row = next(r for r in session.dashboard().rows if r.dwelling_id == "D0001")
        assert row.state is CaseState.LISTED and row.households == 2
        await pilot.press("r")
        await settle(pilot)
        assert "listed ×2" in screen_text(app)  # the dashboard says the dwelling has two

        await open_dwelling(pilot, "D0001")
        shown = screen_text(app)
        assert "Household 1 · completed Zhang San" in shown, shown
        assert "Household 3 · listed" in shown, shown
        await pilot.press("enter")  # the chosen one: the household still to interview
        await on_screen(pilot, "InterviewScreen")
        assert isinstance(app.screen, InterviewScreen), screen_text(app)
        assert app.screen.hh_uuid == second
        fill(session, second, household=1)
        await complete_from_interview(pilot, "Wang Wu")
        assert session.store.case(second).state == CaseState.COMPLETED
        assert session.store.case(first).state == CaseState.COMPLETED

        # Both are there to choose from (↑↓); a completed household opens without reopening.
        await open_dwelling(pilot, "D0001")
        shown = screen_text(app)
        assert "Household 1 · completed" in shown and "Household 3 · completed" in shown
        await pilot.press("down", "enter")
        await on_screen(pilot, "InterviewScreen")
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.hh_uuid == second
        await pilot.press("escape")
        await on_screen(pilot, "VisitScreen")
        await settle(pilot)
        await pilot.press("up", "enter")  # the choice was kept; ↑ goes to the first
        await on_screen(pilot, "InterviewScreen")
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.hh_uuid == first
        assert session.store.case(first).state == CaseState.COMPLETED
        assert session.store.case(second).state == CaseState.COMPLETED
