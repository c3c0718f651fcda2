"""The OpenAPI document itself: every refusal declared with its body, and the request schemas
taking what the real client sends (a schema stricter than the client would make the server
look wrong for doing its job). The live check of the server against it is
test_conformance.py."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest

from census_tui.server import app
from census_tui.server.openapi import OPENAPI, SCHEMAS
from census_tui.validation.household_json import to_json
from tests.validation.builders import valid_household

DB_FREE = {("/api/v1/time", "get"), ("/api/v1/openapi.json", "get")}
OPERATIONS = [
    (path, method, op) for path, ops in OPENAPI["paths"].items() for method, op in ops.items()
]


def _valid(name: str, doc: Any) -> list[str]:
    """Why ``doc`` is not valid against components/schemas/<name> (empty: valid)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{name}",
        "components": OPENAPI["components"],
    }
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    return [str(e) for e in validator.iter_errors(doc)]


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=lambda v: str(v)[:40])
def test_every_status_is_declared_with_its_body(path: str, method: str, op: dict[str, Any]) -> None:
    codes = set(op["responses"])
    if "security" in op:
        assert "401" in codes
    if "requestBody" in op:
        assert {"400", "413", "415"} <= codes
    if (path, method) not in DB_FREE:
        assert "503" in codes  # the database may be unavailable
    for status, answer in op["responses"].items():
        schema = answer["content"]["application/json"]["schema"]
        if status >= "400" and status != "409":  # a 409 is an upload's own result
            refs = [s["$ref"] for s in schema.get("anyOf", [schema])]
            assert "#/components/schemas/Error" in refs, (path, status)
    if "429" in codes:
        assert op["responses"]["429"]["headers"]["Retry-After"]["required"] is True


def test_the_document_is_json_and_matches_the_app() -> None:
    assert json.loads(json.dumps(OPENAPI)) == OPENAPI
    assert SCHEMAS["HouseholdBatch"]["properties"]["items"]["maxItems"] == app.MAX_BATCH
    assert SCHEMAS["OutcomeBatch"]["properties"]["items"]["maxItems"] == app.MAX_BATCH
    kinds = SCHEMAS["Outcome"]["properties"]["kind"]["enum"]
    assert set(kinds) == set(app.OUTCOME_KINDS)


def test_what_the_client_sends_is_valid() -> None:
    hh = valid_household(4, uuid="6f1c2b9e-4a51-4d3e-9a77-0c2d1e5f8a90")
    hh.dwelling_id = "110105001001002-001"
    assert _valid("Household", to_json(hh)) == []
    assert _valid("HouseholdBatch", {"items": [to_json(hh)]}) == []
    outcome = {
        "outcome_uuid": "0b7e6f4a-2f7c-4c55-8e8e-1f2a3b4c5d6e",
        "dwelling_id": "110105001001002-003",
        "kind": "refused",
        "at": "2020-11-02T09:00:00+00:00",
        "attempts": 2,
        "note": "",
        "training": False,
    }  # the keys of census_tui/visit/attempts.py
    assert _valid("Outcome", outcome) == []
    assert _valid("Login", {"account": "pc0001", "password": "census2020"}) == []
    assert _valid("PasswordChange", {"old_password": "a", "new_password": "fresh-pass-9"}) == []
    assert _valid("RealName", {"name": "演示普查员", "id_number": "110101199003070011"}) == []


@pytest.mark.parametrize(
    ("name", "doc"),
    [
        ("Login", {"account": "a", "password": "b", "extra": 1}),
        ("Login", {"account": "", "password": "b"}),
        ("PasswordChange", {"old_password": "a", "new_password": "short1"}),
        ("HouseholdBatch", {"items": []}),
        ("HouseholdBatch", {"items": [{}], "more": True}),
        ("Household", {"schema": "census-tui/household"}),
    ],
)
def test_what_the_server_refuses_is_invalid(name: str, doc: Any) -> None:
    assert _valid(name, doc)


def test_a_schema_or_path_defined_twice_is_refused() -> None:
    """The supervisor's and the events' modules add to the document; a name already there would
    replace a schema other answers are checked against, so merging refuses it."""
    from census_tui.server.openapi import OPENAPI, SCHEMAS, merge

    before = (dict(SCHEMAS), dict(OPENAPI["paths"]))
    with pytest.raises(ValueError, match="schema defined twice: Error"):
        merge({"Error": {}}, {})
    with pytest.raises(ValueError, match="path defined twice"):
        merge({}, {next(iter(OPENAPI["paths"])): {}})
    assert (dict(SCHEMAS), dict(OPENAPI["paths"])) == before


def test_schema_steps_are_numbered_one_to_n() -> None:
    """Databases apply the steps they lack by position: a step inserted before an applied one,
    or a gap, would be skipped on an existing database."""
    from census_tui.server.migrations import LATEST, STEPS

    assert [s.version for s in STEPS] == list(range(1, len(STEPS) + 1)) and len(STEPS) == LATEST
