"""Input limits before work (issue 18 §6): small bodies for the account routes, the token before
a large body, a depth and element budget, strict JSON, ASCII digits, lone surrogates refused per
item, nothing after a gzip stream. Every refusal is a 4xx with a bilingual message and nothing
stored; none is a 500."""

from __future__ import annotations

import gzip
import json
import uuid

import httpx
import pytest

from census_tui.server.wire import MAX_CONTAINERS, MAX_DEPTH, SMALL_BODY
from tests.server_security.conftest import PASSWORD_A, V1, Site, post, snapshot
from tests.sync.support import household_payload


def _refused(r: httpx.Response, status: int) -> None:
    assert r.status_code == status, r.text
    assert r.json()["error"] and r.json()["message"]["zh"] and r.json()["message"]["en"]


def _batch(*payloads: bytes) -> bytes:
    return b'{"items":[' + b",".join(payloads) + b"]}"


@pytest.mark.parametrize("path", ["/login", "/password", "/verify"])
def test_account_routes_take_only_small_bodies(site: Site, path: str) -> None:
    c = site.client() if path != "/login" else httpx.Client(base_url=site.url, timeout=30)
    before = snapshot(site.db)
    big = json.dumps({"account": "alice", "password": "x" * SMALL_BODY}).encode()
    _refused(post(c, f"{V1}{path}", big), 413)
    # small on the wire, large after gunzip (the 31 KiB bomb of the review)
    bomb = b"[" + b"{}," * 2_000_000 + b"{}]"
    _refused(post(c, f"{V1}{path}", bomb, gz=True), 413)
    assert snapshot(site.db) == before


def test_the_token_is_checked_before_a_large_body(site: Site) -> None:
    body = b'{"items":[' + b" " * (6 * 1024 * 1024) + b"]}"
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        r = httpx.post(
            f"{site.url}{V1}/households/batch",
            content=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=30,
        )
        _refused(r, 401)


@pytest.mark.parametrize("depth", [5000, 900, MAX_DEPTH + 1])
def test_deep_nesting_is_refused_not_a_crash(site: Site, depth: int) -> None:
    alice = site.client()
    deep = b'{"items":[' + b"[" * depth + b"]" * depth + b"]}"
    _refused(post(alice, f"{V1}/households/batch", deep), 400)
    _refused(post(alice, f"{V1}/households/batch", deep, gz=True), 400)
    login = b"[" * 2000 + b"]" * 2000
    _refused(post(httpx.Client(base_url=site.url), f"{V1}/login", login), 400)
    assert site.db.households() == []


def test_too_many_elements_are_refused(site: Site) -> None:
    alice = site.client()
    many = b'{"items":[' + b",".join([b"{}"] * (MAX_CONTAINERS + 1)) + b"]}"
    _refused(post(alice, f"{V1}/households/batch", many, gz=True), 413)


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_json(site: Site, constant: bytes) -> None:
    alice = site.client()
    _, payload = household_payload(site.dwellings_a[0])
    bad = payload.replace(b'"revision":1', b'"revision":1,"x":' + constant)
    assert bad != payload
    _refused(post(alice, f"{V1}/households/batch", _batch(bad)), 400)
    assert site.db.households() == []


@pytest.mark.parametrize("since", ["²", "١٢", "1e3", "-1", " 1", "9" * 19])
def test_cursors_are_ascii_digits_only(site: Site, since: str) -> None:
    alice = site.client()
    for path in ("/assignments", "/returns"):
        _refused(alice.get(f"{V1}{path}", params={"since": since}), 400)


def test_a_lone_surrogate_fails_only_its_own_item(site: Site) -> None:
    alice = site.client()
    _, good1 = household_payload(site.dwellings_a[0])
    _, bad = household_payload(site.dwellings_a[1])
    _, good2 = household_payload(site.dwellings_a[2])
    bad = bad.replace(b'"dwelling_id"', b'"note":"\\ud800","dwelling_id"', 1)
    r = post(alice, f"{V1}/households/batch", _batch(good1, bad, good2))
    assert r.status_code == 200
    assert [x["code"] for x in r.json()["results"]] == [201, 422, 201]
    assert "invalid character" in r.json()["results"][1]["reason"]
    assert len(site.db.households()) == 2
    outcome = {
        "outcome_uuid": str(uuid.uuid4()),
        "dwelling_id": site.dwellings_a[3],
        "kind": "vacant",
        "note": "\ud800",
    }
    raw = json.dumps({"items": [outcome]}).encode()  # ensure_ascii: sent as \ud800
    r = post(alice, f"{V1}/outcomes", raw)
    assert r.json()["results"][0]["code"] == 422 and site.db.outcomes() == []
    outcome["note"] = "ok"
    r = post(alice, f"{V1}/outcomes", json.dumps({"items": [outcome]}).encode())
    assert r.json()["results"][0]["code"] == 201


@pytest.mark.parametrize("field", ["account", "password"])
def test_a_lone_surrogate_in_a_login_is_refused(site: Site, field: str) -> None:
    body = {"account": "alice", "password": PASSWORD_A, field: "al\ud800ice"}
    r = httpx.post(
        f"{site.url}{V1}/login",
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    _refused(r, 422)


def test_data_after_the_gzip_stream_is_refused(site: Site) -> None:
    alice = site.client()
    _, payload = household_payload(site.dwellings_a[0])
    for tail in (b"garbage", gzip.compress(b"{}")):
        body = gzip.compress(_batch(payload)) + tail
        r = post(alice, f"{V1}/households/batch", body, headers={"Content-Encoding": "gzip"})
        _refused(r, 400)
    assert site.db.households() == []
