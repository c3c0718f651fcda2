"""The happy path end to end: first login, queue, sync, server copy equals the client's."""

from __future__ import annotations

from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.sync.engine import SyncProgress, sync_store
from tests.sync.support import FAST, Site, assert_exactly_once, enqueue_households, make_profile


def test_sync_pushes_outbox_and_pulls_assignments(
    site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    sent = enqueue_households(store, site.dwellings_a, 7)
    seen: list[SyncProgress] = []
    summary = sync_store(store, clock=clock, policy=FAST, batch_size=3, progress=seen.append)
    assert summary.error is None, summary.error
    assert summary.acked == 7 and store.outbox_depth() == 0
    assert_exactly_once(site.db, sent)
    assert len(store.dwellings()) == 40
    assert [p.phase for p in seen][-1] == "done"
    store.close()
