"""Pilot: work through a 200-person roster on a real SQLCipher store, keys only."""

from __future__ import annotations

from textual.app import App
from textual.widgets import DataTable, Input, Static

from census_tui.roster.preview import read_roster
from census_tui.roster.service import RosterService
from census_tui.roster.state import RosterStatus, counts
from census_tui.screens.roster import RosterScreen
from census_tui.store import Store
from tests.roster.conftest import DORM
from tests.roster.lists import csv_text, person


class Host(App[None]):
    def __init__(self, screen: RosterScreen) -> None:
        super().__init__()
        self.roster = screen

    def on_mount(self) -> None:
        self.push_screen(self.roster)


async def test_two_hundred_person_roster(store: Store) -> None:
    svc = RosterService(store, actor="enum01")
    svc.import_preview(DORM, read_roster(csv_text(200).encode("gb18030")))
    screen = RosterScreen(svc, DORM, lang="en")
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = screen.query_one(DataTable)
        assert grid.row_count == 200
        # Down the list: 150 present, 30 moved, 15 unknown, 5 duplicate.
        keys = ["p"] * 150 + ["m"] * 30 + ["u"] * 15 + ["d"] * 5
        for key in keys:
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert grid.cursor_row == 199
        status = screen.query_one("#roster-counts", Static).render()
        assert "present 150" in str(status) and "moved out 30" in str(status)
        # Filter by room, then by part of an ID number, then clear.
        await pilot.press("slash")
        for ch in person(7)["room"]:
            await pilot.press(ch)
        shown = [e for e in screen.shown]
        assert shown and all(e.room == person(7)["room"] for e in shown)
        await pilot.press("enter")
        screen.query_one("#roster-filter", Input).value = person(3)["id"][-8:]
        await pilot.pause()
        assert [e.line for e in screen.shown] == [6]
        await pilot.press("escape")
        assert grid.row_count == 200
        # Someone found on site.
        await pilot.press("a")
        for ch in "Zhao":
            await pilot.press(ch)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert grid.row_count == 201
    entries = svc.entries(DORM)
    c = counts(entries)
    assert c[RosterStatus.PRESENT] == 151 and c[RosterStatus.MOVED] == 30
    assert c[RosterStatus.UNKNOWN] == 15 and c[RosterStatus.DUPLICATE] == 5
    [hh] = svc.households(DORM)
    household = store.household(hh)
    assert len(household.persons) == 151 and household.answers["H2a"] == 151
    assert household.answers["H1"] == 2 and household.answers["H5"] == 2
    assert [p.answers["D2"] for p in household.persons].count(0) == 1
    assert household.persons[0].answers["D1"] == person(0)["name"]
    assert household.persons[-1].answers["D1"] == "Zhao"
