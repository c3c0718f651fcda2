"""Failed-login throttling: a sliding window of failures per key (an account, a client address).

In memory, per server process, bounded in size (the oldest keys are forgotten first), timed by
the server's injectable clock so tests move time instead of sleeping. An attempt counts as a
failure from the moment it starts (:meth:`Throttle.begin`) and is forgiven when it succeeds, so
parallel guesses cannot slip in between the check and the answer.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque

from census_tui.clock import Clock

MAX_KEYS = 100_000
"""Keys remembered at most; beyond that the least recently failed are dropped."""


class Throttle:
    """At most ``limit`` failures per key in any ``window`` seconds."""

    def __init__(self, clock: Clock, *, limit: int, window: float) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self._fails: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str) -> deque[float]:
        now = self.clock.monotonic()
        fails = self._fails.get(key)
        if fails is None:
            return deque()
        while fails and fails[0] <= now - self.window:
            fails.popleft()
        if not fails:
            del self._fails[key]
        return fails

    def wait(self, key: str) -> int:
        """Seconds until ``key`` may try again (0: now)."""
        fails = self._recent(key)
        if len(fails) < self.limit:
            return 0
        return max(1, math.ceil(fails[-self.limit] + self.window - self.clock.monotonic()))

    def begin(self, key: str) -> None:
        """Count an attempt as a failure until :meth:`forgive` says it succeeded."""
        fails = self._recent(key)
        fails.append(self.clock.monotonic())
        self._fails[key] = fails
        self._fails.move_to_end(key)
        while len(self._fails) > MAX_KEYS:
            self._fails.popitem(last=False)

    def forgive(self, key: str) -> None:
        """The attempt begun last for ``key`` succeeded: it is not a failure."""
        fails = self._fails.get(key)
        if fails:
            fails.pop()

    def clear(self, key: str) -> None:
        """Forget every failure of ``key`` (a successful login of that account)."""
        self._fails.pop(key, None)
