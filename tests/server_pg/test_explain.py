"""Every query of the sync path reads by index on both backends (issue 18 §2): the plan of
each (SQLite: ``EXPLAIN QUERY PLAN``; PostgreSQL: ``EXPLAIN`` with ``enable_seqscan`` off, so
that a sequential scan remains only where no index fits) has no full table scan. The checker
itself is shown to catch one."""

from __future__ import annotations

from census_tui.server.storage import SYNC_PATH, Storage


def test_every_sync_path_query_reads_by_index(storage: Storage) -> None:
    assert len(SYNC_PATH) >= 10
    scans = {name: storage.scans(sql, args) for name, (sql, args) in SYNC_PATH.items()}
    assert {name: found for name, found in scans.items() if found} == {}


def test_the_checker_sees_a_full_scan(storage: Storage) -> None:
    # no index on the address: this query must read the whole table
    found = storage.scans("SELECT * FROM dwellings WHERE address = ?", ("x",))
    assert found and all("dwellings" in line for line in found)
