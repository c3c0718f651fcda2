"""``POST /events`` as an attacker would try it (docs/protocol.md "Events"), on both backends:
another enumerator's dwelling or case, the wrong role, a replay, a reused UUID, a flood, a
huge or deep body, ill-shaped events. Each is refused as documented and nothing is stored."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

from census_tui.server.event_store import MAX_EVENTS
from census_tui.server.events import BODY_LIMIT
from tests.server_security.conftest import PASSWORD_B, PASSWORD_S, V1, Site, post, snapshot
from tests.sync.support import household_payload


def event(dwelling: str, **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "event_uuid": str(uuid.uuid4()),
        "kind": "attempt",
        "at": "2020-11-02T09:00:00+00:00",
        "dwelling_id": dwelling,
        "case_uuid": "",
        "person_uuid": "",
        "item_id": "",
        "training": False,
        "data": {"outcome": "appointment", "channel": "phone"},
    }
    return doc | over


def send(c: Any, *events: dict[str, Any]) -> list[dict[str, Any]]:
    r = post(c, f"{V1}/events", json.dumps({"items": list(events)}).encode())
    assert r.status_code == 200, r.text
    results: list[dict[str, Any]] = r.json()["results"]
    return results


def test_stored_once_and_a_replay_is_a_duplicate(site: Site) -> None:
    alice = site.client()
    ev = event(site.dwellings_a[0])
    assert [r["status"] for r in send(alice, ev)] == ["stored"]
    assert [(r["status"], r["code"]) for r in send(alice, ev, ev)] == [
        ("duplicate", 200),
        ("duplicate", 200),
    ]
    before = snapshot(site.db)
    reused = ev | {"data": {"outcome": "refused", "channel": ""}}
    assert [(r["status"], r["code"]) for r in send(alice, reused)] == [("conflict", 409)]
    assert snapshot(site.db) == before and len(site.db.rows("events")) == 1


def test_another_enumerators_dwelling_or_case_is_forbidden(site: Site) -> None:
    alice, bob = site.client(), site.client("bob", PASSWORD_B)
    case, payload = household_payload(site.dwellings_b[0])
    assert post(bob, f"{V1}/households", payload).status_code == 201
    before = snapshot(site.db)
    found_on_site = event(site.dwellings_b[0].rsplit("-", 1)[0] + "-N0001")
    theirs = event(site.dwellings_a[0], case_uuid=case, kind="note", data={})
    results = send(alice, event(site.dwellings_b[0]), found_on_site, theirs)
    assert [(r["status"], r["code"]) for r in results] == [("forbidden", 403)] * 3
    assert snapshot(site.db) == before
    # bob's own event on his case goes in
    mine = event(site.dwellings_b[0], case_uuid=case, kind="note", data={})
    assert send(bob, mine)[0]["status"] == "stored"


def test_the_wrong_role_and_an_unready_account_are_refused(site: Site) -> None:
    before = snapshot(site.db)
    boss = site.client("boss", PASSWORD_S)
    body = json.dumps({"items": [event(site.dwellings_a[0])]}).encode()
    r = post(boss, f"{V1}/events", body)
    assert r.status_code == 403 and r.json()["error"] == "wrong_role"
    newbie = site.client("newbie", "initial-1")
    r = post(newbie, f"{V1}/events", body)
    assert r.status_code == 403 and r.json()["error"] == "password_change_required"
    assert snapshot(site.db) == before


def test_floods_and_huge_bodies_are_refused_whole(site: Site) -> None:
    alice = site.client()
    before = snapshot(site.db)
    flood = [event(site.dwellings_a[0]) for _ in range(MAX_EVENTS + 1)]
    r = post(alice, f"{V1}/events", json.dumps({"items": flood}).encode())
    assert r.status_code == 400 and r.json()["error"] == "bad_batch"
    assert r.json()["max_batch"] == MAX_EVENTS
    huge = json.dumps({"items": [event(site.dwellings_a[0], item_id="x" * BODY_LIMIT)]})
    assert post(alice, f"{V1}/events", huge.encode()).status_code == 413
    bomb = gzip.compress(b" " * (BODY_LIMIT + 1))
    r = post(alice, f"{V1}/events", bomb, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 413
    assert post(alice, f"{V1}/events", b'{"items": []}').status_code == 400
    assert post(alice, f"{V1}/events", b'{"items": [], "x": 1}').status_code == 400
    deep: Any = {}
    for _ in range(40):
        deep = {"a": deep}
    body = json.dumps({"items": [event(site.dwellings_a[0], data=deep)]}).encode()
    r = post(alice, f"{V1}/events", body)
    assert r.status_code == 400 and r.json()["error"] == "too_deep"
    assert snapshot(site.db) == before


def test_ill_shaped_events_are_invalid_and_nothing_typed_gets_in(site: Site) -> None:
    alice = site.client()
    before = snapshot(site.db)
    dw = site.dwellings_a[0]
    wrong = [
        event(dw, kind="answer_changed", data={"cleared": False, "value": "王秀英"}),
        event(dw, kind="note", data={"text": "邻居说"}),
        event(dw, kind="telepathy", data={}),
        event(dw, data={"outcome": "abducted", "channel": "phone"}),
        event(dw, data={"outcome": "appointment", "channel": "pigeon"}),
        event(dw, at="yesterday"),
        event(dw, case_uuid="not-a-uuid"),
        event(dw, item_id="D1; DROP TABLE"),
        event(dw, training="no"),
        event(dw, extra=1),
        {k: v for k, v in event(dw).items() if k != "data"},
        event(dw, event_uuid="1"),
        event(dw, kind="confirmation", data={"rule_id": "P-03", "reason": "本人确认"}),
        event(dw, dwelling_id="x" * 65),
        event(dw, training=True),
        ["not", "an", "object"],
    ]
    results = send(alice, *wrong)  # type: ignore[arg-type]
    statuses = [r["status"] for r in results]
    assert statuses == ["invalid"] * 14 + ["training_mismatch", "invalid"]
    assert all(r["code"] in (400, 422) for r in results)
    assert snapshot(site.db) == before
