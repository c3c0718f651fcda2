"""Lockout after wrong passwords, kept across restarts in ``lockout.json`` next to the envelope.

Why here: every way of trying a password on a profile (unlocking in the TUI or the CLI, the idle
lock screen, a password change, ``restore``) goes through :meth:`Lockout.check_password`, so
they all obey one counter.

Rule: the first :data:`FREE_TRIES` wrong passwords cost nothing; the 5th and each later one
locks the profile for 30 s, 60 s, 2 min, ... doubling, capped at 1 h. A right password resets it.
While locked, an attempt is refused *without trying the password*.

Every try is counted *before* the password is tried, under an exclusive ``flock`` on the
profile's directory held until the answer is known: parallel processes take turns, each sees
the count left by the one before, and a try that is killed, or whose count cannot be written
(a full disk, something else in the counter's place), is never a free guess: when the count
cannot be written the password is not tried at all. A right password then clears the count.

Lock time is measured on ``CLOCK_BOOTTIME`` (:meth:`Clock.boottime`: seconds since boot,
suspend included, not settable), never on the wall clock, so moving the date forward does not
end a lock and moving it back does not stretch one. The boot id is stored with it; on another
boot (or when the boot clock reads less than last seen) only the time since the new boot is
credited: a lower bound of the time really passed, so a reboot never shortens a lock. A file
written by an older version (wall-clock times) has its lock served in full from the next check.
The file holds counts and times only, never personal data.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

from census_tui.clock import Clock, iso
from census_tui.errors import CensusError, DiskError
from census_tui.i18n import Msg
from census_tui.store.atomic import fsync_dir, write_atomic
from census_tui.store.envelope import WrongKey
from census_tui.store.errors import (
    MSG_WRONG_PASSWORD,
    MSG_WRONG_PASSWORD_LOCKED,
    LockedOut,
    WrongPassword,
)

FREE_TRIES = 5
FIRST_DELAY = 30.0
MAX_DELAY = 3600.0

MSG_COUNTER_UNWRITABLE = Msg(
    "无法记录密码尝试次数（lockout.json 无法写入：磁盘已满、只读，或该位置被占用），"
    "因此没有验证密码。请腾出空间或检查存储后重试；"
    "如反复出现，请运行 census-tui diag 并联系技术支持。",
    "The count of password tries (lockout.json) cannot be written (the disk is full or "
    "read-only, or something else is in its place), so the password was not tried. Free some "
    "space or check the storage and try again; if it keeps happening, run census-tui diag and "
    "call support.",
)

T = TypeVar("T")


def delay_for(failures: int) -> float:
    """Seconds locked after the ``failures``-th consecutive wrong password (0 below 5)."""
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_DELAY, FIRST_DELAY * 2.0 ** min(failures - FREE_TRIES, 20))


@dataclass(slots=True)
class LockState:
    """What ``lockout.json`` holds."""

    failures: int = 0
    delay: float = 0.0
    """Length of the current lock in seconds (0: not locked)."""
    served: float = 0.0
    """Seconds of the current lock already served, up to ``boot_seen``."""
    boot_id: str = ""
    """The boot on which ``boot_seen`` was read."""
    boot_seen: float = 0.0
    """The boot clock (:meth:`Clock.boottime`) when ``served`` was last brought up to date."""
    wall: str = ""
    """The wall time of the last count (ISO; for people reading the file, never for timing)."""


class Lockout:
    """The counter for one profile. Every call re-reads the file, so restarts and other
    processes see the same state."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock

    # --- the file ------------------------------------------------------------------------

    def _load(self) -> LockState:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LockState()
        except OSError:
            raw = b""
        try:
            doc = json.loads(raw)
            if "served" not in doc:  # the earlier format (wall-clock times)
                doc = {**doc, "served": doc["credited"], "boot_id": "", "boot_seen": -1.0}
            state = LockState(
                failures=int(doc["failures"]),
                delay=float(doc["delay"]),
                served=float(doc["served"]),
                boot_id=str(doc["boot_id"]),
                boot_seen=float(doc["boot_seen"]),
                wall=str(doc.get("wall", "")),
            )
            numbers = (state.delay, state.served, state.boot_seen)  # -1: an older file
            if state.failures < 0 or not all(math.isfinite(x) for x in numbers):
                raise ValueError
        except (ValueError, KeyError, TypeError, AttributeError):
            # Damaged or unreadable (it is written atomically, so someone edited it or put
            # something else in its place): the next wrong password locks at once, but a right
            # one still opens (if the count can be written).
            return LockState(failures=FREE_TRIES - 1)
        return state

    def _save(self, state: LockState) -> None:
        """Write the state; DiskError with :data:`MSG_COUNTER_UNWRITABLE` when it cannot be."""
        data = (json.dumps(asdict(state), sort_keys=True) + "\n").encode()
        try:
            write_atomic(self.path, data)
        except DiskError:
            raise DiskError(MSG_COUNTER_UNWRITABLE) from None

    def _advance(self, state: LockState) -> None:
        """Credit the boot-clock time passed since ``boot_seen`` to the current lock."""
        now, boot = self.clock.boottime(), self.clock.boot_id()
        if state.boot_seen < 0:
            pass  # written by an older version on the wall clock: time counts from here
        elif boot == state.boot_id and now >= state.boot_seen:
            state.served += now - state.boot_seen
        else:
            # Another boot: at least the time since this boot has passed since it was seen.
            state.served += max(0.0, now)
        state.boot_id, state.boot_seen = boot, now
        if state.delay and state.served >= state.delay:
            state.delay = state.served = 0.0

    def _left(self, state: LockState) -> int:
        return max(0, math.ceil(state.delay - state.served)) if state.delay > 0 else 0

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold an exclusive ``flock`` on the counter's directory (no extra file is made);
        released by the kernel if the process dies. DiskError when it cannot be taken."""
        try:
            fd = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            raise DiskError(MSG_COUNTER_UNWRITABLE) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError as exc:
                if exc.errno != errno.EINTR:
                    raise DiskError(MSG_COUNTER_UNWRITABLE) from None
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the last descriptor releases the lock

    # --- the API -------------------------------------------------------------------------

    def remaining(self) -> int:
        """Whole seconds (rounded up) until a password may be tried; 0 when not locked.
        A quick check before any work (:meth:`check_password` decides); it writes only to
        bring a file of an older version onto the boot clock."""
        state = self._load()
        if state.delay <= 0:
            return 0
        if state.boot_seen < 0:  # an older file: anchor it to the boot clock once, for good
            with contextlib.suppress(DiskError), self._exclusive():
                state = self._load()
                self._advance(state)
                self._save(state)
                return self._left(state)
        self._advance(state)
        return self._left(state)

    def check_password(self, try_it: Callable[[], T], *, reset: bool = True) -> T:
        """Run ``try_it`` (which raises :class:`WrongKey` for a wrong password) as one counted
        try, and return its result.

        Under the lock: refuse while locked (LockedOut, ``try_it`` not run); count the try as a
        wrong password on disk (DiskError, ``try_it`` not run, if that cannot be written); run
        ``try_it``. A wrong password keeps the count and raises :class:`WrongPassword` (tries
        left, or the length of the lock it started). A right one clears the counter, or with
        ``reset=False`` (a password that opened something else than this profile, such as a
        backup's own envelope) only takes back this one try. A :class:`CensusError` from
        ``try_it`` (no answer about the password) takes the try back and passes through.
        """
        with self._exclusive():
            before = self._load()
            self._advance(before)
            left = self._left(before)
            if left:
                with contextlib.suppress(DiskError):
                    self._save(before)  # keep the credited time; refusing needs no write
                raise LockedOut(left)
            counted = LockState(**asdict(before))
            counted.failures += 1
            counted.delay = delay_for(counted.failures)
            counted.served = 0.0
            counted.wall = iso(self.clock.now())
            self._save(counted)
            try:
                result = try_it()
            except CensusError:
                # Not an answer about the password (the cipher library failed, say): the try
                # is taken back. Anything unforeseen, or a kill, leaves it counted.
                self._take_back(before)
                raise
            except WrongKey:
                tries_left = max(0, FREE_TRIES - counted.failures)
                locked_for = math.ceil(counted.delay)
                if locked_for:
                    msg = MSG_WRONG_PASSWORD_LOCKED.format(seconds=locked_for)
                    raise WrongPassword(msg, 0, locked_for) from None
                raise WrongPassword(
                    MSG_WRONG_PASSWORD.format(left=tries_left), tries_left, 0
                ) from None
            if reset:
                self._clear()
            else:
                self._take_back(before)
            return result

    def _take_back(self, before: LockState) -> None:
        """Undo this try's count: the state as it was before it."""
        if before.failures == 0:
            self._clear()
        else:
            self._save(before)

    def _clear(self) -> None:
        try:
            if self.path.exists():
                self.path.unlink()
                fsync_dir(self.path.parent)
        except OSError:
            raise DiskError(MSG_COUNTER_UNWRITABLE) from None

    def succeeded(self) -> None:
        """Forget the failures (the file is removed): a right password, or a recovery."""
        with self._exclusive():
            self._clear()

    @property
    def failures(self) -> int:
        return self._load().failures
