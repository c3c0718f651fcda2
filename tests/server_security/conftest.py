"""The real reference server on 127.0.0.1 with a fake clock, for the security tests.

Two ready enumerators in their own areas (A: alice, B: bob), an enumerator still at the first
login (newbie) and a supervisor account (role ``supervisor``) for the role checks. The server's
clock is a :class:`FakeClock`, so session expiry and login throttling are tested by moving time,
never by sleeping. :func:`snapshot` is everything the server stores that a request could change.

Every test here runs twice, on both storage backends: SQLite (a file in ``tmp_path``) and
PostgreSQL (the session's throwaway cluster, ``tests/pg.py``; emptied before each test).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from census_tui.clock import FakeClock
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB, Storage

V1 = "/api/v1"
AREA_A = "110105001001002"
AREA_B = "110105001001003"
AREA_N = "110105001001004"
PASSWORD_A = "alice-pass-1"
PASSWORD_B = "bob-pass-22"
PASSWORD_S = "super-pass-3"


@dataclass
class Site:
    """A running server (fake clock) with its accounts and dwellings."""

    db: Storage
    server: ServerThread
    clock: FakeClock
    dwellings_a: list[str]
    dwellings_b: list[str]

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, account: str = "alice", password: str = PASSWORD_A) -> httpx.Client:
        """A client logged in as ``account`` (its token in the Authorization header)."""
        c = httpx.Client(base_url=self.url, timeout=30)
        r = c.post(f"{V1}/login", json={"account": account, "password": password})
        assert r.status_code == 200, r.text
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return c


def open_backend(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock | None = None
) -> Storage:
    """A new empty server database on the backend the test is parametrized with."""
    if request.param == "postgres":
        from census_tui.server.pg_storage import PostgresStorage

        url = request.getfixturevalue("pg_url")
        return PostgresStorage(url, clock, key_file=tmp_path / "office.recovery-key")
    return ServerDB(tmp_path / "server.db", clock=clock)


BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    clock = FakeClock()
    db = open_backend(request, tmp_path, clock)
    a = add_enumerator(db, "alice", PASSWORD_A, AREA_A, dwellings=5, ready=True)
    b = add_enumerator(
        db,
        "bob",
        PASSWORD_B,
        AREA_B,
        dwellings=5,
        ready=True,
        name="另一位",
        id_number="11010519491231002X",
    )
    add_enumerator(db, "newbie", "initial-1", AREA_N, dwellings=2)
    db.add_account(
        "boss",
        PASSWORD_S,
        name="督导员",
        id_number="110101199003070011",
        work_id="SV-1",
        issuing_office="office",
        valid_from="2020-10-01",
        valid_until="2020-12-31",
        areas=[AREA_A],
        role="supervisor",
    )
    db.mark_ready("boss")
    with ServerThread(db) as server:
        yield Site(db, server, clock, a, b)
    db.close()


def post(
    c: httpx.Client,
    path: str,
    body: bytes,
    *,
    gz: bool = False,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST raw bytes as JSON (optionally gzipped) and return the answer."""
    h = {"Content-Type": "application/json", **(headers or {})}
    if gz:
        body, h["Content-Encoding"] = gzip.compress(body), "gzip"
    return c.post(path, content=body, headers=h)


def snapshot(db: Storage) -> dict[str, Any]:
    """Every stored row a request could add or change (sessions aside)."""
    tables = (
        "households",
        "outcomes",
        "reviews",
        "accounts",
        "dwellings",
        "areas",
        "cases",
        "events",
    )
    return {t: db.rows(t) for t in tables}
