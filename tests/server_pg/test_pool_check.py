"""The connection pool's check before it hands out a connection (``pg_storage.Freshness``):
one just used is handed out without a round trip; one that rested longer than ``RESTED``, or
whose server side went away (its backend killed by another session), is checked with an empty
query, the broken one discarded, and the caller's query still answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from census_tui.server import pg_storage
from census_tui.server.pg_storage import RESTED, Freshness, PostgresStorage
from tests.pg import Cluster


class Ticks:
    """The check's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks(monkeypatch: pytest.MonkeyPatch) -> Ticks:
    clock = Ticks()
    real = Freshness.__init__

    def with_clock(self: Freshness) -> None:
        real(self, clock)

    monkeypatch.setattr(pg_storage.Freshness, "__init__", with_clock)
    return clock


@pytest.fixture
def db(pg_cluster: Cluster, pg_url: str, tmp_path: Path, ticks: Ticks) -> Iterator[PostgresStorage]:
    storage = PostgresStorage(pg_url, key_file=tmp_path / "office.key", pool_size=1)
    yield storage
    storage.close()


def _backend(db: PostgresStorage) -> int:
    return int(db._q("SELECT pg_backend_pid()")[0][0])


def test_a_connection_just_used_goes_out_without_a_round_trip(
    db: PostgresStorage, ticks: Ticks
) -> None:
    _backend(db)
    before = db.freshness.pings
    for _ in range(20):
        with db.tx() as t:
            t.execute("SELECT 1")
        ticks.now += RESTED / 10
    assert db.freshness.pings == before


def test_a_rested_connection_is_checked(db: PostgresStorage, ticks: Ticks) -> None:
    _backend(db)
    before = db.freshness.pings
    ticks.now += RESTED + 1
    _backend(db)
    assert db.freshness.pings == before + 1


def test_a_connection_whose_backend_was_killed_is_replaced(
    db: PostgresStorage, pg_url: str
) -> None:
    first = _backend(db)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (first,)).fetchone() == (True,)
        # the killed backend is gone before the pool hands its connection out again
        for _ in range(500):
            gone = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (first,)
            ).fetchone()
            if gone == (0,):
                break
            admin.execute("SELECT pg_sleep(0.01)")
    before = db.freshness.pings
    second = _backend(db)  # no error: the broken connection was seen and replaced
    assert second != first
    assert db.freshness.pings == before + 1
