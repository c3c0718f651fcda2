"""The server's answers can be anything. The client never crashes, never drops an outbox item,
and says clearly what went wrong (issue 4, Bad input). Each bad answer comes over real TCP."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import BadInput
from census_tui.exitcodes import ExitCode
from census_tui.store import META_SERVER_URL
from census_tui.sync.engine import sync_store
from census_tui.sync.transport import check_server_url
from tests.sync.faultproxy import Fault, FaultProxy, canned_json
from tests.sync.support import FAST, Site, assert_exactly_once, enqueue_households, make_profile

GOOD_ITEM = {"status": "stored", "code": 201, "revision": 1, "server_revision": 1}


def _bomb() -> Fault:
    body = gzip.compress(b" " * (20 * 1024 * 1024))
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return ("canned", head.encode() + body)


BAD: dict[str, Fault] = {
    "malformed json": canned_json(b'{"results": [ {"status": "stored",'),
    "wrong top type": canned_json(b"[1, 2, 3]"),
    "wrong field type": canned_json(json.dumps({"results": "all good"}).encode()),
    "bool as int": canned_json(json.dumps({"results": [{**GOOD_ITEM, "code": True}] * 4}).encode()),
    "unknown field": canned_json(json.dumps({"results": [], "extra": 1}).encode()),
    "wrong count": canned_json(json.dumps({"results": [GOOD_ITEM]}).encode()),
    "foreign case": canned_json(
        json.dumps({"results": [{**GOOD_ITEM, "case_uuid": "not-ours"}] * 4}).encode()
    ),
    "unknown status": canned_json(
        json.dumps({"results": [{"status": "great", "code": 200}] * 4}).encode()
    ),
    "huge body": canned_json(b"[" + b" " * (5 * 1024 * 1024) + b"]"),
    "gzip bomb": _bomb(),
    "html with 200": canned_json(b"<html>login</html>", ctype="text/html"),
    "wrong content type": canned_json(b'{"results": []}', ctype="text/plain"),
    "empty body": canned_json(b""),
    "redirect to portal": (
        "canned",
        b"HTTP/1.1 302 Found\r\nLocation: http://portal.example/\r\nContent-Length: 0\r\n"
        b"Connection: close\r\n\r\n",
    ),
    "teapot 4xx": canned_json(b"<p>no</p>", status="418 I'm a teapot", ctype="text/html"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_answer_keeps_the_outbox(
    name: str, site: Site, proxy: FaultProxy, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    store.set_meta(META_SERVER_URL, proxy.url)
    sent = enqueue_households(store, site.dwellings_a, 4)
    proxy.plan("pass", *([BAD[name]] * FAST.attempts))
    summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.error is not None, name
    assert summary.exit_code == ExitCode.NETWORK
    assert summary.error.zh and summary.error.en
    assert summary.acked == 0 and store.outbox_depth() == 4
    assert site.db.households() == []
    entry = store.sync_log(1)[0]
    assert entry.result == "error" and entry.error
    # the network heals: the same items go through, once
    proxy.clear()
    again = sync_store(store, clock=clock, policy=FAST)
    assert again.error is None and store.outbox_depth() == 0
    assert_exactly_once(site.db, sent)
    store.close()


def test_captive_portal_is_named(
    site: Site, proxy: FaultProxy, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    store.set_meta(META_SERVER_URL, proxy.url)
    proxy.plan(*(["captive_portal"] * FAST.attempts))
    summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.error is not None and "web page" in summary.error.en
    assert "网页" in summary.error.zh
    store.close()


@pytest.mark.parametrize(
    "url", ["http://census.example.cn", "ftp://127.0.0.1", "http://10.0.0.1:8000", "nonsense"]
)
def test_plain_http_only_to_loopback(url: str) -> None:
    with pytest.raises(BadInput):
        check_server_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/", "http://localhost", "http://[::1]:9"])
def test_loopback_http_allowed(url: str) -> None:
    assert check_server_url(url) == url.rstrip("/")
