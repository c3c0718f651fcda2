"""The supervisor's allocation route: give dwellings (a list or a range) to one of their
enumerators, moving the dwellings' cases with them (docs/protocol.md "Moving work").

``POST /api/v1/supervisor/assign`` answers only a ready supervisor (403 ``wrong_role``
otherwise), within its scope: every dwelling in an area of its enumerators and the target one
of its enumerators (403 ``not_in_scope``, nothing stored). A dwelling not listed is 404
``no_dwelling``; a range whose ends are in different areas (or reversed) is 422 ``bad_range``.
When the server knows of work on the former holder's device it does not have
(``allocation_store.unsynced_reasons``), the move needs ``"confirm": true``: without it, 409
``unsynced_work`` naming the dwellings, accounts and reasons, nothing stored. Exactly once by
``assign_uuid`` like every supervisor write. The storage is ``allocation_store.py``.

``GET /api/v1/supervisor/dwellings?area_id=…`` lists one area of the caller's scope with who
holds each dwelling (``holder``: the one enumerator it was given to, null: the area's
enumerators) and its cases (owner, review state): what the assignment screen shows. The same
role and scope checks (403), a missing or malformed ``area_id`` is 400 ``bad_parameter``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from census_tui.clock import iso
from census_tui.i18n import Msg
from census_tui.server.allocation_store import Target
from census_tui.server.app import _db, _guard
from census_tui.server.storage import Storage
from census_tui.server.supervisor import (
    BASE,
    BODY_LIMIT,
    NOT_IN_SCOPE,
    Check,
    _case_states,
    _fields,
    _is_str,
    _is_uuid,
    _list_of,
    _supervisor,
    _written,
)
from census_tui.server.supervisor_store import Written, digest
from census_tui.server.wire import Refused, answer, read_json

MAX_DWELLINGS = 1000
"""Dwellings one allocation may name (a range may cover at most as many)."""

NO_DWELLING = Msg("没有这个住户（建筑物）：{dwelling}", "no such dwelling: {dwelling}")
BAD_RANGE = Msg(
    "范围的首尾须在同一普查小区、按编号先小后大，且不超过 {most} 户",
    "a range's ends must be in one area, the first not after the last, at most {most} dwellings",
)
UNSYNCED = Msg(
    "普查员设备上可能有尚未上传的工作（{reasons}）：移交后这些工作无法再上传。确认移交请加"
    " confirm（命令行 --confirm），或先让普查员同步。未保存。",
    "The enumerator's device may hold work not yet uploaded ({reasons}): after the move it can"
    " no longer be uploaded. Confirm the move (confirm, --confirm on the command line), or"
    " have the enumerator sync first. Nothing was stored.",
)
REASON_WORDS = {
    "returned_not_uploaded": Msg("退回后未再上传", "returned, not uploaded again"),
    "visit_after_upload": Msg("上传后又有走访记录", "a visit reported after the upload"),
}


BAD_AREA = Msg("须给出 area_id(普查小区编号)", "give area_id (an enumeration area's id)")


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


def _dwelling_ids(db: Storage, d: dict[str, Any]) -> list[str]:
    """The dwellings the request names: its list, or the range ``first``..``last`` (inclusive,
    in code-point order) of the first one's area."""
    if "dwelling_ids" in d:
        return list(dict.fromkeys(str(x) for x in d["dwelling_ids"]))
    first, last = str(d["first"]), str(d["last"])
    ends = {x: db.dwelling_place(x) for x in (first, last)}
    for x, place in ends.items():
        if place is None:
            raise Refused(404, "no_dwelling", NO_DWELLING.format(dwelling=x[:64]))
    area, other = ends[first], ends[last]
    if area is None or other is None or area[0] != other[0] or first > last:
        raise Refused(422, "bad_range", BAD_RANGE.format(most=MAX_DWELLINGS))
    chosen = [x for x in db.area_dwelling_ids(area[0]) if first <= x <= last]
    if len(chosen) > MAX_DWELLINGS:
        raise Refused(422, "bad_range", BAD_RANGE.format(most=MAX_DWELLINGS))
    return chosen


def _allocate(db: Storage, sup: str, d: dict[str, Any]) -> Written:
    sc = db.scope(sup)
    to = str(d["to"])
    if to not in {a for a, _, _ in sc.enumerators}:
        raise Refused(403, "not_in_scope", NOT_IN_SCOPE)
    wanted = _dwelling_ids(db, d)

    def allowed(x: Target) -> bool:
        return x.area_id in sc.areas

    written = db.allocate(
        supervisor=sup,
        assign_uuid=str(d["assign_uuid"]),
        request_digest=digest({"by": sup, "kind": "assign", **d}),
        dwelling_ids=wanted,
        to=to,
        confirm=bool(d.get("confirm", False)),
        allowed=allowed,
    )
    if written.status == "missing":
        raise Refused(
            404, "no_dwelling", NO_DWELLING.format(dwelling=written.answer["dwelling_id"][:64])
        )
    if written.status == "unsynced":
        blocked = written.answer["unsynced"]
        codes = sorted({r for b in blocked for r in b["reasons"]})
        words = [REASON_WORDS.get(c, Msg(c, c)) for c in codes]
        msg = Msg(
            UNSYNCED.zh.format(reasons="；".join(w.zh for w in words)),
            UNSYNCED.en.format(reasons="; ".join(w.en for w in words)),
        )
        raise Refused(409, "unsynced_work", msg, unsynced=blocked)
    return written


@_guard
async def assign(request: Request) -> Response:
    db, acc = _db(request), await _supervisor(request)
    body = await read_json(request, limit=BODY_LIMIT)
    optional: dict[str, Check] = {
        "dwelling_ids": _list_of(_is_str(1, 64), MAX_DWELLINGS, least=1),
        "first": _is_str(1, 64),
        "last": _is_str(1, 64),
        "confirm": _bool,
    }
    d = _fields(body, {"assign_uuid": _is_uuid, "to": _is_str(1, 64)}, optional)
    as_range = "first" in d or "last" in d
    if as_range == ("dwelling_ids" in d) or as_range != ("first" in d and "last" in d):
        raise Refused(
            400,
            "bad_request",
            Msg("须给出 dwelling_ids 或 first 与 last", "give dwelling_ids, or first and last"),
            fields=sorted(["assign_uuid", "to", *optional]),
        )
    written = await run_in_threadpool(_allocate, db, acc.account, d)
    return _written(written, lambda a: a)


def _area_dwellings(db: Storage, sup: str, area_id: str) -> dict[str, Any]:
    """One area of the supervisor's scope: its dwellings, who holds each, and their cases."""
    sc = db.scope(sup)
    if area_id not in sc.areas:
        raise Refused(403, "not_in_scope", NOT_IN_SCOPE)
    data = db.area_data([area_id], outcomes=False)
    states = _case_states(data)
    owners = db.case_owners(area_id)
    cases: dict[str, list[dict[str, Any]]] = {}
    for h in data.households:
        case = str(h["case_uuid"])
        cases.setdefault(str(h["dwelling_id"]), []).append(
            {
                "case_uuid": case,
                "account": owners.get(case, str(h["account"])),
                "state": states[case],
            }
        )
    return {
        "server_time": iso(db.clock.now()),
        "area_id": area_id,
        "name": data.names.get(area_id, ""),
        "enumerators": sorted(sc.areas[area_id]),
        "dwellings": [
            {
                "dwelling_id": str(d["dwelling_id"]),
                "address": str(d["address"]),
                "area_id": area_id,
                "holder": None if d["assigned_to"] is None else str(d["assigned_to"]),
                "cases": sorted(cases.get(str(d["dwelling_id"]), []), key=lambda c: c["case_uuid"]),
            }
            for d in data.dwellings
        ],
    }


@_guard
async def dwellings(request: Request) -> Response:
    db, acc = _db(request), await _supervisor(request)
    area_id = request.query_params.get("area_id", "")
    if not _is_str(1, 64)(area_id):
        raise Refused(400, "bad_parameter", BAD_AREA)
    return answer(await run_in_threadpool(_area_dwellings, db, acc.account, area_id))


ROUTES = [
    Route(f"{BASE}/assign", assign, methods=["POST"]),
    Route(f"{BASE}/dwellings", dwellings, methods=["GET"]),
]
