"""The roster table (名册核对, issue 7; migration v2): a collective site's name list.

One row per person on the employer's list, or found on site (``line`` 0). ``listed`` holds the
list's own columns and ``answers`` the person answers pre-filled from it (both JSON). A person
present at the standard time is linked to the person record of a collective household
(``household_uuid``/``person_uuid``). The roster rules themselves (statuses, heads, splitting
a site into households) live in :mod:`census_tui.roster.service`; this is only the storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from census_tui.store.base import Row, StoreBase, dumps, loads
from census_tui.store.errors import not_found

_COLS = "uuid, dwelling_id, line, position, status, listed, answers, household_uuid, person_uuid"


@dataclass(slots=True)
class RosterRecord:
    """One stored roster row. ``status`` is the roster service's status value (text)."""

    uuid: str
    dwelling_id: str
    line: int
    position: int
    status: str = "pending"
    listed: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    household_uuid: str | None = None
    person_uuid: str | None = None


def _record(r: Row) -> RosterRecord:
    return RosterRecord(
        uuid=str(r[0]),
        dwelling_id=str(r[1]),
        line=int(r[2]),
        position=int(r[3]),
        status=str(r[4]),
        listed=loads(r[5]),
        answers=loads(r[6]),
        household_uuid=None if r[7] is None else str(r[7]),
        person_uuid=None if r[8] is None else str(r[8]),
    )


def _params(rec: RosterRecord, now: str) -> tuple[object, ...]:
    return (
        rec.uuid,
        rec.dwelling_id,
        rec.line,
        rec.position,
        rec.status,
        dumps(rec.listed),
        dumps(rec.answers),
        rec.household_uuid,
        rec.person_uuid,
        now,
    )


class RosterMixin(StoreBase):
    """Storage of collective sites' rosters."""

    def roster_insert(self, records: Sequence[RosterRecord]) -> None:
        """Add roster rows (one statement for the lot: a 2,000-row list in one go)."""
        now = self._now()
        with self.transaction():
            self._connection().executemany(
                f"INSERT INTO roster_entry ({_COLS}, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_params(r, now) for r in records],
            )

    def roster_entries(self, dwelling_id: str) -> list[RosterRecord]:
        """The site's roster in list order (``position``)."""
        with self.transaction(write=False):
            rows = self._rows(
                f"SELECT {_COLS} FROM roster_entry WHERE dwelling_id = ? ORDER BY position",
                (dwelling_id,),
            )
        return [_record(r) for r in rows]

    def roster_entry(self, entry_uuid: str) -> RosterRecord:
        """One roster row; :class:`NotFound` if there is none."""
        with self.transaction(write=False):
            r = self._one(f"SELECT {_COLS} FROM roster_entry WHERE uuid = ?", (entry_uuid,))
        if r is None:
            raise not_found("roster entry")
        return _record(r)

    def has_roster(self, dwelling_id: str) -> bool:
        """True when a list was imported for (or a person added at) this dwelling."""
        with self.transaction(write=False):
            row = self._one(
                "SELECT 1 FROM roster_entry WHERE dwelling_id = ? LIMIT 1", (dwelling_id,)
            )
        return row is not None

    def roster_delete(self, uuids: Sequence[str]) -> int:
        """Remove roster rows (a corrected list replacing the people not yet verified)."""
        with self.transaction():
            cur = self._connection().executemany(
                "DELETE FROM roster_entry WHERE uuid = ?", [(u,) for u in uuids]
            )
        return int(cur.rowcount)

    def roster_pending(self) -> dict[str, int]:
        """Dwelling id → how many of its roster's people are still to verify (sites with none
        left are absent): a site is not done while its list is not."""
        with self.transaction(write=False):
            rows = self._rows(
                "SELECT dwelling_id, count(*) FROM roster_entry WHERE status = 'pending'"
                " GROUP BY dwelling_id"
            )
        return {str(r[0]): int(r[1]) for r in rows}

    def roster_next_position(self, dwelling_id: str) -> int:
        """The position after the site's last roster row (0 for an empty roster)."""
        with self.transaction(write=False):
            row = self._one(
                "SELECT coalesce(max(position), -1) FROM roster_entry WHERE dwelling_id = ?",
                (dwelling_id,),
            )
        return int(row[0] if row else -1) + 1

    def roster_update(self, rec: RosterRecord) -> None:
        """Save a row's status, answers and household link (its list columns never change)."""
        with self.transaction():
            cur = self._x(
                "UPDATE roster_entry SET status = ?, answers = ?, household_uuid = ?,"
                " person_uuid = ?, updated_at = ? WHERE uuid = ?",
                (
                    rec.status,
                    dumps(rec.answers),
                    rec.household_uuid,
                    rec.person_uuid,
                    self._now(),
                    rec.uuid,
                ),
            )
            if cur.rowcount != 1:
                raise not_found("roster entry")

    def id_numbers_outside(self, dwelling_id: str) -> frozenset[str]:
        """ID numbers (D3) in households of the dwelling's area but not of this dwelling
        (FACTS §7.3 P-06: already registered elsewhere). :class:`NotFound` for no dwelling."""
        with self.transaction(write=False):
            area = self._one("SELECT area_id FROM dwelling WHERE id = ?", (dwelling_id,))
            if area is None:
                raise not_found("dwelling")
            rows = self._rows(
                "SELECT a.value FROM answer a JOIN household h ON h.uuid = a.household_uuid"
                " WHERE a.item_id = 'D3' AND h.area_id = ? AND h.dwelling_id != ?",
                (area[0], dwelling_id),
            )
        values = (loads(raw) for (raw,) in rows)
        return frozenset(v for v in values if isinstance(v, str) and v)
