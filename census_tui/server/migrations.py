"""The reference server's schema, as numbered steps for both backends (SQLite and PostgreSQL).

A database records the steps it has had in ``schema_version`` (one row a step: version, what,
when). Opening a database applies the missing steps in order, all in one transaction, and
refuses a database made by a newer server. A step is a tuple of statements; when the two
dialects differ it gives a PostgreSQL version of its own (``postgres``), otherwise both run the
same SQL.

Adding a column (the form set's ``form_id`` per dwelling, say) is one step at the end::

    Step(3, "dwellings.form_id", ("ALTER TABLE dwellings ADD COLUMN form_id TEXT NOT NULL"
                                  " DEFAULT 'short2020'",)),

``ALTER TABLE … ADD COLUMN … DEFAULT …`` means the same on both, so no PostgreSQL variant is
needed; existing rows take the default. Never edit a released step: add a new one.

Uniqueness and idempotency live here, not in the code: the primary keys of ``households``
(case_uuid, revision), ``outcomes`` (outcome_uuid) and ``cases`` (case_uuid, its owner) make a
retried or concurrent upload land once (the inserts say ``ON CONFLICT DO NOTHING``). Cursors
come from one counter: a sequence on PostgreSQL (``cursor_seq``), the ``seq`` row of ``meta``
on SQLite (whose writers are serialised by ``BEGIN IMMEDIATE``). Every query of the sync path
has an index (tests/server_pg/test_explain.py checks the plans on both backends).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Dialect = Literal["sqlite", "postgres"]

VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
    " what TEXT NOT NULL, applied TEXT NOT NULL)"
)


@dataclass(frozen=True, slots=True)
class Step:
    """One schema change: its number, what it does, its statements (and PostgreSQL's own when
    the dialects differ)."""

    version: int
    what: str
    sqlite: tuple[str, ...]
    postgres: tuple[str, ...] | None = None

    def statements(self, dialect: Dialect) -> tuple[str, ...]:
        if dialect == "postgres" and self.postgres is not None:
            return self.postgres
        return self.sqlite


# Step 1 is the schema of the first server (before schema_version existed), so that a SQLite
# database it made is taken over as it is ("IF NOT EXISTS"). ``by`` is quoted: it is a reserved
# word in PostgreSQL.
_FIRST_SQLITE = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS accounts (account TEXT PRIMARY KEY, pw_hash TEXT NOT NULL,"
    " must_change INTEGER NOT NULL, verified INTEGER NOT NULL, role TEXT NOT NULL,"
    " name TEXT NOT NULL, id_number TEXT NOT NULL, work_id TEXT NOT NULL,"
    " issuing_office TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS areas (area_id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " training INTEGER NOT NULL, seq INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS assignments (account TEXT NOT NULL REFERENCES accounts,"
    " area_id TEXT NOT NULL REFERENCES areas, PRIMARY KEY (account, area_id))",
    "CREATE TABLE IF NOT EXISTS dwellings (dwelling_id TEXT PRIMARY KEY,"
    " area_id TEXT NOT NULL REFERENCES areas, address TEXT NOT NULL, kind TEXT NOT NULL,"
    " note TEXT NOT NULL, seq INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY,"
    " account TEXT NOT NULL REFERENCES accounts, created TEXT NOT NULL,"
    " expires REAL NOT NULL DEFAULT 0, ends REAL NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS households (case_uuid TEXT NOT NULL, revision INTEGER NOT NULL,"
    " area_id TEXT NOT NULL, dwelling_id TEXT NOT NULL, account TEXT NOT NULL,"
    " training INTEGER NOT NULL, payload TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " flagged INTEGER NOT NULL, flags TEXT NOT NULL, received TEXT NOT NULL,"
    " PRIMARY KEY (case_uuid, revision))",
    "CREATE TABLE IF NOT EXISTS outcomes (outcome_uuid TEXT PRIMARY KEY,"
    " dwelling_id TEXT NOT NULL, area_id TEXT NOT NULL, account TEXT NOT NULL,"
    " kind TEXT NOT NULL, payload TEXT NOT NULL, sha256 TEXT NOT NULL, received TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS reviews (seq INTEGER PRIMARY KEY, case_uuid TEXT NOT NULL,"
    " revision INTEGER NOT NULL, area_id TEXT NOT NULL, action TEXT NOT NULL,"
    ' comment TEXT NOT NULL, "by" TEXT NOT NULL, at TEXT NOT NULL,'
    " items TEXT NOT NULL DEFAULT '[]')",
)
_FIRST_POSTGRES = tuple(
    s.replace("seq INTEGER", "seq BIGINT").replace(" REAL ", " DOUBLE PRECISION ")
    for s in _FIRST_SQLITE
)

# The supervisor's tables (census_tui/server/supervisor_store.py). ``supervisor_of`` is the
# scope; ``sync_times`` the last authenticated sync call of each account (Unix seconds);
# ``decisions``, ``spot_samples`` and ``revisits`` are keyed by the client's UUID, so a queued
# request sent twice is stored once (``answer`` is what the first send was told).
_SUPERVISOR_SQLITE = (
    "CREATE TABLE supervisor_of (supervisor TEXT NOT NULL REFERENCES accounts,"
    " enumerator TEXT NOT NULL REFERENCES accounts, PRIMARY KEY (supervisor, enumerator))",
    "CREATE INDEX supervisor_of_enumerator ON supervisor_of (enumerator)",
    "CREATE TABLE sync_times (account TEXT PRIMARY KEY, at REAL NOT NULL)",
    "CREATE TABLE decisions (decision_uuid TEXT PRIMARY KEY, supervisor TEXT NOT NULL,"
    " case_uuid TEXT NOT NULL, revision INTEGER NOT NULL, action TEXT NOT NULL,"
    " sha256 TEXT NOT NULL, review_seq INTEGER NOT NULL, at TEXT NOT NULL,"
    " answer TEXT NOT NULL)",
    "CREATE INDEX decisions_supervisor ON decisions (supervisor)",
    "CREATE TABLE spot_samples (sample_uuid TEXT PRIMARY KEY, supervisor TEXT NOT NULL,"
    " created TEXT NOT NULL, seed INTEGER NOT NULL, sha256 TEXT NOT NULL, answer TEXT NOT NULL)",
    "CREATE INDEX spot_samples_supervisor ON spot_samples (supervisor, created)",
    "CREATE TABLE revisits (revisit_uuid TEXT PRIMARY KEY, supervisor TEXT NOT NULL,"
    " case_uuid TEXT NOT NULL, revision INTEGER NOT NULL, payload TEXT NOT NULL,"
    " sha256 TEXT NOT NULL, at TEXT NOT NULL, answer TEXT NOT NULL)",
    "CREATE INDEX revisits_case ON revisits (case_uuid)",
    "CREATE INDEX revisits_supervisor ON revisits (supervisor)",
    # what progress, the queue and the case view read by area and by case
    "CREATE INDEX cases_area ON cases (area_id)",
    "CREATE INDEX reviews_case ON reviews (case_uuid, seq)",
    "CREATE INDEX outcomes_area ON outcomes (area_id)",
    "CREATE INDEX outcomes_dwelling ON outcomes (dwelling_id)",
)
_SUPERVISOR_POSTGRES = tuple(
    s.replace("seed INTEGER", "seed BIGINT")
    .replace("review_seq INTEGER", "review_seq BIGINT")
    .replace(" REAL ", " DOUBLE PRECISION ")
    for s in _SUPERVISOR_SQLITE
)

STEPS: tuple[Step, ...] = (
    Step(1, "the tables of the first server", _FIRST_SQLITE, _FIRST_POSTGRES),
    Step(
        2,
        "case owners, the cursor sequence, indexes for the sync path",
        (
            "CREATE TABLE cases (case_uuid TEXT PRIMARY KEY, account TEXT NOT NULL,"
            " area_id TEXT NOT NULL)",
            "INSERT INTO cases (case_uuid, account, area_id) SELECT case_uuid, account, area_id"
            " FROM households h WHERE revision ="
            " (SELECT MIN(revision) FROM households f WHERE f.case_uuid = h.case_uuid)",
            "CREATE INDEX cases_owner ON cases (account, area_id)",
            "CREATE INDEX dwellings_area_seq ON dwellings (area_id, seq)",
            "CREATE INDEX reviews_area_seq ON reviews (area_id, seq)",
            "CREATE INDEX sessions_account ON sessions (account)",
        ),
        (
            "CREATE TABLE cases (case_uuid TEXT PRIMARY KEY, account TEXT NOT NULL,"
            " area_id TEXT NOT NULL)",
            "INSERT INTO cases (case_uuid, account, area_id) SELECT DISTINCT ON (case_uuid)"
            " case_uuid, account, area_id FROM households ORDER BY case_uuid, revision",
            "CREATE INDEX cases_owner ON cases (account, area_id)",
            "CREATE INDEX dwellings_area_seq ON dwellings (area_id, seq)",
            "CREATE INDEX reviews_area_seq ON reviews (area_id, seq)",
            "CREATE INDEX sessions_account ON sessions (account)",
            # Cursors for areas, dwellings and reviews: one sequence for every worker process.
            "CREATE SEQUENCE cursor_seq AS BIGINT",
        ),
    ),
    Step(
        3,
        "failed attempts of the login throttle, shared by every worker",
        (
            # One row per failed (or still running) login, password or real-name attempt of a
            # key ("account:…", "address:…"), ``at`` in Unix seconds; throttle.py prunes it.
            "CREATE TABLE failed_attempts (id INTEGER PRIMARY KEY, key TEXT NOT NULL,"
            " at REAL NOT NULL)",
            "CREATE INDEX failed_attempts_key_at ON failed_attempts (key, at)",
        ),
        (
            "CREATE TABLE failed_attempts (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
            " PRIMARY KEY, key TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX failed_attempts_key_at ON failed_attempts (key, at)",
        ),
    ),
    Step(
        4,
        "supervisors: scope, last sync times, decisions, spot-check samples, re-visits",
        _SUPERVISOR_SQLITE,
        _SUPERVISOR_POSTGRES,
    ),
    Step(
        5,
        "dwellings.form_id, areas.sample_seed: the long-form sample (issue 17)",
        (
            "ALTER TABLE dwellings ADD COLUMN form_id TEXT NOT NULL DEFAULT 'short2020'",
            "ALTER TABLE areas ADD COLUMN sample_seed BIGINT",
        ),
    ),
    Step(
        6,
        "card_keys: the identity code's per-account nonce (issue 20 §5)",
        (
            # An account's card key is derived from the office's key file and this random
            # nonce (server/verify.py); no row = none issued yet (made at the next login). A
            # password reset or disabling the account deletes it: every earlier code fails.
            "CREATE TABLE card_keys (account TEXT PRIMARY KEY REFERENCES accounts,"
            " nonce TEXT NOT NULL)",
            "CREATE INDEX accounts_work_id ON accounts (work_id)",
        ),
    ),
    Step(
        7,
        "households.clock_offset, outcomes.clock_offset: the device's clock offset (issue 20 §6)",
        (
            # Seconds, server minus device, as the device measured it at the upload
            # (X-Clock-Offset); NULL: an older client, or none measured.
            "ALTER TABLE households ADD COLUMN clock_offset BIGINT",
            "ALTER TABLE outcomes ADD COLUMN clock_offset BIGINT",
        ),
    ),
    Step(
        8,
        "dwelling assignment, moves and case ownership transfers (issue 20 §1-§3)",
        (
            # NULL: the area's enumerators, as before; else the one enumerator it is given to
            "ALTER TABLE dwellings ADD COLUMN assigned_to TEXT",
            "CREATE INDEX dwellings_assigned_seq ON dwellings (assigned_to, seq)",
            # the cursor and time of the case's last ownership transfer (0 / NULL: never moved)
            "ALTER TABLE cases ADD COLUMN seq BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE cases ADD COLUMN moved_at TEXT",
            "CREATE INDEX cases_account_seq ON cases (account, seq)",
            "CREATE INDEX households_dwelling ON households (dwelling_id)",
            # one row per dwelling an allocation changed; from_account NULL: the area's
            "CREATE TABLE dwelling_moves (assign_uuid TEXT NOT NULL, dwelling_id TEXT NOT NULL,"
            " supervisor TEXT NOT NULL, from_account TEXT, to_account TEXT NOT NULL,"
            " cases INTEGER NOT NULL, confirmed INTEGER NOT NULL, at TEXT NOT NULL,"
            " seq BIGINT NOT NULL, PRIMARY KEY (assign_uuid, dwelling_id))",
            "CREATE INDEX dwelling_moves_from ON dwelling_moves (from_account, seq)",
            "CREATE INDEX dwelling_moves_dwelling ON dwelling_moves (dwelling_id, seq)",
            # the supervisor's allocation requests, keyed by the client's UUID (exactly once)
            "CREATE TABLE allocations (assign_uuid TEXT PRIMARY KEY, supervisor TEXT NOT NULL,"
            " sha256 TEXT NOT NULL, at TEXT NOT NULL, answer TEXT NOT NULL)",
        ),
    ),
    Step(
        9,
        "events: the visit events devices upload (issue 20 §4, server/event_store.py)",
        (
            # One row per event a device uploaded, keyed by its UUID (a retried batch lands
            # once); ``at`` is the device's time (ISO), ``clock_offset`` its offset at upload.
            "CREATE TABLE events (event_uuid TEXT PRIMARY KEY, account TEXT NOT NULL,"
            " area_id TEXT NOT NULL, dwelling_id TEXT NOT NULL, case_uuid TEXT NOT NULL,"
            " person_uuid TEXT NOT NULL, item_id TEXT NOT NULL, kind TEXT NOT NULL,"
            " at TEXT NOT NULL, payload TEXT NOT NULL, sha256 TEXT NOT NULL,"
            " received TEXT NOT NULL, clock_offset BIGINT)",
            "CREATE INDEX events_dwelling ON events (dwelling_id, at)",
            "CREATE INDEX events_area_kind ON events (area_id, kind)",
        ),
    ),
)
LATEST = STEPS[-1].version

LEGACY_COLUMNS = (
    # Columns the first server added to its SQLite databases on open, before schema_version:
    # a database made before them gains them (old reviews read as no items, old sessions as
    # expired, so the device logs in again).
    ("reviews", "items", "ALTER TABLE reviews ADD COLUMN items TEXT NOT NULL DEFAULT '[]'"),
    ("sessions", "expires", "ALTER TABLE sessions ADD COLUMN expires REAL NOT NULL DEFAULT 0"),
    ("sessions", "ends", "ALTER TABLE sessions ADD COLUMN ends REAL NOT NULL DEFAULT 0"),
)
