"""Spot-check samples and re-visits over the API (issue 19 §4), on both backends: a sample is
the documented draw of the completed households and is kept with its seed, once per sample
UUID; too large or empty draws and areas outside the scope are refused with nothing stored; a
re-visit is answered with its differences, which become a return as they are."""

from __future__ import annotations

import uuid
from fractions import Fraction
from typing import Any

from census_tui.server.spotcheck import draw
from tests.supervisor.conftest import (
    AREA_A,
    AREA_C,
    SUP,
    Office,
    conforms,
    household,
)

AREA_B = "110105001001003"


def _sample(**kw: Any) -> dict[str, Any]:
    return {"sample_uuid": str(uuid.uuid4()), **kw}


def test_a_sample_is_the_documented_draw_kept_with_its_seed(office: Office) -> None:
    alice, bob = office.client("alice"), office.client("bob")
    mine = [office.upload(alice, household(d)) for d in office.dwellings["alice"][:5]]
    theirs = [office.upload(bob, household(d)) for d in office.dwellings["bob"][:2]]
    boss = office.client("boss")
    body = _sample(percent=50, seed=20201101)
    first = conforms(boss.post(f"{SUP}/sample", json=body))
    assert first.status_code == 201, first.text
    got = first.json()
    expected = draw({AREA_A: mine, AREA_B: theirs}, 20201101, percent=Fraction(50))
    assert [c["case_uuid"] for c in got["cases"]] == expected[AREA_A] + expected[AREA_B]
    assert got["areas"] == [
        {"area_id": AREA_A, "completed": 5, "drawn": 3},
        {"area_id": AREA_B, "completed": 2, "drawn": 1},
    ]
    assert (got["seed"], got["percent"], got["count"]) == (20201101, 50, None)
    assert all(c["address"].startswith("测试路") and not c["revisited"] for c in got["cases"])
    again = conforms(boss.post(f"{SUP}/sample", json=body))  # sent twice: kept once
    assert again.status_code == 200 and again.json() == {**got, "status": "duplicate"}
    redrawn = conforms(boss.post(f"{SUP}/sample", json={**body, "sample_uuid": str(uuid.uuid4())}))
    assert redrawn.json()["cases"] == got["cases"]  # the same seed, the same households
    one = conforms(boss.post(f"{SUP}/sample", json=_sample(area_ids=[AREA_B], count=2)))
    assert one.status_code == 201 and 0 <= one.json()["seed"] < 2**63  # drawn by the server
    assert sorted(c["case_uuid"] for c in one.json()["cases"]) == sorted(theirs)
    listed = conforms(boss.get(f"{SUP}/samples")).json()["samples"]
    assert len(listed) == 3 and len(office.db.rows("spot_samples")) == 3
    assert {s["sample_uuid"] for s in listed} == {
        body["sample_uuid"],
        redrawn.json()["sample_uuid"],
        one.json()["sample_uuid"],
    }
    assert conforms(office.client("other").get(f"{SUP}/samples")).json() == {"samples": []}


def test_impossible_samples_are_refused_and_nothing_stored(office: Office) -> None:
    alice = office.client("alice")
    office.upload(alice, household(office.dwellings["alice"][0]))
    boss = office.client("boss")
    before = office.snapshot()
    big = conforms(boss.post(f"{SUP}/sample", json=_sample(area_ids=[AREA_A], count=2)))
    assert (big.status_code, big.json()["error"]) == (422, "sample_too_large")
    assert AREA_A in big.json()["message"]["en"] and "only 1" in big.json()["message"]["en"]
    empty = conforms(boss.post(f"{SUP}/sample", json=_sample(area_ids=[AREA_B], percent=10)))
    assert (empty.status_code, empty.json()["error"]) == (422, "empty_sample")
    outside = conforms(boss.post(f"{SUP}/sample", json=_sample(area_ids=[AREA_A, AREA_C], count=1)))
    assert (outside.status_code, outside.json()["error"]) == (403, "not_in_scope")
    for bad in (
        _sample(),  # neither percent nor count
        _sample(percent=10, count=1),
        _sample(percent=0),
        _sample(percent=100.5),
        _sample(count=0),
        _sample(count=1, seed=-1),
        _sample(count=1, area_ids=[]),
        _sample(count=1, area_ids=["x" * 65]),
        _sample(count=1, area_ids=[AREA_A] * 1001),  # a flood of areas
    ):
        r = conforms(boss.post(f"{SUP}/sample", json=bad))
        assert (r.status_code, r.json()["error"]) == (400, "bad_request"), bad
    assert office.snapshot() == before


def test_a_revisit_lists_the_differences_and_they_become_a_return(office: Office) -> None:
    alice = office.client("alice")
    doc = household(office.dwellings["alice"][0], n_persons=3)
    case = office.upload(alice, doc)
    persons = sorted(doc["persons"], key=lambda p: p["position"])
    again = [{k: p["answers"][k] for k in ("D1", "D2", "D3", "D4", "D5")} for p in persons]
    again[1]["D5"] = "1999-01"
    del again[2]  # the third person was not found on the re-visit
    boss = office.client("boss")
    body = {
        "revisit_uuid": str(uuid.uuid4()),
        "case_uuid": case,
        "person_count": 2,
        "persons": again,
    }
    first = conforms(boss.post(f"{SUP}/revisits", json=body))
    assert first.status_code == 201, first.text
    got = first.json()
    assert [(d["kind"], d["item_id"], d["number"]) for d in got["differences"]] == [
        ("count", "#persons", None),
        ("different", "D5", 2),
        ("missing", "D1", 3),
    ]
    assert got["differences"][1]["revisit"] == "1999-01"
    assert got["return_items"] == [
        {"person_uuid": "", "item_id": "H2a"},
        {"person_uuid": "", "item_id": "H2b"},
        {"person_uuid": persons[1]["uuid"], "item_id": "D5"},
        {"person_uuid": persons[2]["uuid"], "item_id": "D1"},
    ]
    replay = conforms(boss.post(f"{SUP}/revisits", json=body))
    assert replay.status_code == 200 and replay.json() == {**got, "status": "duplicate"}
    assert len(office.db.rows("revisits")) == 1
    back = conforms(
        boss.post(
            f"{SUP}/cases/{case}/return",
            json={
                "decision_uuid": str(uuid.uuid4()),
                "revision": got["revision"],
                "comment": "复查不一致 / the re-visit differs",
                "items": got["return_items"],
            },
        )
    )
    assert back.status_code == 201 and back.json()["items"] == got["return_items"]
    shown = conforms(boss.get(f"{SUP}/cases/{case}")).json()
    assert [(r["revisit_uuid"], r["differences"]) for r in shown["revisits"]] == [
        (body["revisit_uuid"], 3)
    ]
    sampled = conforms(boss.post(f"{SUP}/sample", json=_sample(area_ids=[AREA_A], count=1)))
    assert sampled.json()["cases"][0]["revisited"] is True


def test_a_revisit_outside_the_scope_or_malformed_stores_nothing(office: Office) -> None:
    carol = office.client("carol")
    theirs = office.upload(carol, household(office.dwellings["carol"][0]))
    boss = office.client("boss")
    before = office.snapshot()
    base = {
        "revisit_uuid": str(uuid.uuid4()),
        "case_uuid": theirs,
        "person_count": 1,
        "persons": [],
    }
    r = conforms(boss.post(f"{SUP}/revisits", json=base))
    assert (r.status_code, r.json()["error"]) == (403, "not_in_scope")
    r = conforms(boss.post(f"{SUP}/revisits", json={**base, "case_uuid": str(uuid.uuid4())}))
    assert (r.status_code, r.json()["error"]) == (404, "no_case")
    for bad in (
        {**base, "persons": [{"D9": 1}]},
        {**base, "persons": [{"D5": "1990-3"}]},
        {**base, "persons": [{"D4": True}]},
        {**base, "person_count": 101},
        {**base, "persons": [{}] * 101},
        {**base, "note": "x" * 2001},
    ):
        r = conforms(boss.post(f"{SUP}/revisits", json=bad))
        assert (r.status_code, r.json()["error"]) == (400, "bad_request"), bad
    assert office.snapshot() == before
