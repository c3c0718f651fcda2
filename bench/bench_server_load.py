"""Load bench of the reference server: many devices log in, pull assignments and upload.

Each simulated device logs in (scrypt on the server, as in the field), pulls its assignments and
uploads ``--households`` households of 2 persons in batches of ``--batch`` (gzip, as the client
sends them; the bodies are made before the load). A probe in a process of its own asks
``GET /time`` every 20 ms during the load. By default the devices first all log in (the login
phase, scrypt's work), then all sync (the sync phase, the database's); ``--mode mixed`` has each
log in and sync at once. Each phase's CPU is read from /proc: the server's processes, this
bench's, and the rest of the machine (PostgreSQL's processes). Run against PostgreSQL with
``--workers`` processes and against SQLite with one, in the same run, on loopback; the SQLite
figures are the baseline. Afterwards the database is counted: every case stored once (0
duplicates, 0 lost) and every answer checked (0 errors). The RSS of every server process is
read from /proc at the start and the end of the load.

Run from the repository root (PostgreSQL 15 from Debian, as in the tests)::

    .venv/bin/python bench/bench_server_load.py [--devices 2000] [--households 20]
        [--batch 10] [--concurrency 64] [--workers 4] [--only sqlite|postgres]

Goals (issue 18): PostgreSQL with 4 workers >= 3x the SQLite households/s; ``/time`` p95 <= 50
ms during the load; no duplicates, losses or errors; flat worker memory.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.pg, tests.validation.builders

from census_tui.server.seed import add_enumerator  # noqa: E402
from census_tui.server.storage import Storage, open_storage  # noqa: E402
from census_tui.validation.household_json import to_json  # noqa: E402
from tests.pg import PORT, Cluster, pg_bindir  # noqa: E402
from tests.validation.builders import valid_household  # noqa: E402

PASSWORD = "bench-pass-1"
T = TypeVar("T")
API = "/api/v1"


DURABLE = {
    # Unlike the tests' throwaway cluster (fsync off), commits are durable here, as the SQLite
    # side's synchronous=FULL: a fair comparison.
    "listen_addresses": "''",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "max_connections": "200",
    "shared_buffers": "128MB",
}


class DurableCluster(Cluster):
    def start(self) -> None:
        options = " ".join(f"-c {k}={v}" for k, v in DURABLE.items())
        options += f" -c unix_socket_directories={self.socket_dir} -c port={PORT}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def area_of(i: int) -> str:
    return f"1101059{i:08d}"


def seed(storage: Storage, devices: int, households: int) -> list[list[str]]:
    """Areas, dwellings and ready accounts; scrypt runs in two threads (hashlib frees the GIL).
    The dwelling ids of each device, in its order."""
    storage.set_training(False)

    def one(i: int) -> list[str]:
        return add_enumerator(
            storage, f"dev{i}", PASSWORD, area_of(i), dwellings=households, ready=True
        )

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, range(devices)))


@dataclass
class Work:
    """What one device uploads: its dwellings (sorted) and the gzip batch bodies."""

    dwellings: list[str]
    bodies: list[bytes]


def bodies(dwellings: list[str], batch: int) -> list[bytes]:
    """The gzip batch bodies one device uploads: one household per dwelling."""
    items = []
    for n, dwelling in enumerate(dwellings, start=1):
        hh = valid_household(2, uuid=str(uuid.uuid4()))
        hh.dwelling_id, hh.revision, hh.hh_number = dwelling, 1, n
        items.append(to_json(hh))
    return [
        gzip.compress(json.dumps({"items": items[i : i + batch]}, ensure_ascii=False).encode())
        for i in range(0, len(items), batch)
    ]


@dataclass
class Tally:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    retries: dict[str, int] = field(default_factory=lambda: defaultdict(int))


async def call(
    tally: Tally, route: str, send: Callable[[], Awaitable[httpx.Response]]
) -> httpx.Response | None:
    """One request as a device makes it: a dropped connection (a kept-alive socket the server
    closed just then) is retried, as the real client does, up to 3 times; counted apart."""
    for attempt in range(4):
        t = time.perf_counter()
        try:
            r = await send()
        except httpx.TransportError as exc:
            tally.retries[f"{route}: {type(exc).__name__}"] += 1
            if attempt == 3:
                tally.errors.append(f"{route} {type(exc).__name__}")
                return None
            continue
        tally.latency[route].append(time.perf_counter() - t)
        return r
    return None


async def log_in(client: httpx.AsyncClient, i: int, tally: Tally) -> dict[str, str] | None:
    """A device's login; its Authorization header, or None (counted as an error)."""
    login = {"account": f"dev{i}", "password": PASSWORD}
    r = await call(tally, "POST /login", lambda: client.post(f"{API}/login", json=login))
    if r is None or r.status_code != 200:
        tally.errors.append(f"login {r.status_code if r else '-'}")
        return None
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def sync(client: httpx.AsyncClient, auth: dict[str, str], work: Work, tally: Tally) -> None:
    """A logged-in device pulls its assignments and uploads one household per dwelling (the
    bodies were made before the load, so the bench's own CPU goes to HTTP, not to JSON)."""
    r = await call(
        tally,
        "GET /assignments",
        lambda: client.get(f"{API}/assignments", params={"since": "0"}, headers=auth),
    )
    if r is None or r.status_code != 200:
        tally.errors.append(f"assignments {r.status_code if r else '-'}")
        return
    if sorted(d["dwelling_id"] for d in r.json()["dwellings"]) != work.dwellings:
        tally.errors.append("assignments: not the device's dwellings")
        return
    headers = {**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    for body in work.bodies:
        r = await call(
            tally,
            "POST /households/batch",
            partial(client.post, f"{API}/households/batch", content=body, headers=headers),
        )
        if r is None or r.status_code != 200:
            tally.errors.append(f"batch {r.status_code if r else '-'}")
            continue
        for result in r.json()["results"]:
            tally.statuses[result["status"]] += 1


async def device(client: httpx.AsyncClient, i: int, work: Work, tally: Tally) -> None:
    """Mixed load: a device logs in, then syncs at once (logins and uploads interleave)."""
    auth = await log_in(client, i, tally)
    if auth is not None:
        await sync(client, auth, work, tally)


def probe(url: str, stop: Any, out: Any) -> None:
    """``GET /time`` every 20 ms until ``stop`` is set, in a process of its own (so the devices'
    event loop, busy in the bench process, does not add to the figure); sends back (start on
    the monotonic clock, seconds taken or None for a failure) for each."""
    samples: list[tuple[float, float | None]] = []
    with httpx.Client(base_url=url, timeout=120) as client:
        while not stop.is_set():
            t = time.monotonic()
            try:
                ok = client.get(f"{API}/time").status_code == 200
            except httpx.TransportError:
                ok = False
            samples.append((t, time.monotonic() - t if ok else None))
            stop.wait(0.02)
    out.put(samples)


def rss_kib(pids: list[int]) -> dict[int, int]:
    out = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out[pid] = int(line.split()[1])
        except OSError:
            pass
    return out


def server_pids(root: int) -> list[int]:
    """The server process and its worker children."""
    pids = [root]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == root:
                pids.append(int(entry.name))
    return pids


@contextmanager
def server(db: str, key_file: Path, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    cmd = [str(ROOT / ".venv/bin/census-tui"), "server", "run", "--db", db, "--port", str(port)]
    cmd += ["--key-file", str(key_file), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # wait until it answers (a bench may poll; tests wait on events)
            if proc.poll() is not None:
                raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}{API}/time", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(30)


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server: list[int]) -> dict[str, float]:
    """CPU seconds used so far: by the whole machine (busy time from /proc/stat), by the server's
    processes (live ones, from /proc/<pid>/stat) and by this bench process (every thread: the
    simulated devices, the probe, the RSS sampler). What is left of the machine's figure is
    PostgreSQL's processes (and anything else running: run the bench on a quiet machine)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(f) for f in fields]
    busy = sum(ticks) - ticks[3] - ticks[4]  # all but idle and iowait
    own = 0
    for pid in server:
        with suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            own += int(stat[11]) + int(stat[12])  # utime, stime
    usage = os.times()
    return {
        "machine": busy / CLK_TCK,
        "server": own / CLK_TCK,
        "bench": usage.user + usage.system,
    }


@dataclass
class Phase:
    """One timed part of the load: its wall time, CPU used and ``GET /time`` answers."""

    name: str
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    probe: list[float] = field(default_factory=list)
    span: tuple[float, float] = (0.0, 0.0)


async def load(
    url: str, args: argparse.Namespace, work: list[Work], tally: Tally, pids: list[int]
) -> list[Phase]:
    """Mixed: every device logs in and syncs at once. Phased: every device logs in first (the
    login phase: scrypt), then every device syncs (the sync phase: the database's work)."""
    spawn = multiprocessing.get_context("spawn")
    stop, out = spawn.Event(), spawn.Queue()
    prober = spawn.Process(target=probe, args=(url, stop, out), daemon=True)
    prober.start()
    phases: list[Phase] = []
    gate = asyncio.Semaphore(args.concurrency)
    tls = ssl.create_default_context()  # made once: a client of its own per device is cheap

    async def timed(name: str, jobs: Awaitable[Any]) -> Any:
        phase = Phase(name)
        before, t = cpu_snapshot(pids), time.monotonic()
        result = await jobs
        end = time.monotonic()
        after = cpu_snapshot(pids)
        phase.seconds, phase.span = end - t, (t, end)
        phase.cpu = {k: after[k] - before[k] for k in after}
        phases.append(phase)
        return result

    async def as_device(job: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
        """A device's turn (at most ``--concurrency`` at once), on a connection of its own."""
        async with (
            gate,
            httpx.AsyncClient(
                base_url=url, timeout=120, transport=httpx.AsyncHTTPTransport(verify=tls)
            ) as client,
        ):
            return await job(client)

    if args.mode == "mixed":
        await timed(
            "mixed",
            asyncio.gather(
                *(as_device(partial(device, i=i, work=w, tally=tally)) for i, w in enumerate(work))
            ),
        )
    else:
        auths = await timed(
            "login",
            asyncio.gather(
                *(as_device(partial(log_in, i=i, tally=tally)) for i in range(len(work)))
            ),
        )
        await timed(
            "sync",
            asyncio.gather(
                *(
                    as_device(partial(sync, auth=a, work=w, tally=tally))
                    for a, w in zip(auths, work, strict=True)
                    if a is not None
                )
            ),
        )
    stop.set()
    samples = out.get(timeout=60)
    prober.join(60)
    for started, took in samples:
        if took is None:
            tally.errors.append("time: failed")
            continue
        for phase in phases:
            if phase.span[0] <= started < phase.span[1]:
                phase.probe.append(took)
    return phases


def pct(values: list[float], q: int) -> float:
    """The q-th percentile in milliseconds."""
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def run_one(
    name: str, db: str, key: Path, workers: int, args: argparse.Namespace
) -> dict[str, Any]:
    storage = open_storage(db, key_file=key)
    t = time.perf_counter()
    dwellings = seed(storage, args.devices, args.households)
    seeded = time.perf_counter() - t
    work = [Work(sorted(d), bodies(sorted(d), args.batch)) for d in dwellings]
    storage.close()
    tally = Tally()
    with server(db, key, workers) as (url, proc):
        pids = server_pids(proc.pid)
        samples: list[tuple[float, dict[int, int]]] = [(time.monotonic(), rss_kib(pids))]
        stop = threading.Event()

        def sample() -> None:  # RSS twice a second during the load, to see whether it levels off
            while not stop.wait(0.5):
                samples.append((time.monotonic(), rss_kib(pids)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        phases = asyncio.run(load(url, args, work, tally, pids))
        stop.set()
        sampler.join()
        samples.append((time.monotonic(), rss_kib(pids)))
    storage = open_storage(db, key_file=key)
    with storage.tx() as tx:
        stored = tx.execute("SELECT count(*), count(DISTINCT case_uuid) FROM households")
        rows, cases = stored.fetchone()
    storage.close()
    expected = args.devices * args.households
    return {
        "name": name,
        "workers": workers,
        "seconds": sum(ph.seconds for ph in phases),
        "phases": phases,
        "seeded": seeded,
        "hh_per_s": tally.statuses.get("stored", 0) / phases[-1].seconds,
        "logins_per_s": args.devices / phases[0].seconds if args.mode == "phased" else None,
        "latency": {k: (pct(v, 50), pct(v, 95)) for k, v in tally.latency.items()},
        "errors": len(tally.errors) + sum(v for k, v in tally.statuses.items() if k != "stored"),
        "error_kinds": sorted(set(tally.errors))[:5],
        "retries": dict(tally.retries),
        "duplicates": rows - cases,
        "lost": expected - cases,
        "rss": {pid: {ph.name: rss_course(samples, ph, pid) for ph in phases} for pid in pids},
    }


def rss_course(samples: list[tuple[float, dict[int, int]]], phase: Phase, pid: int) -> list[int]:
    """A process's RSS (KiB) at the start, 1/4, 1/2, 3/4 and end of a phase (the samples
    nearest those moments)."""
    start, end = phase.span
    course = []
    for q in (0, 0.25, 0.5, 0.75, 1):
        moment = start + q * (end - start)
        nearest = min(samples, key=lambda s: abs(s[0] - moment))
        course.append(nearest[1].get(pid, 0))
    return course


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(
        f"\n{args.devices} devices x {args.households} households (2 persons), batches of "
        f"{args.batch}, {args.concurrency} devices at once, loopback, {os.cpu_count()} cores\n"
    )
    routes = sorted({r for res in results for r in res["latency"]})
    head = f"{'figure':34}" + "".join(
        f"{res['name'] + ' x' + str(res['workers']):>22}" for res in results
    )
    print(head)
    print("-" * len(head))

    def row(label: str, cells: list[str]) -> None:
        print(f"{label:34}" + "".join(f"{c:>22}" for c in cells))

    row(
        "households/s (sync phase)" if args.mode == "phased" else "households/s",
        [f"{r['hh_per_s']:.0f}" for r in results],
    )
    if args.mode == "phased":
        row("logins/s (login phase)", [f"{r['logins_per_s']:.1f}" for r in results])
    for route in routes:
        row(
            f"{route} p50/p95 ms",
            [
                "{:.0f} / {:.0f}".format(*r["latency"].get(route, (float("nan"),) * 2))
                for r in results
            ],
        )
    for i, phase in enumerate(results[0]["phases"]):
        name = phase.name
        row(f"{name}: wall time (s)", [f"{r['phases'][i].seconds:.1f}" for r in results])
        row(
            f"{name}: GET /time p95 ms",
            [
                f"{pct(r['phases'][i].probe, 95):.1f} (n={len(r['phases'][i].probe)})"
                for r in results
            ],
        )
        for part in ("server", "postgres", "bench"):
            cells = []
            for r in results:
                cpu, wall = r["phases"][i].cpu, r["phases"][i].seconds
                rest = cpu["machine"] - cpu["server"] - cpu["bench"]
                used = rest if part == "postgres" else cpu[part]
                cells.append(f"{used:.1f} s ({used / wall:.2f} cores)")
            label = "PostgreSQL+other" if part == "postgres" else part
            row(f"{name}: CPU {label}", cells)
    row(
        "errors / duplicates / lost",
        [f"{r['errors']} / {r['duplicates']} / {r['lost']}" for r in results],
    )
    for r in results:
        for pid, by_phase in r["rss"].items():
            course = "; ".join(
                f"{name} " + " ".join(f"{kib / 1024:.0f}" for kib in kibs)
                for name, kibs in by_phase.items()
            )
            print(f"  {r['name']} pid {pid}: RSS MiB at 0, 1/4, 1/2, 3/4, end of: {course}")
        if r["retries"]:
            print(f"  {r['name']} dropped connections retried: {r['retries']}")
        if r["error_kinds"]:
            print(f"  {r['name']} error kinds: {r['error_kinds']}")
    if len(results) == 2 and results[0]["hh_per_s"]:
        ratio = results[1]["hh_per_s"] / results[0]["hh_per_s"]
        print(f"\nPostgreSQL / SQLite households/s: {ratio:.2f}x (goal >= 3x)")
        if args.mode == "phased":
            ratio = results[1]["logins_per_s"] / results[0]["logins_per_s"]
            print(f"PostgreSQL / SQLite logins/s: {ratio:.2f}x")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--devices", type=int, default=2000)
    p.add_argument("--households", type=int, default=20)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--only", choices=("sqlite", "postgres"))
    p.add_argument(
        "--mode",
        choices=("phased", "mixed"),
        default="phased",
        help="phased: every device logs in, then every device syncs (each timed); "
        "mixed: each device logs in and syncs at once",
    )
    args = p.parse_args()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o755)
        if args.only != "postgres":
            results.append(run_one("SQLite", str(tmp / "load.db"), tmp / "sqlite.key", 1, args))
        if args.only != "sqlite":
            bindir = pg_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL binaries not found (Debian's postgresql package)")
            cluster = DurableCluster(bindir).init()
            try:
                cluster.start()
                url = cluster.create_database("load")
                results.append(run_one("PostgreSQL", url, tmp / "pg.key", args.workers, args))
            finally:
                cluster.destroy()
    report(results, args)


if __name__ == "__main__":
    main()
