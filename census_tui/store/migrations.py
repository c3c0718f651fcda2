"""Numbered schema migrations, recorded in ``schema_version``.

To change the schema, append a function ``def _vN(conn) -> None`` to :data:`MIGRATIONS`; its
position (1-based) is its number. Never edit or reorder an applied migration: a device in the
field may hold a database at any earlier version. Each migration runs in its own transaction
together with its ``schema_version`` row, so a crash leaves the database at N or N+1, never in
between. Add a fixture for the new version (``tests/fixtures/make_fixtures.py``) and a test
that migrates the previous one.
"""

from __future__ import annotations

from collections.abc import Callable

from census_tui.clock import Clock, iso
from census_tui.errors import ConflictError
from census_tui.store.db import Connection
from census_tui.store.errors import MSG_NEWER_SCHEMA

Migration = Callable[[Connection], None]

_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- 普查小区 enumeration area: 15-digit code = 12-digit 普查区 code + 3 digits (FACTS §8.1)
CREATE TABLE area (
    id TEXT PRIMARY KEY CHECK (length(id) = 15 AND id NOT GLOB '*[^0-9]*'),
    name TEXT NOT NULL DEFAULT ''
);
-- 住房单元 dwelling (address unit)
CREATE TABLE dwelling (
    id TEXT PRIMARY KEY,
    area_id TEXT NOT NULL REFERENCES area(id),
    building TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'ordinary',
    added_on_site INTEGER NOT NULL DEFAULT 0,
    sort_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dwelling_area ON dwelling(area_id, sort_key, id);
-- household case; 户编号 hh_number is unique within the area
CREATE TABLE household (
    uuid TEXT PRIMARY KEY,
    dwelling_id TEXT NOT NULL REFERENCES dwelling(id),
    area_id TEXT NOT NULL REFERENCES area(id),
    hh_number INTEGER NOT NULL CHECK (hh_number > 0),
    state TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0,
    form_id TEXT NOT NULL,
    training INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_at TEXT,
    confirmed_by TEXT,
    confirmed_at TEXT,
    UNIQUE (area_id, hh_number)
);
CREATE INDEX household_dwelling ON household(dwelling_id);
CREATE TABLE person (
    uuid TEXT PRIMARY KEY,
    household_uuid TEXT NOT NULL REFERENCES household(uuid),
    position INTEGER NOT NULL
);
CREATE INDEX person_household ON person(household_uuid, position);
-- one answer per (household, person or '' for household items, item id); value is JSON
CREATE TABLE answer (
    household_uuid TEXT NOT NULL REFERENCES household(uuid),
    person_uuid TEXT NOT NULL DEFAULT '',
    item_id TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (household_uuid, person_uuid, item_id)
);
CREATE TABLE visit_attempt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dwelling_id TEXT NOT NULL REFERENCES dwelling(id),
    household_uuid TEXT REFERENCES household(uuid),
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    doubt TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX visit_attempt_dwelling ON visit_attempt(dwelling_id, at);
CREATE TABLE appointment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dwelling_id TEXT NOT NULL REFERENCES dwelling(id),
    scheduled_at TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'booked',
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX appointment_time ON appointment(scheduled_at);
CREATE TABLE note (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    household_uuid TEXT NOT NULL REFERENCES household(uuid),
    person_uuid TEXT NOT NULL DEFAULT '',
    item_id TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX note_household ON note(household_uuid, id);
-- a warning confirmed (or an overridable error overridden) with a reason (model.Confirmation)
CREATE TABLE confirmation (
    household_uuid TEXT NOT NULL REFERENCES household(uuid),
    rule_id TEXT NOT NULL,
    person_uuid TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    values_json TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (household_uuid, rule_id, person_uuid)
);
-- paradata and audit: append-only
CREATE TABLE event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    household_uuid TEXT,
    person_uuid TEXT,
    item_id TEXT,
    old TEXT,
    new TEXT,
    data TEXT
);
CREATE INDEX event_household ON event(household_uuid, id);
CREATE TRIGGER event_no_update BEFORE UPDATE ON event
BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event
BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END;
-- transactional outbox: an item leaves only after the server acknowledged it
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    case_uuid TEXT NOT NULL,
    revision INTEGER NOT NULL,
    payload BLOB NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    last_attempt_at TEXT,
    UNIQUE (kind, case_uuid, revision)
);
CREATE TABLE sync_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    op TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    acked INTEGER NOT NULL DEFAULT 0,
    result TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT ''
);
"""


def _v1(conn: Connection) -> None:
    """The first schema: every table of issue 2."""
    for statement in _V1.split(";\n"):
        if statement.strip():
            conn.execute(statement)


_V2 = """
-- roster mode (名册核对, issue 7): the employer's name list of a collective site, one row per
-- listed person or person found on site (line 0); listed/answers are JSON; a person present at
-- the standard time is linked to the person record of the collective household.
CREATE TABLE roster_entry (
    uuid TEXT PRIMARY KEY,
    dwelling_id TEXT NOT NULL REFERENCES dwelling(id),
    line INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    listed TEXT NOT NULL DEFAULT '{}',
    answers TEXT NOT NULL DEFAULT '{}',
    household_uuid TEXT REFERENCES household(uuid),
    person_uuid TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX roster_entry_dwelling ON roster_entry(dwelling_id, position)
"""


def _v2(conn: Connection) -> None:
    """Roster mode: the roster_entry table (issue 7)."""
    for statement in _V2.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _v3(conn: Connection) -> None:
    """The census office's note on a dwelling (e.g. 出租房屋集中区域: ask the landlord for the
    tenant list), pulled with the assignments and shown at the door."""
    conn.execute("ALTER TABLE dwelling ADD COLUMN note TEXT NOT NULL DEFAULT ''")


def _v4(conn: Connection) -> None:
    """The form set (issue 17): death records (死亡人口调查表) are rows of ``person`` with
    ``kind = 'death'`` (their own uuid and position among the household's death records, their
    answers in ``answer`` keyed by that uuid); ``dwelling.form_id`` is the form the census
    office chose for the dwelling (长表 sample), which households created there take."""
    conn.execute(
        "ALTER TABLE person ADD COLUMN kind TEXT NOT NULL DEFAULT 'person'"
        " CHECK (kind IN ('person', 'death'))"
    )
    conn.execute("ALTER TABLE dwelling ADD COLUMN form_id TEXT NOT NULL DEFAULT 'short2020'")
    conn.execute("DROP INDEX person_household")
    conn.execute("CREATE INDEX person_household ON person(household_uuid, kind, position)")


_V5 = """
-- the supervisor's cache (普查指导员, issue 19): the server's last answers, kept encrypted so
-- that the screens work offline. sup_snapshot: one row per kind (scope, progress, queue,
-- samples), the answer as JSON; sup_case: the case details of the review queue.
CREATE TABLE sup_snapshot (
    kind TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE sup_case (
    case_uuid TEXT PRIMARY KEY,
    area_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    body TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE INDEX sup_case_area ON sup_case(area_id);
-- decisions and re-visits made on this device: queued until the server took them (or refused
-- them: kept with the server's reason, never sent again); op_uuid is the UUID sent with it.
CREATE TABLE sup_outbox (
    op_uuid TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    case_uuid TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'refused')),
    result TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sup_outbox_state ON sup_outbox(state, created_at)
"""


def _v5(conn: Connection) -> None:
    """The supervisor's cache and outbox (issue 19): sup_snapshot, sup_case, sup_outbox."""
    for statement in _V5.split(";\n"):
        if statement.strip():
            conn.execute(statement)


MIGRATIONS: list[Migration] = [_v1, _v2, _v3, _v4, _v5]
"""The registry. Append, never edit: ``MIGRATIONS.append(_v3)`` in this module."""


def latest() -> int:
    return len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    """The schema version of an open database (0 for a new, empty one)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: Connection, clock: Clock, target: int | None = None) -> int:
    """Bring the database up to ``target`` (default: the latest); returns the version now.

    Refuses (ConflictError) a database newer than this program, leaving it untouched.
    """
    goal = latest() if target is None else target
    version = current_version(conn)
    if version > latest():
        raise ConflictError(MSG_NEWER_SCHEMA.format(found=version, known=latest()))
    while version < goal:
        step = MIGRATIONS[version]
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (version + 1, iso(clock.now())),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version += 1
    return version
