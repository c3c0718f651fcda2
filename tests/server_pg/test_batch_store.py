"""A batch of households stored at once (``Storage.store_households``, issue 18's load work) on
both backends: its answers and what it stores are those of storing the same uploads one after
the other (random scenarios with owners, revisions, duplicates, conflicts, jumps and other
accounts' cases, statements split into chunks of 3 rows); a case another transaction claims
while the batch runs is read again (PostgreSQL, with the claim held by a real second session);
a whole batch of 500 goes through the HTTP route with every household stored once."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from census_tui.server import storage as st
from census_tui.server.pg_storage import PostgresStorage
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import MAX_REVISION_STEP, Storage, StoreResult, Upload
from tests.pg import Cluster, wait_for_lock_wait
from tests.sync.support import household_payload

ALICE, BOB = ("alice", "110105001001001"), ("bob", "110105001001002")
PASSWORD = "pass-word-1"


def _upload(case: str, revision: int, owner: tuple[str, str], body: str) -> Upload:
    account, area = owner
    return Upload(
        case_uuid=case,
        revision=revision,
        area_id=area,
        dwelling_id=f"{area}-001",
        account=account,
        training=False,
        payload=json.dumps({"case": case[2:], "body": body}),
        flags=["HH-03"] if revision % 2 else [],
        clock_offset=revision,
    )


def _scenario(rnd: random.Random) -> tuple[list[Upload], list[Upload]]:
    """Uploads stored beforehand and a batch, over a few cases (names without a prefix)."""
    cases = [f"c{n}" for n in range(rnd.randint(1, 5))]

    def one() -> Upload:
        revision = rnd.choice([1, 1, 2, 3, 4, MAX_REVISION_STEP + 1, MAX_REVISION_STEP + 2])
        return _upload(
            rnd.choice(cases), revision, rnd.choice([ALICE, ALICE, BOB]), rnd.choice("ab")
        )

    before = [one() for _ in range(rnd.randint(0, 4))]
    batch = [one() for _ in range(rnd.randint(1, 12))]
    return before, batch


def _named(uploads: list[Upload], prefix: str) -> list[Upload]:
    return [
        Upload(**{**{f: getattr(u, f) for f in u.__slots__}, "case_uuid": prefix + u.case_uuid})
        for u in uploads
    ]


def _stored(db: Storage, prefix: str) -> list[tuple[Any, ...]]:
    """Every case and revision of the prefix, the prefix taken off."""
    rows = db._q(
        "SELECT c.case_uuid, c.account, c.area_id, h.revision, h.sha256, h.flags,"
        " h.clock_offset, h.account FROM cases c LEFT JOIN households h"
        " ON h.case_uuid = c.case_uuid WHERE c.case_uuid LIKE ? ORDER BY 1, 4",
        (prefix + "%",),
    )
    return [(str(r[0])[len(prefix) :], *tuple(r)[1:]) for r in rows]


@pytest.fixture
def two(storage: Storage, monkeypatch: pytest.MonkeyPatch) -> Storage:
    monkeypatch.setattr(st, "_CHUNK", 3)  # statements of 3 rows: every batch is split
    for account, area in (ALICE, BOB):
        add_enumerator(storage, account, PASSWORD, area, dwellings=1, ready=True)
    return storage


def test_a_batch_answers_and_stores_as_one_by_one(two: Storage) -> None:
    rnd = random.Random(18)
    outcomes: set[str] = set()
    for n in range(60):
        before, batch = _scenario(rnd)
        one, many = f"o{n}-", f"m{n}-"
        answers: dict[str, list[StoreResult]] = {}
        for prefix in (one, many):
            with two.tx() as t:
                for u in _named(before, prefix):
                    two.store_household(t, **{f: getattr(u, f) for f in u.__slots__})
        with two.tx() as t:
            answers[one] = [
                two.store_household(t, **{f: getattr(u, f) for f in u.__slots__})
                for u in _named(batch, one)
            ]
        with two.tx() as t:
            answers[many] = two.store_households(t, _named(batch, many))
        assert answers[many] == answers[one], (n, before, batch)
        assert _stored(two, many) == _stored(two, one), (n, before, batch)
        outcomes |= {r.status for r in answers[many]}
    # the scenarios reached every answer there is
    assert outcomes == {"stored", "duplicate", "conflict", "forbidden", "too_far"}


def test_an_empty_batch_stores_nothing(two: Storage) -> None:
    with two.tx() as t:
        assert two.store_households(t, []) == []
    assert two._q("SELECT count(*) FROM households")[0][0] == 0


# -- a claim made by another transaction while the batch runs (PostgreSQL's row locks) --------
@pytest.fixture
def pg(pg_cluster: Cluster, pg_url: str, tmp_path: Path) -> Iterator[PostgresStorage]:
    db = PostgresStorage(pg_url, key_file=tmp_path / "office.key")
    for account, area in (ALICE, BOB):
        add_enumerator(db, account, PASSWORD, area, dwellings=1, ready=True)
    yield db
    db.close()


@pytest.mark.parametrize(
    ("claimer", "end", "raced"),
    [
        (BOB, "commit", "forbidden"),  # bob's claim won: not alice's case
        (ALICE, "commit", "stored"),  # alice's other device claimed it: still hers
        (BOB, "rollback", "stored"),  # the claim went away: alice's batch claims it
    ],
)
def test_a_case_claimed_meanwhile_is_read_again(
    pg: PostgresStorage, pg_url: str, claimer: tuple[str, str], end: str, raced: str
) -> None:
    batch = [_upload(c, 1, ALICE, "x") for c in ("c-first", "c-raced", "c-last")]
    blocker = psycopg.connect(pg_url)
    blocker.execute(
        "INSERT INTO cases (case_uuid, account, area_id) VALUES ('c-raced', %s, %s)", claimer
    )
    answers: list[list[StoreResult]] = []

    def store() -> None:
        with pg.tx() as t:
            answers.append(pg.store_households(t, batch))

    storing = threading.Thread(target=store)
    storing.start()
    wait_for_lock_wait(pg_url, blocker.info.backend_pid)
    blocker.commit() if end == "commit" else blocker.rollback()
    storing.join(60)
    blocker.close()
    assert [r.status for r in answers[0]] == ["stored", raced, "stored"]
    owners = dict(
        (str(r[0]), (str(r[1]), str(r[2])))
        for r in pg._q("SELECT case_uuid, account, area_id FROM cases")
    )
    assert owners["c-raced"] == (claimer if end == "commit" else ALICE)
    revisions = pg._q("SELECT count(*) FROM households WHERE case_uuid = 'c-raced'")[0][0]
    assert revisions == (1 if raced == "stored" else 0)


# -- the route with a whole batch ------------------------------------------------------------
def test_a_full_batch_through_the_route_is_stored_once(storage: Storage) -> None:
    area = ALICE[1]
    add_enumerator(storage, "alice", PASSWORD, area, dwellings=10, ready=True)
    docs = [household_payload(f"{area}-{n % 10 + 1:03d}", 1)[1] for n in range(500)]
    body = b'{"items":[' + b",".join(docs) + b"]}"
    with ServerThread(storage) as server:
        token = httpx.post(
            f"{server.url}/api/v1/login", json={"account": "alice", "password": PASSWORD}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        post = f"{server.url}/api/v1/households/batch"
        first = httpx.post(post, content=body, headers=headers, timeout=60).json()["results"]
        again = httpx.post(post, content=body, headers=headers, timeout=60).json()["results"]
    assert [r["status"] for r in first] == ["stored"] * 500
    assert [r["status"] for r in again] == ["duplicate"] * 500
    assert storage._q("SELECT count(*), count(DISTINCT case_uuid) FROM households")[0] == (
        500,
        500,
    )
