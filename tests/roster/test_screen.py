"""Pilot: work through a 200-person roster on a real SQLCipher store, keys only.

Most of the 200 marks go through the screen's own action (as the key binding does) so the test
stays fast; a few dozen go through real key presses, which is what proves the bindings work.
"""

from __future__ import annotations

from textual.app import App
from textual.widgets import Input, Static

from census_tui.roster.preview import read_roster
from census_tui.roster.service import RosterService
from census_tui.roster.state import RosterStatus, counts
from census_tui.screens.roster import RosterScreen
from census_tui.store import Store
from census_tui.widgets.roster_grid import RosterGrid
from tests.roster.conftest import DORM
from tests.roster.lists import csv_text, person

STATUS = {"p": "present", "m": "moved", "u": "unknown", "d": "duplicate"}


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
        grid = screen.query_one(RosterGrid)
        assert grid.row_count == 200
        # Down the list: 150 present, 30 moved, 15 unknown, 5 duplicate.
        keys = ["p"] * 150 + ["m"] * 30 + ["u"] * 15 + ["d"] * 5
        pressed = {0, 1, 2, 3, 4, 5, 150, 151, 180, 181, 195, 196, 197}  # the rest by action
        for i, key in enumerate(keys):
            if i in pressed:
                await pilot.press(key)
            else:
                screen.action_mark(STATUS[key])
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert grid.cursor_row == 199
        assert int(grid.scroll_y) > 150  # the cursor was kept on screen
        status = str(screen.query_one("#roster-counts", Static).render())
        assert "present 150" in status and "moved out 30" in status
        # Filter by room, then by part of an ID number, then clear.
        await pilot.press("slash")
        for ch in person(7)["room"]:
            await pilot.press(ch)
        shown = list(screen.shown)
        assert shown and all(e.room == person(7)["room"] for e in shown)
        assert grid.row_count == len(shown)
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
        assert grid.row_count == 201 and screen.current() is not None
        assert screen.current().name == "Zhao"  # type: ignore[union-attr]
        drawn = grid.render_line(grid.cursor_row - int(grid.scroll_y)).text
        assert "Zhao" in drawn and "present" in drawn
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
