"""The dashboard with 5,000 dwellings (issue 5 §2): every row reachable, in the service's order.

A real SQLCipher practice profile with 5,000 listed dwellings; the TUI is driven by Pilot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from census_tui.app import CensusApp, make_app
from census_tui.clock import FakeClock
from census_tui.screens.dashboard import DashboardScreen
from census_tui.screens.visit import VisitScreen
from census_tui.visit.api import Attempt
from census_tui.visit.gate import VisitGate
from census_tui.visit.outcomes import Channel, Outcome
from census_tui.visit.practice import make_local_profile
from census_tui.widgets.window_table import WindowTable
from tests.tui.conftest import CHEAP, PASSWORD, PROFILE
from tests.tui.drive import login, screen_text, settle, type_text

N = 5000


@pytest.fixture
def big_app(tmp_path: Path, clock: FakeClock) -> Iterator[CensusApp]:
    session = make_local_profile(tmp_path, PROFILE, PASSWORD, clock=clock, kdf=CHEAP, dwellings=N)
    # A booking today for a dwelling deep in the list: the service puts it first.
    session.record_attempt(
        "D4321",
        Attempt(
            at=clock.now(),
            outcome=Outcome.APPOINTMENT,
            channel=Channel.PHONE,
            appointment_at=clock.now() + timedelta(hours=2),
        ),
    )
    session.close()
    gate = VisitGate(clock=clock, base=tmp_path, kdf=CHEAP)
    yield make_app(gate, lang="en", clock=clock)


def _dash(app: CensusApp) -> DashboardScreen:
    assert isinstance(app.screen, DashboardScreen), app.screen
    return app.screen


async def test_end_reaches_and_opens_the_last_dwelling(big_app: CensusApp) -> None:
    async with big_app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await settle(pilot)
        dash = _dash(big_app)
        assert len(dash.rows) == N and len(dash.view) == N
        # Row order is exactly the service's: today's appointment first.
        order = [r.dwelling_id for r in big_app.session.dashboard().rows]  # type: ignore[union-attr]
        assert [dash.rows[i].dwelling_id for i in dash.view] == order
        assert order[0] == "D4321"
        text = screen_text(big_app)
        assert "D4321" in text and "D0001" in text and "D5000" not in text

        await pilot.press("end")
        await pilot.pause()
        text = screen_text(big_app)
        assert "D5000" in text and "D0001" not in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(big_app.screen, VisitScreen)
        assert big_app.screen.row.dwelling_id == order[-1] == "D5000"
        assert "D5000" in screen_text(big_app)

        # Back on the list, the cursor is still on the dwelling just visited.
        await pilot.press("escape")
        await settle(pilot)
        dash = _dash(big_app)
        table = dash.query_one(WindowTable)
        assert dash.rows[dash.view[table.cursor_row]].dwelling_id == "D5000"
        assert "D5000" in screen_text(big_app)


async def test_page_down_home_and_click(big_app: CensusApp) -> None:
    async with big_app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await settle(pilot)
        dash = _dash(big_app)
        table = dash.query_one(WindowTable)
        body = table.body_height
        for _ in range(3):
            await pilot.press("pagedown")
        await pilot.pause()
        assert table.cursor_row == 3 * body
        shown = dash.rows[dash.view[table.cursor_row]].dwelling_id
        assert shown in screen_text(big_app)
        await pilot.press("up", "home")
        await pilot.pause()
        assert table.cursor_row == 0
        # A click moves the cursor to the clicked row; a second click opens it.
        await pilot.click(WindowTable, offset=(3, 3))  # header, then rows 0, 1, 2
        await pilot.pause()
        assert table.cursor_row == 2
        target = dash.rows[dash.view[2]].dwelling_id
        await pilot.click(WindowTable, offset=(3, 3))
        await settle(pilot)
        assert isinstance(big_app.screen, VisitScreen)
        assert big_app.screen.row.dwelling_id == target


async def test_filter_narrows_all_rows_and_enter_opens_the_first(big_app: CensusApp) -> None:
    async with big_app.run_test(size=(40, 16)) as pilot:
        await login(pilot, PASSWORD)
        await settle(pilot)
        dash = _dash(big_app)
        await pilot.press("/")
        await type_text(pilot, "d4")
        await pilot.pause()
        # Every match, not the first 200, in the service's order (the booking first).
        ids = [dash.rows[i].dwelling_id for i in dash.view]
        assert len(ids) == 1000 and ids[:2] == ["D4321", "D4000"] and ids[-1] == "D4999"
        await pilot.press("escape", "end")  # the last match is reachable too
        await pilot.pause()
        assert "D4999" in screen_text(big_app)
        await pilot.press("slash")
        await type_text(pilot, "d4987")  # "/" selects the old filter: typing replaces it
        await pilot.pause()
        assert [dash.rows[i].dwelling_id for i in dash.view] == ["D4987"]
        text = screen_text(big_app)
        assert "D4987" in text and "D0001" not in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(big_app.screen, VisitScreen)
        assert big_app.screen.row.dwelling_id == "D4987"
        await pilot.press("escape")
        await settle(pilot)
        # The filter was cleared on opening: the whole list is back.
        assert len(_dash(big_app).view) == N


async def test_filter_by_address_is_case_insensitive_and_no_match_opens_nothing(
    big_app: CensusApp,
) -> None:
    async with big_app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await settle(pilot)
        dash = _dash(big_app)
        await pilot.press("/")
        await type_text(pilot, "练习路41号楼")
        await pilot.pause()
        # 12 units a building in the practice listing: D0481–D0492.
        assert [dash.rows[i].dwelling_id for i in dash.view][::11] == ["D0481", "D0492"]
        await pilot.press(*["backspace"] * 20)
        await type_text(pilot, "D048")
        await pilot.pause()
        upper = list(dash.view)
        await pilot.press(*["backspace"] * 4)
        await type_text(pilot, "d048")
        await pilot.pause()
        assert dash.view == upper and len(upper) == 10
        await pilot.press(*["backspace"] * 4)
        await type_text(pilot, "ZZZ\r")
        await settle(pilot)
        assert dash.view == [] and isinstance(big_app.screen, DashboardScreen)


async def test_the_worklist_is_let_go_while_a_visit_is_open(big_app: CensusApp) -> None:
    """While a visit is open the dashboard keeps only the rows that were on screen (memory on
    a handheld, issue 5 §12); on return they are drawn at once and the whole area comes back,
    with the cursor on the dwelling just visited."""
    async with big_app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await settle(pilot)
        dash = _dash(big_app)
        await pilot.press(*["pagedown"] * 3, "down", "down")
        await pilot.pause()
        table = dash.query_one(WindowTable)
        visited = dash.rows[dash.view[table.cursor_row]].dwelling_id
        on_screen = set(re.findall(r"D\d{4}", screen_text(big_app)))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(big_app.screen, VisitScreen)
        kept = [r.dwelling_id for r in dash.rows]
        assert 0 < len(kept) <= 24 and set(kept) <= on_screen and visited in kept
        assert dash.board is not None and len(dash.board.rows) == len(kept)
        assert dash.rows[dash.view[table.cursor_row]].dwelling_id == visited
        await pilot.press("escape")
        await settle(pilot)
        dash = _dash(big_app)
        assert len(dash.rows) == N and len(dash.view) == N
        assert dash.rows[dash.view[table.cursor_row]].dwelling_id == visited
        assert visited in screen_text(big_app)
