"""The crash storm harness (issue 9 item 1), shared by the CI test and ``bench/storm_crash.py``.

A scripted enumerator (:mod:`tests.reliability.driver`, a child process using the services the
TUI uses) enters households and syncs against the real reference server on 127.0.0.1 while
this harness kills it with SIGKILL at seeded random points and starts it again. A kill point
is either "after the N-th line the child printed" (N drawn from the seed; the kill lands
somewhere in the work that follows) or "as soon as a sync begins". Nothing sleeps: the harness
waits on the child's pipe and on the child's exit.

Afterwards: every answer the child acknowledged (printed ``ACK`` after the commit) is in the
store with its planned value, ``cipher_integrity_check`` and ``integrity_check`` pass, and the
server holds every completed household exactly once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.store import unlock
from census_tui.sync.engine import sync_store
from census_tui.visit.states import CaseState
from tests.reliability.plan import household_plan
from tests.sync.support import make_profile

ROOT = Path(__file__).resolve().parents[2]
AREA = "110105001001002"
ACCOUNT = "alice"
PASSWORD = "alice-pass-1"


@dataclass
class CrashResult:
    """What a storm did and found; ``problems`` is empty when every check passed."""

    kills: int = 0
    kills_in_sync: int = 0
    runs: int = 0
    acks: int = 0
    done: int = 0
    completed: int = 0
    on_server: int = 0
    seconds: float = 0.0
    cipher_ok: bool = False
    sqlite_ok: bool = False
    problems: list[str] = field(default_factory=list)
    stderr_tail: str = ""


def _child(base: Path, households: int, sync_every: int, err: Path) -> subprocess.Popen[str]:
    with err.open("a") as err_file:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.driver",
                str(base),
                ACCOUNT,
                PASSWORD,
                str(households),
                str(sync_every),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err_file,
            text=True,
            encoding="utf-8",
        )


def _run_once(
    base: Path, households: int, sync_every: int, err: Path, kill: tuple[str, int] | None
) -> tuple[list[str], bool]:
    """One child run; ``kill`` is ("line", n) or ("sync", 0) or None. Returns its lines and
    whether it was killed."""
    child = _child(base, households, sync_every, err)
    assert child.stdout is not None
    lines: list[str] = []
    killed = False
    for line in child.stdout:
        lines.append(line.rstrip("\n"))
        if kill is not None and not killed:
            what, n = kill
            if (what == "line" and len(lines) >= n) or (what == "sync" and line.startswith("SYNC")):
                os.kill(child.pid, signal.SIGKILL)
                killed = True
    child.wait(timeout=120)
    return lines, killed and child.returncode == -signal.SIGKILL


def run_crash_storm(
    work: Path, *, kills: int, households: int, seed: int = 9, sync_every: int = 2
) -> CrashResult:
    """Run the storm in ``work`` (a fresh directory) and check everything; see module doc."""
    rng = random.Random(seed)
    result = CrashResult()
    started = time.perf_counter()
    base, err = work / "home", work / "child-stderr.txt"
    db = ServerDB(work / "server.db")
    add_enumerator(db, ACCOUNT, PASSWORD, AREA, dwellings=households, ready=True)
    clock = FakeClock()
    acked: set[tuple[str, str, str]] = set()
    done: set[str] = set()
    with ServerThread(db) as server:
        with make_profile(server.url, base, clock, ACCOUNT, PASSWORD) as store:
            sync_store(store, clock=clock)  # pull the area, as the first login's screen does
            if len(store.dwellings()) != households:
                result.problems.append("the area's dwellings were not pulled")
                return result
        finished = False
        while result.kills < kills and not finished:
            plan = ("sync", 0) if rng.random() < 0.2 else ("line", rng.randint(1, 50))
            lines, killed = _run_once(base, households, sync_every, err, plan)
            result.runs += 1
            result.kills += killed
            result.kills_in_sync += killed and plan[0] == "sync"
            _collect(lines, acked, done)
            finished = "FINISHED" in lines
        if not finished:  # the last, uninterrupted run finishes the area
            lines, _ = _run_once(base, households, sync_every, err, None)
            result.runs += 1
            _collect(lines, acked, done)
            if "FINISHED" not in lines:
                result.problems.append("the last run did not finish")
        _check(base, clock, db, acked, done, result)
    db.close()
    result.acks, result.done = len(acked), len(done)
    result.seconds = time.perf_counter() - started
    result.stderr_tail = err.read_text(encoding="utf-8", errors="replace")[-2000:]
    return result


def _collect(lines: list[str], acked: set[tuple[str, str, str]], done: set[str]) -> None:
    for line in lines:
        parts = line.split()
        if parts and parts[0] == "ACK" and len(parts) == 4:
            acked.add((parts[1], parts[2], parts[3]))
        elif parts and parts[0] == "DONE" and len(parts) == 2:
            done.add(parts[1])


def _check(
    base: Path,
    clock: FakeClock,
    db: ServerDB,
    acked: set[tuple[str, str, str]],
    done: set[str],
    result: CrashResult,
) -> None:
    with unlock(ACCOUNT, PASSWORD, base=base, clock=clock) as store:
        result.cipher_ok, result.sqlite_ok = store.integrity_check()
        order = {d.id: i for i, d in enumerate(sorted(store.dwellings(), key=lambda d: d.id))}
        cases = {c.uuid: c for c in store.cases()}
        for hh_uuid, person, item in sorted(acked):
            if hh_uuid not in cases:
                result.problems.append(f"acknowledged household {hh_uuid} is gone")
                continue
            hh = store.household(hh_uuid)
            plan = household_plan(order[hh.dwelling_id])
            if person == "-":
                got, want = hh.answers.get(item), plan.answers[item]
            else:
                index = next((i for i, p in enumerate(hh.persons) if p.uuid == person), None)
                if index is None:
                    result.problems.append(f"acknowledged person {person} is gone")
                    continue
                got, want = hh.persons[index].answers.get(item), plan.persons[index][item]
            if got != want:
                result.problems.append(f"{hh_uuid} {person} {item}: {got!r} != {want!r}")
        completed = {
            u
            for u, c in cases.items()
            if CaseState(c.state) in (CaseState.COMPLETED, CaseState.SYNCED)
        }
        result.completed = len(completed)
        if done - completed:
            result.problems.append(f"{len(done - completed)} completed households not completed")
        if store.outbox_depth():
            result.problems.append(f"{store.outbox_depth()} items still in the outbox")
        per_case: dict[str, int] = {}
        for row in db.households():
            per_case[row["case_uuid"]] = per_case.get(row["case_uuid"], 0) + 1
            doc = json.loads(row["payload"])
            if doc.get("case_uuid") != row["case_uuid"]:
                result.problems.append("server copy names another case")
        result.on_server = len(per_case)
        if set(per_case) != completed:
            result.problems.append(
                f"server holds {len(per_case)} households, device completed {len(completed)}"
            )
        twice = [c for c, n in per_case.items() if n != 1]
        if twice:
            result.problems.append(f"{len(twice)} households stored more than once")
    if not (result.cipher_ok and result.sqlite_ok):
        result.problems.append("integrity check failed")


def table(r: CrashResult) -> str:
    """The result as a Markdown table (the bench prints it; the README records it)."""
    rows = [
        ("SIGKILLs (of which during a sync)", f"{r.kills} ({r.kills_in_sync})"),
        ("child runs", str(r.runs)),
        ("answers acknowledged / all found in the store", f"{r.acks} / {not r.problems}"),
        ("households completed on the device", str(r.completed)),
        ("households on the server (each exactly once)", str(r.on_server)),
        ("cipher_integrity_check / integrity_check", f"{r.cipher_ok} / {r.sqlite_ok}"),
        ("problems", str(len(r.problems))),
        ("wall time", f"{r.seconds:.1f} s"),
    ]
    out = ["| crash storm | result |", "| --- | --- |"]
    out += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(out)
