"""Schema 5 (issue 19): a v4 profile gains the supervisor's cache and outbox, empty; the v5
fixture's cached answer, case and queued decision come back as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.store import META_ROLE, unlock
from tests.store.test_migrations import PASSWORD, PROFILE, install

SUP_CASE = "6f1c1a56-0d7e-4a43-9a53-7f6f2b1d0041"
SUP_OP = "6f1c1a56-0d7e-4a43-9a53-7f6f2b1d0051"


def test_v4_gains_the_supervisor_tables(tmp_path: Path) -> None:
    clock = FakeClock()
    install(4, tmp_path)
    s = unlock(PROFILE, PASSWORD, base=tmp_path, clock=clock)
    assert s.schema_version() == 5
    assert s.get_meta(META_ROLE) is None  # an enumerator's profile from before roles
    assert s.sup_snapshot("queue") is None and s.sup_case_index() == {} and s.sup_pending() == 0
    s.sup_put_snapshot("queue", {"cases": []})
    s.sup_enqueue("op-1", "approve", "case-1", {"revision": 1})
    s.sup_mark("op-1", "refused", {"zh": "z", "en": "e"})
    assert [(o.op_uuid, o.state) for o in s.sup_ops()] == [("op-1", "refused")]
    with pytest.raises(ValueError):
        s.sup_mark("op-1", "lost")
    s.close()


def test_v5_fixture_keeps_the_cache_and_the_queue(tmp_path: Path) -> None:
    install(5, tmp_path)
    s = unlock(PROFILE, PASSWORD, base=tmp_path, clock=FakeClock())
    assert s.get_meta(META_ROLE) == "supervisor"
    snap = s.sup_snapshot("queue")
    assert snap is not None and snap.body == {"cases": []}
    assert s.sup_case_index() == {SUP_CASE: ("610102002010001", 3)}
    (op,) = s.sup_ops("queued")
    assert (op.op_uuid, op.kind, op.case_uuid, op.body) == (
        SUP_OP,
        "approve",
        SUP_CASE,
        {"revision": 3},
    )
    s.close()
