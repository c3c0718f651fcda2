"""Idle cost: the TUI left on its dashboard, next to a bare Textual app left alone, same window.

A handheld's battery pays for every wake-up of an idle screen. ``python -m census_tui`` logs in
to a practice profile of a 5,000-dwelling area in a pseudo-terminal (80x24) and is left on the
dashboard; a bare Textual app (a label and an Input) runs in a second pty at the same time. After
a short settling pause, both are measured over the same wall-clock window: CPU time from
``/proc/PID/stat`` (utime + stime, in clock ticks, every thread of the process) and wake-ups
(voluntary context switches of every thread, ``/proc/PID/task/*/status``).

Goal: under 1 % of a core over 60 s. Run: ``.venv/bin/python bench/bench_idle.py
[--seconds 60]`` (inside ``../shared/tools/handheld`` for the handheld figure).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int:
    """utime + stime of the whole process (all threads), in clock ticks."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def wakeups(pid: int) -> int:
    """Voluntary context switches summed over the process's threads."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as fh:
                for line in fh:
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
        except OSError:  # a thread that ended meanwhile
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="measurement window")
    parser.add_argument("--settle", type=float, default=3.0, help="pause before the window")
    args = parser.parse_args()

    from bench.bench_tui import _bare, _census
    from census_tui.clock import SystemClock
    from census_tui.visit.practice import make_local_profile
    from tests.tui.conftest import CHEAP, PASSWORD, PROFILE

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        make_local_profile(
            home, PROFILE, PASSWORD, clock=SystemClock(), kdf=CHEAP, dwellings=5000
        ).close()
        census = _census(home)
        bare = _bare(home)
        apps = {"census-tui (dashboard)": census, "bare Textual app": bare}
        try:
            census.wait_for("Log in", timeout=120)
            census.send(PASSWORD + "\r")
            census.wait_for("D0001", timeout=120)
            bare.wait_for("Server address", timeout=120)
            census.pace(args.settle)
            before = {name: (cpu_ticks(a.pid), wakeups(a.pid)) for name, a in apps.items()}
            t0 = time.monotonic()
            end = t0 + args.seconds
            while time.monotonic() < end:  # keep both ptys drained; nothing is typed
                for a in apps.values():
                    a.pace(min(0.25, max(0.0, end - time.monotonic())))
            wall = time.monotonic() - t0
            after = {name: (cpu_ticks(a.pid), wakeups(a.pid)) for name, a in apps.items()}
        finally:
            for a in apps.values():
                a.kill(signal.SIGKILL)

    print("| app | CPU over the window (s) | share of one core | wake-ups a second |")
    print("|---|---|---|---|")
    for name in apps:
        ticks = after[name][0] - before[name][0]
        woke = after[name][1] - before[name][1]
        cpu = ticks / TICK
        print(f"| {name} | {cpu:.2f} | {100 * cpu / wall:.2f} % | {woke / wall:.1f} |")
    print(f"window: {wall:.1f} s wall, both apps at once; clock tick {1000 / TICK:.0f} ms")


if __name__ == "__main__":
    main()
