"""``census-tui logout`` ends the session on the server too (issue 18 §4); when the server
cannot be reached the token still leaves the device, and the command says so."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx

from census_tui.clock import FakeClock
from census_tui.exitcodes import ExitCode
from census_tui.store import META_SERVER_URL, META_TOKEN
from census_tui.sync.login import begin_first_login
from tests.cli.conftest import CHEAP_KDF, FAST, home, reopen, run
from tests.server_security.conftest import PASSWORD_A, V1, Site

__all__ = ["home"]


def _profile(site: Site, home: Path, url: str | None = None) -> str:
    """alice's profile by the real first login; returns its token (``url`` rewrites the
    server address kept in the profile)."""
    flow = begin_first_login(
        site.url, "alice", PASSWORD_A, clock=FakeClock(), base=home, kdf=CHEAP_KDF, policy=FAST
    )
    store = flow.finish()
    token = store.get_meta(META_TOKEN)
    if url is not None:
        store.set_meta(META_SERVER_URL, url)
    store.close()
    assert token
    return token


def test_logout_revokes_the_token_on_the_server(home: Path, site: Site) -> None:
    token = _profile(site, home)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{site.url}{V1}/assignments", headers=headers).status_code == 200
    result = run(["logout"], password=PASSWORD_A)
    assert result.exit_code == ExitCode.OK, result.output
    assert "not revoked" not in result.output
    assert httpx.get(f"{site.url}{V1}/assignments", headers=headers).status_code == 401
    store = reopen(home, PASSWORD_A)
    assert store.get_meta(META_TOKEN) is None
    store.close()


def test_logout_offline_clears_the_token_here_and_says_so(home: Path, site: Site) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    token = _profile(site, home, url=closed)
    result = run(["logout"], password=PASSWORD_A)
    assert result.exit_code == ExitCode.OK, result.output
    assert "could not be reached" in result.output
    store = reopen(home, PASSWORD_A)
    assert store.get_meta(META_TOKEN) is None
    store.close()
    # the server never heard of it: that token lives until it expires
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{site.url}{V1}/assignments", headers=headers).status_code == 200
