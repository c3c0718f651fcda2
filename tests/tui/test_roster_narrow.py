"""The roster grid at 40x16 and its keys (issue 16 §3, §8): a person's state is seen at once
after ``p``/``m``, the counts and key hints are whole, Esc in the filter only leaves the filter,
and F1 lists the grid's own keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from census_tui.roster.preview import read_roster_file
from census_tui.roster.sample import write_sample_roster
from census_tui.screens.roster import RosterScreen
from census_tui.visit.gate import VisitGate
from tests.tui.conftest import PASSWORD, PROFILE
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text
from tests.tui.test_dashboard_narrow import _snapshot


@pytest.fixture
def with_roster(gate: VisitGate, tmp_path: Path) -> None:
    names = tmp_path / "roster.csv"
    write_sample_roster(names, rows=30)
    session = gate.unlock(PROFILE, PASSWORD)
    session.roster().import_preview("D0003", read_roster_file(names), only_good=True)
    session.close()


async def _open_roster(pilot: object, app: object) -> RosterScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await login(pilot, PASSWORD)
    await pilot.press("down", "down", "enter")  # D0003
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RosterScreen)
    return screen


@pytest.mark.usefixtures("with_roster")
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_marks_seen_at_40_columns(app_factory: AppFactory, lang: str) -> None:
    app = app_factory(lang)
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await _open_roster(pilot, app)
        await pilot.press("p", "m")
        await settle(pilot)
        text = screen_text(app)
        present, moved, pending = (
            ("在住", "已迁出", "未核对")
            if lang == "zh"
            else (
                "present",
                "moved out",
                "pending",
            )
        )
        rows = [line for line in text.splitlines() if line[:4].strip().isdigit()]
        rooms = [row.split()[3] for row in rows]
        assert len(set(rooms)) == len(rooms), text  # the rooms tell people apart
        assert present in rows[0] and moved in rows[1] and pending in rows[2], text
        flat = "".join(line.strip() for line in text.splitlines()).replace(" ", "")
        # the counts and the key hints are whole (they wrap rather than being cut)
        assert (f"{moved}1" if lang == "zh" else "movedout1").replace(" ", "") in flat, text
        assert ("Esc返回" if lang == "zh" else "Escback") in flat, text
        assert screen.entries[0].status == "present"
        _snapshot(text, f"roster_narrow-{lang}-40x16")


@pytest.mark.usefixtures("with_roster")
async def test_esc_in_filter_stays_on_the_roster(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_roster(pilot, app)
        await pilot.press("slash")
        await pilot.press("escape")  # empty filter: back to the grid, not out of the roster
        await settle(pilot)
        assert app.screen is screen and screen.focused is screen.grid
        await pilot.press("slash")
        await type_text(pilot, screen.entries[0].id_number)
        await pilot.press("escape")  # the filter is kept, as on the dashboard
        await settle(pilot)
        assert app.screen is screen and screen.focused is screen.grid
        assert len(screen.shown) == 1 < len(screen.entries)
        await pilot.press("escape")  # on the grid: clears the filter first
        assert app.screen is screen and len(screen.shown) == len(screen.entries)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitScreen"


@pytest.mark.usefixtures("with_roster")
async def test_f1_lists_the_grids_keys(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_roster(pilot, app)
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        flat = " ".join(line.strip() for line in screen_text(app).splitlines())
        assert "moved out" in flat and "add a person found on site" in flat, flat


async def test_f1_in_the_person_list(app_factory: AppFactory) -> None:
    """F6's person list is a dialog: F1 there lists its keys (a modal screen ends Textual's
    binding chain before the app's own F1), and F1 again closes the help."""
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # the interview
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert type(app.screen).__name__ == "PersonsScreen"
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        flat = " ".join(line.strip() for line in screen_text(app).splitlines())
        assert "remove (press twice)" in flat, flat
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "PersonsScreen"
