"""Keys typed across work that ends in a screen change (issue 15 §5): they wait for the screen
that comes next instead of landing in, or being lost on, the one that is going."""

from __future__ import annotations

import threading

from textual import events

from census_tui.screens.dashboard import DashboardScreen
from census_tui.screens.readback import ReadBackScreen
from census_tui.screens.visit import VisitScreen
from census_tui.visit.service import VisitSession
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, prefill_household, settle


def _type(app: object, text: str) -> None:
    from textual.app import App

    assert isinstance(app, App)
    for ch in text:
        key = {"\r": "enter", "/": "slash"}.get(ch, ch)
        app.post_message(events.Key(key, ch if ch != "\r" else "\r"))


async def test_keys_typed_as_a_household_completes_reach_the_dashboard(
    app_factory: AppFactory,
) -> None:
    """The respondent's name and Enter, then at once '/', a dwelling and Enter: the completion
    runs in a worker and pops back to the dashboard; the filter keys must reach the dashboard
    (not the read-back's disabled field) and open the next dwelling."""
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        session = app.session
        assert isinstance(session, VisitSession)
        prefill_household(session, "D0002")
        await pilot.press("/", *"D0002", "enter")
        await settle(pilot)
        await pilot.press("enter")  # the interview
        await settle(pilot)
        await pilot.press("f8")  # self-check
        await settle(pilot)
        await pilot.press("enter")  # read-back
        await settle(pilot)
        assert isinstance(app.screen, ReadBackScreen)
        # A slow device: completing takes a while, and the keys are all typed meanwhile.
        release = threading.Event()
        complete = session.complete

        def slow_complete(hh_uuid: str, respondent: str) -> None:
            release.wait(timeout=30)
            complete(hh_uuid, respondent)

        session.complete = slow_complete  # type: ignore[method-assign]
        _type(app, "Zhang San\r/D0003\r")
        for _ in range(5):
            await pilot.pause()  # every key reaches the app while the completion waits
        release.set()
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen), app.screen
        assert app.screen.row.dwelling_id == "D0003"
        assert any(isinstance(s, DashboardScreen) for s in app.screen_stack)
