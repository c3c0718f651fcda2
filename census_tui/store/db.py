"""Opening the SQLCipher database and turning SQLite failures into clear messages.

This is the only module that imports ``sqlcipher3``. The connection runs in autocommit mode
(``isolation_level=None``); :class:`~census_tui.store.base.StoreBase` issues ``BEGIN`` itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from census_tui.errors import CensusError, DiskError, StoreError
from census_tui.store.errors import (
    MSG_DB_FAILED,
    MSG_DB_MISSING,
    MSG_DISK_FULL,
    MSG_DISK_IO,
    MSG_NOT_A_DATABASE,
    MSG_READ_ONLY,
    conflict,
)

Connection = Any
"""A ``sqlcipher3`` connection (the package ships no type stubs)."""

DatabaseError = sqlcipher3.DatabaseError
IntegrityError = sqlcipher3.IntegrityError
BUSY_TIMEOUT_S = 10.0


def translate(exc: Exception) -> CensusError:
    """The user-facing error for a SQLite failure. Never includes the SQL or any value."""
    text = str(exc).lower()
    if isinstance(exc, sqlcipher3.IntegrityError):
        return conflict("constraint")
    if "full" in text:
        return DiskError(MSG_DISK_FULL)
    if "readonly" in text or "read-only" in text:
        return DiskError(MSG_READ_ONLY)
    if "not a database" in text or "malformed" in text:
        return StoreError(MSG_NOT_A_DATABASE)
    if "unable to open" in text:
        return StoreError(MSG_DB_MISSING)
    if "disk i/o" in text:
        return DiskError(MSG_DISK_IO)
    return StoreError(MSG_DB_FAILED)


@contextlib.contextmanager
def db_errors() -> Iterator[None]:
    """Re-raise SQLite errors as CensusError (programming errors such as a SQL syntax error
    would surface as StoreError too; the tests keep those out)."""
    try:
        yield
    except sqlcipher3.Error as exc:
        raise translate(exc) from None


CACHE_KIB = 256
"""SQLite's page cache per connection, smaller than its default: the pages an answer's save
touches stay cached, the rest comes back from the operating system's cache when needed."""


def connect(path: Path, key: bytes, *, create: bool) -> Connection:
    """Open (or with ``create`` make) the database at ``path`` with the raw 256-bit ``key``.

    Pragmas, in this order: the key first (nothing may touch the file before it), then
    ``cipher_log_level = NONE`` (SQLCipher would otherwise write to stderr, over the TUI), then
    a read that proves the key, then WAL, ``synchronous=FULL``, ``temp_store=MEMORY``,
    foreign keys. A wrong key or a file that is not a database raises StoreError; a missing
    file is never silently created unless ``create``.
    """
    if len(key) != 32:
        raise ValueError("the data key is 32 bytes")
    if not create and not path.is_file():
        raise StoreError(MSG_DB_MISSING)
    mode = "rwc" if create else "rw"
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    conn: Connection = None
    try:
        conn = sqlcipher3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
        )
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        mode_row = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if str(mode_row[0]).lower() != "wal":
            raise StoreError(MSG_READ_ONLY)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except sqlcipher3.Error as exc:
        if conn is not None:
            conn.close()
        raise translate(exc) from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    return conn


def copy_to(conn: Connection, target: Path, key: bytes) -> None:
    """Write an encrypted copy (same key) of the open database to ``target`` with the SQLite
    backup API; the copy is consistent even while the source is in use."""
    dest = connect(target, key, create=True)
    try:
        with db_errors():
            conn.backup(dest)
    finally:
        dest.close()
