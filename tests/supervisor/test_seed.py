"""The training server's demo supervisor (issue 19 §8's account): ``demo-sup`` / ``census2020``
supervises the demo enumerator and so the demo area."""

from __future__ import annotations

from census_tui.server.seed import (
    DEMO_ACCOUNT,
    DEMO_AREA,
    DEMO_PASSWORD,
    DEMO_SUPERVISOR,
    seed_demo,
)
from census_tui.server.storage import ServerDB


def test_the_demo_has_a_supervisor_over_the_demo_enumerator() -> None:
    db = ServerDB(":memory:")
    try:
        seed_demo(db)
        scope = db.scope(DEMO_SUPERVISOR)
        assert next(a for a, _, _ in scope.enumerators) == DEMO_ACCOUNT
        assert scope.areas[DEMO_AREA] == [DEMO_ACCOUNT]
        found = db.login(DEMO_SUPERVISOR, DEMO_PASSWORD)
        assert found is not None and found[1].role == "supervisor" and found[1].must_change
        assert db.scope(DEMO_ACCOUNT).areas == {}  # an enumerator supervises nobody
    finally:
        db.close()
