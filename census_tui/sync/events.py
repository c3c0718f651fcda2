"""The device's visit events, uploaded through the outbox (docs/protocol.md "Events").

At the start of each push, :func:`export_events` reads the journal (the store's ``event``
table) past the last exported entry, turns the entries the office needs into protocol events
and queues them as outbox items of kind ``events``, at most :data:`CHUNK` events each (one
item is one ``POST /events`` request), moving the export cursor in the same store
transaction: an entry is queued exactly once, and an interrupted export queues nothing.

Each event's UUID is derived from the account, the journal entry's number, time and kind, so
the same entry always gets the same UUID: a profile restored from a backup made before an
export exports those entries again under the same UUIDs and the server answers ``duplicate``
(it stores each UUID once). A chunk leaves the outbox when every event of it is ``stored`` or
``duplicate``; the events the server refused are queued again as a chunk of their own, kept
with the reason (never dropped), and the rest are done.

What leaves the device (the rule: nothing a person typed, no answer values): visit attempts
(outcome, channel), appointments (the time booked, channel, status), the identity shown
(the checklist's ticks), the household's creation and form changes, the case's states, and
for the interview the item and person of each answer change (whether it was cleared), note,
confirmation and read-back, with their times. Answers, names, note texts and confirmation
reasons reach the office only inside the household's revisions, as the census collects them.

What never leaves the device as its own: the visit history imported with a moved case
(sync/transfer.py, journal kind ``history_received``): those events are on the server already,
under the account that recorded them. A status change of an imported appointment keeps that
appointment's ``appointment_ref``.
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from typing import Any

from census_tui.clock import iso
from census_tui.store import META_ACCOUNT, META_TRAINING, NotFound, OutboxItem, Store
from census_tui.store.records import Event
from census_tui.sync.schema import BadAnswer, ItemResult
from census_tui.visit.outcomes import channel_of, outcome_of
from census_tui.visit.states import CaseState

KIND_EVENTS = "events"
"""The outbox kind of a chunk of events (its ``case_uuid`` is the chunk's own UUID)."""
CHUNK = 200
"""Events in one outbox item, one request (the server takes at most 200)."""
META_EVENTS_CURSOR = "sync_events_exported"
"""Profile meta: the number of the last journal entry looked at by the export."""
SCAN = 2000
"""Journal entries read at a time."""
_NAMESPACE = uuidlib.UUID("6f1e8d2a-5b7c-4e0f-9a3d-2c4b6e8f0a1d")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PERSON = re.compile(r"[A-Za-z0-9-]{0,64}")
_ITEM = re.compile(r"[A-Za-z0-9_]{0,16}")
_RULE = re.compile(r"[A-Za-z0-9_-]{1,16}")
_FORM = re.compile(r"[a-z0-9]{1,16}")
_CHECK = re.compile(r"[a-z_]{1,24}")
_STATES = {s.value for s in CaseState}
_APPOINTMENT_STATUSES = {"booked", "rebooked", "kept", "missed", "cancelled"}
_SIMPLE = {
    "note": "note",
    "read_back_confirmed": "read_back_confirmed",
    "read_back_cleared": "read_back_cleared",
    "person_added": "person_added",
    "person_removed": "person_removed",
}
"""Journal kinds sent with no data of their own (the case, person, item and time say it)."""


class _Context:
    """What the export looks up while it turns journal entries into events (cached)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.account = store.get_meta(META_ACCOUNT) or ""
        self.training = store.get_meta(META_TRAINING) == "1"
        self._dwellings: dict[str, str | None] = {}
        self._appointments: dict[int, Any] | None = None
        self._imported_refs: dict[int, str] | None = None

    def dwelling_of(self, case_uuid: str) -> str | None:
        if case_uuid not in self._dwellings:
            try:
                self._dwellings[case_uuid] = self.store.case(case_uuid).dwelling_id
            except NotFound:
                self._dwellings[case_uuid] = None
        return self._dwellings[case_uuid]

    def appointment(self, appointment_id: Any) -> Any:
        if self._appointments is None:
            self._appointments = {a.id: a for a in self.store.appointments()}
        return self._appointments.get(appointment_id) if isinstance(appointment_id, int) else None

    def appointment_ref(self, appt: Any) -> str:
        """The appointment's own stable UUID (its booking and later status changes share it;
        an imported appointment keeps the one it came with)."""
        if self._imported_refs is None:
            self._imported_refs = {
                m["appointment"]: m["appointment_ref"]
                for m in self.store.history_marks().values()
                if m.get("kind") == "appointment"
                and isinstance(m.get("appointment"), int)
                and isinstance(m.get("appointment_ref"), str)
            }
        if appt.id in self._imported_refs:
            return self._imported_refs[appt.id]
        key = f"{self.account}|appointment|{appt.id}|{iso(appt.created_at)}"
        return str(uuidlib.uuid5(_NAMESPACE, key))


def _uuid(text: Any) -> str:
    return text if isinstance(text, str) and _UUID.fullmatch(text) else ""


def _data(e: Event) -> dict[str, Any]:
    return e.data if isinstance(e.data, dict) else {}


def _what(e: Event, ctx: _Context) -> tuple[str, str, dict[str, Any]] | None:
    """``(kind, dwelling_id, data)`` of the event a journal entry becomes, or None when the
    office does not need it (or it cannot be told whose dwelling it is)."""
    d, case = _data(e), e.household_uuid or ""
    dwelling = ctx.dwelling_of(case) if case else None
    if e.kind == "visit_attempt":
        outcome, channel = outcome_of(str(d.get("outcome"))), str(d.get("channel") or "")
        if outcome is None or (channel and channel_of(channel) is None):
            return None
        return (
            "attempt",
            str(d.get("dwelling") or ""),
            {"outcome": outcome.value, "channel": channel},
        )
    if e.kind in ("appointment", "appointment_status"):
        appt = ctx.appointment(d.get("appointment"))
        status = str(d.get("status") or "")
        if appt is None or status not in _APPOINTMENT_STATUSES:
            return None
        data: dict[str, Any] = {"appointment_ref": ctx.appointment_ref(appt), "status": status}
        if e.kind == "appointment":
            channel = appt.channel if channel_of(appt.channel) is not None else ""
            data |= {"scheduled_at": iso(appt.scheduled_at), "channel": channel}
        return e.kind, appt.dwelling_id, data
    if e.kind == "identity_shown":
        ticks = d.get("checklist")
        checklist = (
            {str(k): bool(v) for k, v in ticks.items() if _CHECK.fullmatch(str(k))}
            if isinstance(ticks, dict)
            else {}
        )
        return "identity_shown", str(d.get("dwelling") or ""), {"checklist": checklist}
    if dwelling is None:
        return None
    if e.kind == "household_created" and _FORM.fullmatch(str(d.get("form") or "")):
        return "household_created", dwelling, {"form_id": str(d["form"])}
    if e.kind == "state" and e.old in _STATES and e.new in _STATES:
        return "state", dwelling, {"old": e.old, "new": e.new}
    if e.kind == "form_changed":
        old = e.old.get("form") if isinstance(e.old, dict) else None
        if _FORM.fullmatch(str(old)) and _FORM.fullmatch(str(e.new)):
            return "form_changed", dwelling, {"old": str(old), "new": str(e.new)}
        return None
    if e.kind == "answer_set":
        return "answer_changed", dwelling, {"cleared": e.new is None}
    if e.kind in ("warning_confirmed", "confirmation_lapsed"):
        rule = str(d.get("rule") or "")
        kind = "confirmation" if e.kind == "warning_confirmed" else "confirmation_lapsed"
        return (kind, dwelling, {"rule_id": rule}) if _RULE.fullmatch(rule) else None
    if e.kind in _SIMPLE:
        return _SIMPLE[e.kind], dwelling, {}
    return None


def _event_uuid(account: str, e: Event) -> str:
    return str(uuidlib.uuid5(_NAMESPACE, f"{account}|{e.id}|{iso(e.at)}|{e.kind}"))


_OWN_ROWS = {"visit_attempt": "attempt", "appointment": "appointment"}


def own_visit_events(store: Store) -> dict[str, tuple[str, int]]:
    """The UUIDs of this device's own attempts and bookings as exported (or to be exported)
    → ``("attempt" | "appointment", row id)``: a moved case's history that comes back to the
    device that recorded it is not imported a second time while those rows are there."""
    account = store.get_meta(META_ACCOUNT) or ""
    out: dict[str, tuple[str, int]] = {}
    for kind, row in _OWN_ROWS.items():
        for e in store.events(kind=kind):
            row_id = _data(e).get(row)
            if isinstance(row_id, int):
                out[_event_uuid(account, e)] = (row, row_id)
    return out


def to_event(e: Event, ctx: _Context) -> dict[str, Any] | None:
    """The protocol event of one journal entry (docs/protocol.md "Events"), or None."""
    found = _what(e, ctx)
    if found is None:
        return None
    kind, dwelling, data = found
    item, person = e.item_id or "", e.person_uuid or ""
    if not dwelling or len(dwelling) > 64 or not _ITEM.fullmatch(item):
        return None
    if not _PERSON.fullmatch(person):
        return None
    return {
        "event_uuid": _event_uuid(ctx.account, e),
        "kind": kind,
        "at": iso(e.at),
        "dwelling_id": dwelling,
        "case_uuid": _uuid(e.household_uuid),
        "person_uuid": person,
        "item_id": item,
        "training": ctx.training,
        "data": data,
    }


def _payload(events: list[dict[str, Any]]) -> bytes:
    return json.dumps({"items": events}, ensure_ascii=False, separators=(",", ":")).encode()


def _queue(store: Store, events: list[dict[str, Any]]) -> list[int]:
    """Queue ``events`` as outbox chunks (inside the caller's transaction); their ids."""
    return [
        store.enqueue(KIND_EVENTS, str(uuidlib.uuid4()), 0, _payload(events[i : i + CHUNK]))
        for i in range(0, len(events), CHUNK)
    ]


def export_events(store: Store) -> int:
    """Queue the journal's new entries the office needs; how many events were queued."""
    ctx = _Context(store)
    queued = 0
    while True:
        cursor = int(store.get_meta(META_EVENTS_CURSOR) or "0")
        entries = store.events(after_id=cursor, limit=SCAN)
        if not entries:
            return queued
        found = [ev for ev in (to_event(e, ctx) for e in entries) if ev is not None]
        with store.transaction():
            _queue(store, found)
            store.set_meta(META_EVENTS_CURSOR, str(entries[-1].id))
        queued += len(found)


def chunk_events(item: OutboxItem) -> list[dict[str, Any]]:
    """The events of an outbox chunk (the request body's items)."""
    doc = json.loads(item.payload)
    items = doc.get("items") if isinstance(doc, dict) else None
    return [e for e in items if isinstance(e, dict)] if isinstance(items, list) else []


def settle_chunk(
    store: Store, item: OutboxItem, events: list[dict[str, Any]], results: list[ItemResult]
) -> tuple[list[int], list[str]]:
    """Apply the server's answers to one chunk: the chunk leaves the outbox when every event
    was acknowledged; otherwise the refused events stay, as a chunk of their own with the
    reasons (a chunk nothing of which was acknowledged stays as it is). Returns the outbox
    ids still waiting and the reasons (no personal data: statuses and field names)."""
    for ev, res in zip(events, results, strict=True):
        if res.key and res.key != ev.get("event_uuid"):
            raise BadAnswer("event result: key does not match the event sent")
    refused = [(ev, r) for ev, r in zip(events, results, strict=True) if not r.acked]
    reasons = sorted({f"{r.status} {r.code} {r.reason[:80]}".strip() for _, r in refused})
    why = "events: " + "; ".join(reasons)[:400]
    if not refused:
        store.outbox_ack([item.id])
        return [], []
    if len(refused) == len(events):
        store.outbox_fail(item.id, why)
        return [item.id], reasons
    with store.transaction():
        store.outbox_withdraw(KIND_EVENTS, item.case_uuid)
        kept = _queue(store, [ev for ev, _ in refused])
        for kept_id in kept:
            store.outbox_fail(kept_id, why)
    return kept, reasons
