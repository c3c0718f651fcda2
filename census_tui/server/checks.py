"""Server-side checks of one uploaded household: shape, then the logic checks of validation/.

The client runs the same checks before completion; the server runs them again because a client
can be old, buggy or not ours. Errors refuse the upload (422 with the findings); warnings and
overridable errors pass only when the enumerator confirmed them, and are then flagged for the
supervisor (FACTS §7; DESIGN.md Validation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
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
    """The logic checks of ``census_tui.validation`` over the household JSON form."""
    from census_tui.validation.engine import check_household, completion_status
    from census_tui.validation.household_json import from_json

    household = from_json(doc)
    status = completion_status(household, check_household(household))
    out = Checked()
    out.errors = [f.to_dict() for f in (*status.errors, *status.unconfirmed)]
    out.flags = sorted({f.rule_id for f in status.confirmed})
    return out
