"""Pilot: import a list from the roster screen's dialog, then fill a person's items inline."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Button, Input, Static

from census_tui.roster.sample import SAMPLE_BAD_CHECK_LINE, write_sample_roster
from census_tui.roster.service import RosterService
from census_tui.roster.state import RosterStatus
from census_tui.screens.roster import RosterScreen
from census_tui.screens.roster_import import ImportDialog
from census_tui.screens.roster_person import PersonItemsDialog
from census_tui.store import Store
from census_tui.widgets.roster_grid import RosterGrid
from tests.roster.conftest import DORM


class Host(App[None]):
    def __init__(self, screen: RosterScreen) -> None:
        super().__init__()
        self.roster = screen

    def on_mount(self) -> None:
        self.push_screen(self.roster)


async def test_import_dialog_then_inline_person_items(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "site.csv"
    write_sample_roster(path, rows=40)
    svc = RosterService(store, actor="enum01")
    screen = RosterScreen(svc, DORM, lang="en")
    app = Host(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert screen.query_one(RosterGrid).row_count == 0
        await pilot.press("i")
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        dialog.query_one("#import-path", Input).value = str(path)
        dialog.query_one("#import-encoding", Input).value = "gb18030"
        await pilot.press("enter")  # preview, in a worker
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(dialog.query_one("#import-summary", Static).render())
        assert "good 38" in summary and "bad 2" in summary
        assert f"line {SAMPLE_BAD_CHECK_LINE} error P-02" in summary
        assert dialog.query_one("#import-all", Button).disabled  # all or nothing
        await pilot.click("#import-good")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen and screen.query_one(RosterGrid).row_count == 38
        # Not present yet: no items form.
        await pilot.press("e")
        assert app.screen is screen
        await pilot.press("p", "up", "e")
        form = app.screen
        assert isinstance(form, PersonItemsDialog)
        first = screen.shown[0]
        assert form.query_one("#item-D1", Input).value == first.name
        assert form.query_one("#item-D3", Input).value == first.id_number
        assert not form.query_one("#row-D7P").display  # D7 = 1: no place asked
        # A sex that contradicts the ID number is flagged as typed (P-04).
        sex = form.query_one("#item-D4", Input)
        sex.value = "2" if first.answers["D4"] == 1 else "1"
        await pilot.pause()
        assert "P-04" in str(form.query_one("#person-findings", Static).render())
        sex.value = str(first.answers["D4"])
        form.query_one("#item-D11", Input).value = "5"
        form.query_one("#item-D12", Input).value = "1"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
    saved = svc.entry(first.uuid)
    assert saved.status is RosterStatus.PRESENT
    assert saved.answers["D11"] == 5 and saved.answers["D12"] == 1
    assert saved.household_uuid is not None and saved.person_uuid is not None
    person = store.household(saved.household_uuid).person(saved.person_uuid)
    assert person is not None and person.answers["D11"] == 5 and person.answers["D2"] == 0
