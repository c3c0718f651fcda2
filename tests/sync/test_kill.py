"""SIGKILL in the middle of a sync, then a restart: every household arrives exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.store import META_SERVER_URL, unlock
from tests.sync.faultproxy import FaultProxy
from tests.sync.support import (
    PASSWORD_A,
    Site,
    assert_exactly_once,
    enqueue_households,
    make_profile,
)

ROOT = Path(__file__).resolve().parents[2]


def _child(base: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sync.child_sync", str(base), "alice", PASSWORD_A, "10"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_sigkill_mid_sync_then_restart(
    site: Site, proxy: FaultProxy, tmp_path: Path, clock: FakeClock
) -> None:
    base = tmp_path / "home"
    store = make_profile(site.url, base, clock)
    store.set_meta(META_SERVER_URL, proxy.url)
    sent = enqueue_households(store, site.dwellings_a, 30)
    store.close()
    # info and the first batch pass; the second batch reaches the server (it commits) and
    # its answer is held: the client is killed while waiting for it.
    proxy.plan("pass", "pass", "stall")
    child = _child(base)
    try:
        assert proxy.stalled.wait(timeout=60), "the child never reached the second batch"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert 10 <= len(site.db.households()) <= 20
    proxy.clear()
    again = _child(base)
    _out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err.decode()[-2000:]
    with unlock("alice", PASSWORD_A, base=base, clock=clock) as store:
        assert store.outbox_depth() == 0
    assert_exactly_once(site.db, sent)
