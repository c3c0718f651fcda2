"""Work that moves between devices (issue 20 §2-§3, docs/protocol.md "Moving work"): whole
cases received with ``GET /assignments`` and dwellings given up.

**Receiving** (:func:`receive`, inside the pull's transaction, so the cursor moves with it): a
case the server sends (moved to this enumerator, or every case they own when the cursor is 0:
a new or restored device) is written as the server holds it, by :func:`take`: the latest
revision's household, the revision number, the state (``uploaded`` → synced, ``returned``,
``approved``), and the latest return as the usual ``supervisor_returned`` event, so the
interview opens at the questions returned and the next completion uploads revision N+1 as
the new owner. Revisions merge by number and cases by UUID, so a restore plus a full sync
never makes a second copy: a device that has the same or a newer revision keeps its own; one
that has an older revision with an upload still waiting keeps its own too (the upload will be
answered ``conflict`` and stay, with the reason); otherwise the server's replaces it.

**The visit history** that comes with a case (:func:`import_history`): the former holder's
attempts (outcome, channel), appointments (time, channel, status) and appointment status
changes become the dwelling's attempts and appointments on this device, marked as recorded by
that account, once per server ``event_uuid`` (a second sync, ``sync --full`` or a restore adds
nothing); the event export never sends them as this device's own. An event of another kind,
or an outcome or channel this client does not know, is skipped; a malformed one is a bad
answer. Events this device recorded itself and still holds are not imported again. The
history's ``outcomes`` (``POST /outcomes``) repeat the attempts and are not imported.

A dwelling given to this enumerator before any household of it was uploaded (the former
holder booked an appointment or found nobody home, then left) has no case to carry its
history: its events come in the answer's ``histories`` (:func:`received_history`) and are
imported the same way, attached to the dwelling (an attempt whose case is not on this device
has none).

**Giving up** (:func:`give_up`): a withdrawn dwelling's cases that the server already has
(synced, returned or approved, nothing waiting in the outbox) are removed; any other case
(being interviewed, completed and not acknowledged, or refused by the server) stays on the
device read-only (the visit session refuses to change it, the sync does not send it), with
its reason in the outbox, until the office recovers the device; :func:`tidy` removes such a
case at a later sync once nothing of it waits. Nothing is dropped silently.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass
from typing import Any

from census_tui.clock import iso, parse_iso
from census_tui.errors import BadInput, CensusError
from census_tui.store import META_ACCOUNT, Area, Dwelling, NotFound, Store
from census_tui.sync.events import own_visit_events
from census_tui.sync.schema import BadAnswer, Review, _review_items, fields
from census_tui.validation.household_json import HouseholdDocument, parse_document
from census_tui.visit.outcomes import channel_of, outcome_of

_log = logging.getLogger(__name__)
"""Counts and ids only."""

EVENT_RETURNED = "supervisor_returned"
STATES = {"uploaded": "synced", "returned": "returned", "approved": "approved"}
"""The server's review state of a case → its state on the device."""
SETTLED = frozenset({"synced", "returned", "approved"})
"""Device states in which the server holds everything of the case."""
WITHDRAWN_REASON = "withdrawn: the dwelling was moved to another enumerator (kept on device)"
APPOINTMENT_STATUSES = frozenset({"booked", "rebooked", "kept", "missed", "cancelled"})
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_EVENT_FIELDS = {
    "event_uuid": "str",
    "kind": "str",
    "at": "str",
    "account": "str",
    "case_uuid": "str",
    "person_uuid": "str",
    "item_id": "str",
    "data": "dict",
}


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """A visit event of a moved case's history that this device imports."""

    event_uuid: str
    kind: str
    at: str
    account: str
    case_uuid: str
    data: dict[str, str]


@dataclass(frozen=True, slots=True)
class ReceivedHistory:
    """A dwelling given to this enumerator with no case uploaded, and its visit events this
    client imports (``GET /assignments`` ``histories``)."""

    dwelling_id: str
    events: tuple[HistoryEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class ReceivedCase:
    """A case ``GET /assignments`` hands to this device."""

    case_uuid: str
    dwelling_id: str
    area_id: str
    revision: int
    state: str
    document: HouseholdDocument
    latest_return: Review | None
    history: dict[str, list[Any]]
    events: tuple[HistoryEvent, ...] = ()
    """The visit events of ``history`` this client imports (others skipped)."""


def _time(text: str, where: str) -> str:
    try:
        return iso(parse_iso(text))
    except ValueError:
        raise BadAnswer(f"{where}: not a time") from None


def history_event(doc: Any) -> HistoryEvent | None:
    """One event of a case's ``history.events``, read strictly; None for a kind (or an
    outcome, channel or status) this client does not import."""
    where = "case history event"
    f = fields(doc, _EVENT_FIELDS, where=where)
    if not _UUID.fullmatch(f["event_uuid"]) or not f["account"]:
        raise BadAnswer(f"{where}: event_uuid or account")
    at, kind, d = _time(f["at"], where), f["kind"], f["data"]
    data: dict[str, str]
    if kind == "attempt":
        x = fields(d, {"outcome": "str", "channel": "str"}, where=where)
        if outcome_of(x["outcome"]) is None or (x["channel"] and channel_of(x["channel"]) is None):
            return None
        data = {"outcome": x["outcome"], "channel": x["channel"]}
    elif kind in ("appointment", "appointment_status"):
        need = {"appointment_ref": "str", "status": "str"}
        if kind == "appointment":
            need |= {"scheduled_at": "str", "channel": "str"}
        x = fields(d, need, where=where)
        if not _UUID.fullmatch(x["appointment_ref"]):
            raise BadAnswer(f"{where}: appointment_ref")
        if x["status"] not in APPOINTMENT_STATUSES:
            return None
        data = {"appointment_ref": x["appointment_ref"], "status": x["status"]}
        if kind == "appointment":
            channel = x["channel"] if channel_of(x["channel"]) is not None else ""
            data |= {"scheduled_at": _time(x["scheduled_at"], where), "channel": channel}
    else:
        return None
    return HistoryEvent(f["event_uuid"], kind, at, f["account"], f["case_uuid"], data)


def received_case(doc: Any) -> ReceivedCase:
    """One entry of ``cases``, read strictly (:class:`BadAnswer` otherwise)."""
    if not isinstance(doc, dict):
        raise BadAnswer("case: not an object")
    body = {k: v for k, v in doc.items() if k != "return"}
    if "return" not in doc:
        raise BadAnswer("case: missing return")
    f = fields(
        body,
        {
            "case_uuid": "str",
            "dwelling_id": "str",
            "area_id": "str",
            "revision": "int",
            "state": "str",
            "household": "dict",
            "history": "dict",
        },
        where="case",
    )
    if f["state"] not in STATES or f["revision"] < 0:
        raise BadAnswer("case: state or revision")
    try:
        document = parse_document(f["household"], "$.household")
    except BadInput:
        raise BadAnswer("case: household") from None
    hh = document.household
    if (hh.uuid, hh.dwelling_id, hh.revision) != (f["case_uuid"], f["dwelling_id"], f["revision"]):
        raise BadAnswer("case: household does not match its case")
    latest = None
    if doc["return"] is not None:
        r = fields(
            doc["return"],
            {"revision": "int", "comment": "str", "at": "str", "items": "list"},
            where="case return",
        )
        items = _review_items(r["items"])
        latest = Review(f["case_uuid"], r["revision"], "returned", r["comment"], r["at"], items)
    history = f["history"]
    if not isinstance(history.get("outcomes"), list) or not all(
        isinstance(v, list) for v in history.values()
    ):
        raise BadAnswer("case: history")
    found = (history_event(e) for e in history.get("events", []))
    return ReceivedCase(
        f["case_uuid"],
        f["dwelling_id"],
        f["area_id"],
        f["revision"],
        f["state"],
        document,
        latest,
        history,
        tuple(e for e in found if e is not None),
    )


def received_history(doc: Any) -> ReceivedHistory:
    """One entry of ``histories``, read strictly (:class:`BadAnswer` otherwise)."""
    f = fields(doc, {"dwelling_id": "str", "events": "list"}, where="dwelling history")
    if not 0 < len(f["dwelling_id"]) <= 64:
        raise BadAnswer("dwelling history: dwelling_id")
    found = (history_event(e) for e in f["events"])
    return ReceivedHistory(f["dwelling_id"], tuple(e for e in found if e is not None))


def has_review_event(store: Store, review: Review, kind: str = EVENT_RETURNED) -> bool:
    """Whether the device already logged this decision (the same revision and time)."""
    return any(
        isinstance(e.data, dict)
        and e.data.get("revision") == review.revision
        and e.data.get("at") == review.at
        for e in store.events(review.case_uuid, kind=kind)
    )


def log_review(store: Store, review: Review, kind: str = EVENT_RETURNED) -> bool:
    """Log a supervisor's decision as the usual event, once; whether it was new."""
    if has_review_event(store, review, kind):
        return False
    store.log_event(
        kind,
        actor="supervisor",
        household=review.case_uuid,
        data={
            "revision": review.revision,
            "comment": review.comment,
            "at": review.at,
            "items": [list(i) for i in review.items],
        },
    )
    return True


def _place(store: Store, c: ReceivedCase) -> None:
    """The case's dwelling (and area) on this device: one found on site by another device is
    not in the listing, so it is added as found on site."""
    try:
        store.dwelling(c.dwelling_id)
        return
    except NotFound:
        pass
    if c.area_id not in {a.id for a in store.areas()}:
        store.upsert_area(Area(c.area_id, ""))
    store.upsert_dwelling(
        Dwelling(
            c.dwelling_id,
            c.area_id,
            added_on_site=True,
            sort_key=c.dwelling_id,
            form_id=c.document.household.form_id,
        )
    )


def take(store: Store, c: ReceivedCase) -> bool:
    """Write a received case unless this device's copy must win (see the module); whether
    the server's copy was written."""
    _place(store, c)
    local = None
    with contextlib.suppress(NotFound):
        local = store.case(c.case_uuid)
    written = False
    if local is not None and local.revision >= c.revision:
        if store.is_withdrawn(c.case_uuid):  # it came back to this enumerator
            store.log_event("case_received", actor="sync", household=c.case_uuid, new=local.state)
    elif local is not None and store.case_waiting(c.case_uuid):
        store.log_event(
            "case_received_kept",
            actor="sync",
            household=c.case_uuid,
            data={"server_revision": c.revision, "revision": local.revision},
        )
    else:
        rb = c.document.read_back
        store.put_case(
            c.document.household,
            state=STATES[c.state],
            completed_at=c.document.completed_at,
            confirmed_by=None if rb is None else rb.respondent_name,
            confirmed_at=None if rb is None else rb.at,
        )
        written = True
    if c.latest_return is not None:
        log_review(store, c.latest_return)
    import_history(store, c)
    return written


def import_history(store: Store, c: ReceivedCase | ReceivedHistory) -> int:
    """The case's (or the caseless dwelling's) visit events as the dwelling's attempts and
    appointments (see the module); how many rows were written or changed."""
    if not c.events:
        return 0
    account = store.get_meta(META_ACCOUNT) or ""
    mine: dict[str, tuple[str, int]] | None = None
    held: set[tuple[str, int]] = set()
    done = 0
    for ev in c.events:
        if ev.account == account:  # back on the device that recorded it?
            if mine is None:
                mine = own_visit_events(store)
                held = {("attempt", a.id) for a in store.attempts(c.dwelling_id)}
                held |= {("appointment", a.id) for a in store.appointments(c.dwelling_id)}
            if mine.get(ev.event_uuid) in held:
                continue
        done += store.put_history(
            c.dwelling_id,
            event_uuid=ev.event_uuid,
            kind=ev.kind,
            at=ev.at,
            actor=ev.account,
            case_uuid=ev.case_uuid,
            data=ev.data,
        )
    return done


def _droppable(store: Store, case_uuid: str) -> bool:
    """Whether the server holds everything this device has of the case."""
    case = store.case(case_uuid)
    if store.case_waiting(case_uuid):
        return False
    if case.state in SETTLED:
        return True
    hh = store.household(case_uuid)
    return case.state == "listed" and not hh.persons and not hh.answers and not hh.deaths


def give_up(store: Store, dwelling_id: str) -> tuple[int, int]:
    """A dwelling moved away: remove what the server has, keep the rest read-only.
    Returns (cases removed, cases kept read-only)."""
    removed = kept = 0
    for case in store.cases(dwelling_id):
        if _droppable(store, case.uuid):
            store.drop_case(case.uuid)
            removed += 1
        else:
            if not store.is_withdrawn(case.uuid):
                store.mark_withdrawn(case.uuid, dwelling_id)
            kept += 1
    store.drop_dwelling(dwelling_id)
    return removed, kept


def tidy(store: Store) -> int:
    """Remove the read-only cases whose uploads are all settled; how many went."""
    gone = 0
    for case_uuid in store.withdrawn_cases():
        with contextlib.suppress(NotFound):
            dwelling = store.case(case_uuid).dwelling_id
            if _droppable(store, case_uuid):
                store.drop_case(case_uuid)
                store.drop_dwelling(dwelling)
                gone += 1
    return gone


def receive(
    store: Store,
    cases: tuple[ReceivedCase, ...],
    withdrawn: tuple[str, ...],
    histories: tuple[ReceivedHistory, ...] = (),
) -> int:
    """Apply the cases, the caseless dwellings' histories and the withdrawn dwellings of one
    assignments answer (in the caller's transaction); how many cases were written."""
    written = 0
    for c in cases:
        try:
            with store.transaction():  # a savepoint: one case that does not fit stays out
                written += take(store, c)
        except CensusError as exc:  # e.g. a person UUID this device holds in another case
            _log.warning("transfer: case %s not stored (%s)", c.case_uuid, type(exc).__name__)
            store.log_event("case_receive_failed", actor="sync", household=c.case_uuid)
    for h in histories:
        try:
            with store.transaction():  # a savepoint: e.g. a dwelling not on this device
                import_history(store, h)
        except CensusError as exc:
            _log.warning(
                "transfer: history of %s not stored (%s)", h.dwelling_id, type(exc).__name__
            )
    kept = 0
    for dwelling_id in withdrawn:
        kept += give_up(store, dwelling_id)[1]
    tidy(store)
    if cases or withdrawn:
        _log.info(
            "transfer: %d cases received (%d written), %d dwellings withdrawn, %d kept read-only",
            len(cases),
            written,
            len(withdrawn),
            kept,
        )
    return written
