"""Benchmark: push 1,000 households of 4 persons to the local reference server.

Compares ``sync_store`` (outbox read, batching, gzip, strict answer checks, acks in the
encrypted store) with a bare httpx loop POSTing the very same gzip bodies to a second, fresh
server in the same run. Targets (issue 4): total <= 5 s and <= 2x the bare loop.

Run from the repository root: ``.venv/bin/python bench/bench_sync.py [--n 1000]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.validation.builders

from census_tui.clock import SystemClock
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.store import KdfParams
from census_tui.sync.api import join_items
from census_tui.sync.engine import sync_store
from census_tui.sync.login import begin_first_login
from census_tui.validation.household_json import to_json
from tests.validation.builders import valid_household

AREA = "110105001001009"
PASSWORD = "bench-pass-1"
BATCH = 100


def payloads(dwellings: list[str], n: int) -> list[tuple[str, bytes]]:
    out = []
    for i in range(n):
        hh = valid_household(4, uuid=str(uuid.uuid4()))
        hh.dwelling_id, hh.revision, hh.hh_number = dwellings[i % len(dwellings)], 1, 1
        out.append((hh.uuid, json.dumps(to_json(hh), ensure_ascii=False).encode()))
    return out


def server(tmp: Path, name: str) -> tuple[ServerDB, list[str]]:
    db = ServerDB(tmp / f"{name}.db")
    return db, add_enumerator(db, "bench", PASSWORD, AREA, dwellings=50, ready=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db1, dwellings = server(tmp, "sync")
        db2, _ = server(tmp, "bare")
        items = payloads(dwellings, n)
        bodies = [
            gzip.compress(join_items([p for _, p in items[i : i + BATCH]]), compresslevel=5)
            for i in range(0, n, BATCH)
        ]
        clock = SystemClock()
        with ServerThread(db1) as s1, ServerThread(db2) as s2:
            flow = begin_first_login(
                s1.url,
                "bench",
                PASSWORD,
                clock=clock,
                base=tmp / "home",
                kdf=KdfParams(n=2**10, r=1, p=1),
            )
            store = flow.finish()
            with store.transaction():
                for case, payload in items:
                    store.enqueue("household", case, 1, payload)

            t0 = time.perf_counter()
            summary = sync_store(store, clock=clock, batch_size=BATCH)
            t_sync = time.perf_counter() - t0
            assert summary.error is None and summary.acked == n, summary.to_dict()
            assert len(db1.households()) == n

            with httpx.Client(base_url=s2.url) as bare:
                token = bare.post(
                    "/api/v1/login", json={"account": "bench", "password": PASSWORD}
                ).json()["token"]
                headers = {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Content-Encoding": "gzip",
                    "Accept-Encoding": "gzip",
                }
                t0 = time.perf_counter()
                for body in bodies:
                    r = bare.post("/api/v1/households/batch", content=body, headers=headers)
                    assert r.status_code == 200
                t_bare = time.perf_counter() - t0
            assert len(db2.households()) == n
            store.close()
        db1.close()
        db2.close()
    ratio = t_sync / t_bare
    print("| bench | households | persons each | batches | sync s | bare httpx s | ratio |")
    print("|---|---|---|---|---|---|---|")
    print(f"| sync push | {n} | 4 | {len(bodies)} | {t_sync:.2f} | {t_bare:.2f} | {ratio:.2f}x |")
    ok = t_sync <= 5.0 and ratio <= 2.0
    print("targets: <= 5 s and <= 2x bare:", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
