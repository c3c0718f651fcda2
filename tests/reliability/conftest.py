"""Shared pieces of the reliability tests: a practice profile with entered households, tmpfs."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.store import KdfParams
from census_tui.visit.practice import make_local_profile
from census_tui.visit.service import VisitSession
from tests.reliability.plan import household_plan

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


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a real tmpfs of the given size (tests run as root); unmounted afterwards."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        r = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point)],
            capture_output=True,
            text=True,
            check=False,
        )
        if r.returncode:
            pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()}); needs root/CAP_SYS_ADMIN")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


def remount(point: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(point)], check=True)
