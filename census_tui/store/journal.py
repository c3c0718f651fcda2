"""The event log, the sync outbox and the sync log.

The outbox is transactional: :meth:`JournalMixin.enqueue` can run inside
``store.transaction()`` with the state change, so a completed household and its payload are
committed together or not at all. An item leaves only through :meth:`outbox_ack` (the server
acknowledged it); failures only count attempts and keep a short error text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from census_tui.store.base import Row, StoreBase, loads, when
from census_tui.store.errors import conflict, not_found
from census_tui.store.records import Event, OutboxItem, SyncLogEntry

_EVENT_COLS = "id, at, actor, kind, household_uuid, person_uuid, item_id, old, new, data"
_OUTBOX_COLS = "id, kind, case_uuid, revision, payload, created_at, attempts, last_error"
_MAX_ERROR = 500


def _event(r: Row) -> Event:
    at = when(r[1])
    assert at is not None
    return Event(int(r[0]), at, r[2], r[3], r[4], r[5], r[6], loads(r[7]), loads(r[8]), loads(r[9]))


def _outbox(r: Row) -> OutboxItem:
    created = when(r[5])
    assert created is not None
    return OutboxItem(int(r[0]), r[1], r[2], int(r[3]), bytes(r[4]), created, int(r[6]), r[7])


class JournalMixin(StoreBase):
    """Events, outbox, sync log."""

    # --- events ---------------------------------------------------------------------------

    def log_event(
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
        """Append an event (login, lock, identity shown, sync sent/acked …); returns its id.
        ``old``, ``new`` and ``data`` must be JSON-serialisable."""
        with self.transaction():
            return self._event(
                kind,
                actor=actor,
                household=household,
                person=person,
                item=item,
                old=old,
                new=new,
                data=data,
            )

    def events(
        self,
        household: str | None = None,
        *,
        kind: str | None = None,
        after_id: int = 0,
        limit: int | None = None,
    ) -> list[Event]:
        """Events in the order they happened, optionally of one household / one kind."""
        where: list[str] = ["id > ?"]
        params: list[object] = [after_id]
        if household is not None:
            where.append("household_uuid = ?")
            params.append(household)
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        sql = f"SELECT {_EVENT_COLS} FROM event WHERE {' AND '.join(where)} ORDER BY id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self.transaction(write=False):
            return [_event(r) for r in self._rows(sql, params)]

    # --- outbox ---------------------------------------------------------------------------

    def enqueue(self, kind: str, case_uuid: str, revision: int, payload: bytes) -> int:
        """Queue a payload for upload; returns its outbox id. Queuing the same
        (kind, case, revision) again with the same payload is a no-op returning the same id;
        with a different payload it is refused (ConflictError)."""
        with self.transaction():
            row = self._one(
                "SELECT id, payload FROM outbox WHERE kind = ? AND case_uuid = ? AND revision = ?",
                (kind, case_uuid, revision),
            )
            if row is not None:
                if bytes(row[1]) != payload:
                    raise conflict("outbox revision")
                return int(row[0])
            cur = self._x(
                "INSERT INTO outbox (kind, case_uuid, revision, payload, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (kind, case_uuid, revision, payload, self._now()),
            )
            item_id = int(cur.lastrowid)
            self._event(
                "outbox_queued",
                household=case_uuid if kind == "household" else None,
                data={
                    "kind": kind,
                    "case": case_uuid,
                    "revision": revision,
                    "outbox": item_id,
                    "bytes": len(payload),
                },
            )
            return item_id

    def outbox_pending(self, limit: int = 100) -> list[OutboxItem]:
        """The oldest items still waiting for an acknowledgement."""
        with self.transaction(write=False):
            return [
                _outbox(r)
                for r in self._rows(
                    f"SELECT {_OUTBOX_COLS} FROM outbox ORDER BY id LIMIT ?", (int(limit),)
                )
            ]

    def outbox_ack(self, ids: Iterable[int]) -> int:
        """The server acknowledged these items: remove them; returns how many were removed."""
        removed = 0
        with self.transaction():
            for item_id in ids:
                row = self._one(
                    "SELECT kind, case_uuid, revision FROM outbox WHERE id = ?", (item_id,)
                )
                if row is None:
                    continue
                self._x("DELETE FROM outbox WHERE id = ?", (item_id,))
                removed += 1
                self._event(
                    "outbox_acked",
                    household=row[1] if row[0] == "household" else None,
                    data={"kind": row[0], "case": row[1], "revision": row[2]},
                )
        return removed

    def outbox_withdraw(self, kind: str, case_uuid: str) -> int:
        """Take back the unsent items of one case (a completed household reopened before it
        was synced: its old revision must not reach the supervisor). Returns how many.

        Safe even if an earlier attempt reached the server unacknowledged: the next completed
        revision supersedes it there."""
        with self.transaction():
            rows = self._rows(
                "SELECT id, revision FROM outbox WHERE kind = ? AND case_uuid = ?",
                (kind, case_uuid),
            )
            for item_id, revision in rows:
                self._x("DELETE FROM outbox WHERE id = ?", (item_id,))
                self._event(
                    "outbox_withdrawn",
                    household=case_uuid if kind == "household" else None,
                    data={"kind": kind, "case": case_uuid, "revision": revision},
                )
        return len(rows)

    def outbox_fail(self, item_id: int, error: str) -> None:
        """Count a failed upload of one item; ``error`` must hold no personal data."""
        with self.transaction():
            cur = self._x(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = ?"
                " WHERE id = ?",
                (error[:_MAX_ERROR], self._now(), item_id),
            )
            if cur.rowcount != 1:
                raise not_found("outbox item")

    def outbox_depth(self) -> int:
        with self.transaction(write=False):
            row = self._one("SELECT count(*) FROM outbox")
        return int(row[0]) if row else 0

    def outbox_refused(self) -> list[str]:
        """The kept reason of every item still waiting after the server refused it (oldest
        first): these need a person, not another sync."""
        with self.transaction(write=False):
            rows = self._rows("SELECT last_error FROM outbox WHERE last_error != '' ORDER BY id")
        return [str(r[0]) for r in rows]

    def outbox_oldest(self) -> datetime | None:
        """When the oldest unacknowledged item was queued (None when empty)."""
        with self.transaction(write=False):
            row = self._one("SELECT min(created_at) FROM outbox")
        return when(row[0]) if row else None

    # --- sync log ------------------------------------------------------------------------

    def add_sync_log(
        self, op: str, result: str, *, sent: int = 0, acked: int = 0, error: str = ""
    ) -> int:
        """One sync step (``push``, ``pull``, ``login`` …) and how it ended."""
        with self.transaction():
            cur = self._x(
                "INSERT INTO sync_log (at, op, sent, acked, result, error)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self._now(), op, sent, acked, result, error[:_MAX_ERROR]),
            )
            return int(cur.lastrowid)

    def sync_log(self, limit: int = 50) -> list[SyncLogEntry]:
        """The latest entries, newest first."""
        with self.transaction(write=False):
            rows = self._rows(
                "SELECT id, at, op, sent, acked, result, error FROM sync_log"
                " ORDER BY id DESC LIMIT ?",
                (int(limit),),
            )
        out = []
        for r in rows:
            at = when(r[1])
            assert at is not None
            out.append(SyncLogEntry(int(r[0]), at, r[2], int(r[3]), int(r[4]), r[5], r[6]))
        return out
