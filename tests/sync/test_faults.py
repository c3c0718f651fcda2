"""Failure tests on a real network path: client -> fault proxy -> real server on 127.0.0.1.

For every fault: after sync is retried until the outbox is empty, the server holds every
household exactly once and its copy equals the client's (DESIGN.md Sync; issue 4).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.exitcodes import ExitCode
from census_tui.store import META_SERVER_URL, Store
from census_tui.sync.engine import SyncSummary, sync_store
from tests.sync.faultproxy import FaultProxy
from tests.sync.support import FAST, Site, assert_exactly_once, enqueue_households, make_profile

FAULTS = [
    "reset_mid_request",
    "drop_response",
    "stall",
    "slow_drip",
    "http_500",
    "http_503",
    "captive_portal",
]


def _profile_via_proxy(site: Site, proxy: FaultProxy, tmp_path: Path, clock: FakeClock) -> Store:
    store = make_profile(site.url, tmp_path / "home", clock)
    store.set_meta(META_SERVER_URL, proxy.url)
    return store


def sync_until_empty(store: Store, clock: FakeClock, runs: int = 8) -> list[SyncSummary]:
    """Press sync again until the outbox is empty, as an enumerator would (bounded)."""
    out = []
    for _ in range(runs):
        out.append(sync_store(store, clock=clock, policy=FAST, batch_size=5))
        if store.outbox_depth() == 0 and out[-1].error is None:
            break
    return out


@pytest.mark.parametrize("fault", FAULTS)
def test_every_household_arrives_exactly_once(
    fault: str, site: Site, proxy: FaultProxy, tmp_path: Path, clock: FakeClock
) -> None:
    store = _profile_via_proxy(site, proxy, tmp_path, clock)
    sent = enqueue_households(store, site.dwellings_a, 12)
    # info passes; the first and the third batch upload meet the fault.
    proxy.plan("pass", fault, "pass", "pass", fault)
    runs = sync_until_empty(store, clock)
    assert store.outbox_depth() == 0
    assert runs[-1].error is None
    assert fault in proxy.applied
    assert_exactly_once(site.db, sent)
    if fault in ("drop_response", "stall", "slow_drip"):
        # the server committed before the answer was lost: the resend was a duplicate
        assert sum(r.duplicates for r in runs) >= 5
    assert clock.slept, "retries back off on the injected clock"
    store.close()


def test_persistent_fault_fails_cleanly_then_resumes(
    site: Site, proxy: FaultProxy, tmp_path: Path, clock: FakeClock
) -> None:
    store = _profile_via_proxy(site, proxy, tmp_path, clock)
    sent = enqueue_households(store, site.dwellings_a, 8)
    proxy.plan("pass", "pass", *(["http_503"] * FAST.attempts))
    first = sync_store(store, clock=clock, policy=FAST, batch_size=5)
    assert first.error is not None and first.exit_code == ExitCode.NETWORK
    assert "503" in first.error.en and first.error.zh
    assert first.acked == 5 and store.outbox_depth() == 3  # the first batch got through
    log = store.sync_log(1)[0]
    assert log.result == "error" and log.acked == 5
    second = sync_store(store, clock=clock, policy=FAST, batch_size=5)
    assert second.error is None and store.outbox_depth() == 0
    assert_exactly_once(site.db, sent)
    store.close()


def test_overall_deadline_stops_the_run(
    site: Site, proxy: FaultProxy, tmp_path: Path, clock: FakeClock
) -> None:
    from dataclasses import replace

    store = _profile_via_proxy(site, proxy, tmp_path, clock)
    enqueue_households(store, site.dwellings_a, 3)
    proxy.plan(*(["http_503"] * 50))
    tight = replace(FAST, attempts=50, deadline=10.0)
    summary = sync_store(store, clock=clock, policy=tight)
    assert summary.error is not None and summary.exit_code == ExitCode.NETWORK
    assert "time" in summary.error.en
    assert sum(clock.slept) <= 10.0 and proxy.requests < 50
    assert store.outbox_depth() == 3
    store.close()
