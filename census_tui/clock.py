"""One injectable clock. Everything that needs the time takes a Clock; tests pass a FakeClock.

Nothing in the project sleeps to wait for time to pass in tests: they advance a FakeClock.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """A source of wall-clock time (UTC) and of monotonic time."""

    def now(self) -> datetime:
        """The current time, timezone-aware, UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin, never going backwards."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait; a FakeClock advances itself instead."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FakeClock:
    """A clock that moves only when told to (or when something 'sleeps' on it)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2020, 11, 2, 9, 0, tzinfo=UTC)
        self._mono = 1000.0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move both clocks forward."""
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    def set_wall(self, when: datetime) -> None:
        """Jump the wall clock (forwards or backwards) as a user changing the time would."""
        self._now = when


def iso(dt: datetime) -> str:
    """The one text form of a time stored or sent: ISO 8601, UTC, seconds."""
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    """Inverse of :func:`iso`; naive times are taken as UTC."""
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
