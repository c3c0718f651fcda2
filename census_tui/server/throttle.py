"""Failed-attempt throttling, shared by every worker process through the database.

A failed login, a wrong current password on ``/password`` and a wrong real name on ``/verify``
count against a key: ``account:<name>`` (at most :data:`ACCOUNT_FAILS` failures) and, for a
login, ``address:<client address>`` (at most :data:`ADDRESS_FAILS`), in any
:data:`FAIL_WINDOW` seconds. Each failure is a row ``(key, at)`` of the ``failed_attempts``
table (indexed on ``(key, at)``), so ``census-tui server run --workers N`` gives an account the
same number of guesses as one process would, whichever worker each guess reaches. Time is the
storage's injectable clock (tests move it instead of sleeping); rows older than the window are
swept as attempts come, at most once a :data:`SWEEP_EVERY` per process.

An attempt counts against its account as a failure from the moment it starts
(:meth:`Throttle.begin`, which checks and counts in one transaction holding the keys' locks) and
is forgiven when it succeeds (:meth:`Throttle.forgive`), so parallel guesses at one account
cannot slip in between the check and the answer. The client address is checked at the start
too, but counted only once an attempt has failed (:meth:`Throttle.failed`): many devices
behind one address (an office's NAT, a reverse proxy) logging in at the same moment must not be
refused for attempts still running (the load bench found 429s for correct passwords); parallel
guesses from one address can exceed its limit by the attempts in flight, never an account's.
Every method may block on the database: the application calls them in its thread pool.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from census_tui.server.storage import Storage, StorageUnavailable

ACCOUNT_FAILS, ADDRESS_FAILS, FAIL_WINDOW = 5, 30, 15 * 60.0
"""Failed attempts allowed per account and per client address in any 15 minutes."""
SWEEP_EVERY = 60.0
"""Seconds of the clock between two sweeps of expired failures by one process."""


@dataclass(frozen=True, slots=True)
class Key:
    """What failures are counted against, and how many are allowed in the window."""

    key: str
    limit: int
    lenient: bool = False
    """Counted only when an attempt fails (the address), not from its start (the account)."""


def by_account(account: str) -> Key:
    return Key(f"account:{account}", ACCOUNT_FAILS)


def by_address(address: str) -> Key:
    return Key(f"address:{address}", ADDRESS_FAILS, lenient=True)


@dataclass(frozen=True, slots=True)
class Attempt:
    """The answer of :meth:`Throttle.begin`: ``wait`` seconds before trying again (0: the
    attempt is counted and may go on), the ids of its failure rows (to forgive it)."""

    wait: int
    ids: tuple[int, ...] = ()
    later: tuple[str, ...] = ()
    """Keys to count only if the attempt fails (:meth:`Throttle.failed`)."""


class Throttle:
    """At most ``key.limit`` failures per key in any ``window`` seconds, in ``db``."""

    def __init__(self, db: Storage, *, window: float = FAIL_WINDOW) -> None:
        self.db = db
        self.window = window
        self._lock = threading.Lock()
        self._next_sweep: float | None = None

    def begin(self, *keys: Key) -> Attempt:
        """Count an attempt as a failure of every key until :meth:`forgive` says it succeeded,
        or, when a key has had its limit, count nothing and say how long to wait."""
        self._sweep_when_due()
        counted = [(k.key, k.limit) for k in keys if not k.lenient]
        checked = [(k.key, k.limit) for k in keys if k.lenient]
        wait, ids = self.db.begin_attempt(counted, self.window, check_only=checked)
        return Attempt(wait, ids, tuple(k for k, _ in checked))

    def failed(self, attempt: Attempt) -> None:
        """The attempt failed: count it against its lenient keys (the client address) too."""
        if attempt.later:
            self.db.record_failures(attempt.later)

    def forgive(self, attempt: Attempt, *, clear: Key | None = None) -> None:
        """The attempt succeeded: it is not a failure. ``clear`` also forgets every failure of
        that key (the account logged in with its password)."""
        self.db.forgive_attempts(
            attempt.ids, clear=None if clear is None else clear.key, window=self.window
        )

    def _sweep_when_due(self) -> None:
        """Delete expired failures of every key (those never tried again included)."""
        now = self.db.clock.now().timestamp()
        with self._lock:
            if self._next_sweep is not None and now < self._next_sweep:
                return
            self._next_sweep = now + SWEEP_EVERY
        try:
            self.db.sweep_attempts(self.window)
        except StorageUnavailable:  # another worker sweeping at once (a deadlock): next time
            with self._lock:
                self._next_sweep = None
