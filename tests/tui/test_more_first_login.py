"""The first login through the TUI against the real reference server on 127.0.0.1.

FIELDWORK.md 系统登录: server address, account, initial password → the initial password changed
(typed twice; a mismatch is caught) → real-name verification (a malformed ID number is caught
locally) → the profile exists, the area's dwellings were pulled and the dashboard lists them;
the next start unlocks the profile offline with the new password.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui.app import make_app
from census_tui.clock import FakeClock
from census_tui.visit.gate import VisitGate
from tests.tui.conftest import CHEAP
from tests.tui.drive import screen_text, settle, type_text
from tests.tui.more_support import (
    ACCOUNT,
    INITIAL,
    NEW_PASSWORD,
    REAL_ID,
    REAL_NAME,
    Site,
    run_site,
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from run_site(tmp_path)


async def test_first_login_reaches_the_dashboard(
    tmp_path: Path, site: Site, clock: FakeClock
) -> None:
    base = tmp_path / "device"
    base.mkdir()
    gate = VisitGate(clock=clock, base=base, kdf=CHEAP)
    app = make_app(gate, lang="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Server address" in screen_text(app)  # no profile yet: the first-login form
        await type_text(pilot, f"{site.url}\r{ACCOUNT}\r{INITIAL}\r")
        await settle(pilot)
        assert "Change the initial password" in screen_text(app), screen_text(app)

        await type_text(pilot, f"{NEW_PASSWORD}\r{NEW_PASSWORD}x\r")
        await settle(pilot)
        assert "The two passwords differ" in screen_text(app)
        await pilot.press("backspace", "enter")
        await settle(pilot)
        assert "Real-name check" in screen_text(app), screen_text(app)

        await type_text(pilot, f"{REAL_NAME}\r{REAL_ID[:-1]}1\r")  # wrong check digit
        await settle(pilot)
        assert "not well-formed" in screen_text(app)
        await pilot.press("backspace")
        await type_text(pilot, REAL_ID[-1] + "\r")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen", screen_text(app)
        shown = screen_text(app)
        for dwelling in site.dwellings:
            assert dwelling[-14:] in shown, shown
        assert "listed 6" in shown

    assert gate.profiles() == [ACCOUNT]
    # The server now knows the new password and the verified name; the device unlocks offline.
    session = gate.unlock(ACCOUNT, NEW_PASSWORD)
    try:
        assert session.card().name == REAL_NAME
        assert len(session.dashboard().rows) == len(site.dwellings)
    finally:
        session.close()
