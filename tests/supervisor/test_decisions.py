"""Approve and return over the API (issue 19 §3 and "Bad input"), on both backends: a decision
is stored once per decision UUID however often it is sent, reaches the enumerator's device
through ``GET /returns``, and is refused whole (nothing stored) when the case moved on, an item
does not fit, the body is malformed or huge, or the case is another supervisor's."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

import httpx

from tests.supervisor.conftest import SUP, V1, Office, conforms, household


def _body(revision: int = 1, **extra: Any) -> dict[str, Any]:
    return {"decision_uuid": str(uuid.uuid4()), "revision": revision, **extra}


def _post(c: httpx.Client, path: str, raw: bytes, **headers: str) -> httpx.Response:
    h = {"Content-Type": "application/json", **headers}
    return conforms(c.post(f"{SUP}{path}", content=raw, headers=h))


def test_a_decision_sent_again_is_stored_once_and_reaches_the_device(office: Office) -> None:
    alice = office.client("alice")
    doc = household(office.dwellings["alice"][0])
    case = office.upload(alice, doc)
    second = doc["persons"][1]["uuid"]
    boss = office.client("boss")
    body = _body(
        comment="D5 与证件不符，请核实",
        items=[{"person_uuid": second, "item_id": "D5"}, {"person_uuid": "", "item_id": "H6"}],
    )
    first = conforms(boss.post(f"{SUP}/cases/{case}/return", json=body))
    assert first.status_code == 201 and first.json()["status"] == "stored"
    for _ in range(3):  # an offline queue sending it again
        again = conforms(boss.post(f"{SUP}/cases/{case}/return", json=body))
        assert again.status_code == 200 and again.json() == {**first.json(), "status": "duplicate"}
    assert len(office.db.rows("reviews")) == 1 and office.db.decisions_of("boss") == 1
    reused = conforms(boss.post(f"{SUP}/cases/{case}/return", json={**body, "comment": "另一个"}))
    assert (reused.status_code, reused.json()["error"]) == (409, "id_reused")
    assert len(office.db.rows("reviews")) == 1
    returns = alice.get(f"{V1}/returns").json()["returns"]
    assert returns == [
        {
            "case_uuid": case,
            "revision": 1,
            "action": "returned",
            "comment": "D5 与证件不符，请核实",
            "at": first.json()["at"],
            "items": [
                {"person_uuid": second, "item_id": "D5"},
                {"person_uuid": "", "item_id": "H6"},
            ],
        }
    ]
    fixed = {**doc, "revision": 2}
    office.upload(alice, fixed)
    approved = conforms(boss.post(f"{SUP}/cases/{case}/approve", json=_body(2)))
    assert approved.status_code == 201 and approved.json()["action"] == "approved"
    assert [r["action"] for r in alice.get(f"{V1}/returns").json()["returns"]] == [
        "returned",
        "approved",
    ]


def test_a_case_that_moved_on_refuses_the_decision(office: Office) -> None:
    alice = office.client("alice")
    doc = household(office.dwellings["alice"][0])
    case = office.upload(alice, doc)
    boss = office.client("boss")
    assert conforms(boss.get(f"{SUP}/cases/{case}")).json()["revision"] == 1
    office.upload(alice, {**doc, "revision": 2})  # meanwhile, on the enumerator's device
    before = office.snapshot()
    for action, extra in (("approve", {}), ("return", {"comment": "核实"})):
        r = conforms(boss.post(f"{SUP}/cases/{case}/{action}", json=_body(1, **extra)))
        assert (r.status_code, r.json()["error"], r.json()["server_revision"]) == (
            409,
            "revision_moved",
            2,
        )
        assert "2" in r.json()["message"]["zh"] and "revision (2)" in r.json()["message"]["en"]
    assert office.snapshot() == before


def test_items_that_do_not_fit_and_bad_bodies_store_nothing(office: Office) -> None:
    alice = office.client("alice")
    doc = household(office.dwellings["alice"][0])
    case = office.upload(alice, doc)
    boss = office.client("boss")
    path = f"/cases/{case}/return"
    before = office.snapshot()
    unfit = [
        [{"person_uuid": "", "item_id": "Q99"}],  # not on the form
        [{"person_uuid": "", "item_id": "D5"}],  # a person item without a person
        [{"person_uuid": doc["persons"][0]["uuid"], "item_id": "H6"}],  # a household item
        [{"person_uuid": "nobody", "item_id": "D5"}],  # not in the household
    ]
    for items in unfit:
        r = conforms(boss.post(f"{SUP}{path}", json=_body(comment="x", items=items)))
        assert (r.status_code, r.json()["error"]) == (422, "bad_items"), items
        assert r.json()["message"]["zh"] and r.json()["message"]["en"]
    blank = conforms(boss.post(f"{SUP}{path}", json=_body(comment="   ")))
    assert (blank.status_code, blank.json()["error"]) == (422, "comment_required")
    malformed: list[Any] = [
        _body(),  # a return needs a comment
        {**_body(comment="x"), "extra": 1},
        {**_body(comment="x"), "revision": True},
        {**_body(comment="x"), "decision_uuid": "not-a-uuid"},
        _body(comment="x", items=[{"person_uuid": "", "item_id": "H6"}] * 51),  # a flood
        _body(comment="x", items=[{"person_uuid": "", "item_id": "H-6"}]),
        [],
    ]
    for body in malformed:
        r = conforms(boss.post(f"{SUP}{path}", json=body))
        assert (r.status_code, r.json()["error"]) == (400, "bad_request"), body
    approve_items = conforms(boss.post(f"{SUP}/cases/{case}/approve", json=_body(items=[])))
    assert approve_items.status_code == 400
    huge = json.dumps(_body(comment="x" * 70_000)).encode()
    assert _post(boss, path, huge).status_code == 413
    bomb = gzip.compress(b" " * (40 * 1024 * 1024))
    assert _post(boss, path, bomb, **{"Content-Encoding": "gzip"}).status_code == 413
    assert _post(boss, path, b"[" * 2000 + b"]" * 2000).status_code == 400
    assert _post(boss, path, b'{"revision": NaN}').status_code == 400
    assert _post(boss, path, b"{}", **{"Content-Type": "text/plain"}).status_code == 415
    nul = _body(comment="a\u0000b")
    assert conforms(boss.post(f"{SUP}{path}", json=nul)).status_code == 422
    assert office.snapshot() == before


def test_another_supervisors_case_is_refused_and_nothing_stored(office: Office) -> None:
    carol = office.client("carol")
    case = office.upload(carol, household(office.dwellings["carol"][0]))
    boss = office.client("boss")
    before = office.snapshot()
    for action, extra in (("approve", {}), ("return", {"comment": "核实"})):
        r = conforms(boss.post(f"{SUP}/cases/{case}/{action}", json=_body(1, **extra)))
        assert (r.status_code, r.json()["error"]) == (403, "not_in_scope")
    assert conforms(boss.get(f"{SUP}/cases/{case}")).status_code == 403
    unknown = conforms(boss.post(f"{SUP}/cases/{uuid.uuid4()}/approve", json=_body()))
    assert (unknown.status_code, unknown.json()["error"]) == (404, "no_case")
    assert office.snapshot() == before
    theirs = conforms(office.client("other").post(f"{SUP}/cases/{case}/approve", json=_body()))
    assert theirs.status_code == 201
