"""The long-form sample on the server (docs/protocol.md "Forms"): drawn from the area's recorded
seed, stored with each dwelling, sent with the assignment, and on the device after a sync."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.server.sample import long_form_sample
from census_tui.server.seed import DEMO_SAMPLE_SEED, add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.sync.engine import sync_store
from tests.sync.support import FAST, make_profile

AREA = "110105009009009"


def test_the_sample_reaches_the_device(tmp_path: Path) -> None:
    from census_tui.server.run import ServerThread

    db = ServerDB(tmp_path / "server.db")
    ids = add_enumerator(db, "carol", "carol-pass-2020", AREA, dwellings=37, ready=True)
    forms = db.draw_sample(AREA, 4242, hmt=[ids[0]])
    long = [d for d, f in forms.items() if f == "long2020"]
    assert long == long_form_sample(ids[1:], 4242) and len(long) in (3, 4)
    assert any(AREA in row and 4242 in row for row in db.rows("areas"))  # the seed is kept
    server = ServerThread(db).start()
    clock = FakeClock(datetime(2020, 11, 3, 1, 0, tzinfo=UTC))
    try:
        store = make_profile(server.url, tmp_path / "home", clock, "carol", "carol-pass-2020")
        assert sync_store(store, clock=clock, policy=FAST).error is None
        on_device = {d.id: d.form_id for d in store.dwellings(AREA)}
        assert on_device == forms
        # drawn again with another seed: the changed dwellings come with the next sync
        again = db.draw_sample(AREA, 7, hmt=[ids[0]])
        assert sync_store(store, clock=clock, policy=FAST).error is None
        assert {d.id: d.form_id for d in store.dwellings(AREA)} == again
        store.close()
    finally:
        server.stop()


def test_the_demo_area_is_drawn_from_its_seed(tmp_path: Path) -> None:
    from census_tui.server.run import open_db
    from census_tui.server.seed import DEMO_AREA, demo_forms

    db = open_db(tmp_path / "demo.db", demo=True)
    rows = {r["dwelling_id"]: r["form_id"] for r in db.dwellings_since([DEMO_AREA], 0)}
    assert rows == demo_forms()
    assert DEMO_SAMPLE_SEED


def test_the_demo_dwellings_carry_the_practice_forms(tmp_path: Path) -> None:
    from census_tui.demo import DEMO_NEW_PASSWORD, start_demo
    from census_tui.visit.gate import open_gate
    from census_tui.visit.scenarios import ALL_SCENARIOS

    clock = FakeClock(datetime(2020, 11, 3, 1, 0, tzinfo=UTC))
    site = start_demo(tmp_path, clock=clock)
    try:
        session = open_gate(clock=clock, base=tmp_path).unlock("demo", DEMO_NEW_PASSWORD)
        rows = session.dashboard().rows
        for scenario in ALL_SCENARIOS:
            row = next(r for r in rows if r.address.endswith(scenario.address_suffix))
            assert row.form_id == scenario.form_id, scenario.key
        long = next(r for r in rows if r.form_id == "long2020")
        hh = session.start_interview(long.dwelling_id)
        assert session.household(hh).form_id == "long2020"  # the household takes the form
        session.close()
    finally:
        site.stop()
