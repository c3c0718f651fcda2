"""The open store's core: the connection, the lock, transactions, the clock, profile meta.

Thread safety: one connection, guarded by a re-entrant lock held for the whole of a
transaction, so the TUI's worker threads and a sync worker can share one Store.

Durability: every public method runs in :meth:`StoreBase.transaction` and has committed when it
returns (``synchronous=FULL`` + WAL), so a crash loses at most what is being typed.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlcipher3

from census_tui.clock import Clock, iso, parse_iso
from census_tui.errors import StoreError
from census_tui.store.db import Connection, translate
from census_tui.store.errors import MSG_CLOSED

Row = tuple[Any, ...]


def dumps(value: object) -> str:
    """The one JSON form of stored values (compact, non-ASCII kept as is)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def when(text: str | None) -> datetime | None:
    return None if text is None else parse_iso(text)


class StoreBase:
    """Connection handling shared by the store's parts."""

    def __init__(self, conn: Connection, clock: Clock) -> None:
        self._conn: Connection | None = conn
        self.clock = clock
        self._lock = threading.RLock()
        self._depth = 0
        self._generation = 0
        """Bumped by every rollback: see change_count."""

    # --- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[None]:
        """Run the block in one transaction; nested blocks become savepoints.

        On an exception everything done in the block is rolled back and the exception (SQLite
        errors turned into CensusError) propagates. Committed when the outermost block ends.
        """
        with self._lock:
            conn = self._connection()
            depth = self._depth
            savepoint = f"sp{depth}"
            try:
                if depth == 0:
                    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                else:
                    conn.execute(f"SAVEPOINT {savepoint}")
                self._depth += 1
                try:
                    yield
                except BaseException:
                    self._rollback(conn, depth, savepoint)
                    raise
                finally:
                    self._depth -= 1
                try:
                    conn.execute("COMMIT" if depth == 0 else f"RELEASE {savepoint}")
                except sqlcipher3.Error:
                    self._rollback(conn, depth, savepoint)
                    raise
            except sqlcipher3.Error as exc:
                raise translate(exc) from None

    def _rollback(self, conn: Connection, depth: int, savepoint: str) -> None:
        self._generation += 1
        with contextlib.suppress(sqlcipher3.Error):
            if depth == 0:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            else:
                conn.execute(f"ROLLBACK TO {savepoint}")
                conn.execute(f"RELEASE {savepoint}")

    def _connection(self) -> Connection:
        if self._conn is None:
            raise StoreError(MSG_CLOSED)
        return self._conn

    def _x(self, sql: str, params: Sequence[object] = ()) -> Any:
        """Execute inside an open transaction; returns the cursor."""
        return self._connection().execute(sql, tuple(params))

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return [tuple(r) for r in self._x(sql, params).fetchall()]

    def _one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        row = self._x(sql, params).fetchone()
        return None if row is None else tuple(row)

    def _now(self) -> str:
        return iso(self.clock.now())

    @property
    def closed(self) -> bool:
        return self._conn is None

    def change_count(self) -> tuple[int, int]:
        """A stamp that differs whenever data may have changed through this store: SQLite's
        total_changes (every row written, inside a transaction too) with the number of
        rollbacks (total_changes keeps counting rows that a rollback undid). A cheap way for a
        caller to know whether what it read is still current."""
        with self._lock:
            return (self._generation, int(self._connection().total_changes))

    def set_meta_relaxed(self, key: str, value: str | None) -> None:
        """:meth:`set_meta` without waiting for the disk (``synchronous=NORMAL`` for this one
        commit). For bookkeeping such as the question to resume at: it survives a crash of the
        process (the OS has the write) and at worst rolls back on a power cut; answers are never
        written this way. The next ordinary commit makes it durable too."""
        with self._lock:
            conn = self._connection()
            if self._depth:
                self.set_meta(key, value)
                return
            conn.execute("PRAGMA synchronous = NORMAL")
            try:
                self.set_meta(key, value)
            finally:
                conn.execute("PRAGMA synchronous = FULL")

    # --- profile meta -------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A profile setting (see ``records.META_*``), or None when unset."""
        with self.transaction(write=False):
            row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or with None remove) a profile setting."""
        with self.transaction():
            if value is None:
                self._x("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self._x(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def meta(self) -> dict[str, str]:
        """Every profile setting."""
        with self.transaction(write=False):
            return {str(k): str(v) for k, v in self._rows("SELECT key, value FROM meta")}

    # --- events (the public API is in journal.py) --------------------------------------------

    def _event(
        self,
        kind: str,
        *,
        actor: str = "",
        household: str | None = None,
        person: str | None = None,
        item: str | None = None,
        old: object = None,
        new: object = None,
        data: object = None,
    ) -> int:
        """Append one event inside the current transaction; returns its id."""
        cur = self._x(
            "INSERT INTO event (at, actor, kind, household_uuid, person_uuid, item_id, old, new,"
            " data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self._now(),
                actor,
                kind,
                household,
                person,
                item,
                None if old is None else dumps(old),
                None if new is None else dumps(new),
                None if data is None else dumps(data),
            ),
        )
        return int(cur.lastrowid)
