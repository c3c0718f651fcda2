"""The mouse works too (issue 5 §9): clicking a dwelling row on the dashboard opens it.

As in Textual's DataTable, the first click on a row puts the cursor there and a click on the
cursor's row opens it (a double click does both)."""

from __future__ import annotations

from census_tui.screens.visit import VisitScreen
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle
from tests.tui.more_support import on_screen


async def test_clicking_a_dwelling_row_opens_it(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        assert "D0003" in screen_text(app)
        # Row 0 of the table is its header; D0003 is the third dwelling.
        await pilot.click("#dash-table", offset=(3, 3))
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.click("#dash-table", offset=(3, 3))
        await on_screen(pilot, "VisitScreen")
        assert isinstance(app.screen, VisitScreen)
        assert app.screen.row.dwelling_id == "D0003"

        await pilot.press("escape")
        await on_screen(pilot, "DashboardScreen")
        await settle(pilot)
        await pilot.click("#dash-table", offset=(3, 5), times=2)  # a double click on D0005
        await on_screen(pilot, "VisitScreen")
        assert isinstance(app.screen, VisitScreen)
        assert app.screen.row.dwelling_id == "D0005"
