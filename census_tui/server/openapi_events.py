"""The OpenAPI declaration of ``POST /api/v1/events`` (server/events.py) and of the event
history the supervisor's case view carries; merged into the document by ``openapi.py``."""

from __future__ import annotations

from typing import Any

from census_tui.server import event_store as es
from census_tui.server.openapi import (
    _BOOL,
    _STR,
    UUID_PATTERN,
    _obj,
    _op,
    _ref,
    _uploads,
)
from census_tui.server.openapi import (
    SCHEMAS as BASE_SCHEMAS,
)

_UUID = {"type": "string", "pattern": UUID_PATTERN}
OUTCOME_RESULT: dict[str, Any] = BASE_SCHEMAS["OutcomeResult"]
_UUID_OR_EMPTY = {"type": "string", "anyOf": [{"maxLength": 0}, {"pattern": UUID_PATTERN}]}
_COUNT = {"type": "integer", "minimum": 0}
_FIELD: dict[str, dict[str, Any]] = {
    "outcome": {"enum": list(es.OUTCOMES)},
    "channel": {"enum": list(es.CHANNELS)},
    "uuid": _UUID,
    "time": {"type": "string", "format": "date-time"},
    "appointment_status": {"enum": list(es.APPOINTMENT_STATUSES)},
    "checklist": {
        "type": "object",
        "maxProperties": 16,
        "propertyNames": {"pattern": "^[a-z_]{1,24}$"},
        "additionalProperties": _BOOL,
    },
    "form": {"type": "string", "pattern": "^[a-z0-9]{1,16}$"},
    "state": {"enum": list(es.CASE_STATES)},
    "bool": _BOOL,
    "rule": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,16}$"},
}


def _data_shapes() -> list[dict[str, Any]]:
    """Each kind's ``data`` (the distinct shapes, kinds sharing one are listed once)."""
    seen: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for kind, fields in es.KINDS.items():
        seen.setdefault(tuple(sorted(fields.items())), []).append(kind)
    return [
        _obj({n: _FIELD[c] for n, c in shape}, description="data of " + ", ".join(kinds))
        for shape, kinds in seen.items()
    ]


SCHEMAS: dict[str, Any] = {
    "Event": _obj(
        {
            "event_uuid": _UUID,
            "kind": {"enum": list(es.KINDS)},
            "at": {"type": "string", "format": "date-time"},
            "dwelling_id": {"type": "string", "minLength": 1, "maxLength": 64},
            "case_uuid": _UUID_OR_EMPTY,
            "person_uuid": {"type": "string", "pattern": "^[A-Za-z0-9-]{0,64}$"},
            "item_id": {"type": "string", "pattern": "^[A-Za-z0-9_]{0,16}$"},
            "training": _BOOL,
            "data": {"anyOf": _data_shapes()},
        },
        description="one visit event from a device's journal (docs/protocol.md Events): no"
        " answer values, names or typed texts",
    ),
    "EventBatch": _obj(
        {
            "items": {
                "type": "array",
                "minItems": 1,
                "maxItems": es.MAX_EVENTS,
                "items": {
                    "description": "an Event; each item is checked on its own and answered by"
                    " its EventResult, in order"
                },
            }
        }
    ),
    "EventResult": _obj(
        {  # the statuses and codes of an outcome's result (server/app.py answers both alike)
            "status": OUTCOME_RESULT["properties"]["status"],
            "code": OUTCOME_RESULT["properties"]["code"],
        },
        {"event_uuid": _STR, "reason": _STR},
    ),
    "EventResults": _obj({"results": {"type": "array", "items": _ref("EventResult")}}),
    "CaseEvent": _obj(
        {
            "event_uuid": _STR,
            "kind": _STR,
            "at": _STR,
            "account": _STR,
            "case_uuid": _STR,
            "person_uuid": _STR,
            "item_id": _STR,
            "data": {"type": "object"},
        }
    ),
    "Paradata": _obj(
        {
            "answer_changes": _COUNT,
            "items_changed": _COUNT,
            "first_change": {"type": ["string", "null"]},
            "last_change": {"type": ["string", "null"]},
            "notes": _COUNT,
            "confirmations": _COUNT,
            "attempts": _COUNT,
            "appointments": _COUNT,
            "identity_shown": _COUNT,
            "phone_registration": _BOOL,
        }
    ),
}

PATHS: dict[str, Any] = {
    "/api/v1/events": {
        "post": _uploads(
            _op(
                "visit events from the device's journal (appointments, attempts, identity shown,"
                " paradata), at most 200, each answered individually; idempotent by event_uuid",
                "EventResults",
                body="EventBatch",
                errors=("403",),
            )
        )
    }
}

CASE_FIELDS: dict[str, Any] = {
    "history": {"type": "array", "maxItems": es.HISTORY_LIMIT, "items": _ref("CaseEvent")},
    "paradata": _ref("Paradata"),
}
"""What the supervisor's case answer gains from the events (openapi_supervisor's ``Case``)."""
