"""The visit screen after an attempt (issue 16 §13): its header says the dwelling's state now,
and its attempt log says the booked time and channel and the doubt in words."""

from __future__ import annotations

from census_tui.app import CensusApp
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text


def _flat(app: CensusApp) -> str:
    return " ".join(line.strip() for line in screen_text(app).splitlines())


async def test_header_and_log_after_attempts(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await pilot.press("enter")  # D0001
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitScreen"
        assert "listed" in _flat(app)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("2")  # appointment → the time
        await type_text(pilot, "11-05 19:30\r")
        await pilot.press("2")  # WeChat → the note
        await type_text(pilot, "\r")
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitScreen"
        state = app.screen.query_one("#visit-state")
        assert "appointment" in str(state.render()), _flat(app)
        flat = _flat(app)
        assert "for 2020-11-05 19:30 (by WeChat)" in flat, flat

        await pilot.press("t")
        await settle(pilot)
        await pilot.press("4")  # refused → the doubt
        await pilot.press("1")  # property tax → the note
        await type_text(pilot, "\r")
        await settle(pilot)
        assert "refused" in str(app.screen.query_one("#visit-state").render())
        flat = _flat(app)
        assert "refused: worried about property tax" in flat and "[tax]" not in flat, flat


async def test_log_in_chinese(app_factory: AppFactory) -> None:
    app = app_factory("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("4", "1")
        await type_text(pilot, "\r")
        await settle(pilot)
        flat = _flat(app).replace(" ", "")
        assert "拒访:担心查房产收税" in flat and "tax" not in flat, flat
        assert "拒访" in str(app.screen.query_one("#visit-state").render())
