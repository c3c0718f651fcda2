"""Dashboard benchmark (issue 5 §2, "stays instant with 5,000 dwellings").

A real practice profile with 5,000 listed dwellings (SQLCipher, ``make_local_profile``); the real
TUI logs in and shows its dashboard at 80x24. Two kinds of keystroke are timed:

* ``cursor``: Down (and a few PageDown/End/Home) in the dwelling list;
* ``filter``: typing ``d4987`` into the filter one character at a time and erasing it (each
  keystroke rescans all 5,000 rows: 5,000, 1,000, 100, 10, 1 matches).

In the same run a bare Textual app (an Input over a DataTable of the same 5,000 rows, same
column widths, no domain code) does the same: the cursor is DataTable's own, and a filter clears
and refills the table with the matching rows, the straightforward way to filter a DataTable.

Each keystroke is timed two ways, as in ``bench_roster.py``:

* ``app``: the app's own clock, from the key's handler starting to the end of the next screen
  refresh (``call_after_refresh``): what the enumerator waits for, without the harness;
* ``pilot``: Textual's headless Pilot, one ``press`` = the key delivered, handled and the app
  idle again (includes Pilot's own overhead, the same for both).

Target: p95 <= 50 ms (app clock). Run: ``.venv/bin/python bench/bench_dashboard.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import on
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from census_tui.app import CensusApp
from census_tui.clock import FakeClock
from census_tui.screens.dashboard import WIDE_WIDTHS, DashboardScreen
from census_tui.store import KdfParams
from census_tui.visit.gate import VisitGate
from census_tui.visit.practice import make_local_profile
from census_tui.visit.states import STATE_LABELS

CHEAP = KdfParams(n=2**10, r=1, p=1)
PASSWORD = "bench-pass-1"
FILTER = "d4987"
ROUNDS = 4  # filter: type and erase FILTER this many times
CURSOR_KEYS = [*["down"] * 50, "pagedown", "pagedown", "end", "home", *["down"] * 6]
TARGET_MS = 50.0

Timings = dict[str, list[float]]
SCREENS = Path(sys.modules[DashboardScreen.__module__].__file__ or "").parent
"""The product's stylesheets (a relative CSS_PATH of a subclass here would be read from bench/)."""


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]


def ms(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1000:.1f} / {p95(xs) * 1000:.1f}"


class TimedTable(DataTable[str]):
    """DataTable whose cursor keys record the same app-clock timing as the dashboard's."""

    def _timed(self, started: float) -> None:
        timings: Timings = self.app.timings  # type: ignore[attr-defined]
        self.call_after_refresh(lambda: timings["cursor"].append(time.perf_counter() - started))

    def action_cursor_down(self) -> None:
        started = time.perf_counter()
        super().action_cursor_down()
        self._timed(started)

    def action_page_down(self) -> None:
        started = time.perf_counter()
        super().action_page_down()
        self._timed(started)

    def action_scroll_bottom(self) -> None:
        started = time.perf_counter()
        super().action_scroll_bottom()
        self._timed(started)

    def action_scroll_top(self) -> None:
        started = time.perf_counter()
        super().action_scroll_top()
        self._timed(started)


class TimedDashboard(DashboardScreen):
    """The dashboard with the benchmark's clock on its filter: from the handler starting to
    the end of the next screen refresh (the product keeps no timings)."""

    CSS_PATH = str(SCREENS / "dashboard.tcss")

    def __init__(self, timings: Timings) -> None:
        super().__init__()
        self.timings = timings

    @on(Input.Changed, "#dash-filter")
    def filter_timed(self) -> None:
        # Runs just before the screen's own handler (Textual calls a subclass's first).
        started = time.perf_counter()
        self.call_after_refresh(
            lambda: self.timings["filter"].append(time.perf_counter() - started)
        )


class TimedApp(CensusApp):
    """The app with the benchmark's clock on the dashboard: its cursor keys (bindings, run
    through ``run_action``) and its filter (:class:`TimedDashboard`)."""

    CSS_PATH = str(SCREENS / "login.tcss")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.timings: Timings = {"cursor": [], "filter": []}

    def switch_screen(self, screen: Any) -> Any:
        if type(screen) is DashboardScreen:
            screen = TimedDashboard(self.timings)
        return super().switch_screen(screen)

    async def run_action(
        self, action: Any, default_namespace: Any = None, namespaces: Any = None
    ) -> bool:
        started = time.perf_counter()
        done = await super().run_action(action, default_namespace, namespaces)
        if isinstance(action, str) and action.startswith(("cursor(", "page(", "jump(")):
            self.call_after_refresh(
                lambda: self.timings["cursor"].append(time.perf_counter() - started)
            )
        return done


class BareTable(App[None]):
    """The baseline: an Input and a DataTable of the same rows, no domain code at all."""

    def __init__(self, rows: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.data = rows
        self.keys = [" ".join(r).lower() for r in rows]
        self.timings: Timings = {"cursor": [], "filter": []}

    def compose(self) -> ComposeResult:
        yield Input(id="f")
        yield TimedTable(id="t", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(TimedTable)
        for i, width in enumerate(WIDE_WIDTHS):
            table.add_column(f"c{i}", key=str(i), width=width)
        self.fill("")
        table.focus()

    def fill(self, needle: str) -> None:
        table = self.query_one(TimedTable)
        table.clear()
        for i, row in enumerate(self.data):
            if needle in self.keys[i]:
                table.add_row(*row, key=str(i))

    def on_input_changed(self, event: Input.Changed) -> None:
        started = time.perf_counter()
        self.fill(event.value.strip().lower())
        self.call_after_refresh(
            lambda: self.timings["filter"].append(time.perf_counter() - started)
        )


async def press_all(pilot: Pilot[Any], keys: Iterable[str], into: list[float]) -> None:
    for key in keys:
        t0 = time.perf_counter()
        await pilot.press(key)
        into.append(time.perf_counter() - t0)


def filter_keys() -> list[str]:
    return [*FILTER, *["backspace"] * len(FILTER)] * ROUNDS


async def run_dashboard(
    app: TimedApp, dwellings: int
) -> tuple[Timings, Timings, list[tuple[str, ...]]]:
    pilot_t: Timings = {"cursor": [], "filter": []}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for ch in PASSWORD:
            await pilot.press(ch)
        await pilot.press("enter")
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TimedDashboard), screen
        assert len(screen.rows) >= dwellings, len(screen.rows)
        await press_all(pilot, CURSOR_KEYS, pilot_t["cursor"])
        await pilot.press("slash")
        await press_all(pilot, filter_keys(), pilot_t["filter"])
        await app.workers.wait_for_complete()
        await pilot.pause()
        own: Timings = {k: list(v) for k, v in app.timings.items()}
        rows: list[tuple[str, ...]] = [
            (r.dwelling_id, r.address, STATE_LABELS[r.state]("en"), r.head_name, "")
            for r in screen.rows
        ]
    return pilot_t, own, rows


async def run_bare(rows: list[tuple[str, ...]]) -> tuple[Timings, Timings]:
    app = BareTable(rows)
    pilot_t: Timings = {"cursor": [], "filter": []}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await press_all(pilot, CURSOR_KEYS, pilot_t["cursor"])
        app.query_one(Input).focus()
        await pilot.pause()
        await press_all(pilot, filter_keys(), pilot_t["filter"])
        await pilot.pause()
    return pilot_t, app.timings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dwellings", type=int, default=5000)
    args = parser.parse_args()
    clock = FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        session = make_local_profile(
            base, "bench", PASSWORD, clock=clock, kdf=CHEAP, dwellings=args.dwellings
        )
        t0 = time.perf_counter()
        session.dashboard()
        load_s = time.perf_counter() - t0
        session.close()
        gate = VisitGate(clock=clock, base=base, kdf=CHEAP)
        app = TimedApp(gate, lang="en", clock=clock, idle_minutes=5)
        dash_pilot, dash_own, rows = asyncio.run(run_dashboard(app, args.dwellings))
    bare_pilot, bare_own = asyncio.run(run_bare(rows))

    print(f"Dashboard with {len(rows)} dwellings, 80x24; median / p95 in ms per keystroke.\n")
    print("| keystroke | n | dashboard, app clock | bare DataTable, app clock "
          "| dashboard, Pilot | bare DataTable, Pilot | ratio p95 (app) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    ok = True
    for kind, label in (
        ("cursor", "cursor (Down/PgDn/End/Home)"),
        ("filter", "filter (type/erase)"),
    ):
        ratio = p95(dash_own[kind]) / p95(bare_own[kind])
        print(
            f"| {label} | {len(dash_own[kind])} | {ms(dash_own[kind])} | {ms(bare_own[kind])} "
            f"| {ms(dash_pilot[kind])} | {ms(bare_pilot[kind])} | {ratio:.2f}x |"
        )
        ok = ok and p95(dash_own[kind]) * 1000 <= TARGET_MS
    print(
        f"\nService `dashboard()` for {len(rows)} dwellings: {load_s * 1000:.0f} ms"
        " (in a worker thread, off the keystroke path)."
    )
    print(f"Target p95 <= {TARGET_MS:.0f} ms (app clock): {'met' if ok else 'NOT met'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
