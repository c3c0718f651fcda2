"""The Starlette application of the reference server (routes of ``docs/protocol.md``).

Handlers are thin: parse and authorise here, store through :class:`Storage`. The rules of
authorisation: the enumerator routes answer only accounts of the enumerator role; an enumerator
reads and writes only the areas assigned to them, and only the cases they uploaded first (403
otherwise). The supervisor's routes (``supervisor.py``, added by :func:`make_app`) answer only
the supervisor role, within its scope. The token is checked before a body is read; logins are
throttled per account and per client address (429 with ``Retry-After``), counted in the
database (``throttle.py``) so that every worker process shares the limits. The identity-code
check (``verify.py``) is open, like ``/time`` and ``/info``: it answers anyone, throttled per
client address.

The event loop never waits on the database: every storage call runs in a worker thread
(``run_in_threadpool``), one call per request where it can (a request's reads together), and
request bodies are inflated and parsed off the loop too (``wire.read_json``). When the database
cannot be reached (PostgreSQL restarting), the request fails as a whole with 503 and
``Retry-After``; nothing of it is stored, and the device retries.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from census_tui.clock import iso
from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.server import checks, verify
from census_tui.server.accounts import KDF_SLOTS, password_acceptable
from census_tui.server.openapi import OPENAPI
from census_tui.server.storage import (
    MAX_REVISION_STEP,
    Account,
    BadText,
    Storage,
    StorageUnavailable,
    StoreResult,
    Tx,
    Upload,
)
from census_tui.server.throttle import ACCOUNT_FAILS as ACCOUNT_FAILS  # the limits, for tests
from census_tui.server.throttle import ADDRESS_FAILS as ADDRESS_FAILS
from census_tui.server.throttle import FAIL_WINDOW as FAIL_WINDOW
from census_tui.server.throttle import Throttle, by_account, by_address
from census_tui.server.wire import (
    SMALL_BODY,
    Refused,
    answer,
    ascii_digits,
    clean_text,
    read_json,
)
from census_tui.sync.card_code import encode_key
from census_tui.visit.outcomes import REPORTED_OUTCOMES

T = TypeVar("T")

API = "/api/v1"
API_VERSION = 1
MAX_BATCH = 500
OUTCOME_KINDS = tuple(sorted(o.value for o in REPORTED_OUTCOMES))
"""The visit outcomes a device reports to the supervisors (the set the client queues)."""

ENUMERATOR = "enumerator"
"""The role of the accounts the sync routes serve (``accounts.role``)."""
_NEW_DWELLING = re.compile(r"[A-Za-z0-9_]{1,32}")
"""The part after ``<area id>-`` of a dwelling found on site (ASCII letters, digits, ``_``)."""

Handler = Callable[[Request], Awaitable[Response]]


RETRY_AFTER = 5
"""Seconds a device waits before retrying when the database is unavailable (503)."""


def _guard(fn: Handler) -> Handler:
    """Turn :class:`Refused` into its 4xx answer, an unreachable database into 503."""

    async def wrapped(request: Request) -> Response:
        try:
            return await fn(request)
        except Refused as r:
            return r.response()
        except StorageUnavailable as exc:
            return Refused(
                503, "unavailable", exc.msg, headers={"Retry-After": str(RETRY_AFTER)}
            ).response()
        except BadText:
            return Refused(422, "bad_text", BAD_TEXT).response()

    return wrapped


def _db(request: Request) -> Storage:
    db: Storage = request.app.state.db
    return db


WRONG_ROLE = Msg("该账号无权使用此功能", "this account's role may not use this")


def _token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def _who(db: Storage, token: str, sync: bool) -> Account | None:
    """The token's account; on a sync route (``sync``) a ready enumerator's call is also
    recorded as its last sync (the supervisor's progress shows it)."""
    caller = db.caller(token)
    if caller is None:
        return None
    found, last_sync = caller
    if sync and found.verified and not found.must_change and found.role == ENUMERATOR:
        db.note_sync(found.account, last=last_sync)
    return found


async def _account(
    request: Request, *, ready: bool = True, role: str | None = ENUMERATOR
) -> Account:
    """The caller's account from the bearer token (an expired one is refused like an unknown
    one); ``ready`` also demands a finished first login, ``role`` the account's role."""
    token = _token(request)
    ok = 0 < len(token) <= 256
    sync = role == ENUMERATOR and ready
    found = await run_in_threadpool(_who, _db(request), token, sync) if ok else None
    if found is None:
        raise Refused(401, "unauthorized", Msg("请重新登录", "please log in again"))
    if role is not None and found.role != role:
        raise Refused(
            403, "wrong_role", Msg("该账号无权使用此功能", "not allowed for this account")
        )
    if ready and found.must_change:
        raise Refused(
            403,
            "password_change_required",
            Msg("须先修改初始密码", "change the initial password first"),
        )
    if ready and not found.verified:
        raise Refused(
            403,
            "verification_required",
            Msg("须先完成实名认证", "complete real-name verification first"),
        )
    return found


def _since(request: Request) -> int:
    raw = request.query_params.get("since", "0") or "0"
    if not ascii_digits(raw) or len(raw) > 18:
        raise Refused(400, "bad_cursor", Msg("游标无效", "invalid cursor"))
    return int(raw)


def _strings(body: Any, *names: str) -> list[str]:
    if not isinstance(body, dict):
        raise Refused(400, "bad_request", Msg("请求格式错误", "malformed request"))
    values = [body.get(n) for n in names]
    if set(body) - set(names):
        raise Refused(400, "bad_request", Msg("含有未知字段", "unknown fields"), fields=list(names))
    if not all(isinstance(v, str) and 0 < len(v) <= 256 for v in values):
        raise Refused(400, "bad_request", Msg("缺少字段", "missing fields"), fields=list(names))
    if not clean_text(values):
        raise Refused(422, "bad_text", BAD_TEXT, fields=list(names))
    return [str(v) for v in values]


BAD_TEXT = Msg("文字中含有无效字符", "the text contains an invalid character")
TOO_MANY = Msg("尝试次数过多，请稍后再试", "too many attempts; try again later")


def _throttled(wait: int) -> Refused:
    return Refused(429, "too_many_attempts", TOO_MANY, headers={"Retry-After": str(wait)})


def _address(request: Request) -> str:
    return request.client.host if request.client else "-"


def _throttle(request: Request) -> Throttle:
    """The failed-attempt limits, counted in the database (shared by every worker)."""
    throttle: Throttle = request.app.state.throttle
    return throttle


# -- open endpoints --------------------------------------------------------------------------
async def time_(request: Request) -> Response:
    return answer({"server_time": iso(_db(request).clock.now()), "api_version": API_VERSION})


@_guard
async def info(request: Request) -> Response:
    db = _db(request)
    training = await run_in_threadpool(lambda: db.training)
    return answer(
        {
            "api_version": API_VERSION,
            "training": training,
            "server_time": iso(db.clock.now()),
            "max_batch": MAX_BATCH,
        }
    )


async def openapi(request: Request) -> Response:
    return answer(OPENAPI)


async def _hashing(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn`` (which hashes a password) in the thread pool once one of the process's
    ``KDF_SLOTS`` is free: a burst of logins waits here, on the event loop, instead of holding
    the pool's threads while they wait for a hashing slot (other requests keep their threads)."""
    gate = request.app.state.kdf_gate
    if gate is None:  # made on the worker's own loop at first use
        gate = request.app.state.kdf_gate = asyncio.Semaphore(KDF_SLOTS)
    async with gate:
        return await run_in_threadpool(fn, *args)


@_guard
async def login(request: Request) -> Response:
    account, password = _strings(await read_json(request, limit=SMALL_BODY), "account", "password")
    db, throttle = _db(request), _throttle(request)
    key = by_account(account)
    attempt = await run_in_threadpool(throttle.begin, key, by_address(_address(request)))
    if attempt.wait:
        raise _throttled(attempt.wait)
    found = await _hashing(request, db.login, account, password)
    if found is None:
        await run_in_threadpool(throttle.failed, attempt)
        raise Refused(401, "bad_credentials", Msg("账号或密码错误", "wrong account or password"))
    await run_in_threadpool(lambda: throttle.forgive(attempt, clear=key))
    token, acc = found
    keys: verify.CardKeys = request.app.state.card_keys
    areas, training, public_key, card_key = await run_in_threadpool(
        lambda: (
            db.areas_of(acc.account),
            db.training,
            db.recovery_public_key(),
            keys.for_login(acc.account) if acc.role == ENUMERATOR else None,
        )
    )
    first = areas[0] if areas else None
    extra = {} if card_key is None else {"card_key": encode_key(card_key)}
    return answer(
        {
            **extra,
            "token": token,
            "account": acc.account,
            "must_change_password": acc.must_change,
            "verified": acc.verified,
            "training": training,
            "recovery_public_key": public_key,
            "role": acc.role,
            "card": {
                "name": acc.name,
                "work_id": acc.work_id,
                "area_id": first["area_id"] if first else "",
                "area_name": first["name"] if first else "",
                "issuing_office": acc.issuing_office,
                "valid_from": acc.valid_from,
                "valid_until": acc.valid_until,
            },
        }
    )


@_guard
async def logout(request: Request) -> Response:
    """End the caller's session: the token is refused from now on."""
    await _account(request, ready=False, role=None)
    await run_in_threadpool(_db(request).logout, _token(request))
    return answer({"ok": True})


@_guard
async def password(request: Request) -> Response:
    acc = await _account(request, ready=False, role=None)
    old, new = _strings(await read_json(request, limit=SMALL_BODY), "old_password", "new_password")
    if not password_acceptable(new) or new == old:
        raise Refused(
            422,
            "weak_password",
            Msg(
                "新密码至少 8 位，须含字母和数字，且不同于旧密码",
                "the new password needs 8+ characters with letters and digits, unlike the old",
            ),
        )
    throttle, key = _throttle(request), by_account(acc.account)
    attempt = await run_in_threadpool(throttle.begin, key)
    if attempt.wait:
        raise _throttled(attempt.wait)
    db, token = _db(request), _token(request)
    if not await _hashing(request, lambda: db.change_password(acc.account, old, new, keep=token)):
        raise Refused(401, "bad_credentials", Msg("原密码错误", "wrong current password"))
    await run_in_threadpool(lambda: throttle.forgive(attempt, clear=key))
    return answer({"ok": True})


@_guard
async def verify_real_name(request: Request) -> Response:
    acc = await _account(request, ready=False, role=None)
    name, id_number = _strings(await read_json(request, limit=SMALL_BODY), "name", "id_number")
    throttle = _throttle(request)
    attempt = await run_in_threadpool(throttle.begin, by_account(acc.account))
    if attempt.wait:
        raise _throttled(attempt.wait)  # ID numbers are not guessed either
    if not await run_in_threadpool(_db(request).verify_real_name, acc.account, name, id_number):
        raise Refused(
            422,
            "verification_failed",
            Msg("实名信息与账号登记不符", "name and ID number do not match the account"),
        )
    await run_in_threadpool(throttle.forgive, attempt)
    return answer({"verified": True})


# -- the open identity-code check (server/verify.py) ------------------------------------------
@_guard
async def card_check(request: Request) -> Response:
    """Does a code match a current enumerator card? JSON, or a page for a browser."""
    db, throttle = _db(request), _throttle(request)
    keys: verify.CardKeys = request.app.state.card_keys
    page = verify.wants_html(request.headers.get("accept", ""))
    try:
        work_id, code = verify.parse(request.query_params)
        checked, training = await run_in_threadpool(
            lambda: (
                verify.check(db, keys, throttle, _address(request), work_id, code),
                db.training if page else False,
            )
        )
        if checked.wait:
            raise verify.throttled(checked.wait)
    except Refused as refused:
        if not page:
            raise
        training = await run_in_threadpool(lambda: db.training)
        return verify.refused_page(refused, training=training)
    return verify.page(checked, training=training) if page else verify.json_answer(checked)


# -- the enumerator's area -------------------------------------------------------------------
def _own_areas(db: Storage, acc: Account) -> list[str]:
    return [str(r["area_id"]) for r in db.areas_of(acc.account)]


def _assignments(db: Storage, acc: Account, since: int) -> dict[str, Any]:
    """The answer of ``GET /assignments`` (in a worker thread). The cursor is read first: every
    row up to it is committed, later ones may come again next time (devices take them twice)."""
    cursor = db.current_seq()
    rows = db.areas_of(acc.account)
    areas = [
        {"area_id": r["area_id"], "name": r["name"], "training": bool(r["training"])}
        for r in rows
        if r["seq"] > since
    ]
    own = [str(r["area_id"]) for r in rows]
    # dwellings given to one enumerator (server/allocation_store.py): the caller's own, those
    # moved away since the cursor, and the cases that came with them (docs/protocol.md)
    got = db.handover(acc.account, own, since)
    areas += [
        {"area_id": r["area_id"], "name": r["name"], "training": bool(r["training"])}
        for r in got.foreign_areas
    ]
    cases = [c for c in (db.case_export(u) for u in got.cases) if c is not None]
    answer: dict[str, Any] = {
        "cursor": str(cursor),
        "areas": areas,
        "dwellings": [_dwelling(r) for r in got.dwellings],
        "withdrawn": got.withdrawn,
        "cases": cases,
    }
    # the visit events of dwellings given to the caller with no case of theirs (optional)
    histories = db.dwelling_histories(acc.account, got.dwellings)
    return answer | ({"histories": histories} if histories else {})


@_guard
async def assignments(request: Request) -> Response:
    db, acc = _db(request), await _account(request)
    since = _since(request)
    return answer(await run_in_threadpool(_assignments, db, acc, since))


def _dwelling(r: Any) -> dict[str, Any]:
    fields = ("dwelling_id", "area_id", "address", "kind", "note", "form_id")
    return {k: r[k] for k in fields}


def _area_dwellings(db: Storage, acc: Account, area: str) -> list[dict[str, Any]] | None:
    if area not in _own_areas(db, acc):
        return None
    rows = db.dwellings_since([area], 0)
    return [_dwelling(r) for r in rows if r["assigned_to"] in (None, acc.account)]


@_guard
async def area_dwellings(request: Request) -> Response:
    db, acc = _db(request), await _account(request)
    area = request.path_params["area_id"]
    dwellings = await run_in_threadpool(_area_dwellings, db, acc, area)
    if dwellings is None:
        raise Refused(403, "forbidden", Msg("不是您的普查小区", "not your enumeration area"))
    return answer({"dwellings": dwellings})


def _returns(db: Storage, acc: Account, since: int) -> dict[str, Any]:
    """The answer of ``GET /returns`` (in a worker thread; the cursor first, as above)."""
    cursor = db.current_seq()
    rows = db.reviews_of_owner(acc.account, since)  # the caller's cases, wherever they are
    items = [
        {
            **{k: r[k] for k in ("case_uuid", "revision", "action", "comment", "at")},
            "items": Storage.review_items(r),
        }
        for r in rows
    ]
    return {"cursor": str(cursor), "returns": items}


@_guard
async def returns(request: Request) -> Response:
    db, acc = _db(request), await _account(request)
    since = _since(request)
    return answer(await run_in_threadpool(_returns, db, acc, since))


# -- uploads ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Caller:
    """Who uploads, read once before a batch's transaction: the account, its areas, and
    whether this is a training server."""

    acc: Account
    own: list[str]
    training: bool
    clock_offset: int | None = None
    """The device's clock offset sent with the upload (``X-Clock-Offset``), stored per row."""


CLOCK_OFFSET = re.compile(r"[+-]?[0-9]{1,10}")
"""``X-Clock-Offset``: server minus device time in whole seconds, signed (docs/protocol.md)."""


def _clock_offset(request: Request) -> int | None:
    """The device's clock offset sent with an upload (None: an older client sent none); a
    malformed one is 400, nothing stored."""
    raw = request.headers.get("x-clock-offset")
    if raw is None:
        return None
    if not CLOCK_OFFSET.fullmatch(raw.strip()):
        raise Refused(
            400, "bad_clock_offset", Msg("X-Clock-Offset 格式错误", "malformed X-Clock-Offset")
        )
    return int(raw)


APART = "training data and real data are kept apart"
"""Why a training item is refused on a real server, and a real one on a training server."""


def _no(base: dict[str, Any], status: str, code: int, reason: str) -> dict[str, Any]:
    """An item's refusal in a batch's answer: its ids, what became of it, the code, why."""
    return {**base, "status": status, "code": code, "reason": reason}


def _area_of(db: Storage, own: list[str], dwelling_id: str, t: Tx, *, account: str) -> str | None:
    """The dwelling's area if it is the caller's (:func:`_area_from` its place)."""
    return _area_from(db.dwelling_place(dwelling_id, t), own, dwelling_id, account)


def _area_from(
    place: tuple[str, str | None] | None, own: list[str], dwelling_id: str, account: str
) -> str | None:
    """The dwelling's area if it is the caller's, from its ``place`` (area, holder; None for a
    dwelling the server does not know): a new dwelling is ``<own area>-<letters, digits or
    _>`` (no dots, slashes or other areas' ids smuggled in). A dwelling a supervisor gave to
    one enumerator (``assigned_to``) is that ``account``'s only, in whatever area."""
    area = None if place is None else place[0]
    if place is not None and place[1] is not None:
        return area if place[1] == account else None
    if area is None:
        area = next(
            (
                a
                for a in own
                if dwelling_id.startswith(a + "-")
                and _NEW_DWELLING.fullmatch(dwelling_id[len(a) + 1 :])
            ),
            None,
        )
    return area if area in own else None


def _logic(doc: Any) -> Any:
    """The logic checks of one household (or the exception they raised), run before the
    batch's transaction opens so that no lock or connection is held meanwhile."""
    if checks.shape_problem(doc):
        return None
    try:
        return checks.run_logic_checks(doc)
    except Exception as exc:  # answered per item by _households
        return exc


def _households(
    db: Storage, who: _Caller, docs: list[Any], t: Tx, checked: list[Any]
) -> list[dict[str, Any]]:
    """Check and store a batch's households inside its transaction; each one's answer, as if
    checked and stored one after the other (``checked``: what :func:`_logic` found for each).
    The dwellings' places are read, and the households stored, once for the whole batch
    (:meth:`Storage.store_households`)."""
    answers: list[dict[str, Any] | None] = [None] * len(docs)
    payloads: dict[int, str] = {}
    for i, doc in enumerate(docs):
        problem = checks.shape_problem(doc)
        if problem:
            answers[i] = {"status": "invalid", "code": 400, "reason": problem}
            continue
        base = {"case_uuid": doc["case_uuid"], "revision": doc["revision"]}
        if not clean_text(doc):
            answers[i] = _no(base, "invalid", 422, "invalid character in text")
            continue
        payload = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if len(payload.encode()) > checks.MAX_ITEM_BYTES:
            answers[i] = _no(base, "invalid", 413, "household too large")
            continue
        payloads[i] = payload
    places = db.dwelling_places([docs[i]["dwelling_id"] for i in payloads], t)
    uploads: list[tuple[int, Upload]] = []
    for i, payload in payloads.items():
        doc, found = docs[i], checked[i]
        base = {"case_uuid": doc["case_uuid"], "revision": doc["revision"]}
        dwelling = doc["dwelling_id"]
        area = _area_from(places.get(dwelling), who.own, dwelling, who.acc.account)
        if area is None:
            answers[i] = _no(base, "forbidden", 403, "not your enumeration area")
        elif bool(doc.get("training", False)) != who.training:
            answers[i] = _no(base, "training_mismatch", 422, APART)
        elif isinstance(found, BadInput):  # the form's reading refuses it: a path, no value
            answers[i] = _no(base, "invalid", 422, f"unreadable: {found.msg.en}")
        elif isinstance(found, Exception):  # a malformed household is refused, never a crash
            answers[i] = _no(base, "invalid", 400, f"unreadable household: {type(found).__name__}")
        elif found.errors:
            answers[i] = {**base, "status": "rejected", "code": 422, "findings": found.errors}
        else:
            upload = Upload(
                case_uuid=doc["case_uuid"],
                revision=doc["revision"],
                area_id=area,
                dwelling_id=dwelling,
                account=who.acc.account,
                training=bool(doc.get("training", False)),
                payload=payload,
                flags=found.flags,
                clock_offset=who.clock_offset,
            )
            uploads.append((i, upload))
    results = db.store_households(t, [u for _, u in uploads])
    for (i, upload), result in zip(uploads, results, strict=True):
        answers[i] = _stored_answer(upload, result)
    return [a for a in answers if a is not None]


def _stored_answer(upload: Upload, result: StoreResult) -> dict[str, Any]:
    base = {"case_uuid": upload.case_uuid, "revision": upload.revision}
    if result.status == "forbidden":
        return _no(base, "forbidden", 403, "not your case")
    if result.status == "too_far":
        return {
            **base,
            "status": "invalid",
            "code": 422,
            "reason": f"revision jumps more than {MAX_REVISION_STEP} past the stored one",
        }
    code = {"stored": 201, "duplicate": 200, "conflict": 409}[result.status]
    return {
        **base,
        "status": result.status,
        "code": code,
        "server_revision": result.server_revision,
    }


def _items(body: Any) -> list[Any]:
    items = body.get("items") if isinstance(body, dict) and set(body) == {"items"} else None
    if not isinstance(items, list) or not 0 < len(items) <= MAX_BATCH:
        raise Refused(400, "bad_batch", Msg("批量格式错误", "malformed batch"), max_batch=MAX_BATCH)
    return items


def _nothing(doc: Any) -> None:
    """No check before the transaction (outcomes, events)."""


Batch = Callable[[Storage, _Caller, list[Any], Tx, list[Any]], list[dict[str, Any]]]
"""Checks and stores a batch's items in its transaction: each one's answer, in order."""


def _store_all(
    db: Storage,
    acc: Account,
    docs: list[Any],
    batch: Batch,
    pre: Callable[[Any], Any],
    clock_offset: int | None = None,
) -> list[dict[str, Any]]:
    """Check and store every item in one transaction (run in a worker thread): what needs no
    database (``pre``: the logic checks) first, with no connection held, then the
    transaction, all or nothing."""
    who = _Caller(acc, _own_areas(db, acc), db.training, clock_offset)
    ready = [pre(doc) for doc in docs]
    with db.tx() as t:
        return batch(db, who, docs, t, ready)


@_guard
async def household(request: Request) -> Response:
    db, acc = _db(request), await _account(request)
    offset = _clock_offset(request)
    body = await read_json(request)
    results = await run_in_threadpool(_store_all, db, acc, [body], _households, _logic, offset)
    result = results[0]
    return answer(result, status=int(result["code"]))


@_guard
async def household_batch(request: Request) -> Response:
    db, acc = _db(request), await _account(request)
    offset = _clock_offset(request)
    items = _items(await read_json(request))
    results = await run_in_threadpool(_store_all, db, acc, items, _households, _logic, offset)
    return answer({"results": results})


def _outcomes(
    db: Storage, who: _Caller, docs: list[Any], t: Tx, _: list[Any]
) -> list[dict[str, Any]]:
    return [_one_outcome(db, who, doc, t) for doc in docs]


def _one_outcome(db: Storage, who: _Caller, doc: Any, t: Tx) -> dict[str, Any]:
    if not isinstance(doc, dict):
        return {"status": "invalid", "code": 400, "reason": "outcome must be an object"}
    ou, dw, kind = doc.get("outcome_uuid"), doc.get("dwelling_id"), doc.get("kind")
    if not (isinstance(ou, str) and checks._UUID.match(ou) and isinstance(dw, str) and dw):
        return {"status": "invalid", "code": 400, "reason": "outcome_uuid and dwelling_id required"}
    base = {"outcome_uuid": ou}
    if not clean_text(doc):
        return _no(base, "invalid", 422, "invalid character in text")
    if kind not in OUTCOME_KINDS:
        return {
            **base,
            "status": "invalid",
            "code": 400,
            "reason": f"kind must be one of {OUTCOME_KINDS}",
        }
    problem = checks.outcome_problem(doc)
    if problem:
        return _no(base, "invalid", 400, problem)
    if bool(doc.get("training", False)) != who.training:
        return _no(base, "training_mismatch", 422, APART)
    area = _area_of(db, who.own, dw, t, account=who.acc.account)
    if area is None:
        return _no(base, "forbidden", 403, "not your enumeration area")
    payload = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if len(payload) > 16384:
        return _no(base, "invalid", 413, "outcome too large")
    result = db.store_outcome(
        t,
        outcome_uuid=ou,
        dwelling_id=dw,
        area_id=area,
        account=who.acc.account,
        kind=str(kind),
        payload=payload,
        clock_offset=who.clock_offset,
    )
    code = {"stored": 201, "duplicate": 200, "conflict": 409}[result.status]
    return {**base, "status": result.status, "code": code}


@_guard
async def outcomes(request: Request) -> Response:
    db, acc = _db(request), await _account(request)
    offset = _clock_offset(request)
    items = _items(await read_json(request))
    results = await run_in_threadpool(_store_all, db, acc, items, _outcomes, _nothing, offset)
    return answer({"results": results})


async def not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    if status == 405:  # the route exists; its Allow header names the methods it takes
        body = {
            "error": "method_not_allowed",
            "message": {"zh": "不支持该请求方法", "en": "method not allowed"},
        }
    else:
        body = {"error": "not_found", "message": {"zh": "没有这个接口", "en": "no such endpoint"}}
    return JSONResponse(body, status_code=status, headers=getattr(exc, "headers", None))


ROUTES = [
    Route(f"{API}/time", time_, methods=["GET"]),
    Route(f"{API}/info", info, methods=["GET"]),
    Route(f"{API}/openapi.json", openapi, methods=["GET"]),
    Route(f"{API}/login", login, methods=["POST"]),
    Route(f"{API}/logout", logout, methods=["POST"]),
    Route(f"{API}/password", password, methods=["POST"]),
    Route(f"{API}/verify", verify_real_name, methods=["POST"]),
    Route(verify.PATH, card_check, methods=["GET"]),
    Route(f"{API}/assignments", assignments, methods=["GET"]),
    Route(f"{API}/areas/{{area_id}}/dwellings", area_dwellings, methods=["GET"]),
    Route(f"{API}/returns", returns, methods=["GET"]),
    Route(f"{API}/households", household, methods=["POST"]),
    Route(f"{API}/households/batch", household_batch, methods=["POST"]),
    Route(f"{API}/outcomes", outcomes, methods=["POST"]),
]


def make_app(db: Storage, *, close_on_shutdown: bool = False) -> Starlette:
    """The application over an open database (tests pass their own); ``close_on_shutdown``
    closes it when the server stops (a worker process's own storage)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if close_on_shutdown:
            await run_in_threadpool(db.close)

    from census_tui.server.allocation import ROUTES as ALLOCATION_ROUTES
    from census_tui.server.events import ROUTES as EVENT_ROUTES
    from census_tui.server.supervisor import ROUTES as SUPERVISOR_ROUTES

    app = Starlette(
        routes=[*ROUTES, *EVENT_ROUTES, *SUPERVISOR_ROUTES, *ALLOCATION_ROUTES],
        middleware=[Middleware(GZipMiddleware, minimum_size=1024)],
        exception_handlers={404: not_found, 405: not_found},
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.kdf_gate = None
    app.state.throttle = Throttle(db, window=FAIL_WINDOW)
    app.state.card_keys = verify.CardKeys(db)
    return app
