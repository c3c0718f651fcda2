"""The training supervisor (issue 19 §8): ``demo-sup`` over the demo enumerator and three
practice enumerators whose uploaded work includes flagged cases with their reasons, and
``census-tui demo --supervisor``'s profile, made by a real first login against the training
server and filled by a first refresh of the real supervisor's session."""

from __future__ import annotations

import json
from pathlib import Path

from census_tui.clock import SystemClock
from census_tui.server import supervisor as routes
from census_tui.server.seed import (
    DEMO_ACCOUNT,
    DEMO_AREA,
    DEMO_PASSWORD,
    DEMO_SUPERVISOR,
    PRACTICE_ENUMERATORS,
    PRACTICE_WORK,
    seed_demo,
)
from census_tui.server.storage import ServerDB


def test_the_demo_supervisor_has_three_practice_enumerators_with_flagged_work() -> None:
    db = ServerDB(":memory:")
    try:
        seed_demo(db)
        scope = db.scope(DEMO_SUPERVISOR)
        practice = [p.account for p in PRACTICE_ENUMERATORS]
        assert [a for a, _, _ in scope.enumerators] == [DEMO_ACCOUNT, *practice]
        assert set(scope.areas) == {DEMO_AREA, *(p.area_id for p in PRACTICE_ENUMERATORS)}
        found = db.login(DEMO_SUPERVISOR, DEMO_PASSWORD)
        assert found is not None and found[1].role == "supervisor" and found[1].must_change

        queue = routes._queue(db, DEMO_SUPERVISOR)["cases"]
        assert len(queue) == sum(len(w) for w in PRACTICE_WORK.values()) == 9
        flagged = [c for c in queue if c["flagged"]]
        assert [c["flagged"] for c in queue] == [True] * 3 + [False] * 6  # flagged first
        assert sorted(f for c in flagged for f in c["flags"]) == ["HH-06", "HH-06", "P-03"]
        for case in flagged:  # each flag kept with the enumerator's reason
            assert case["confirmations"] and all(
                len(c["reason"]) > 10 for c in case["confirmations"]
            )
        detail = routes._case(db, DEMO_SUPERVISOR, flagged[0]["case_uuid"])
        assert detail["read_back"] and detail["findings"]
        assert {f["status"] for f in detail["findings"]} == {"confirmed"}

        progress = routes._progress(db, DEMO_SUPERVISOR, 24)
        by = {e["account"]: e for e in progress["enumerators"]}
        assert [by[p.account]["stale"] for p in PRACTICE_ENUMERATORS] == [False, False, True]
        e1 = by["demo-e1"]["counts"]
        assert (e1["uploaded"], e1["refused"], e1["vacant"], e1["to_visit"]) == (4, 1, 1, 2)
        # the practice enumerators' accounts never need a first login of their own
        ready = db.login("demo-e1", DEMO_PASSWORD)
        assert ready is not None and not ready[1].must_change
    finally:
        db.close()


def test_demo_supervisor_profile_is_made_by_a_first_login_and_filled(tmp_path: Path) -> None:
    from census_tui.demo import DEMO_NEW_PASSWORD, start_demo
    from census_tui.store import unlock
    from census_tui.supervision.service import SupervisorSession
    from census_tui.sync.login import profile_name

    clock = SystemClock()
    site = start_demo(tmp_path, clock=clock, supervisor=True)
    try:
        assert (site.account, site.password) == (DEMO_SUPERVISOR, DEMO_NEW_PASSWORD)
        name = profile_name(DEMO_SUPERVISOR)
        store = unlock(name, DEMO_NEW_PASSWORD, base=tmp_path, clock=clock)
        session = SupervisorSession(store, clock=clock, profile=name, base=tmp_path)
        try:
            assert session.role == "supervisor" and session.training
            rows = session.queue().rows  # the first refresh filled the cache
            assert len(rows) == 9 and [r.flagged for r in rows[:4]] == [True] * 3 + [False]
            assert all(r.confirmations for r in rows[:3])
            accounts = [e.account for e in session.progress().enumerators]
            assert accounts == [DEMO_ACCOUNT, *(p.account for p in PRACTICE_ENUMERATORS)]
        finally:
            session.close()
    finally:
        site.stop()
    # the server refuses the initial password now: the first login changed it
    db = ServerDB(tmp_path / "server.db")
    try:
        assert db.login(DEMO_SUPERVISOR, DEMO_PASSWORD) is None
        assert db.login(DEMO_SUPERVISOR, DEMO_NEW_PASSWORD) is not None
    finally:
        db.close()
    # nothing but the encrypted profile holds the practice households' names
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.name.startswith("server."):
            text = path.read_bytes()
            assert "王建军".encode() not in text, path
            assert json.dumps("王建军").encode() not in text, path
