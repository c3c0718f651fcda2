"""Load bench of the reference server: many devices log in, pull assignments and upload.

Each simulated device logs in (scrypt on the server, as in the field), pulls its assignments and
uploads ``--households`` households of 2 persons in batches of ``--batch`` (gzip, as the client
sends them). A probe asks ``GET /time`` every 20 ms during the load. Run against PostgreSQL with
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
import os
import socket
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
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.pg, tests.validation.builders

from census_tui.server.seed import add_enumerator  # noqa: E402
from census_tui.server.storage import Storage, open_storage  # noqa: E402
from census_tui.validation.household_json import to_json  # noqa: E402
from tests.pg import PORT, Cluster, pg_bindir  # noqa: E402
from tests.validation.builders import valid_household  # noqa: E402

PASSWORD = "bench-pass-1"
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


def seed(storage: Storage, devices: int, households: int) -> None:
    """Areas, dwellings and ready accounts; scrypt runs in two threads (hashlib frees the GIL)."""
    storage.set_training(False)

    def one(i: int) -> None:
        add_enumerator(storage, f"dev{i}", PASSWORD, area_of(i), dwellings=households, ready=True)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(one, range(devices)))


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
    probe: list[float] = field(default_factory=list)
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


async def device(
    client: httpx.AsyncClient, i: int, batch: int, tally: Tally, gate: asyncio.Semaphore
) -> None:
    async with gate:
        login = {"account": f"dev{i}", "password": PASSWORD}
        r = await call(tally, "POST /login", lambda: client.post(f"{API}/login", json=login))
        if r is None or r.status_code != 200:
            tally.errors.append(f"login {r.status_code if r else '-'}")
            return
        auth = {"Authorization": f"Bearer {r.json()['token']}"}
        r = await call(
            tally,
            "GET /assignments",
            lambda: client.get(f"{API}/assignments", params={"since": "0"}, headers=auth),
        )
        if r is None or r.status_code != 200:
            tally.errors.append(f"assignments {r.status_code if r else '-'}")
            return
        dwellings = sorted(d["dwelling_id"] for d in r.json()["dwellings"])
        headers = {**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"}
        for body in bodies(dwellings, batch):
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


async def probe(client: httpx.AsyncClient, tally: Tally, done: asyncio.Event) -> None:
    while not done.is_set():
        t = time.perf_counter()
        try:
            r = await client.get(f"{API}/time")
        except httpx.TransportError as exc:
            tally.retries[f"GET /time: {type(exc).__name__}"] += 1
            continue
        tally.probe.append(time.perf_counter() - t)
        if r.status_code != 200:
            tally.errors.append(f"time {r.status_code}")
        with suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 0.02)


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


async def load(url: str, devices: int, batch: int, concurrency: int, tally: Tally) -> float:
    limits = httpx.Limits(max_connections=concurrency + 2, max_keepalive_connections=concurrency)
    async with (
        httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client,
        httpx.AsyncClient(base_url=url, timeout=120) as probe_client,
    ):
        gate = asyncio.Semaphore(concurrency)
        done = asyncio.Event()
        prober = asyncio.create_task(probe(probe_client, tally, done))
        t = time.perf_counter()
        await asyncio.gather(*(device(client, i, batch, tally, gate) for i in range(devices)))
        elapsed = time.perf_counter() - t
        done.set()
        await prober
    return elapsed


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
    seed(storage, args.devices, args.households)
    seeded = time.perf_counter() - t
    storage.close()
    tally = Tally()
    with server(db, key, workers) as (url, proc):
        pids = server_pids(proc.pid)
        before = rss_kib(pids)
        samples: list[dict[int, int]] = []
        stop = threading.Event()

        def sample() -> None:  # RSS once a second during the load, to see whether it levels off
            while not stop.wait(1.0):
                samples.append(rss_kib(pids))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        elapsed = asyncio.run(load(url, args.devices, args.batch, args.concurrency, tally))
        stop.set()
        sampler.join()
        after = rss_kib(pids)
        quarter = samples[len(samples) // 4] if samples else after
        half = samples[len(samples) // 2] if samples else after
    storage = open_storage(db, key_file=key)
    with storage.tx() as tx:
        stored = tx.execute("SELECT count(*), count(DISTINCT case_uuid) FROM households")
        rows, cases = stored.fetchone()
    storage.close()
    expected = args.devices * args.households
    return {
        "name": name,
        "workers": workers,
        "seconds": elapsed,
        "seeded": seeded,
        "hh_per_s": tally.statuses.get("stored", 0) / elapsed,
        "latency": {k: (pct(v, 50), pct(v, 95)) for k, v in tally.latency.items()},
        "time_p95": pct(tally.probe, 95),
        "time_n": len(tally.probe),
        "errors": len(tally.errors) + sum(v for k, v in tally.statuses.items() if k != "stored"),
        "error_kinds": sorted(set(tally.errors))[:5],
        "retries": dict(tally.retries),
        "duplicates": rows - cases,
        "lost": expected - cases,
        "rss": {
            pid: (before.get(pid, 0), quarter.get(pid, 0), half.get(pid, 0), after.get(pid, 0))
            for pid in pids
        },
    }


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

    row("households/s", [f"{r['hh_per_s']:.0f}" for r in results])
    row("wall time of the load (s)", [f"{r['seconds']:.1f}" for r in results])
    for route in routes:
        row(
            f"{route} p50/p95 ms",
            [
                "{:.0f} / {:.0f}".format(*r["latency"].get(route, (float("nan"),) * 2))
                for r in results
            ],
        )
    row("GET /time p95 ms during load", [f"{r['time_p95']:.1f} (n={r['time_n']})" for r in results])
    row(
        "errors / duplicates / lost",
        [f"{r['errors']} / {r['duplicates']} / {r['lost']}" for r in results],
    )
    for r in results:
        for pid, (b, q, h, a) in r["rss"].items():
            print(
                f"  {r['name']} pid {pid}: RSS MiB before {b / 1024:.0f}, at 1/4 of the load "
                f"{q / 1024:.0f}, at 1/2 {h / 1024:.0f}, at the end {a / 1024:.0f}"
            )
        if r["retries"]:
            print(f"  {r['name']} dropped connections retried: {r['retries']}")
        if r["error_kinds"]:
            print(f"  {r['name']} error kinds: {r['error_kinds']}")
    if len(results) == 2 and results[0]["hh_per_s"]:
        ratio = results[1]["hh_per_s"] / results[0]["hh_per_s"]
        print(f"\nPostgreSQL / SQLite throughput: {ratio:.2f}x (goal >= 3x)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--devices", type=int, default=2000)
    p.add_argument("--households", type=int, default=20)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--only", choices=("sqlite", "postgres"))
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
