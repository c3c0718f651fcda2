"""Creating, unlocking and recovering a profile: the one door to the data key.

Files of a profile (``census_tui.paths``): ``census.db`` (SQLCipher), ``envelope.json`` (the
wrapped data key), ``lockout.json`` (wrong-password counter, no personal data).

Unlock order matters: the lockout is checked before any password work, and a failure that is
not a wrong password (a damaged envelope, a read-only directory) is reported before the
password is tried, so damage (caught by the envelope's digest) never counts as a wrong
password; then the try is counted on disk before the KDF runs (``Lockout.check_password``), so
nothing can be guessed without being counted.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from census_tui import paths
from census_tui.clock import Clock
from census_tui.errors import AuthError, ConflictError, DiskError, NoProfile, StoreError
from census_tui.store import envelope as env_mod
from census_tui.store.atomic import dir_writable, os_errors
from census_tui.store.db import connect, db_errors
from census_tui.store.errors import (
    MSG_DB_MISSING,
    MSG_ENVELOPE_DAMAGED,
    MSG_ENVELOPE_MISSING,
    MSG_NO_PROFILE,
    MSG_PROFILE_EXISTS,
    MSG_READ_ONLY,
    MSG_RECOVERY_KEY_WRONG,
    LockedOut,
    bad_value,
)
from census_tui.store.lockout import Lockout
from census_tui.store.migrations import migrate
from census_tui.store.store import (
    DB_FILE,
    ENVELOPE_FILE,
    LOCKOUT_FILE,
    Store,
    check_password_text,
)

_SIDE_FILES = ("-wal", "-shm", "-journal")


def _directory(name: str, base: Path | None) -> Path:
    try:
        return paths.profile_dir(name, base)
    except ValueError:
        raise bad_value("profile name") from None


def profile_exists(name: str, *, base: Path | None = None) -> bool:
    """Whether this device has a profile (envelope or database) under ``name``."""
    d = _directory(name, base)
    return (d / ENVELOPE_FILE).exists() or (d / DB_FILE).exists()


def create_profile(
    name: str,
    password: str,
    *,
    base: Path | None = None,
    clock: Clock,
    kdf: env_mod.KdfParams | None = None,
    recovery_public_key: bytes | None = None,
) -> Store:
    """Make a new profile (database at the latest schema + envelope) and return it unlocked.

    Refuses an existing profile (ConflictError). On any failure (full disk, read-only
    directory) every file it made is removed again.
    """
    check_password_text(password)
    directory = _directory(name, base)
    db_path, env_path = directory / DB_FILE, directory / ENVELOPE_FILE
    if env_path.exists() or db_path.exists() or Path(f"{db_path}-wal").exists():
        raise ConflictError(MSG_PROFILE_EXISTS)
    kdf = kdf or env_mod.DEFAULT_KDF
    kdf.check()
    made_dir = not directory.exists()
    with os_errors():
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not dir_writable(directory):
        raise DiskError(MSG_READ_ONLY)
    key = env_mod.new_data_key()
    env = env_mod.seal(name, key, password, kdf)
    if recovery_public_key is not None:
        env.recovery = env_mod.wrap_for_recovery(key, recovery_public_key)
    store: Store | None = None
    try:
        conn = connect(db_path, key, create=True)
        store = Store(conn, clock, name=name, directory=directory, key=key)
        with os_errors():
            os.chmod(db_path, 0o600)
        with db_errors():
            migrate(conn, clock)
        store.log_event("profile_created")
        env_mod.save(env_path, env)
    except BaseException:
        if store is not None:
            store.close()
        for path in [db_path, *(Path(f"{db_path}{s}") for s in _SIDE_FILES), env_path]:
            with contextlib.suppress(OSError):
                path.unlink()
        if made_dir:
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise
    return store


def _check_files(name: str, directory: Path) -> tuple[env_mod.Envelope, Path]:
    """The parsed envelope and the database path, or the error that explains what is wrong."""
    db_path, env_path = directory / DB_FILE, directory / ENVELOPE_FILE
    if not env_path.is_file():
        raise StoreError(MSG_ENVELOPE_MISSING)
    env = env_mod.load(env_path)
    if env.profile != name:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    if not db_path.is_file():
        raise StoreError(MSG_DB_MISSING)
    if not dir_writable(directory):
        raise DiskError(MSG_READ_ONLY)
    return env, db_path


def _open(name: str, directory: Path, key: bytes, clock: Clock) -> Store:
    conn = connect(directory / DB_FILE, key, create=False)
    store = Store(conn, clock, name=name, directory=directory, key=key)
    try:
        with db_errors():
            migrate(conn, clock)
        store.log_event("unlocked")
    except BaseException:
        store.close()
        raise
    return store


def unlock(name: str, password: str, *, base: Path | None = None, clock: Clock) -> Store:
    """Open a profile with its password.

    Raises NoProfile (none here), LockedOut (an AuthError; the password is not tried),
    WrongPassword (an AuthError; counted), StoreError (envelope or database missing, damaged,
    tampered, or newer), DiskError (read-only directory, full disk).
    """
    directory = _directory(name, base)
    if not (directory / ENVELOPE_FILE).exists() and not (directory / DB_FILE).exists():
        raise NoProfile(MSG_NO_PROFILE)
    lockout = Lockout(directory / LOCKOUT_FILE, clock)
    remaining = lockout.remaining()
    if remaining:
        raise LockedOut(remaining)
    env, _ = _check_files(name, directory)
    key = lockout.check_password(lambda: env_mod.open_with_password(env, password))
    store = _open(name, directory, key, clock)
    # A version 1 envelope (no digest) gains its digest now that it proved sound; a full disk
    # only postpones this to the next unlock (the old file stays whole).
    with contextlib.suppress(DiskError, StoreError):
        env_mod.upgrade(directory / ENVELOPE_FILE, env)
    return store


def recover(
    name: str,
    private_key_bytes: bytes,
    new_password: str,
    *,
    base: Path | None = None,
    clock: Clock,
    kdf: env_mod.KdfParams | None = None,
) -> Store:
    """Support's recovery of a forgotten password: open the data key with the census office's
    private key (the envelope's recovery slot), set ``new_password``, clear the lockout.
    Unsynced work is kept. A wrong private key raises AuthError (nothing changed)."""
    check_password_text(new_password)
    directory = _directory(name, base)
    if not (directory / ENVELOPE_FILE).exists() and not (directory / DB_FILE).exists():
        raise NoProfile(MSG_NO_PROFILE)
    env, _ = _check_files(name, directory)
    try:
        key = env_mod.unwrap_with_recovery(env, private_key_bytes)
    except env_mod.WrongKey:
        raise AuthError(MSG_RECOVERY_KEY_WRONG) from None
    store = _open(name, directory, key, clock)
    try:
        env_mod.save(directory / ENVELOPE_FILE, env_mod.rewrap(env, key, new_password, kdf))
        with os_errors():
            Lockout(directory / LOCKOUT_FILE, clock).succeeded()
        store.log_event("password_recovered")
    except BaseException:
        store.close()
        raise
    return store
