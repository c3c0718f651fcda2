"""Every route against the same hostile requests: no token, a forged, revoked or expired token,
a deep, huge or non-JSON body, NaN. Each is refused with a documented 4xx (declared for that
route in the OpenAPI document), never a 5xx, and nothing is stored."""

from __future__ import annotations

import gzip

import httpx
import pytest

from census_tui.server.openapi import OPENAPI
from census_tui.server.storage import SESSION_IDLE
from tests.server_security.conftest import V1, Site, post, snapshot

AREA = "110105001001002"
AUTHED = [
    ("POST", "/logout"),
    ("POST", "/password"),
    ("POST", "/verify"),
    ("GET", "/assignments"),
    ("GET", f"/areas/{AREA}/dwellings"),
    ("GET", "/returns"),
    ("POST", "/households"),
    ("POST", "/households/batch"),
    ("POST", "/outcomes"),
    ("POST", "/events"),
]
BODIES = [
    "/login",
    "/password",
    "/verify",
    "/households",
    "/households/batch",
    "/outcomes",
    "/events",
]


def _declared(method: str, path: str, status: int) -> bool:
    template = "/areas/{area_id}/dwellings" if path.startswith("/areas/") else path
    responses = OPENAPI["paths"][f"{V1}{template}"][method.lower()]["responses"]
    return str(status) in responses


def _send(c: httpx.Client, method: str, path: str, body: bytes = b"{}") -> httpx.Response:
    if method == "GET":
        return c.get(f"{V1}{path}")
    return post(c, f"{V1}{path}", body)


@pytest.mark.parametrize(("method", "path"), AUTHED)
def test_bad_tokens_are_refused_on_every_route(site: Site, method: str, path: str) -> None:
    before = snapshot(site.db)
    anonymous = httpx.Client(base_url=site.url, timeout=30)
    forged = httpx.Client(
        base_url=site.url, timeout=30, headers={"Authorization": "Bearer " + "A" * 43}
    )
    revoked = site.client()
    assert revoked.post(f"{V1}/logout").status_code == 200
    expired = site.client()
    site.clock.advance(SESSION_IDLE + 1)
    for c in (anonymous, forged, revoked, expired):
        r = _send(c, method, path)
        assert r.status_code == 401 and _declared(method, path, 401), (path, r.text)
    assert snapshot(site.db) == before


@pytest.mark.parametrize("path", BODIES)
def test_hostile_bodies_are_refused_on_every_route(site: Site, path: str) -> None:
    c = site.client() if path != "/login" else httpx.Client(base_url=site.url, timeout=30)
    before = snapshot(site.db)
    cases: list[tuple[bytes, dict[str, str], int]] = [
        (b"[" * 2000 + b"]" * 2000, {}, 400),
        (b'{"a": NaN}', {}, 400),
        (b"{not json", {}, 400),
        (gzip.compress(b" " * (40 * 1024 * 1024)), {"Content-Encoding": "gzip"}, 413),
        (b"{}", {"Content-Type": "text/plain"}, 415),
        (b"{}", {"Content-Encoding": "br"}, 415),
    ]
    for body, headers, status in cases:
        r = post(c, f"{V1}{path}", body, headers=headers)
        assert r.status_code == status, (path, body[:20], r.text)
        assert _declared("POST", path, status), (path, status)
        assert r.json()["message"]["zh"] and r.json()["message"]["en"]
    assert snapshot(site.db) == before


def test_every_declared_route_declares_its_refusals() -> None:
    for path, ops in OPENAPI["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            if "security" in op:
                assert "401" in codes, (path, method)
            if "requestBody" in op:
                assert {"400", "413", "415"} <= codes, (path, method)
    assert "429" in OPENAPI["paths"][f"{V1}/login"]["post"]["responses"]
    assert "403" in OPENAPI["paths"][f"{V1}/assignments"]["get"]["responses"]
