"""What the schemathesis runs showed the server must refuse or take, pinned down one by one on
the real server: exactly the declared fields, JSON numbers as JSON Schema reads them, a UUID
with nothing after it, a household the form cannot read answered 422 (the JSON path, never a
value), visit outcomes as strict as their schema, 405 with ``Allow``. Every refusal is a 4xx
with a reason and stores nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from tests.server_security.conftest import PASSWORD_A, V1, Site, post, site, snapshot
from tests.sync.support import household_payload

__all__ = ["site"]


def _household(site: Site, **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(household_payload(site.dwellings_a[0])[1])
    doc.update(changes)
    return doc


def _result(c: httpx.Client, path: str, body: bytes) -> dict[str, Any]:
    r = post(c, f"{V1}{path}", body)
    assert r.status_code == 200, r.text
    [one] = r.json()["results"]
    return dict(one)


def test_a_method_a_route_does_not_take_is_405_with_allow(site: Site) -> None:
    r = httpx.delete(f"{site.url}{V1}/time")
    assert r.status_code == 405 and "GET" in r.headers["allow"]
    assert r.json()["error"] == "method_not_allowed" and r.json()["message"]["zh"]
    r = httpx.get(f"{site.url}{V1}/households")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    assert httpx.get(f"{site.url}{V1}/nowhere").status_code == 404


def test_bodies_have_exactly_their_fields(site: Site) -> None:
    before = snapshot(site.db)
    anon = httpx.Client(base_url=site.url, timeout=30)
    extra = json.dumps({"account": "alice", "password": PASSWORD_A, "device": "x"}).encode()
    r = post(anon, f"{V1}/login", extra)
    assert r.status_code == 400 and r.json()["error"] == "bad_request", r.text
    alice = site.client()
    items = json.dumps({"items": [_household(site)], "more": 1}).encode()
    for path in ("/households/batch", "/outcomes"):
        r = post(alice, f"{V1}{path}", items)
        assert r.status_code == 400 and r.json()["error"] == "bad_batch", r.text
    assert snapshot(site.db) == before


def test_json_numbers_are_read_as_json_schema_reads_them(site: Site) -> None:
    alice = site.client()
    before = snapshot(site.db)
    too_big = json.dumps(_household(site)).replace('"hh_number": 1', '"hh_number": 1e400')
    assert '"hh_number": 1e400' in too_big
    r = post(alice, f"{V1}/households", too_big.encode())  # would be read as infinity
    assert r.status_code == 400 and r.json()["error"] == "bad_json"
    assert snapshot(site.db) == before
    doc = _household(site)
    integral = json.dumps(doc).replace('"revision": 1,', '"revision": 1.0,')
    assert '"revision": 1.0,' in integral
    r = post(alice, f"{V1}/households", integral.encode())
    assert r.status_code == 201, r.text
    [row] = site.db.households()
    assert json.loads(row["payload"])["revision"] == 1 and row["revision"] == 1


def test_a_uuid_has_nothing_after_it(site: Site) -> None:
    alice = site.client()
    doc = _household(site)
    doc["case_uuid"] += "\n"
    r = post(alice, f"{V1}/households", json.dumps(doc).encode())
    assert r.status_code == 400 and "case_uuid" in r.json()["reason"]
    assert site.db.households() == []


def test_a_household_the_form_cannot_read_is_422_with_its_path(site: Site) -> None:
    alice = site.client()
    doc = _household(site)
    doc["persons"][1]["position"] = 0  # two heads in one place
    doc["persons"][0]["answers"]["D1"] = "金丝雀"
    r = post(alice, f"{V1}/households", json.dumps(doc, ensure_ascii=False).encode())
    assert r.status_code == 422, r.text
    assert r.json()["status"] == "invalid" and "$.persons[1].position" in r.json()["reason"]
    assert "金丝雀" not in r.text  # the path, never a value
    assert site.db.households() == []


def _outcome(site: Site, **changes: Any) -> dict[str, Any]:
    outcome = {
        "outcome_uuid": str(uuid.uuid4()),
        "dwelling_id": site.dwellings_a[2],
        "kind": "vacant",
        "at": "2020-11-02T09:00:00+00:00",
        "attempts": 1,
        "note": "",
        "training": False,
    }
    return {**outcome, **changes}


@pytest.mark.parametrize(
    ("changes", "code", "status"),
    [
        ({"phone": "1"}, 400, "invalid"),  # a field the outcome does not have
        ({"attempts": "many"}, 400, "invalid"),
        ({"attempts": True}, 400, "invalid"),
        ({"attempts": -1}, 400, "invalid"),
        ({"note": 5}, 400, "invalid"),
        ({"dwelling_id": "x" * 65}, 400, "invalid"),
        ({"training": True}, 422, "training_mismatch"),  # training data on a real server
    ],
)
def test_outcomes_are_as_strict_as_their_schema(
    site: Site, changes: dict[str, Any], code: int, status: str
) -> None:
    alice = site.client()
    result = _result(
        alice, "/outcomes", json.dumps({"items": [_outcome(site, **changes)]}).encode()
    )
    assert (result["code"], result["status"]) == (code, status), result
    assert site.db.outcomes() == []
    ok = _result(alice, "/outcomes", json.dumps({"items": [_outcome(site)]}).encode())
    assert ok["code"] == 201 and len(site.db.outcomes()) == 1
