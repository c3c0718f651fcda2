"""The reference server on its own: routes documented, uploads idempotent, authorization,
bad uploads refused whole, supervisor returns reaching the device."""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from census_tui.clock import FakeClock
from census_tui.server.app import make_app
from census_tui.server.openapi import OPENAPI
from census_tui.sync.engine import EVENT_RETURNED, sync_store
from tests.sync.support import (
    FAST,
    PASSWORD_A,
    PASSWORD_B,
    Site,
    household_payload,
    make_profile,
)

V1 = "/api/v1"


def _client(site: Site, account: str = "alice", password: str = PASSWORD_A) -> httpx.Client:
    c = httpx.Client(base_url=site.url, timeout=10)
    token = c.post(f"{V1}/login", json={"account": account, "password": password}).json()["token"]
    c.headers["Authorization"] = f"Bearer {token}"
    return c


def _post(
    c: httpx.Client, path: str, body: bytes, gz: bool = False, headers: dict[str, str] | None = None
) -> httpx.Response:
    h = {"Content-Type": "application/json", **(headers or {})}
    if gz:
        body, h["Content-Encoding"] = gzip.compress(body), "gzip"
    return c.post(path, content=body, headers=h)


def test_every_route_is_in_the_openapi(site: Site) -> None:
    routes = {r.path for r in make_app(site.db).routes if isinstance(r, Route)}
    assert routes == set(OPENAPI["paths"])
    served = httpx.get(f"{site.url}{V1}/openapi.json").json()
    assert served == json.loads(json.dumps(OPENAPI))


def test_time_and_info_need_no_login(site: Site) -> None:
    assert "server_time" in httpx.get(f"{site.url}{V1}/time").json()
    assert httpx.get(f"{site.url}{V1}/info").json()["training"] is False
    assert httpx.get(f"{site.url}{V1}/assignments").status_code == 401


def test_upload_is_idempotent_and_older_revisions_conflict(site: Site) -> None:
    c = _client(site)
    case, v2 = household_payload(site.dwellings_a[0], revision=2)
    first = _post(c, f"{V1}/households", v2, gz=True)
    assert first.status_code == 201 and first.json()["status"] == "stored"
    again = _post(c, f"{V1}/households", v2)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    doc = json.loads(v2)
    doc["revision"] = 1
    older = _post(c, f"{V1}/households", json.dumps(doc).encode())
    assert older.status_code == 409 and older.json()["server_revision"] == 2
    assert [r["case_uuid"] for r in site.db.households()] == [case]


def test_errors_are_refused_with_findings(site: Site) -> None:
    c = _client(site)
    _, payload = household_payload(site.dwellings_a[0])
    doc = json.loads(payload)
    doc["persons"][0]["answers"]["D2"] = 2  # no head of household: FACTS §7.2 R-01
    r = _post(c, f"{V1}/households", json.dumps(doc).encode())
    assert r.status_code == 422 and r.json()["status"] == "rejected"
    assert any(f["rule_id"] == "R-01" for f in r.json()["findings"])
    assert site.db.households() == []


def test_enumerator_cannot_read_or_write_another_area(site: Site) -> None:
    alice = _client(site)
    area_b = site.dwellings_b[0].split("-")[0]
    assert alice.get(f"{V1}/areas/{area_b}/dwellings").status_code == 403
    own = alice.get(f"{V1}/areas/{site.dwellings_a[0].split('-')[0]}/dwellings")
    assert own.status_code == 200 and len(own.json()["dwellings"]) == 40
    _, payload = household_payload(site.dwellings_b[0])
    r = _post(alice, f"{V1}/households", payload)
    assert r.status_code == 403 and site.db.households() == []
    listed = alice.get(f"{V1}/assignments").json()
    assert {d["area_id"] for d in listed["dwellings"]} == {site.dwellings_a[0].split("-")[0]}
    bob = _client(site, "bob", PASSWORD_B)
    assert bob.get(f"{V1}/areas/{site.dwellings_a[0].split('-')[0]}/dwellings").status_code == 403


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{not json", {}, 400),
        (b'{"items": "x"}', {}, 400),
        (b'{"items": []}', {}, 400),
        (b"[]", {"Content-Type": "text/plain"}, 415),
        (b"{}", {"Content-Encoding": "br"}, 415),
        (b"x" * (9 * 1024 * 1024), {}, 413),
    ],
)
def test_malformed_uploads_are_refused(
    site: Site, body: bytes, headers: dict[str, str], status: int
) -> None:
    r = _post(_client(site), f"{V1}/households/batch", body, headers=headers)
    assert r.status_code == status
    assert r.json()["error"] and r.json()["message"]["zh"]


def test_gzip_bomb_is_refused_and_nothing_stored(site: Site) -> None:
    _, payload = household_payload(site.dwellings_a[0])
    bomb = b'{"items":[' + payload + b"," + b" " * (40 * 1024 * 1024) + b"]}"
    r = _post(_client(site), f"{V1}/households/batch", bomb, gz=True)
    assert r.status_code == 413 and site.db.households() == []
    cut = gzip.compress(b'{"items":[' + payload + b"]}")[:-20]
    r = _post(_client(site), f"{V1}/households/batch", cut, headers={"Content-Encoding": "gzip"})
    assert r.status_code == 400 and site.db.households() == []


def test_concurrent_retries_store_one_copy(site: Site) -> None:
    _case, payload = household_payload(site.dwellings_a[0])
    body = b'{"items":[' + payload + b"]}"
    statuses: list[str] = []
    clients = [_client(site) for _ in range(6)]
    start = threading.Barrier(len(clients))

    def push(c: httpx.Client) -> None:
        start.wait()
        statuses.append(_post(c, f"{V1}/households/batch", body).json()["results"][0]["status"])

    threads = [threading.Thread(target=push, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == ["duplicate"] * 5 + ["stored"]
    assert len(site.db.households()) == 1


def test_supervisor_return_reaches_the_device(site: Site, tmp_path: Path, clock: FakeClock) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    assert sync_store(store, clock=clock, policy=FAST).error is None  # pulls the dwellings
    case = store.create_household(site.dwellings_a[3])
    store.set_state(case, "completed")
    hh = store.household(case)
    _, payload = household_payload(site.dwellings_a[3])
    doc = json.loads(payload)
    doc["case_uuid"], doc["revision"], doc["hh_number"] = case, hh.revision, hh.hh_number
    store.enqueue("household", case, hh.revision, json.dumps(doc).encode())
    assert sync_store(store, clock=clock, policy=FAST).error is None
    assert store.case(case).state == "synced"
    site.db.review(case, "returned", "D5 与证件不符，请核实", "sup01")
    assert sync_store(store, clock=clock, policy=FAST).returned == 1
    assert store.case(case).state == "returned"
    returned = [e for e in store.events() if e.kind == EVENT_RETURNED]
    assert len(returned) == 1 and returned[0].data["comment"].startswith("D5")
    # the cursor moved: the same return is not delivered twice
    sync_store(store, clock=clock, policy=FAST)
    assert len([e for e in store.events() if e.kind == EVENT_RETURNED]) == 1
    store.close()
