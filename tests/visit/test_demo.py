"""The demo's set-up against the real training server: profile, area, notes, appointment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.demo import DEMO_NEW_PASSWORD, start_demo
from census_tui.visit.service import open_gate
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
