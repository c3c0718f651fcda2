"""Full and read-only disks during entry (issue 9 item 5), on real tmpfs mounts (tests run as
root, where permissions do not stop writes; skipped with the reason only if mounting fails).

The enumerator works through the visit service; when the disk fills, the next answer fails
within a second with a clear DiskError, nothing saved before is lost or corrupted, and once
space is freed the same session carries on and completes the household. A data directory
remounted read-only gives a clear message too, and unlocking it later is refused clearly.

A data directory that turns read-only *while a session is open* cannot be made with
``mount -o remount,ro`` (Linux refuses it, EBUSY, while SQLite holds the files open for
writing; a read-only bind mount is refused the same way). It happens for real when the kernel
meets a storage error on a file system mounted ``errors=remount-ro``: the tests make exactly
that on a real ext4 image on a loop device and fire the error through ext4's own
``/sys/fs/ext4/<dev>/trigger_fs_error``. The kernel then keeps the file system read-only until
it is unmounted and checked, so "once writable again" means: the session ends, the card is
checked (``e2fsck``) and mounted again, and the enumerator logs in and carries on.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import CensusError, DiskError
from census_tui.exitcodes import ExitCode
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.store import unlock
from census_tui.visit.gate import VisitGate
from census_tui.visit.service import VisitSession
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


# --- a data directory that turns read-only under an open session ------------------------------


class Ext4Card:
    """A real ext4 file system on a loop device, mounted ``errors=remount-ro`` like a storage
    card; :meth:`fail` makes the kernel take the error path, :meth:`repair` checks and remounts
    it."""

    def __init__(self, image: Path, point: Path) -> None:
        self.image = image
        self.point = point
        self.device = ""

    def _run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cmd, capture_output=True, text=True, check=False)

    def mount(self) -> None:
        done = self._run("mount", "-o", "loop,errors=remount-ro", str(self.image), str(self.point))
        if done.returncode:
            pytest.skip(f"cannot mount an ext4 loop image here ({done.stderr.strip()})")
        source = self._run("findmnt", "-n", "-o", "SOURCE", str(self.point)).stdout.strip()
        self.device = Path(source).name
        if not self.trigger.exists():
            self.unmount()
            pytest.skip(f"this kernel has no {self.trigger} (ext4's error trigger)")

    @property
    def trigger(self) -> Path:
        return Path("/sys/fs/ext4") / self.device / "trigger_fs_error"

    def fail(self) -> None:
        """A storage error as the kernel sees one: ext4 remounts itself read-only at once."""
        self.trigger.write_text("census-tui test: simulated storage error\n")

    def read_only(self) -> bool:
        """Whether making a file fails with EROFS (since Linux 6.18 ext4 marks this state
        ``emergency_ro`` and no longer reports it through statvfs)."""
        try:
            (self.point / ".probe").touch()
        except OSError as exc:
            return exc.errno == errno.EROFS
        (self.point / ".probe").unlink()
        return False

    def unmount(self) -> None:
        subprocess.run(["umount", str(self.point)], check=True)

    def repair(self) -> None:
        """What support does with the card: unmount, check, mount again."""
        self.unmount()
        done = self._run("e2fsck", "-f", "-y", str(self.image))
        assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: errors corrected
        self.mount()


@pytest.fixture
def card(tmp_path: Path) -> Iterator[Ext4Card]:
    image, point = tmp_path / "card.img", tmp_path / "card"
    point.mkdir()
    made = subprocess.run(
        ["mkfs.ext4", "-q", "-F", str(image), "64M"], capture_output=True, text=True, check=False
    )
    if made.returncode:
        pytest.skip(f"cannot make an ext4 image here ({made.stderr.strip()})")
    c = Ext4Card(image, point)
    c.mount()
    yield c
    subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def test_data_dir_turns_read_only_during_entry(card: Ext4Card) -> None:
    base = card.point / "home"
    clock = FakeClock()
    s = practice(base, clock, households=2)
    hh = s.start_interview("D0003")
    person = s.add_person(hh)
    s.set_answer(hh, person, "D1", "王芳")
    saved = s.store.household(hh)
    card.fail()
    assert card.read_only()
    for name in ("李娜", "赵敏"):
        started = time.perf_counter()
        try:
            s.set_answer(hh, person, "D1", name)
            raise AssertionError("an answer was accepted on a read-only disk")
        except DiskError as err:
            clear(err)
            assert "read-only" in err.msg.en and "只读" in err.msg.zh, err.msg.en
            assert "not saved" in err.msg.en and "未保存" in err.msg.zh
        assert time.perf_counter() - started < 1.0
    try:
        s.add_person(hh)
        raise AssertionError("a person was added on a read-only disk")
    except DiskError as err:
        clear(err)
    assert s.store.household(hh) == saved  # reads go on; the refused change left no trace
    s.close()  # ends cleanly although nothing can be written
    try:  # logging in again before the card is checked is refused clearly
        VisitGate(clock=clock, base=base).unlock(PROFILE, PASSWORD)
        raise AssertionError("unlocked on a read-only card")
    except DiskError as err:
        clear(err)
        assert "read-only" in err.msg.en and "只读" in err.msg.zh, err.msg.en
    card.repair()
    s = VisitGate(clock=clock, base=base).unlock(PROFILE, PASSWORD)
    assert s.store.integrity_check() == (True, True)
    assert s.store.household(hh) == saved
    assert s.store.case(hh).state == "interviewing"
    for p in s.household(hh).persons:  # work continues: the household is finished
        s.remove_person(hh, p.uuid)
    plan = household_plan(7)
    for item, value in plan.answers.items():
        s.set_answer(hh, HOUSEHOLD_SCOPE, item, value)
    for answers in plan.persons:
        added = s.add_person(hh)
        for item, value in answers.items():
            s.set_answer(hh, added, item, value)
    s.complete(hh, "户主本人")
    assert len(s.store.outbox_pending()) == 2
    s.close()


def test_session_shows_only_saved_answers_after_a_refused_write(card: Ext4Card) -> None:
    base = card.point / "home"
    s = practice(base, FakeClock(), households=1)
    hh = s.start_interview("D0002")
    person = s.add_person(hh)
    s.set_answer(hh, person, "D1", "王芳")
    card.fail()
    with contextlib.suppress(DiskError):
        s.set_answer(hh, person, "D1", "李娜")
    try:
        assert s.household(hh) == s.store.household(hh), "the screen shows an unsaved answer"
    finally:
        s.close()
