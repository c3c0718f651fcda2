"""Crash-safe small-file writes and the mapping of OS errors to clear disk messages.

A small file (the key envelope, the lockout counter) is replaced as a whole: write a temporary
file in the same directory, fsync it, ``os.replace`` it over the old one, fsync the directory.
A power cut at any point leaves either the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from census_tui.errors import DiskError
from census_tui.store.errors import MSG_DISK_FULL, MSG_DISK_IO, MSG_READ_ONLY

_FULL = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def disk_error(exc: OSError) -> DiskError:
    """The user-facing error for an OS error while writing (no path, no contents)."""
    if exc.errno in _FULL:
        return DiskError(MSG_DISK_FULL)
    if exc.errno in _READ_ONLY:
        return DiskError(MSG_READ_ONLY)
    return DiskError(MSG_DISK_IO)


@contextlib.contextmanager
def os_errors() -> Iterator[None]:
    """Turn an ``OSError`` raised inside into the matching :class:`DiskError`."""
    try:
        yield
    except OSError as exc:
        raise disk_error(exc) from None


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably; raises DiskError on failure.

    On failure the old file is untouched and the temporary file is removed.
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise disk_error(exc) from None


def dir_writable(directory: Path) -> bool:
    """Whether new files can be made in ``directory`` (also true for root on a read-only mount:
    ``access`` reports EROFS there, which is what we need)."""
    return os.access(directory, os.W_OK)
