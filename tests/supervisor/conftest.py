"""The real reference server with a supervisor's office, on both storage backends.

Three ready enumerators in their own areas: alice (A) and bob (B) are supervised by ``boss``;
carol (C) by ``other``, another supervisor. The server's clock is a :class:`FakeClock` (stale
devices are tested by moving it). Every answer a test reads can be checked against the OpenAPI
document (:func:`conforms`): the declared status, and the body exactly as its schema says.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest

from census_tui.clock import FakeClock
from census_tui.server.openapi import OPENAPI
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator, add_supervisor
from census_tui.server.storage import Storage
from census_tui.validation.engine import check_household, make_confirmation
from census_tui.validation.household_json import to_json
from tests.server_security.conftest import BACKENDS, open_backend
from tests.sync.support import household_payload
from tests.validation.builders import valid_household

V1 = "/api/v1"
SUP = f"{V1}/supervisor"
AREA_A, AREA_B, AREA_C = "110105001001002", "110105001001003", "110105001001004"
PASSWORDS = {
    "alice": "alice-pass-1",
    "bob": "bob-pass-22",
    "carol": "carol-pass-3",
    "boss": "boss-pass-44",
    "other": "other-pass-5",
}
TABLES = (
    "households",
    "outcomes",
    "reviews",
    "cases",
    "decisions",
    "spot_samples",
    "revisits",
    "supervisor_of",
)


REASON = "宿舍合住 / shared dormitory room"


def household(
    dwelling: str, *, n_persons: int = 3, revision: int = 1, flagged: bool = False
) -> dict[str, Any]:
    """A valid household of ``dwelling`` as uploaded; ``flagged``: with a warning (HH-06, a
    floor area of 2000 m²) the enumerator confirmed with :data:`REASON`."""
    if not flagged:
        _, payload = household_payload(dwelling, n_persons=n_persons, revision=revision)
        doc: dict[str, Any] = json.loads(payload)
        return doc
    hh = valid_household(n_persons, uuid=str(uuid.uuid4()))
    hh.dwelling_id, hh.revision, hh.hh_number = dwelling, revision, 1
    hh.answers["H6"] = 2000
    for finding in check_household(hh):
        hh.confirmations.append(
            make_confirmation(finding, hh, REASON, "alice", "2020-11-02T09:00:00+00:00")
        )
    return to_json(hh)


@dataclass
class Office:
    """A running server (fake clock) with two supervisors over three enumerators."""

    db: Storage
    server: ServerThread
    clock: FakeClock
    dwellings: dict[str, list[str]]

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, account: str) -> httpx.Client:
        """A client logged in as ``account`` (its token in the Authorization header)."""
        c = httpx.Client(base_url=self.url, timeout=30)
        r = c.post(f"{V1}/login", json={"account": account, "password": PASSWORDS[account]})
        assert r.status_code == 200, r.text
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return c

    def upload(self, c: httpx.Client, doc: dict[str, Any]) -> str:
        """An enumerator's upload of a household JSON; its case uuid."""
        r = c.post(f"{V1}/households", json=doc)
        assert r.status_code in (200, 201), r.text
        return str(doc["case_uuid"])

    def snapshot(self) -> dict[str, Any]:
        return {t: self.db.rows(t) for t in TABLES}


@pytest.fixture(params=BACKENDS)
def office(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Office]:
    clock = FakeClock()
    db = open_backend(request, tmp_path, clock)
    dwellings = {
        "alice": add_enumerator(db, "alice", PASSWORDS["alice"], AREA_A, dwellings=6, ready=True),
        "bob": add_enumerator(
            db,
            "bob",
            PASSWORDS["bob"],
            AREA_B,
            dwellings=4,
            ready=True,
            id_number="11010519491231002X",
        ),
        "carol": add_enumerator(
            db,
            "carol",
            PASSWORDS["carol"],
            AREA_C,
            dwellings=3,
            ready=True,
            id_number="110101199003070011",
        ),
    }
    add_supervisor(db, "boss", PASSWORDS["boss"], ["alice", "bob"], ready=True)
    add_supervisor(db, "other", PASSWORDS["other"], ["carol"], ready=True)
    with ServerThread(db) as server:
        yield Office(db, server, clock, dwellings)
    db.close()


def _validator(schema: dict[str, Any]) -> Any:
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "components": OPENAPI["components"],
    }
    return jsonschema_rs.validator_for(doc, validate_formats=True)


def _template(path: str) -> str:
    for template in OPENAPI["paths"]:
        parts, want = template.split("/"), path.split("?")[0].split("/")
        if len(parts) == len(want) and all(
            p == w or p.startswith("{") for p, w in zip(parts, want, strict=True)
        ):
            return str(template)
    raise AssertionError(f"no route {path}")


def conforms(r: httpx.Response) -> httpx.Response:
    """``r`` after checking that its status is declared for its route and its body is exactly
    the declared schema (the same check schemathesis makes)."""
    path = r.request.url.path
    op = OPENAPI["paths"][_template(path)][r.request.method.lower()]
    declared = op["responses"].get(str(r.status_code))
    assert declared is not None, (path, r.status_code, r.text)
    schema = declared["content"]["application/json"]["schema"]
    errors = [str(e) for e in _validator(schema).iter_errors(r.json())]
    assert not errors, (path, r.status_code, errors[:3])
    return r


def valid_request(name: str, doc: Any) -> list[str]:
    """Why ``doc`` is not valid against components/schemas/<name> (empty: valid)."""
    return [str(e) for e in _validator({"$ref": f"#/components/schemas/{name}"}).iter_errors(doc)]
