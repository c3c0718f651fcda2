"""Allocation on the server (issue 20 §1-§2), on both backends: a supervisor gives a dwelling
to another enumerator with its case; the new holder's ``GET /assignments`` carries the dwelling,
its area and the whole case, the former holder's carries it in ``withdrawn``; the former holder
can no longer upload it, the new one can; the move is stored once per ``assign_uuid``; a move
over work the server knows is not uploaded needs ``confirm``; and the authorization matrix:
every refusal stores nothing. Every answer is checked against the OpenAPI document."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.server_security.test_events_route import event
from tests.supervisor.conftest import AREA_A, AREA_B, SUP, V1, Office, conforms, household


def _assign(c: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return conforms(c.post(f"{SUP}/assign", json=body))


def _assignments(c: httpx.Client, since: str = "0") -> dict[str, Any]:
    r = conforms(c.get(f"{V1}/assignments", params={"since": since}))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_a_move_carries_the_case_and_takes_it_away(office: Office) -> None:
    alice, bob, boss = office.client("alice"), office.client("bob"), office.client("boss")
    dwelling = office.dwellings["alice"][0]
    doc = household(dwelling)
    case = office.upload(alice, doc)
    a_cursor, b_cursor = _assignments(alice)["cursor"], _assignments(bob)["cursor"]

    booked = event(dwelling)  # alice's appointment there, uploaded before the move
    r = conforms(alice.post(f"{V1}/events", json={"items": [booked]}))
    assert [x["status"] for x in r.json()["results"]] == ["stored"], r.text

    body = {"assign_uuid": str(uuid.uuid4()), "to": "bob", "dwelling_ids": [dwelling]}
    r = _assign(boss, body)
    assert r.status_code == 201, r.text
    moved = r.json()
    assert moved["dwellings"] == [
        {
            "dwelling_id": dwelling,
            "area_id": AREA_A,
            "from": None,
            "changed": True,
            "cases": [case],
            "unsynced": [],
        }
    ]
    again = _assign(boss, body)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    reused = _assign(boss, {**body, "to": "alice"})
    assert reused.status_code == 409 and reused.json()["error"] == "id_reused"
    assert len(office.db.dwelling_moves(dwelling)) == 1

    got = _assignments(bob, b_cursor)
    assert [d["dwelling_id"] for d in got["dwellings"]] == [dwelling]
    assert AREA_A in [a["area_id"] for a in got["areas"]]
    [sent] = got["cases"]
    assert sent["case_uuid"] == case and sent["revision"] == 1 and sent["state"] == "uploaded"
    assert sent["household"]["persons"] == doc["persons"] and sent["return"] is None
    assert [e["event_uuid"] for e in sent["history"]["events"]] == [booked["event_uuid"]]
    assert _assignments(alice, a_cursor)["withdrawn"] == [dwelling]
    assert dwelling not in [d["dwelling_id"] for d in _assignments(alice)["dwellings"]]
    r = conforms(alice.get(f"{V1}/areas/{AREA_A}/dwellings"))
    assert dwelling not in [d["dwelling_id"] for d in r.json()["dwellings"]]

    late = conforms(alice.post(f"{V1}/households", json={**doc, "revision": 2}))
    assert late.status_code == 403, late.text
    new_case = household(dwelling)
    refused = conforms(alice.post(f"{V1}/households", json=new_case))
    assert refused.status_code == 403  # a new household there is not alice's either
    ok = conforms(bob.post(f"{V1}/households", json={**sent["household"], "revision": 2}))
    assert ok.status_code == 201, ok.text
    assert office.db.case_area(case) == AREA_A  # the case keeps its area (and its scope)
    # nor may alice report visits there any more: the dwelling is bob's, in alice's own area
    visit = event(dwelling)
    events = office.db.rows("events")
    r = conforms(alice.post(f"{V1}/events", json={"items": [visit]}))
    assert r.status_code == 200 and [x["code"] for x in r.json()["results"]] == [403], r.text
    assert office.db.rows("events") == events
    r = conforms(bob.post(f"{V1}/events", json={"items": [visit]}))
    assert [x["status"] for x in r.json()["results"]] == ["stored"], r.text
    fresh = _assignments(bob)  # a new device of bob: everything bob owns
    assert [c["revision"] for c in fresh["cases"]] == [2]


def test_returns_follow_the_case_to_its_new_owner(office: Office) -> None:
    alice, bob, boss = office.client("alice"), office.client("bob"), office.client("boss")
    dwelling = office.dwellings["alice"][1]
    case = office.upload(alice, household(dwelling))
    decision = {
        "decision_uuid": str(uuid.uuid4()),
        "revision": 1,
        "comment": "核实 H6",
        "items": [{"person_uuid": "", "item_id": "H6"}],
    }
    r = conforms(boss.post(f"{SUP}/cases/{case}/return", json=decision))
    assert r.status_code == 201, r.text
    body = {"assign_uuid": str(uuid.uuid4()), "to": "bob", "dwelling_ids": [dwelling]}
    before = office.snapshot()
    refused = _assign(boss, body)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "unsynced_work"
    assert refused.json()["unsynced"] == [
        {"dwelling_id": dwelling, "accounts": ["alice"], "reasons": ["returned_not_uploaded"]}
    ]
    assert office.snapshot() == before and office.db.dwelling_moves(dwelling) == []
    r = _assign(boss, {**body, "confirm": True})
    assert r.status_code == 201, r.text
    assert r.json()["dwellings"][0]["unsynced"] == ["returned_not_uploaded"]
    [sent] = _assignments(bob)["cases"]
    assert sent["state"] == "returned"
    assert sent["return"]["comment"] == "核实 H6"
    assert sent["return"]["items"] == [{"person_uuid": "", "item_id": "H6"}]
    returns = conforms(bob.get(f"{V1}/returns")).json()["returns"]
    assert [x["case_uuid"] for x in returns] == [case]
    assert conforms(alice.get(f"{V1}/returns")).json()["returns"] == []


def test_a_visit_after_the_upload_needs_confirmation(office: Office) -> None:
    alice, boss = office.client("alice"), office.client("boss")
    dwelling = office.dwellings["alice"][2]
    outcome = {
        "outcome_uuid": str(uuid.uuid4()),
        "dwelling_id": dwelling,
        "kind": "no_contact",
        "at": "2020-11-02T09:00:00+00:00",
        "attempts": 1,
        "note": "",
        "training": False,
    }
    r = conforms(alice.post(f"{V1}/outcomes", json={"items": [outcome]}))
    assert r.json()["results"][0]["status"] == "stored", r.text
    body = {"assign_uuid": str(uuid.uuid4()), "to": "bob", "dwelling_ids": [dwelling]}
    refused = _assign(boss, body)
    assert refused.status_code == 409
    assert refused.json()["unsynced"][0]["reasons"] == ["visit_after_upload"]


def test_a_range_moves_each_dwelling_between(office: Office) -> None:
    boss, bob = office.client("boss"), office.client("bob")
    ids = office.dwellings["alice"]
    body = {"assign_uuid": str(uuid.uuid4()), "to": "bob", "first": ids[1], "last": ids[3]}
    r = _assign(boss, body)
    assert r.status_code == 201, r.text
    assert [d["dwelling_id"] for d in r.json()["dwellings"]] == ids[1:4]
    mine = {d["dwelling_id"] for d in _assignments(bob)["dwellings"]}
    assert set(ids[1:4]) <= mine and ids[0] not in mine


def test_who_may_assign_what(office: Office) -> None:
    """The matrix: each refusal with its code, nothing stored."""
    a0, c0 = office.dwellings["alice"][0], office.dwellings["carol"][0]
    boss, other, alice = office.client("boss"), office.client("other"), office.client("alice")
    anonymous = httpx.Client(base_url=office.url, timeout=30)
    before = office.snapshot()
    moves_before = office.db.rows("dwelling_moves")

    def body(**kw: Any) -> dict[str, Any]:
        return {"assign_uuid": str(uuid.uuid4()), "to": "bob", "dwelling_ids": [a0], **kw}

    cases: list[tuple[httpx.Client, dict[str, Any] | bytes, int, str]] = [
        (anonymous, body(), 401, "unauthorized"),
        (alice, body(), 403, "wrong_role"),
        (other, body(), 403, "not_in_scope"),  # another supervisor's enumerators
        (other, body(to="carol"), 403, "not_in_scope"),  # alice's dwelling, carol in scope
        (boss, body(dwelling_ids=[c0]), 403, "not_in_scope"),  # carol's dwelling
        (boss, body(to="carol"), 403, "not_in_scope"),  # not boss's enumerator
        (boss, body(to="boss"), 403, "not_in_scope"),
        (boss, body(dwelling_ids=[f"{AREA_A}-999"]), 404, "no_dwelling"),
        (
            boss,
            body(dwelling_ids=None, first=a0, last=office.dwellings["bob"][0]),
            422,
            "bad_range",
        ),
        (
            boss,
            body(dwelling_ids=None, first=office.dwellings["alice"][3], last=a0),
            422,
            "bad_range",
        ),
        (boss, body(first=a0, last=a0), 400, "bad_request"),
        (boss, body(dwelling_ids=[]), 400, "bad_request"),
        (boss, body(confirm="yes"), 400, "bad_request"),
        (boss, body(extra=1), 400, "bad_request"),
        (boss, body(to="bob\x00"), 422, "bad_text"),
        (boss, b"[" * 100 + b"]" * 100, 400, "too_deep"),
        (boss, b"{" + b'"a":"' + b"x" * 70000 + b'"}', 413, "too_large"),
    ]
    for client, request, status, code in cases:
        if isinstance(request, dict):
            request = {k: v for k, v in request.items() if v is not None}
            r = conforms(client.post(f"{SUP}/assign", json=request))
        else:
            r = conforms(
                client.post(
                    f"{SUP}/assign", content=request, headers={"Content-Type": "application/json"}
                )
            )
        assert (r.status_code, r.json()["error"]) == (status, code), (request, r.text)
    assert office.snapshot() == before
    assert office.db.rows("dwelling_moves") == moves_before == []
    assert office.db.rows("allocations") == []
    assert AREA_B  # bob's own area is untouched
