"""The reference server's storage: one interface, two backends, no web imports.

:class:`Storage` is what the application (``app.py``), the seeding and the supervisor commands
use; it holds the server's rules (sessions, case ownership, idempotent uploads, returns) once,
in SQL both backends run. :class:`SqliteStorage` (stdlib sqlite3 in WAL mode, one connection
behind a lock) is the embedded default for the demo, training classes and tests;
``PostgresStorage`` (``pg_storage.py``, psycopg 3 with a connection pool, imported only for a
``postgresql://`` URL) is for a census office's own database and several worker processes.
:func:`open_storage` picks one from ``--db``: ``postgresql://…``, ``sqlite:///relative.db``,
``sqlite:////absolute.db`` or a plain path (SQLite).

Uniqueness lives in the schema (``migrations.py``), not in the code: ``households`` has the
primary key (case_uuid, revision), ``outcomes`` outcome_uuid and ``cases`` (the owner of each
case) case_uuid, and inserts say ``ON CONFLICT DO NOTHING``, so concurrent retries (several
connections, several processes) never create a second copy. Cursors come from the database (a
sequence on PostgreSQL, the ``meta.seq`` counter on SQLite), never from a process's memory.

Secrets are kept apart from the data: the census office's recovery private key lives in its own
file (``<db>.recovery-key`` for SQLite, ``--key-file`` for PostgreSQL; mode 0600, made once),
never in a table; a SQLite database file itself is 0600. Sessions expire (:data:`SESSION_IDLE`
after the last use, and at most :data:`SESSION_MAX_AGE` after the login). Once stored, a case
belongs to the account and area that first uploaded it.

Every method may block (a lock, the network): the application calls them from a worker thread.
When the database cannot be reached they raise :class:`StorageUnavailable` (the server answers
503 with ``Retry-After``; the transaction was rolled back as a whole).
"""

from __future__ import annotations

import abc
import base64
import contextlib
import hashlib
import json
import math
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from census_tui.clock import Clock, SystemClock, iso
from census_tui.errors import BadInput, StoreError
from census_tui.i18n import Msg
from census_tui.server import accounts as acc
from census_tui.server import review as rv
from census_tui.server.allocation_store import ALLOCATION_PATH, AllocationStore
from census_tui.server.event_store import Q_AREA_EVENTS, Q_DWELLING_EVENTS, Q_EVENT
from census_tui.server.migrations import LATEST, LEGACY_COLUMNS, STEPS, VERSION_TABLE, Dialect
from census_tui.server.supervisor_store import SupervisorStore

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
"""The office's recovery private key file is a SQLite database's path plus this suffix."""
UNAVAILABLE = Msg(
    "服务器数据库暂时不可用，本批未保存任何内容，请稍后重试。",
    "The server's database is unavailable for now; nothing of this request was stored. Try "
    "again shortly.",
)
TOO_NEW = Msg(
    "该数据库由更新版本的服务器创建（结构版本 {have}，本程序支持到 {latest}）：请升级服务器。",
    "This database was made by a newer server (schema version {have}; this one knows up to "
    "{latest}): upgrade the server.",
)
BAD_URL = Msg(
    "无法识别的数据库地址 {url}：请写 postgresql://…、sqlite:///文件 或文件路径。",
    "Unknown database address {url}: give postgresql://…, sqlite:///FILE or a file path.",
)
NO_KEY_FILE = Msg(
    "PostgreSQL 服务器须用 --key-file 指定恢复密钥文件（首次启动时生成，权限 0600，请与数据库"
    "分开备份）。",
    "A PostgreSQL server needs --key-file for the office's recovery key file (made on the first "
    "start, mode 0600; back it up apart from the database).",
)


DISABLED_HASH = "disabled$"
"""Prefix of the password hash of a disabled account (``census-tui server disable-account``)."""


class StorageUnavailable(StoreError):
    """The database cannot be reached or gave up on a transaction (gone away, restarting,
    pool exhausted, deadlock): nothing of the transaction was kept; try again later."""

    def __init__(self, msg: Msg = UNAVAILABLE) -> None:
        super().__init__(msg)


class BadText(ValueError):
    """A text the database cannot hold (a NUL character on PostgreSQL)."""


class Row(tuple[Any, ...]):
    """A result row: a tuple that also answers ``row["column"]`` (the same on both backends)."""

    _names: dict[str, int]

    def __new__(cls, values: Iterable[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def column_names(description: Sequence[Sequence[Any]] | None) -> dict[str, int]:
    return {str(d[0]): i for i, d in enumerate(description or ())}


class Cursor(Protocol):
    """What a statement run in a transaction gives back (sqlite3's and psycopg's cursors)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Tx(Protocol):
    """A transaction: statements with ``?`` placeholders (PostgreSQL's are translated)."""

    def execute(self, sql: str, args: Sequence[Any] = (), /) -> Cursor: ...


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
class Upload:
    """One household revision to store (:meth:`Storage.store_households`); ``clock_offset`` is
    server minus device time (s) as the device measured it at the sync that sent it."""

    case_uuid: str
    revision: int
    area_id: str
    dwelling_id: str
    account: str
    training: bool
    payload: str
    flags: list[str]
    clock_offset: int | None = None


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


def _marks(n: int) -> str:
    return ",".join("?" * n)


T = TypeVar("T")
_CHUNK = 200
"""Rows a statement of :meth:`Storage.store_households` takes at most (a batch is up to 500)."""


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _account_of(r: Any) -> Account:
    """An account from a row with the ``accounts`` columns by name."""
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


def _revision_row(u: Upload, digest: str, received: str) -> tuple[Any, ...]:
    """The values of one households row, in the order the insert names its columns."""
    return (
        u.case_uuid,
        u.revision,
        u.area_id,
        u.dwelling_id,
        u.account,
        int(u.training),
        u.payload,
        digest,
        int(bool(u.flags)),
        ",".join(u.flags),
        received,
        u.clock_offset,
    )


def _decide(
    uploads: Sequence[Upload],
    digests: Sequence[str],
    owners: dict[str, tuple[str, str]],
    stored: dict[str, dict[int, str]],
) -> tuple[list[StoreResult], list[tuple[str, str, str]], list[int]]:
    """The answer to each upload as if stored one after the other, from the cases' owners and
    stored revisions (``{case: {revision: sha256}}``); the new cases to claim, ``(case,
    account, area)`` in the order first met, and the indexes of the uploads to write."""
    owner_now = dict(owners)
    tops = {c: max(revisions) for c, revisions in stored.items() if revisions}
    written: dict[tuple[str, int], str] = {}
    results: list[StoreResult] = []
    claims: list[tuple[str, str, str]] = []
    rows: list[int] = []
    for i, u in enumerate(uploads):
        owner = owner_now.get(u.case_uuid)
        if owner is None:
            if u.revision > MAX_REVISION_STEP:
                results.append(StoreResult("too_far", 0))
                continue
            owner = owner_now[u.case_uuid] = (u.account, u.area_id)
            claims.append((u.case_uuid, u.account, u.area_id))
        if owner != (u.account, u.area_id):
            results.append(StoreResult("forbidden", 0))
            continue
        top = tops.get(u.case_uuid)
        if u.revision > (top or 0) + MAX_REVISION_STEP:
            results.append(StoreResult("too_far", top or 0))
        elif top is not None and top > u.revision:
            results.append(StoreResult("conflict", top))
        elif top == u.revision:
            same = written.get((u.case_uuid, u.revision)) or stored[u.case_uuid][u.revision]
            results.append(StoreResult("duplicate" if same == digests[i] else "conflict", top))
        else:
            tops[u.case_uuid] = u.revision
            written[(u.case_uuid, u.revision)] = digests[i]
            rows.append(i)
            results.append(StoreResult("stored", u.revision))
    return results, claims, rows


# -- the queries of the sync path (each has an index; tests/server_pg/test_explain.py) ---------
Q_CALLER = (
    "SELECT s.expires, s.ends, a.*, t.at AS last_sync FROM sessions s"
    " JOIN accounts a ON a.account = s.account"
    " LEFT JOIN sync_times t ON t.account = s.account WHERE s.token_hash = ?"
)
"""A token's session, its account and the account's last sync, in one read (every request)."""
Q_ACCOUNT = "SELECT * FROM accounts WHERE account = ?"
Q_AREAS_OF = (
    "SELECT a.* FROM areas a JOIN assignments s ON s.area_id = a.area_id WHERE s.account = ?"
    " ORDER BY a.area_id"
)
Q_DWELLINGS_SINCE = "SELECT * FROM dwellings WHERE area_id IN ({marks}) AND seq > ? ORDER BY seq"
Q_REVIEWS_SINCE = "SELECT * FROM reviews WHERE area_id IN ({marks}) AND seq > ? ORDER BY seq"
Q_DWELLING_AREA = "SELECT area_id FROM dwellings WHERE dwelling_id = ?"
Q_CASE_OWNERS = (
    "SELECT case_uuid, account, area_id FROM cases WHERE case_uuid IN ({marks}) ORDER BY case_uuid"
)
Q_CASE_REVISIONS = "SELECT case_uuid, revision, sha256 FROM households WHERE case_uuid IN ({marks})"
Q_OUTCOME = "SELECT sha256 FROM outcomes WHERE outcome_uuid = ?"
Q_CASES_OF = "SELECT case_uuid FROM cases WHERE account = ? AND area_id = ?"
Q_NTH_FAILURE = (
    "SELECT at FROM failed_attempts WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?"
)
Q_CARD_CHECK = (
    "SELECT a.account, a.role, a.name, a.work_id, a.valid_from, a.valid_until, a.verified,"
    " a.must_change, COALESCE(k.nonce, '') AS card_nonce,"
    f" CASE WHEN SUBSTR(a.pw_hash, 1, {len(DISABLED_HASH)}) = ? THEN 1 ELSE 0 END AS disabled,"
    " COALESCE((SELECT r.name FROM assignments s JOIN areas r ON r.area_id = s.area_id"
    " WHERE s.account = a.account ORDER BY r.area_id LIMIT 1), '') AS area_name"
    " FROM accounts a LEFT JOIN card_keys k ON k.account = a.account"
    " WHERE a.work_id = ? ORDER BY a.account"
)
"""The accounts of a work id, for the open identity-code check (server/verify.py): what it
needs to tell a current enumerator card, and the area name it answers with, in one read."""

SYNC_PATH: dict[str, tuple[str, tuple[Any, ...]]] = {
    "the caller of a token": (Q_CALLER, ("0" * 64,)),
    "account": (Q_ACCOUNT, ("alice",)),
    "areas of an account": (Q_AREAS_OF, ("alice",)),
    "dwellings since a cursor": (Q_DWELLINGS_SINCE.format(marks=_marks(2)), ("a1", "a2", 5)),
    "returns since a cursor": (Q_REVIEWS_SINCE.format(marks=_marks(2)), ("a1", "a2", 5)),
    "area of a dwelling": (Q_DWELLING_AREA, ("a1-001",)),
    "owners of a batch's cases": (Q_CASE_OWNERS.format(marks=_marks(2)), ("c1", "c2")),
    "revisions of a batch's cases": (Q_CASE_REVISIONS.format(marks=_marks(2)), ("c1", "c2")),
    "an outcome": (Q_OUTCOME, ("o1",)),
    "cases of an owner": (Q_CASES_OF, ("alice", "a1")),
    "failed logins of an account": (Q_NTH_FAILURE, ("account:alice", 1e9, 4)),
    "cards of a work id (the open code check)": (Q_CARD_CHECK, (DISABLED_HASH, "PC-1")),
    "an uploaded event": (Q_EVENT, ("e1",)),
    **ALLOCATION_PATH,
}
"""Every query a device's sync runs, with example arguments: each must use an index."""

TABLES = frozenset(
    {
        "households",
        "outcomes",
        "reviews",
        "accounts",
        "dwellings",
        "areas",
        "sessions",
        "assignments",
        "meta",
        "cases",
        "failed_attempts",
        "supervisor_of",
        "sync_times",
        "decisions",
        "spot_samples",
        "revisits",
        "card_keys",
        "dwelling_moves",
        "allocations",
        "events",
    }
)


class Storage(AllocationStore, SupervisorStore, abc.ABC):
    """The server's data: accounts, sessions, areas and dwellings, uploads, returns.

    A backend provides the connection handling (:meth:`_q`, :meth:`tx`), the cursor counter
    (:meth:`_next_seq`, :meth:`current_seq`), :meth:`backup`, :meth:`scans` and :meth:`close`;
    everything else is shared SQL with ``?`` placeholders.
    """

    dialect: ClassVar[Dialect]
    lock_clause: ClassVar[str] = ""
    """Appended to a SELECT that must lock the rows it reads until the transaction ends."""

    clock: Clock
    key_file: Path | None

    def __init__(self, clock: Clock | None, key_file: Path | None) -> None:
        self.clock = clock or SystemClock()
        self.key_file = key_file
        self._memory_key: bytes | None = None

    # -- what a backend provides ---------------------------------------------------------------
    @abc.abstractmethod
    def _q(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        """Run one read statement on its own and return its rows."""

    @abc.abstractmethod
    def tx(self) -> AbstractContextManager[Tx]:
        """A write transaction: all or nothing (rolled back when the block raises)."""

    @abc.abstractmethod
    def _next_seq(self, t: Tx) -> int:
        """The next cursor value, inside the transaction that stores the row carrying it."""

    @abc.abstractmethod
    def current_seq(self) -> int:
        """The highest cursor value whose row is committed, and every lower one with it."""

    @abc.abstractmethod
    def backup(self, dest: Path) -> None:
        """A consistent copy of the database at ``dest`` (mode 0600)."""

    @abc.abstractmethod
    def scans(self, sql: str, args: Sequence[Any]) -> list[str]:
        """The full table scans in the plan of ``sql`` (empty: every table read by index)."""

    @abc.abstractmethod
    def close(self) -> None: ...

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the data are, for messages (no password)."""

    def _migrate(self) -> None:
        """Apply the steps of ``migrations.STEPS`` the database has not had, in one
        transaction; a database from a newer server is refused."""
        with self.tx() as t:
            self._lock_schema(t)
            t.execute(VERSION_TABLE)
            have = int(
                t.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
            )
            if have > LATEST:
                raise StoreError(TOO_NEW.format(have=have, latest=LATEST))
            for step in STEPS[have:]:
                for statement in step.statements(self.dialect):
                    t.execute(statement)
                t.execute(
                    "INSERT INTO schema_version (version, what, applied) VALUES (?, ?, ?)",
                    (step.version, step.what, iso(self.clock.now())),
                )

    def _lock_schema(self, t: Tx) -> None:  # only PostgreSQL needs one
        """Keep other processes from migrating at the same time (PostgreSQL)."""

    def schema_version(self) -> int:
        return int(self._q("SELECT COALESCE(MAX(version), 0) FROM schema_version")[0][0])

    # -- meta ---------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        rows = self._q("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.tx() as t:
            t.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @property
    def training(self) -> bool:
        return self.meta("training") == "1"

    def set_training(self, training: bool) -> None:
        self.set_meta("training", "1" if training else "0")

    # -- the office's recovery key ----------------------------------------------------------
    def _ensure_office_key(self) -> None:
        """The census office's X25519 recovery key pair: the private key in its own 0600 file
        (made once), the public key in ``meta``. A private key left in ``meta`` by an older
        server is moved out to the file; a database whose key file is gone refuses to open
        rather than hand devices a new key (they pinned the old one). Several processes
        starting at once agree on one key: the file appears whole (written aside, then linked)
        and is written before the public key, and whoever links second takes the first's."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        raw = serialization.Encoding.Raw
        old = self.meta("recovery_private_key")
        private = self._read_key()
        if private is None and old is not None:
            private = base64.b64decode(old)
        elif private is None and self.meta("recovery_public_key"):
            private = self._read_key()  # another process may have just made both
            if private is None:
                raise StoreError(KEY_MISSING.format(path=str(self.key_file)))
        elif private is None:
            private = X25519PrivateKey.generate().private_bytes(
                raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
        key = X25519PrivateKey.from_private_bytes(private)
        pub = base64.b64encode(key.public_key().public_bytes(raw, serialization.PublicFormat.Raw))
        kept = self._write_key(private)
        if kept != private:  # another process made the file first: its key it is
            key = X25519PrivateKey.from_private_bytes(kept)
            pub = base64.b64encode(
                key.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
            )
        # Compared with the key the file holds, not the one this process may just have made:
        # a process that lost the race to link the file takes the winner's key, which the
        # winner may already have recorded (the race CI found: three workers starting at once).
        if self.meta("recovery_public_key") not in (None, pub.decode()):
            raise StoreError(KEY_MISMATCH.format(path=str(self.key_file)))
        with self.tx() as t:
            t.execute(
                "INSERT INTO meta (key, value) VALUES ('recovery_public_key', ?)"
                " ON CONFLICT (key) DO NOTHING",
                (pub.decode(),),
            )
            t.execute("DELETE FROM meta WHERE key = 'recovery_private_key'")
        if self.meta("recovery_public_key") != pub.decode():
            raise StoreError(KEY_MISMATCH.format(path=str(self.key_file)))

    def _read_key(self) -> bytes | None:
        if self.key_file is None:
            return self._memory_key
        try:
            return base64.b64decode(self.key_file.read_bytes().strip(), validate=True)
        except FileNotFoundError:
            return None

    def _write_key(self, private: bytes) -> bytes:
        """Keep ``private`` in the key file unless one exists; returns the key the file holds.
        The file is written aside and linked into place, so it never appears half written."""
        if self.key_file is None:
            if self._memory_key is None:
                self._memory_key = private
            return self._memory_key
        if not self.key_file.exists():
            aside = self.key_file.with_name(
                f".{self.key_file.name}.{os.getpid()}.{threading.get_ident()}"
            )
            fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(base64.b64encode(private) + b"\n")
                    f.flush()
                    os.fsync(f.fileno())
                with contextlib.suppress(FileExistsError):
                    os.link(aside, self.key_file)
            finally:
                aside.unlink()
        os.chmod(self.key_file, 0o600)
        kept = self._read_key()
        if kept is None:
            raise StoreError(KEY_MISSING.format(path=str(self.key_file)))
        return kept

    def recovery_public_key(self) -> str:
        return self.meta("recovery_public_key") or ""

    def recovery_private_key(self) -> bytes:
        """The office's recovery private key (raw 32 bytes), from its key file."""
        key = self._read_key()
        if key is None:
            raise RuntimeError("no office recovery key")
        return key

    # -- accounts and areas -------------------------------------------------------------------
    def add_area(self, area_id: str, name: str, training: bool) -> None:
        """An area (a new one, or an existing one renamed: it goes out again with a new cursor)."""
        with self.tx() as t:
            seq = self._next_seq(t)
            t.execute(
                "INSERT INTO areas (area_id, name, training, seq) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (area_id) DO UPDATE SET name = excluded.name,"
                " training = excluded.training, seq = excluded.seq",
                (area_id, name, int(training), seq),
            )

    def add_dwelling(
        self, dwelling_id: str, area_id: str, address: str, kind: str, note: str
    ) -> None:
        self.add_dwellings([(dwelling_id, area_id, address, kind, note)])

    def add_dwellings(self, rows: Iterable[tuple[str, str, str, str, str]]) -> None:
        """Dwellings ``(dwelling_id, area_id, address, kind, note)`` in one transaction; each
        (new or changed) gets a new cursor so that devices fetch it."""
        with self.tx() as t:
            for dwelling_id, area_id, address, kind, note in rows:
                seq = self._next_seq(t)
                t.execute(
                    "INSERT INTO dwellings (dwelling_id, area_id, address, kind, note, seq)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dwelling_id) DO UPDATE SET"
                    " area_id = excluded.area_id, address = excluded.address,"
                    " kind = excluded.kind, note = excluded.note, seq = excluded.seq",
                    (dwelling_id, area_id, address, kind, note, seq),
                )

    def draw_sample(self, area_id: str, seed: int, *, hmt: Iterable[str] = ()) -> dict[str, str]:
        """Draw the area's long-form sample (census_tui/server/sample.py, docs/protocol.md
        "Forms") from ``seed`` over its listed dwellings, ``hmt`` being those the listing
        marked for the HMT-foreign form; record the seed with the area and each dwelling's
        form. A dwelling whose form changes gets a new cursor (devices fetch it again). Returns
        every dwelling's form."""
        from census_tui.server.sample import assign_forms

        with self.tx() as t:
            rows = t.execute(
                "SELECT dwelling_id, form_id FROM dwellings WHERE area_id = ?", (area_id,)
            ).fetchall()
            forms = assign_forms([str(r[0]) for r in rows], seed, hmt=hmt)
            t.execute("UPDATE areas SET sample_seed = ? WHERE area_id = ?", (seed, area_id))
            for dwelling_id, old in rows:
                new = forms[str(dwelling_id)]
                if new != old:
                    t.execute(
                        "UPDATE dwellings SET form_id = ?, seq = ? WHERE dwelling_id = ?",
                        (new, self._next_seq(t), dwelling_id),
                    )
        return forms

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
        with self.tx() as t:
            t.execute(
                "INSERT INTO accounts (account, pw_hash, must_change, verified, role, name,"
                " id_number, work_id, issuing_office, valid_from, valid_until)"
                " VALUES (?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?)",
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
                t.execute(
                    "INSERT INTO assignments (account, area_id) VALUES (?, ?)", (account, area)
                )

    def assign(self, account: str, area_id: str) -> None:
        """Give an account one more area (idempotent)."""
        with self.tx() as t:
            t.execute(
                "INSERT INTO assignments (account, area_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (account, area_id),
            )

    def _account(self, account: str) -> Account | None:
        rows = self._q(Q_ACCOUNT, (account,))
        return _account_of(rows[0]) if rows else None

    def caller(self, token: str) -> tuple[Account, float | None] | None:
        """The token's account while its session lives, with the account's last recorded sync
        (Unix seconds, None before any), in one read; each use renews the idle expiry."""
        digest = acc.token_hash(token)
        rows = self._q(Q_CALLER, (digest,))
        if not rows:
            return None
        row = rows[0]
        now = self.clock.now().timestamp()
        expires, ends = float(row["expires"]), float(row["ends"])
        if now >= min(expires, ends):
            with self.tx() as t:
                t.execute("DELETE FROM sessions WHERE token_hash = ?", (digest,))
            return None
        if now + SESSION_IDLE - expires > RENEW_AFTER:
            with self.tx() as t:
                t.execute(
                    "UPDATE sessions SET expires = ? WHERE token_hash = ?",
                    (min(now + SESSION_IDLE, ends), digest),
                )
        last = row["last_sync"]
        return _account_of(row), None if last is None else float(last)

    def login(self, account: str, password: str) -> tuple[str, Account] | None:
        """A new token for a correct password, else None (no hint which part was wrong). An
        unknown account costs the same scrypt as a known one (no timing hint either)."""
        rows = self._q("SELECT pw_hash FROM accounts WHERE account = ?", (account,))
        stored = rows[0][0] if rows else None
        if stored is not None and stored.startswith(DISABLED_HASH):
            stored = None  # a disabled account (server/admin.py): the same work, no match
        if not acc.check_or_dummy(password, stored):
            return None
        token = acc.new_token()
        now = self.clock.now()
        with self.tx() as t:
            t.execute(
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
        """The token's account while its session lives (:meth:`caller`)."""
        found = self.caller(token)
        return None if found is None else found[0]

    def logout(self, token: str) -> None:
        """End the token's session (``POST /logout``)."""
        with self.tx() as t:
            t.execute("DELETE FROM sessions WHERE token_hash = ?", (acc.token_hash(token),))

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
        with self.tx() as t:
            t.execute(
                "UPDATE accounts SET pw_hash = ?, must_change = 0 WHERE account = ?", (pw, account)
            )
            t.execute(
                "DELETE FROM sessions WHERE account = ? AND token_hash <> ?",
                (account, acc.token_hash(keep) if keep else ""),
            )
        return True

    def mark_ready(self, account: str) -> None:
        """Skip the first-login steps (tests and scripted set-ups only)."""
        with self.tx() as t:
            t.execute(
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
            with self.tx() as t:
                t.execute("UPDATE accounts SET verified = 1 WHERE account = ?", (account,))
        return ok

    # -- the identity code's card keys (server/verify.py) ------------------------------------
    def card_nonce(self, account: str) -> str:
        """The account's card nonce, made now when it has none (its first login since the
        office issued or replaced it). Two logins at once agree: the second keeps the first's."""
        rows = self._q("SELECT nonce FROM card_keys WHERE account = ?", (account,))
        if rows:
            return str(rows[0][0])
        with self.tx() as t:
            t.execute(
                "INSERT INTO card_keys (account, nonce) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (account, secrets.token_urlsafe(16)),
            )
            row = t.execute("SELECT nonce FROM card_keys WHERE account = ?", (account,)).fetchone()
        return str(row[0])

    def replace_card_key(self, t: Tx, account: str) -> None:
        """Forget the account's card nonce (inside the admin's transaction ``t``): codes made
        with the old key fail, and the next login makes a new one."""
        t.execute("DELETE FROM card_keys WHERE account = ?", (account,))

    def cards_of_work_id(self, work_id: str) -> list[Row]:
        """Every account of ``work_id`` (at most one when the office's imports are used), with
        its role, card, state, nonce, ``disabled`` flag and first area's name."""
        return self._q(Q_CARD_CHECK, (DISABLED_HASH, work_id))

    def areas_of(self, account: str) -> list[Row]:
        return self._q(Q_AREAS_OF, (account,))

    def dwellings_since(self, area_ids: list[str], since: int) -> list[Row]:
        if not area_ids:
            return []
        return self._q(Q_DWELLINGS_SINCE.format(marks=_marks(len(area_ids))), (*area_ids, since))

    def dwelling_area(self, dwelling_id: str, t: Tx | None = None) -> str | None:
        """The area of a dwelling (inside the transaction ``t`` when given), None if unknown."""
        rows = (
            self._q(Q_DWELLING_AREA, (dwelling_id,))
            if t is None
            else (t.execute(Q_DWELLING_AREA, (dwelling_id,)).fetchall())
        )
        return str(rows[0][0]) if rows else None

    # -- uploads ------------------------------------------------------------------------------
    def store_household(
        self,
        t: Tx,
        *,
        case_uuid: str,
        revision: int,
        area_id: str,
        dwelling_id: str,
        account: str,
        training: bool,
        payload: str,
        flags: list[str],
        clock_offset: int | None = None,
    ) -> StoreResult:
        """Store one revision inside the caller's transaction (:meth:`store_households` with
        one item)."""
        upload = Upload(
            case_uuid=case_uuid,
            revision=revision,
            area_id=area_id,
            dwelling_id=dwelling_id,
            account=account,
            training=training,
            payload=payload,
            flags=flags,
            clock_offset=clock_offset,
        )
        return self.store_households(t, [upload])[0]

    def store_households(self, t: Tx, uploads: Sequence[Upload]) -> list[StoreResult]:
        """Store revisions inside the caller's transaction; idempotent by (case, revision). The
        answers are those of storing them one after the other in their order (a later item
        sees the earlier ones), from a few statements a batch instead of five a household: the
        cases' owners (locked on PostgreSQL, so two uploads of one case from two processes
        take turns) and stored revisions are read at once, the answers decided in memory,
        new cases claimed and the revisions written each in one statement.

        A new case's owner is claimed only by an upload that is stored (a refused one leaves
        nothing behind); when another transaction claims one meanwhile, its owner is read
        again (waiting for that transaction) and the answers decided again. A duplicate keeps
        the first revision's ``clock_offset``."""
        if not uploads:
            return []
        digests = [hashlib.sha256(u.payload.encode()).hexdigest() for u in uploads]
        uuids = sorted({u.case_uuid for u in uploads})
        owners = self.owners_of_cases(t, uuids)
        stored = self._case_revisions(t, uuids)
        while True:
            results, claims, rows = _decide(uploads, digests, owners, stored)
            if not claims:
                break
            won = self._claim_cases(t, claims)
            owners.update({c: (account, area) for c, account, area in claims if c in won})
            lost = sorted({c for c, _, _ in claims} - won)
            if not lost:
                break
            owners.update(self.owners_of_cases(t, lost))  # another transaction's claim: its owner
            stored.update(self._case_revisions(t, lost))  # and what it stored
            if any(c not in owners for c in lost):  # never: a case row is never deleted
                raise RuntimeError("a claimed case has no owner row")
        inserted = self._insert_revisions(t, [(uploads[i], digests[i]) for i in rows])
        return [
            StoreResult("duplicate", r.server_revision)
            if r.status == "stored" and (uploads[i].case_uuid, uploads[i].revision) not in inserted
            else r
            for i, r in enumerate(results)
        ]

    def owners_of_cases(
        self, t: Tx, uuids: Sequence[str], *, lock: bool = True
    ) -> dict[str, tuple[str, str]]:
        """The owners (account, area) of the cases among ``uuids`` that have one; ``lock``:
        their rows locked for the transaction (PostgreSQL), as an upload of them needs."""
        owners: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(uuids):
            sql = Q_CASE_OWNERS.format(marks=_marks(len(chunk)))
            sql += self.lock_clause if lock else ""
            for row in t.execute(sql, chunk).fetchall():
                owners[str(row[0])] = (str(row[1]), str(row[2]))
        return owners

    def _case_revisions(self, t: Tx, uuids: Sequence[str]) -> dict[str, dict[int, str]]:
        stored: dict[str, dict[int, str]] = {}
        for chunk in _chunks(uuids):
            sql = Q_CASE_REVISIONS.format(marks=_marks(len(chunk)))
            for row in t.execute(sql, chunk).fetchall():
                stored.setdefault(str(row[0]), {})[int(row[1])] = str(row[2])
        return stored

    def _claim_cases(self, t: Tx, claims: Sequence[tuple[str, str, str]]) -> set[str]:
        """Insert the owner rows ``(case_uuid, account, area_id)``; the cases claimed (those
        another transaction holds are left out, after waiting for it on PostgreSQL)."""
        got: set[str] = set()
        for chunk in _chunks(claims):
            rows = t.execute(
                "INSERT INTO cases (case_uuid, account, area_id) VALUES "
                + ", ".join(["(?, ?, ?)"] * len(chunk))
                + " ON CONFLICT DO NOTHING RETURNING case_uuid",
                [v for claim in chunk for v in claim],
            ).fetchall()
            got |= {str(r[0]) for r in rows}
        return got

    def _insert_revisions(self, t: Tx, rows: Sequence[tuple[Upload, str]]) -> set[tuple[str, int]]:
        """Insert the revisions; the (case, revision) pairs that went in."""
        received = iso(self.clock.now())
        got: set[tuple[str, int]] = set()
        for chunk in _chunks(rows):
            args = [v for u, digest in chunk for v in _revision_row(u, digest, received)]
            done = t.execute(
                "INSERT INTO households (case_uuid, revision, area_id, dwelling_id, account,"
                " training, payload, sha256, flagged, flags, received, clock_offset) VALUES "
                + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
                + " ON CONFLICT DO NOTHING RETURNING case_uuid, revision",
                args,
            ).fetchall()
            got |= {(str(r[0]), int(r[1])) for r in done}
        return got

    def store_outcome(
        self,
        t: Tx,
        *,
        outcome_uuid: str,
        dwelling_id: str,
        area_id: str,
        account: str,
        kind: str,
        payload: str,
        clock_offset: int | None = None,
    ) -> StoreResult:
        """Store one visit outcome; ``clock_offset`` (as for households): server minus device
        time as the device measured it, None when it sent none."""
        digest = hashlib.sha256(payload.encode()).hexdigest()
        cur = t.execute(
            "INSERT INTO outcomes (outcome_uuid, dwelling_id, area_id, account, kind, payload,"
            " sha256, received, clock_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (
                outcome_uuid,
                dwelling_id,
                area_id,
                account,
                kind,
                payload,
                digest,
                iso(self.clock.now()),
                clock_offset,
            ),
        )
        if cur.rowcount == 1:
            return StoreResult("stored", 0)
        same = t.execute(Q_OUTCOME, (outcome_uuid,)).fetchone()[0]
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
        with self.tx() as t:
            row = t.execute(
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
            seq = self._next_seq(t)
            t.execute(
                'INSERT INTO reviews (seq, case_uuid, revision, area_id, action, comment, "by",'
                " at, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    def review_items(row: Row) -> list[dict[str, str]]:
        """A stored review's items as the protocol sends them."""
        try:
            pairs = json.loads(row["items"])
            return [{"person_uuid": str(p), "item_id": str(i)} for p, i in pairs]
        except (ValueError, TypeError):
            return []

    def reviews_since(self, area_ids: list[str], since: int) -> list[Row]:
        if not area_ids:
            return []
        return self._q(Q_REVIEWS_SINCE.format(marks=_marks(len(area_ids))), (*area_ids, since))

    # -- read-outs for tests, the bench and the supervisor CLI ----------------------------------
    def households(self) -> list[Row]:
        return self._q("SELECT * FROM households ORDER BY case_uuid, revision")

    def outcomes(self) -> list[Row]:
        return self._q("SELECT * FROM outcomes ORDER BY outcome_uuid")

    # -- uploaded visit events (server/event_store.py) ----------------------------------------
    def area_events(self, area_ids: Sequence[str]) -> list[Row]:
        """The attempts and case states of the areas, in device time order (progress)."""
        if not area_ids:
            return []
        return self._q(Q_AREA_EVENTS.format(marks=_marks(len(area_ids))), tuple(area_ids))

    def dwelling_events(self, dwelling_id: str) -> list[Row]:
        """Every event of one dwelling, in device time order (the case view)."""
        return self._q(Q_DWELLING_EVENTS, (dwelling_id,))

    def rows(self, table: str) -> list[tuple[Any, ...]]:
        """Every row of one of the tables, in key order (tests compare before and after)."""
        if table not in TABLES:
            raise ValueError(table)
        return [tuple(r) for r in self._q(f"SELECT * FROM {table} ORDER BY 1, 2")]

    # -- failed attempts: the login throttle (throttle.py), shared by every worker --------------
    def begin_attempt(
        self,
        limits: Sequence[tuple[str, int]],
        window: float,
        check_only: Sequence[tuple[str, int]] = (),
    ) -> tuple[int, tuple[int, ...]]:
        """Count one attempt as a failure of every key of ``limits`` (``(key, limit)``), unless
        a key already has ``limit`` failures in the last ``window`` seconds of the clock.

        Returns ``(0, the ids of the rows stored)``, or ``(seconds to wait, ())`` with nothing
        stored. The keys are locked for the transaction (an advisory lock per key on
        PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises every writer), so parallel attempts
        through several worker processes take turns: none slips in between check and count.
        ``check_only`` keys are checked the same way but not counted (:meth:`record_failures`
        counts them once an attempt has failed)."""
        now = self.clock.now().timestamp()
        with self.tx() as t:
            if self.dialect == "postgres":
                for lock in sorted({_key_lock(key) for key, _ in limits}):  # one order: no deadlock
                    t.execute("SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))", (lock,))
            wait = 0
            for key, limit in (*limits, *check_only):
                row = t.execute(Q_NTH_FAILURE, (key, now - window, limit - 1)).fetchone()
                if row is not None:  # the limit-th latest failure ends the wait when it expires
                    left = math.ceil(float(row[0]) + window - now)
                    wait = max(wait, min(max(1, left), math.ceil(window)))
            if wait:
                return wait, ()
            ids = tuple(
                int(
                    t.execute(
                        "INSERT INTO failed_attempts (key, at) VALUES (?, ?) RETURNING id",
                        (key, now),
                    ).fetchall()[0][0]
                )
                for key, _ in limits
            )
        return 0, ids

    def record_failures(self, keys: Sequence[str]) -> None:
        """One failure now for each key (the attempt failed)."""
        now = self.clock.now().timestamp()
        with self.tx() as t:
            for key in keys:
                t.execute("INSERT INTO failed_attempts (key, at) VALUES (?, ?)", (key, now))

    def forgive_attempts(
        self, ids: Sequence[int], *, clear: str | None = None, window: float = 0.0
    ) -> None:
        """The attempts ``ids`` succeeded: they are no failures. With ``clear``, every failure
        of that key in the last ``window`` seconds goes too (an account that logged in)."""
        with self.tx() as t:
            if ids:
                t.execute(f"DELETE FROM failed_attempts WHERE id IN ({_marks(len(ids))})", ids)
            if clear is not None:
                t.execute(
                    "DELETE FROM failed_attempts WHERE key = ? AND at > ?",
                    (clear, self.clock.now().timestamp() - window),
                )

    def sweep_attempts(self, window: float) -> int:
        """Delete the failures older than ``window`` seconds (every key); how many went."""
        with self.tx() as t:
            cur = t.execute(
                "DELETE FROM failed_attempts WHERE at <= ?",
                (self.clock.now().timestamp() - window,),
            )
            return int(cur.rowcount)

    def failed_attempts(self) -> list[tuple[str, float]]:
        """Every failure counted, ``(key, at)`` in key and time order (tests, the admin)."""
        rows = self._q("SELECT key, at FROM failed_attempts ORDER BY key, at")
        return [(str(r[0]), float(r[1])) for r in rows]


def _key_lock(key: str) -> int:
    """A PostgreSQL advisory lock number (signed 64 bits) for a throttle key."""
    digest = hashlib.blake2b(key.encode(), digest_size=8, person=b"census-throttle").digest()
    return int.from_bytes(digest, "big", signed=True)


class SqliteStorage(Storage):
    """One sqlite3 database in WAL mode; a single connection guarded by a lock. One process
    only (``--workers 1``): its writers are serialised by ``BEGIN IMMEDIATE``."""

    dialect = "sqlite"

    def __init__(
        self, path: Path | str, clock: Clock | None = None, *, key_file: Path | str | None = None
    ) -> None:
        self.path = None if str(path) == ":memory:" else Path(path)
        if key_file is not None:
            chosen: Path | None = Path(key_file)
        else:
            chosen = None if self.path is None else Path(f"{self.path}{KEY_SUFFIX}")
        super().__init__(clock, chosen)
        self._lock = threading.RLock()
        if self.path is not None:
            _private_file(self.path)
        self._con = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._con.row_factory = _sqlite_row
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=10000",
        ):
            self._con.execute(f"PRAGMA {pragma}")
        self._migrate()
        self._legacy_columns()
        if self.path is not None:
            for extra in ("-wal", "-shm"):
                side = Path(f"{self.path}{extra}")
                if side.exists():
                    os.chmod(side, 0o600)
        self._ensure_office_key()

    def _legacy_columns(self) -> None:
        """Columns the first server added on open (``migrations.LEGACY_COLUMNS``)."""
        with self._lock:
            for table, column, ddl in LEGACY_COLUMNS:
                cols = {r[1] for r in self._con.execute(f"PRAGMA table_info({table})")}
                if column not in cols:
                    self._con.execute(ddl)

    def describe(self) -> str:
        return str(self.path or ":memory:")

    def close(self) -> None:
        with self._lock:
            self._con.close()

    @contextmanager
    def tx(self) -> Iterator[Tx]:
        """A write transaction taken up front (``BEGIN IMMEDIATE``): all or nothing."""
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def _q(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return self._con.execute(sql, tuple(args)).fetchall()

    def _next_seq(self, t: Tx) -> int:
        row = t.execute(
            "INSERT INTO meta (key, value) VALUES ('seq', '1') ON CONFLICT (key)"
            " DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value"
        ).fetchall()
        return int(row[0][0])

    def current_seq(self) -> int:
        return int(self.meta("seq") or 0)

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

    def scans(self, sql: str, args: Sequence[Any]) -> list[str]:
        """``EXPLAIN QUERY PLAN`` steps that read a whole table (``SCAN t`` without an index)."""
        with self._lock:
            plan = self._con.execute(f"EXPLAIN QUERY PLAN {sql}", tuple(args)).fetchall()
        details = [str(r[3]) for r in plan]
        return [d for d in details if d.startswith("SCAN ") and " USING " not in d]


_NAMES: dict[tuple[str, ...], dict[str, int]] = {}


def _sqlite_row(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> Row:
    key = tuple(d[0] for d in cursor.description)
    names = _NAMES.get(key)
    if names is None:
        names = _NAMES[key] = column_names(cursor.description)
    return Row(values, names)


ServerDB = SqliteStorage
"""The SQLite backend under its former name (tests, the bench and the demo open files)."""

_SQLITE_URL = re.compile(r"sqlite://(?P<rest>.*)", re.DOTALL)


def parse_db(db: str | Path) -> tuple[Dialect, str]:
    """``("postgres", url)`` or ``("sqlite", path)`` for ``--db``: ``postgresql://…`` (or
    ``postgres://…``), ``sqlite:///relative.db``, ``sqlite:////absolute.db``, ``sqlite://``
    (in memory) or a plain path."""
    text = str(db)
    if isinstance(db, Path):
        return "sqlite", text
    if text.startswith(("postgresql://", "postgres://")):
        return "postgres", text
    m = _SQLITE_URL.fullmatch(text)
    if m:
        rest = m["rest"]
        if rest in ("", "/:memory:"):
            return "sqlite", ":memory:"
        if not rest.startswith("/") or rest == "/":
            raise BadInput(BAD_URL.format(url=text[:80]))
        return "sqlite", rest[1:]
    if "://" in text:
        raise BadInput(BAD_URL.format(url=text.split("://")[0][:20] + "://…"))
    if not text:
        raise BadInput(BAD_URL.format(url="''"))
    return "sqlite", text


def open_storage(
    db: str | Path,
    clock: Clock | None = None,
    *,
    key_file: Path | str | None = None,
    need_key: bool = True,
    pool_size: int = 10,
) -> Storage:
    """Open (creating and migrating if needed) the storage ``db`` names (:func:`parse_db`).

    SQLite keeps the recovery key next to the file unless ``key_file`` says otherwise;
    PostgreSQL needs ``key_file``, except for the office's commands that do not use the key
    (``need_key=False``: returns, backups)."""
    dialect, where = parse_db(db)
    if dialect == "sqlite":
        return SqliteStorage(where, clock, key_file=key_file)
    if key_file is None and need_key:
        raise BadInput(NO_KEY_FILE)
    from census_tui.server.pg_storage import PostgresStorage

    return PostgresStorage(
        where, clock, key_file=key_file, office_key=need_key, pool_size=pool_size
    )
