"""A separate process guessing a profile's password (tests/store/test_lockout_attack.py).

Each KDF run (a password really tried) appends a line to a log file, so the parent can count
the guesses that got as far as the password, across processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from census_tui.clock import SystemClock
from census_tui.store import envelope as env_mod


def count_kdf_runs(log: str, *, hang: Any = None, started: Any = None) -> None:
    """Make every password try in this process append to ``log``; with ``hang`` (an Event),
    set ``started`` and block there instead of answering (the process is then killed)."""
    original = env_mod.open_with_password

    def counting(env: env_mod.Envelope, password: str) -> bytes:
        with open(log, "a", encoding="ascii") as fh:
            fh.write("kdf\n")
        if hang is not None:
            started.set()
            hang.wait()
        return original(env, password)

    env_mod.open_with_password = counting


def guess(home: str, password: str, log: str, barrier: Any, results: Any) -> None:
    """Try ``password`` on profile ``enum01`` once all guessers are ready; report the outcome."""
    from census_tui.store import LockedOut, WrongPassword, unlock

    count_kdf_runs(log)
    barrier.wait()
    try:
        unlock("enum01", password, base=Path(home), clock=SystemClock()).close()
        results.put("opened")
    except LockedOut:
        results.put("locked")
    except WrongPassword:
        results.put("wrong")
    except Exception as exc:  # reported, so that the test shows it
        results.put(type(exc).__name__)


def guess_and_hang(home: str, log: str, started: Any, hang: Any) -> None:
    """Try a password and stay inside the KDF until killed."""
    from census_tui.store import unlock

    count_kdf_runs(log, hang=hang, started=started)
    unlock("enum01", "a guess", base=Path(home), clock=SystemClock())
