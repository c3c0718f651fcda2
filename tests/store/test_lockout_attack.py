"""The attack on the lockout (issue 16 item 17), run for real: every guess is counted.

* parallel processes: 8 guessers at once, with one try left and with a fresh counter;
* a guesser killed while its password is being tried;
* ``restore`` of a zip of the profile's own envelope and database, as a password oracle;
* the wall clock moved forward, and a reboot;
* an unwritable counter (a directory in ``lockout.json``'s place): nothing is tried.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from census_tui.clock import FakeClock, SystemClock
from census_tui.errors import ConflictError, DiskError
from census_tui.security import backup_format as fmt
from census_tui.security.restore import restore_backup
from census_tui.store import (
    DB_FILE,
    ENVELOPE_FILE,
    LOCKOUT_FILE,
    KdfParams,
    LockedOut,
    Store,
    WrongPassword,
    create_profile,
    unlock,
)
from census_tui.store import envelope as env_mod
from census_tui.store.lockout import FREE_TRIES, MSG_COUNTER_UNWRITABLE, Lockout

from . import lockout_child
from .conftest import CHEAP_KDF, PASSWORD

SLOW_KDF = KdfParams(n=2**14, r=8, p=1)
"""About 60 ms a try: long enough for parallel guessers to overlap."""
GUESSERS = 8


def _failures(directory: Path) -> int:
    return int(json.loads((directory / LOCKOUT_FILE).read_text())["failures"])


def _kdf_runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def _race(base: Path, log: Path) -> list[str]:
    """Start GUESSERS processes that each try one wrong password at the same moment."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(GUESSERS), ctx.Queue()
    procs = [
        ctx.Process(
            target=lockout_child.guess, args=(str(base), "wrong guess", str(log), barrier, results)
        )
        for _ in range(GUESSERS)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return sorted(outcomes)


@pytest.fixture
def slow_profile(base: Path) -> Path:
    create_profile("enum01", PASSWORD, base=base, clock=SystemClock(), kdf=SLOW_KDF).close()
    return base / "profiles" / "enum01"


def test_parallel_guessers_with_one_try_left_run_the_kdf_once(
    slow_profile: Path, base: Path, tmp_path: Path
) -> None:
    for _ in range(FREE_TRIES - 1):
        with pytest.raises(WrongPassword):
            unlock("enum01", "wrong guess", base=base, clock=SystemClock())
    assert _failures(slow_profile) == FREE_TRIES - 1
    log = tmp_path / "kdf.log"
    outcomes = _race(base, log)
    # one guess was tried (and locked the profile); the other seven were refused untried
    assert _kdf_runs(log) == 1
    assert outcomes == ["locked"] * (GUESSERS - 1) + ["wrong"]
    assert _failures(slow_profile) == FREE_TRIES


def test_parallel_guessers_on_a_fresh_counter_are_each_counted(
    slow_profile: Path, base: Path, tmp_path: Path
) -> None:
    log = tmp_path / "kdf.log"
    outcomes = _race(base, log)
    assert _kdf_runs(log) == FREE_TRIES  # the free tries, then the lock
    assert outcomes.count("wrong") == FREE_TRIES
    assert outcomes.count("locked") == GUESSERS - FREE_TRIES
    assert _failures(slow_profile) == _kdf_runs(log)


def test_a_guess_killed_during_the_kdf_is_counted(
    slow_profile: Path, base: Path, tmp_path: Path
) -> None:
    log = tmp_path / "kdf.log"
    ctx = multiprocessing.get_context("spawn")
    started, hang = ctx.Event(), ctx.Event()
    proc = ctx.Process(
        target=lockout_child.guess_and_hang, args=(str(base), str(log), started, hang)
    )
    proc.start()
    assert started.wait(timeout=120)
    proc.kill()
    proc.join(timeout=60)
    assert _kdf_runs(log) == 1 and _failures(slow_profile) == 1
    # the kernel released its lock: the right password still opens, and clears the count
    unlock("enum01", PASSWORD, base=base, clock=SystemClock()).close()
    assert not (slow_profile / LOCKOUT_FILE).exists()


# --- restore as an oracle -------------------------------------------------------------------


def _own_files_as_backup(directory: Path, target: Path) -> Path:
    """A zip of the profile's own envelope and database with a manifest: what an attacker
    with the device can make to use ``restore`` as a password oracle."""
    members = {m: (directory / m).read_bytes() for m in (DB_FILE, ENVELOPE_FILE)}
    manifest = fmt.Manifest(
        profile="enum01",
        schema_version=1,
        created="2020-11-02T09:00:00+00:00",
        census_tui="0",
        outbox_depth=0,
        files={
            m: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for m, data in members.items()
        },
    )
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr(fmt.MANIFEST_MEMBER, manifest.to_json())
        for m, data in members.items():
            zf.writestr(m, data)
    return target


def test_restore_of_the_profiles_own_files_counts_every_guess(
    store: Store, base: Path, clock: FakeClock, tmp_path: Path
) -> None:
    store.close()
    zipped = _own_files_as_backup(store.directory, tmp_path / "oracle.zip")
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPassword) as err:
            restore_backup(zipped, "a guess", clock, home=base)
        assert err.value.attempts_left == left
        assert "time of the backup" in err.value.msg.en
        assert _failures(store.directory) == FREE_TRIES - left
    with pytest.raises(WrongPassword) as err:
        restore_backup(zipped, "a guess", clock, home=base)
    assert err.value.locked_for == 30
    # locked: the right password is refused untried, by restore and by unlock alike
    with pytest.raises(LockedOut):
        restore_backup(zipped, PASSWORD, clock, home=base)
    with pytest.raises(LockedOut):
        unlock("enum01", PASSWORD, base=base, clock=clock)
    clock.advance(30)
    # after the lock, the right password gets the ordinary answer: the profile exists
    with pytest.raises(ConflictError):
        restore_backup(zipped, PASSWORD, clock, home=base)
    unlock("enum01", PASSWORD, base=base, clock=clock).close()


def test_a_right_password_for_another_backup_does_not_clear_the_count(
    store: Store, base: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """A backup the guesser made with a password of their own must not reset the counter."""
    store.close()
    for _ in range(3):
        with pytest.raises(WrongPassword):
            unlock("enum01", "a guess", base=base, clock=clock)
    other = tmp_path / "other"
    create_profile("enum01", "known to them", base=other, clock=clock, kdf=CHEAP_KDF).close()
    zipped = _own_files_as_backup(other / "profiles" / "enum01", tmp_path / "theirs.zip")
    with pytest.raises(ConflictError):
        restore_backup(zipped, "known to them", clock, home=base)
    # the backup's password opened the backup, not this profile: that try counts here
    assert _failures(store.directory) == 4


def test_restore_onto_a_fresh_home_counts_its_guesses(
    store: Store, base: Path, clock: FakeClock, tmp_path: Path
) -> None:
    store.close()
    zipped = _own_files_as_backup(store.directory, tmp_path / "b.zip")
    spare = tmp_path / "spare"
    for _ in range(FREE_TRIES):
        with pytest.raises(WrongPassword):
            restore_backup(zipped, "a guess", clock, home=spare)
    with pytest.raises(LockedOut):
        restore_backup(zipped, PASSWORD, clock, home=spare)
    clock.advance(30)
    restored = restore_backup(zipped, PASSWORD, clock, home=spare)
    assert restored.profile == "enum01"
    assert not list((spare / "restore-lockout").iterdir())  # a right password clears it


# --- clocks ---------------------------------------------------------------------------------


def _lock(base: Path, clock: FakeClock) -> None:
    for _ in range(FREE_TRIES):
        with pytest.raises(WrongPassword):
            unlock("enum01", "a guess", base=base, clock=clock)


def test_moving_the_wall_clock_forward_does_not_end_the_lock(
    store: Store, base: Path, clock: FakeClock
) -> None:
    store.close()
    _lock(base, clock)
    clock.set_wall(clock.now() + timedelta(days=365))
    with pytest.raises(LockedOut) as e:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    assert e.value.seconds_remaining == 30


def test_a_reboot_credits_only_the_time_since_the_boot(
    store: Store, base: Path, clock: FakeClock
) -> None:
    store.close()
    _lock(base, clock)
    clock.advance(10)
    clock.reboot(uptime=5)  # however long the device was off, 5 s are sure to have passed
    clock.set_wall(clock.now() + timedelta(days=2))
    lockout = Lockout(store.directory / LOCKOUT_FILE, clock)
    assert lockout.remaining() == 25
    with pytest.raises(LockedOut) as e:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    assert e.value.seconds_remaining == 25
    clock.advance(25)
    unlock("enum01", PASSWORD, base=base, clock=clock).close()


# --- a counter that cannot be written -------------------------------------------------------


def test_an_unwritable_counter_refuses_every_try(
    store: Store, base: Path, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.close()
    zipped = _own_files_as_backup(store.directory, tmp_path / "b.zip")
    opened = unlock("enum01", PASSWORD, base=base, clock=clock)
    (store.directory / LOCKOUT_FILE).mkdir()  # something else in the counter's place
    tried: list[str] = []
    original = env_mod.open_with_password

    def counting(env: env_mod.Envelope, password: str) -> bytes:
        tried.append(password)
        return original(env, password)

    monkeypatch.setattr(env_mod, "open_with_password", counting)
    for password in ("a guess", PASSWORD):
        with pytest.raises(DiskError) as err:
            unlock("enum01", password, base=base, clock=clock)
        assert err.value.msg == MSG_COUNTER_UNWRITABLE
        with pytest.raises(DiskError):
            restore_backup(zipped, password, clock, home=base)
    with pytest.raises(DiskError):
        opened.change_password(PASSWORD, "a new password")
    opened.close()
    assert tried == []  # no password was tried at all
    assert all(
        "lockout.json" in text for text in (MSG_COUNTER_UNWRITABLE.en, MSG_COUNTER_UNWRITABLE.zh)
    )


def test_a_lock_written_by_the_previous_version_is_served_in_full(
    store: Store, base: Path, clock: FakeClock
) -> None:
    """The earlier file (wall-clock times): its lock runs on from the first try after the
    update, however far the wall clock has moved."""
    store.close()
    (store.directory / LOCKOUT_FILE).write_text(
        json.dumps({"failures": 6, "delay": 60.0, "credited": 20.0, "last_seen": "2020-01-01"})
    )
    clock.set_wall(clock.now() + timedelta(days=30))
    with pytest.raises(LockedOut) as e:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    assert e.value.seconds_remaining == 40
    clock.advance(40)
    unlock("enum01", PASSWORD, base=base, clock=clock).close()
