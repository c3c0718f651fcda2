"""Shared pieces of the reliability tests: a practice profile with entered households, tmpfs."""

from __future__ import annotations

from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.store import KdfParams
from census_tui.visit.practice import make_local_profile
from census_tui.visit.service import VisitSession
from tests.mounts import remount
from tests.reliability.plan import household_plan

__all__ = ["remount"]  # re-exported for test_disks (tmpfs is in tests/conftest.py)

CHEAP_KDF = KdfParams(n=2**10, r=1, p=1)
PASSWORD = "practice-pass-1"
PROFILE = "enum01"


def enter_household(s: VisitSession, dwelling_id: str, index: int, complete: bool = True) -> str:
    """Enter the planned household ``index`` at ``dwelling_id`` through the visit service."""
    plan = household_plan(index)
    hh = s.start_interview(dwelling_id)
    for item, value in plan.answers.items():
        s.set_answer(hh, HOUSEHOLD_SCOPE, item, value)
    for answers in plan.persons:
        person = s.add_person(hh)
        for item, value in answers.items():
            s.set_answer(hh, person, item, value)
    if complete:
        s.complete(hh, "户主本人")
    return hh


def practice(base: Path, clock: FakeClock, households: int = 3) -> VisitSession:
    """A local practice profile with ``households`` entered (the last one left open)."""
    s = make_local_profile(base, PROFILE, PASSWORD, clock=clock, kdf=CHEAP_KDF, dwellings=12)
    for i in range(households):
        enter_household(s, f"D{i + 1:04d}", i, complete=i < households - 1)
    return s
