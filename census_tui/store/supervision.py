"""The supervisor's cache and outbox (普查指导员, schema version 5).

What the supervisor's session (:mod:`census_tui.supervision.service`) keeps on the device, in
the encrypted database like everything else: the server's last answers of the supervisor routes
(``sup_snapshot``, one per kind), the case details of the review queue (``sup_case``) and the
decisions and re-visits made on this device (``sup_outbox``), each with the UUID it is sent
with, so that a retry is stored once. Bodies are JSON text; they hold personal data and never
leave this database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from census_tui.clock import iso
from census_tui.store.base import StoreBase, dumps, loads, when

OP_STATES = ("queued", "sent", "refused")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One cached answer: its decoded JSON and when it was fetched."""

    body: Any
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class CachedCase:
    case_uuid: str
    area_id: str
    revision: int
    body: Any
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class SupOp:
    """A decision or re-visit made on this device (``state``: queued, sent, refused)."""

    op_uuid: str
    kind: str
    case_uuid: str
    body: Any
    created_at: datetime
    state: str
    result: str


def _at(text: str) -> datetime:
    found = when(text)
    assert found is not None
    return found


class SupervisionMixin(StoreBase):
    """``sup_*`` tables: snapshots, case details, the supervisor's outbox."""

    # --- snapshots -------------------------------------------------------------------------

    def sup_put_snapshot(self, kind: str, body: Any, *, fetched_at: datetime | None = None) -> None:
        """Keep the server's answer of ``kind`` (``fetched_at``: now unless given, for a body
        rewritten on the device that keeps the age of the answer it came from)."""
        stamp = iso(fetched_at) if fetched_at is not None else self._now()
        with self.transaction():
            self._x(
                "INSERT INTO sup_snapshot (kind, body, fetched_at) VALUES (?, ?, ?)"
                " ON CONFLICT (kind) DO UPDATE SET body = excluded.body,"
                " fetched_at = excluded.fetched_at",
                (kind, dumps(body), stamp),
            )

    def sup_snapshot(self, kind: str) -> Snapshot | None:
        with self.transaction(write=False):
            row = self._one("SELECT body, fetched_at FROM sup_snapshot WHERE kind = ?", (kind,))
        return None if row is None else Snapshot(loads(row[0]), _at(row[1]))

    # --- case details ------------------------------------------------------------------------

    def sup_put_case(self, case_uuid: str, area_id: str, revision: int, body: Any) -> None:
        with self.transaction():
            self._x(
                "INSERT INTO sup_case (case_uuid, area_id, revision, body, fetched_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_uuid) DO UPDATE SET"
                " area_id = excluded.area_id, revision = excluded.revision,"
                " body = excluded.body, fetched_at = excluded.fetched_at",
                (case_uuid, area_id, revision, dumps(body), self._now()),
            )

    def sup_case(self, case_uuid: str) -> CachedCase | None:
        with self.transaction(write=False):
            row = self._one(
                "SELECT case_uuid, area_id, revision, body, fetched_at FROM sup_case"
                " WHERE case_uuid = ?",
                (case_uuid,),
            )
        if row is None:
            return None
        return CachedCase(str(row[0]), str(row[1]), int(row[2]), loads(row[3]), _at(row[4]))

    def sup_case_index(self) -> dict[str, tuple[str, int]]:
        """Every cached case: UUID → (area, revision)."""
        with self.transaction(write=False):
            rows = self._rows("SELECT case_uuid, area_id, revision FROM sup_case")
        return {str(c): (str(a), int(r)) for c, a, r in rows}

    def sup_drop_cases(self, case_uuids: Iterable[str]) -> int:
        """Forget these cases' details; returns how many were held."""
        dropped = 0
        with self.transaction():
            for case in case_uuids:
                cur = self._x("DELETE FROM sup_case WHERE case_uuid = ?", (case,))
                dropped += int(cur.rowcount or 0)
        return dropped

    # --- outbox -------------------------------------------------------------------------

    def sup_enqueue(self, op_uuid: str, kind: str, case_uuid: str, body: Any) -> None:
        with self.transaction():
            self._x(
                "INSERT INTO sup_outbox (op_uuid, kind, case_uuid, body, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (op_uuid, kind, case_uuid, dumps(body), self._now()),
            )

    def sup_ops(self, state: str | None = None) -> list[SupOp]:
        """The outbox (oldest first), or only the ops in ``state``."""
        sql = "SELECT op_uuid, kind, case_uuid, body, created_at, state, result FROM sup_outbox"
        params: tuple[str, ...] = ()
        if state is not None:
            sql, params = sql + " WHERE state = ?", (state,)
        with self.transaction(write=False):
            rows = self._rows(sql + " ORDER BY created_at, rowid", params)
        return [
            SupOp(str(r[0]), str(r[1]), str(r[2]), loads(r[3]), _at(r[4]), str(r[5]), str(r[6]))
            for r in rows
        ]

    def sup_op(self, op_uuid: str) -> SupOp | None:
        return next((op for op in self.sup_ops() if op.op_uuid == op_uuid), None)

    def sup_mark(self, op_uuid: str, state: str, result: Any = "") -> None:
        """Record what became of an op (``result``: the server's answer or reason, JSON)."""
        if state not in OP_STATES:
            raise ValueError(state)
        with self.transaction():
            self._x(
                "UPDATE sup_outbox SET state = ?, result = ? WHERE op_uuid = ?",
                (state, result if isinstance(result, str) else dumps(result), op_uuid),
            )

    def sup_pending(self) -> int:
        with self.transaction(write=False):
            row = self._one("SELECT count(*) FROM sup_outbox WHERE state = 'queued'")
        return int(row[0]) if row else 0

    # --- counts for support (status, diag, the bundle): no body is read ---------------------

    def sup_tally(self) -> dict[tuple[str, str], int]:
        """How many ops of each (kind, state) the outbox holds; bodies are not read."""
        with self.transaction(write=False):
            rows = self._rows("SELECT kind, state, count(*) FROM sup_outbox GROUP BY kind, state")
        return {(str(k), str(s)): int(n) for k, s, n in rows}

    def sup_oldest_queued(self) -> datetime | None:
        """When the oldest op still waiting to be sent was made (``None``: none waits)."""
        with self.transaction(write=False):
            row = self._one("SELECT min(created_at) FROM sup_outbox WHERE state = 'queued'")
        return when(row[0]) if row and row[0] else None

    def sup_refusals(self) -> list[tuple[str, str, datetime, str]]:
        """The refused ops, oldest first: (kind, case UUID, made at, the server's reason as
        stored: JSON text); bodies (comments, re-visit answers) are not read."""
        with self.transaction(write=False):
            rows = self._rows(
                "SELECT kind, case_uuid, created_at, result FROM sup_outbox"
                " WHERE state = 'refused' ORDER BY created_at, rowid"
            )
        return [(str(k), str(c), _at(a), str(r or "")) for k, c, a, r in rows]

    def sup_fetched_at(self) -> dict[str, datetime]:
        """When each cached answer (scope, progress, queue, samples) was fetched."""
        with self.transaction(write=False):
            rows = self._rows("SELECT kind, fetched_at FROM sup_snapshot")
        return {str(k): _at(a) for k, a in rows}

    def sup_case_count(self) -> int:
        """How many cases' details are held on this device."""
        with self.transaction(write=False):
            row = self._one("SELECT count(*) FROM sup_case")
        return int(row[0]) if row else 0
