"""Server-side checks of one uploaded household: shape, then the logic checks of validation/
on the household's own form (household JSON versions 1 and 2, docs/household-json.md).

The client runs the same checks before completion; the server runs them again because a client
can be old, buggy or not ours. Errors refuse the upload (422 with the findings); warnings and
overridable errors pass only when the enumerator confirmed them, and are then flagged for the
supervisor (FACTS §7; DESIGN.md Validation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)
"""A UUID string and nothing after it (``$`` would let a trailing newline through)."""
MAX_ITEM_BYTES = 512 * 1024


@dataclass(slots=True)
class Checked:
    """Outcome of the checks: refusing findings, or the flags to keep for the supervisor."""

    errors: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def shape_problem(doc: Any) -> str | None:
    """Why ``doc`` is not an uploadable household (None when its envelope fields are sound)."""
    if not isinstance(doc, dict):
        return "household must be a JSON object"
    uuid = doc.get("case_uuid")
    if not isinstance(uuid, str) or not _UUID.match(uuid):
        return "case_uuid must be a UUID string"
    rev = doc.get("revision")
    if not isinstance(rev, int) or isinstance(rev, bool) or not 0 <= rev < 2**31:
        return "revision must be a non-negative integer"
    dwelling = doc.get("dwelling_id")
    if not isinstance(dwelling, str) or not 0 < len(dwelling) <= 64:
        return "dwelling_id must be a non-empty string"
    if not isinstance(doc.get("training", False), bool):
        return "training must be a boolean"
    return None


def run_logic_checks(doc: dict[str, Any]) -> Checked:
    """The logic checks of ``census_tui.validation`` over the household JSON form (version 1 or
    2), each household on its own form (``form_id``: short2020, long2020, hmt2020).

    A document whose schema version, form or form version this server does not know raises
    ``BadInput`` whose message starts with a code (``JSON-VERSION``, ``FORM-UNKNOWN``,
    ``FORM-VERSION``) and names the JSON path; the app answers it 422 and stores nothing, like
    any document the household JSON reader refuses.
    """
    from census_tui.errors import BadInput
    from census_tui.i18n import Msg
    from census_tui.validation.engine import check_household, completion_status
    from census_tui.validation.household_json import UnknownForm, from_json

    try:
        household = from_json(doc)
    except UnknownForm as err:
        coded = Msg(f"{err.code}: {err.msg.zh}", f"{err.code}: {err.msg.en}")
        raise BadInput(coded) from None
    status = completion_status(household, check_household(household))
    out = Checked()
    out.errors = [f.to_dict() for f in (*status.errors, *status.unconfirmed)]
    out.flags = sorted({f.rule_id for f in status.confirmed})
    return out


_OUTCOME_FIELDS = {
    "outcome_uuid": str,
    "dwelling_id": str,
    "kind": str,
    "at": str,
    "attempts": int,
    "note": str,
    "training": bool,
}


def outcome_problem(doc: dict[str, Any]) -> str | None:
    """Why a visit outcome is not the Outcome of the OpenAPI document (None when it is): its
    known fields only, each of its type (``true`` is not an integer), a dwelling id of at most
    64 characters and a non-negative attempt count."""
    unknown = sorted(set(doc) - set(_OUTCOME_FIELDS))
    if unknown:
        return "unknown fields in the outcome"
    for name, kind in _OUTCOME_FIELDS.items():
        value = doc.get(name, kind())
        if type(value) is not kind:
            return f"{name} has the wrong type"
    if not 0 < len(doc["dwelling_id"]) <= 64:
        return "dwelling_id must be 1-64 characters"
    if doc.get("attempts", 0) < 0:
        return "attempts must not be negative"
    return None
