"""Full and read-only disks during entry (issue 9 item 5), on real tmpfs mounts (tests run as
root, where permissions do not stop writes; skipped with the reason only if mounting fails).

The enumerator works through the visit service; when the disk fills, the next answer fails
within a second with a clear DiskError, nothing saved before is lost or corrupted, and once
space is freed the same session carries on and completes the household. A data directory
remounted read-only gives a clear message too, and unlocking it later is refused clearly.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.errors import CensusError, DiskError
from census_tui.exitcodes import ExitCode
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.store import unlock
from census_tui.visit.service import VisitGate, VisitSession
from tests.reliability.conftest import PASSWORD, PROFILE, practice, remount
from tests.reliability.plan import household_plan

ROOT = Path(__file__).resolve().parents[2]


def clear(err: CensusError) -> None:
    for text in (err.msg.zh, err.msg.en):
        assert text and "\n" not in text and "Traceback" not in text


def fill(directory: Path) -> Path:
    filler = directory / "filler"
    with filler.open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


def type_until_refused(s: VisitSession, hh: str) -> tuple[DiskError, float, int]:
    """Keep adding persons with answers until the disk refuses; (error, its latency, saved)."""
    saved = 0
    for _ in range(2000):
        started = time.perf_counter()
        try:
            person = s.add_person(hh)
            s.set_answer(hh, person, "D1", "填满磁盘的测试" * 40)
            saved += 1
        except DiskError as err:
            return err, time.perf_counter() - started, saved
    raise AssertionError("the disk never filled")


def test_full_disk_during_entry(tmpfs: Callable[[str], Path]) -> None:
    base = tmpfs("8m")
    clock = FakeClock()
    s = practice(base, clock, households=2)
    hh = s.start_interview("D0003")
    filler = fill(base)
    err, latency, _ = type_until_refused(s, hh)
    clear(err)
    assert "full" in err.msg.en and "已满" in err.msg.zh
    assert latency < 1.0, f"the refusal took {latency:.2f} s"
    assert s.store.integrity_check() == (True, True)
    filler.unlink()  # space freed: the same session carries on
    for p in s.household(hh).persons:
        s.remove_person(hh, p.uuid)
    plan = household_plan(7)
    for item, value in plan.answers.items():
        s.set_answer(hh, HOUSEHOLD_SCOPE, item, value)
    for answers in plan.persons:
        person = s.add_person(hh)
        for item, value in answers.items():
            s.set_answer(hh, person, item, value)
    s.complete(hh, "户主本人")
    s.close()
    with unlock(PROFILE, PASSWORD, base=base, clock=clock) as store:
        assert store.integrity_check() == (True, True)
        assert store.case(hh).state == "completed"
        assert len(store.outbox_pending()) == 2


def test_read_only_data_dir(tmpfs: Callable[[str], Path]) -> None:
    """A read-only remount needs the files closed (Linux refuses it while a file is open for
    writing), so the enumerator's session ends first; then the login and the CLI both say
    clearly that the data directory is read-only, and nothing is lost when it is writable."""
    base = tmpfs("8m")
    clock = FakeClock()
    s = practice(base, clock, households=2)
    open_case = s.start_interview("D0002")
    s.close()
    remount(base, "ro")
    try:
        started = time.perf_counter()
        try:
            VisitGate(clock=clock, base=base).unlock(PROFILE, PASSWORD)
            raise AssertionError("unlocked a read-only data dir")
        except DiskError as err:
            clear(err)
            assert "read-only" in err.msg.en and "只读" in err.msg.zh
        assert time.perf_counter() - started < 1.0
        env = {**os.environ, "CENSUS_TUI_HOME": str(base), "CENSUS_TUI_PASSWORD": PASSWORD}
        done = subprocess.run(
            [sys.executable, "-m", "census_tui", "--lang", "en", "status"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == ExitCode.DISK, done.stderr
        assert "read-only" in done.stderr and "Traceback" not in done.stderr
    finally:
        remount(base, "rw")
    with unlock(PROFILE, PASSWORD, base=base, clock=clock) as store:
        assert store.integrity_check() == (True, True)
        assert store.case(open_case).state == "interviewing"
