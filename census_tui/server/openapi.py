"""The OpenAPI description of the sync protocol, as a static dict (served at /api/v1/openapi.json).

Kept by hand next to ``docs/protocol.md``; a test checks that every route of the app appears here
and that every path here is a route of the app, and a schemathesis run against the live server
(tests/server_api, bench/bench_schemathesis.py) checks that the server answers only what is
declared here, in the declared shapes, and refuses what the request schemas exclude.

Every status a route can answer is declared with its exact body: a route with a body also
answers 400 (malformed, too deep, not the declared shape), 413 (too large) and 415 (not JSON,
unknown encoding); a route behind a token 401; the enumerator routes 403 (another role, first
login unfinished, not the caller's area); every route that reads the database 503 (the database
is unavailable; the client retries). Request schemas are as strict as the server: where it
refuses unknown fields the schema says ``additionalProperties: false``, and the patterns are the
server's own checks.

The two batch routes answer every item on its own (one bad item never blocks the others), so
their ``items`` accept any JSON value at the HTTP level; what an item must be is the
``Household`` or ``Outcome`` schema, and a result per item says how it was taken.
"""

from __future__ import annotations

from typing import Any

from census_tui.visit.outcomes import REPORTED_OUTCOMES

MAX_BATCH = 500
"""Items in one batch (the app's ``MAX_BATCH``, also served by ``/info``)."""
MAX_REVISION = 2**31 - 1

UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
CURSOR_PATTERN = "^[0-9]{1,18}$"
"""A cursor the server gives: ASCII digits only."""
SINCE_PATTERN = "^[0-9]{0,18}$"
"""A cursor the client sends back (empty = everything)."""


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(
    required: dict[str, Any], optional: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """A closed object: exactly ``required`` (+ any of ``optional``), no other field."""
    return {
        "type": "object",
        "required": list(required),
        "additionalProperties": False,
        "properties": {**required, **(optional or {})},
        **extra,
    }


_STR: dict[str, Any] = {"type": "string"}
_BOOL: dict[str, Any] = {"type": "boolean"}
_INT: dict[str, Any] = {"type": "integer"}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 256}
_TIME = {"type": "string", "format": "date-time"}
_BILINGUAL = _obj({"zh": _STR, "en": _STR})
_DWELLING_ID = {"type": "string", "minLength": 1, "maxLength": 64}
_ANSWERS = {
    "type": "object",
    "description": "item id (docs/form.md) -> answer; an unanswered item is absent",
    "propertyNames": {"minLength": 1, "maxLength": 32},
    "additionalProperties": {"type": ["integer", "string"]},
}
_HOUSEHOLD_STATUSES = [
    "stored",
    "duplicate",
    "conflict",
    "rejected",
    "invalid",
    "forbidden",
    "training_mismatch",
]


def _household(version: int) -> dict[str, Any]:
    """The household JSON form of one ``schema_version`` (2 adds the form's version and the
    death records)."""
    required: dict[str, Any] = {
        "schema": {"const": "census-tui/household"},
        "schema_version": {"const": version},
        "case_uuid": {"type": "string", "pattern": UUID_PATTERN},
        "revision": {"type": "integer", "minimum": 0, "maximum": MAX_REVISION},
        "form_id": {**_STR, "description": "short2020 (the only form of version 1), ..."},
        "dwelling_id": _DWELLING_ID,
        "hh_number": _INT,
        "training": _BOOL,
        "answers": _ANSWERS,
        "persons": {"type": "array", "items": _ref("Person")},
    }
    optional: dict[str, Any] = {
        "confirmations": {"type": "array", "items": _ref("Confirmation")},
        "notes": {"type": "array", "items": _ref("Note")},
        "read_back": {"oneOf": [{"type": "null"}, _obj({"respondent_name": _STR, "at": _STR})]},
        "completed_at": {"type": ["string", "null"]},
    }
    if version >= 2:
        required["form_version"] = _STR
        optional["deaths"] = {
            "type": "array",
            "description": "death records (死亡人口): uuids apart from the persons'",
            "items": _ref("Person"),
        }
        optional["mode"] = {
            "enum": ["visit", "phone"],
            "description": "how the household was enumerated: visit (in person, also when"
            " absent) or phone (telephone registration, 电话登记)",
        }
    return _obj(required, optional)


SCHEMAS: dict[str, Any] = {
    # -- requests ---------------------------------------------------------------------------
    "Login": _obj({"account": _TEXT, "password": _TEXT}),
    "PasswordChange": _obj(
        {
            "old_password": _TEXT,
            "new_password": {
                "type": "string",
                "minLength": 8,
                "maxLength": 256,
                "description": "letters and digits, not the old password (422 weak_password)",
            },
        }
    ),
    "RealName": _obj({"name": _TEXT, "id_number": _TEXT}),
    "Household": {
        "oneOf": [_ref("HouseholdV2"), _ref("HouseholdV1")],
        "description": "the household JSON form (docs/household-json.md), version 2 (the"
        " form set: form_version, deaths) or 1 (the short form before it). The envelope"
        " (case_uuid, revision, dwelling_id, training) wrong: 400; a household the form cannot"
        " read (duplicate uuids or positions, a form or form version this server does not"
        " have), logic-check findings, training data on a real server or the reverse, a"
        " revision more than 1000 above the stored one: 422; a dwelling outside the caller's"
        " areas or a case another account owns: 403.",
    },
    "HouseholdV2": _household(2),
    "HouseholdV1": _household(1),
    "Person": _obj(
        {
            "uuid": {"type": "string", "minLength": 1},
            "position": {"type": "integer", "minimum": 0},
            "answers": _ANSWERS,
        },
        description="a person (or death) record: uuid unique in the household, position"
        " 0 … n-1 each once within its list",
    ),
    "Confirmation": _obj(
        {
            "rule_id": _STR,
            "person_uuid": _STR,
            "reason": _STR,
            "by": _STR,
            "at": _STR,
            "values": {
                "type": "object",
                "additionalProperties": {"type": ["integer", "string", "null"]},
            },
        }
    ),
    "Note": _obj({"person_uuid": _STR, "item_id": _STR, "text": _STR, "at": _STR}),
    "HouseholdBatch": _obj(
        {
            "items": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_BATCH,
                "items": {
                    "description": "a Household; each item is checked on its own and answered"
                    " by its HouseholdResult, in order"
                },
            }
        }
    ),
    "Outcome": _obj(
        {
            "outcome_uuid": {"type": "string", "pattern": UUID_PATTERN},
            "dwelling_id": _DWELLING_ID,
            "kind": {"enum": sorted(o.value for o in REPORTED_OUTCOMES)},
        },
        {
            "at": _STR,
            "attempts": {"type": "integer", "minimum": 0},
            "note": _STR,
            "training": _BOOL,
        },
        description="a visit that is not an interview, for the supervisors",
    ),
    "OutcomeBatch": _obj(
        {
            "items": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_BATCH,
                "items": {
                    "description": "an Outcome; each item is checked on its own and answered"
                    " by its OutcomeResult, in order"
                },
            }
        }
    ),
    # -- answers ----------------------------------------------------------------------------
    "Error": _obj(
        {"error": {"type": "string", "pattern": "^[a-z][a-z_]*$"}, "message": _BILINGUAL},
        {
            "limit": _INT,
            "max_depth": _INT,
            "max_elements": _INT,
            "max_batch": _INT,
            "fields": {"type": "array", "items": _STR},
            "server_revision": {**_INT, "description": "409 revision_moved: the newer revision"},
            "unsynced": {
                "type": "array",
                "description": "409 unsynced_work: the dwellings whose holders may have work"
                " the server does not have",
                "items": _obj(
                    {
                        "dwelling_id": _STR,
                        "accounts": {"type": "array", "items": _STR},
                        "reasons": {"type": "array", "items": _STR},
                    }
                ),
            },
        },
        description="every refusal: a code and the reason in Chinese and English",
    ),
    "Time": _obj({"server_time": _TIME, "api_version": {"const": 1}}),
    "Info": _obj(
        {
            "api_version": {"const": 1},
            "training": _BOOL,
            "server_time": _TIME,
            "max_batch": {"type": "integer", "minimum": 1},
        }
    ),
    "Card": _obj(
        {
            k: _STR
            for k in (
                "name",
                "work_id",
                "area_id",
                "area_name",
                "issuing_office",
                "valid_from",
                "valid_until",
            )
        },
        description="the enumerator's work ID card (普查员证件)",
    ),
    "LoginAnswer": _obj(
        {
            "token": {"type": "string", "minLength": 1},
            "account": _STR,
            "must_change_password": _BOOL,
            "verified": _BOOL,
            "training": _BOOL,
            "recovery_public_key": {
                "type": "string",
                "pattern": "^[A-Za-z0-9+/]{43}=$",
                "description": "base64 of the office's 32-byte X25519 recovery public key",
            },
            "card": _ref("Card"),
        },
        {
            "role": {
                "type": "string",
                "enum": ["enumerator", "supervisor"],
                "description": "which screens the client opens (absent: enumerator)",
            },
            "card_key": {
                "type": "string",
                "pattern": "^[A-Za-z0-9+/]{43}=$",
                "description": "an enumerator's card key (base64 of 32 bytes), from which the"
                " device derives the day's identity code (GET /card-check); replaced by a"
                " password reset or disabling the account. Absent for other roles.",
            },
        },
    ),
    "CardValid": _obj(
        {
            "valid": {"const": True},
            "name": _STR,
            "work_id": _STR,
            "area_name": _STR,
            "valid_from": _STR,
            "valid_until": _STR,
        },
        description="the code matches a current enumerator card: only these fields",
    ),
    "CardNotValid": _obj(
        {"valid": {"const": False}},
        description="no match: a wrong code, an unknown work id, an expired, disabled or"
        " reset card, another role (one answer for all)",
    ),
    "CardCheck": {"oneOf": [_ref("CardValid"), _ref("CardNotValid")]},
    "Ok": _obj({"ok": {"const": True}}),
    "Verified": _obj({"verified": {"const": True}}),
    "Area": _obj({"area_id": _STR, "name": _STR, "training": _BOOL}),
    "Dwelling": _obj(
        {"dwelling_id": _STR, "area_id": _STR, "address": _STR, "kind": _STR, "note": _STR},
        {"form_id": {**_STR, "description": "the form of the dwelling (absent: short2020)"}},
    ),
    "Assignments": _obj(
        {
            "cursor": {"type": "string", "pattern": CURSOR_PATTERN},
            "areas": {"type": "array", "items": _ref("Area")},
            "dwellings": {"type": "array", "items": _ref("Dwelling")},
        },
        {
            "withdrawn": {
                "type": "array",
                "items": _STR,
                "description": "dwellings moved away from the caller since the cursor (their"
                " cases are given up on the device once nothing of them waits to upload)",
            },
            "cases": {
                "type": "array",
                "items": _ref("TransferredCase"),
                "description": "whole cases of the caller's dwellings: every case the caller"
                " owns for cursor 0 (a new device), else those moved to the caller since",
            },
            "histories": {
                "type": "array",
                "items": _ref("DwellingHistory"),
                "description": "the uploaded visit events of dwellings given to the caller"
                " (cursor 0: all of them, else those given since) of which the caller owns no"
                " case; absent when there are none",
            },
        },
    ),
    "DwellingHistory": _obj(
        {"dwelling_id": _STR, "events": {"type": "array", "items": _ref("VisitEvent")}},
        description="a dwelling moved with no case uploaded and its visit events, as a case's"
        ' history.events (docs/protocol.md "Moving work")',
    ),
    "VisitEvent": _obj(
        {
            "event_uuid": _STR,
            "kind": _STR,
            "at": _STR,
            "account": _STR,
            "case_uuid": _STR,
            "person_uuid": _STR,
            "item_id": _STR,
            "data": {"type": "object"},
        },
        description="an uploaded visit event as the server lists it (answer changes left out)",
    ),
    "TransferredCase": _obj(
        {
            "case_uuid": _STR,
            "dwelling_id": _STR,
            "area_id": _STR,
            "revision": {"type": "integer", "minimum": 0},
            "state": {"enum": ["uploaded", "returned", "approved"]},
            "household": {"type": "object", "description": "the latest revision as uploaded"},
            "return": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "revision": _INT,
                            "comment": _STR,
                            "at": _STR,
                            "items": {"type": "array", "items": _ref("ReturnItem")},
                        }
                    ),
                ],
                "description": "the latest return of the case (null: never returned)",
            },
            "history": {
                "type": "object",
                "required": ["outcomes"],
                "properties": {
                    "outcomes": {
                        "type": "array",
                        "items": _obj(
                            {
                                "kind": _STR,
                                "at": _STR,
                                "attempts": {"type": "integer", "minimum": 0},
                                "note": _STR,
                            }
                        ),
                    }
                },
                "additionalProperties": {"type": "array"},
                "description": "what the server has of the dwelling's visits: the outcomes"
                " (and further lists of uploaded visit events)",
            },
        },
        description="a case handed to the caller with its latest revision, its review state,"
        ' its latest return and its visit history (docs/protocol.md "Moving work")',
    ),
    "AreaDwellings": _obj({"dwellings": {"type": "array", "items": _ref("Dwelling")}}),
    "ReturnItem": _obj(
        {
            "person_uuid": {"type": "string", "maxLength": 64},
            "item_id": {"type": "string", "pattern": "^[A-Za-z0-9]{1,16}$"},
        },
        description="a question the supervisor points at; person_uuid is empty for a household"
        " item",
    ),
    "Review": _obj(
        {
            "case_uuid": _STR,
            "revision": {"type": "integer", "minimum": 0},
            "action": {"enum": ["returned", "approved"]},
            "comment": _STR,
            "at": _STR,
        },
        {
            "items": {
                "type": "array",
                "maxItems": 50,
                "description": "the questions concerned, first to open first; always sent by"
                " this server (empty for approvals); absent (servers before items) reads as"
                " empty",
                "items": _ref("ReturnItem"),
            }
        },
    ),
    "Returns": _obj(
        {
            "cursor": {"type": "string", "pattern": CURSOR_PATTERN},
            "returns": {"type": "array", "items": _ref("Review")},
        }
    ),
    "Finding": _obj(
        {
            "rule_id": _STR,
            "severity": {"enum": ["error", "overridable", "warning"]},
            "person_uuid": _STR,
            "items": {"type": "array", "items": _STR},
            "message": _BILINGUAL,
        }
    ),
    "HouseholdResult": _obj(
        {
            "status": {"enum": _HOUSEHOLD_STATUSES},
            "code": {"enum": [200, 201, 400, 403, 409, 413, 422]},
        },
        {
            "case_uuid": _STR,
            "revision": _INT,
            "server_revision": _INT,
            "reason": _STR,
            "findings": {"type": "array", "items": _ref("Finding")},
        },
        description="stored 201, duplicate 200 (both acknowledged); conflict 409 (with"
        " server_revision); rejected 422 (findings); forbidden 403; training_mismatch 422;"
        " invalid 400/413/422 (reason). case_uuid and revision are absent when the item's"
        " envelope was unreadable.",
    ),
    "HouseholdResults": _obj({"results": {"type": "array", "items": _ref("HouseholdResult")}}),
    "OutcomeResult": _obj(
        {
            "status": {
                "enum": [
                    "stored",
                    "duplicate",
                    "conflict",
                    "invalid",
                    "forbidden",
                    "training_mismatch",
                ]
            },
            "code": {"enum": [200, 201, 400, 403, 409, 413, 422]},
        },
        {"outcome_uuid": _STR, "reason": _STR},
    ),
    "OutcomeResults": _obj({"results": {"type": "array", "items": _ref("OutcomeResult")}}),
}

_MEANING = {
    "400": "malformed request: not JSON, nested too deep, not the declared shape, a bad cursor",
    "401": "no token, or an unknown, revoked or expired one (or wrong credentials)",
    "403": "not allowed: another role, first login unfinished, not the caller's area or case",
    "404": "no such endpoint",
    "409": "conflict",
    "413": "too large (before or after gunzip, or too many JSON elements)",
    "415": "not JSON (Content-Type), or an unknown Content-Encoding",
    "422": "well-formed but refused (see the route)",
    "429": "too many failed attempts",
    "503": "the database is unavailable; retry later",
}
_RETRY_AFTER = {
    "Retry-After": {
        "required": True,
        "description": "seconds to wait",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}


def _json(schema: dict[str, Any] | str) -> dict[str, Any]:
    body = _ref(schema) if isinstance(schema, str) else schema
    return {"application/json": {"schema": body}}


def _answer(status: str, schema: dict[str, Any] | str = "Error", what: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"description": what or _MEANING.get(status, "success")}
    out["content"] = _json(schema)
    if status == "429":
        out["headers"] = _RETRY_AFTER
    return out


def _op(
    summary: str,
    ok: dict[str, Any] | str,
    *,
    auth: bool = True,
    body: str | None = None,
    errors: tuple[str, ...] = (),
    db: bool = True,
    ok_status: str = "200",
) -> dict[str, Any]:
    """One operation: its success answer, its refusals, its token and its request body."""
    codes = set(errors)
    if auth:
        codes.add("401")
    if body:
        codes |= {"400", "413", "415"}
    if db:
        codes.add("503")
    responses = {ok_status: _answer(ok_status, ok, "success")}
    responses.update({c: _answer(c) for c in sorted(codes)})
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if auth:
        op["security"] = [{"bearer": []}]
    if body:
        op["requestBody"] = {"required": True, "content": _json(body)}
    return op


_PAGE = {"text/html": {"schema": {"type": "string", "description": "a bilingual page"}}}


def _card_check() -> dict[str, Any]:
    """``GET /card-check``: open, throttled, and a page instead of JSON for a browser."""
    op = _op(
        "check an enumerator's identity code (no login): the card on a match, else"
        ' {"valid": false}; 400 for a malformed work id or code; 429 after 30 failed checks'
        " from the client's address in 15 minutes. A client preferring text/html (Accept) gets"
        " the same answer as a bilingual page.",
        "CardCheck",
        auth=False,
        errors=("400", "429"),
    )
    for status in ("200", "400", "429"):
        op["responses"][status]["content"].update(_PAGE)
    op["parameters"] = [
        {
            "name": "work_id",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$"},
            "description": "the work ID on the card (证号)",
        },
        {
            "name": "code",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]{8}$"},
            "description": "the 8-digit code the enumerator shows (核验码)",
        },
    ]
    return op


_SINCE = [
    {
        "name": "since",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "pattern": SINCE_PATTERN},
        "description": "cursor from the previous answer; absent, empty or 0 = everything",
    }
]


_CLOCK_OFFSET = [
    {
        "name": "X-Clock-Offset",
        "in": "header",
        "required": False,
        "schema": {"type": "string", "pattern": "^[+-]?[0-9]{1,10}$"},
        "description": "the device's clock offset measured at this sync: server minus device"
        " time, whole seconds, signed; stored with each row so that the times the device"
        " recorded can be corrected (optional: older clients send none; malformed: 400)",
    }
]


def _uploads(op: dict[str, Any]) -> dict[str, Any]:
    """An upload route: it takes the device's clock offset header."""
    return {**op, "parameters": _CLOCK_OFFSET}


def _households_single() -> dict[str, Any]:
    """``POST /households``: the item's own result, with its code as the HTTP status."""
    op = _op(
        "upload one household (idempotent by uuid + revision)",
        "HouseholdResult",
        body="Household",
        ok_status="201",
    )
    either = {"anyOf": [_ref("Error"), _ref("HouseholdResult")]}
    op["responses"]["200"] = _answer("200", "HouseholdResult", "duplicate: already stored")
    op["responses"]["201"]["description"] = "stored"
    op["responses"]["409"] = _answer("409", "HouseholdResult", "conflict (server_revision)")
    for status in ("400", "403", "413", "422"):
        op["responses"][status] = _answer(status, either)
    return op


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "census-tui sync protocol", "version": "1"},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": SCHEMAS,
    },
    "paths": {
        "/api/v1/time": {"get": _op("server time (no login)", "Time", auth=False, db=False)},
        "/api/v1/info": {
            "get": _op("api version, training server or not (no login)", "Info", auth=False)
        },
        "/api/v1/openapi.json": {
            "get": _op("this document", {"type": "object"}, auth=False, db=False)
        },
        "/api/v1/login": {
            "post": _op(
                "log in: token, flags, enumerator card, recovery key (throttled per account and"
                " per client address; 422 for text that is not valid Unicode)",
                "LoginAnswer",
                auth=False,
                body="Login",
                errors=("401", "422", "429"),
            )
        },
        "/api/v1/logout": {"post": _op("end this token's session", "Ok")},
        "/api/v1/password": {
            "post": _op(
                "change the password (ends every other session of the account); 422 for a weak"
                " new password",
                "Ok",
                body="PasswordChange",
                errors=("422", "429"),
            )
        },
        "/api/v1/verify": {
            "post": _op(
                "real-name verification; 422 when the name and ID number do not match",
                "Verified",
                body="RealName",
                errors=("422", "429"),
            )
        },
        "/api/v1/card-check": {"get": _card_check()},
        "/api/v1/assignments": {
            "get": {
                **_op("areas and dwellings since a cursor", "Assignments", errors=("400", "403")),
                "parameters": _SINCE,
            }
        },
        "/api/v1/areas/{area_id}/dwellings": {
            "get": {
                **_op(
                    "the dwellings of one of the caller's areas",
                    "AreaDwellings",
                    errors=("403",),
                ),
                "parameters": [
                    {
                        "name": "area_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[^/]+$"},
                    }
                ],
            }
        },
        "/api/v1/returns": {
            "get": {
                **_op(
                    "supervisor returns (with the questions concerned) and approvals since a"
                    " cursor",
                    "Returns",
                    errors=("400", "403"),
                ),
                "parameters": _SINCE,
            }
        },
        "/api/v1/households": {"post": _uploads(_households_single())},
        "/api/v1/households/batch": {
            "post": _uploads(
                _op(
                    "upload several households, each answered individually",
                    "HouseholdResults",
                    body="HouseholdBatch",
                    errors=("403",),
                )
            )
        },
        "/api/v1/outcomes": {
            "post": _uploads(
                _op(
                    "visit outcomes that are not interviews (refused, vacant, no contact), each"
                    " answered individually",
                    "OutcomeResults",
                    body="OutcomeBatch",
                    errors=("403",),
                )
            )
        },
    },
}


def merge(schemas: dict[str, Any], paths: dict[str, Any]) -> None:
    """Add another module's schemas and paths to the document; a name or a path that is
    already there is an error (a schema silently replaced by one of the same name once broke
    the answers it described)."""
    for kind, mine, theirs in (("schema", SCHEMAS, schemas), ("path", OPENAPI["paths"], paths)):
        clash = sorted(set(mine) & set(theirs))
        if clash:
            raise ValueError(f"OpenAPI {kind} defined twice: {', '.join(clash)}")
    SCHEMAS.update(schemas)
    OPENAPI["paths"].update(paths)


def _with_supervisor_and_events() -> None:
    """Merge the supervisor's routes (openapi_supervisor.py) and ``POST /events``
    (openapi_events.py) into the document."""
    from census_tui.server import openapi_events as ev
    from census_tui.server import openapi_supervisor as sup

    merge(sup.SCHEMAS, sup.PATHS)
    merge(ev.SCHEMAS, ev.PATHS)


_with_supervisor_and_events()
