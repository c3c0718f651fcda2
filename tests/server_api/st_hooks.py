"""Schemathesis hooks for the runs of tests/server_api/stlive.py (loaded by the schemathesis CLI
through ``SCHEMATHESIS_HOOKS``).

* Auth: the bearer token of a logged-in enumerator on every authenticated operation, and for
  ``POST /logout`` a spare token of its own, so that fuzzing the logout never revokes the token
  the other operations use. The tokens come from the environment (made by logging in before the
  run, so login throttling during the run cannot starve it); when the spares run out, logout
  gets a token that was never issued (a 401, as declared).
* Explicit examples: requests no generator finds by chance, so that the success answers are
  checked against their schemas too: real households of the caller's dwellings (stored 201,
  the same again 200, the same revision changed 409), one of another enumerator's dwelling
  (403), training data (422), a batch mixing them, a visit outcome, and the caller's own area.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis

from tests.sync.support import household_payload

MAIN = os.environ.get("CENSUS_ST_TOKEN", "")
SPARES = [t for t in os.environ.get("CENSUS_ST_SPARE_TOKENS", "").split(",") if t]
OWN = json.loads(os.environ.get("CENSUS_ST_OWN", "{}"))
"""``{"area": ..., "dwellings": [...], "other_dwelling": ...}`` of the run's server."""


@schemathesis.auth(refresh_interval=None, retry_on=[])
class Tokens:
    def get(self, case: Any, ctx: Any) -> str:
        return MAIN

    def set(self, case: Any, data: str, ctx: Any) -> None:
        token = data
        if case.path.endswith("/logout"):
            token = SPARES.pop() if SPARES else "spent-" + "x" * 40
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


def _household(dwelling: str, **kw: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(household_payload(dwelling, **kw)[1])
    return doc


def _authed(case: Any) -> Any:
    """An explicit case with the caller's token, marked as real credentials the way the auth
    provider marks its cases (explicit cases do not pass through it), so that the ignored-auth
    check probes it without the token instead of taking the token for a generated one."""
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {MAIN}"}
    case._has_explicit_auth = True
    return case


@schemathesis.hook
def before_add_examples(context: Any, examples: list[Any]) -> None:
    if not OWN:
        return
    op = context.operation
    method, path = op.method.upper(), op.path
    mine, theirs = OWN["dwellings"], OWN["other_dwelling"]
    if (method, path) == ("POST", "/api/v1/households"):
        new = _household(mine[0])
        changed = {**new, "answers": {**new["answers"], "H6": 12345}}
        for body in (
            new,  # stored
            new,  # duplicate
            changed,  # conflict: the same revision, other content
            _household(theirs),  # forbidden: another enumerator's dwelling
            _household(mine[1], training=True),  # training data on a real server
        ):
            examples.append(_authed(op.Case(body=body, media_type="application/json")))
    elif (method, path) == ("POST", "/api/v1/households/batch"):
        body = {"items": [_household(mine[2]), {"not": "a household"}, _household(mine[3])]}
        examples.append(_authed(op.Case(body=body, media_type="application/json")))
    elif (method, path) == ("POST", "/api/v1/outcomes"):
        outcome = {
            "outcome_uuid": "0b7e6f4a-2f7c-4c55-8e8e-1f2a3b4c5d6e",
            "dwelling_id": mine[4],
            "kind": "refused",
            "at": "2020-11-02T09:00:00+00:00",
            "attempts": 1,
            "note": "",
            "training": False,
        }
        examples.append(_authed(op.Case(body={"items": [outcome]}, media_type="application/json")))
    elif (method, path) == ("GET", "/api/v1/areas/{area_id}/dwellings"):
        examples.append(_authed(op.Case(path_parameters={"area_id": OWN["area"]})))
