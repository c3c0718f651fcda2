"""``backup PATH``: write a self-checking, encrypted copy of an open profile.

The database is copied with SQLite's backup API (``Store.backup_to``), so the copy is
consistent even while the TUI keeps writing; it stays encrypted under the data key. The
envelope goes in beside it, and the manifest records sizes and SHA-256 sums. After writing, the
whole file is read back and checked, and the database copy is opened with the key the password
unwraps from the copied envelope and passes both integrity checks: a backup that is reported
written can be restored.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from census_tui import __version__
from census_tui.clock import iso
from census_tui.errors import BadInput, DiskError, StoreError
from census_tui.i18n import Msg
from census_tui.security import backup_format as fmt
from census_tui.store import envelope as env_mod
from census_tui.store.atomic import fsync_dir
from census_tui.store.db import connect
from census_tui.store.errors import MSG_NOT_A_DATABASE
from census_tui.store.store import Store

MARGIN_BYTES = 1024 * 1024

MSG_NO_SPACE_TARGET = Msg(
    "目标位置空间不足：需要约 {need} MB，只有 {free} MB。未写入备份。",
    "Not enough space at the target: about {need} MB needed, {free} MB free. "
    "No backup was written.",
)
MSG_TARGET_FULL = Msg(
    "写入时目标位置空间不足或文件过大，未写入备份（原数据完好）。",
    "The target ran out of space (or the file is too large for it) while writing; no backup "
    "was written and the profile is intact.",
)
MSG_TARGET_UNWRITABLE = Msg(
    "无法写入目标位置（{why}），未写入备份。",
    "Cannot write to the target ({why}); no backup was written.",
)
MSG_TARGET_DIR_MISSING = Msg(
    "目标文件夹不存在：请检查路径或是否已插入 U 盘。",
    "The target folder does not exist: check the path, or that the USB stick is plugged in.",
)
MSG_TARGET_EXISTS = Msg(
    "目标文件已存在，未覆盖。请换一个文件名。",
    "The target file already exists and was not overwritten. Choose another name.",
)
MSG_SELF_CHECK_FAILED = Msg(
    "备份写入后自检失败，已删除这份备份。请换一个存储设备再试。",
    "The backup failed its check after writing and was deleted. Try other storage.",
)

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def target_error(exc: OSError) -> DiskError:
    """The message for an OS error while writing to the backup target (no path in it)."""
    if exc.errno in _FULL:
        return DiskError(MSG_TARGET_FULL)
    return DiskError(MSG_TARGET_UNWRITABLE.format(why=exc.strerror or type(exc).__name__))


def mb(n: int) -> int:
    return (n + 1024 * 1024 - 1) // (1024 * 1024)


def check_space(directory: Path, need: int) -> None:
    """Refuse up front when ``directory``'s file system has less than ``need`` bytes free."""
    free = shutil.disk_usage(directory).free
    if free < need:
        raise DiskError(MSG_NO_SPACE_TARGET.format(need=mb(need), free=free // (1024 * 1024)))


def private_file(path: Path) -> BinaryIO:
    """A new file opened for writing that only its owner can read (0600 from the start, not
    after: the wrapped key inside is enough to guess the password offline)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a leftover of an earlier run with the same process id
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, "w+b")
    except BaseException:
        os.close(fd)
        raise


def _self_check(path: Path, password: str) -> None:
    """Read the written backup back: checksums, then the copy opens and is intact."""
    manifest = fmt.verify(path)
    with (
        fmt.open_backup(path) as (zf, _),
        tempfile.TemporaryDirectory(dir=path.parent, prefix=".census-check-") as tmp,
    ):
        env = env_mod.parse(zf.read(fmt.ENVELOPE_MEMBER))
        key = env_mod.open_with_password(env, password)
        db_copy = Path(tmp) / fmt.DB_MEMBER
        with db_copy.open("wb") as out:
            fmt.extract_checked(zf, manifest, fmt.DB_MEMBER, out)
        conn = connect(db_copy, key, create=False)
        try:
            cipher_rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
        if cipher_rows or not (len(rows) == 1 and str(rows[0][0]) == "ok"):
            raise StoreError(MSG_NOT_A_DATABASE)


def write_backup(store: Store, password: str, target: Path) -> fmt.Manifest:
    """Write the backup of ``store`` to ``target`` (a new file) and check it.

    ``password`` is the profile's current password: it proves the copied envelope opens the
    copied database. Never overwrites an existing file. Raises BadInput (bad target), DiskError
    (space, read-only) or StoreError (the check after writing failed; the file is removed).
    """
    target = target.expanduser()
    if target.exists():
        raise BadInput(MSG_TARGET_EXISTS)
    if not target.parent.is_dir():
        raise BadInput(MSG_TARGET_DIR_MISSING)
    db_size = store.db_path.stat().st_size
    wal = store.db_path.with_name(store.db_path.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    # the copy, then the zip holding it: twice the database at the target
    check_space(target.parent, 2 * (db_size + wal_size) + MARGIN_BYTES)
    envelope_bytes = store.envelope_path.read_bytes()
    tmp_zip = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".census-backup-") as tmp:
            db_copy = Path(tmp) / fmt.DB_MEMBER
            store.backup_to(db_copy)
            size, digest = fmt.sha256_file(db_copy)
            manifest = fmt.Manifest(
                profile=store.name,
                schema_version=store.schema_version(),
                created=iso(store.clock.now()),
                census_tui=__version__,
                outbox_depth=store.outbox_depth(),
                files={
                    fmt.DB_MEMBER: {"size": size, "sha256": digest},
                    fmt.ENVELOPE_MEMBER: {
                        "size": len(envelope_bytes),
                        "sha256": _sha(envelope_bytes),
                    },
                },
            )
            with (
                private_file(tmp_zip) as fh,
                zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf,
            ):
                zf.writestr(fmt.MANIFEST_MEMBER, manifest.to_json())
                zf.writestr(fmt.ENVELOPE_MEMBER, envelope_bytes)
                zf.write(db_copy, fmt.DB_MEMBER)
                zf.close()
                fh.flush()
                os.fsync(fh.fileno())
        try:
            _self_check(tmp_zip, password)
        except (BadInput, StoreError, env_mod.WrongKey):
            raise StoreError(MSG_SELF_CHECK_FAILED) from None
        os.replace(tmp_zip, target)
        fsync_dir(target.parent)
    except OSError as exc:
        raise target_error(exc) from None
    finally:
        with contextlib.suppress(OSError):
            tmp_zip.unlink()
    return manifest


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
