"""Memory over a working day: many households through one run of the real TUI in a pty.

``python -m census_tui`` runs in a pseudo-terminal (80x24) on a practice profile of a
5,000-dwelling area (real SQLCipher, cheap key derivation so that the login's scrypt does not
set the peak; ``bench_tui.py`` measures that one). One process completes ``--households``
households one after another, each the scripted 3-person household of ``tests/tui/script.py``:
open the dwelling from the dashboard's filter, answer every question, read back, name the
respondent, back on the dashboard. After each household the current RSS (``VmRSS``) and the
peak (``VmHWM``) are read from ``/proc/PID/status``.

Goal: flat, the average RSS of the last ten households within +-5 % of the first ten; peak RSS
while interviewing <= 64 MiB. Run: ``.venv/bin/python bench/bench_memory.py [--households 100]``.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 60.0
"""Seconds to wait for any one screen (a handheld run is slow; a lost key shows as a timeout)."""
sys.path.insert(0, str(REPO))


def status_kb(pid: int, field: str) -> int:
    """One ``kB`` field of ``/proc/PID/status`` (``VmRSS``, ``VmHWM``)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def insist(app, keys: str, needle: str) -> int:  # type: ignore[no-untyped-def]
    """Send ``keys`` until ``needle`` is drawn (each try waits 5 s; the last, ``TIMEOUT``); how
    many tries were lost. Only for keys that are harmless to send twice."""
    lost = 0
    while True:
        app.send(keys)
        try:
            app.wait_for(needle, timeout=5 if lost < 3 else TIMEOUT)
            return lost
        except TimeoutError:
            lost += 1


def household(app, number: int) -> int:  # type: ignore[no-untyped-def]
    """Complete dwelling ``number``'s household through the dashboard, interview and read-back;
    how many dashboard keys had to be sent again (lost on the way: reported, not hidden)."""
    from tests.tui.script import marker_for, steps

    dwelling = f"D{number + 1:04d}"
    lost = insist(app, "/", "Enter opens the first")
    # Ctrl+U clears whatever a lost key left in the filter; Enter opens the first match.
    lost += insist(app, "\x15" + dwelling + "\r", "Enter interview")
    app.mark()
    app.send("\r")
    app.wait_for(marker_for("H1"), timeout=TIMEOUT)
    for step in steps(household=number):
        app.mark()
        app.send(step.keys)
        app.wait_for(step.marker or "Self-check passed", timeout=TIMEOUT)
    app.mark()
    app.send("\r")  # to the read-back
    app.wait_for("Respondent", timeout=TIMEOUT)
    app.mark()
    app.send("Zhang San\r")
    app.wait_for("Household completed", timeout=TIMEOUT)
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100)
    args = parser.parse_args()

    from census_tui.clock import SystemClock
    from census_tui.visit.practice import make_local_profile
    from tests.tui.conftest import CHEAP, PASSWORD, PROFILE
    from tests.tui.ptyterm import PtyApp, pty_env

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        make_local_profile(
            home, PROFILE, PASSWORD, clock=SystemClock(), kdf=CHEAP, dwellings=5000
        ).close()
        env = pty_env(home, CENSUS_TUI_IDLE_MINUTES="0")
        app = PtyApp([sys.executable, "-m", "census_tui", "--lang", "en"], env)
        rss: list[int] = []
        lost = 0
        t0 = time.monotonic()
        try:
            app.wait_for("Log in", timeout=TIMEOUT)
            app.send(PASSWORD + "\r")
            app.wait_for("D0001", timeout=TIMEOUT)
            login_rss = status_kb(app.pid, "VmRSS")
            for number in range(args.households):
                lost += household(app, number)
                rss.append(status_kb(app.pid, "VmRSS"))
            peak = status_kb(app.pid, "VmHWM")
        finally:
            app.kill(signal.SIGKILL)
        wall = time.monotonic() - t0

    n = min(10, len(rss))
    first = statistics.mean(rss[:n]) / 1024
    last = statistics.mean(rss[-n:]) / 1024
    print("| measure | value |")
    print("|---|---|")
    print(f"| RSS on the dashboard after login (MiB) | {login_rss / 1024:.1f} |")
    print(f"| RSS after households 1-{n}, average (MiB) | {first:.1f} |")
    print(f"| RSS after the last {n} households, average (MiB) | {last:.1f} |")
    print(f"| change, last {n} vs first {n} | {100 * (last / first - 1):+.1f} % |")
    print(f"| peak RSS of the whole run (VmHWM, MiB) | {peak / 1024:.1f} |")
    print(f"| dashboard keys lost (sent again after 5 s) | {lost} |")
    print(f"households: {len(rss)} in one run, {wall:.0f} s; RSS after each (MiB): "
          + " ".join(f"{kb / 1024:.1f}" for kb in rss))  # fmt: skip


if __name__ == "__main__":
    main()
