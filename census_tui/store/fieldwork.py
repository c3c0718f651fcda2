"""Visit attempts, appointments, notes and warning confirmations.

Attempts and appointments belong to a dwelling (a household case may not exist yet); notes and
confirmations to a household case. Each addition is also an event (paradata).
"""

from __future__ import annotations

from datetime import datetime

from census_tui.clock import iso
from census_tui.model import Confirmation, Note
from census_tui.store.base import Row, StoreBase, dumps, loads, when
from census_tui.store.errors import not_found
from census_tui.store.records import Appointment, VisitAttempt

_ATTEMPT_COLS = "id, dwelling_id, household_uuid, at, outcome, channel, doubt, note"
_APPT_COLS = "id, dwelling_id, scheduled_at, channel, status, note, created_at"


def _attempt(r: Row) -> VisitAttempt:
    at = when(r[3])
    assert at is not None
    return VisitAttempt(int(r[0]), r[1], r[2], at, r[4], r[5], r[6], r[7])


def _appointment(r: Row) -> Appointment:
    scheduled, created = when(r[2]), when(r[6])
    assert scheduled is not None and created is not None
    return Appointment(int(r[0]), r[1], scheduled, r[3], r[4], r[5], created)


class FieldworkMixin(StoreBase):
    """Attempts, appointments, notes, confirmations."""

    def _need_dwelling(self, dwelling_id: str) -> None:
        if self._one("SELECT 1 FROM dwelling WHERE id = ?", (dwelling_id,)) is None:
            raise not_found("dwelling")

    def _need_household(self, case_uuid: str) -> None:
        if self._one("SELECT 1 FROM household WHERE uuid = ?", (case_uuid,)) is None:
            raise not_found("household")

    # --- visit attempts ---------------------------------------------------------------------

    def add_attempt(
        self,
        dwelling_id: str,
        outcome: str,
        *,
        household_uuid: str | None = None,
        channel: str = "",
        doubt: str = "",
        note: str = "",
        at: datetime | None = None,
        actor: str = "",
    ) -> int:
        """Record a visit attempt (time defaults to now); returns its id."""
        stamp = iso(at) if at is not None else self._now()
        with self.transaction():
            self._need_dwelling(dwelling_id)
            if household_uuid is not None:
                self._need_household(household_uuid)
            cur = self._x(
                f"INSERT INTO visit_attempt ({_ATTEMPT_COLS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?)",
                (dwelling_id, household_uuid, stamp, outcome, channel, doubt, note),
            )
            attempt_id = int(cur.lastrowid)
            self._event(
                "visit_attempt",
                actor=actor,
                household=household_uuid,
                data={
                    "dwelling": dwelling_id,
                    "outcome": outcome,
                    "channel": channel,
                    "attempt": attempt_id,
                },
            )
        return attempt_id

    def attempts(self, dwelling_id: str | None = None) -> list[VisitAttempt]:
        """Attempts (at one dwelling, or all) in time order."""
        sql = f"SELECT {_ATTEMPT_COLS} FROM visit_attempt"
        params: tuple[str, ...] = ()
        if dwelling_id is not None:
            sql, params = sql + " WHERE dwelling_id = ?", (dwelling_id,)
        with self.transaction(write=False):
            return [_attempt(r) for r in self._rows(sql + " ORDER BY at, id", params)]

    # --- appointments -----------------------------------------------------------------------

    def add_appointment(
        self,
        dwelling_id: str,
        scheduled_at: datetime,
        *,
        channel: str = "",
        note: str = "",
        status: str = "booked",
        actor: str = "",
    ) -> int:
        with self.transaction():
            self._need_dwelling(dwelling_id)
            cur = self._x(
                f"INSERT INTO appointment ({_APPT_COLS}) VALUES (NULL, ?, ?, ?, ?, ?, ?)",
                (dwelling_id, iso(scheduled_at), channel, status, note, self._now()),
            )
            appt_id = int(cur.lastrowid)
            self._event(
                "appointment",
                actor=actor,
                data={
                    "dwelling": dwelling_id,
                    "appointment": appt_id,
                    "scheduled_at": iso(scheduled_at),
                    "status": status,
                },
            )
        return appt_id

    def set_appointment_status(self, appointment_id: int, status: str, *, actor: str = "") -> None:
        """E.g. ``kept``, ``missed``, ``cancelled``."""
        with self.transaction():
            cur = self._x(
                "UPDATE appointment SET status = ? WHERE id = ?", (status, appointment_id)
            )
            if cur.rowcount != 1:
                raise not_found("appointment")
            self._event(
                "appointment_status",
                actor=actor,
                data={"appointment": appointment_id, "status": status},
            )

    def appointments(
        self,
        dwelling_id: str | None = None,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[Appointment]:
        """Appointments in time order, optionally of one dwelling and in ``[start, end)``."""
        where, params = [], []
        if dwelling_id is not None:
            where.append("dwelling_id = ?")
            params.append(dwelling_id)
        if start is not None:
            where.append("scheduled_at >= ?")
            params.append(iso(start))
        if end is not None:
            where.append("scheduled_at < ?")
            params.append(iso(end))
        sql = f"SELECT {_APPT_COLS} FROM appointment"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self.transaction(write=False):
            return [_appointment(r) for r in self._rows(sql + " ORDER BY scheduled_at, id", params)]

    # --- notes --------------------------------------------------------------------------

    def add_note(
        self,
        case_uuid: str,
        text: str,
        *,
        person_uuid: str = "",
        item_id: str = "",
        actor: str = "",
    ) -> int:
        """A note on a question (or on the household with empty person and item)."""
        with self.transaction():
            self._need_household(case_uuid)
            cur = self._x(
                "INSERT INTO note (household_uuid, person_uuid, item_id, text, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (case_uuid, person_uuid, item_id, text, self._now()),
            )
            self._event(
                "note", actor=actor, household=case_uuid, person=person_uuid, item=item_id, new=text
            )
            return int(cur.lastrowid)

    def notes(self, case_uuid: str) -> list[Note]:
        with self.transaction(write=False):
            return [
                Note(*r)
                for r in self._rows(
                    "SELECT person_uuid, item_id, text, at FROM note WHERE household_uuid = ?"
                    " ORDER BY id",
                    (case_uuid,),
                )
            ]

    # --- confirmations ----------------------------------------------------------------------

    def add_confirmation(self, case_uuid: str, c: Confirmation) -> None:
        """Record (or replace) the confirmation of ``c.rule_id`` for ``c.person_uuid``."""
        with self.transaction():
            self._need_household(case_uuid)
            self._x(
                "INSERT INTO confirmation (household_uuid, rule_id, person_uuid, reason, by, at,"
                " values_json) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (household_uuid, rule_id, person_uuid) DO UPDATE SET"
                " reason = excluded.reason, by = excluded.by, at = excluded.at,"
                " values_json = excluded.values_json",
                (case_uuid, c.rule_id, c.person_uuid, c.reason, c.by, c.at, dumps(c.values)),
            )
            self._event(
                "warning_confirmed",
                actor=c.by,
                household=case_uuid,
                person=c.person_uuid,
                new=c.reason,
                data={"rule": c.rule_id, "values": c.values},
            )

    def remove_confirmation(
        self, case_uuid: str, rule_id: str, person_uuid: str = "", *, actor: str = ""
    ) -> bool:
        """Drop a confirmation (it lapsed); False if there was none."""
        with self.transaction():
            cur = self._x(
                "DELETE FROM confirmation WHERE household_uuid = ? AND rule_id = ?"
                " AND person_uuid = ?",
                (case_uuid, rule_id, person_uuid),
            )
            if cur.rowcount:
                self._event(
                    "confirmation_lapsed",
                    actor=actor,
                    household=case_uuid,
                    person=person_uuid,
                    data={"rule": rule_id},
                )
            return bool(cur.rowcount)

    def confirmations(self, case_uuid: str) -> list[Confirmation]:
        with self.transaction(write=False):
            return [
                Confirmation(r[0], r[1], r[2], r[3], r[4], loads(r[5]))
                for r in self._rows(
                    "SELECT rule_id, person_uuid, reason, by, at, values_json FROM confirmation"
                    " WHERE household_uuid = ? ORDER BY at, rule_id, person_uuid",
                    (case_uuid,),
                )
            ]
