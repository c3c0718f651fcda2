"""The OpenAPI description of the sync protocol, as a static dict (served at /api/v1/openapi.json).

Kept by hand next to ``docs/protocol.md``; a test checks that every route of the app appears here
and that every path here is a route of the app.
"""

from __future__ import annotations

from typing import Any

from census_tui.visit.outcomes import REPORTED_OUTCOMES

_ERR = {"description": "error: {error, message: {zh, en}}"}
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
    if auth:
        op["security"] = _AUTH
        op["responses"].setdefault("401", _ERR)
    if body:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    return op


_SINCE = [
    {
        "name": "since",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
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
                "properties": {"account": {"type": "string"}, "password": {"type": "string"}},
            },
            "PasswordChange": {
                "type": "object",
                "required": ["old_password", "new_password"],
                "properties": {
                    "old_password": {"type": "string"},
                    "new_password": {"type": "string"},
                },
            },
            "RealName": {
                "type": "object",
                "required": ["name", "id_number"],
                "properties": {"name": {"type": "string"}, "id_number": {"type": "string"}},
            },
            "Household": {
                "type": "object",
                "required": ["schema", "schema_version", "case_uuid", "revision", "dwelling_id"],
                "description": "the household JSON form (docs/household-json.md)",
            },
            "HouseholdBatch": {
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": {
                        "type": "array",
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
                "log in: token, flags, enumerator card, recovery key",
                auth=False,
                body="Login",
                errors=("400", "401"),
            )
        },
        "/api/v1/password": {
            "post": _op("change the password", body="PasswordChange", errors=("401", "422"))
        },
        "/api/v1/verify": {"post": _op("real-name verification", body="RealName", errors=("422",))},
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
                errors=("200", "400", "403", "409", "413", "415", "422"),
            )
        },
        "/api/v1/households/batch": {
            "post": _op(
                "upload several households, each answered individually",
                body="HouseholdBatch",
                errors=("400", "403", "413", "415"),
            )
        },
        "/api/v1/outcomes": {
            "post": _op(
                "visit outcomes that are not interviews (refused, vacant, no contact)",
                body="OutcomeBatch",
                errors=("400", "403", "413", "415"),
            )
        },
    },
}
