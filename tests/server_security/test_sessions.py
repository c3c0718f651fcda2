"""Accounts and sessions (issue 18 §4): tokens expire and are renewed by use, /logout revokes, a
password change ends the other sessions, logins are throttled (429 + Retry-After, time from the
server's clock), unknown accounts cost the same scrypt, and every route checks the role."""

from __future__ import annotations

import json

import httpx
import pytest

from census_tui.server import accounts
from census_tui.server.app import ACCOUNT_FAILS, ADDRESS_FAILS, FAIL_WINDOW
from census_tui.server.storage import SESSION_IDLE, SESSION_MAX_AGE
from tests.server_security.conftest import (
    PASSWORD_A,
    PASSWORD_S,
    V1,
    Site,
    post,
    snapshot,
)
from tests.sync.support import household_payload


def _login(site: Site, account: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{site.url}{V1}/login", json={"account": account, "password": password}, timeout=30
    )


def test_a_token_expires_when_idle_and_is_renewed_by_use(site: Site) -> None:
    alice = site.client()
    for _ in range(3):  # used every 10 hours: kept alive past the idle lifetime
        site.clock.advance(SESSION_IDLE - 2 * 3600)
        assert alice.get(f"{V1}/assignments").status_code == 200
    site.clock.advance(SESSION_IDLE + 1)
    assert alice.get(f"{V1}/assignments").status_code == 401
    assert site.db.sessions_of("alice") == 0  # the expired session is gone


def test_a_token_ends_after_its_maximum_age_however_used(site: Site) -> None:
    alice = site.client()
    waited = 0.0
    while waited + 3600 * 6 < SESSION_MAX_AGE:
        site.clock.advance(3600 * 6)
        waited += 3600 * 6
        assert alice.get(f"{V1}/assignments").status_code == 200
    site.clock.advance(SESSION_MAX_AGE - waited)
    assert alice.get(f"{V1}/assignments").status_code == 401


def test_logout_revokes_the_token_and_a_replay_is_refused(site: Site) -> None:
    alice, other = site.client(), site.client()
    assert alice.post(f"{V1}/logout").json() == {"ok": True}
    assert alice.get(f"{V1}/assignments").status_code == 401
    assert alice.post(f"{V1}/logout").status_code == 401  # replayed: already ended
    assert other.get(f"{V1}/assignments").status_code == 200  # only that session ended
    assert httpx.post(f"{site.url}{V1}/logout").status_code == 401  # no token at all


def test_a_password_change_ends_every_other_session(site: Site) -> None:
    phone, stolen = site.client(), site.client()
    body = {"old_password": PASSWORD_A, "new_password": "alice-new-9"}
    assert phone.post(f"{V1}/password", json=body).status_code == 200
    assert stolen.get(f"{V1}/assignments").status_code == 401
    assert phone.get(f"{V1}/assignments").status_code == 200
    assert _login(site, "alice", PASSWORD_A).status_code == 401
    assert _login(site, "alice", "alice-new-9").status_code == 200


def test_login_is_throttled_per_account_with_retry_after(site: Site) -> None:
    for _ in range(ACCOUNT_FAILS):
        assert _login(site, "alice", "wrong-guess-1").status_code == 401
    refused = _login(site, "alice", PASSWORD_A)  # even the right password waits
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= FAIL_WINDOW and refused.json()["message"]["zh"]
    assert _login(site, "bob", "bob-pass-22").status_code == 200  # other accounts unaffected
    site.clock.advance(wait)
    assert _login(site, "alice", PASSWORD_A).status_code == 200


def test_login_is_throttled_per_client_address(site: Site) -> None:
    for n in range(ADDRESS_FAILS):
        assert _login(site, f"nobody{n}", "wrong-guess-1").status_code == 401
    refused = _login(site, "someone-else", "wrong-guess-1")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    site.clock.advance(FAIL_WINDOW)
    assert _login(site, "alice", PASSWORD_A).status_code == 200


def test_wrong_current_passwords_are_throttled_too(site: Site) -> None:
    alice = site.client()
    body = {"old_password": "wrong-guess-1", "new_password": "alice-new-9"}
    for _ in range(ACCOUNT_FAILS):
        assert alice.post(f"{V1}/password", json=body).status_code == 401
    assert alice.post(f"{V1}/password", json=body).status_code == 429


def test_unknown_accounts_cost_the_same_scrypt(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = accounts.kdf

    def counting(password: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
        calls.append(n)
        return real(password, salt, n, r, p)

    monkeypatch.setattr(accounts, "kdf", counting)
    assert _login(site, "alice", "wrong-guess-1").status_code == 401
    known = list(calls)
    calls.clear()
    assert _login(site, "no-such-account", "wrong-guess-1").status_code == 401
    assert calls == known and len(known) == 1  # one scrypt, same cost parameter


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/assignments"),
        ("GET", "/returns"),
        ("GET", "/areas/110105001001002/dwellings"),
        ("POST", "/households"),
        ("POST", "/households/batch"),
        ("POST", "/outcomes"),
    ],
)
def test_enumerator_routes_refuse_other_roles(site: Site, method: str, path: str) -> None:
    boss = site.client("boss", PASSWORD_S)
    _, payload = household_payload(site.dwellings_a[0])
    body = payload if path == "/households" else b'{"items":[' + payload + b"]}"
    before = snapshot(site.db)
    r = boss.get(f"{V1}{path}") if method == "GET" else post(boss, f"{V1}{path}", body)
    assert r.status_code == 403 and r.json()["error"] == "wrong_role"
    assert snapshot(site.db) == before


def test_first_login_steps_gate_every_enumerator_route(site: Site) -> None:
    newbie = site.client("newbie", "initial-1")
    _, payload = household_payload("110105001001004-001")
    assert newbie.get(f"{V1}/assignments").status_code == 403
    r = post(newbie, f"{V1}/households/batch", b'{"items":[' + payload + b"]}")
    assert r.status_code == 403 and site.db.households() == []
    assert json.loads(newbie.post(f"{V1}/logout").text) == {"ok": True}


def test_real_name_guesses_are_throttled(site: Site) -> None:
    newbie = site.client("newbie", "initial-1")
    body = {"name": "测试普查员", "id_number": "110101199003070011"}  # not newbie's number
    for _ in range(ACCOUNT_FAILS):
        assert newbie.post(f"{V1}/verify", json=body).status_code == 422
    refused = newbie.post(f"{V1}/verify", json={**body, "id_number": "310104198812240043"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    site.clock.advance(FAIL_WINDOW)
    right = newbie.post(f"{V1}/verify", json={**body, "id_number": "310104198812240043"})
    assert right.status_code == 200
