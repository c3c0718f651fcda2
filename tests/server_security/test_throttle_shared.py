"""The login throttle is shared by every worker through the database (issue 18 §4 with
``--workers N``): two servers, each with its own storage object on one database (as two worker
processes have), give an account 5 failed attempts and an address 30 in 15 minutes in total,
whichever server each guess reaches, also when the guesses come in parallel. The window expires
by the servers' clock, and the failures table holds nothing but keys and times, swept as it goes.
On both backends: two SQLite connections to one file, two PostgreSQL pools on one database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from census_tui.clock import FakeClock
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB, SqliteStorage, Storage
from census_tui.server.throttle import ACCOUNT_FAILS, ADDRESS_FAILS, FAIL_WINDOW, SWEEP_EVERY
from tests.server_security.conftest import (
    AREA_A,
    AREA_B,
    BACKENDS,
    PASSWORD_A,
    PASSWORD_B,
    V1,
    open_backend,
    snapshot,
)

GUESS = "wrong-guess-1"


@dataclass
class Pair:
    """Two servers ("workers") over two storage objects on one database, one clock."""

    db: Storage
    urls: list[str]
    clock: FakeClock

    def login(self, worker: int, account: str, password: str) -> httpx.Response:
        body = {"account": account, "password": password}
        return httpx.post(f"{self.urls[worker]}{V1}/login", json=body, timeout=30)


def _second_storage(db: Storage, clock: FakeClock, tmp_path: Path) -> Storage:
    if isinstance(db, SqliteStorage):
        assert db.path is not None
        return ServerDB(db.path, clock=clock)
    from census_tui.server.pg_storage import PostgresStorage

    assert isinstance(db, PostgresStorage)
    return PostgresStorage(db.url, clock, key_file=tmp_path / "office.recovery-key")


@pytest.fixture(params=BACKENDS)
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    clock = FakeClock()
    first = open_backend(request, tmp_path, clock)
    add_enumerator(first, "alice", PASSWORD_A, AREA_A, dwellings=1, ready=True)
    add_enumerator(
        first, "bob", PASSWORD_B, AREA_B, dwellings=1, ready=True, id_number="11010519491231002X"
    )
    second = _second_storage(first, clock, tmp_path)
    try:
        with ServerThread(first) as one, ServerThread(second) as two:
            yield Pair(first, [one.url, two.url], clock)
    finally:
        second.close()
        first.close()


def _stored(db: Storage) -> dict[str, Any]:
    return {**snapshot(db), "sessions": db.rows("sessions")}


def _at_once(calls: Sequence[Callable[[], httpx.Response]]) -> list[int]:
    """Run the calls in parallel threads released together; their status codes."""
    start = threading.Barrier(len(calls))
    codes: list[int] = [0] * len(calls)

    def run(i: int) -> None:
        start.wait()
        codes[i] = calls[i]().status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def test_the_account_limit_holds_across_workers_and_expires_by_the_clock(pair: Pair) -> None:
    before = _stored(pair.db)
    for n in range(ACCOUNT_FAILS):  # 3 through the first worker, 2 through the second
        assert pair.login(n % 2, "alice", GUESS).status_code == 401
    for worker in (0, 1):  # the 6th, through either, even with the right password
        refused = pair.login(worker, "alice", PASSWORD_A)
        assert refused.status_code == 429
        assert refused.json()["error"] == "too_many_attempts"
        assert refused.json()["message"] == {
            "zh": "尝试次数过多，请稍后再试",
            "en": "too many attempts; try again later",
        }
        assert int(refused.headers["Retry-After"]) == FAIL_WINDOW
    assert pair.login(1, "bob", PASSWORD_B).status_code == 200  # other accounts unaffected
    pair.login(0, "bob", GUESS)  # one failure of bob, forgotten with the window
    failures = pair.db.failed_attempts()
    assert sorted({key for key, _ in failures}) == [
        "account:alice",
        "account:bob",
        "address:127.0.0.1",
    ]
    assert [key for key, _ in failures].count("account:alice") == ACCOUNT_FAILS
    assert GUESS not in repr(pair.db.rows("failed_attempts"))  # keys and times only

    pair.clock.advance(FAIL_WINDOW - 1)
    late = pair.login(1, "alice", PASSWORD_A)
    assert late.status_code == 429 and late.headers["Retry-After"] == "1"
    pair.clock.advance(1)
    assert pair.login(1, "alice", PASSWORD_A).status_code == 200
    assert ("account:alice", pair.clock.now().timestamp()) not in pair.db.failed_attempts()
    pair.clock.advance(SWEEP_EVERY)  # each worker sweeps the expired failures as it goes
    assert pair.login(0, "bob", PASSWORD_B).status_code == 200
    assert pair.db.failed_attempts() == []  # expired ones swept, the logins' own forgiven
    after = _stored(pair.db)
    assert len(after.pop("sessions")) == 3  # the three logins, nothing else
    before.pop("sessions")
    assert after == before


def test_parallel_guesses_through_both_workers_never_pass_the_limits(pair: Pair) -> None:
    guesses = [partial(pair.login, i % 2, "bob", GUESS) for i in range(ACCOUNT_FAILS + 7)]
    codes = _at_once(guesses)
    assert sorted(codes) == [401] * ACCOUNT_FAILS + [429] * 7, codes
    # The address has had 5 failures. Its failures count when they happen (not from the start,
    # see throttle.py): a burst of unknown accounts may pass the limit by the guesses in flight,
    # but every failure is counted and the next guess is refused.
    names = [f"nobody{i}" for i in range(ADDRESS_FAILS)]
    codes = _at_once([partial(pair.login, i % 2, n, GUESS) for i, n in enumerate(names)])
    failed = codes.count(401)
    left = ADDRESS_FAILS - ACCOUNT_FAILS
    assert left <= failed and failed + codes.count(429) == len(names), codes
    assert pair.login(1, "nobody-else", GUESS).status_code == 429
    keys = [key for key, _ in pair.db.failed_attempts()]
    assert keys.count("address:127.0.0.1") == ACCOUNT_FAILS + failed
    assert keys.count("account:bob") == ACCOUNT_FAILS
    assert len(keys) == 2 * ACCOUNT_FAILS + 2 * failed  # refused guesses stored nothing


def test_devices_behind_one_address_log_in_at_once(pair: Pair) -> None:
    """More devices than the address limit, behind one address (an office's NAT), log in at
    the same moment with their right passwords: none is refused (the load bench found 429s)."""
    n = ADDRESS_FAILS + 6
    for i in range(n):
        add_enumerator(
            pair.db, f"dev{i}", PASSWORD_A, f"1101050020{i:05d}", dwellings=1, ready=True
        )
    codes = _at_once([partial(pair.login, i % 2, f"dev{i}", PASSWORD_A) for i in range(n)])
    assert codes == [200] * n, codes
    assert pair.db.failed_attempts() == []


def test_wrong_current_passwords_count_across_workers(pair: Pair) -> None:
    token = pair.login(0, "bob", PASSWORD_B).json()["token"]
    body = {"old_password": GUESS, "new_password": "bob-new-pass-3"}
    headers = {"Authorization": f"Bearer {token}"}

    def change(worker: int) -> httpx.Response:
        url = f"{pair.urls[worker]}{V1}/password"
        return httpx.post(url, json=body, headers=headers, timeout=30)

    for n in range(ACCOUNT_FAILS):
        assert change(n % 2).status_code == 401
    assert change(1).status_code == 429
    assert pair.login(0, "bob", PASSWORD_B).status_code == 429  # the same account's count
