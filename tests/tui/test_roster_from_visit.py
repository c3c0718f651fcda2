"""Roster mode is reached from a dwelling's visit screen and works on the session's store."""

from __future__ import annotations

from pathlib import Path

from census_tui.roster.preview import read_roster_file
from census_tui.roster.sample import write_sample_roster
from census_tui.roster.state import RosterStatus
from census_tui.screens.roster import RosterScreen
from census_tui.visit.gate import VisitGate
from tests.tui.conftest import PASSWORD, PROFILE
from tests.tui.drive import AppFactory, login, screen_text, settle


async def test_roster_grid_opens_from_the_visit_screen(
    app_factory: AppFactory, gate: VisitGate, tmp_path: Path
) -> None:
    names = tmp_path / "roster.csv"
    write_sample_roster(names, rows=30)
    session = gate.unlock(PROFILE, PASSWORD)
    result = session.roster().import_preview("D0003", read_roster_file(names), only_good=True)
    assert result.imported > 0
    session.close()

    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await pilot.press("down", "down", "enter")  # the third dwelling, D0003
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitScreen"
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RosterScreen)
        assert "培训模式 TRAINING" in screen_text(app)  # the banner on every training screen
        await pilot.press("p")  # the first listed person was present at the standard time
        await settle(pilot)
    again = gate.unlock(PROFILE, PASSWORD)
    entries = again.roster().entries("D0003")
    assert entries[0].status is RosterStatus.PRESENT
    again.close()
