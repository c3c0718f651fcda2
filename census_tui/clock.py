"""One injectable clock. Everything that needs the time takes a Clock; tests pass a FakeClock.

Nothing in the project sleeps to wait for time to pass in tests: they advance a FakeClock.
"""

from __future__ import annotations

import functools
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

    def boottime(self) -> float:
        """Seconds since this boot, suspend included; no one can set it (the lockout's clock)."""
        ...

    def boot_id(self) -> str:
        """An id of the current boot ("" when unknown): ``boottime`` restarts with a new one."""
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

    def boottime(self) -> float:
        clock_id = getattr(time, "CLOCK_BOOTTIME", None)
        return time.clock_gettime(clock_id) if clock_id is not None else time.monotonic()

    def boot_id(self) -> str:
        return system_boot_id()


class FakeClock:
    """A clock that moves only when told to (or when something 'sleeps' on it)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2020, 11, 2, 9, 0, tzinfo=UTC)
        self._mono = 1000.0
        self._boot = 500.0
        self._boot_id = "fake-boot-1"
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    def boottime(self) -> float:
        return self._boot

    def boot_id(self) -> str:
        return self._boot_id

    def advance(self, seconds: float) -> None:
        """Move the wall, monotonic and boot clocks forward together."""
        self._now += timedelta(seconds=seconds)
        self._mono += seconds
        self._boot += seconds

    def reboot(self, uptime: float = 0.0) -> None:
        """A new boot, ``uptime`` seconds ago: a new boot id, the boot clock restarted."""
        number = int(self._boot_id.rsplit("-", 1)[1]) + 1
        self._boot_id, self._boot = f"fake-boot-{number}", uptime

    def set_wall(self, when: datetime) -> None:
        """Jump the wall clock (forwards or backwards) as a user changing the time would."""
        self._now = when


@functools.cache
def system_boot_id() -> str:
    """Linux's id of the current boot, or "" where there is none (read once: a process does
    not outlive its boot)."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            return fh.read().strip()
    except (OSError, ValueError):
        return ""


def iso(dt: datetime) -> str:
    """The one text form of a time stored or sent: ISO 8601, UTC, seconds."""
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    """Inverse of :func:`iso`; naive times are taken as UTC."""
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
