"""The import dialog (issue 16 §16): the device's name lists offered to pick, every error and
warning of the preview shown (scrollable), and a corrected list replacing an imported one while
the people already marked stay."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Button, OptionList, Static

from census_tui.roster.service import RosterService
from census_tui.roster.state import RosterStatus
from census_tui.screens.roster import RosterScreen
from census_tui.screens.roster_import import ImportDialog
from census_tui.store import Store
from tests.roster.conftest import DORM
from tests.roster.lists import csv_text, make_id, person

BAD_ROWS = [
    f"{90 + i},坏行{i},11010519491231002Y,女,1949-12,汉族,A-9,后勤部,E9,1" for i in range(7)
]
FORMULA = f"97,公式人,{make_id('440301', 1990, 1, 1, 101)},男,1990-01,汉族,A-1,=HYPERLINK(1),E7,2"


class Host(App[None]):
    def __init__(self, screen: RosterScreen) -> None:
        super().__init__()
        self.roster = screen

    def on_mount(self) -> None:
        self.push_screen(self.roster)


async def _preview_by_picking(app: Host, pilot: object, name: str) -> ImportDialog:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("i")
    dialog = app.screen
    assert isinstance(dialog, ImportDialog)
    files = dialog.query_one("#import-files", OptionList)
    assert dialog.focused is files  # the lists on the device come first
    names = [str(files.get_option_at_index(i).prompt) for i in range(files.option_count)]
    assert name in names, names
    files.highlighted = names.index(name)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return dialog


async def test_pick_preview_all_issues_then_replace(store: Store, tmp_path: Path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    dup = csv_text(1, title=False).splitlines()[1].replace("1,", "98,", 1)
    (lists / "first.csv").write_text(
        csv_text(20, extra=[*BAD_ROWS, FORMULA, dup]), encoding="utf-8"
    )
    (lists / "notes.pdf").write_bytes(b"%PDF")  # not a list: not offered
    svc = RosterService(store, actor="enum01")
    screen = RosterScreen(svc, DORM, lang="en", list_dirs=(lists,))
    app = Host(screen)
    async with app.run_test(size=(40, 16)) as pilot:
        await pilot.pause()
        dialog = await _preview_by_picking(app, pilot, "first.csv")
        names = dialog.query_one("#import-files", OptionList).option_count
        assert names == 1
        summary = str(dialog.query_one("#import-summary", Static).render())
        for i in range(7):  # every error, not the first five
            assert f"line {23 + i} error P-02" in summary, summary
        assert "warning RL-01" in summary  # the formula cell
        assert "warning P-06" in summary and "marked duplicate" in summary  # the duplicate
        assert not dialog.query_one("#import-replace", Button).display  # nothing to replace
        await pilot.click("#import-good")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen and len(screen.entries) == 22
        await pilot.press("p", "m")  # the first present, the second moved out
        await app.workers.wait_for_complete()

        (lists / "corrected.csv").write_text(csv_text(24), encoding="utf-8")
        dialog = await _preview_by_picking(app, pilot, "corrected.csv")
        replace = dialog.query_one("#import-replace", Button)
        assert replace.display and not replace.disabled
        dialog.query_one("#import-buttons").scroll_visible()
        await pilot.pause()
        replace.press()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
    entries = svc.entries(DORM)
    # kept: present, moved out, and the duplicate marked at the first import; 22 new rows
    assert len(entries) == 25
    assert sum(e.status is RosterStatus.DUPLICATE for e in entries) == 1
    by_name = {e.name: e for e in entries}
    first = {e.status for e in entries if e.name == person(0)["name"]}
    assert first == {RosterStatus.PRESENT, RosterStatus.DUPLICATE}
    assert by_name[person(1)["name"]].status is RosterStatus.MOVED
    assert by_name[person(23)["name"]].status is RosterStatus.PENDING
