"""The first login (首次登录) against the demo training server, then an offline unlock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import AuthError, BadInput, ConflictError, LoginExpired
from census_tui.server.run import ServerThread, open_db
from census_tui.server.seed import DEMO_ACCOUNT, DEMO_PASSWORD
from census_tui.store import META_ENUMERATOR_CARD, META_TOKEN, META_TRAINING, unlock
from census_tui.sync.engine import sync_store
from census_tui.sync.login import begin_first_login, first_login
from census_tui.sync.transport import ApiClient
from tests.sync.support import CHEAP_KDF, FAST, Site, enqueue_households, make_profile

NEW = "new-pass-2020"


def test_demo_first_login_then_offline_unlock(tmp_path: Path, clock: FakeClock) -> None:
    db = open_db(tmp_path / "demo.db", demo=True)
    base = tmp_path / "home"
    with ServerThread(db) as server:
        flow = begin_first_login(
            server.url,
            DEMO_ACCOUNT,
            DEMO_PASSWORD,
            clock=clock,
            base=base,
            kdf=CHEAP_KDF,
            policy=FAST,
        )
        assert flow.must_change_password and flow.must_verify_identity and flow.training
        with pytest.raises(AuthError):
            flow.finish()  # not before the password change and the real-name check
        with pytest.raises(BadInput):
            flow.change_password("short")
        flow.change_password(NEW)
        with pytest.raises(AuthError):
            flow.verify_identity("演示普查员", "110101199003070012")
        flow.verify_identity("演示普查员", "110101199003070011")
        store = flow.finish()
        assert store.get_meta(META_TOKEN) and store.get_meta(META_TRAINING) == "1"
        card = json.loads(store.get_meta(META_ENUMERATOR_CARD) or "{}")
        assert card["work_id"] and card["area_id"] == "110105001001001"
        summary = sync_store(store, clock=clock, policy=FAST)
        assert summary.error is None and len(store.dwellings()) >= 30
        store.close()
    # the server is gone: the profile still opens, with the new password
    with unlock(DEMO_ACCOUNT, NEW, base=base, clock=clock) as again:
        assert again.get_meta(META_TRAINING) == "1"
    db.close()


def test_callback_flow_and_wrong_password(site: Site, tmp_path: Path, clock: FakeClock) -> None:
    with pytest.raises(AuthError):
        first_login(
            site.url,
            "alice",
            "wrong",
            ask_new_password=lambda: NEW,
            ask_real_name=lambda: ("x", "y"),
            clock=clock,
            base=tmp_path,
            kdf=CHEAP_KDF,
            policy=FAST,
        )


def test_training_and_real_data_are_kept_apart(
    site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    enqueue_households(store, site.dwellings_a, 2)
    store.set_meta(META_TRAINING, "1")  # a practice profile pointed at a real server
    summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.error is not None and summary.exit_code == ConflictError.exit_code
    assert store.outbox_depth() == 2 and site.db.households() == []
    store.close()


def test_a_refused_token_is_an_expired_login_and_a_wrong_password_is_not(
    site: Site, clock: FakeClock
) -> None:
    """The screens ask for the password again on :class:`LoginExpired` only: a 401 on a call
    with a token (it expired, was revoked, the password changed elsewhere), never a 401 on the
    login itself (wrong account or password)."""
    with (
        ApiClient(site.url, clock=clock, token="0" * 43, policy=FAST) as api,
        pytest.raises(LoginExpired),
    ):
        api.call("GET", "/api/v1/assignments", params={"since": "0"})
    with ApiClient(site.url, clock=clock, policy=FAST) as api:
        with pytest.raises(AuthError) as refused:
            api.call("POST", "/api/v1/login", json_body={"account": "alice", "password": "x"})
        assert not isinstance(refused.value, LoginExpired)
