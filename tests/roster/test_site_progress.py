"""A collective site is not done while its roster still has people to verify (issue 16 §13)."""

from __future__ import annotations

from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.roster.preview import read_roster
from census_tui.roster.state import RosterStatus
from census_tui.store import KdfParams
from census_tui.visit.practice import make_local_profile
from census_tui.visit.states import Board, CaseState
from tests.roster.lists import csv_text

CHEAP = KdfParams(n=2**10, r=1, p=1)


def test_site_with_pending_names_stays_in_progress(tmp_path: Path) -> None:
    session = make_local_profile(
        tmp_path, "enum01", "pw-123456", clock=FakeClock(), kdf=CHEAP, dwellings=2
    )
    try:
        roster = session.roster()
        roster.import_preview("D0001", read_roster(csv_text(6).encode()))
        first = roster.mark(roster.entries("D0001")[0].uuid, RosterStatus.PRESENT)
        assert first.household_uuid is not None
        for state in ("self_checked", "read_back", "completed"):
            session.store.set_state(first.household_uuid, state)
        row = next(r for r in session.dashboard().rows if r.dwelling_id == "D0001")
        assert row.state is CaseState.INTERVIEWING and row.board is Board.IN_PROGRESS
        for entry in roster.entries("D0001")[1:]:
            roster.mark(entry.uuid, RosterStatus.MOVED)
        row = next(r for r in session.dashboard().rows if r.dwelling_id == "D0001")
        assert row.state is CaseState.COMPLETED  # every name verified: the site is done
    finally:
        session.close()
