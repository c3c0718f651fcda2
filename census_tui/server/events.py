"""``POST /api/v1/events``: the visit events a device uploads (docs/protocol.md "Events").

Appointments (time, channel), visit attempts and their outcomes (telephone registrations
among them), the identity shown at the door, and the paradata of the interview (answer
changes, notes, confirmations, read-back, case states: item ids and times, never a value a
person typed). A batch of at most :data:`event_store.MAX_EVENTS`, each event answered on its
own like an outcome, idempotent by ``event_uuid`` (the table's primary key). An event is the
caller's when its dwelling is in the caller's areas (as for uploads) and, when it names a case
the server already holds, that case is the caller's (403 ``forbidden`` otherwise, nothing
stored). The whole batch is one transaction: a database failure stores nothing of it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from census_tui.clock import iso
from census_tui.i18n import Msg
from census_tui.server import event_store as es
from census_tui.server.app import (
    APART,
    API,
    _account,
    _area_from,
    _Caller,
    _clock_offset,
    _db,
    _guard,
    _no,
    _nothing,
    _store_all,
)
from census_tui.server.checks import _UUID
from census_tui.server.storage import Storage, Tx
from census_tui.server.wire import Refused, answer, clean_text, read_json

PATH = f"{API}/events"
BODY_LIMIT = 1024 * 1024
"""Largest ``POST /events`` body, on the wire and after gunzip (200 events of at most 4 KiB)."""
FIELDS = (
    "event_uuid",
    "kind",
    "at",
    "dwelling_id",
    "case_uuid",
    "person_uuid",
    "item_id",
    "training",
    "data",
)
_ITEM_ID = re.compile(r"[A-Za-z0-9_]{0,16}")
_PERSON = re.compile(r"[A-Za-z0-9-]{0,64}")
_RULE = re.compile(r"[A-Za-z0-9_-]{1,16}")
_FORM = re.compile(r"[a-z0-9]{1,16}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{8,15}(Z|[+-][0-9]{2}:[0-9]{2})?")
_CHECK = re.compile(r"[a-z_]{1,24}")


def _checklist(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and len(v) <= 16
        and all(isinstance(k, str) and _CHECK.fullmatch(k) for k in v)
        and all(isinstance(x, bool) for x in v.values())
    )


CHECKS: dict[str, Any] = {
    "outcome": lambda v: v in es.OUTCOMES,
    "channel": lambda v: v in es.CHANNELS,
    "uuid": lambda v: isinstance(v, str) and bool(_UUID.match(v)),
    "time": lambda v: isinstance(v, str) and bool(_TIME.fullmatch(v)),
    "appointment_status": lambda v: v in es.APPOINTMENT_STATUSES,
    "checklist": _checklist,
    "form": lambda v: isinstance(v, str) and bool(_FORM.fullmatch(v)),
    "state": lambda v: v in es.CASE_STATES,
    "bool": lambda v: isinstance(v, bool),
    "rule": lambda v: isinstance(v, str) and bool(_RULE.fullmatch(v)),
}


def _problem(doc: dict[str, Any]) -> str:
    """Why an event does not have the declared shape ("" when it does); names fields only."""
    if set(doc) != set(FIELDS):
        return f"an event has exactly the fields {', '.join(FIELDS)}"
    kind = doc["kind"]
    if kind not in es.KINDS:
        return "unknown kind"
    if not (isinstance(doc["at"], str) and _TIME.fullmatch(doc["at"])):
        return "at must be an ISO time"
    dw = doc["dwelling_id"]
    if not (isinstance(dw, str) and 0 < len(dw) <= 64):
        return "dwelling_id must be 1-64 characters"
    case = doc["case_uuid"]
    if not (isinstance(case, str) and (case == "" or _UUID.match(case))):
        return "case_uuid must be a UUID or empty"
    if not (isinstance(doc["person_uuid"], str) and _PERSON.fullmatch(doc["person_uuid"])):
        return "person_uuid must be 0-64 letters, digits or -"
    if not (isinstance(doc["item_id"], str) and _ITEM_ID.fullmatch(doc["item_id"])):
        return "item_id must be 0-16 letters or digits"
    if not isinstance(doc["training"], bool):
        return "training must be true or false"
    data, wanted = doc["data"], es.KINDS[kind]
    if not isinstance(data, dict) or set(data) != set(wanted):
        return f"data of {kind} has exactly the fields {', '.join(wanted) or 'none'}"
    bad = [name for name, check in wanted.items() if not CHECKS[check](data[name])]
    return f"data.{bad[0]} of {kind} is not valid" if bad else ""


def _events(
    db: Storage, who: _Caller, docs: list[Any], t: Tx, _: list[Any]
) -> list[dict[str, Any]]:
    """Check and store a batch's events inside its transaction; each one's own answer, as if
    checked one after the other. The dwellings' places and the cases' owners are read once
    for the batch, not per event."""
    answers: list[dict[str, Any] | None] = [None] * len(docs)
    ready: dict[int, str] = {}
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict):
            answers[i] = {"status": "invalid", "code": 400, "reason": "an event must be an object"}
            continue
        eu = doc.get("event_uuid")
        if not (isinstance(eu, str) and _UUID.match(eu)):
            answers[i] = {"status": "invalid", "code": 400, "reason": "event_uuid required"}
            continue
        base = {"event_uuid": eu}
        if not clean_text(doc):
            answers[i] = _no(base, "invalid", 422, "invalid character in text")
            continue
        problem = _problem(doc)
        if problem:
            answers[i] = _no(base, "invalid", 400, problem)
            continue
        payload = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if len(payload.encode()) > es.MAX_EVENT_BYTES:
            answers[i] = _no(base, "invalid", 413, "event too large")
            continue
        if doc["training"] != who.training:
            answers[i] = _no(base, "training_mismatch", 422, APART)
            continue
        ready[i] = payload
    dwellings = [docs[i]["dwelling_id"] for i in ready]
    places = db.dwelling_places(dwellings, t)
    cases = sorted({docs[i]["case_uuid"] for i in ready} - {""})
    owners = db.owners_of_cases(t, cases, lock=False)
    received = iso(db.clock.now())
    for i, payload in ready.items():
        doc = docs[i]
        base = {"event_uuid": doc["event_uuid"]}
        area = _area_from(
            places.get(doc["dwelling_id"]), who.own, doc["dwelling_id"], who.acc.account
        )
        if area is None:
            answers[i] = _no(base, "forbidden", 403, "not your enumeration area")
            continue
        owner = owners.get(doc["case_uuid"])
        if owner is not None and owner != (who.acc.account, area):
            answers[i] = _no(base, "forbidden", 403, "not your case")
            continue
        event = es.Event(
            doc["event_uuid"],
            str(doc["kind"]),
            str(doc["at"]),
            str(doc["dwelling_id"]),
            str(doc["case_uuid"]),
            str(doc["person_uuid"]),
            str(doc["item_id"]),
            payload,
        )
        status = es.store_event(
            t,
            event,
            account=who.acc.account,
            area_id=area,
            received=received,
            clock_offset=who.clock_offset,
        )
        answers[i] = {
            **base,
            "status": status,
            "code": {"stored": 201, "duplicate": 200}.get(status, 409),
        }
    return [a for a in answers if a is not None]


def _batch(body: Any) -> list[Any]:
    items = body.get("items") if isinstance(body, dict) and set(body) == {"items"} else None
    if not isinstance(items, list) or not 0 < len(items) <= es.MAX_EVENTS:
        raise Refused(
            400, "bad_batch", Msg("批量格式错误", "malformed batch"), max_batch=es.MAX_EVENTS
        )
    return items


@_guard
async def events(request: Request) -> Response:
    db, acc = _db(request), await _account(request)
    offset = _clock_offset(request)
    items = _batch(await read_json(request, limit=BODY_LIMIT))
    results = await run_in_threadpool(_store_all, db, acc, items, _events, _nothing, offset)
    return answer({"results": results})


ROUTES = [Route(PATH, events, methods=["POST"])]
