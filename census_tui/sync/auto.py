"""When to sync without a keypress: a plain policy object, no threads, no screens, no store.

The dashboard asks it on a timer (:meth:`AutoSync.may_start`, then :meth:`AutoSync.reason`
once a thread worker has read the outbox's depth) and tells it when a run starts and ends.
The rules (issue 20 §6, README "Sync"):

* never two runs at once (a manual ``s`` and a background run share the one flag);
* never within ``quiet`` seconds of the enumerator's last keystroke (a run starts in a pause,
  so typing is never competing with its start);
* **work waiting**: the outbox holds more items than the last run left behind (a household
  completed, an outcome recorded, a returned case corrected); items the server refused stay
  in the outbox until a person acts, so they alone do not start runs over and over;
* **idle**: every ``idle_interval`` seconds while the dashboard is on screen (returns and new
  assignments come only by asking);
* **metered** networks (NetworkManager's ``Metered``, sync/metered.py): no idle runs, checked by
  the worker before it would start one (:meth:`AutoSync.metered_pause`); work waiting still
  goes, so nothing completed stays only on the device;
* **backoff** after a failed run (server unreachable, captive portal, login expired): the next
  try waits ``backoff_base · 2^(failures-1)`` seconds, capped at ``backoff_cap``, with jitter
  (half to all of it), whatever is waiting: an absent or metered network is not tried more
  often than that. A successful run or a manual ``s`` resets it.

Time is the injected clock's monotonic time (tests advance a FakeClock).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from census_tui.clock import Clock

IDLE_INTERVAL = 300.0
"""Seconds between runs while the dashboard is idle on screen (nothing waiting)."""
QUIET = 5.0
"""No run starts within this many seconds of the last keystroke."""
BACKOFF_BASE = 60.0
BACKOFF_CAP = 1800.0
"""After failures: 1, 2, 4, … minutes, at most 30 (each with jitter)."""

META_CLOCK_SKEW = "clock_skew_s"
"""The device's clock offset measured at the last sync: server time minus device time, whole
seconds (positive: the device is behind)."""
META_CLOCK_SKEW_AT = "clock_skew_at"
"""When (device time, ISO) that offset was measured."""
SKEW_LIMIT_S = 300
"""Beyond this offset (either way) the dashboard warns that the device's clock is wrong
(docs/protocol.md "Clock offset"); below it, the offset is still sent with every upload."""

WORK, RETRY, IDLE = "work", "retry", "idle"
"""Why a run starts (logged, no personal data)."""


@dataclass(frozen=True, slots=True)
class AutoPolicy:
    idle_interval: float = IDLE_INTERVAL
    quiet: float = QUIET
    backoff_base: float = BACKOFF_BASE
    backoff_cap: float = BACKOFF_CAP


def read_skew(raw: str | None) -> int | None:
    """The offset kept in the profile (``META_CLOCK_SKEW``), None before any sync measured it."""
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


class AutoSync:
    """The background sync's state: running or not, failures, when the next try may be."""

    def __init__(
        self, clock: Clock, policy: AutoPolicy | None = None, rng: random.Random | None = None
    ) -> None:
        self.clock = clock
        self.policy = policy or AutoPolicy()
        self._rng = rng or random.Random()
        self.running = False
        self.failures = 0
        self.retry_at: float | None = None
        """Monotonic time before which no background run starts (after a failure)."""
        self.last_run: float | None = None
        """Monotonic time the last run (background or manual) ended."""
        self.settled_depth = 0
        """Outbox items the last successful run left behind (refused ones, kept for a person)."""

    # ------------------------------------------------------------------ questions
    def may_start(self, last_key: float) -> bool:
        """Cheap first check on the UI thread (no store): nothing running, no recent key, not
        backing off."""
        now = self.clock.monotonic()
        if self.running or now - last_key < self.policy.quiet:
            return False
        return self.retry_at is None or now >= self.retry_at

    def reason(self, depth: int, *, idle: bool) -> str | None:
        """Why a run should start now, given the outbox's ``depth`` and whether the dashboard
        is idle on screen; None: not now. Call after :meth:`may_start` said yes."""
        if depth > self.settled_depth:
            return WORK
        if self.failures and depth > 0:
            return RETRY  # the backoff has passed and the work is still there
        now = self.clock.monotonic()
        if idle and (self.last_run is None or now - self.last_run >= self.policy.idle_interval):
            return IDLE
        return None

    # ------------------------------------------------------------------ events
    def started(self) -> None:
        self.running = True

    def skipped(self) -> None:
        """A check that found nothing to do (the flag taken for it is given back)."""
        self.running = False

    def finished(self, *, ok: bool, remaining: int) -> None:
        """A run ended: ``ok`` when it reached the server and finished (refused items are
        still a success: the server answered); ``remaining`` the outbox's depth after it."""
        now = self.clock.monotonic()
        self.running = False
        self.last_run = now
        if ok:
            self.failures, self.retry_at = 0, None
            self.settled_depth = remaining
            return
        self.failures += 1
        delay = min(self.policy.backoff_cap, self.policy.backoff_base * 2 ** (self.failures - 1))
        self.retry_at = now + delay * self._rng.uniform(0.5, 1.0)

    def metered_pause(self) -> None:
        """An idle run was not started because the network is metered: it counts as a run
        for the idle interval (the next idle check is ``idle_interval`` away), the backoff
        and the work already settled are left as they were."""
        self.running = False
        self.last_run = self.clock.monotonic()

    def manual(self) -> None:
        """The enumerator pressed ``s``: the backoff is forgotten (the run starts at once)."""
        self.failures, self.retry_at = 0, None
