"""Schema migrations on both backends (``census_tui/server/migrations.py``): a new database gets
every step once, reopening changes nothing, a database from a newer server is refused, one more
step (a new column, as the form set will add) applies on both, several processes starting at
once migrate once, and a database of the first server (before ``schema_version``) is taken over
with its case owners and its cursor."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from census_tui.errors import StoreError
from census_tui.server import storage as st
from census_tui.server.accounts import token_hash
from census_tui.server.migrations import LATEST, STEPS, Step
from census_tui.server.pg_storage import PostgresStorage
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import SqliteStorage, Storage
from tests.pg import Cluster
from tests.sync.support import household_payload

AREA = "110105001001002"


def _reopen(db: Storage) -> Storage:
    if isinstance(db, PostgresStorage):
        return PostgresStorage(db.url, key_file=db.key_file)
    assert isinstance(db, SqliteStorage) and db.path is not None
    return SqliteStorage(db.path)


def _versions(db: Storage) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in db._q("SELECT version, what FROM schema_version")]


def test_a_new_database_gets_every_step_once(storage: Storage) -> None:
    assert storage.schema_version() == LATEST
    steps = [(s.version, s.what) for s in STEPS]
    assert sorted(_versions(storage)) == steps
    storage.close()
    again = _reopen(storage)
    assert sorted(_versions(again)) == steps
    again.close()


def _raw_execute(db: Storage, sql: str, args: tuple[object, ...]) -> None:
    """Run one statement on a bare connection to ``db``'s database (no migration)."""
    if isinstance(db, PostgresStorage):
        with psycopg.connect(db.url, autocommit=True) as con:
            con.execute(sql.replace("?", "%s"), args)
        return
    assert isinstance(db, SqliteStorage)
    with closing(sqlite3.connect(str(db.path), isolation_level=None)) as lite:
        lite.execute(sql, args)


def test_a_database_from_a_newer_server_is_refused(storage: Storage) -> None:
    with storage.tx() as t:
        t.execute("INSERT INTO schema_version VALUES (?, 'from the future', 'x')", (LATEST + 1,))
    storage.close()
    try:
        with pytest.raises(StoreError) as refused:
            _reopen(storage)
        assert str(LATEST + 1) in refused.value.msg.en and "newer server" in refused.value.msg.en
        assert str(LATEST + 1) in refused.value.msg.zh
    finally:  # the PostgreSQL test database is shared by the session's tests
        _raw_execute(storage, "DELETE FROM schema_version WHERE version > ?", (LATEST,))


@pytest.fixture(params=["sqlite", "postgres"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The --db of a database of its own (PostgreSQL: a new database in the cluster), for tests
    that change the schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "fresh.db")
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    yield cluster.create_database("census_fresh")


def _open(db: str, tmp_path: Path) -> Storage:
    return st.open_storage(db, key_file=tmp_path / "office.recovery-key")


def test_one_more_step_adds_a_column_on_both_backends(
    fresh: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _open(fresh, tmp_path)
    dwellings = add_enumerator(db, "alice", "alice-pass-1", AREA, dwellings=3, ready=True)
    db.close()
    step = Step(
        LATEST + 1,
        "dwellings.spare",
        ("ALTER TABLE dwellings ADD COLUMN spare TEXT NOT NULL DEFAULT 'x'",),
    )
    monkeypatch.setattr(st, "STEPS", (*STEPS, step))
    monkeypatch.setattr(st, "LATEST", LATEST + 1)
    db = _open(fresh, tmp_path)
    assert db.schema_version() == LATEST + 1
    rows = db.dwellings_since([AREA], 0)
    assert [r["dwelling_id"] for r in rows] == dwellings
    assert {r["spare"] for r in rows} == {"x"}
    db.add_dwelling(f"{AREA}-099", AREA, "new", "ordinary", "")  # inserts still fit
    assert db.dwellings_since([AREA], 0)[-1]["spare"] == "x"
    db.close()


def test_workers_starting_together_migrate_once(pg_cluster: Cluster, tmp_path: Path) -> None:
    url = pg_cluster.create_database("census_together")
    opened: list[Storage] = []
    failed: list[BaseException] = []
    start = threading.Barrier(3)

    def open_one() -> None:
        start.wait()
        try:
            opened.append(PostgresStorage(url, key_file=tmp_path / "office.recovery-key"))
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == [] and len(opened) == 3
    assert sorted(v for v, _ in _versions(opened[0])) == [s.version for s in STEPS]
    keys = {db.recovery_public_key() for db in opened}
    assert len(keys) == 1  # one office key, made once
    for db in opened:
        db.close()


FIRST_SERVER_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE accounts (
    account TEXT PRIMARY KEY, pw_hash TEXT NOT NULL, must_change INTEGER NOT NULL,
    verified INTEGER NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL, id_number TEXT NOT NULL,
    work_id TEXT NOT NULL, issuing_office TEXT NOT NULL, valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL);
CREATE TABLE areas (
    area_id TEXT PRIMARY KEY, name TEXT NOT NULL, training INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE assignments (
    account TEXT NOT NULL REFERENCES accounts, area_id TEXT NOT NULL REFERENCES areas,
    PRIMARY KEY (account, area_id));
CREATE TABLE dwellings (
    dwelling_id TEXT PRIMARY KEY, area_id TEXT NOT NULL REFERENCES areas, address TEXT NOT NULL,
    kind TEXT NOT NULL, note TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY, account TEXT NOT NULL REFERENCES accounts, created TEXT NOT NULL);
CREATE TABLE households (
    case_uuid TEXT NOT NULL, revision INTEGER NOT NULL, area_id TEXT NOT NULL,
    dwelling_id TEXT NOT NULL, account TEXT NOT NULL, training INTEGER NOT NULL,
    payload TEXT NOT NULL, sha256 TEXT NOT NULL, flagged INTEGER NOT NULL, flags TEXT NOT NULL,
    received TEXT NOT NULL, PRIMARY KEY (case_uuid, revision));
CREATE TABLE outcomes (
    outcome_uuid TEXT PRIMARY KEY, dwelling_id TEXT NOT NULL, area_id TEXT NOT NULL,
    account TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, sha256 TEXT NOT NULL,
    received TEXT NOT NULL);
CREATE TABLE reviews (
    seq INTEGER PRIMARY KEY, case_uuid TEXT NOT NULL, revision INTEGER NOT NULL,
    area_id TEXT NOT NULL, action TEXT NOT NULL, comment TEXT NOT NULL, by TEXT NOT NULL,
    at TEXT NOT NULL);
INSERT INTO meta VALUES ('seq', '41');
INSERT INTO accounts VALUES ('alice', 'scrypt$x', 0, 1, 'enumerator', 'n', 'i', 'w', 'o', 'f',
    'u');
INSERT INTO accounts VALUES ('bob', 'scrypt$x', 0, 1, 'enumerator', 'n', 'i', 'w', 'o', 'f', 'u');
INSERT INTO areas VALUES ('110105001001002', 'a', 0, 1);
INSERT INTO assignments VALUES ('alice', '110105001001002');
INSERT INTO assignments VALUES ('bob', '110105001001002');
INSERT INTO dwellings VALUES ('110105001001002-001', '110105001001002', 'x', 'ordinary', '', 2);
INSERT INTO sessions VALUES ('{token_hash}', 'alice', 'x');
"""


def test_a_first_server_database_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    case, payload = household_payload("110105001001002-001")
    with closing(sqlite3.connect(path)) as con:
        con.executescript(FIRST_SERVER_SCHEMA.format(token_hash=token_hash("old-token")))
        for revision in (1, 2):
            con.execute(
                "INSERT INTO households VALUES (?, ?, '110105001001002', '110105001001002-001',"
                " 'alice', 0, ?, 'sha', 0, '', 'x')",
                (case, revision, payload.decode()),
            )
        con.commit()
    db = SqliteStorage(path, key_file=tmp_path / "office.recovery-key")
    assert db.schema_version() == LATEST
    # owners from the uploads (step 8 adds the ownership cursor and the move time: 0, never)
    assert db.rows("cases") == [(case, "alice", "110105001001002", 0, None)]
    assert db.sessions_of("alice") == 1 and db.account_for_token("old-token") is None  # expired
    assert db.review(case, "returned", "check", "sup") == 42  # the cursor goes on
    assert db.dwellings_since(["110105001001002"], 0)[0]["seq"] == 2
    with db.tx() as t:  # bob cannot take alice's old case
        refused = db.store_household(
            t,
            case_uuid=case,
            revision=3,
            area_id="110105001001002",
            dwelling_id="110105001001002-001",
            account="bob",
            training=False,
            payload=payload.decode(),
            flags=[],
        )
    assert refused.status == "forbidden"
    indexes = {r[0] for r in db._q("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"dwellings_area_seq", "reviews_area_seq", "cases_owner"} <= indexes
    db.close()
