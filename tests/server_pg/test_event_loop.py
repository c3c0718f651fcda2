"""The event loop never waits on the database nor on a body's parsing (issue 18 §2): while a
request is stuck on a database lock that the test holds (SQLite: the storage's lock;
PostgreSQL: the cursor's advisory lock, taken in a session of the test), or while a body is
being parsed, ``GET /time`` still answers at once; the stuck request then completes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import psycopg
import pytest

from census_tui.server import wire
from census_tui.server.pg_storage import CURSOR_LOCK, PostgresStorage
from census_tui.server.storage import SqliteStorage, Storage
from tests.server_security.conftest import BACKENDS
from tests.sync.support import PASSWORD_A, Site, household_payload

V1 = "/api/v1"


@contextmanager
def database_held(db: Storage) -> Iterator[None]:
    """Hold the lock the next cursor read needs, for as long as the block runs."""
    if isinstance(db, PostgresStorage):
        with psycopg.connect(db.url) as con:
            con.execute("SELECT pg_advisory_xact_lock(%s)", (CURSOR_LOCK,))
            yield
            con.rollback()
        return
    assert isinstance(db, SqliteStorage)
    with db._lock:
        yield


def _client(site: Site) -> httpx.Client:
    c = httpx.Client(base_url=site.url, timeout=30)
    r = c.post(f"{V1}/login", json={"account": "alice", "password": PASSWORD_A})
    c.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return c


def _in_thread(call: Callable[[], httpx.Response]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(call()))
    thread.start()
    return thread, out


def _signal_on(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> threading.Event:
    """An event set when ``owner.name`` is called (the call then goes on as usual)."""
    entered = threading.Event()
    real = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapped)
    return entered


@pytest.mark.parametrize("site", BACKENDS, indirect=True)
def test_a_request_waiting_on_the_database_stalls_no_other(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = _client(site)
    entered = _signal_on(monkeypatch, site.db, "caller")
    with database_held(site.db):
        thread, out = _in_thread(lambda: c.get(f"{V1}/assignments"))
        assert entered.wait(timeout=30)
        clock = httpx.get(f"{site.url}{V1}/time", timeout=5)  # would time out on a stalled loop
        assert clock.status_code == 200
        assert thread.is_alive()  # the assignments are still waiting for the database
    thread.join(timeout=30)
    assert out[0].status_code == 200 and len(out[0].json()["dwellings"]) == 40


@pytest.mark.parametrize("site", ["sqlite"], indirect=True)
def test_a_body_being_parsed_stalls_no_other_request(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = _client(site)
    entered, release = threading.Event(), threading.Event()
    real = wire.decode_body

    def slow_parse(*args: Any) -> Any:
        entered.set()
        assert release.wait(timeout=30)
        return real(*args)

    monkeypatch.setattr(wire, "decode_body", slow_parse)
    _, payload = household_payload(site.dwellings_a[0])  # a small body: parsed off the loop too
    headers = {"Content-Type": "application/json"}
    thread, out = _in_thread(lambda: c.post(f"{V1}/households", content=payload, headers=headers))
    try:
        assert entered.wait(timeout=30)
        assert httpx.get(f"{site.url}{V1}/time", timeout=5).status_code == 200
    finally:
        release.set()
    thread.join(timeout=30)
    assert out[0].status_code == 201
