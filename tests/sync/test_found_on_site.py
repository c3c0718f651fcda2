"""A dwelling found on site (not in the listing) gets an id the server accepts for the
enumerator's area, so its household uploads like any other."""

from __future__ import annotations

from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.sync.engine import sync_store
from census_tui.visit.service import VisitSession
from tests.sync.support import FAST, Site, assert_exactly_once, household_payload, make_profile


def test_a_household_of_a_dwelling_found_on_site_reaches_the_server(
    site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    assert sync_store(store, clock=clock, policy=FAST).error is None  # the area's listing
    session = VisitSession(store, clock=clock, profile="alice")
    try:
        found = session.add_dwelling("幸福里 12号 后院平房", "ordinary")
        assert found.startswith(session.area_id() + "-")
        assert session.add_dwelling("幸福里 12号 车库") != found
        case, payload = household_payload(found)
        store.enqueue("household", case, 1, payload)
        summary = sync_store(store, clock=clock, policy=FAST)
        assert summary.error is None, summary.error
        assert not summary.refused_reasons, summary.refused_reasons
        assert_exactly_once(site.db, {case: payload})
    finally:
        session.close()
