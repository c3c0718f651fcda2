"""Schema v2 (roster_entry) applies to a version-1 database without touching its data."""

from __future__ import annotations

from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.store import db
from census_tui.store.migrations import current_version, latest, migrate


def test_v1_database_migrates_to_v2(tmp_path: Path) -> None:
    clock = FakeClock()
    key = b"k" * 32
    path = tmp_path / "census.db"
    conn = db.connect(path, key, create=True)
    assert migrate(conn, clock, target=1) == 1
    conn.execute("INSERT INTO area (id, name) VALUES ('440305001001001', 'x')")
    conn.close()
    conn = db.connect(path, key, create=False)
    assert migrate(conn, clock) == latest() >= 2
    assert current_version(conn) == latest()
    cols = {r[1] for r in conn.execute("PRAGMA table_info(roster_entry)").fetchall()}
    assert {"uuid", "dwelling_id", "line", "status", "listed", "answers", "person_uuid"} <= cols
    assert conn.execute("SELECT count(*) FROM area").fetchone()[0] == 1
    conn.close()
