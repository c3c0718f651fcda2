"""Lockout after wrong passwords, kept across restarts in ``lockout.json`` next to the envelope.

Why here: the unlock API is the one door to the data key, so the TUI, the CLI and
``CENSUS_TUI_PASSWORD`` all obey the same counter.

Rule: the first :data:`FREE_TRIES` wrong passwords cost nothing; the 5th and each later one
locks the profile for 30 s, 60 s, 2 min, ... doubling, capped at 1 h. A right password resets it.
While locked, an attempt is refused *without trying the password*.

The wall clock may be moved backwards (a dead battery, a user): each check credits only the
forward movement since the last time seen, so a backward jump counts as no time passed (it
neither ends a lock nor stretches it to the old time).
The file holds counts and times only, never personal data.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from census_tui.clock import Clock, iso, parse_iso
from census_tui.record import as_dict, record
from census_tui.store.atomic import fsync_dir, write_atomic

FREE_TRIES = 5
FIRST_DELAY = 30.0
MAX_DELAY = 3600.0


def delay_for(failures: int) -> float:
    """Seconds locked after the ``failures``-th consecutive wrong password (0 below 5)."""
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_DELAY, FIRST_DELAY * 2.0 ** min(failures - FREE_TRIES, 20))


@record(frozen=False)
class LockState:
    """What ``lockout.json`` holds."""

    failures: int = 0
    delay: float = 0.0
    """Length of the current lock in seconds (0: not locked)."""
    credited: float = 0.0
    """Seconds of the current lock already served (forward clock movement only)."""
    last_seen: str = ""
    """The latest wall time seen (ISO); the reference for crediting time."""


class Lockout:
    """The counter for one profile. Every call re-reads the file, so restarts and other
    processes see the same state."""

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock

    def _load(self) -> LockState:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LockState()
        except OSError:
            raw = b""
        try:
            doc = json.loads(raw)
            state = LockState(
                failures=int(doc["failures"]),
                delay=float(doc["delay"]),
                credited=float(doc["credited"]),
                last_seen=str(doc["last_seen"]),
            )
            if state.last_seen:
                parse_iso(state.last_seen)
            if state.failures < 0 or not math.isfinite(state.delay + state.credited):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            # Damaged (it is written atomically, so someone edited it): the next wrong
            # password locks at once, but a right one still opens.
            return LockState(failures=FREE_TRIES - 1)
        return state

    def _save(self, state: LockState) -> None:
        write_atomic(self.path, (json.dumps(as_dict(state), sort_keys=True) + "\n").encode())

    def _advance(self, state: LockState) -> bool:
        """Credit the wall time passed since ``last_seen``; True if the state changed."""
        now = self.clock.now()
        if not state.last_seen:
            state.last_seen = iso(now)
            return True
        seen = parse_iso(state.last_seen)
        if now == seen:
            return False
        if now > seen:
            state.credited += (now - seen).total_seconds()
        # else the clock went backwards: no time passed, and time counts again from here
        state.last_seen = iso(now)
        return True

    def remaining(self) -> int:
        """Whole seconds (rounded up) until a password may be tried; 0 when not locked."""
        state = self._load()
        if state.delay <= 0:
            return 0
        if self._advance(state):
            left = state.delay - state.credited
            if left <= 0:
                state.delay = state.credited = 0.0
            self._save(state)
        return max(0, math.ceil(state.delay - state.credited))

    def failed(self) -> tuple[int, int]:
        """Record a wrong password; returns ``(tries left before a lock, seconds locked)``."""
        state = self._load()
        state.failures += 1
        state.delay = delay_for(state.failures)
        state.credited = 0.0
        state.last_seen = iso(self.clock.now())
        self._save(state)
        return max(0, FREE_TRIES - state.failures), math.ceil(state.delay)

    def succeeded(self) -> None:
        """A right password: forget the failures (the file is removed)."""
        if self.path.exists():
            self.path.unlink()
            fsync_dir(self.path.parent)

    @property
    def failures(self) -> int:
        return self._load().failures
