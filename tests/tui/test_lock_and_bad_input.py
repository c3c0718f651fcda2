"""Idle auto-lock with a FakeClock, and bad input at the interview (issue 5 §1, "Bad input")."""

from __future__ import annotations

from census_tui.app import CensusApp
from census_tui.clock import FakeClock
from census_tui.visit.service import VisitSession
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text


async def _to_interview(app: CensusApp, pilot: object) -> None:
    await pilot.press("/", *"D0001", "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_idle_lock_hides_everything_until_the_password(
    app_factory: AppFactory, clock: FakeClock
) -> None:
    app = app_factory("en", 5)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await _to_interview(app, pilot)
        await type_text(pilot, "1")  # H1, committed
        await pilot.pause()
        clock.advance(4 * 60)
        app.check_idle_lock()
        assert not app.locked
        clock.advance(61)
        app.check_idle_lock()
        await settle(pilot)
        assert app.locked and type(app.screen).__name__ == "LockScreen"
        shown = screen_text(app)
        assert "Locked" in shown and "练习路" not in shown and "Household" not in shown
        await type_text(pilot, "wrong-password\r")
        await settle(pilot)
        assert app.locked and type(app.screen).__name__ == "LockScreen"
        await type_text(pilot, PASSWORD + "\r")
        await settle(pilot)
        assert not app.locked
        assert type(app.screen).__name__ == "InterviewScreen"
        assert app.screen.pos == ("", "H2a")


async def test_bad_input_is_explained_and_nothing_is_lost(app_factory: AppFactory) -> None:
    app = app_factory("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await _to_interview(app, pilot)
        screen = app.screen
        await type_text(pilot, "1")  # H1
        await type_text(pilot, "abc\r")  # letters in H2a (integer)
        await pilot.pause()
        assert screen.pos == ("", "H2a")  # type: ignore[attr-defined]
        assert "整数" in screen_text(app)
        await pilot.press("ctrl+u")
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "3\r")
        await pilot.pause()
        assert screen.pos == ("", "H2b")  # type: ignore[attr-defined]

        # A 10,000-character paste: cut, explained, nothing saved, app alive.
        from textual import events

        app.screen.query_one("#iv-answer").post_message(events.Paste("9" * 10_000))
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pos == ("", "H2b")  # type: ignore[attr-defined]

        # Resize to 20x5 mid-question and back: the question and what was typed survive.
        await pilot.press("ctrl+u")
        await type_text(pilot, "0")
        await pilot.resize_terminal(20, 5)
        await settle(pilot)
        assert "终端窗口太小" in screen_text(app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pos == ("", "H3m")  # type: ignore[attr-defined]

        # Keys typed during saves go to the right questions (type-ahead).
        await type_text(pilot, "0\r0\r0\r0\r")
        await pilot.pause()
        assert screen.pos == ("", "H5")  # type: ignore[attr-defined]

        session = app.session
        assert isinstance(session, VisitSession)
        hh = session.household(screen.hh_uuid)  # type: ignore[attr-defined]
        assert hh.answers == {
            "H1": 1, "H2a": 3, "H2b": 0, "H3m": 0, "H3f": 0, "H4m": 0, "H4f": 0
        }  # fmt: skip
