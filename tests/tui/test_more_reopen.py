"""Reopen (``o`` on the visit screen) of a completed household not yet synced (issue 5 §7).

The respondent's confirmation lapses when the household is reopened; completing it again
records a new confirmation and queues the next revision. Merely opening a completed household
(Enter) must not reopen it behind the enumerator's back.
"""

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


async def test_reopen_lapses_the_confirmation_and_completes_again(
    app_factory: AppFactory,
) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        session = live(app)
        hh = session.start_interview("D0001")
        fill(session, hh)
        session.complete(hh, "Zhang San")
        store = session.store
        assert store.case(hh).confirmed_by == "Zhang San"

        await pilot.press("r")
        await settle(pilot)
        await open_dwelling(pilot, "D0001")
        assert "completed" in screen_text(app)

        # Looking at it is not reopening it.
        await pilot.press("enter")
        await on_screen(pilot, "InterviewScreen")
        assert isinstance(app.screen, InterviewScreen)
        assert store.case(hh).state == CaseState.COMPLETED
        assert store.case(hh).confirmed_by == "Zhang San"
        await pilot.press("escape")
        await on_screen(pilot, "VisitScreen")

        await pilot.press("o")
        await on_screen(pilot, "InterviewScreen")
        assert isinstance(app.screen, InterviewScreen), screen_text(app)
        assert app.screen.hh_uuid == hh
        case = store.case(hh)
        assert case.state == CaseState.INTERVIEWING
        assert case.confirmed_by is None and case.confirmed_at is None
        assert any(e.kind == "read_back_cleared" for e in store.events(hh))

        await complete_from_interview(pilot, "Li Si")
        case = store.case(hh)
        assert case.state == CaseState.COMPLETED
        assert case.confirmed_by == "Li Si"
        assert case.revision == 2
        queued = [(i.case_uuid, i.revision) for i in store.outbox_pending()]
        assert (hh, 2) in queued
