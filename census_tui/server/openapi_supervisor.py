"""The supervisor's part of the OpenAPI document (routes of ``supervisor.py``; docs/protocol.md
"Supervisor"). ``openapi.py`` merges :data:`SCHEMAS` and :data:`PATHS` into the document it
serves; the request schemas are as strict as ``supervisor.py``'s own checks.

Every route here answers 401 (no valid token), 403 (not a supervisor: ``wrong_role``; first
login unfinished; a case or area outside the caller's scope: ``not_in_scope``) and 503.
"""

from __future__ import annotations

from typing import Any

from census_tui.server.openapi import (
    _BILINGUAL,
    _BOOL,
    _INT,
    _STR,
    MAX_REVISION,
    UUID_PATTERN,
    _answer,
    _obj,
    _op,
    _ref,
)
from census_tui.server.openapi_events import CASE_FIELDS
from census_tui.server.supervisor_store import PROGRESS_STATES

MAX_COMMENT = 2000
MAX_AREAS = 1000
MAX_PERSONS = 100
MAX_COUNT = 10_000
MAX_SEED = 2**63 - 1
MAX_ITEMS = 50
MAX_DWELLINGS = 1000

_UUID = {"type": "string", "pattern": UUID_PATTERN}
_COUNT = {"type": "integer", "minimum": 0}
_STRS = {"type": "array", "items": _STR}
_NULL_INT = {"type": ["integer", "null"]}
_VALUE = {"type": ["integer", "string", "null"]}
_STATES = list(PROGRESS_STATES)


def _list(schema: dict[str, Any] | str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(schema) if isinstance(schema, str) else schema}


def _tallied(**fields: Any) -> dict[str, Any]:
    """An enumerator's or an area's progress: its own fields and the counts."""
    return _obj(
        {
            **fields,
            "counts": _ref("StateCounts"),
            "households": _COUNT,
            "persons": _COUNT,
            "long_form": _obj({"due": _COUNT, "done": _COUNT}),
        }
    )


def _sample(status: bool) -> dict[str, Any]:
    own: dict[str, Any] = {"status": {"enum": ["stored", "duplicate"]}} if status else {}
    return _obj(
        {
            **own,
            "sample_uuid": _UUID,
            "seed": {"type": "integer", "minimum": 0, "maximum": MAX_SEED},
            "created": _STR,
            "percent": {"type": ["number", "null"]},
            "count": _NULL_INT,
            "areas": _list(_obj({"area_id": _STR, "completed": _COUNT, "drawn": _COUNT})),
            "cases": _list(
                _obj(
                    {
                        "case_uuid": _STR,
                        "area_id": _STR,
                        "dwelling_id": _STR,
                        "address": _STR,
                        "revision": _INT,
                        "revisited": _BOOL,
                    }
                )
            ),
        }
    )


SCHEMAS: dict[str, Any] = {
    # -- requests ---------------------------------------------------------------------------
    "ApproveRequest": _obj(
        {
            "decision_uuid": _UUID,
            "revision": {"type": "integer", "minimum": 0, "maximum": MAX_REVISION},
        },
        {"comment": {"type": "string", "maxLength": MAX_COMMENT}},
        description="approve revision `revision` of the case (409 revision_moved when a newer"
        " one was uploaded); idempotent by decision_uuid",
    ),
    "ReturnRequest": _obj(
        {
            "decision_uuid": _UUID,
            "revision": {"type": "integer", "minimum": 0, "maximum": MAX_REVISION},
            "comment": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_COMMENT,
                "description": "what to correct (only spaces: 422 comment_required)",
            },
        },
        {"items": {"type": "array", "maxItems": MAX_ITEMS, "items": _ref("ReturnItem")}},
        description="return revision `revision` to the enumerator pointing at questions"
        " (items that do not fit the form and the household: 422 bad_items); idempotent by"
        " decision_uuid",
    ),
    "SampleRequest": {
        **_obj(
            {"sample_uuid": _UUID},
            {
                "area_ids": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_AREAS,
                    "items": {"type": "string", "minLength": 1, "maxLength": 64},
                    "description": "absent: every area in the caller's scope",
                },
                "percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                "count": {"type": "integer", "minimum": 1, "maximum": MAX_COUNT},
                "seed": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": MAX_SEED,
                    "description": "absent: the server draws one (and records it)",
                },
            },
        ),
        "oneOf": [{"required": ["percent"]}, {"required": ["count"]}],
        "description": "a spot-check sample of completed households per area: a percentage"
        " or a number of each area's; idempotent by sample_uuid. More than an area has: 422"
        " sample_too_large; nothing at all to draw: 422 empty_sample",
    },
    "RevisitPerson": _obj(
        {},
        {
            "D1": {"type": "string", "minLength": 1, "maxLength": 64},
            "D2": {"type": "integer", "minimum": 0, "maximum": 99},
            "D3": {"type": "string", "maxLength": 32},
            "D4": {"type": "integer", "minimum": 0, "maximum": 9},
            "D5": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        },
        description="a person's key items as answered on the re-visit; an item not asked is absent",
    ),
    "RevisitRequest": _obj(
        {
            "revisit_uuid": _UUID,
            "case_uuid": _UUID,
            "person_count": {"type": "integer", "minimum": 0, "maximum": MAX_PERSONS},
            "persons": {
                "type": "array",
                "maxItems": MAX_PERSONS,
                "items": _ref("RevisitPerson"),
            },
        },
        {"note": {"type": "string", "maxLength": MAX_COMMENT}},
        description="a re-visit's answers (二次入户核实); idempotent by revisit_uuid",
    ),
    "AssignRequest": {
        **_obj(
            {"assign_uuid": _UUID, "to": {"type": "string", "minLength": 1, "maxLength": 64}},
            {
                "dwelling_ids": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_DWELLINGS,
                    "items": {"type": "string", "minLength": 1, "maxLength": 64},
                },
                "first": {"type": "string", "minLength": 1, "maxLength": 64},
                "last": {"type": "string", "minLength": 1, "maxLength": 64},
                "confirm": {
                    **_BOOL,
                    "description": "move even when the holder may have work not uploaded",
                },
            },
        ),
        "oneOf": [{"required": ["dwelling_ids"]}, {"required": ["first", "last"]}],
        "description": "give dwellings (a list, or the range first..last of one area) and"
        " their cases to one of the caller's enumerators; idempotent by assign_uuid",
    },
    # -- answers ----------------------------------------------------------------------------
    "Allocation": _obj(
        {
            "status": {"enum": ["stored", "duplicate"]},
            "assign_uuid": _STR,
            "to": _STR,
            "at": _STR,
            "confirmed": _BOOL,
            "dwellings": _list(
                _obj(
                    {
                        "dwelling_id": _STR,
                        "area_id": _STR,
                        "from": {"type": ["string", "null"]},
                        "changed": _BOOL,
                        "cases": _STRS,
                        "unsynced": _STRS,
                    }
                )
            ),
        },
        description="stored 201; duplicate 200. Per dwelling: who held it (null: the area's"
        " enumerators), whether anything changed, the cases whose owner changed, and the"
        " reasons for unsynced work the caller confirmed",
    ),
    "HeldDwellings": _obj(
        {
            "server_time": _STR,
            "area_id": _STR,
            "name": _STR,
            "enumerators": _STRS,
            "dwellings": _list(
                _obj(
                    {
                        "dwelling_id": _STR,
                        "address": _STR,
                        "area_id": _STR,
                        "holder": {"type": ["string", "null"]},
                        "cases": _list(
                            _obj(
                                {
                                    "case_uuid": _STR,
                                    "account": _STR,
                                    "state": {"enum": ["uploaded", "returned", "approved"]},
                                }
                            )
                        ),
                    }
                )
            ),
        },
        description="one area of the caller's scope: each listed dwelling, who holds it (the"
        " one enumerator it was given to; null: the area's enumerators) and its cases (owner,"
        " review state of the latest revision)",
    ),
    "Scope": _obj(
        {
            "account": _STR,
            "enumerators": _list(
                _obj({"account": _STR, "name": _STR, "work_id": _STR, "areas": _STRS})
            ),
            "areas": _list(_obj({"area_id": _STR, "name": _STR, "enumerators": _STRS})),
        }
    ),
    "StateCounts": _obj(
        {"dwellings": _COUNT, **{s: _COUNT for s in _STATES}},
        description="dwellings by state: to_visit (nothing uploaded), uploaded (a household"
        " waiting for review), returned, approved (every household of the dwelling), refused,"
        " vacant, no_contact, appointment (the last visit outcome, no household),"
        " in_progress (a case being interviewed on a device, by its uploaded events)",
    ),
    "Progress": _obj(
        {
            "server_time": _STR,
            "stale_hours": _INT,
            "long_form_tracked": {
                **_BOOL,
                "description": "false while dwellings carry no form_id (long_form is 0/0)",
            },
            "enumerators": _list(
                _tallied(
                    account=_STR,
                    name=_STR,
                    work_id=_STR,
                    areas=_STRS,
                    last_sync={"type": ["string", "null"]},
                    stale=_BOOL,
                )
            ),
            "areas": _list(_tallied(area_id=_STR, name=_STR, enumerators=_STRS)),
        }
    ),
    "QueueEntry": _obj(
        {
            "case_uuid": _STR,
            "revision": _INT,
            "area_id": _STR,
            "dwelling_id": _STR,
            "address": _STR,
            "account": _STR,
            "received": _STR,
            "flagged": _BOOL,
            "flags": _STRS,
            "form_id": _STR,
            "persons": _COUNT,
            "confirmations": _list(
                _obj(
                    {
                        "rule_id": _STR,
                        "person_uuid": _STR,
                        "number": _NULL_INT,
                        "reason": _STR,
                    }
                )
            ),
            "returned_before": _BOOL,
        }
    ),
    "Queue": _obj({"server_time": _STR, "cases": _list("QueueEntry")}),
    "CaseFinding": _obj(
        {
            "rule_id": _STR,
            "severity": {"enum": ["error", "overridable", "warning"]},
            "person_uuid": _STR,
            "items": _STRS,
            "message": _BILINGUAL,
            "status": {"enum": ["error", "unconfirmed", "confirmed"]},
        }
    ),
    "Case": _obj(
        {
            "case_uuid": _STR,
            "area_id": _STR,
            "dwelling_id": _STR,
            "address": _STR,
            "account": _STR,
            "revision": _INT,
            "received": _STR,
            "flagged": _BOOL,
            "flags": _STRS,
            "state": {"enum": ["uploaded", "returned", "approved"]},
            "household": _ref("Household"),
            "persons": _list(_obj({"number": _INT, "person_uuid": _STR})),
            "findings": _list("CaseFinding"),
            "confirmations": _list("Confirmation"),
            "notes": _list("Note"),
            "read_back": {"oneOf": [{"type": "null"}, _obj({"respondent_name": _STR, "at": _STR})]},
            "revisions": _list(
                _obj({"revision": _INT, "received": _STR, "flagged": _BOOL, "flags": _STRS})
            ),
            "reviews": _list(
                _obj(
                    {
                        "revision": _INT,
                        "action": {"enum": ["returned", "approved"]},
                        "comment": _STR,
                        "by": _STR,
                        "at": _STR,
                        "items": _list("ReturnItem"),
                    }
                )
            ),
            "revisits": _list(
                _obj(
                    {
                        "revisit_uuid": _STR,
                        "supervisor": _STR,
                        "revision": _INT,
                        "at": _STR,
                        "differences": _COUNT,
                    }
                )
            ),
            "attempts": _list(_obj({"kind": _STR, "at": _STR, "attempts": _COUNT, "note": _STR})),
            **CASE_FIELDS,
        }
    ),
    "Decision": _obj(
        {
            "status": {"enum": ["stored", "duplicate"]},
            "decision_uuid": _STR,
            "case_uuid": _STR,
            "revision": _INT,
            "action": {"enum": ["returned", "approved"]},
            "cursor": {"type": "string", "pattern": "^[0-9]{1,18}$"},
            "at": _STR,
            "items": _list("ReturnItem"),
        },
        description="stored 201; duplicate 200 (the same decision_uuid and content again:"
        " the first answer, stored once)",
    ),
    "Sample": _sample(status=False),
    "SampleAnswer": _sample(status=True),
    "Samples": _obj({"samples": _list("Sample")}),
    "Difference": _obj(
        {
            "kind": {"enum": ["count", "different", "missing", "extra"]},
            "item_id": _STR,
            "person_uuid": _STR,
            "number": _NULL_INT,
            "revisit_index": _NULL_INT,
            "enumerator": _VALUE,
            "revisit": _VALUE,
        }
    ),
    "RevisitAnswer": _obj(
        {
            "status": {"enum": ["stored", "duplicate"]},
            "revisit_uuid": _STR,
            "case_uuid": _STR,
            "revision": _INT,
            "at": _STR,
            "compared_items": _STRS,
            "differences": _list("Difference"),
            "return_items": _list("ReturnItem"),
        }
    ),
}

_CASE_PARAM = [
    {
        "name": "case_uuid",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": UUID_PATTERN},
    }
]
_NO_CASE = "no such case (or not a case UUID)"


def _read(summary: str, ok: str, *, case: bool = False) -> dict[str, Any]:
    op = _op(summary, ok, errors=("403", "404") if case else ("403",))
    if case:
        op["responses"]["404"] = _answer("404", "Error", _NO_CASE)
        op["parameters"] = _CASE_PARAM
    return op


def _write(summary: str, ok: str, body: str, *, case: bool, no_case: bool = True) -> dict[str, Any]:
    """A POST that is idempotent by a client-chosen UUID: 201 stored, 200 duplicate; 409 for
    a UUID reused with other content (and a decision on a revision that moved); 404 when
    it names a case (``no_case``) the server does not have."""
    errors = ("403", "404", "409", "422") if no_case else ("403", "409", "422")
    op = _op(summary, ok, body=body, errors=errors, ok_status="201")
    op["responses"]["201"]["description"] = "stored"
    op["responses"]["200"] = _answer("200", ok, "duplicate: already stored, the first answer")
    if no_case:
        op["responses"]["404"] = _answer("404", "Error", _NO_CASE)
    op["responses"]["409"] = _answer(
        "409",
        "Error",
        "id_reused (the UUID came with other content) or revision_moved (server_revision:"
        " the newer revision)",
    )
    if case:
        op["parameters"] = _CASE_PARAM
    return op


def _assign() -> dict[str, Any]:
    """``POST /supervisor/assign``: a write like the others, with its own refusals."""
    op = _write(
        "give dwellings and their cases to an enumerator (分配, 移交)",
        "Allocation",
        "AssignRequest",
        case=False,
    )
    op["responses"]["404"] = _answer("404", "Error", "no_dwelling: a dwelling not listed")
    op["responses"]["409"] = _answer(
        "409",
        "Error",
        "id_reused, or unsynced_work (unsynced: the holder may have work not uploaded; send"
        " confirm to move anyway)",
    )
    op["responses"]["422"] = _answer("422", "Error", "bad_range, or bad_text")
    return op


_BASE = "/api/v1/supervisor"
PATHS: dict[str, Any] = {
    f"{_BASE}/scope": {"get": _read("the caller's enumerators and areas", "Scope")},
    f"{_BASE}/progress": {
        "get": {
            **_op(
                "progress per enumerator and per area (dwellings by state, households and"
                " persons, long-form sample, last sync and stale flag)",
                "Progress",
                errors=("400", "403"),
            ),
            "parameters": [
                {
                    "name": "stale_hours",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 8760},
                    "description": "an enumerator whose last sync is older is stale (default 24)",
                }
            ],
        }
    },
    f"{_BASE}/queue": {"get": _read("uploaded cases waiting for review, flagged first", "Queue")},
    f"{_BASE}/cases/{{case_uuid}}": {
        "get": _read("one case: household, findings, history", "Case", case=True)
    },
    f"{_BASE}/cases/{{case_uuid}}/approve": {
        "post": _write("approve a revision (审核通过)", "Decision", "ApproveRequest", case=True)
    },
    f"{_BASE}/cases/{{case_uuid}}/return": {
        "post": _write(
            "return a revision to the enumerator (退回) with a comment and questions",
            "Decision",
            "ReturnRequest",
            case=True,
        )
    },
    f"{_BASE}/sample": {
        "post": _write(
            "draw a reproducible spot-check sample of completed households (抽查)",
            "SampleAnswer",
            "SampleRequest",
            case=False,
            no_case=False,
        )
    },
    f"{_BASE}/samples": {"get": _read("the caller's samples, newest first", "Samples")},
    f"{_BASE}/assign": {"post": _assign()},
    f"{_BASE}/dwellings": {
        "get": {
            **_op(
                "one area's dwellings with who holds each and their cases (分配)",
                "HeldDwellings",
                errors=("400", "403"),
            ),
            "parameters": [
                {
                    "name": "area_id",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                    "description": "an area of the caller's scope (else 403 not_in_scope)",
                }
            ],
        }
    },
    f"{_BASE}/revisits": {
        "post": _write(
            "a re-visit's key items (二次入户核实), answered with the differences",
            "RevisitAnswer",
            "RevisitRequest",
            case=False,
        )
    },
}
