"""The visit events a device uploads (``POST /events``, server migration 9): the table's SQL,
the wire vocabulary they are checked against, and what the supervisor's progress and case view
read of them (docs/protocol.md "Events").

No web imports here: ``events.py`` (the route) and ``supervisor.py`` (progress, the case view)
use it, and ``storage.py`` lists its lookup among the sync path's indexed queries.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from census_tui.visit.outcomes import Channel, Outcome
from census_tui.visit.states import CaseState

if TYPE_CHECKING:
    from census_tui.server.storage import Tx

MAX_EVENTS = 200
"""Events in one ``POST /events`` request (a device's outbox item holds at most this many)."""
MAX_EVENT_BYTES = 4096
"""One event's canonical JSON, at most."""
HISTORY_LIMIT = 500
"""The case view lists at most this many events (the newest), answer changes summarised."""

OUTCOMES = tuple(o.value for o in Outcome)
CHANNELS = ("", *(c.value for c in Channel))
CASE_STATES = tuple(s.value for s in CaseState)
APPOINTMENT_STATUSES = ("booked", "rebooked", "kept", "missed", "cancelled")
IN_PROGRESS = frozenset({"interviewing", "self_checked", "read_back", "completed"})
"""A case whose latest state (as the device reported it) is one of these is being interviewed
or waits for its upload: progress counts its dwelling ``in_progress`` until a revision comes."""
VISIT_KINDS = ("appointment", "refused", "vacant", "no_contact")
"""Attempt outcomes that give a dwelling without an uploaded household its progress state."""

KINDS: dict[str, dict[str, str]] = {
    "attempt": {"outcome": "outcome", "channel": "channel"},
    "appointment": {
        "appointment_ref": "uuid",
        "scheduled_at": "time",
        "channel": "channel",
        "status": "appointment_status",
    },
    "appointment_status": {"appointment_ref": "uuid", "status": "appointment_status"},
    "identity_shown": {"checklist": "checklist"},
    "household_created": {"form_id": "form"},
    "state": {"old": "state", "new": "state"},
    "form_changed": {"old": "form", "new": "form"},
    "answer_changed": {"cleared": "bool"},
    "note": {},
    "confirmation": {"rule_id": "rule"},
    "confirmation_lapsed": {"rule_id": "rule"},
    "read_back_confirmed": {},
    "read_back_cleared": {},
    "person_added": {},
    "person_removed": {},
}
"""Every event kind and the fields of its ``data`` (all required), by check name. Nothing
here carries a value a person typed: no answers, names, note texts or reasons (those travel,
when the census collects them, inside the household's revisions)."""

Q_EVENT = "SELECT sha256 FROM events WHERE event_uuid = ?"
Q_AREA_EVENTS = (
    "SELECT dwelling_id, area_id, case_uuid, kind, at, payload FROM events"
    " WHERE area_id IN ({marks}) AND kind IN ('attempt', 'state') ORDER BY at, event_uuid"
)
Q_DWELLING_EVENTS = (
    "SELECT event_uuid, account, case_uuid, person_uuid, item_id, kind, at, payload"
    " FROM events WHERE dwelling_id = ? ORDER BY at, event_uuid"
)


@dataclass(frozen=True, slots=True)
class Event:
    """One checked event, ready to store."""

    event_uuid: str
    kind: str
    at: str
    dwelling_id: str
    case_uuid: str
    person_uuid: str
    item_id: str
    payload: str


def store_event(
    t: Tx,
    ev: Event,
    *,
    account: str,
    area_id: str,
    received: str,
    clock_offset: int | None,
) -> str:
    """Insert one event (idempotent by its UUID): ``stored``, ``duplicate`` (the same
    content again) or ``conflict`` (the UUID with other content)."""
    digest = hashlib.sha256(ev.payload.encode()).hexdigest()
    cur = t.execute(
        "INSERT INTO events (event_uuid, account, area_id, dwelling_id, case_uuid, person_uuid,"
        " item_id, kind, at, payload, sha256, received, clock_offset)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (
            ev.event_uuid,
            account,
            area_id,
            ev.dwelling_id,
            ev.case_uuid,
            ev.person_uuid,
            ev.item_id,
            ev.kind,
            ev.at,
            ev.payload,
            digest,
            received,
            clock_offset,
        ),
    )
    if cur.rowcount == 1:
        return "stored"
    same = t.execute(Q_EVENT, (ev.event_uuid,)).fetchone()
    return "duplicate" if same is not None and same[0] == digest else "conflict"


def _data(row: Any) -> dict[str, Any]:
    try:
        doc = json.loads(str(row["payload"]))
    except ValueError:
        return {}
    data = doc.get("data") if isinstance(doc, dict) else None
    return data if isinstance(data, dict) else {}


@dataclass(slots=True)
class Marks:
    """What progress reads of the events of some areas: each dwelling's last visit outcome
    (device time, kind) and the dwellings with a case in progress on a device."""

    last_visit: dict[str, tuple[str, str]] = field(default_factory=dict)
    in_progress: set[str] = field(default_factory=set)
    area_of: dict[str, str] = field(default_factory=dict)


def progress_marks(rows: Sequence[Any]) -> Marks:
    """``rows`` from :data:`Q_AREA_EVENTS` (attempts and case states, in device time order)."""
    out = Marks()
    state: dict[tuple[str, str], str] = {}
    for r in rows:
        dw = str(r["dwelling_id"])
        out.area_of.setdefault(dw, str(r["area_id"]))
        data = _data(r)
        if r["kind"] == "attempt" and data.get("outcome") in VISIT_KINDS:
            out.last_visit[dw] = (str(r["at"]), str(data["outcome"]))
        elif r["kind"] == "state" and r["case_uuid"]:
            state[(dw, str(r["case_uuid"]))] = str(data.get("new", ""))
    out.in_progress = {dw for (dw, _), s in state.items() if s in IN_PROGRESS}
    return out


def case_history(rows: Sequence[Any], case_uuid: str | None) -> dict[str, Any]:
    """The case view's ``history`` (the events of the case and of its dwelling without a case:
    attempts, appointments, identity shown …, answer changes left out) and ``paradata`` (a
    summary of them all), from :data:`Q_DWELLING_EVENTS` rows. ``case_uuid`` None: every
    event of the dwelling (a dwelling moved with no case uploaded, docs/protocol.md)."""
    mine = [r for r in rows if case_uuid is None or str(r["case_uuid"]) in ("", case_uuid)]
    changes = [r for r in mine if r["kind"] == "answer_changed"]
    kinds = Counter(str(r["kind"]) for r in mine)
    listed = [r for r in mine if r["kind"] != "answer_changed"][-HISTORY_LIMIT:]
    phone = any(
        r["kind"] == "attempt" and _data(r).get("outcome") == Outcome.PHONE_REGISTRATION.value
        for r in mine
    )
    return {
        "history": [
            {
                "event_uuid": str(r["event_uuid"]),
                "kind": str(r["kind"]),
                "at": str(r["at"]),
                "account": str(r["account"]),
                "case_uuid": str(r["case_uuid"]),
                "person_uuid": str(r["person_uuid"]),
                "item_id": str(r["item_id"]),
                "data": _data(r),
            }
            for r in listed
        ],
        "paradata": {
            "answer_changes": len(changes),
            "items_changed": len({(r["person_uuid"], r["item_id"]) for r in changes}),
            "first_change": str(changes[0]["at"]) if changes else None,
            "last_change": str(changes[-1]["at"]) if changes else None,
            "notes": kinds["note"],
            "confirmations": kinds["confirmation"],
            "attempts": kinds["attempt"],
            "appointments": kinds["appointment"],
            "identity_shown": kinds["identity_shown"],
            "phone_registration": phone,
        },
    }
