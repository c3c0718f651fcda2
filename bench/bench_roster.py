"""Roster mode benchmarks (issue 7): import a 2,000-row list; keystroke latency in the grid.

Targets: import <= 1 s; keystroke p95 <= 50 ms. Keystrokes are timed with the same harness
(Textual's headless Pilot, 80x24, one ``press`` = key event handled and the screen refreshed)
for the roster grid and, in the same run, for a bare Textual DataTable of the same size doing
the same work (update a cell and move the cursor; clear and refill on a filter), so the ratio is
meaningful on a noisy machine. Run: ``.venv/bin/python bench/bench_roster.py [--rows 2000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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

    def compose(self) -> ComposeResult:
        yield Input(id="f")
        yield DataTable(id="t", cursor_type="row")

    def on_mount(self) -> None:
        t = self.query_one(DataTable)
        for key in ("line", "name", "id", "room", "status"):
            t.add_column(key, key=key)
        self.fill("")
        t.focus()

    def fill(self, text: str) -> None:
        t = self.query_one(DataTable)
        t.clear()
        for i, row in enumerate(self.data):
            if text in row[3]:
                t.add_row(*row, key=str(i))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        t = self.query_one(DataTable)
        if key == "p" and self.focused is t:
            row_key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key
            t.update_cell(row_key, "status", "present")
            t.move_cursor(row=t.cursor_row + 1)


async def time_keys(
    app: App[None], marks: str, focus_filter: object
) -> tuple[list[float], list[float]]:
    mark_t: list[float] = []
    filter_t: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for k in marks:
            t0 = time.perf_counter()
            await pilot.press(k)
            mark_t.append(time.perf_counter() - t0)
        assert callable(focus_filter)
        focus_filter(app)
        await pilot.pause()
        for _ in range(KEYS // (2 * len(FILTER))):
            for ch in FILTER:
                t0 = time.perf_counter()
                await pilot.press(ch)
                filter_t.append(time.perf_counter() - t0)
            for _ in FILTER:
                t0 = time.perf_counter()
                await pilot.press("backspace")
                filter_t.append(time.perf_counter() - t0)
        await app.workers.wait_for_complete()
    return mark_t, filter_t


async def bench_keys(store: Store, rows: int) -> dict[str, object]:
    svc = RosterService(store)
    dwelling = "B000"
    entries: list[RosterEntry] = svc.entries(dwelling)
    screen = RosterScreen(svc, dwelling, lang="en")
    r_mark, r_filter = await time_keys(
        RosterHost(screen), "p" * KEYS, lambda app: app.screen.query_one("#roster-filter").focus()
    )
    bare_rows: list[tuple[str, ...]] = [
        (str(e.line), e.name, e.id_number, e.room, "pending") for e in entries
    ]
    b_mark, b_filter = await time_keys(
        BareTable(bare_rows), "p" * KEYS, lambda app: app.query_one("#f").focus()
    )
    return {
        "grid_rows": len(entries),
        "roster_mark": summary(r_mark),
        "bare_mark": summary(b_mark),
        "roster_filter": summary(r_filter),
        "bare_filter": summary(b_filter),
        "ratio_mark_p95": p95(r_mark) / p95(b_mark),
        "ratio_filter_p95": p95(r_filter) / p95(b_filter),
    }


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
    out["targets"] = {
        "import_le_1s": imp["total_max_s"] <= 1.0,
        "mark_p95_le_50ms": keys["roster_mark"]["p95_ms"] <= 50,
        "filter_p95_le_50ms": keys["roster_filter"]["p95_ms"] <= 50,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
