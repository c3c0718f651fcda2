"""The training server's demo supervisor (issue 19 §8's account): ``demo-sup`` / ``census2020``
supervises the demo enumerator and so the demo area."""

from __future__ import annotations

from datetime import UTC, datetime

from census_tui.clock import FakeClock
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


def test_training_cards_are_valid_from_the_day_the_server_is_seeded() -> None:
    """A class practising years after the census sees a card valid today at the door (and in the
    resident's check), not one that expired in 2020; the day is the census's (UTC+8)."""
    seeded = datetime(2026, 12, 3, 17, 30, tzinfo=UTC)  # 01:30 on 4 December in Beijing
    db = ServerDB(":memory:", clock=FakeClock(seeded))
    try:
        seed_demo(db)
        for account in (DEMO_ACCOUNT, DEMO_SUPERVISOR, "demo-e1", "demo-e3"):
            found = db.login(account, DEMO_PASSWORD)
            assert found is not None
            card = found[1]
            assert (card.valid_from, card.valid_until) == ("2026-12-04", "2027-12-04"), account
    finally:
        db.close()
