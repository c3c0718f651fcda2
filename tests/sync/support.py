"""Helpers and fixtures of the sync tests: the real server on 127.0.0.1, the proxy, profiles.

Nothing is mocked: the server is uvicorn on a free loopback port, the client is httpx, the
profile is a real SQCipher store. Backoff sleeps go to a FakeClock, so retries cost no time;
the short real timeouts below bound what stalls and drips cost.

``site`` is SQLite unless a test asks for PostgreSQL with
``@pytest.mark.parametrize("site", ["postgres"], indirect=True)`` (tests/server_pg runs the
representative sync tests so, on the session's throwaway cluster).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB, Storage
from census_tui.store import KdfParams, Store
from census_tui.sync.login import begin_first_login
from census_tui.sync.transport import RetryPolicy
from census_tui.validation.household_json import to_json
from tests.sync.faultproxy import FaultProxy
from tests.validation.builders import valid_household

CHEAP_KDF = KdfParams(n=2**10, r=1, p=1)
AREA_A = "110105001001002"
AREA_B = "110105001001003"
PASSWORD_A = "alice-pass-1"
PASSWORD_B = "bob-pass-22"
FAST = RetryPolicy(
    attempts=4,
    backoff_base=0.5,
    backoff_cap=5.0,
    deadline=600.0,
    connect_timeout=2.0,
    read_timeout=0.6,
    transfer_limit=1.0,
)


@dataclass
class Site:
    """A running server with two ready enumerators (A and B) in their own areas."""

    db: Storage
    server: ServerThread
    dwellings_a: list[str]
    dwellings_b: list[str]

    @property
    def url(self) -> str:
        return self.server.url


def open_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """SQLite in ``tmp_path``, or PostgreSQL when the test is parametrized with it."""
    if getattr(request, "param", "sqlite") == "postgres":
        from census_tui.server.pg_storage import PostgresStorage

        url = request.getfixturevalue("pg_url")
        return PostgresStorage(url, key_file=tmp_path / "office.recovery-key")
    return ServerDB(tmp_path / "server.db")


@pytest.fixture
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    db = open_backend(request, tmp_path)
    a = add_enumerator(db, "alice", PASSWORD_A, AREA_A, dwellings=40, ready=True)
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
    with ServerThread(db) as server:
        yield Site(db, server, a, b)
    db.close()


@pytest.fixture
def proxy(site: Site) -> Iterator[FaultProxy]:
    with FaultProxy(site.server.port) as p:
        yield p


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_profile(
    url: str, base: Path, clock: FakeClock, account: str = "alice", password: str = PASSWORD_A
) -> Store:
    """A profile made by the real first-login flow (the account is already ready)."""
    flow = begin_first_login(
        url, account, password, clock=clock, base=base, kdf=CHEAP_KDF, policy=FAST
    )
    return flow.finish()


def household_payload(
    dwelling_id: str, n_persons: int = 4, revision: int = 1, training: bool = False
) -> tuple[str, bytes]:
    """A valid household (no findings) as its upload payload; returns (case uuid, payload)."""
    hh = valid_household(n_persons, uuid=str(uuid.uuid4()))
    hh.dwelling_id = dwelling_id
    hh.revision = revision
    hh.training = training
    hh.hh_number = 1
    body = json.dumps(to_json(hh), ensure_ascii=False, separators=(",", ":")).encode()
    return hh.uuid, body


def enqueue_households(store: Store, dwellings: list[str], n: int) -> dict[str, bytes]:
    """Queue ``n`` valid households in the outbox; returns case uuid -> payload."""
    out: dict[str, bytes] = {}
    for i in range(n):
        case, payload = household_payload(dwellings[i % len(dwellings)])
        store.enqueue("household", case, 1, payload)
        out[case] = payload
    return out


def server_copy(db: Storage) -> dict[str, list[dict[str, object]]]:
    """case uuid -> every stored revision's JSON (a list, so duplicates would show)."""
    out: dict[str, list[dict[str, object]]] = {}
    for row in db.households():
        out.setdefault(row["case_uuid"], []).append(json.loads(row["payload"]))
    return out


def assert_exactly_once(db: Storage, sent: dict[str, bytes]) -> None:
    """The server holds every household exactly once, equal to the client's payload."""
    held = server_copy(db)
    assert set(held) == set(sent)
    for case, payload in sent.items():
        assert held[case] == [json.loads(payload)], case
