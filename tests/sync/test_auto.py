"""The background sync's policy (census_tui/sync/auto.py) on a FakeClock: work waiting, the
idle interval, the quiet time after a keystroke, backoff with jitter up to its cap, resets.
And the clock offset a sync measures: kept in the profile, sent with uploads, stored by the
server with each row (a device hours off still syncs)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from census_tui.clock import FakeClock
from census_tui.sync.auto import (
    IDLE,
    META_CLOCK_SKEW,
    RETRY,
    WORK,
    AutoPolicy,
    AutoSync,
    read_skew,
)
from census_tui.sync.engine import sync_store
from tests.sync.support import FAST, Site, enqueue_households, make_profile

POLICY = AutoPolicy(idle_interval=300, quiet=5, backoff_base=60, backoff_cap=1800)


def auto() -> tuple[AutoSync, FakeClock]:
    clock = FakeClock()
    return AutoSync(clock, POLICY, random.Random(7)), clock


def test_work_waiting_starts_a_run_once_the_enumerator_stops_typing() -> None:
    a, clock = auto()
    last_key = clock.monotonic()
    assert not a.may_start(last_key)  # typing now
    clock.advance(4.9)
    assert not a.may_start(last_key)
    clock.advance(0.2)
    assert a.may_start(last_key)
    assert a.reason(0, idle=False) is None  # nothing waiting, not on the dashboard
    assert a.reason(1, idle=False) == WORK
    a.started()
    assert not a.may_start(last_key)  # one run at a time
    a.finished(ok=True, remaining=0)
    assert a.may_start(last_key) and a.reason(0, idle=False) is None


def test_refused_items_left_behind_do_not_start_runs_again() -> None:
    a, clock = auto()
    a.started()
    a.finished(ok=True, remaining=2)  # two items the server refused stay on the device
    clock.advance(10)
    assert a.reason(2, idle=False) is None
    assert a.reason(3, idle=False) == WORK  # a new completion on top of them
    a.started()
    a.finished(ok=False, remaining=2)  # then the network fails with only those left
    clock.advance(60)
    assert a.reason(2, idle=False) == RETRY


def test_idle_on_the_dashboard_runs_every_interval() -> None:
    a, clock = auto()
    assert a.reason(0, idle=True) == IDLE  # never synced in this session
    a.started()
    a.finished(ok=True, remaining=0)
    clock.advance(299)
    assert a.reason(0, idle=True) is None
    clock.advance(1)
    assert a.reason(0, idle=True) == IDLE
    assert a.reason(0, idle=False) is None  # only while idle on the dashboard


def test_failures_back_off_exponentially_with_jitter_up_to_the_cap() -> None:
    a, clock = auto()
    last_key = clock.monotonic() - 60
    waits = []
    for _ in range(8):
        assert a.may_start(last_key)
        a.started()
        a.finished(ok=False, remaining=1)
        assert a.retry_at is not None
        wait = a.retry_at - clock.monotonic()
        waits.append(wait)
        clock.advance(wait - 0.5)
        assert not a.may_start(last_key), "tried before the backoff allows"
        clock.advance(0.5)
        assert a.reason(1, idle=False) is not None
    for n, wait in enumerate(waits):
        full = min(1800.0, 60.0 * 2**n)
        assert full / 2 <= wait <= full, (n, wait)
    assert waits[-1] > 900  # the cap is reached, with its jitter
    assert len({round(w, 3) for w in waits}) == len(waits)  # jittered


def test_success_and_a_manual_sync_reset_the_backoff() -> None:
    a, clock = auto()
    a.started()
    a.finished(ok=False, remaining=1)
    a.started()
    a.finished(ok=False, remaining=1)
    assert a.failures == 2
    a.manual()
    assert a.failures == 0 and a.may_start(clock.monotonic() - 60)
    a.started()
    a.finished(ok=False, remaining=1)
    clock.advance(3600)
    a.started()
    a.finished(ok=True, remaining=0)
    assert a.failures == 0 and a.retry_at is None


def test_a_skipped_check_gives_the_flag_back() -> None:
    a, _clock = auto()
    a.started()
    a.skipped()
    assert not a.running and a.last_run is None


def test_a_device_hours_behind_syncs_and_its_offset_travels_with_the_uploads(
    site: Site, tmp_path: Path
) -> None:
    behind = datetime.now(UTC) - timedelta(hours=3, minutes=7)
    clock = FakeClock(behind)
    store = make_profile(site.url, tmp_path / "device", clock)
    try:
        sent = enqueue_households(store, site.dwellings_a, 2)
        summary = sync_store(store, clock=clock, policy=FAST)
        assert summary.error is None and summary.acked == 2
        offset = 3 * 3600 + 7 * 60
        assert summary.clock_skew is not None and abs(summary.clock_skew - offset) <= 5
        assert read_skew(store.get_meta(META_CLOCK_SKEW)) == summary.clock_skew
        assert summary.to_dict()["clock_skew_s"] == summary.clock_skew
    finally:
        store.close()
    rows = site.db.households()
    assert {r["case_uuid"] for r in rows} == set(sent)
    assert {r["clock_offset"] for r in rows} == {summary.clock_skew}


def test_an_upload_without_the_offset_is_stored_and_a_malformed_one_refused(site: Site) -> None:
    """Older clients send no X-Clock-Offset (NULL kept); a malformed one is 400, nothing
    stored."""
    from tests.sync.support import PASSWORD_A, household_payload

    with httpx.Client(base_url=site.url + "/api/v1") as http:
        token = http.post("/login", json={"account": "alice", "password": PASSWORD_A})
        auth = {"Authorization": f"Bearer {token.json()['token']}"}
        case, body = household_payload(site.dwellings_a[0])
        batch = b'{"items":[' + body + b"]}"
        json_type = {"Content-Type": "application/json"}
        bad = http.post(
            "/households/batch",
            content=batch,
            headers={**auth, **json_type, "X-Clock-Offset": "5 min"},
        )
        assert bad.status_code == 400 and bad.json()["error"] == "bad_clock_offset"
        assert site.db.households() == []
        ok = http.post("/households/batch", content=batch, headers={**auth, **json_type})
        assert ok.json()["results"][0]["status"] == "stored"
    assert [(r["case_uuid"], r["clock_offset"]) for r in site.db.households()] == [(case, None)]
