"""PostgreSQL going away in the middle of a batch (issue 18, "Bad input"): the batch fails as a
whole with 503, a bilingual message and ``Retry-After``; nothing of it is stored (the items
written before the cut are rolled back); the device retries once the database is back and every
household is then on the server exactly once.

The cut is made deterministic: a transaction of the test claims the third household's case
(uncommitted), so the server's batch, having written the first two, waits on that row lock;
the test sees it waiting (``pg_stat_activity``) and stops the cluster (``pg_ctl -m fast``, which
ends every session). The device's backoff sleep goes to a clock whose sleep restarts the
cluster, so the retry meets a database that is back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from census_tui.clock import FakeClock
from census_tui.server.app import RETRY_AFTER
from census_tui.server.pg_storage import PostgresStorage
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.sync.engine import sync_store
from census_tui.sync.transport import RetryPolicy
from tests.pg import Cluster, wait_for_lock_wait
from tests.sync.support import (
    AREA_A,
    PASSWORD_A,
    assert_exactly_once,
    enqueue_households,
    household_payload,
    make_profile,
)

V1 = "/api/v1"
PATIENT = RetryPolicy(
    attempts=4,
    backoff_base=0.5,
    backoff_cap=5.0,
    deadline=600.0,
    connect_timeout=2.0,
    read_timeout=30.0,  # the batch waits on the test's lock meanwhile
    transfer_limit=60.0,
)


class RestartingClock(FakeClock):
    """A fake clock whose backoff sleep brings the database back once it has stopped."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__()
        self.cluster = cluster
        self.stopped = threading.Event()

    def sleep(self, seconds: float) -> None:
        assert self.stopped.wait(timeout=60)
        if not self.cluster.running():
            self.cluster.start()
        super().sleep(seconds)


@pytest.fixture
def pg_site(pg_cluster: Cluster, pg_url: str, tmp_path: Path) -> Iterator[ServerThread]:
    db = PostgresStorage(pg_url, key_file=tmp_path / "office.recovery-key")
    add_enumerator(db, "alice", PASSWORD_A, AREA_A, dwellings=10, ready=True)
    try:
        with ServerThread(db) as server:
            yield server
    finally:
        db.close()
        if not pg_cluster.running():
            pg_cluster.start()


def _claim(url: str, case: str) -> psycopg.Connection[tuple[object, ...]]:
    """A transaction holding (uncommitted) a claim on ``case``: the server's insert of that case
    waits for it."""
    con = psycopg.connect(url)
    con.execute(
        "INSERT INTO cases (case_uuid, account, area_id) VALUES (%s, 'mallory', %s)",
        (case, AREA_A),
    )
    return con


def _stored(url: str) -> dict[str, int]:
    with psycopg.connect(url) as con:
        return {
            t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
            for t in ("households", "cases")
        }


def _token(url: str) -> str:
    r = httpx.post(f"{url}{V1}/login", json={"account": "alice", "password": PASSWORD_A})
    return str(r.json()["token"])


def test_a_batch_cut_off_by_the_database_is_refused_whole(
    pg_site: ServerThread, pg_cluster: Cluster, pg_url: str
) -> None:
    dwellings = [f"{AREA_A}-{n:03d}" for n in range(1, 7)]
    docs = [household_payload(d) for d in dwellings]
    body = b'{"items":[' + b",".join(p for _, p in docs) + b"]}"
    headers = {"Authorization": f"Bearer {_token(pg_site.url)}"}
    answers: list[httpx.Response] = []
    blocker = _claim(pg_url, docs[2][0])

    def post() -> None:
        answers.append(
            httpx.post(
                f"{pg_site.url}{V1}/households/batch",
                content=body,
                headers={**headers, "Content-Type": "application/json"},
                timeout=30,
            )
        )

    poster = threading.Thread(target=post)
    poster.start()
    wait_for_lock_wait(pg_url, blocker.info.backend_pid)
    pg_cluster.stop("fast")
    poster.join()
    blocker.close()
    answer = answers[0]
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == str(RETRY_AFTER)
    message = answer.json()["message"]
    assert "暂时不可用" in message["zh"] and "unavailable" in message["en"]
    # the server itself still answers while its database is away
    assert httpx.get(f"{pg_site.url}{V1}/time").status_code == 200
    pg_cluster.start()
    assert _stored(pg_url) == {"households": 0, "cases": 0}  # the first two rolled back too
    again = httpx.post(
        f"{pg_site.url}{V1}/households/batch",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert [r["status"] for r in again.json()["results"]] == ["stored"] * 6
    assert _stored(pg_url) == {"households": 6, "cases": 6}


def test_the_device_retries_after_the_database_comes_back(
    pg_site: ServerThread, pg_cluster: Cluster, pg_url: str, tmp_path: Path
) -> None:
    clock = RestartingClock(pg_cluster)
    store = make_profile(pg_site.url, tmp_path / "home", clock)
    dwellings = [f"{AREA_A}-{n:03d}" for n in range(1, 11)]
    sent = enqueue_households(store, dwellings, 6)
    blocker = _claim(pg_url, list(sent)[2])
    results = []
    syncing = threading.Thread(
        target=lambda: results.append(sync_store(store, clock=clock, policy=PATIENT, batch_size=6))
    )
    syncing.start()
    wait_for_lock_wait(pg_url, blocker.info.backend_pid)
    pg_cluster.stop("fast")
    clock.stopped.set()
    syncing.join()
    blocker.close()
    summary = results[0]
    assert summary.error is None, summary.error
    assert summary.acked == 6 and store.outbox_depth() == 0
    assert clock.slept and clock.slept[0] == RETRY_AFTER  # it waited as the 503 asked
    assert_exactly_once(pg_site.db, sent)
    store.close()
