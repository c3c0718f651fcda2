"""Passwords: refusal changes nothing, the lockout, password change, recovery, the real KDF."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import AuthError, ConflictError, NoProfile
from census_tui.store import (
    DEFAULT_KDF,
    ENVELOPE_FILE,
    LOCKOUT_FILE,
    LockedOut,
    Store,
    WrongPassword,
    create_profile,
    generate_recovery_keypair,
    recover,
    unlock,
    unwrap_with_recovery,
)
from census_tui.store.envelope import load as load_envelope
from census_tui.store.envelope import open_with_password
from census_tui.store.lockout import delay_for

from .conftest import CHEAP_KDF, PASSWORD


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file of the profile except the lockout counter, byte for byte."""
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.name != LOCKOUT_FILE}


def closed_profile(store: Store, dwelling_id: str) -> tuple[Path, str]:
    h = store.create_household(dwelling_id)
    store.set_answer(h, "", "H1", 1)
    store.close()
    return store.directory, h


def test_wrong_password_refused_and_nothing_changes(
    store: Store, dwelling_id: str, base: Path, clock: FakeClock
) -> None:
    directory, _ = closed_profile(store, dwelling_id)
    before = snapshot(directory)
    with pytest.raises(WrongPassword) as err:
        unlock("enum01", "wrong", base=base, clock=clock)
    assert err.value.msg.en.startswith("Wrong password.")
    assert err.value.msg.zh.startswith("密码错误")
    assert err.value.attempts_left == 4
    assert snapshot(directory) == before
    # the counter holds no personal data: counts and times only
    assert set(json.loads((directory / LOCKOUT_FILE).read_text())) == {
        "failures",
        "delay",
        "served",
        "boot_id",
        "boot_seen",
        "wall",
    }


def test_no_profile(base: Path, clock: FakeClock) -> None:
    with pytest.raises(NoProfile):
        unlock("nobody", PASSWORD, base=base, clock=clock)


def test_create_refuses_existing(store: Store, base: Path, clock: FakeClock) -> None:
    before = store.envelope_path.read_bytes()
    with pytest.raises(ConflictError):
        create_profile("enum01", "other", base=base, clock=clock, kdf=CHEAP_KDF)
    assert store.envelope_path.read_bytes() == before


def test_delays_double_and_cap() -> None:
    assert [delay_for(n) for n in range(1, 10)] == [0, 0, 0, 0, 30, 60, 120, 240, 480]
    assert delay_for(40) == 3600


def test_lockout_applies_and_survives_restart(
    store: Store, dwelling_id: str, base: Path, clock: FakeClock
) -> None:
    directory, _ = closed_profile(store, dwelling_id)
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPassword) as err:
            unlock("enum01", "wrong", base=base, clock=clock)
        assert err.value.attempts_left == left
    with pytest.raises(WrongPassword) as err:
        unlock("enum01", "wrong", base=base, clock=clock)
    assert err.value.locked_for == 30
    # locked: even the right password is not tried, and the message gives the seconds
    with pytest.raises(LockedOut) as locked:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    assert locked.value.seconds_remaining == 30
    assert "30" in locked.value.msg.zh and "30 seconds" in locked.value.msg.en
    assert isinstance(locked.value, AuthError)

    # a "restart" 20 s later on the same boot: every call reads lockout.json afresh
    restarted = clock
    restarted.advance(20)
    with pytest.raises(LockedOut) as locked:
        unlock("enum01", PASSWORD, base=base, clock=restarted)
    assert locked.value.seconds_remaining == 10
    restarted.advance(10)
    # the lock is over; the next wrong password locks for twice as long
    with pytest.raises(WrongPassword) as err:
        unlock("enum01", "wrong", base=base, clock=restarted)
    assert err.value.locked_for == 60
    restarted.advance(60)
    unlock("enum01", PASSWORD, base=base, clock=restarted).close()
    assert not (directory / LOCKOUT_FILE).exists()  # a right password resets the counter


def test_locked_attempt_does_not_run_the_kdf(store: Store, base: Path, clock: FakeClock) -> None:
    store.close()
    for _ in range(5):
        with pytest.raises(WrongPassword):
            unlock("enum01", "wrong", base=base, clock=clock)
    # If the password were tried, a damaged envelope would give StoreError, not LockedOut.
    (store.directory / ENVELOPE_FILE).write_text("garbage")
    with pytest.raises(LockedOut):
        unlock("enum01", PASSWORD, base=base, clock=clock)


def test_wall_clock_jumps_neither_end_nor_stretch_a_lock(
    store: Store, base: Path, clock: FakeClock
) -> None:
    store.close()
    for _ in range(5):
        with pytest.raises(WrongPassword):
            unlock("enum01", "wrong", base=base, clock=clock)
    start = clock.now()
    clock.advance(10)
    with pytest.raises(LockedOut) as e:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    assert e.value.seconds_remaining == 20
    clock.set_wall(start - timedelta(days=1))  # the wall clock jumps back a day
    with pytest.raises(LockedOut) as e:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    assert e.value.seconds_remaining == 20  # not a day, not zero
    clock.set_wall(start + timedelta(days=400))  # and forward past any lock
    with pytest.raises(LockedOut) as e:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    assert e.value.seconds_remaining == 20
    clock.advance(15)  # only time that really passes counts
    with pytest.raises(LockedOut) as e:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    assert e.value.seconds_remaining == 5
    clock.advance(5)
    unlock("enum01", PASSWORD, base=base, clock=clock).close()


def test_password_change_keeps_every_record(
    store: Store, dwelling_id: str, base: Path, clock: FakeClock
) -> None:
    h = store.create_household(dwelling_id)
    p = store.add_person(h)
    store.set_answer(h, p, "D1", "李四")
    store.enqueue("household", h, 1, b"payload")
    db_before = store.db_path.read_bytes()
    env_before = load_envelope(store.envelope_path)
    with pytest.raises(WrongPassword):
        store.change_password("not it", "new secret")
    store.change_password(PASSWORD, "new secret")
    env_after = load_envelope(store.envelope_path)
    assert env_after.salt != env_before.salt and env_after.wrapped != env_before.wrapped
    household = store.household(h)
    store.close()
    assert not list(store.directory.glob(".*tmp*"))
    with pytest.raises(WrongPassword):
        unlock("enum01", PASSWORD, base=base, clock=clock)
    s = unlock("enum01", "new secret", base=base, clock=clock)
    assert s.household(h) == household and s.outbox_depth() == 1
    s.close()
    # the database was not rekeyed: the same data key is inside both envelopes
    assert open_with_password(env_after, "new secret") == open_with_password(env_before, PASSWORD)
    assert s.db_path.read_bytes()[:16] == db_before[:16]  # SQLCipher's per-file salt


def test_recovery_slot(base: Path, clock: FakeClock) -> None:
    private, public = generate_recovery_keypair()
    other_private, _ = generate_recovery_keypair()
    s = create_profile(
        "rec", PASSWORD, base=base, clock=clock, kdf=CHEAP_KDF, recovery_public_key=public
    )
    s.set_meta("k", "v")
    s.close()
    env = load_envelope(s.envelope_path)
    assert len(unwrap_with_recovery(env, private)) == 32
    with pytest.raises(AuthError):
        recover("rec", other_private, "new", base=base, clock=clock, kdf=CHEAP_KDF)
    for _ in range(5):  # forgotten password, locked out
        with pytest.raises(WrongPassword):
            unlock("rec", "forgotten", base=base, clock=clock)
    r = recover("rec", private, "new", base=base, clock=clock, kdf=CHEAP_KDF)
    assert r.get_meta("k") == "v"
    r.close()
    unlock("rec", "new", base=base, clock=clock).close()
    assert load_envelope(s.envelope_path).recovery == env.recovery


def test_real_default_kdf(base: Path, clock: FakeClock) -> None:
    """The shipped parameters: within bounds, and slow enough to matter but not to annoy."""
    DEFAULT_KDF.check()
    s = create_profile("real", PASSWORD, base=base, clock=clock)
    s.close()
    env = load_envelope(s.envelope_path)
    assert (env.kdf.n, env.kdf.r, env.kdf.p) == (DEFAULT_KDF.n, DEFAULT_KDF.r, DEFAULT_KDF.p)
    started = time.perf_counter()
    unlock("real", PASSWORD, base=base, clock=clock).close()
    elapsed = time.perf_counter() - started
    assert 0.05 < elapsed < 3.0  # about 0.3 s here; generous for a loaded CI box
