"""The supervisor's routes (普查指导员), ``/api/v1/supervisor/…`` (docs/protocol.md
"Supervisor"): scope, progress, the review queue, a case, approve and return, spot-check
samples and re-visits.

Every route answers only an account of the ``supervisor`` role that has finished its first
login (403 ``wrong_role`` for an enumerator, checked before anything else), and only within
its scope: the enumerators ``supervisor_of`` gives it and their areas (403 ``not_in_scope``
otherwise, nothing stored). Decisions, samples and re-visits carry a client-chosen UUID so a
request queued offline and sent twice is applied once (``supervisor_store.py``). A decision
names the revision it was made on: when the enumerator has uploaded a newer one meanwhile, the
decision is refused (409 ``revision_moved``) and nothing is stored.

Handlers parse and authorise; the answers are assembled in one worker-thread call each (the
event loop never waits on the database). Nothing here logs; error texts name fields and item
ids, never an answer.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from census_tui.clock import iso
from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.server import event_store as es
from census_tui.server import review as rv
from census_tui.server import spotcheck
from census_tui.server.allocation_store import visit_outcome
from census_tui.server.app import API, _account, _db, _guard
from census_tui.server.checks import _UUID
from census_tui.server.compare import DEFAULT_COUNT_ITEMS, KEY_ITEMS, compare
from census_tui.server.storage import Account, Row, Storage
from census_tui.server.supervisor_store import PROGRESS_STATES, AreaData, Written, digest
from census_tui.server.wire import Refused, answer, ascii_digits, clean_text, read_json

SUPERVISOR = "supervisor"
"""The role of the accounts these routes serve (``accounts.role``)."""
BASE = f"{API}/supervisor"
BODY_LIMIT = 64 * 1024
"""Largest body of a supervisor route, on the wire and after gunzip."""
MAX_COMMENT = 2000
MAX_AREAS = 1000
MAX_PERSONS = 100
"""Persons a re-visit may list (and the largest person count it may give)."""
MAX_REVISION = 2**31 - 1
DEFAULT_STALE_HOURS = 24
MAX_STALE_HOURS = 8760
LONG_FORM = "long2020"
STATES = PROGRESS_STATES

NOT_IN_SCOPE = Msg("不在您指导的范围内", "not within your supervision")
NO_CASE = Msg("服务器上没有这个户", "no such household on the server")
REVISION_MOVED = Msg(
    "普查员已上传该户的新版本（第 {server} 版），您审核的是第 {yours} 版：请重新查看后再决定，"
    "本次决定未保存。",
    "The enumerator has uploaded a newer revision ({server}) of this household than the one "
    "you reviewed ({yours}): look at it again, then decide. Nothing was stored.",
)
REUSED = Msg(
    "这个编号已用于另一个内容不同的请求，未保存。",
    "This id was already used for a request with other content; nothing was stored.",
)
NEED_COMMENT = Msg("退回须写明原因", "a return needs a comment")
BAD_FIELD = Msg("请求格式错误：{field}", "malformed request: {field}")
BAD_STALE = Msg(
    "stale_hours 须为 1 到 8760 之间的整数", "stale_hours must be a whole number from 1 to 8760"
)


# -- reading bodies ----------------------------------------------------------------------------
Check = Callable[[Any], bool]


def _is_int(lo: int, hi: int) -> Check:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


def _is_str(lo: int, hi: int) -> Check:
    return lambda v: isinstance(v, str) and lo <= len(v) <= hi


def _is_uuid(v: Any) -> bool:
    return isinstance(v, str) and bool(_UUID.match(v))


def _is_percent(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 100


def _is_year_month(v: Any) -> bool:
    return (
        isinstance(v, str)
        and len(v) == 7
        and v[4] == "-"
        and ascii_digits(v[:4])
        and ascii_digits(v[5:])
    )


def _bad(name: str, names: Iterable[str]) -> Refused:
    return Refused(400, "bad_request", BAD_FIELD.format(field=name), fields=sorted(names))


def _fields(body: Any, required: dict[str, Check], optional: dict[str, Check]) -> dict[str, Any]:
    """``body`` as an object with exactly these fields, each passing its check (400 naming
    the field otherwise); text with a NUL or a lone surrogate is 422 ``bad_text``."""
    names = {*required, *optional}
    if not isinstance(body, dict):
        raise _bad("body", names)
    unknown = sorted(set(body) - names)
    if unknown:
        raise _bad(unknown[0][:40], names)
    for name, check in {**required, **optional}.items():
        if name not in body:
            if name in required:
                raise _bad(name, names)
            continue
        if not check(body[name]):
            raise _bad(name, names)
    if not clean_text(body):
        raise Refused(
            422, "bad_text", Msg("文字中含有无效字符", "the text contains an invalid character")
        )
    return body


def _list_of(check: Check, most: int, least: int = 0) -> Check:
    return lambda v: isinstance(v, list) and least <= len(v) <= most and all(check(x) for x in v)


def _return_item(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and set(v) == {"person_uuid", "item_id"}
        and _is_str(0, 64)(v["person_uuid"])
        and _is_str(1, 16)(v["item_id"])
        and v["item_id"].isascii()
        and v["item_id"].isalnum()
    )


_REVISIT_PERSON: dict[str, Check] = {
    "D1": _is_str(1, 64),
    "D2": _is_int(0, 99),
    "D3": _is_str(0, 32),
    "D4": _is_int(0, 9),
    "D5": _is_year_month,
}


def _revisit_person(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and set(v) <= set(_REVISIT_PERSON)
        and all(_REVISIT_PERSON[k](x) for k, x in v.items())
    )


def _case_uuid(request: Request) -> str:
    case = str(request.path_params["case_uuid"])
    if not _is_uuid(case):
        raise Refused(404, "no_case", NO_CASE)
    return case


def _stale_hours(request: Request) -> int:
    raw = request.query_params.get("stale_hours")
    if raw is None:
        return DEFAULT_STALE_HOURS
    if not ascii_digits(raw) or len(raw) > 4 or not 1 <= int(raw) <= MAX_STALE_HOURS:
        raise Refused(400, "bad_parameter", BAD_STALE)
    return int(raw)


async def _supervisor(request: Request) -> Account:
    return await _account(request, role=SUPERVISOR)


def _written(w: Written, created: Callable[[dict[str, Any]], dict[str, Any]]) -> Response:
    """The answer to an idempotent write (``created`` completes a stored answer)."""
    if w.status in ("stored", "duplicate"):
        body = {"status": w.status, **created(w.answer)}
        return answer(body, status=201 if w.status == "stored" else 200)
    if w.status == "missing":
        raise Refused(404, "no_case", NO_CASE)
    if w.status == "forbidden":
        raise Refused(403, "not_in_scope", NOT_IN_SCOPE)
    raise Refused(409, "id_reused", REUSED)


# -- views of the data (run in a worker thread) -----------------------------------------------
def _doc(payload: str) -> dict[str, Any]:
    try:
        doc = json.loads(payload)
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def _persons(doc: dict[str, Any]) -> list[str]:
    """Person UUIDs in read-back order (number = index + 1)."""
    raw = doc.get("persons")
    persons = [p for p in raw if isinstance(p, dict)] if isinstance(raw, list) else []
    persons.sort(key=lambda p: p["position"] if isinstance(p.get("position"), int) else 0)
    return [str(p.get("uuid", "")) for p in persons]


def _flags(text: str) -> list[str]:
    return [f for f in text.split(",") if f]


def _case_states(data: AreaData) -> dict[str, str]:
    """Each case's review state: ``uploaded`` (waiting), ``returned`` or ``approved`` (the last
    decision on its latest revision)."""
    last: dict[str, tuple[int, str]] = {}
    for r in data.reviews:
        last[str(r["case_uuid"])] = (int(r["revision"]), str(r["action"]))
    out: dict[str, str] = {}
    for h in data.households:
        decided = last.get(str(h["case_uuid"]))
        ok = decided is not None and decided[0] == int(h["revision"])
        out[str(h["case_uuid"])] = decided[1] if ok and decided else "uploaded"
    return out


def _scope_answer(db: Storage, sup: str) -> dict[str, Any]:
    sc = db.scope(sup)
    names = db.area_names(sorted(sc.areas))
    return {
        "account": sup,
        "enumerators": [
            {"account": a, "name": n, "work_id": w, "areas": sc.areas_of(a)}
            for a, n, w in sc.enumerators
        ],
        "areas": [
            {"area_id": a, "name": names.get(a, ""), "enumerators": sorted(who)}
            for a, who in sorted(sc.areas.items())
        ],
    }


def _visited(row: Row) -> tuple[str, str]:
    """When a visit outcome happened: the device's ``at``, then when the server got it."""
    at = _doc(str(row["payload"])).get("at")
    return (at if isinstance(at, str) else "", str(row["received"]))


def _tally(
    dwellings: dict[str, str], cases: dict[str, list[str]], persons: dict[str, int]
) -> dict[str, Any]:
    """Counts of one area or enumerator: ``dwellings`` id -> state, ``cases`` id -> its cases,
    ``persons`` case -> persons."""
    counts = Counter(dwellings.values())
    all_cases = [c for d in dwellings for c in cases.get(d, [])]
    return {
        "counts": {"dwellings": len(dwellings), **{s: counts.get(s, 0) for s in STATES}},
        "households": len(all_cases),
        "persons": sum(persons.get(c, 0) for c in all_cases),
    }


def _progress(db: Storage, sup: str, stale_hours: int) -> dict[str, Any]:
    sc = db.scope(sup)
    data = db.area_data(sorted(sc.areas))
    now = db.clock.now()
    syncs = db.sync_times([a for a, _, _ in sc.enumerators])
    states = _case_states(data)
    area_of: dict[str, str] = {}
    forms: dict[str, str | None] = {}
    tracked = False
    for d in data.dwellings:
        area_of[str(d["dwelling_id"])] = str(d["area_id"])
        if "form_id" in d.keys():  # noqa: SIM118 (a Row is a tuple: `in` reads values)
            tracked = True
            forms[str(d["dwelling_id"])] = str(d["form_id"])
    cases: dict[str, list[str]] = {}
    persons: dict[str, int] = {}
    for h in data.households:
        dw = str(h["dwelling_id"])
        area_of.setdefault(dw, str(h["area_id"]))  # a dwelling found on site
        cases.setdefault(dw, []).append(str(h["case_uuid"]))
        persons[str(h["case_uuid"])] = len(_persons(_doc(str(h["payload"]))))
    marks = es.progress_marks(db.area_events(sorted(sc.areas)))
    visits = dict(marks.last_visit)  # dwelling -> (device time, kind); the last one counts
    for o in sorted(data.outcomes, key=_visited):
        seen = _visited(o)[0]
        if seen >= visits.get(str(o["dwelling_id"]), ("", ""))[0]:
            visits[str(o["dwelling_id"])] = (seen, str(o["kind"]))
        area_of.setdefault(str(o["dwelling_id"]), str(o["area_id"]))
    for dw, area in marks.area_of.items():
        area_of.setdefault(dw, area)
    state: dict[str, str] = {}
    for dw in area_of:
        mine = [states[c] for c in cases.get(dw, [])]
        if mine:
            state[dw] = next((s for s in ("returned", "uploaded") if s in mine), "approved")
        elif dw in marks.in_progress:
            state[dw] = "in_progress"
        else:
            state[dw] = visits.get(dw, ("", "to_visit"))[1]

    def block(areas: Iterable[str]) -> dict[str, Any]:
        wanted = set(areas)
        dws = {d: s for d, s in state.items() if area_of[d] in wanted}
        long = [d for d in dws if forms.get(d) == LONG_FORM]
        done = [d for d in long if dws[d] in ("uploaded", "returned", "approved")]
        return {**_tally(dws, cases, persons), "long_form": {"due": len(long), "done": len(done)}}

    enumerators = []
    for account, name, work_id in sc.enumerators:
        at = syncs.get(account)
        stale = at is None or now.timestamp() - at > stale_hours * 3600
        enumerators.append(
            {
                "account": account,
                "name": name,
                "work_id": work_id,
                "areas": sc.areas_of(account),
                "last_sync": None if at is None else iso(datetime.fromtimestamp(at, UTC)),
                "stale": stale,
                **block(sc.areas_of(account)),
            }
        )
    areas = [
        {
            "area_id": a,
            "name": data.names.get(a, ""),
            "enumerators": sorted(who),
            **block([a]),
        }
        for a, who in sorted(sc.areas.items())
    ]
    return {
        "server_time": iso(now),
        "stale_hours": stale_hours,
        "long_form_tracked": tracked,
        "enumerators": enumerators,
        "areas": areas,
    }


def _confirmations(doc: dict[str, Any], numbers: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for c in doc.get("confirmations") or []:
        if isinstance(c, dict):
            who = str(c.get("person_uuid", ""))
            out.append(
                {
                    "rule_id": str(c.get("rule_id", "")),
                    "person_uuid": who,
                    "number": numbers.get(who),
                    "reason": str(c.get("reason", "")),
                }
            )
    return out


def _queue(db: Storage, sup: str) -> dict[str, Any]:
    sc = db.scope(sup)
    data = db.area_data(sorted(sc.areas), outcomes=False)
    states = _case_states(data)
    returned_before = {str(r["case_uuid"]) for r in data.reviews if r["action"] == "returned"}
    addresses = {str(d["dwelling_id"]): str(d["address"]) for d in data.dwellings}
    entries = []
    for h in data.households:
        case = str(h["case_uuid"])
        if states[case] != "uploaded":
            continue
        doc = _doc(str(h["payload"]))
        uuids = _persons(doc)
        numbers = {u: i for i, u in enumerate(uuids, start=1)}
        entries.append(
            {
                "case_uuid": case,
                "revision": int(h["revision"]),
                "area_id": str(h["area_id"]),
                "dwelling_id": str(h["dwelling_id"]),
                "address": addresses.get(str(h["dwelling_id"]), ""),
                "account": str(h["account"]),
                "received": str(h["received"]),
                "flagged": bool(h["flagged"]),
                "flags": _flags(str(h["flags"])),
                "form_id": str(doc.get("form_id", "short2020")),
                "persons": len(uuids),
                "confirmations": _confirmations(doc, numbers),
                "returned_before": case in returned_before,
            }
        )
    entries.sort(key=lambda e: (not e["flagged"], e["received"], e["case_uuid"]))
    return {"server_time": iso(db.clock.now()), "cases": entries}


def _in_scope(db: Storage, sup: str, case: str) -> str:
    """The case's area when it is in the supervisor's scope (404 / 403 otherwise)."""
    area = db.case_area(case)
    if area is None:
        raise Refused(404, "no_case", NO_CASE)
    if area not in db.scope(sup).areas:
        raise Refused(403, "not_in_scope", NOT_IN_SCOPE)
    return area


def _findings(doc: dict[str, Any], others: list[str]) -> list[dict[str, Any]]:
    """The logic checks run again on the revision, with the area's other households' ID
    numbers (P-06, possible double registration): each finding with ``error``, ``confirmed``
    (a current confirmation with a reason) or ``unconfirmed``."""
    from census_tui.validation.engine import check_household, completion_status
    from census_tui.validation.household_json import from_json

    ids: set[str] = set()
    for payload in others:
        for p in _doc(payload).get("persons") or []:
            value = p.get("answers", {}).get("D3") if isinstance(p, dict) else None
            if isinstance(value, str) and len(value) == 18:
                ids.add(value)
    try:
        household = from_json(doc)
    except (BadInput, ValueError, KeyError, TypeError):
        return []
    status = completion_status(
        household, check_household(household, area_id_numbers=frozenset(ids))
    )
    groups = (("error", status.errors), ("unconfirmed", status.unconfirmed))
    out = [{**f.to_dict(), "status": s} for s, found in groups for f in found]
    out += [{**f.to_dict(), "status": "confirmed"} for f in status.confirmed]
    return out


def _attempt(row: Row) -> dict[str, Any]:
    return visit_outcome(row)  # as a moved case's history shows it too


def _case(db: Storage, sup: str, case: str) -> dict[str, Any]:
    area = _in_scope(db, sup, case)
    rows = db.case_rows(case)
    latest = rows["revisions"][0]
    doc = _doc(str(latest["payload"]))
    uuids = _persons(doc)
    reviews = rows["reviews"]
    last = reviews[-1] if reviews else None
    decided = last is not None and int(last["revision"]) == int(latest["revision"])
    dwelling = rows["dwelling"]
    return {
        "case_uuid": case,
        "area_id": area,
        "dwelling_id": str(latest["dwelling_id"]),
        "address": str(dwelling[0]["address"]) if dwelling else "",
        "account": str(latest["account"]),
        "revision": int(latest["revision"]),
        "received": str(latest["received"]),
        "flagged": bool(latest["flagged"]),
        "flags": _flags(str(latest["flags"])),
        "state": str(last["action"]) if decided and last is not None else "uploaded",
        "household": doc,
        "persons": [{"number": i, "person_uuid": u} for i, u in enumerate(uuids, start=1)],
        "findings": _findings(doc, db.area_payloads(area, besides=case)),
        "confirmations": list(doc.get("confirmations") or []),
        "notes": list(doc.get("notes") or []),
        "read_back": doc.get("read_back"),
        "revisions": [
            {
                "revision": int(r["revision"]),
                "received": str(r["received"]),
                "flagged": bool(r["flagged"]),
                "flags": _flags(str(r["flags"])),
            }
            for r in rows["revisions"]
        ],
        "reviews": [
            {
                "revision": int(r["revision"]),
                "action": str(r["action"]),
                "comment": str(r["comment"]),
                "by": str(r["by"]),
                "at": str(r["at"]),
                "items": Storage.review_items(r),
            }
            for r in reviews
        ],
        "revisits": [
            {
                "revisit_uuid": str(r["revisit_uuid"]),
                "supervisor": str(r["supervisor"]),
                "revision": int(r["revision"]),
                "at": str(r["at"]),
                "differences": len(_doc(str(r["answer"])).get("differences") or []),
            }
            for r in rows["revisits"]
        ],
        "attempts": [_attempt(r) for r in rows["outcomes"]],
        **es.case_history(db.dwelling_events(str(latest["dwelling_id"])), case),
    }


def _form_of(form_id: str) -> Any:
    from census_tui.questionnaire.form import load_form
    from census_tui.validation.view import household_form

    return household_form(form_id) or load_form()


# -- routes -------------------------------------------------------------------------------------
@_guard
async def scope(request: Request) -> Response:
    db, acc = _db(request), await _supervisor(request)
    return answer(await run_in_threadpool(_scope_answer, db, acc.account))


@_guard
async def progress(request: Request) -> Response:
    db, acc = _db(request), await _supervisor(request)
    hours = _stale_hours(request)
    return answer(await run_in_threadpool(_progress, db, acc.account, hours))


@_guard
async def queue(request: Request) -> Response:
    db, acc = _db(request), await _supervisor(request)
    return answer(await run_in_threadpool(_queue, db, acc.account))


@_guard
async def case_view(request: Request) -> Response:
    db, acc = _db(request), await _supervisor(request)
    case = _case_uuid(request)
    return answer(await run_in_threadpool(_case, db, acc.account, case))


async def _decision(request: Request, action: str) -> Response:
    db, acc = _db(request), await _supervisor(request)
    case = _case_uuid(request)
    body = await read_json(request, limit=BODY_LIMIT)
    required: dict[str, Check] = {
        "decision_uuid": _is_uuid,
        "revision": _is_int(0, MAX_REVISION),
    }
    optional: dict[str, Check] = {}
    if action == "returned":
        required["comment"] = _is_str(1, MAX_COMMENT)
        optional["items"] = _list_of(_return_item, rv.MAX_ITEMS)
    else:
        optional["comment"] = _is_str(0, MAX_COMMENT)
    d = _fields(body, required, optional)
    comment = str(d.get("comment", ""))
    if action == "returned" and not comment.strip():
        raise Refused(422, "comment_required", NEED_COMMENT)
    pairs = [(str(i["person_uuid"]), str(i["item_id"])) for i in d.get("items", [])]

    def items(payload: str, form_id: str) -> list[tuple[str, str]]:
        return rv.check_items(pairs, rv.person_uuids(payload), _form_of(form_id))

    request_digest = digest({"by": acc.account, "case": case, "action": action, **d})
    try:
        written = await run_in_threadpool(
            lambda: db.decide(
                supervisor=acc.account,
                decision_uuid=str(d["decision_uuid"]),
                case_uuid=case,
                revision=int(d["revision"]),
                action=action,
                comment=comment,
                items=items,
                request_digest=request_digest,
            )
        )
    except rv.BadReview as bad:
        raise Refused(422, "bad_items", bad.msg) from None
    if written.status == "moved":
        raise Refused(
            409,
            "revision_moved",
            REVISION_MOVED.format(server=written.server_revision, yours=d["revision"]),
            server_revision=written.server_revision,
        )
    return _written(written, lambda a: a)


@_guard
async def approve(request: Request) -> Response:
    return await _decision(request, "approved")


@_guard
async def return_(request: Request) -> Response:
    return await _decision(request, "returned")


def _with_revisited(db: Storage, sup: str, samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    done = db.revisited(sup)
    return [
        {**s, "cases": [{**c, "revisited": c["case_uuid"] in done} for c in s["cases"]]}
        for s in samples
    ]


def _draw(
    db: Storage, d: dict[str, Any], areas: list[str], seed: int
) -> Callable[[AreaData], dict[str, Any]]:
    """What ``store_sample`` calls inside its transaction: the draw and the sample's answer."""
    percent = Fraction(str(d["percent"])) if "percent" in d else None
    count = d.get("count")

    def make(data: AreaData) -> dict[str, Any]:
        frames: dict[str, list[str]] = {a: [] for a in areas}
        rows = {str(h["case_uuid"]): h for h in data.households}
        for case, h in rows.items():
            frames[str(h["area_id"])].append(case)
        drawn = spotcheck.draw(frames, seed, percent=percent, count=count)
        addresses = {str(r["dwelling_id"]): str(r["address"]) for r in data.dwellings}
        cases = [
            {
                "case_uuid": c,
                "area_id": a,
                "dwelling_id": str(rows[c]["dwelling_id"]),
                "address": addresses.get(str(rows[c]["dwelling_id"]), ""),
                "revision": int(rows[c]["revision"]),
            }
            for a, chosen in drawn.items()
            for c in chosen
        ]
        return {
            "sample_uuid": str(d["sample_uuid"]),
            "seed": seed,
            "created": iso(db.clock.now()),
            "percent": d.get("percent"),
            "count": count,
            "areas": [
                {"area_id": a, "completed": len(frames[a]), "drawn": len(drawn[a])}
                for a in sorted(frames)
            ],
            "cases": cases,
        }

    return make


def _sample(db: Storage, sup: str, d: dict[str, Any]) -> Written:
    in_scope = db.scope(sup).areas
    wanted = sorted(set(d.get("area_ids") or in_scope))
    if any(a not in in_scope for a in wanted):
        raise Refused(403, "not_in_scope", NOT_IN_SCOPE)
    seed = d["seed"] if "seed" in d else secrets.randbelow(spotcheck.MAX_SEED + 1)
    try:
        written = db.store_sample(
            supervisor=sup,
            sample_uuid=str(d["sample_uuid"]),
            request_digest=digest({"by": sup, **d}),
            area_ids=wanted,
            make=_draw(db, d, wanted, seed),
        )
    except spotcheck.SampleTooLarge as big:
        raise Refused(422, "sample_too_large", big.msg) from None
    except BadInput as empty:
        raise Refused(422, "empty_sample", empty.msg) from None
    if written.status in ("stored", "duplicate"):
        return Written(written.status, _with_revisited(db, sup, [written.answer])[0])
    return written


@_guard
async def sample(request: Request) -> Response:
    db, acc = _db(request), await _supervisor(request)
    body = await read_json(request, limit=BODY_LIMIT)
    d = _fields(
        body,
        {"sample_uuid": _is_uuid},
        {
            "area_ids": _list_of(_is_str(1, 64), MAX_AREAS, least=1),
            "percent": _is_percent,
            "count": _is_int(1, spotcheck.MAX_COUNT),
            "seed": _is_int(0, spotcheck.MAX_SEED),
        },
    )
    if ("percent" in d) == ("count" in d):
        raise _bad("percent", ["percent", "count"])
    written = await run_in_threadpool(_sample, db, acc.account, d)
    return _written(written, lambda a: a)


@_guard
async def samples(request: Request) -> Response:
    db, acc = _db(request), await _supervisor(request)

    def read() -> dict[str, Any]:
        return {"samples": _with_revisited(db, acc.account, db.samples_of(acc.account))}

    return answer(await run_in_threadpool(read))


def _revisit_answer(db: Storage, d: dict[str, Any]) -> Callable[[int, str], dict[str, Any]]:
    def make(revision: int, payload: str) -> dict[str, Any]:
        doc = _doc(payload)
        form = _form_of(str(doc.get("form_id", "short2020")))
        items = [i for i in KEY_ITEMS if form.has_item(i) and form.item(i).section == "person"]
        found = compare(doc, int(d["person_count"]), d["persons"], items=items)
        counts = form.person_count_items or DEFAULT_COUNT_ITEMS
        return {
            "revisit_uuid": str(d["revisit_uuid"]),
            "case_uuid": str(d["case_uuid"]),
            "revision": revision,
            "at": iso(db.clock.now()),
            "compared_items": list(found.compared_items),
            "differences": [x.to_dict() for x in found.differences],
            "return_items": [
                {"person_uuid": p, "item_id": i} for p, i in found.return_items(counts)
            ],
        }

    return make


@_guard
async def revisits(request: Request) -> Response:
    db, acc = _db(request), await _supervisor(request)
    body = await read_json(request, limit=BODY_LIMIT)
    d = _fields(
        body,
        {
            "revisit_uuid": _is_uuid,
            "case_uuid": _is_uuid,
            "person_count": _is_int(0, MAX_PERSONS),
            "persons": _list_of(_revisit_person, MAX_PERSONS),
        },
        {"note": _is_str(0, MAX_COMMENT)},
    )
    payload = json.dumps(d, ensure_ascii=False, sort_keys=True)
    written = await run_in_threadpool(
        lambda: db.store_revisit(
            supervisor=acc.account,
            revisit_uuid=str(d["revisit_uuid"]),
            case_uuid=str(d["case_uuid"]),
            request_digest=digest({"by": acc.account, **d}),
            payload=payload,
            make=_revisit_answer(db, d),
        )
    )
    return _written(written, lambda a: a)


ROUTES = [
    Route(f"{BASE}/scope", scope, methods=["GET"]),
    Route(f"{BASE}/progress", progress, methods=["GET"]),
    Route(f"{BASE}/queue", queue, methods=["GET"]),
    Route(f"{BASE}/cases/{{case_uuid}}", case_view, methods=["GET"]),
    Route(f"{BASE}/cases/{{case_uuid}}/approve", approve, methods=["POST"]),
    Route(f"{BASE}/cases/{{case_uuid}}/return", return_, methods=["POST"]),
    Route(f"{BASE}/sample", sample, methods=["POST"]),
    Route(f"{BASE}/samples", samples, methods=["GET"]),
    Route(f"{BASE}/revisits", revisits, methods=["POST"]),
]
