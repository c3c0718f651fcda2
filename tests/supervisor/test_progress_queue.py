"""Progress, the review queue and the case view (issue 19 §2 and §3), on both backends: the
counts of every dwelling state, households and persons from the latest revisions, the last
sync time with its stale mark, flagged cases first with the enumerator's reasons, and a case
with its findings re-run, its confirmations and its history."""

from __future__ import annotations

import uuid
from typing import Any

from tests.supervisor.conftest import (
    AREA_A,
    REASON,
    SUP,
    V1,
    Office,
    conforms,
    household,
)


def _outcome(dwelling: str, kind: str, hour: int = 9) -> dict[str, Any]:
    return {
        "outcome_uuid": str(uuid.uuid4()),
        "dwelling_id": dwelling,
        "kind": kind,
        "at": f"2020-11-02T{hour:02d}:00:00+00:00",
        "attempts": 2,
        "note": "",
        "training": False,
    }


def _decide(office: Office, case: str, action: str, revision: int = 1) -> None:
    body: dict[str, Any] = {"decision_uuid": str(uuid.uuid4()), "revision": revision}
    if action == "return":
        body["comment"] = "请核实 / check"
    r = office.client("boss").post(f"{SUP}/cases/{case}/{action}", json=body)
    assert r.status_code == 201, r.text


def test_progress_counts_every_state_and_marks_stale_devices(office: Office) -> None:
    alice, d = office.client("alice"), office.dwellings["alice"]
    office.upload(alice, household(d[0], n_persons=2))
    office.upload(alice, household(d[1], n_persons=3, flagged=True))
    returned = office.upload(alice, household(d[2], n_persons=4))
    approved = office.upload(alice, household(d[3], n_persons=1))
    found = office.upload(alice, household(f"{AREA_A}-N0001", n_persons=2))  # found on site
    r = alice.post(
        f"{V1}/outcomes",
        json={"items": [_outcome(d[4], "refused", 10), _outcome(d[4], "no_contact", 9)]},
    )
    assert r.status_code == 200
    _decide(office, returned, "return")
    _decide(office, approved, "approve")
    _decide(office, found, "approve")
    boss = office.client("boss")
    got = conforms(boss.get(f"{SUP}/progress")).json()
    assert got["long_form_tracked"] is True and got["stale_hours"] == 24
    a, b = got["enumerators"]
    assert (a["account"], a["stale"], a["last_sync"]) == ("alice", False, got["server_time"])
    assert a["counts"] == {
        "dwellings": 7,
        "to_visit": 1,
        "uploaded": 2,
        "returned": 1,
        "approved": 2,
        "refused": 1,
        "vacant": 0,
        "no_contact": 0,
        "appointment": 0,
        "in_progress": 0,
    }
    assert (a["households"], a["persons"], a["long_form"]) == (5, 12, {"due": 0, "done": 0})
    assert (b["account"], b["stale"], b["last_sync"]) == ("bob", True, None)  # never synced
    assert b["counts"]["to_visit"] == b["counts"]["dwellings"] == 4
    assert [x["area_id"] for x in got["areas"]] == [AREA_A, "110105001001003"]
    assert got["areas"][0]["counts"] == a["counts"]
    office.clock.advance(25 * 3600)
    boss, alice = office.client("boss"), office.client("alice")  # the sessions expired
    late = conforms(boss.get(f"{SUP}/progress")).json()["enumerators"][0]
    assert late["stale"] is True and late["last_sync"] == a["last_sync"]
    lenient = conforms(boss.get(f"{SUP}/progress", params={"stale_hours": "48"})).json()
    assert lenient["enumerators"][0]["stale"] is False
    for bad in ("0", "8761", "x", "-1", "²"):
        r = conforms(boss.get(f"{SUP}/progress", params={"stale_hours": bad}))
        assert (r.status_code, r.json()["error"]) == (400, "bad_parameter"), bad
    alice.get(f"{V1}/returns")  # a sync call: the device is seen again
    assert conforms(boss.get(f"{SUP}/progress")).json()["enumerators"][0]["stale"] is False


def test_the_queue_has_the_latest_revisions_waiting_flagged_first(office: Office) -> None:
    alice, d = office.client("alice"), office.dwellings["alice"]
    plain = household(d[0])
    office.upload(alice, plain)
    flagged = office.upload(alice, household(d[1], flagged=True))  # uploaded later
    returned = office.upload(alice, household(d[2]))
    approved = office.upload(alice, household(d[3]))
    _decide(office, returned, "return")
    _decide(office, approved, "approve")
    office.upload(alice, {**plain, "revision": 2})  # a second revision: listed once
    boss = office.client("boss")
    cases = conforms(boss.get(f"{SUP}/queue")).json()["cases"]
    assert [(c["case_uuid"], c["revision"]) for c in cases] == [
        (flagged, 1),
        (plain["case_uuid"], 2),
    ]
    assert cases[0]["flagged"] and cases[0]["flags"] == ["HH-06"]
    assert cases[0]["confirmations"] == [
        {"rule_id": "HH-06", "person_uuid": "", "number": None, "reason": REASON}
    ]
    assert not cases[1]["flagged"] and cases[1]["persons"] == 3
    fixed = household(d[2])
    fixed["case_uuid"], fixed["revision"] = returned, 2
    office.upload(alice, fixed)  # the enumerator corrects the returned case
    again = {c["case_uuid"]: c for c in conforms(boss.get(f"{SUP}/queue")).json()["cases"]}
    assert again[returned]["revision"] == 2 and again[returned]["returned_before"]
    assert not again[flagged]["returned_before"] and approved not in again


def test_the_case_view_reruns_the_checks_and_shows_the_history(office: Office) -> None:
    alice, d = office.client("alice"), office.dwellings["alice"]
    flagged = household(d[0], flagged=True)
    case = office.upload(alice, flagged)
    office.upload(alice, household(d[1]))  # the same ID numbers: P-06 across the area
    alice.post(f"{V1}/outcomes", json={"items": [_outcome(d[0], "no_contact")]})
    _decide(office, case, "return")
    office.upload(alice, {**flagged, "revision": 2})
    got = conforms(office.client("boss").get(f"{SUP}/cases/{case}")).json()
    assert (got["revision"], got["state"], got["account"]) == (2, "uploaded", "alice")
    assert got["household"] == {**flagged, "revision": 2}
    assert got["persons"] == [
        {"number": i + 1, "person_uuid": p["uuid"]} for i, p in enumerate(flagged["persons"])
    ]
    status = {(f["rule_id"], f["status"]) for f in got["findings"]}
    assert ("HH-06", "confirmed") in status
    assert ("P-06", "unconfirmed") in status  # found only now, against the other household
    assert got["confirmations"] == flagged["confirmations"]
    assert [r["revision"] for r in got["revisions"]] == [2, 1]
    assert [(r["action"], r["revision"], r["by"]) for r in got["reviews"]] == [
        ("returned", 1, "boss")
    ]
    assert [(a["kind"], a["attempts"]) for a in got["attempts"]] == [("no_contact", 2)]
    missing = conforms(office.client("boss").get(f"{SUP}/cases/{uuid.uuid4()}"))
    assert (missing.status_code, missing.json()["error"]) == (404, "no_case")
    odd = conforms(office.client("boss").get(f"{SUP}/cases/not-a-uuid"))
    assert odd.status_code == 404
