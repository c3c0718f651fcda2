"""``restore PATH``: bring a backup back onto this device (typically a spare).

Order matters so that nothing is touched until the backup is known to be good and the password
is right: read the manifest (refuse a newer schema without needing the password), extract into
a staging directory beside the profiles while checking every SHA-256, unwrap the data key with
the password (a try counted on the profile's lockout, like unlocking: see
:func:`restore_lockout`), open the database copy and run both integrity checks. Only then does
the staging directory take the profile's place with one rename.

An existing profile is never silently overwritten: without ``replace=True`` the restore is
refused (saying how much unsynced work the existing profile holds, when that can be known), and
with it the old profile is moved aside to ``<home>/replaced/``, not deleted.
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from census_tui import paths
from census_tui.clock import Clock
from census_tui.errors import AuthError, ConflictError, DiskError, StoreError
from census_tui.i18n import Msg
from census_tui.security import backup_format as fmt
from census_tui.security.backup import private_file
from census_tui.store import envelope as env_mod
from census_tui.store import migrations
from census_tui.store.atomic import disk_error, fsync_dir
from census_tui.store.db import connect
from census_tui.store.errors import MSG_NEWER_SCHEMA, MSG_NOT_A_DATABASE, WrongPassword
from census_tui.store.lockout import MSG_COUNTER_UNWRITABLE, Lockout
from census_tui.store.store import DB_FILE, ENVELOPE_FILE, LOCKOUT_FILE

MARGIN_BYTES = 1024 * 1024
RESTORE_LOCKOUT_DIR = "restore-lockout"

MSG_RESTORE_WRONG_PASSWORD = Msg(
    "密码无法打开这份备份（应为备份时的密码），未做任何改动。",
    "The password does not open this backup (it is the password at the time of the backup); "
    "nothing was changed.",
)
MSG_PROFILE_EXISTS_UNSYNCED = Msg(
    "本机已有这个账户的档案，其中有 {count} 条未同步的数据。未做任何改动。"
    "请先同步；确需替换时加 --replace（原档案会移到 replaced 文件夹保留）。",
    "A profile for this account already exists here and holds {count} unsynced item(s); "
    "nothing was changed. Sync first; to replace it anyway use --replace (the old profile is "
    "kept in the 'replaced' folder).",
)
MSG_PROFILE_EXISTS_UNKNOWN = Msg(
    "本机已有这个账户的档案（无法用此密码打开，不确定是否有未同步数据）。未做任何改动。"
    "确需替换时加 --replace（原档案会移到 replaced 文件夹保留）。",
    "A profile for this account already exists here (this password does not open it, so it "
    "may hold unsynced work); nothing was changed. To replace it use --replace (the old "
    "profile is kept in the 'replaced' folder).",
)
MSG_NO_SPACE_HOME = Msg(
    "本机空间不足：恢复需要约 {need} MB，只有 {free} MB。未做任何改动。",
    "Not enough space on this device: the restore needs about {need} MB, {free} MB free. "
    "Nothing was changed.",
)
MSG_RESTORE_FULL = Msg(
    "恢复时本机空间不足，未做任何改动。请腾出空间后重试。",
    "This device ran out of space during the restore; nothing was changed. Free some space "
    "and try again.",
)


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did (no personal data)."""

    profile: str
    schema_version: int
    outbox_depth: int
    replaced_to: Path | None


def _mb(n: int) -> int:
    return (n + 1024 * 1024 - 1) // (1024 * 1024)


def existing_unsynced(directory: Path, password: str, clock: Clock) -> int | None:
    """Outbox depth of an existing profile if ``password`` opens it, else ``None`` (unknown).

    The password is tried as a counted try on that profile's own lockout (it is a guess at its
    password like any other): while it is locked, or when the try cannot be counted, the
    password is not tried and the answer is ``None``.
    """
    try:
        env = env_mod.load(directory / ENVELOPE_FILE)
        lockout = Lockout(directory / LOCKOUT_FILE, clock)
        key = lockout.check_password(lambda: env_mod.open_with_password(env, password))
        conn = connect(directory / DB_FILE, key, create=False)
    except (AuthError, StoreError, DiskError, OSError):
        return None
    try:
        row = conn.execute("SELECT count(*) FROM outbox").fetchone()
        return int(row[0])
    except Exception:
        return None
    finally:
        conn.close()


def _check_database(db: Path, key: bytes) -> int:
    """Open the staged copy, run both integrity checks; return its schema version."""
    conn = connect(db, key, create=False)
    try:
        cipher_rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        if cipher_rows or not (len(rows) == 1 and str(rows[0][0]) == "ok"):
            raise StoreError(MSG_NOT_A_DATABASE)
        version_row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except StoreError:
        raise
    except Exception:
        raise StoreError(MSG_NOT_A_DATABASE) from None
    finally:
        conn.close()
    return int(version_row[0] or 0)


def precheck(source: Path) -> fmt.Manifest:
    """What can be checked without the password: a sound zip of ours, not from a newer schema.
    The CLI calls this before asking for the password."""
    with fmt.open_backup(source.expanduser()) as (_, manifest):
        if manifest.schema_version > migrations.latest():
            raise ConflictError(
                MSG_NEWER_SCHEMA.format(found=manifest.schema_version, known=migrations.latest())
            )
    return manifest


def restore_backup(
    source: Path, password: str, clock: Clock, *, home: Path | None = None, replace: bool = False
) -> Restored:
    """Restore the backup at ``source`` into ``home`` (default: the data directory).

    Raises BadInput (not a backup, damaged, truncated), ConflictError (newer schema; a profile
    exists), AuthError (wrong password), DiskError (no space, read-only) or StoreError.
    """
    base = home or paths.home()
    with fmt.open_backup(source.expanduser()) as (zf, manifest):
        if manifest.schema_version > migrations.latest():
            raise ConflictError(
                MSG_NEWER_SCHEMA.format(found=manifest.schema_version, known=migrations.latest())
            )
        try:
            name = paths.safe_profile_name(manifest.profile)
        except ValueError:
            raise fmt.damaged("manifest incomplete") from None
        root = paths.profiles_dir(base)
        target = root / name
        env = env_mod.parse(zf.read(fmt.ENVELOPE_MEMBER))
        if env.profile != name:
            raise fmt.damaged("envelope of another profile")
        lockout = restore_lockout(base, name, clock)
        try:
            # A counted try: the backup may hold this device's own envelope (an oracle for the
            # profile's password otherwise). A right password for the backup proves nothing
            # about the profile here, so it only takes back its own try (reset=False).
            key = lockout.check_password(
                lambda: env_mod.open_with_password(env, password), reset=not target.exists()
            )
        except WrongPassword as wrong:
            raise WrongPassword(
                Msg(
                    f"{MSG_RESTORE_WRONG_PASSWORD.zh}{wrong.msg.zh}",
                    f"{MSG_RESTORE_WRONG_PASSWORD.en} {wrong.msg.en}",
                ),
                wrong.attempts_left,
                wrong.locked_for,
            ) from None
        if target.exists() and not replace:
            count = existing_unsynced(target, password, clock)
            if count is None:
                raise ConflictError(MSG_PROFILE_EXISTS_UNKNOWN)
            raise ConflictError(MSG_PROFILE_EXISTS_UNSYNCED.format(count=count))
        try:
            root.mkdir(parents=True, exist_ok=True)
            need = sum(int(f["size"]) for f in manifest.files.values()) + MARGIN_BYTES
            free = shutil.disk_usage(root).free
            if free < need:
                raise DiskError(MSG_NO_SPACE_HOME.format(need=_mb(need), free=free // 2**20))
            staging = root / f".restore-{name}-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(mode=0o700)
        except OSError as exc:
            raise _disk(exc) from None
        try:
            for member in (fmt.DB_MEMBER, fmt.ENVELOPE_MEMBER):
                with private_file(staging / member) as out:
                    fmt.extract_checked(zf, manifest, member, out)
                    out.flush()
                    os.fsync(out.fileno())
            version = _check_database(staging / fmt.DB_MEMBER, key)
            if version > migrations.latest():
                raise ConflictError(
                    MSG_NEWER_SCHEMA.format(found=version, known=migrations.latest())
                )
            replaced_to = None
            if target.exists():
                stamp = clock.now().strftime("%Y%m%dT%H%M%S")
                aside = base / "replaced" / f"{name}-{stamp}"
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, aside)
                replaced_to = aside
            os.replace(staging, target)
            fsync_dir(root)
        except OSError as exc:
            raise _disk(exc) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Restored(name, version, manifest.outbox_depth, replaced_to)


def restore_lockout(base: Path, name: str, clock: Clock) -> Lockout:
    """The counter a restore of profile ``name`` counts its tries on: the profile's own when it
    exists here (the same counter as unlocking it), else one kept for restores of that name
    under ``<home>/restore-lockout/`` (made if needed; DiskError if it cannot be)."""
    target = paths.profiles_dir(base) / name
    if target.is_dir():
        return Lockout(target / LOCKOUT_FILE, clock)
    directory = base / RESTORE_LOCKOUT_DIR
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        raise DiskError(MSG_COUNTER_UNWRITABLE) from None
    return Lockout(directory / f"{name}.json", clock)


def _disk(exc: OSError) -> DiskError:
    if exc.errno in {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}:
        return DiskError(MSG_RESTORE_FULL)
    return disk_error(exc)


__all__ = ["Restored", "existing_unsynced", "precheck", "restore_backup"]
