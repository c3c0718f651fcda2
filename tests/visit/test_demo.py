"""The demo's set-up against the real training server: profile, area, notes, appointment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.demo import DEMO_NEW_PASSWORD, start_demo
from census_tui.visit.gate import open_gate
from census_tui.visit.states import Board


def test_demo_site_is_ready_and_restartable(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2020, 11, 3, 1, 0, tzinfo=UTC))
    site = start_demo(tmp_path, clock=clock)
    try:
        session = open_gate(clock=clock, base=tmp_path).unlock("demo", DEMO_NEW_PASSWORD)
        board = session.dashboard()
        assert board.training and len(board.rows) >= 30
        assert board.counts[Board.APPOINTMENT] == 1
        assert board.rows[0].board is Board.APPOINTMENT  # today's appointment first
        assert any("房东" in r.note for r in board.rows)  # rented block: ask the landlord
        assert session.card().work_id
        session.close()
    finally:
        site.stop()
    # a second run reuses the profile and follows the server to its new port
    again = start_demo(tmp_path, clock=clock)
    try:
        session = open_gate(clock=clock, base=tmp_path).unlock("demo", DEMO_NEW_PASSWORD)
        assert session.sync().error is None
        assert session.dashboard().counts[Board.APPOINTMENT] == 1
        session.close()
    finally:
        again.stop()


def test_practice_household_is_checked_against_its_truth(tmp_path: Path) -> None:
    from census_tui.visit.scenarios import SCENARIOS

    clock = FakeClock(datetime(2020, 11, 3, 1, 0, tzinfo=UTC))
    site = start_demo(tmp_path, clock=clock)
    try:
        s = open_gate(clock=clock, base=tmp_path).unlock("demo", DEMO_NEW_PASSWORD)
        family = SCENARIOS[0]
        row = next(r for r in s.dashboard().rows if r.address.endswith(family.address_suffix))
        assert s.scenario(row.dwelling_id) is family
        assert s.practice_check(row.dwelling_id, "en") is None  # not yet interviewed
        hh = s.start_interview(row.dwelling_id)
        for item, value in family.household.items():
            s.set_answer(hh, "", item, value)
        for truth in family.persons:
            p = s.add_person(hh)
            for item, value in truth.items():
                s.set_answer(hh, p, item, value)
        wrong = s.household(hh).persons[2].uuid
        s.set_answer(hh, wrong, "D11", 4)  # the trainee mis-heard the son's education
        s.complete(hh, "王建国")
        check = s.practice_check(row.dwelling_id, "en")
        assert check is not None
        assert [(d.who, d.item_id) for d in check.differences] == [("王小明", "D11")]
        assert s.sync().acked == 1  # the practice household reaches the training server
        s.close()
    finally:
        site.stop()
    # The practice household is the demo enumerator's one upload (the training supervisor's
    # three practice enumerators have uploads of their own, seeded).
    uploaded = [h["account"] for h in site.server.db.households()]  # type: ignore[attr-defined]
    assert uploaded.count("demo") == 1
