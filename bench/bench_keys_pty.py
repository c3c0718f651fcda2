"""Keystroke latency of the roster grid and the dashboard in a real pty (issues 5 and 7).

``bench_roster.py`` and ``bench_dashboard.py`` time keys with Textual's Pilot (which adds its own
~60 ms a press) and with the app's own clock. This benchmark times what a terminal sees, like
``bench_tui.py``: ``python -m census_tui`` runs in a pseudo-terminal (100x24) and each key is timed
from its bytes being written to the pty to the output that can only come from the key having been
handled and drawn. Next to it, in the same run, a bare Textual app with a DataTable of the same
size (the same rows, the same order) takes the same keys:

* roster grid, 2,000-row list (the sample list, imported with only the good rows): ``p`` marks the
  cursor's person present (drawn: the counts line's ``present N`` with N one more); typing into
  the filter and erasing it (drawn: ``shown N`` with N the number of matches, computed here with
  the domain's own ``matching``). The bare app shows a line ``present N · shown N`` too, updates
  the status cell and moves the cursor, and refills its DataTable on each filter keystroke;
* dashboard, 5,000 dwellings: Down (drawn: the id of the dwelling under the cursor, known from the
  service's row order), PageDown (drawn: the new bottom row, the last line of the table; the
  page is measured by one PageDown not timed), typing into the filter and erasing it (drawn:
  the last dwelling of the new screenful that was not in the previous one, computed with the
  dashboard's own matching rule).

Every run makes a fresh practice profile (real SQLCipher) in a temporary CENSUS_TUI_HOME, so the
marks start from an unmarked list. Run: ``.venv/bin/python bench/bench_keys_pty.py [--runs 3]
[--slow]`` (``--slow`` lists each census-tui key over 50 ms). Prints a Markdown table: medians
over the runs of each run's median and p95; target p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.tui.ptyterm import _ANSI, PtyApp  # noqa: E402

ROSTER_DWELLING = "D2500"
DASH_WIDTHS = (19, 28, 15, 10, 11)  # the dashboard's WIDE_WIDTHS
ROSTER_WIDTHS = (5, 12, 18, 10, 8)  # the roster screen's COLUMNS
MARKS = 60
DOWNS = 40
PAGES = 40
DASH_FILTERS = ("4987", "2718", "1357", "3602", "0815", "4149")  # typed, then erased
ROSTER_FILTERS = ("5101", "4302", "1970", "3624", "2001", "4505")
DOWN, PAGE_DOWN, BACKSPACE, ESC = "\x1b[B", "\x1b[6~", "\x7f", "\x1b"
ID_RE = re.compile(r"D(\d{4})")
TARGET_MS = 50.0
COLS = 100
"""Terminal width: at 80 columns the roster's counts line (one line high) is cut before its
``shown N``, and the dashboard's columns (93 cells) are cropped."""

BARE_COMMON = r"""
import json, sys
from textual.app import App
from textual.widgets import DataTable, Input, Static
data = json.load(open(sys.argv[1], encoding="utf-8"))
class Bare(App):
    BINDINGS = [("slash", "filter", "filter"), ("escape", "table", "table")]
    CSS = "#c { height: 1; } #f { height: 3; } #t { height: 1fr; }"
    def compose(self):
        yield Static(self.counts(), id="c")
        yield Input(id="f")
        yield DataTable(id="t", cursor_type="row", zebra_stripes=True)
    def on_mount(self):
        t = self.query_one(DataTable)
        for i, w in enumerate(data["widths"]):
            t.add_column(f"c{i}", key=str(i), width=w)
        self.fill("")
        t.focus()
    def fill(self, needle):
        t = self.query_one(DataTable)
        t.clear()
        self.shown = 0
        for i, row in enumerate(data["rows"]):
            if needle in data["keys"][i]:
                t.add_row(*row, key=str(i))
                self.shown += 1
    def on_input_changed(self, event):
        self.fill(event.value.strip().casefold())
        self.query_one("#c", Static).update(self.counts())
    def action_filter(self):
        self.query_one(Input).focus()
    def action_table(self):
        self.query_one(DataTable).focus()
"""
BARE_DASH = (
    BARE_COMMON
    + r"""
    def counts(self):
        return "dashboard"
Bare().run()
"""
)
BARE_ROSTER = (
    BARE_COMMON
    + r"""
    present = 0
    shown = len(data["rows"])
    def counts(self):
        return f"present {self.present} · shown {self.shown}"
    def on_key(self, event):
        t = self.query_one(DataTable)
        if event.key == "p" and self.focused is t:
            key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key
            if t.get_cell(key, "4") != "present":
                t.update_cell(key, "4", "present")
                self.present += 1
            self.query_one("#c", Static).update(self.counts())
            t.move_cursor(row=t.cursor_row + 1)
Bare().run()
"""
)

Times = dict[str, list[float]]


def _env(home: Path) -> dict[str, str]:
    """The environment of both apps (as ``bench_tui.py``): a practice home, no idle lock."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "CENSUS_TUI_HOME": str(home),
        "CENSUS_TUI_IDLE_MINUTES": "0",
        "PYTHONPATH": str(REPO),
    }


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


# --------------------------------------------------------------------------- waiting on the pty
def new_text(app: PtyApp) -> str:
    return _ANSI.sub(b"", bytes(app.raw[app.seen :])).decode("utf-8", "replace")


def wait_until(app: PtyApp, drawn: Callable[[str], bool], what: str, timeout: float = 20) -> float:
    """Block until ``drawn(text drawn since the last mark)``; the time it became true."""
    deadline = time.monotonic() + timeout
    while not drawn(new_text(app)):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{what} not drawn within {timeout}s; tail:\n{app.text()[-1500:]}")
        app._pump(left)
    now = time.monotonic()
    app.seen = len(app.raw)
    return now


def settle(app: PtyApp, quiet: float = 0.3) -> None:
    """Let the program finish drawing (no output for ``quiet`` s, at most 3 s) before timing."""
    end = time.monotonic() + 3
    while app._pump(quiet) and time.monotonic() < end:
        pass
    app.mark()


SLOW: list[tuple[str, str, float]] = []
"""(app, what was waited for, seconds) of each key slower than the target, for ``--slow``."""
CURRENT = ["census-tui"]


def timed(app: PtyApp, key: str, drawn: Callable[[str], bool], what: str) -> float:
    app.mark()
    t0 = app.send(key)
    took = wait_until(app, drawn, what) - t0
    if took * 1000 > TARGET_MS:
        SLOW.append((CURRENT[0], what, took))
    return took


def shows(regex: str) -> Callable[[str], bool]:
    pattern = re.compile(regex)
    return lambda text: pattern.search(text) is not None


# --------------------------------------------------------------------------- data
def make_data(home: Path) -> tuple[dict[str, object], dict[str, object]]:
    """A 5,000-dwelling practice profile with a 2,000-row roster; the rows both apps show."""
    from census_tui.clock import SystemClock
    from census_tui.roster.preview import read_roster_file
    from census_tui.roster.sample import write_sample_roster
    from census_tui.visit.practice import make_local_profile
    from census_tui.visit.states import STATE_LABELS
    from tests.tui.conftest import CHEAP, PASSWORD, PROFILE

    session = make_local_profile(
        home, PROFILE, PASSWORD, clock=SystemClock(), kdf=CHEAP, dwellings=5000
    )
    try:
        listing = home / "roster.csv"
        write_sample_roster(listing, rows=2000)
        roster = session.roster()
        roster.import_preview(ROSTER_DWELLING, read_roster_file(listing), only_good=True)
        entries = roster.entries(ROSTER_DWELLING)
        board = session.dashboard()
    finally:
        session.close()
    dash_rows = [
        [r.dwelling_id, r.address, STATE_LABELS[r.state]("en"), r.head_name, ""] for r in board.rows
    ]
    dash: dict[str, object] = {
        "widths": DASH_WIDTHS,
        "rows": dash_rows,
        "keys": [f"{r.dwelling_id}\t{r.address}\t{r.head_name}".lower() for r in board.rows],
    }
    roster_data: dict[str, object] = {
        "widths": ROSTER_WIDTHS,
        "rows": [[str(e.line), e.name, e.id_number, e.room, e.status.value] for e in entries],
        "keys": [e.key for e in entries],
        "present": sum(e.status.value == "present" for e in entries),
    }
    return dash, roster_data


def filter_keys(words: tuple[str, ...]) -> list[tuple[str, str]]:
    """(key, filter text after it) for typing each word and erasing it."""
    out: list[tuple[str, str]] = []
    for word in words:
        out += [(ch, word[: i + 1]) for i, ch in enumerate(word)]
        out += [(BACKSPACE, word[:i]) for i in range(len(word) - 1, -1, -1)]
    return out


# --------------------------------------------------------------------------- the dashboard
def furthest_drawn(app: PtyApp, pos: dict[str, int]) -> int:
    """The position (in the dashboard's order) of the furthest dwelling drawn so far."""
    return max(pos.get("D" + m, -1) for m in ID_RE.findall(app.text()))


def dash_keys(app: PtyApp, dash: dict[str, object], times: Times) -> None:
    """Down, PageDown, then the filter, on whichever app is on the pty (table focused).

    A first PageDown, not timed, measures the page (how far the window moves; both tables then
    show the new cursor row at the bottom); each timed PageDown waits for the new bottom row,
    the last line of the table to be drawn. A filter keystroke waits for the last row of the new
    window that was not in the previous one (or, if none, the new window's last row).
    """
    ids = [row[0] for row in dash["rows"]]  # type: ignore[attr-defined]
    keys: list[str] = dash["keys"]  # type: ignore[assignment]
    pos = {d: i for i, d in enumerate(ids)}
    for k in range(1, DOWNS + 1):
        times["down"].append(timed(app, DOWN, shows(ids[k]), f"cursor on {ids[k]}"))
    settle(app)
    bottom = furthest_drawn(app, pos)
    app.send(PAGE_DOWN)
    wait_until(app, lambda _: furthest_drawn(app, pos) > bottom, "the first page down")
    settle(app)
    page = furthest_drawn(app, pos) - bottom
    bottom += page
    for _ in range(PAGES):
        bottom += page
        want = ids[bottom]
        times["page"].append(timed(app, PAGE_DOWN, shows(want), f"bottom row {want}"))
    settle(app)
    app.send("/")
    settle(app)
    before = ids[bottom - page + 1 : bottom + 1]
    for key, text in filter_keys(DASH_FILTERS):
        needle = text.strip().lower()
        view = [ids[i] for i, k in enumerate(keys) if needle in k][:page]
        want = ([d for d in view if d not in before] or view)[-1]
        times["filter"].append(timed(app, key, shows(want), f"{want} for {text!r}"))
        before = view
    app.send(ESC)
    settle(app)


# --------------------------------------------------------------------------- the roster grid
def roster_keys(app: PtyApp, roster: dict[str, object], times: Times) -> None:
    """Marks, then the filter, on whichever app is on the pty (grid focused, nothing typed)."""
    from census_tui.roster.state import search_key

    present: int = roster["present"]  # type: ignore[assignment]
    for _ in range(MARKS):
        present += 1
        times["mark"].append(
            timed(app, "p", shows(rf"present {present}(?!\d)"), f"present {present}")
        )
    settle(app)
    app.send("/")
    settle(app)
    keys: list[str] = roster["keys"]  # type: ignore[assignment]
    for key, text in filter_keys(ROSTER_FILTERS):
        needle = search_key(text.strip())
        n = sum(needle in k for k in keys) if needle else len(keys)
        times["rfilter"].append(
            timed(app, key, shows(rf"shown {n}(?!\d)"), f"shown {n} for {text!r}")
        )
    app.send("\r")
    settle(app)


# --------------------------------------------------------------------------- one run
def one_run(tmp: Path, run: int) -> tuple[Times, Times]:
    from tests.tui.conftest import PASSWORD

    home = tmp / f"run{run}"
    home.mkdir()
    dash, roster = make_data(home)
    for name, data in (("dash.json", dash), ("roster.json", roster)):
        (home / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    census: Times = {k: [] for k in ("down", "page", "filter", "mark", "rfilter")}
    bare: Times = {k: [] for k in census}
    first = dash["rows"][0][0]  # type: ignore[index]

    CURRENT[0] = f"run {run} census-tui"
    app = PtyApp([sys.executable, "-m", "census_tui", "--lang", "en"], _env(home), cols=COLS)
    try:
        app.wait_for("Log in", timeout=60)
        app.send(PASSWORD + "\r")
        app.wait_for(first, timeout=60)
        settle(app)
        dash_keys(app, dash, census)
        app.send("/")
        app.wait_for("Enter opens the first")
        app.send(ROSTER_DWELLING + "\r")
        app.wait_for("Enter interview", timeout=30)
        settle(app)
        app.send("r")
        wait_until(app, shows(r"shown \d+"), "the roster grid", timeout=30)
        settle(app)
        roster_keys(app, roster, census)
    finally:
        app.kill(signal.SIGKILL)

    drivers: list[tuple[str, str, Callable[[PtyApp], None]]] = [
        (BARE_DASH, "dash.json", lambda a: dash_keys(a, dash, bare)),
        (BARE_ROSTER, "roster.json", lambda a: roster_keys(a, roster, bare)),
    ]
    for script, data_file, drive in drivers:
        CURRENT[0] = f"run {run} bare"
        app = PtyApp([sys.executable, "-c", script, str(home / data_file)], _env(home), cols=COLS)
        try:
            wait_until(app, shows(r"D\d{4}|present \d"), "the bare table", timeout=60)
            settle(app)
            drive(app)
        finally:
            app.kill(signal.SIGKILL)
    return census, bare


CASES = (
    ("roster 2,000: mark (p)", "mark"),
    ("roster 2,000: filter typing", "rfilter"),
    ("dashboard 5,000: Down", "down"),
    ("dashboard 5,000: PageDown", "page"),
    ("dashboard 5,000: filter typing", "filter"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh profiles, each app once")
    parser.add_argument("--slow", action="store_true", help="list census-tui keys over 50 ms")
    args = parser.parse_args()
    per_run: list[tuple[Times, Times]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            per_run.append(one_run(Path(tmp), run))

    def over_runs(which: int, kind: str, stat: Callable[[list[float]], float]) -> float:
        return statistics.median(stat(r[which][kind]) for r in per_run) * 1000

    print("| keystroke (real pty, 100x24) | census-tui median | census-tui p95 "
          "| bare DataTable median | bare p95 | p95 ratio | p95 <= 50 ms |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, kind in CASES:
        c50, c95 = over_runs(0, kind, statistics.median), over_runs(0, kind, p95)
        b50, b95 = over_runs(1, kind, statistics.median), over_runs(1, kind, p95)
        verdict = "yes" if c95 <= TARGET_MS else "**no**"
        print(f"| {label} | {c50:.1f} | {c95:.1f} | {b50:.1f} | {b95:.1f} "
              f"| {c95 / b95:.2f} | {verdict} |")  # fmt: skip
    n = {kind: len(per_run[0][0][kind]) for _, kind in CASES}
    print(f"\nms, medians over {args.runs} runs of each run's median and p95; keys per run: "
          + ", ".join(f"{kind} {count}" for kind, count in n.items()))  # fmt: skip
    if args.slow:
        print("\ncensus-tui keys over 50 ms (waited for, ms):")
        for who, what, took in SLOW:
            if "bare" not in who:
                print(f"- {who}: {what}: {took * 1000:.0f}")


if __name__ == "__main__":
    main()
