"""Case ownership (issue 18 §5): once stored, a case takes new revisions only from the account
and area that uploaded it, and a revision moves up by at most ``MAX_REVISION_STEP``."""

from __future__ import annotations

import json

from census_tui.server.storage import MAX_REVISION_STEP
from tests.server_security.conftest import PASSWORD_B, V1, Site, post, snapshot
from tests.sync.support import household_payload


def _batch(*payloads: bytes) -> bytes:
    return b'{"items":[' + b",".join(payloads) + b"]}"


def test_another_accounts_case_cannot_be_taken_over(site: Site) -> None:
    alice, bob = site.client(), site.client("bob", PASSWORD_B)
    case, mine = household_payload(site.dwellings_b[0])
    assert post(bob, f"{V1}/households", mine).status_code == 201
    before = snapshot(site.db)
    # alice: bob's case uuid, the largest revision, one of her own dwellings
    fake = json.loads(household_payload(site.dwellings_a[0])[1])
    fake["case_uuid"], fake["revision"] = case, 2**31 - 1
    single = post(alice, f"{V1}/households", json.dumps(fake).encode())
    assert single.status_code == 403 and single.json()["status"] == "forbidden"
    assert "server_revision" not in single.json()  # nothing learnt about bob's case
    fake["revision"] = 2
    batch = post(alice, f"{V1}/households/batch", _batch(json.dumps(fake).encode()))
    assert batch.status_code == 200 and batch.json()["results"][0]["code"] == 403
    assert snapshot(site.db) == before
    # bob still uploads his next revision
    doc = json.loads(mine)
    doc["revision"] = 2
    again = post(bob, f"{V1}/households", json.dumps(doc).encode())
    assert again.status_code == 201 and again.json()["status"] == "stored"


def test_a_case_does_not_move_to_another_area_of_the_same_account(site: Site) -> None:
    site.db.add_area("110105001001009", "second", training=False)
    site.db.add_dwelling("110105001001009-001", "110105001001009", "x", "ordinary", "")
    with site.db.tx() as con:
        con.execute("INSERT INTO assignments VALUES ('alice', '110105001001009')")
    alice = site.client()
    _, payload = household_payload(site.dwellings_a[0])
    assert post(alice, f"{V1}/households", payload).status_code == 201
    doc = json.loads(payload)
    doc["revision"], doc["dwelling_id"] = 2, "110105001001009-001"
    moved = post(alice, f"{V1}/households", json.dumps(doc).encode())
    assert moved.status_code == 403
    assert [r["revision"] for r in site.db.households()] == [1]


def test_revisions_move_up_by_at_most_the_documented_step(site: Site) -> None:
    alice = site.client()
    _, payload = household_payload(site.dwellings_a[0])
    doc = json.loads(payload)
    doc["revision"] = MAX_REVISION_STEP + 1
    first = post(alice, f"{V1}/households", json.dumps(doc).encode())
    assert first.status_code == 422 and site.db.households() == []
    doc["revision"] = 3
    assert post(alice, f"{V1}/households", json.dumps(doc).encode()).status_code == 201
    doc["revision"] = 3 + MAX_REVISION_STEP + 1
    jump = post(alice, f"{V1}/households", json.dumps(doc).encode())
    assert jump.status_code == 422 and "revision" in jump.json()["reason"]
    doc["revision"] = 3 + MAX_REVISION_STEP
    assert post(alice, f"{V1}/households", json.dumps(doc).encode()).status_code == 201
    assert [r["revision"] for r in site.db.households()] == [3, 3 + MAX_REVISION_STEP]


def test_dwelling_ids_are_checked_against_the_area(site: Site) -> None:
    alice = site.client()
    before = snapshot(site.db)
    area_a, area_b = site.dwellings_a[0].split("-")[0], site.dwellings_b[0].split("-")[0]
    for bad in (f"{area_a}-../{area_b}-001", f"{area_a}-{area_b}/x", f"{area_a}-", f"{area_a}-a b"):
        _, payload = household_payload(bad)
        r = post(alice, f"{V1}/households", payload)
        assert r.status_code in (400, 403), (bad, r.text)
    assert snapshot(site.db) == before
    _, found = household_payload(f"{area_a}-N0001")  # a dwelling found on site
    assert post(alice, f"{V1}/households", found).status_code == 201
