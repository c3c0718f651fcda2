"""Sync without a keypress (issue 20 §6, §7), in the TUI against the real reference server behind
the fault proxy of the sync tests:

* completed households waiting in the outbox are synced by the dashboard's timer once the
  enumerator pauses; the upload's answer is lost (the server stored it) and the retry's answer
  drips in slowly: every household is on the server exactly once, and keys typed while the
  sync runs are handled as fast as before it (the UI thread never waits on the sync);
* a failing network (a captive portal) is not tried again before the backoff allows; the
  dashboard says so in words; after the backoff the sync succeeds and the line goes;
* no background sync starts within a few seconds of a keystroke;
* the device's clock, years off the server's here (a FakeClock in 2020), is reported;
* on a metered network only completed work is synced by itself (no idle fetches).

The timer's tick (:meth:`DashboardScreen.auto_tick`) is called directly after advancing the
FakeClock: the policy's time is the app's clock, so nothing waits for real seconds.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widget import Widget

from census_tui.app import CensusApp, make_app
from census_tui.clock import FakeClock
from census_tui.screens.dashboard import DashboardScreen
from census_tui.sync.auto import IDLE_INTERVAL
from census_tui.visit.gate import VisitGate
from census_tui.visit.states import CaseState
from census_tui.widgets.window_table import WindowTable
from tests.sync.faultproxy import FaultProxy
from tests.sync.test_metered import fake_busctl
from tests.tui.conftest import CHEAP
from tests.tui.drive import login, screen_text, settle
from tests.tui.more_support import ACCOUNT, NEW_PASSWORD, Site, fill, live, run_site, until

KEY_BUDGET_S = 0.25
"""No key may take longer than this while the sync runs (a key waiting for the sync would take
the sync's seconds); the typical key is also compared with the same keys before the sync."""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from run_site(tmp_path, ready=True)


@pytest.fixture
def proxy(site: Site) -> Iterator[FaultProxy]:
    with FaultProxy(site.server.port, drip_interval=0.004) as p:
        yield p


def device(proxy: FaultProxy, base: Path, clock: FakeClock) -> VisitGate:
    """A profile made by the real first login through the proxy (its server URL)."""
    gate = VisitGate(clock=clock, base=base, kdf=CHEAP)
    gate.begin_first_login(proxy.url, ACCOUNT, NEW_PASSWORD).finish().close()
    return gate


def complete(app: CensusApp, dwellings: list[str]) -> list[str]:
    session = live(app)
    done = []
    for n, dwelling in enumerate(dwellings):
        hh = session.start_interview(dwelling)
        fill(session, hh, household=n)
        session.self_check_passed(hh)
        session.complete(hh, "Zhang San")
        done.append(hh)
    return done


async def dashboard(pilot: Pilot[int], depth: int) -> DashboardScreen:
    """The dashboard, reloaded (as on a return from a visit) until it shows ``depth`` waiting."""
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    screen.action_reload()
    await until(pilot, lambda: screen.board is not None and screen.board.outbox_depth == depth)
    return screen


async def _frame(widget: Widget) -> None:
    """The next time the app has handled its messages and drawn (no sleeping)."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def drawn() -> None:
        if not done.done():
            done.set_result(None)

    widget.call_after_refresh(drawn)
    await asyncio.wait_for(done, timeout=10)


async def timed_keys(app: CensusApp, table: WindowTable, n: int) -> list[float]:
    """Down, Up, … posted to the app as a terminal's key would be: each timed from the post
    to the frame drawn after the cursor moved. In the app itself, not with Pilot.press, which
    also waits for the whole process (the server's and the proxy's threads here) to go idle."""
    out = []
    for i in range(n):
        row = table.cursor_row
        t0 = time.perf_counter()
        app.post_message(events.Key("down" if i % 2 == 0 else "up", None))
        while table.cursor_row == row:
            await _frame(table)
        await _frame(table)
        out.append(time.perf_counter() - t0)
    return out


def _ms(values: list[float]) -> str:
    return (
        f"n={len(values)} median {statistics.median(values) * 1000:.1f} ms,"
        f" max {max(values) * 1000:.1f} ms"
    )


async def test_background_sync_under_faults_no_duplicate_no_slow_key(
    tmp_path: Path, site: Site, proxy: FaultProxy
) -> None:
    clock = FakeClock()
    app = make_app(device(proxy, tmp_path / "device", clock), lang="en", clock=clock)
    app.idle_seconds = 0  # no idle lock while the FakeClock jumps
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, NEW_PASSWORD)
        cases = complete(app, site.dwellings[:3])
        screen = await dashboard(pilot, 3)
        assert screen.auto is not None
        table = screen.table
        before = await timed_keys(app, table, 12)

        asked = proxy.requests  # the first login's
        screen.auto_tick()  # the enumerator has just typed: no sync yet
        assert not screen.auto.running and proxy.requests == asked

        proxy.plan("pass", "drop_response", "slow_drip")  # info; batch stored, answer lost; …
        clock.advance(6)
        screen.auto_tick()
        assert screen.auto.running
        assert "Syncing in the background" in screen_text(app)
        during: list[float] = []
        while screen.auto.running:
            during += await timed_keys(app, table, 2)
        await settle(pilot)

        assert proxy.applied[asked : asked + 3] == ["pass", "drop_response", "slow_drip"]
        assert len(during) >= 10, during  # keys were typed while the answer dripped in
        print(f"keys before: {_ms(before)}; during the sync: {_ms(during)}")
        worst, typical = max(during), statistics.median(during)
        assert worst < KEY_BUDGET_S, (worst, during)
        assert typical < 3 * statistics.median(before) + 0.05, (before, during)

        store = live(app).store
        assert all(store.case(c).state == CaseState.SYNCED for c in cases)
        assert store.outbox_depth() == 0
        text = " ".join(screen_text(app).split())
        assert "to send 0" in text, text
        skew = r"! This device's clock is \d+ d \d+ h \d+ min behind the server's: set the date"
        assert re.search(skew, text), text
    stored = [r["case_uuid"] for r in site.db.households()]
    assert sorted(stored) == sorted(cases)  # each exactly once
    rows = site.db.households()
    assert all(r["clock_offset"] is not None and r["clock_offset"] > 3600 for r in rows)


async def test_a_failing_network_is_retried_only_after_the_backoff(
    tmp_path: Path, site: Site, proxy: FaultProxy
) -> None:
    clock = FakeClock()
    app = make_app(device(proxy, tmp_path / "device", clock), lang="en", clock=clock)
    app.idle_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, NEW_PASSWORD)
        (case,) = complete(app, site.dwellings[:1])
        screen = await dashboard(pilot, 1)
        assert screen.auto is not None
        proxy.plan(*["captive_portal"] * 5)  # every attempt of the run gets the portal
        clock.advance(6)
        screen.auto_tick()
        await until(pilot, lambda: screen.auto is not None and not screen.auto.running)
        assert screen.auto.failures == 1 and screen.auto.retry_at is not None
        text = " ".join(screen_text(app).split())
        assert "! Background sync failed: The network answered with a web page" in text, text
        assert "Next try in about 1 min; s syncs now" in text, text
        tried = proxy.requests

        wait = screen.auto.retry_at - clock.monotonic()
        assert 25 <= wait <= 60, wait
        clock.advance(wait - 1)
        screen.auto_tick()
        assert not screen.auto.running and proxy.requests == tried  # not before the backoff

        clock.advance(1)
        screen.auto_tick()
        assert screen.auto.running
        await until(pilot, lambda: screen.auto is not None and not screen.auto.running)
        await settle(pilot)
        assert screen.auto.failures == 0
        assert live(app).store.case(case).state == CaseState.SYNCED
        text = screen_text(app)
        assert "Background sync failed" not in text and "to send 0" in text, text
    assert [r["case_uuid"] for r in site.db.households()] == [case]


async def test_on_a_metered_network_only_waiting_work_syncs_by_itself(
    tmp_path: Path, site: Site, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NetworkManager says metered (a stand-in ``busctl``): the idle run that would only fetch
    returns is not made (nothing reaches the server) and waits an interval; completed work is
    still sent by itself."""
    fake_busctl(tmp_path / "bin", "u 1\\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    clock = FakeClock()
    app = make_app(device(proxy, tmp_path / "device", clock), lang="en", clock=clock)
    app.idle_seconds = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, NEW_PASSWORD)
        screen = await dashboard(pilot, 0)
        auto = screen.auto
        assert auto is not None
        tried = proxy.requests
        clock.advance(IDLE_INTERVAL + 1)
        screen.auto_tick()
        assert auto.running
        await until(pilot, lambda: not auto.running)
        assert proxy.requests == tried and auto.last_run == clock.monotonic()
        screen.auto_tick()
        assert not auto.running  # not again before another interval

        (case,) = complete(app, site.dwellings[:1])
        await dashboard(pilot, 1)
        clock.advance(6)
        screen.auto_tick()
        assert auto.running
        await until(pilot, lambda: not auto.running)
        assert proxy.requests > tried
        assert live(app).store.case(case).state == CaseState.SYNCED
    assert [r["case_uuid"] for r in site.db.households()] == [case]
