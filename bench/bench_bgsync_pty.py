"""Dashboard keys while a background sync runs, in a real pty (issue 20 §6: "never while the
enumerator is typing in a way that slows a keystroke (measure)").

``tests/tui/test_background_sync.py`` times keys inside the app (Textual's own loop, a
FakeClock). This benchmark times what a terminal sees, like ``bench_keys_pty.py``: ``python -m
census_tui`` runs in a pseudo-terminal (100x24) and each Down/Up is timed from its bytes being
written to the pty to the frame that shows the dwelling id of the row the cursor moved to.

The setup, once: the reference server (:class:`~census_tui.server.run.ServerThread`, SQLite) on
127.0.0.1 with one ready enumerator whose area lists ``--dwellings`` dwellings; the fault proxy
of the sync tests (``tests/sync/faultproxy.py``) in front of it; the device's profile made by the
real first login through the proxy (:class:`~census_tui.visit.gate.VisitGate`, real SQLCipher),
then ``--households`` households filled and completed through the visit session (as the TUI
tests do): that many households (and their events) wait in the outbox. The server's database
(after the login, before any upload) and the device's home are kept as templates.

Each run, for each sync mode, starts a fresh server from the template database (the proxy is
kept and pointed at it) and a fresh copy of the device, then in the real program:

1. logs in (the password typed at the login screen) and waits for the worklist;
2. **idle, before**: Down/Up at ``--rate`` keys a second (each key within the policy's 5 s quiet
   window, so no sync starts; a key is dropped from the figure if the footer said "Syncing in
   the background" by the time its frame came);
3. no keys until the dashboard's timer starts the background sync (5 s after the last key, on
   its 5 s tick): the footer's "Syncing in the background" is waited for;
4. **during the sync**: Down/Up at the same pace until the footer shows "Last sync" (the sync
   ended and the worklist was reloaded); a key counts only if that text had not been drawn when
   its frame came (the reload redraws the rows, which would end the wait early);
5. **idle, after**: the same keys again (the outbox is empty; the next idle run is 5 min away).

Sync modes: ``full`` (the proxy passes everything: the sync is CPU-bound in the program, the
worst case for the UI thread's share of the interpreter) and ``slowed`` (every answer of the
sync is passed through the proxy's ``slow_drip`` with ``--drip`` seconds between bytes: a slow
network, the sync lasting several seconds with its work spread through it). After each run the
server is checked to hold every household exactly once.

The baseline, in the same run: a bare Textual app (``bench_keys_pty.BARE_DASH``) with a
DataTable of the same rows (the same cells, the same column widths) takes the same keys at the
same pace, nothing else running.

The keys walk the cursor down ``WALK`` rows and back up (row ids unique, the table never
scrolls), one every 1/rate s. Run: ``.venv/bin/python bench/bench_bgsync_pty.py [--runs 2]
[--households 200] [--keys 40] [--rate 10] [--modes full,slowed] [--drip 0]`` and the same inside
``../shared/tools/handheld`` (everything inside it, the server and the baseline too). Prints a
Markdown table of the key latency (median, p95, max over all runs' keys), census-tui next to the
bare app, and the sync's length.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_keys_pty import BARE_DASH, new_text, p95, settle  # noqa: E402

from census_tui.server.run import ServerThread  # noqa: E402
from census_tui.server.storage import ServerDB  # noqa: E402
from census_tui.visit.service import VisitSession  # noqa: E402
from tests.sync.faultproxy import FaultProxy  # noqa: E402
from tests.tui.ptyterm import PtyApp  # noqa: E402

COLS = 100
DOWN, UP = "\x1b[B", "\x1b[A"
WALK = 10
"""Rows walked down, then up (the dashboard shows about 14 at 24 lines: no scrolling)."""
SYNCING = "Syncing in the background"
ENDED = "Last sync"
KEY_TIMEOUT = 120.0
"""A key waiting on the sync would wait for the sync's seconds: far above any budget."""


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


# --------------------------------------------------------------------------- setup
PROXY: list[FaultProxy] = []
"""The fault proxy, made once (``main``); each server started is put behind it."""


@dataclass
class Templates:
    server_db: Path
    """The server's database after the first login (closed: copied per run)."""
    home: Path
    """The device's CENSUS_TUI_HOME with the households waiting in the outbox."""
    ids: list[str]
    """The dashboard's dwelling ids in its order."""
    data: Path
    """The bare app's rows (``bench_keys_pty.BARE_DASH`` reads it)."""
    depth: int
    took: dict[str, float]


def build(tmp: Path, dwellings: int, households: int) -> Templates:
    """The templates described in the module's docstring. The profile is made through the
    proxy (``PROXY``), so the program's syncs go through it."""
    from census_tui.clock import SystemClock
    from census_tui.screens.dashboard import WIDE_WIDTHS
    from census_tui.server.seed import add_enumerator
    from census_tui.visit.gate import VisitGate
    from census_tui.visit.states import STATE_LABELS
    from tests.tui.conftest import CHEAP
    from tests.tui.more_support import ACCOUNT, AREA, NEW_PASSWORD, REAL_ID, REAL_NAME, fill

    took: dict[str, float] = {}
    t0 = time.perf_counter()
    sdir = tmp / "server-template"
    sdir.mkdir()
    db = ServerDB(sdir / "server.db")
    listed = add_enumerator(
        db, ACCOUNT, NEW_PASSWORD, AREA, dwellings=dwellings, name=REAL_NAME,
        id_number=REAL_ID, ready=True,
    )  # fmt: skip
    server = ServerThread(db).start()
    home = tmp / "home-template"
    home.mkdir()
    try:
        PROXY[0].upstream_port = server.port
        gate = VisitGate(clock=SystemClock(), base=home, kdf=CHEAP)
        session = gate.begin_first_login(PROXY[0].url, ACCOUNT, NEW_PASSWORD).finish()
        assert isinstance(session, VisitSession)
    finally:
        server.stop()
        db.close()
    took["server + first login"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    try:
        for n, dwelling in enumerate(listed[:households]):
            hh = session.start_interview(dwelling)
            fill(session, hh, household=n)
            session.self_check_passed(hh)
            session.complete(hh, "Zhang San")
        board = session.dashboard()
        depth = session.store.outbox_depth()
    finally:
        session.close()
    took[f"{households} households completed"] = time.perf_counter() - t0
    rows = list(board.rows)
    cells = [
        [r.dwelling_id, r.address, STATE_LABELS[r.state]("en"), r.head_name or "", ""] for r in rows
    ]
    data = tmp / "dash.json"
    payload = {"widths": WIDE_WIDTHS, "rows": cells, "keys": [c[0].lower() for c in cells]}
    data.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return Templates(sdir / "server.db", home, [r.dwelling_id for r in rows], data, depth, took)


def fresh_server(tpl: Templates, dest: Path) -> tuple[ServerDB, ServerThread]:
    """A server on a copy of the template database; the proxy now forwards to it."""

    dest.mkdir()
    for f in tpl.server_db.parent.iterdir():
        shutil.copy2(f, dest / f.name)
    db = ServerDB(dest / tpl.server_db.name)
    server = ServerThread(db).start()
    PROXY[0].upstream_port = server.port
    return db, server


# --------------------------------------------------------------------------- keys
@dataclass
class Walk:
    """The cursor's walk: down WALK rows, up WALK rows, …"""

    ids: list[str]
    row: int = 0
    step: int = 0

    def next(self) -> tuple[str, str]:
        """The next key and the id of the row it moves the cursor to."""
        down = (self.step // WALK) % 2 == 0
        self.step += 1
        self.row += 1 if down else -1
        return (DOWN if down else UP), self.ids[self.row]


def timed_key(app: PtyApp, key: str, want: str) -> tuple[float, str]:
    """Send ``key``; (seconds to the frame drawing ``want``, everything drawn meanwhile)."""
    app.seen = len(app.raw)
    t0 = app.send(key)
    deadline = t0 + KEY_TIMEOUT
    while want not in (text := new_text(app)):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{want} not drawn within {KEY_TIMEOUT}s:\n{app.text()[-1500:]}")
        app._pump(left)
    took = time.monotonic() - t0
    app.seen = len(app.raw)
    return took, text


def paced_keys(
    app: PtyApp, walk: Walk, rate: float, n: int | None, stop: str | None, bad: str | None
) -> tuple[list[float], bool]:
    """Keys at ``rate`` a second: ``n`` of them, or until ``stop`` is drawn. A key whose frame
    came with ``bad`` or ``stop`` drawn (since the previous key) is not counted. (times, whether
    ``stop`` was seen)."""
    out: list[float] = []
    gap = 1.0 / rate
    seen_stop = False
    while n is None or len(out) < n:
        pending = new_text(app)  # drawn between keys
        if stop is not None and stop in pending:
            return out, True
        key, want = walk.next()
        start = time.monotonic()
        took, text = timed_key(app, key, want)
        drawn = pending + text
        if stop is not None and stop in drawn:
            seen_stop = True
        elif bad is None or bad not in drawn:
            out.append(took)
        if seen_stop:
            return out, True
        app.pace(max(0.0, start + gap - time.monotonic()))
        if n is None and len(out) > 3000:
            break
    return out, seen_stop


# --------------------------------------------------------------------------- one session
Times = dict[str, list[float]]


def census_session(
    tpl: Templates, run_dir: Path, mode: str, args: argparse.Namespace, times: Times
) -> float:
    """One program session on a fresh server and device: before, during, after. The sync's
    seconds (from its footer to "Last sync")."""
    from tests.tui.more_support import NEW_PASSWORD

    proxy = PROXY[0]
    db, server = fresh_server(tpl, run_dir / "server")
    home = run_dir / "home"
    shutil.copytree(tpl.home, home)
    proxy.clear()
    if mode == "slowed":
        proxy.drip_interval = args.drip
        proxy.plan(*["slow_drip"] * 2000)
    app = PtyApp([sys.executable, "-m", "census_tui", "--lang", "en"], _env(home), cols=COLS)
    try:
        app.wait_for("Log in", timeout=120)
        app.send(NEW_PASSWORD + "\r")
        app.wait_for(tpl.ids[WALK], timeout=120)
        app.mark()
        walk = Walk(tpl.ids)
        before, started = paced_keys(app, walk, args.rate, args.keys, None, SYNCING)
        times["before"] += before
        # no keys: the timer starts the sync 5 s after the last one (at its next 5 s tick)
        app.wait_for(SYNCING, timeout=120, new_only=not started)
        began = time.monotonic()
        during, ended = paced_keys(app, walk, args.rate, None, ENDED, None)
        if not ended:
            app.wait_for(ENDED, timeout=600)
        length = time.monotonic() - began
        times[f"during {mode}"] += during
        settle(app)
        after, _ = paced_keys(app, walk, args.rate, args.keys, None, SYNCING)
        times["after"] += after
    finally:
        app.kill(signal.SIGKILL)
        proxy.clear()
        server.stop()
    held = [r["case_uuid"] for r in db.households()]
    db.close()
    if len(held) != len(set(held)) or len(held) != args.households:
        raise RuntimeError(f"server holds {len(held)} households ({len(set(held))} distinct)")
    return length


def bare_session(tpl: Templates, n: int, rate: float, times: Times) -> None:
    app = PtyApp([sys.executable, "-c", BARE_DASH, str(tpl.data)], _env(tpl.data.parent), cols=COLS)
    try:
        app.wait_for(tpl.ids[WALK], timeout=120)
        settle(app)
        out, _ = paced_keys(app, Walk(tpl.ids), rate, n, None, None)
        times["bare"] += out
    finally:
        app.kill(signal.SIGKILL)


# --------------------------------------------------------------------------- report
def stats(values: list[float]) -> tuple[float, float, float]:
    return (
        statistics.median(values) * 1000,
        p95(values) * 1000,
        max(values) * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="fresh server and device per run")
    parser.add_argument("--dwellings", type=int, default=250)
    parser.add_argument("--households", type=int, default=200, help="completed, in the outbox")
    parser.add_argument("--keys", type=int, default=40, help="keys before and after the sync")
    parser.add_argument("--rate", type=float, default=10.0, help="keys a second")
    parser.add_argument("--modes", default="full,slowed", help="full, slowed or both")
    parser.add_argument("--drip", type=float, default=0.0, help="slow_drip's seconds a byte")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if not set(modes) <= {"full", "slowed"} or args.households > args.dwellings:
        parser.error("modes: full, slowed; households <= dwellings")

    times: Times = {k: [] for k in ("before", "after", "bare")}
    for m in modes:
        times[f"during {m}"] = []
    lengths: dict[str, list[float]] = {m: [] for m in modes}
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name, FaultProxy(0) as proxy:
        tmp = Path(tmp_name)
        PROXY.append(proxy)
        tpl = build(tmp, args.dwellings, args.households)
        print(
            "setup: " + ", ".join(f"{k} {v:.1f} s" for k, v in tpl.took.items())
            + f"; outbox {tpl.depth} items, worklist {len(tpl.ids)} rows",
            flush=True,
        )  # fmt: skip
        for run in range(args.runs):
            for mode in modes:
                run_dir = tmp / f"run{run}-{mode}"
                run_dir.mkdir()
                length = census_session(tpl, run_dir, mode, args, times)
                lengths[mode].append(length)
                print(
                    f"run {run} {mode}: sync {length:.1f} s, keys during it "
                    f"{len(times[f'during {mode}'])} so far",
                    flush=True,
                )
            n = max(args.keys, max(len(v) for k, v in times.items() if k.startswith("during")))
            bare_session(tpl, min(n, 3 * args.keys), args.rate, times)

    b50, b95, bmax = stats(times["bare"])
    print(
        f"\n| Down/Up at {args.rate:g} keys/s (real pty, {COLS}x24, {len(tpl.ids)} rows) "
        "| keys | census-tui median | p95 | max | bare DataTable median | p95 | max "
        "| p95 ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    labels = {
        "before": "nothing syncing (before the sync)",
        "during full": f"during a background sync of {tpl.depth} items, full speed",
        "during slowed": f"during a background sync of {tpl.depth} items, slowed (slow_drip)",
        "after": "nothing syncing (after the sync)",
    }
    for kind in ("before", *(f"during {m}" for m in modes), "after"):
        values = times[kind]
        if not values:
            print(f"| {labels[kind]} | 0 | | | | | | | |")
            continue
        c50, c95, cmax = stats(values)
        print(
            f"| {labels[kind]} | {len(values)} | {c50:.1f} | {c95:.1f} | {cmax:.1f} "
            f"| {b50:.1f} | {b95:.1f} | {bmax:.1f} | {c95 / b95:.2f} |"
        )
    print(
        f"\nms, over all keys of {args.runs} runs (bare: {len(times['bare'])} keys); sync "
        "length (footer 'Syncing in the background' to 'Last sync'): "
        + ", ".join(f"{m} " + "/".join(f"{x:.1f}" for x in v) + " s" for m, v in lengths.items())
        + f"; whole benchmark {time.perf_counter() - t_all:.0f} s"
    )


if __name__ == "__main__":
    main()
