"""Roster mode benchmarks (issue 7): import a 2,000-row list; keystroke latency in the grid.

Targets: import <= 1 s; keystroke p95 <= 50 ms. Each keystroke is timed two ways, for the
roster grid and, in the same run, for a bare Textual DataTable of the same size doing the same
work (update a cell and move the cursor; clear and refill on a filter), so the ratio is
meaningful on a noisy machine:

* ``pilot``: Textual's headless Pilot at 80x24, one ``press`` = the key event delivered, handled
  and the app idle again (includes Pilot's own overhead, the same for both);
* ``app``: the app's own clock, from the key's handler starting to the end of the next screen
  refresh (``call_after_refresh``): what the enumerator waits for, without the harness.

Run: ``.venv/bin/python bench/bench_roster.py [--rows 2000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import on
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input

from census_tui.clock import FakeClock
from census_tui.roster.preview import read_roster
from census_tui.roster.service import RosterService
from census_tui.roster.state import RosterEntry
from census_tui.screens.roster import RosterScreen
from census_tui.store import Area, Dwelling, KdfParams, Store, create_profile
from tests.roster.lists import csv_text

AREA = "440305001001001"
KEYS = 60
FILTER = "A-1"  # typed one character at a time, then erased


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]


def summary(xs: list[float]) -> dict[str, float]:
    return {"p50_ms": statistics.median(xs) * 1000, "p95_ms": p95(xs) * 1000}


def make_store(root: Path) -> Store:
    s = create_profile(
        "bench", "bench password 1", base=root, clock=FakeClock(), kdf=KdfParams(n=2**10, r=1, p=1)
    )
    s.upsert_area(Area(AREA, "bench"))
    return s


def bench_import(store: Store, rows: int, repeats: int = 5) -> dict[str, float]:
    data = csv_text(rows).encode("gb18030")
    svc = RosterService(store)
    read_t, store_t, total_t = [], [], []
    for i in range(repeats):
        dwelling = f"B{i:03d}"
        store.upsert_dwelling(Dwelling(dwelling, AREA, kind="dormitory"))
        t0 = time.perf_counter()
        preview = read_roster(data, registered=svc.registered_ids(dwelling))
        t1 = time.perf_counter()
        svc.import_preview(dwelling, preview)
        t2 = time.perf_counter()
        read_t.append(t1 - t0)
        store_t.append(t2 - t1)
        total_t.append(t2 - t0)
    return {
        "rows": rows,
        "read_check_s": statistics.median(read_t),
        "store_s": statistics.median(store_t),
        "total_median_s": statistics.median(total_t),
        "total_max_s": max(total_t),
    }


class TimedRoster(RosterScreen):
    """The roster screen with the benchmark's clock: a mark or a filter keystroke, from its
    handler starting to the end of the next screen refresh (the product keeps no timings)."""

    CSS_PATH = str(Path(sys.modules[RosterScreen.__module__].__file__ or "").parent / "roster.tcss")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.timings: dict[str, list[float]] = {"mark": [], "filter": []}

    def timed(self, kind: str, started: float) -> None:
        self.call_after_refresh(lambda: self.timings[kind].append(time.perf_counter() - started))

    def action_mark(self, status: str) -> None:
        started = time.perf_counter()
        super().action_mark(status)
        self.timed("mark", started)

    @on(Input.Changed, "#roster-filter")
    def filter_timed(self) -> None:
        # Runs just before the screen's own handler (Textual calls a subclass's first).
        self.timed("filter", time.perf_counter())


class RosterHost(App[None]):
    def __init__(self, screen: RosterScreen) -> None:
        super().__init__()
        self.roster = screen

    def on_mount(self) -> None:
        self.push_screen(self.roster)


class BareTable(App[None]):
    """The baseline: a DataTable of the same size with an Input, no domain code at all."""

    def __init__(self, rows: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.data = rows
        self.timings: dict[str, list[float]] = {"mark": [], "filter": []}

    def compose(self) -> ComposeResult:
        yield Input(id="f")
        yield DataTable(id="t", cursor_type="row")

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        for key in ("line", "name", "id", "room", "status"):
            t.add_column(key, key=key)
        self.fill("")
        t.focus()

    def _timed(self, kind: str, started: float) -> None:
        self.call_after_refresh(lambda: self.timings[kind].append(time.perf_counter() - started))

    def fill(self, text: str) -> None:
        t = self.query_one(DataTable)
        t.clear()
        for i, row in enumerate(self.data):
            if text in row[3]:
                t.add_row(*row, key=str(i))

    def on_input_changed(self, event: Input.Changed) -> None:
        started = time.perf_counter()
        self.fill(event.value)
        self._timed("filter", started)

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        t = self.query_one(DataTable)
        if key == "p" and self.focused is t:
            started = time.perf_counter()
            row_key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key
            t.update_cell(row_key, "status", "present")
            t.move_cursor(row=t.cursor_row + 1)
            self._timed("mark", started)


Timings = dict[str, list[float]]


async def time_keys(
    app: App[None], marks: str, focus_filter: Callable[[App[None]], object]
) -> Timings:
    """Pilot timings of ``marks`` then of typing and erasing FILTER; plus the app's own."""
    out: Timings = {"mark": [], "filter": []}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for k in marks:
            t0 = time.perf_counter()
            await pilot.press(k)
            out["mark"].append(time.perf_counter() - t0)
        focus_filter(app)
        await pilot.pause()
        for _ in range(KEYS // (2 * len(FILTER))):
            for key in [*FILTER, *["backspace"] * len(FILTER)]:
                t0 = time.perf_counter()
                await pilot.press(key)
                out["filter"].append(time.perf_counter() - t0)
        await app.workers.wait_for_complete()
        await pilot.pause()
    return out


def block(pilot: Timings, own: dict[str, Any], kind: str) -> dict[str, object]:
    return {"pilot": summary(pilot[kind]), "app": summary(list(own[kind])), "n": len(pilot[kind])}


async def bench_keys(store: Store, rows: int) -> dict[str, object]:
    svc = RosterService(store)
    dwelling = "B000"
    entries: list[RosterEntry] = svc.entries(dwelling)
    screen = TimedRoster(svc, dwelling, lang="en")
    r = await time_keys(
        RosterHost(screen), "p" * KEYS, lambda app: app.screen.query_one("#roster-filter").focus()
    )
    bare_rows: list[tuple[str, ...]] = [
        (str(e.line), e.name, e.id_number, e.room, "pending") for e in entries
    ]
    bare = BareTable(bare_rows)
    b = await time_keys(bare, "p" * KEYS, lambda app: app.query_one("#f").focus())
    out: dict[str, object] = {"grid_rows": len(entries)}
    for kind in ("mark", "filter"):
        out[f"roster_{kind}"] = block(r, screen.timings, kind)
        out[f"bare_{kind}"] = block(b, bare.timings, kind)
        out[f"ratio_{kind}_p95_pilot"] = p95(r[kind]) / p95(b[kind])
        out[f"ratio_{kind}_p95_app"] = p95(list(screen.timings[kind])) / p95(bare.timings[kind])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, make_store(Path(tmp)) as store:
        out: dict[str, object] = {"import": bench_import(store, args.rows)}
        out["keys"] = asyncio.run(bench_keys(store, args.rows))
    imp = out["import"]
    keys = out["keys"]
    assert isinstance(imp, dict) and isinstance(keys, dict)
    targets: dict[str, bool] = {"import_le_1s": imp["total_max_s"] <= 1.0}
    for kind in ("mark", "filter"):
        for how in ("pilot", "app"):
            targets[f"{kind}_p95_le_50ms_{how}"] = keys[f"roster_{kind}"][how]["p95_ms"] <= 50
    out["targets"] = targets
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
