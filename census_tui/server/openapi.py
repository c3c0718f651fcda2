"""The OpenAPI description of the sync protocol, as a static dict (served at /api/v1/openapi.json).

Kept by hand next to ``docs/protocol.md``; a test checks that every route of the app appears here
and that every path here is a route of the app. Every status a route can answer is declared:
a route with a body also answers 400 (malformed, too deep), 413 (too large) and 415 (not JSON,
unknown encoding); a route behind a token 401; the enumerator routes 403 (another role, first
login unfinished, not the caller's area).
"""

from __future__ import annotations

from typing import Any

from census_tui.visit.outcomes import REPORTED_OUTCOMES

_ERR = {"description": "error: {error, message: {zh, en}}"}
_THROTTLED = {
    "description": "too many failed attempts: {error, message: {zh, en}}",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
}
_AUTH: list[dict[str, list[str]]] = [{"bearer": []}]


def _op(
    summary: str,
    *,
    auth: bool = True,
    body: str | None = None,
    ok: str = "200",
    errors: tuple[str, ...] = (),
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {ok: {"description": "success"}, **{e: _ERR for e in errors}},
    }
    if "429" in op["responses"]:
        op["responses"]["429"] = _THROTTLED
    if auth:
        op["security"] = _AUTH
        op["responses"].setdefault("401", _ERR)
    if body:
        for status in ("400", "413", "415"):
            op["responses"].setdefault(status, _ERR)
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    return op


_TEXT = {"type": "string", "minLength": 1, "maxLength": 256}
_SINCE = [
    {
        "name": "since",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "pattern": "^[0-9]{0,18}$"},
        "description": "cursor from the previous answer; absent or 0 = everything",
    }
]


def _returns_get() -> dict[str, Any]:
    """``GET /returns`` with its answer's schema (the client parses it strictly)."""
    op = _op(
        "supervisor returns (with the questions concerned) and approvals since a cursor",
        errors=("400", "403"),
    )
    op["responses"]["200"] = {
        "description": "success",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Returns"}}},
    }
    return {**op, "parameters": _SINCE}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "census-tui sync protocol", "version": "1"},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Login": {
                "type": "object",
                "required": ["account", "password"],
                "properties": {"account": _TEXT, "password": _TEXT},
            },
            "PasswordChange": {
                "type": "object",
                "required": ["old_password", "new_password"],
                "properties": {"old_password": _TEXT, "new_password": _TEXT},
            },
            "RealName": {
                "type": "object",
                "required": ["name", "id_number"],
                "properties": {"name": _TEXT, "id_number": _TEXT},
            },
            "Household": {
                "type": "object",
                "required": ["schema", "schema_version", "case_uuid", "revision", "dwelling_id"],
                "description": "the household JSON form (docs/household-json.md); a new revision"
                " of a stored case only from its owner, at most 1000 above the stored one",
                "properties": {
                    "case_uuid": {"type": "string", "format": "uuid"},
                    "revision": {"type": "integer", "minimum": 0, "maximum": 2147483647},
                    "dwelling_id": {"type": "string", "minLength": 1, "maxLength": 64},
                    "training": {"type": "boolean"},
                },
            },
            "HouseholdBatch": {
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 500,
                        "items": {"$ref": "#/components/schemas/Household"},
                    }
                },
            },
            "Outcome": {
                "type": "object",
                "required": ["outcome_uuid", "dwelling_id", "kind"],
                "properties": {
                    "outcome_uuid": {"type": "string"},
                    "dwelling_id": {"type": "string"},
                    "kind": {"enum": sorted(o.value for o in REPORTED_OUTCOMES)},
                    "at": {"type": "string"},
                    "attempts": {"type": "integer"},
                    "note": {"type": "string"},
                },
            },
            "ReturnItem": {
                "type": "object",
                "description": "a question the supervisor points at; person_uuid is empty for a"
                " household item",
                "required": ["person_uuid", "item_id"],
                "additionalProperties": False,
                "properties": {"person_uuid": {"type": "string"}, "item_id": {"type": "string"}},
            },
            "Review": {
                "type": "object",
                "required": ["case_uuid", "revision", "action", "comment", "at"],
                "additionalProperties": False,
                "properties": {
                    "case_uuid": {"type": "string"},
                    "revision": {"type": "integer"},
                    "action": {"enum": ["returned", "approved"]},
                    "comment": {"type": "string"},
                    "at": {"type": "string"},
                    "items": {
                        "type": "array",
                        "maxItems": 50,
                        "description": "the questions concerned, first to open first; always"
                        " sent by this server (empty for approvals); absent (servers before"
                        " items) reads as empty",
                        "items": {"$ref": "#/components/schemas/ReturnItem"},
                    },
                },
            },
            "Returns": {
                "type": "object",
                "required": ["cursor", "returns"],
                "additionalProperties": False,
                "properties": {
                    "cursor": {"type": "string"},
                    "returns": {"type": "array", "items": {"$ref": "#/components/schemas/Review"}},
                },
            },
            "OutcomeBatch": {
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 500,
                        "items": {"$ref": "#/components/schemas/Outcome"},
                    }
                },
            },
        },
    },
    "paths": {
        "/api/v1/time": {"get": _op("server time (no login)", auth=False)},
        "/api/v1/info": {"get": _op("api version, training server or not (no login)", auth=False)},
        "/api/v1/openapi.json": {"get": _op("this document", auth=False)},
        "/api/v1/login": {
            "post": _op(
                "log in: token, flags, enumerator card, recovery key (throttled per account and"
                " per client address)",
                auth=False,
                body="Login",
                errors=("401", "422", "429"),
            )
        },
        "/api/v1/logout": {"post": _op("end this token's session")},
        "/api/v1/password": {
            "post": _op(
                "change the password (ends every other session of the account)",
                body="PasswordChange",
                errors=("422", "429"),
            )
        },
        "/api/v1/verify": {
            "post": _op("real-name verification", body="RealName", errors=("422", "429"))
        },
        "/api/v1/assignments": {
            "get": {
                **_op("areas and dwellings since a cursor", errors=("400", "403")),
                "parameters": _SINCE,
            }
        },
        "/api/v1/areas/{area_id}/dwellings": {
            "get": {
                **_op("the dwellings of one of the caller's areas", errors=("403",)),
                "parameters": [
                    {
                        "name": "area_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
            }
        },
        "/api/v1/returns": {"get": _returns_get()},
        "/api/v1/households": {
            "post": _op(
                "upload one household (idempotent by uuid + revision)",
                body="Household",
                ok="201",
                errors=("200", "403", "409", "422"),
            )
        },
        "/api/v1/households/batch": {
            "post": _op(
                "upload several households, each answered individually",
                body="HouseholdBatch",
                errors=("403",),
            )
        },
        "/api/v1/outcomes": {
            "post": _op(
                "visit outcomes that are not interviews (refused, vacant, no contact)",
                body="OutcomeBatch",
                errors=("403",),
            )
        },
    },
}
