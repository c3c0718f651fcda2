"""The backup file: a zip holding the encrypted database copy, the key envelope and a manifest.

Why this shape: the database copy is still SQLCipher-encrypted under the profile's data key and
the envelope only gives that key to the password (or the office's recovery key), so a backup on
a lost USB stick reveals nothing. The manifest lists every member's size and SHA-256, so a
damaged or truncated copy is caught before anything is restored, and it states the schema
version so that an older program refuses a newer backup without needing the password.

Members are stored uncompressed (encrypted data does not compress).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from census_tui.errors import BadInput
from census_tui.i18n import Msg

FORMAT = "census-tui-backup"
VERSION = 1
DB_MEMBER = "census.db"
ENVELOPE_MEMBER = "envelope.json"
MANIFEST_MEMBER = "manifest.json"
CHUNK = 1024 * 1024
MAX_MANIFEST = 64 * 1024

MSG_BACKUP_DAMAGED = Msg(
    "备份文件已损坏或不完整（{why}），未做任何改动。请换一份备份。",
    "The backup file is damaged or incomplete ({why}); nothing was changed. Use another backup.",
)
MSG_NOT_A_BACKUP = Msg(
    "这不是 census-tui 的备份文件，未做任何改动。",
    "This is not a census-tui backup file; nothing was changed.",
)


def damaged(why: str) -> BadInput:
    """A backup that fails its own checks (``why`` is a fixed English phrase, no data)."""
    return BadInput(MSG_BACKUP_DAMAGED.format(why=why))


@dataclass(frozen=True, slots=True)
class Manifest:
    """What ``manifest.json`` says about a backup."""

    profile: str
    schema_version: int
    created: str
    census_tui: str
    outbox_depth: int
    files: dict[str, dict[str, Any]]

    def to_json(self) -> bytes:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "profile": self.profile,
            "schema_version": self.schema_version,
            "created": self.created,
            "census_tui": self.census_tui,
            "outbox_depth": self.outbox_depth,
            "files": self.files,
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")


def sha256_file(path: Path) -> tuple[int, str]:
    """Size and SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def parse_manifest(data: bytes) -> Manifest:
    """Parse and check a manifest; BadInput when it is not one of ours or is malformed."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise damaged("manifest unreadable") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BadInput(MSG_NOT_A_BACKUP)
    files: Any = doc.get("files")
    ok = (
        isinstance(doc.get("version"), int)
        and isinstance(doc.get("profile"), str)
        and type(doc.get("schema_version")) is int
        and type(doc.get("outbox_depth")) is int
        and isinstance(files, dict)
        and set(files) == {DB_MEMBER, ENVELOPE_MEMBER}
        and all(
            isinstance(f, dict)
            and type(f.get("size")) is int
            and isinstance(f.get("sha256"), str)
            and len(f["sha256"]) == 64
            for f in files.values()
        )
    )
    if not ok:
        raise damaged("manifest incomplete")
    if doc["version"] > VERSION:
        raise BadInput(MSG_NOT_A_BACKUP)
    return Manifest(
        profile=doc["profile"],
        schema_version=doc["schema_version"],
        created=str(doc.get("created", "")),
        census_tui=str(doc.get("census_tui", "")),
        outbox_depth=doc["outbox_depth"],
        files=files,
    )


@contextmanager
def open_backup(path: Path) -> Iterator[tuple[zipfile.ZipFile, Manifest]]:
    """Open a backup zip and read its manifest; BadInput for anything not a sound backup."""
    try:
        zf = zipfile.ZipFile(path, "r")
    except FileNotFoundError:
        raise BadInput(Msg("找不到备份文件。", "The backup file does not exist.")) from None
    except IsADirectoryError:
        raise BadInput(MSG_NOT_A_BACKUP) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise damaged("not a complete zip") from None
    with zf:
        names = set(zf.namelist())
        if MANIFEST_MEMBER not in names:
            raise BadInput(MSG_NOT_A_BACKUP)
        if not {DB_MEMBER, ENVELOPE_MEMBER} <= names:
            raise damaged("members missing")
        info = zf.getinfo(MANIFEST_MEMBER)
        if info.file_size > MAX_MANIFEST:
            raise damaged("manifest too large")
        try:
            manifest = parse_manifest(zf.read(MANIFEST_MEMBER))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise damaged("manifest unreadable") from exc
        yield zf, manifest


class Writer(Protocol):
    """Where extracted bytes go (a file opened ``wb``, or a sink that discards)."""

    def write(self, data: bytes, /) -> int: ...


def extract_checked(zf: zipfile.ZipFile, manifest: Manifest, member: str, out: Writer) -> None:
    """Copy ``member`` to ``out`` while checking its size and SHA-256 against the manifest.

    OSError from writing ``out`` propagates (the caller maps it to a disk message).
    """
    want = manifest.files[member]
    digest = hashlib.sha256()
    size = 0
    try:
        with zf.open(member) as src:
            while True:
                try:
                    chunk = src.read(CHUNK)
                except (zipfile.BadZipFile, EOFError, ValueError) as exc:
                    raise damaged("member unreadable") from exc
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
                if size > want["size"]:
                    raise damaged("member larger than recorded")
                out.write(chunk)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise damaged("member unreadable") from exc
    if size != want["size"] or digest.hexdigest() != want["sha256"]:
        raise damaged("checksum mismatch")


def verify(path: Path) -> Manifest:
    """Re-read a whole backup and check every checksum (the self-check after writing)."""
    with open_backup(path) as (zf, manifest):
        for member in (DB_MEMBER, ENVELOPE_MEMBER):
            extract_checked(zf, manifest, member, _Sink())
    return manifest


class _Sink:
    """A write-only file that discards (verification without a temporary copy)."""

    def write(self, data: bytes) -> int:
        return len(data)
