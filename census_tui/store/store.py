"""The open store: one enumerator profile's decrypted database plus its key envelope.

Get one from :func:`census_tui.store.create_profile` or :func:`census_tui.store.unlock`; the
methods come from the parts (:mod:`.base`, :mod:`.cases`, :mod:`.fieldwork`, :mod:`.journal`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType

import sqlcipher3

from census_tui.clock import Clock
from census_tui.errors import StoreError
from census_tui.store import envelope as env_mod
from census_tui.store.cases import CasesMixin
from census_tui.store.db import Connection, copy_to, db_errors
from census_tui.store.errors import (
    MSG_ENVELOPE_DAMAGED,
    MSG_ENVELOPE_MISSING,
    LockedOut,
    bad_value,
    conflict,
)
from census_tui.store.fieldwork import FieldworkMixin
from census_tui.store.journal import JournalMixin
from census_tui.store.lockout import Lockout
from census_tui.store.lookups import LookupsMixin
from census_tui.store.roster import RosterMixin
from census_tui.store.supervision import SupervisionMixin
from census_tui.store.transfer import TransferMixin

DB_FILE = "census.db"
ENVELOPE_FILE = "envelope.json"
LOCKOUT_FILE = "lockout.json"


def check_password_text(password: str) -> None:
    if not isinstance(password, str) or not password:
        raise bad_value("password")


class Store(
    CasesMixin,
    FieldworkMixin,
    JournalMixin,
    LookupsMixin,
    RosterMixin,
    SupervisionMixin,
    TransferMixin,
):
    """An unlocked profile. Use as a context manager or call :meth:`close`."""

    def __init__(
        self, conn: Connection, clock: Clock, *, name: str, directory: Path, key: bytes
    ) -> None:
        super().__init__(conn, clock)
        self.name = name
        self.directory = directory
        self._key = key

    @property
    def db_path(self) -> Path:
        return self.directory / DB_FILE

    @property
    def envelope_path(self) -> Path:
        return self.directory / ENVELOPE_FILE

    @property
    def lockout(self) -> Lockout:
        return Lockout(self.directory / LOCKOUT_FILE, self.clock)

    # --- life cycle ------------------------------------------------------------------------

    def close(self) -> None:
        """Close (safe to call twice). The last connection to close checkpoints and removes
        the WAL; everything was committed already."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(sqlcipher3.Error):
                    conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- keys --------------------------------------------------------------------------

    def _load_envelope(self) -> env_mod.Envelope:
        if not self.envelope_path.is_file():
            raise StoreError(MSG_ENVELOPE_MISSING)
        env = env_mod.load(self.envelope_path)
        if env.profile != self.name:
            raise StoreError(MSG_ENVELOPE_DAMAGED)
        return env

    def change_password(self, old: str, new: str, *, kdf: env_mod.KdfParams | None = None) -> None:
        """Rewrap the data key under ``new`` (fresh salt; atomic file replace; the database is
        not rewritten). ``old`` is checked under the same lockout as unlocking."""
        check_password_text(new)
        lockout = self.lockout
        remaining = lockout.remaining()
        if remaining:
            raise LockedOut(remaining)
        env = self._load_envelope()
        key = lockout.check_password(lambda: env_mod.open_with_password(env, old))
        if key != self._key:
            raise StoreError(MSG_ENVELOPE_DAMAGED)
        env_mod.save(self.envelope_path, env_mod.rewrap(env, key, new, kdf))
        self.log_event("password_changed")

    def set_recovery_key(self, public_key_bytes: bytes | None) -> None:
        """Add, replace or (None) remove the recovery slot of the envelope."""
        env = self._load_envelope()
        env.recovery = (
            None
            if public_key_bytes is None
            else env_mod.wrap_for_recovery(self._key, public_key_bytes)
        )
        env_mod.save(self.envelope_path, env)
        self.log_event("recovery_key_set" if public_key_bytes else "recovery_key_removed")

    # --- maintenance ---------------------------------------------------------------------

    def integrity_check(self) -> tuple[bool, bool]:
        """``(cipher_ok, sqlite_ok)``: every page's HMAC (``PRAGMA cipher_integrity_check``)
        and SQLite's own structure check (``PRAGMA integrity_check``)."""
        with self._lock, db_errors():
            conn = self._connection()
            cipher_ok = not conn.execute("PRAGMA cipher_integrity_check").fetchall()
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            sqlite_ok = len(rows) == 1 and str(rows[0][0]) == "ok"
        return cipher_ok, sqlite_ok

    def schema_version(self) -> int:
        with self.transaction(write=False):
            row = self._one("SELECT max(version) FROM schema_version")
        return int(row[0]) if row and row[0] is not None else 0

    def backup_to(self, path: Path) -> None:
        """A consistent encrypted copy (same data key) at ``path`` via the SQLite backup API.
        Only the database: keep the envelope with it to be able to open the copy."""
        if path.exists():
            raise conflict("backup file exists")
        with self._lock:
            copy_to(self._connection(), path, self._key)
