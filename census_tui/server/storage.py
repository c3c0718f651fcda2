"""The reference server's storage: stdlib sqlite3 in WAL mode, no web imports.

Uniqueness lives in the schema, not in the code: ``households`` has the primary key
(case_uuid, revision) and ``outcomes`` the primary key outcome_uuid, and every write runs in a
``BEGIN IMMEDIATE`` transaction, so concurrent retries (several connections, several processes)
can never create a second copy. Cursors are integers handed out by one counter (``meta.seq``).

Secrets are kept apart from the data: the census office's recovery private key lives in its own
file next to the database (``<db>.recovery-key``, mode 0600, made once), never in a table; the
database file itself is 0600. Sessions expire (:data:`SESSION_IDLE` after the last use, and at
most :data:`SESSION_MAX_AGE` after the login). Once stored, a case belongs to the account and
area that first uploaded it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from census_tui.clock import Clock, SystemClock, iso
from census_tui.errors import StoreError
from census_tui.i18n import Msg
from census_tui.server import accounts as acc
from census_tui.server import review as rv

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    account TEXT PRIMARY KEY, pw_hash TEXT NOT NULL, must_change INTEGER NOT NULL,
    verified INTEGER NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL, id_number TEXT NOT NULL,
    work_id TEXT NOT NULL, issuing_office TEXT NOT NULL, valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS areas (
    area_id TEXT PRIMARY KEY, name TEXT NOT NULL, training INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS assignments (
    account TEXT NOT NULL REFERENCES accounts, area_id TEXT NOT NULL REFERENCES areas,
    PRIMARY KEY (account, area_id));
CREATE TABLE IF NOT EXISTS dwellings (
    dwelling_id TEXT PRIMARY KEY, area_id TEXT NOT NULL REFERENCES areas, address TEXT NOT NULL,
    kind TEXT NOT NULL, note TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, account TEXT NOT NULL REFERENCES accounts, created TEXT NOT NULL,
    expires REAL NOT NULL DEFAULT 0, ends REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS households (
    case_uuid TEXT NOT NULL, revision INTEGER NOT NULL, area_id TEXT NOT NULL,
    dwelling_id TEXT NOT NULL, account TEXT NOT NULL, training INTEGER NOT NULL,
    payload TEXT NOT NULL, sha256 TEXT NOT NULL, flagged INTEGER NOT NULL, flags TEXT NOT NULL,
    received TEXT NOT NULL, PRIMARY KEY (case_uuid, revision));
CREATE TABLE IF NOT EXISTS outcomes (
    outcome_uuid TEXT PRIMARY KEY, dwelling_id TEXT NOT NULL, area_id TEXT NOT NULL,
    account TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, sha256 TEXT NOT NULL,
    received TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reviews (
    seq INTEGER PRIMARY KEY, case_uuid TEXT NOT NULL, revision INTEGER NOT NULL,
    area_id TEXT NOT NULL, action TEXT NOT NULL, comment TEXT NOT NULL, by TEXT NOT NULL,
    at TEXT NOT NULL, items TEXT NOT NULL DEFAULT '[]');
"""
MIGRATIONS = (
    # Returns point at the questions concerned (a JSON list of [person_uuid, item_id]); a
    # database made before that has no column: it is added, old reviews read as no items.
    ("reviews", "items", "ALTER TABLE reviews ADD COLUMN items TEXT NOT NULL DEFAULT '[]'"),
    # Sessions expire; those made before expiry existed read as expired (the device logs in
    # again with its password).
    ("sessions", "expires", "ALTER TABLE sessions ADD COLUMN expires REAL NOT NULL DEFAULT 0"),
    ("sessions", "ends", "ALTER TABLE sessions ADD COLUMN ends REAL NOT NULL DEFAULT 0"),
)
SESSION_IDLE = 12 * 3600.0
"""A token expires this long after its last use; every authenticated call (a sync) renews it."""
SESSION_MAX_AGE = 7 * 24 * 3600.0
"""A token ends this long after its login, however often it is used."""
RENEW_AFTER = 60.0
"""A token's expiry is pushed forward at most once a minute (reads stay reads)."""
MAX_REVISION_STEP = 1000
"""A new revision of a case is at most this much above the stored one (and a new case's first
revision at most this), so a case cannot be pushed out of its owner's reach."""
KEY_MISSING = Msg(
    "恢复密钥文件 {path} 不见了：服务器不会另造新密钥（设备已记住原密钥）。请从备份放回该文件。",
    "The recovery key file {path} is missing: the server will not make a new key (devices "
    "pinned the old one). Put the file back from its backup.",
)
KEY_MISMATCH = Msg(
    "恢复密钥文件 {path} 与该数据库不符：请放回原来的密钥文件。",
    "The recovery key file {path} does not belong to this database: put the right one back.",
)
KEY_SUFFIX = ".recovery-key"
"""The office's recovery private key file is the database's path plus this suffix."""


@dataclass(frozen=True, slots=True)
class Account:
    """An account as the server holds it (the enumerator's card fields included)."""

    account: str
    role: str
    name: str
    id_number: str
    work_id: str
    issuing_office: str
    valid_from: str
    valid_until: str
    must_change: bool
    verified: bool


@dataclass(frozen=True, slots=True)
class StoreResult:
    """The answer to one upload: ``stored``, ``duplicate``, ``conflict``, ``forbidden`` (the
    case belongs to another account or area) or ``too_far`` (a revision jump past the step)."""

    status: str
    server_revision: int


def _private_file(path: Path) -> None:
    """Make ``path`` exist with mode 0600 (created so, or tightened): owner only."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class ServerDB:
    """One sqlite3 database; a single connection guarded by a lock (the server is small)."""

    def __init__(
        self, path: Path | str, clock: Clock | None = None, *, key_file: Path | str | None = None
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.RLock()
        self.path = None if str(path) == ":memory:" else Path(path)
        if key_file is not None:
            self.key_file: Path | None = Path(key_file)
        else:
            self.key_file = None if self.path is None else Path(f"{self.path}{KEY_SUFFIX}")
        self._memory_key: bytes | None = None
        if self.path is not None:
            _private_file(self.path)
        self._con = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._con.row_factory = sqlite3.Row
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=10000",
        ):
            self._con.execute(f"PRAGMA {pragma}")
        with self._lock:
            self._con.executescript(SCHEMA)
            self._migrate()
        if self.path is not None:
            for extra in ("-wal", "-shm"):
                side = Path(f"{self.path}{extra}")
                if side.exists():
                    os.chmod(side, 0o600)
        self._ensure_office_key()

    def _migrate(self) -> None:
        """Bring a database made by an older server up to :data:`SCHEMA` (additive only)."""
        for table, column, ddl in MIGRATIONS:
            cols = {r[1] for r in self._con.execute(f"PRAGMA table_info({table})")}
            if column not in cols:
                self._con.execute(ddl)

    def close(self) -> None:
        with self._lock:
            self._con.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken up front (``BEGIN IMMEDIATE``): all or nothing."""
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def _q(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    # -- meta ---------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        rows = self._q("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.tx() as con:
            con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def _next_seq(self, con: sqlite3.Connection) -> int:
        row = con.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        seq = int(row[0]) + 1 if row else 1
        con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('seq', ?)", (str(seq),))
        return seq

    @property
    def training(self) -> bool:
        return self.meta("training") == "1"

    def set_training(self, training: bool) -> None:
        self.set_meta("training", "1" if training else "0")

    def _ensure_office_key(self) -> None:
        """The census office's X25519 recovery key pair: the private key in its own 0600 file
        (made once), the public key in ``meta``. A private key left in ``meta`` by an older
        server is moved out to the file; a database whose key file is gone refuses to open
        rather than hand devices a new key (they pinned the old one)."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        raw = serialization.Encoding.Raw
        old = self.meta("recovery_private_key")
        private = self._read_key()
        if private is None and old is not None:
            private = base64.b64decode(old)
        elif private is None and self.meta("recovery_public_key"):
            raise StoreError(KEY_MISSING.format(path=str(self.key_file)))
        elif private is None:
            private = X25519PrivateKey.generate().private_bytes(
                raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
        key = X25519PrivateKey.from_private_bytes(private)
        pub = base64.b64encode(key.public_key().public_bytes(raw, serialization.PublicFormat.Raw))
        if self.meta("recovery_public_key") not in (None, pub.decode()):
            raise StoreError(KEY_MISMATCH.format(path=str(self.key_file)))
        self._write_key(private)
        with self.tx() as con:
            con.execute(
                "INSERT OR IGNORE INTO meta VALUES ('recovery_public_key', ?)", (pub.decode(),)
            )
            con.execute("DELETE FROM meta WHERE key = 'recovery_private_key'")

    def _read_key(self) -> bytes | None:
        if self.key_file is None:
            return self._memory_key
        try:
            return base64.b64decode(self.key_file.read_bytes().strip(), validate=True)
        except FileNotFoundError:
            return None

    def _write_key(self, private: bytes) -> None:
        if self.key_file is None:
            self._memory_key = private
            return
        if self.key_file.exists():
            os.chmod(self.key_file, 0o600)
            return
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(base64.b64encode(private) + b"\n")
            f.flush()
            os.fsync(f.fileno())

    def recovery_public_key(self) -> str:
        return self.meta("recovery_public_key") or ""

    def recovery_private_key(self) -> bytes:
        """The office's recovery private key (raw 32 bytes), from its key file."""
        key = self._read_key()
        if key is None:
            raise RuntimeError("no office recovery key")
        return key

    def backup(self, dest: Path) -> None:
        """A consistent copy of the database at ``dest`` (SQLite's online backup API), 0600.

        The recovery key file is not part of it: secrets are backed up apart from data."""
        _private_file(dest)
        target = sqlite3.connect(str(dest))
        try:
            with self._lock:
                self._con.backup(target)
        finally:
            target.close()
        os.chmod(dest, 0o600)

    # -- accounts and areas -------------------------------------------------------------------
    def add_area(self, area_id: str, name: str, training: bool) -> None:
        with self.tx() as con:
            seq = self._next_seq(con)
            con.execute(
                "INSERT OR REPLACE INTO areas VALUES (?, ?, ?, ?)", (area_id, name, training, seq)
            )

    def add_dwelling(
        self, dwelling_id: str, area_id: str, address: str, kind: str, note: str
    ) -> None:
        with self.tx() as con:
            seq = self._next_seq(con)
            con.execute(
                "INSERT OR REPLACE INTO dwellings VALUES (?, ?, ?, ?, ?, ?)",
                (dwelling_id, area_id, address, kind, note, seq),
            )

    def add_account(
        self,
        account: str,
        password: str,
        *,
        name: str,
        id_number: str,
        work_id: str,
        issuing_office: str,
        valid_from: str,
        valid_until: str,
        areas: list[str],
        role: str = "enumerator",
    ) -> None:
        """An account with an initial password that must be changed at the first login."""
        pw = acc.hash_password(password)
        with self.tx() as con:
            con.execute(
                "INSERT INTO accounts VALUES (?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?)",
                (
                    account,
                    pw,
                    role,
                    name,
                    id_number,
                    work_id,
                    issuing_office,
                    valid_from,
                    valid_until,
                ),
            )
            for area in areas:
                con.execute("INSERT INTO assignments VALUES (?, ?)", (account, area))

    def _account(self, account: str) -> Account | None:
        rows = self._q("SELECT * FROM accounts WHERE account = ?", (account,))
        if not rows:
            return None
        r = rows[0]
        return Account(
            r["account"],
            r["role"],
            r["name"],
            r["id_number"],
            r["work_id"],
            r["issuing_office"],
            r["valid_from"],
            r["valid_until"],
            bool(r["must_change"]),
            bool(r["verified"]),
        )

    def login(self, account: str, password: str) -> tuple[str, Account] | None:
        """A new token for a correct password, else None (no hint which part was wrong). An
        unknown account costs the same scrypt as a known one (no timing hint either)."""
        rows = self._q("SELECT pw_hash FROM accounts WHERE account = ?", (account,))
        if not acc.check_or_dummy(password, rows[0][0] if rows else None):
            return None
        token = acc.new_token()
        now = self.clock.now()
        with self.tx() as con:
            con.execute(
                "INSERT INTO sessions (token_hash, account, created, expires, ends)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    acc.token_hash(token),
                    account,
                    iso(now),
                    now.timestamp() + SESSION_IDLE,
                    now.timestamp() + SESSION_MAX_AGE,
                ),
            )
        found = self._account(account)
        return (token, found) if found else None

    def account_for_token(self, token: str) -> Account | None:
        """The token's account while its session lives; each use renews the idle expiry."""
        digest = acc.token_hash(token)
        rows = self._q(
            "SELECT account, expires, ends FROM sessions WHERE token_hash = ?", (digest,)
        )
        if not rows:
            return None
        now = self.clock.now().timestamp()
        account, expires, ends = rows[0]
        if now >= min(expires, ends):
            with self.tx() as con:
                con.execute("DELETE FROM sessions WHERE token_hash = ?", (digest,))
            return None
        if now + SESSION_IDLE - expires > RENEW_AFTER:
            with self.tx() as con:
                con.execute(
                    "UPDATE sessions SET expires = ? WHERE token_hash = ?",
                    (min(now + SESSION_IDLE, ends), digest),
                )
        return self._account(account)

    def logout(self, token: str) -> None:
        """End the token's session (``POST /logout``)."""
        with self.tx() as con:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", (acc.token_hash(token),))

    def sessions_of(self, account: str) -> int:
        """How many sessions the account has open (tests, the admin)."""
        return int(self._q("SELECT COUNT(*) FROM sessions WHERE account = ?", (account,))[0][0])

    def change_password(self, account: str, old: str, new: str, *, keep: str = "") -> bool:
        """Change the password when ``old`` is right; every session but the token ``keep``
        (the caller's own) ends, so a stolen token dies with the old password."""
        rows = self._q("SELECT pw_hash FROM accounts WHERE account = ?", (account,))
        if not rows or not acc.check_password(old, rows[0][0]):
            return False
        pw = acc.hash_password(new)
        with self.tx() as con:
            con.execute(
                "UPDATE accounts SET pw_hash = ?, must_change = 0 WHERE account = ?", (pw, account)
            )
            con.execute(
                "DELETE FROM sessions WHERE account = ? AND token_hash != ?",
                (account, acc.token_hash(keep) if keep else ""),
            )
        return True

    def mark_ready(self, account: str) -> None:
        """Skip the first-login steps (tests and scripted set-ups only)."""
        with self.tx() as con:
            con.execute(
                "UPDATE accounts SET must_change = 0, verified = 1 WHERE account = ?", (account,)
            )

    def verify_real_name(self, account: str, name: str, id_number: str) -> bool:
        found = self._account(account)
        ok = (
            found is not None
            and found.name == name.strip()
            and (found.id_number.upper() == id_number.strip().upper())
        )
        if ok:
            with self.tx() as con:
                con.execute("UPDATE accounts SET verified = 1 WHERE account = ?", (account,))
        return ok

    def areas_of(self, account: str) -> list[sqlite3.Row]:
        return self._q(
            "SELECT a.* FROM areas a JOIN assignments s USING (area_id) WHERE s.account = ?"
            " ORDER BY a.area_id",
            (account,),
        )

    def dwellings_since(self, area_ids: list[str], since: int) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(area_ids))
        return self._q(
            f"SELECT * FROM dwellings WHERE area_id IN ({marks}) AND seq > ? ORDER BY seq",
            (*area_ids, since),
        )

    def current_seq(self) -> int:
        return int(self.meta("seq") or 0)

    def dwelling_area(self, dwelling_id: str) -> str | None:
        rows = self._q("SELECT area_id FROM dwellings WHERE dwelling_id = ?", (dwelling_id,))
        return str(rows[0][0]) if rows else None

    # -- uploads ------------------------------------------------------------------------------
    def store_household(
        self,
        con: sqlite3.Connection,
        *,
        case_uuid: str,
        revision: int,
        area_id: str,
        dwelling_id: str,
        account: str,
        training: bool,
        payload: str,
        flags: list[str],
    ) -> StoreResult:
        """Store one revision inside the caller's transaction; idempotent by (case, revision)."""
        digest = hashlib.sha256(payload.encode()).hexdigest()
        row = con.execute(
            "SELECT revision, account, area_id FROM households WHERE case_uuid = ?"
            " ORDER BY revision DESC LIMIT 1",
            (case_uuid,),
        ).fetchone()
        top = None if row is None else int(row[0])
        if row is not None and (row[1], row[2]) != (account, area_id):
            return StoreResult("forbidden", 0)
        if revision > (top or 0) + MAX_REVISION_STEP:
            return StoreResult("too_far", top or 0)
        if top is not None and top > revision:
            return StoreResult("conflict", int(top))
        if top == revision:
            same = con.execute(
                "SELECT sha256 FROM households WHERE case_uuid = ? AND revision = ?",
                (case_uuid, revision),
            ).fetchone()[0]
            return StoreResult("duplicate" if same == digest else "conflict", revision)
        cur = con.execute(
            "INSERT INTO households VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (
                case_uuid,
                revision,
                area_id,
                dwelling_id,
                account,
                training,
                payload,
                digest,
                bool(flags),
                ",".join(flags),
                iso(self.clock.now()),
            ),
        )
        return StoreResult("stored" if cur.rowcount == 1 else "duplicate", revision)

    def store_outcome(
        self,
        con: sqlite3.Connection,
        *,
        outcome_uuid: str,
        dwelling_id: str,
        area_id: str,
        account: str,
        kind: str,
        payload: str,
    ) -> StoreResult:
        digest = hashlib.sha256(payload.encode()).hexdigest()
        cur = con.execute(
            "INSERT INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                outcome_uuid,
                dwelling_id,
                area_id,
                account,
                kind,
                payload,
                digest,
                iso(self.clock.now()),
            ),
        )
        if cur.rowcount == 1:
            return StoreResult("stored", 0)
        same = con.execute(
            "SELECT sha256 FROM outcomes WHERE outcome_uuid = ?", (outcome_uuid,)
        ).fetchone()[0]
        return StoreResult("duplicate" if same == digest else "conflict", 0)

    # -- supervisor ---------------------------------------------------------------------------
    def review(
        self,
        case_uuid: str,
        action: str,
        comment: str,
        by: str,
        items: Sequence[tuple[str, str]] = (),
    ) -> int:
        """Return (``returned``) or approve (``approved``) the latest revision of a case.

        ``items`` are the questions concerned, ``(person_uuid or "", item_id)``, checked against
        the form and that revision's persons (:func:`review.check_items`). Returns the review's
        cursor; raises KeyError when the case was never uploaded, :class:`review.BadReview`
        when an item does not fit (nothing is stored then).
        """
        if action not in ("returned", "approved"):
            raise ValueError(action)
        with self.tx() as con:
            row = con.execute(
                "SELECT revision, area_id, payload FROM households WHERE case_uuid = ?"
                " ORDER BY revision DESC LIMIT 1",
                (case_uuid,),
            ).fetchone()
            if row is None:
                raise KeyError(case_uuid)
            if items and action != "returned":
                raise rv.BadReview(
                    "items on an approval",
                    Msg("审核通过不指明问题", "an approval names no questions"),
                )
            clean = rv.check_items(items, rv.person_uuids(row[2]))
            seq = self._next_seq(con)
            con.execute(
                "INSERT INTO reviews (seq, case_uuid, revision, area_id, action, comment, by, at,"
                " items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    seq,
                    case_uuid,
                    row[0],
                    row[1],
                    action,
                    comment,
                    by,
                    iso(self.clock.now()),
                    json.dumps([list(i) for i in clean]),
                ),
            )
        return seq

    def case_persons(self, case_uuid: str) -> list[str]:
        """The person UUIDs of a case's latest revision in read-back order; KeyError if none."""
        rows = self._q(
            "SELECT payload FROM households WHERE case_uuid = ? ORDER BY revision DESC LIMIT 1",
            (case_uuid,),
        )
        if not rows:
            raise KeyError(case_uuid)
        return rv.person_uuids(rows[0][0])

    @staticmethod
    def review_items(row: sqlite3.Row) -> list[dict[str, str]]:
        """A stored review's items as the protocol sends them."""
        try:
            pairs = json.loads(row["items"])
            return [{"person_uuid": str(p), "item_id": str(i)} for p, i in pairs]
        except (ValueError, TypeError):
            return []

    def reviews_since(self, area_ids: list[str], since: int) -> list[sqlite3.Row]:
        marks = ",".join("?" * len(area_ids))
        return self._q(
            f"SELECT * FROM reviews WHERE area_id IN ({marks}) AND seq > ? ORDER BY seq",
            (*area_ids, since),
        )

    # -- read-outs for tests, the bench and the supervisor CLI ----------------------------------
    def households(self) -> list[sqlite3.Row]:
        return self._q("SELECT * FROM households ORDER BY case_uuid, revision")

    def outcomes(self) -> list[sqlite3.Row]:
        return self._q("SELECT * FROM outcomes ORDER BY outcome_uuid")

    def rows(self, table: str) -> list[tuple[Any, ...]]:
        """Every row of one of the tables, in key order (tests compare before and after)."""
        if table not in {
            "households",
            "outcomes",
            "reviews",
            "accounts",
            "dwellings",
            "areas",
            "sessions",
            "assignments",
            "meta",
        }:
            raise ValueError(table)
        return [tuple(r) for r in self._q(f"SELECT * FROM {table} ORDER BY 1, 2")]
