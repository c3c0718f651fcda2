"""Cases that move between devices (issue 20 §2-§3): a case received whole from the server,
a case given up because its dwelling was moved to another enumerator.

* :meth:`TransferMixin.put_case` writes a household as the server holds it (its UUID, its
  persons' and death records' UUIDs, answers, confirmations, notes, revision, state), replacing
  what the device had of it, in one transaction, with a ``case_received`` event. Its 户编号 is
  kept unless another household of the area has it on this device (then the next free one).
* :meth:`TransferMixin.mark_withdrawn` makes a case read-only (a ``case_withdrawn`` event; the
  visit session refuses to edit it and the sync does not upload it); a later ``case_received``
  of the same case lifts it.
* :meth:`TransferMixin.drop_case` removes a case and what hangs on it; :meth:`drop_dwelling`
  a dwelling left without households (its attempts and appointments with it). The event log
  keeps their history.
* :meth:`TransferMixin.put_history` writes one visit event of the former holder's (an attempt,
  an appointment, an appointment's status) into the dwelling's attempts and appointments, once
  per server ``event_uuid``: a ``history_received`` journal entry (actor: the account that
  recorded it) marks it, and the event export (sync/events.py) does not know that kind, so the
  imported rows never leave this device as its own events.

No schema change: the marks are events of the journal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from census_tui.model import Household
from census_tui.store.base import StoreBase, dumps, loads
from census_tui.store.errors import not_found

WITHDRAWN = "case_withdrawn"
RECEIVED = "case_received"
HISTORY = "history_received"
"""The journal's mark of a visit event imported from the server (never exported)."""


class TransferMixin(StoreBase):
    """Receiving and giving up whole cases."""

    def put_case(
        self,
        hh: Household,
        *,
        state: str,
        completed_at: str | None,
        confirmed_by: str | None,
        confirmed_at: str | None,
        actor: str = "sync",
    ) -> None:
        """Write ``hh`` (its dwelling must exist) as the case's whole content."""
        now = self._now()
        with self.transaction():
            dwelling = self._one("SELECT area_id FROM dwelling WHERE id = ?", (hh.dwelling_id,))
            if dwelling is None:
                raise not_found("dwelling")
            area_id = str(dwelling[0])
            old = self._one("SELECT created_at FROM household WHERE uuid = ?", (hh.uuid,))
            taken = self._one(
                "SELECT 1 FROM household WHERE area_id = ? AND hh_number = ? AND uuid != ?",
                (area_id, hh.hh_number, hh.uuid),
            )
            number = hh.hh_number
            if taken is not None or number <= 0:
                top = self._one(
                    "SELECT coalesce(max(hh_number), 0) FROM household WHERE area_id = ?",
                    (area_id,),
                )
                number = int(top[0] if top else 0) + 1
            self._clear_case(hh.uuid)
            self._x(
                "INSERT INTO household (uuid, dwelling_id, area_id, hh_number, state, revision,"
                " form_id, training, created_at, updated_at, completed_at, confirmed_by,"
                " confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    hh.uuid,
                    hh.dwelling_id,
                    area_id,
                    number,
                    state,
                    hh.revision,
                    hh.form_id,
                    int(hh.training),
                    now if old is None else old[0],
                    now,
                    completed_at,
                    confirmed_by,
                    confirmed_at,
                ),
            )
            for kind, records in (("person", hh.persons), ("death", hh.deaths)):
                for position, p in enumerate(records):
                    self._x(
                        "INSERT INTO person (uuid, household_uuid, position, kind)"
                        " VALUES (?, ?, ?, ?)",
                        (p.uuid, hh.uuid, position, kind),
                    )
                    self._answers(hh.uuid, p.uuid, p.answers, now)
            self._answers(hh.uuid, "", hh.answers, now)
            for c in hh.confirmations:
                self._x(
                    "INSERT INTO confirmation (household_uuid, rule_id, person_uuid, reason, by,"
                    " at, values_json) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (hh.uuid, c.rule_id, c.person_uuid, c.reason, c.by, c.at, dumps(c.values)),
                )
            for n in hh.notes:
                self._x(
                    "INSERT INTO note (household_uuid, person_uuid, item_id, text, at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (hh.uuid, n.person_uuid, n.item_id, n.text, n.at),
                )
            self._event(
                RECEIVED,
                actor=actor,
                household=hh.uuid,
                new=state,
                data={
                    "dwelling": hh.dwelling_id,
                    "revision": hh.revision,
                    "hh_number": number,
                    "replaced": old is not None,
                },
            )

    def _answers(
        self, case_uuid: str, person_uuid: str, answers: Mapping[str, object], now: str
    ) -> None:
        for item, value in answers.items():
            self._x(
                "INSERT INTO answer (household_uuid, person_uuid, item_id, value, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (case_uuid, person_uuid, item, dumps(value), now),
            )

    def _clear_case(self, case_uuid: str) -> None:
        """Remove a case's rows (inside the caller's transaction); the journal keeps them."""
        for table in ("answer", "note", "confirmation", "person"):
            self._x(f"DELETE FROM {table} WHERE household_uuid = ?", (case_uuid,))
        self._x(
            "UPDATE visit_attempt SET household_uuid = NULL WHERE household_uuid = ?", (case_uuid,)
        )
        self._x(
            "UPDATE roster_entry SET household_uuid = NULL WHERE household_uuid = ?", (case_uuid,)
        )
        self._x("DELETE FROM household WHERE uuid = ?", (case_uuid,))

    def history_marks(self) -> dict[str, dict[str, Any]]:
        """The imported visit events: server ``event_uuid`` → the mark's data (with ``actor``)."""
        with self.transaction(write=False):
            rows = self._rows(
                "SELECT actor, data FROM event WHERE kind = ? ORDER BY id", (HISTORY,)
            )
        out: dict[str, dict[str, Any]] = {}
        for actor, data in rows:
            mark = loads(data)
            if isinstance(mark, dict) and isinstance(mark.get("event_uuid"), str):
                out.setdefault(mark["event_uuid"], {**mark, "actor": str(actor)})
        return out

    def put_history(
        self,
        dwelling_id: str,
        *,
        event_uuid: str,
        kind: str,
        at: str,
        actor: str,
        case_uuid: str,
        data: Mapping[str, str],
    ) -> bool:
        """Import one visit event recorded on another device (``kind`` ``attempt``:
        ``outcome``, ``channel``; ``appointment``: ``appointment_ref``, ``scheduled_at``,
        ``channel``, ``status``; ``appointment_status``: ``appointment_ref``, ``status``),
        unless it was imported before; whether a row was written or changed."""
        with self.transaction():
            marks = self.history_marks()
            if event_uuid in marks:
                return False
            self._need_dwelling_row(dwelling_id)
            mark: dict[str, Any] = {"event_uuid": event_uuid, "kind": kind, "dwelling": dwelling_id}
            if kind == "attempt":
                held = case_uuid and self._one(
                    "SELECT 1 FROM household WHERE uuid = ?", (case_uuid,)
                )
                cur = self._x(
                    "INSERT INTO visit_attempt (dwelling_id, household_uuid, at, outcome, channel)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        dwelling_id,
                        case_uuid if held else None,
                        at,
                        data["outcome"],
                        data["channel"],
                    ),
                )
                mark["attempt"] = int(cur.lastrowid)
            elif kind == "appointment":
                cur = self._x(
                    "INSERT INTO appointment (dwelling_id, scheduled_at, channel, status,"
                    " created_at) VALUES (?, ?, ?, ?, ?)",
                    (dwelling_id, data["scheduled_at"], data["channel"], data["status"], at),
                )
                mark |= {
                    "appointment": int(cur.lastrowid),
                    "appointment_ref": data["appointment_ref"],
                }
            elif kind == "appointment_status":
                ref = data["appointment_ref"]
                target = next(
                    (
                        m["appointment"]
                        for m in marks.values()
                        if m.get("kind") == "appointment" and m.get("appointment_ref") == ref
                    ),
                    None,
                )
                if not isinstance(target, int):
                    return False  # its booking is not here (yet): tried again at the next sync
                self._x("UPDATE appointment SET status = ? WHERE id = ?", (data["status"], target))
                mark |= {"appointment": target, "appointment_ref": ref, "status": data["status"]}
            else:
                return False
            self._event(HISTORY, actor=actor, data=mark)
        return True

    def _need_dwelling_row(self, dwelling_id: str) -> None:
        if self._one("SELECT 1 FROM dwelling WHERE id = ?", (dwelling_id,)) is None:
            raise not_found("dwelling")

    def case_waiting(self, case_uuid: str) -> int:
        """How many of the case's uploads wait in the outbox (refused ones included)."""
        with self.transaction(write=False):
            row = self._one(
                "SELECT count(*) FROM outbox WHERE kind = 'household' AND case_uuid = ?",
                (case_uuid,),
            )
        return int(row[0]) if row else 0

    def mark_withdrawn(self, case_uuid: str, dwelling_id: str, *, actor: str = "sync") -> None:
        """The case's dwelling was moved to another enumerator: the case is read-only here."""
        with self.transaction():
            self._event(WITHDRAWN, actor=actor, household=case_uuid, data={"dwelling": dwelling_id})

    def withdrawn_cases(self) -> list[str]:
        """The cases whose latest transfer event says withdrawn (read-only on this device)."""
        with self.transaction(write=False):
            rows = self._rows(
                "SELECT e.household_uuid FROM event e WHERE e.kind = ? AND e.id ="
                " (SELECT max(x.id) FROM event x WHERE x.household_uuid = e.household_uuid"
                " AND x.kind IN (?, ?)) AND EXISTS"
                " (SELECT 1 FROM household h WHERE h.uuid = e.household_uuid)"
                " ORDER BY e.id",
                (WITHDRAWN, WITHDRAWN, RECEIVED),
            )
        return [str(r[0]) for r in rows]

    def is_withdrawn(self, case_uuid: str) -> bool:
        with self.transaction(write=False):
            row = self._one(
                "SELECT kind FROM event WHERE household_uuid = ? AND kind IN (?, ?)"
                " ORDER BY id DESC LIMIT 1",
                (case_uuid, WITHDRAWN, RECEIVED),
            )
        return row is not None and row[0] == WITHDRAWN

    def drop_case(self, case_uuid: str, *, actor: str = "sync") -> None:
        """Remove a case given up by this device (nothing of it waits to upload)."""
        with self.transaction():
            self._clear_case(case_uuid)
            self._event("case_removed", actor=actor, household=case_uuid)

    def drop_dwelling(self, dwelling_id: str, *, actor: str = "sync") -> bool:
        """Remove a dwelling moved away, if no household of it is left; whether it went."""
        with self.transaction():
            if self._one("SELECT 1 FROM household WHERE dwelling_id = ?", (dwelling_id,)):
                return False
            if self._one("SELECT 1 FROM dwelling WHERE id = ?", (dwelling_id,)) is None:
                return False
            for table in ("visit_attempt", "appointment", "roster_entry"):
                self._x(f"DELETE FROM {table} WHERE dwelling_id = ?", (dwelling_id,))
            self._x("DELETE FROM dwelling WHERE id = ?", (dwelling_id,))
            self._event("dwelling_removed", actor=actor, data={"dwelling": dwelling_id})
        return True
