"""Cursors come from the database, never from a process's memory (issue 18 §2): two storages on
one database (as two worker processes) hand out distinct, increasing cursors; on PostgreSQL a
device is never given a cursor past a row that another process has numbered but not yet
committed (it would skip that row for ever); the office's ``server backup`` of a PostgreSQL
database runs pg_dump."""

from __future__ import annotations

import stat
import subprocess
import threading
from pathlib import Path

import psycopg

from census_tui.exitcodes import ExitCode
from census_tui.server.pg_storage import PostgresStorage, find_pg_tool
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import SqliteStorage, Storage
from tests.cli.conftest import run
from tests.pg import TEST_DB

AREA = "110105001001002"


def _pair(storage: Storage, tmp_path: Path) -> Storage:
    """A second storage on the same database (another process, as far as the database sees)."""
    if isinstance(storage, PostgresStorage):
        return PostgresStorage(storage.url, key_file=storage.key_file)
    assert isinstance(storage, SqliteStorage) and storage.path is not None
    return SqliteStorage(storage.path)


def test_two_processes_number_rows_from_one_counter(storage: Storage, tmp_path: Path) -> None:
    other = _pair(storage, tmp_path)
    storage.add_area(AREA, "a", training=False)
    for n in range(6):
        (storage if n % 2 else other).add_dwelling(f"{AREA}-{n:03d}", AREA, "x", "ordinary", "")
    seqs = [int(r["seq"]) for r in storage.dwellings_since([AREA], 0)]
    assert seqs == sorted(set(seqs)) and len(seqs) == 6
    assert storage.current_seq() == other.current_seq() == seqs[-1]
    other.close()


def test_no_cursor_passes_an_uncommitted_row(pg_url: str, tmp_path: Path) -> None:
    key = tmp_path / "office.recovery-key"
    writer, reader = PostgresStorage(pg_url, key_file=key), PostgresStorage(pg_url, key_file=key)
    writer.add_area(AREA, "a", training=False)
    got: list[int] = []
    with writer.tx() as t:
        seq = writer._next_seq(t)
        t.execute(
            "INSERT INTO dwellings (dwelling_id, area_id, address, kind, note, seq)"
            " VALUES (?, ?, 'x', 'ordinary', '', ?)",
            (f"{AREA}-001", AREA, seq),
        )
        thread = threading.Thread(target=lambda: got.append(reader.current_seq()))
        thread.start()
        _wait_for_advisory_wait(pg_url)  # the reader waits for this transaction
        assert got == []
    thread.join(timeout=30)
    assert got == [seq]
    assert [r["seq"] for r in reader.dwellings_since([AREA], seq - 1)] == [seq]
    writer.close()
    reader.close()


def _wait_for_advisory_wait(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as watch:
        for _ in range(2000):
            row = watch.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND wait_event = 'advisory'",
                (TEST_DB,),
            ).fetchone()
            if row and row[0]:
                return
            watch.execute("SELECT pg_sleep(0.01)")
    raise AssertionError("the reader never waited")


def test_server_backup_of_postgresql_runs_pg_dump(pg_url: str, tmp_path: Path) -> None:
    db = PostgresStorage(pg_url, key_file=tmp_path / "office.recovery-key")
    add_enumerator(db, "alice", "alice-pass-1", AREA, dwellings=3, ready=True)
    db.close()
    dest = tmp_path / "census.dump"
    result = run(["server", "backup", "--db", pg_url, str(dest)])
    assert result.exit_code == ExitCode.OK, result.output
    assert "pg_dump" in result.output and "pg_restore" in result.output
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    pg_restore = find_pg_tool("pg_restore")
    assert pg_restore is not None
    listing = subprocess.run(
        [pg_restore, "--list", str(dest)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA public households" in listing and "TABLE DATA public dwellings" in listing
    again = run(["server", "backup", "--db", pg_url, str(dest)])
    assert again.exit_code == ExitCode.BAD_INPUT  # never overwrites
