"""What the first login fixes for good (issue 16 items 18 and 20): the profile's mode (training
or real) and the census office's recovery key. A later login to a server of the other mode, or
one offering another recovery key, is refused and changes nothing. Against the real reference
server on 127.0.0.1."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import AuthError, ConflictError
from census_tui.store import META_TOKEN, META_TRAINING, Store
from census_tui.store.envelope import generate_recovery_keypair
from census_tui.sync.login import MSG_REAL_PROFILE, MSG_TRAINING_PROFILE, renew_token
from census_tui.sync.pins import META_RECOVERY_KEY, MSG_RECOVERY_KEY_CHANGED
from tests.sync.support import FAST, PASSWORD_A, Site, make_profile


def _meta(store: Store) -> dict[str, str | None]:
    return {k: store.get_meta(k) for k in (META_TOKEN, META_TRAINING, META_RECOVERY_KEY)}


def test_the_first_login_pins_the_mode_and_the_recovery_key(
    site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    with make_profile(site.url, tmp_path / "home", clock) as store:
        assert store.get_meta(META_TRAINING) == "0"
        assert store.get_meta(META_RECOVERY_KEY) == site.db.recovery_public_key()
        renew_token(store, PASSWORD_A, clock=clock, policy=FAST)  # same server: fine


@pytest.mark.parametrize("profile_training", [False, True])
def test_a_renewal_against_a_server_of_the_other_mode_is_refused(
    site: Site, tmp_path: Path, clock: FakeClock, profile_training: bool
) -> None:
    site.db.set_training(profile_training)
    store = make_profile(site.url, tmp_path / "home", clock)
    assert store.get_meta(META_TRAINING) == ("1" if profile_training else "0")
    before = _meta(store)
    site.db.set_training(not profile_training)  # the address now answers in the other mode
    with pytest.raises(ConflictError) as refused:
        renew_token(store, PASSWORD_A, clock=clock, policy=FAST)
    assert refused.value.msg == (MSG_TRAINING_PROFILE if profile_training else MSG_REAL_PROFILE)
    assert _meta(store) == before  # the mode, the token: nothing changed
    store.close()


def test_a_renewal_offering_another_recovery_key_is_refused(
    site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    before = _meta(store)
    _, other = generate_recovery_keypair()
    site.db.set_meta("recovery_public_key", base64.b64encode(other).decode())
    with pytest.raises(AuthError) as refused:
        renew_token(store, PASSWORD_A, clock=clock, policy=FAST)
    assert refused.value.msg == MSG_RECOVERY_KEY_CHANGED
    assert "恢复公钥" in refused.value.msg.zh and "recovery key" in refused.value.msg.en
    assert _meta(store) == before
    store.close()


def test_a_profile_from_before_the_pin_is_checked_against_its_recovery_slot(
    site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    office_key = store.get_meta(META_RECOVERY_KEY)
    store.set_meta(META_RECOVERY_KEY, None)  # as an older version left it
    renew_token(store, PASSWORD_A, clock=clock, policy=FAST)  # the slot's key: pinned now
    assert store.get_meta(META_RECOVERY_KEY) == office_key
    store.set_meta(META_RECOVERY_KEY, None)
    _, other = generate_recovery_keypair()
    site.db.set_meta("recovery_public_key", base64.b64encode(other).decode())
    with pytest.raises(AuthError):
        renew_token(store, PASSWORD_A, clock=clock, policy=FAST)
    store.close()
