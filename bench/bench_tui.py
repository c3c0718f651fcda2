"""TUI benchmarks in a real pty (issue 5 §12), each next to a bare Textual app in the same run.

* keystroke-to-next-question latency: from writing an answer's last key to the next question's
  header being drawn (median, p95); the bare app redraws a label on Enter, after "1" (the
  reference rows) and, in the "same keys" rows, after typing the same text as the census answer
  (an 18-character ID number costs Textual's Input 18 keystrokes in either app). An answer's
  keys but the last are sent at once; the "typed at N keys/s" rows send them one every
  ``--gap`` seconds instead (a fast typist), which the type-ahead queue handles one by one;
* cold start: from spawning the process to the whole login screen being drawn (its password
  field and both buttons; the bare app: its label);
* peak RSS while interviewing: the peak (VmHWM) is reset when the first question is drawn and
  read after the household's last answer; the bare app's is reset after its first frame and read
  after the same number of answers. Also, for information, the peak of the whole run (login,
  dashboard, interview) of a profile with the real key-derivation cost: scrypt takes 64 MiB
  for about 0.3 s at login by design (``store/envelope.py``), so that peak is the KDF's.

Run: ``.venv/bin/python bench/bench_tui.py [--runs 5] [--starts 10] [--gap 0.05] [--by-item]``
(the cold starts go in pairs whose order alternates), and the same inside
``../shared/tools/handheld`` (both apps run inside it). Uses a practice profile in a temporary
CENSUS_TUI_HOME (real SQLCipher, synchronous=FULL). Targets: p95 <= 50 ms (handheld: <= 100 ms
and <= 1.25x bare); cold start <= 1.3x bare; peak RSS while interviewing <= 64 MiB, whole run
<= 128 MiB.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BARE = r"""
from textual.app import App
from textual.widgets import Input, Static
class Bare(App):
    def compose(self):
        yield Static("Server address", id="q")
        yield Input(id="a")
    def on_mount(self):
        self.n = 0
        self.query_one(Input).focus()
    def on_input_submitted(self, event):
        self.n += 1
        self.query_one("#q", Static).update(f"Question Q{self.n:03d}")
        event.input.value = ""
Bare().run()
"""


def _env(home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "CENSUS_TUI_HOME": str(home),
        "CENSUS_TUI_IDLE_MINUTES": "0",
        "PYTHONPATH": str(REPO),
    }


def _census(home: Path):  # type: ignore[no-untyped-def]
    from tests.tui.ptyterm import PtyApp

    return PtyApp([sys.executable, "-m", "census_tui", "--lang", "en"], _env(home))


def _bare(home: Path):  # type: ignore[no-untyped-def]
    from tests.tui.ptyterm import PtyApp

    return PtyApp([sys.executable, "-c", BARE], _env(home))


CENSUS_LOGIN = ("Log in", "Password", "First login")
"""Texts of the whole login frame: Textual may draw a screen in more than one write, so one
marker could be seen before the frame is complete."""


def drawn(app, needles: tuple[str, ...]) -> float:  # type: ignore[no-untyped-def]
    """Block until every needle has been drawn since start; the time the last one appeared."""
    for needle in needles:
        app.wait_for(needle, timeout=60, new_only=False)
    return float(time.monotonic())


def cold_start(home: Path, runs: int) -> tuple[list[float], list[float]]:
    """``runs`` cold starts of each app, in pairs whose order alternates (the first of a pair
    may find the machine busier or quieter, e.g. still reaping the previous pair)."""
    census: list[float] = []
    bare: list[float] = []
    apps = [(_census, CENSUS_LOGIN, census), (_bare, ("Server address",), bare)]
    for run in range(runs):
        for start, markers, out in apps if run % 2 == 0 else apps[::-1]:
            t0 = time.monotonic()
            app = start(home)
            out.append(drawn(app, markers) - t0)
            app.kill(signal.SIGKILL)
    return census, bare


def type_keys(app, keys: str, gap: float) -> float:  # type: ignore[no-untyped-def]
    """Send an answer's keys, all but the last at once (``gap`` 0) or one every ``gap`` seconds;
    the time the last key was written."""
    if gap <= 0:
        app.send(keys[:-1])
        return float(app.send(keys[-1]))
    for key in keys[:-1]:
        app.send(key)
        app.pace(gap)
    return float(app.send(keys[-1]))


def interview(home: Path, run: int, gap: float = 0.0) -> tuple[list[float], int, list[str], int]:
    """Latency of each scripted answer, peak RSS while interviewing, the keys typed for each
    answer, and the peak RSS of the whole run. ``gap``: seconds between an answer's keys (0: all
    but the last sent at once)."""
    dwelling = f"D{run + 1:04d}"
    from tests.tui.conftest import PASSWORD
    from tests.tui.script import marker_for, steps

    app = _census(home)
    try:
        app.wait_for("Log in", timeout=60)
        app.send(PASSWORD + "\r")
        app.wait_for(dwelling, timeout=60)
        app.send("/")
        app.wait_for("Enter opens the first")
        app.send(dwelling + "\r")  # Enter in the filter opens the first match
        app.wait_for("Enter interview")
        app.mark()
        app.send("\r")
        app.wait_for(marker_for("H1"))
        whole = app.peak_rss_kb()
        app.reset_peak_rss()
        times = []
        typed = []
        for step in steps(household=run):
            if not step.marker:
                break
            app.mark()
            t0 = type_keys(app, step.keys, gap)
            times.append(app.wait_for(step.marker) - t0)
            typed.append(step.keys)
        return times, app.peak_rss_kb(), typed, max(whole, app.peak_rss_kb())
    finally:
        app.kill(signal.SIGKILL)


def bare_interview(home: Path, answers: list[str], gap: float = 0.0) -> tuple[list[float], int]:
    """The bare app: each answer's keys then Enter; from the last key to the label redrawn."""
    app = _bare(home)
    try:
        app.wait_for("Server address", timeout=60)
        app.reset_peak_rss()
        times = []
        for i, keys in enumerate(answers, start=1):
            keys = keys if keys.endswith("\r") else keys + "\r"
            app.mark()
            t0 = type_keys(app, keys, gap)
            times.append(app.wait_for(f"Q{i:03d}") - t0)
        return times, app.peak_rss_kb()
    finally:
        app.kill(signal.SIGKILL)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="interviews (households) of each app")
    parser.add_argument("--starts", type=int, default=10, help="cold starts of each app")
    parser.add_argument(
        "--gap", type=float, default=0.05,
        help="seconds between keys in the 'typed at a pace' rows (default 0.05: 20 keys/s; "
        "0 leaves those rows out)",
    )  # fmt: skip
    parser.add_argument("--by-item", action="store_true", help="median ms of each question")
    args = parser.parse_args()

    from census_tui.clock import SystemClock
    from census_tui.store import DEFAULT_KDF
    from census_tui.visit.practice import make_local_profile
    from tests.tui.conftest import CHEAP, PASSWORD, PROFILE

    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as tmp_real:
        home = Path(tmp)
        make_local_profile(
            home, PROFILE, PASSWORD, clock=SystemClock(), kdf=CHEAP, dwellings=5000
        ).close()
        real = Path(tmp_real)  # the real scrypt cost, for the whole-run peak
        make_local_profile(
            real, PROFILE, PASSWORD, clock=SystemClock(), kdf=DEFAULT_KDF, dwellings=5000
        ).close()
        whole_real = interview(real, 0)[3]
        cold_c, cold_b = cold_start(home, args.starts)
        lat_c: list[float] = []
        lat_b: list[float] = []
        lat_s: list[float] = []
        pace_c: list[float] = []
        pace_b: list[float] = []
        by_item: dict[str, list[float]] = {}
        rss_c = rss_b = 0
        for run in range(args.runs):
            times, rss, typed, _ = interview(home, run)
            lat_c += times
            rss_c = max(rss_c, rss)
            for keys_item, t in zip(items(run), times, strict=False):
                by_item.setdefault(keys_item, []).append(t)
            times, rss = bare_interview(home, ["1\r"] * len(times))
            lat_b += times
            rss_b = max(rss_b, rss)
            lat_s += bare_interview(home, typed)[0]
            if args.gap > 0:
                pace_c += interview(home, args.runs + run, args.gap)[0]
                pace_b += bare_interview(home, typed, args.gap)[0]

    ms = 1000.0
    rows = [
        ("next question, median (ms)", statistics.median(lat_c) * ms,
         statistics.median(lat_b) * ms),
        ("next question, p95 (ms)", p95(lat_c) * ms, p95(lat_b) * ms),
        ("  same keys in bare, median (ms)", statistics.median(lat_c) * ms,
         statistics.median(lat_s) * ms),
        ("  same keys in bare, p95 (ms)", p95(lat_c) * ms, p95(lat_s) * ms),
        *([
            (f"  typed at {1 / args.gap:.0f} keys/s, median (ms)",
             statistics.median(pace_c) * ms, statistics.median(pace_b) * ms),
            (f"  typed at {1 / args.gap:.0f} keys/s, p95 (ms)", p95(pace_c) * ms,
             p95(pace_b) * ms),
        ] if args.gap > 0 else []),
        ("cold start to login, median (ms)", statistics.median(cold_c) * ms,
         statistics.median(cold_b) * ms),
        ("peak RSS while interviewing (MiB)", rss_c / 1024, rss_b / 1024),
        ("  whole run, real scrypt at login (MiB)", whole_real / 1024, rss_b / 1024),
    ]  # fmt: skip
    print(f"{'measure':<36}{'census-tui':>12}{'bare Textual':>14}{'ratio':>8}")
    for name, census, bare in rows:
        print(f"{name:<36}{census:>12.1f}{bare:>14.1f}{census / bare:>8.2f}")
    print(f"samples: {len(lat_c)} answers over {args.runs} households (5,000-dwelling area); "
          f"{args.starts} cold starts each")  # fmt: skip
    if args.by_item:
        print("median ms of each question (census-tui, keys sent at once):")
        print(" ".join(f"{k}:{statistics.median(v) * ms:.0f}" for k, v in by_item.items()))


def items(run: int) -> list[str]:
    """Person number and item id of each scripted answer, e.g. ``p1.D3`` (``hh.H1``)."""
    from tests.tui.script import steps

    return [("hh" if s.person < 0 else f"p{s.person + 1}") + "." + s.item_id
            for s in steps(household=run) if s.marker]  # fmt: skip


if __name__ == "__main__":
    main()
