"""Migrations: every committed fixture (one per schema version) opens with the current code,
migrates to the latest version and keeps its records; a failing migration changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import CensusError
from census_tui.store import Store, unlock
from census_tui.store.db import Connection
from census_tui.store.migrations import MIGRATIONS, latest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROFILE = "fixture"
PASSWORD = "fixture-password-口令"
HOUSEHOLD = "6f1c1a56-0d7e-4a43-9a53-7f6f2b1d0001"
HEAD = "6f1c1a56-0d7e-4a43-9a53-7f6f2b1d0011"
CHILD = "6f1c1a56-0d7e-4a43-9a53-7f6f2b1d0012"
DEATH = "6f1c1a56-0d7e-4a43-9a53-7f6f2b1d0031"


def install(version: int, base: Path) -> Path:
    """Copy the fixture of ``version`` into a fresh data dir (the repo copy stays untouched)."""
    target = base / "profiles" / PROFILE
    shutil.copytree(FIXTURES / f"schema_v{version}", target)
    return target


def test_a_fixture_for_every_earlier_version() -> None:
    missing = [v for v in range(1, latest()) if not (FIXTURES / f"schema_v{v}").is_dir()]
    assert not missing, f"run tests/fixtures/make_fixtures.py (missing {missing})"


def assert_v1_records(s: Store) -> None:
    assert s.get_meta("account") == "E0001"
    hh = s.household(HOUSEHOLD)
    assert [p.uuid for p in hh.persons] == [HEAD, CHILD]
    assert hh.answers == {"H1": 1}
    assert hh.persons[0].answers == {"D1": "张伟", "D2": 0}
    assert hh.persons[1].answers == {"D5": "2015-06"}
    assert hh.revision == 2 and [c.rule_id for c in hh.confirmations] == ["P-07"]
    assert [n.text for n in hh.notes] == ["核对姓名"]
    assert s.case(HOUSEHOLD).state == "interviewing"
    assert [a.outcome for a in s.attempts("D0001")] == ["interview"]
    assert [a.channel for a in s.appointments("D0001")] == ["phone"]
    assert [(i.case_uuid, i.revision, i.payload) for i in s.outbox_pending()] == [
        (HOUSEHOLD, 2, b"{}")
    ]
    assert [e.result for e in s.sync_log()] == ["error"]
    assert s.events(kind="login")


@pytest.mark.parametrize(
    "version", [v for v in range(1, latest() + 1) if (FIXTURES / f"schema_v{v}").is_dir()]
)
def test_fixture_migrates_and_keeps_records(version: int, tmp_path: Path) -> None:
    clock = FakeClock()
    install(version, tmp_path)
    s = unlock(PROFILE, PASSWORD, base=tmp_path, clock=clock)
    assert s.schema_version() == latest()
    assert_v1_records(s)
    # the migrated database takes new writes
    s.set_answer(HOUSEHOLD, CHILD, "D4", 2)
    assert s.integrity_check() == (True, True)
    s.close()
    s = unlock(PROFILE, PASSWORD, base=tmp_path, clock=clock)
    assert s.household(HOUSEHOLD).persons[1].answers["D4"] == 2
    s.close()


def test_v4_death_records_and_dwelling_form(tmp_path: Path) -> None:
    """Schema 4 (issue 17): a v3 database gains person.kind (its persons stay persons, no death
    records) and dwelling.form_id (short2020); the v4 fixture's death record and long-form
    dwelling come back as such."""
    clock = FakeClock()
    install(3, tmp_path / "v3")
    s = unlock(PROFILE, PASSWORD, base=tmp_path / "v3", clock=clock)
    hh = s.household(HOUSEHOLD)
    assert [p.uuid for p in hh.persons] == [HEAD, CHILD] and hh.deaths == []
    assert s.dwelling_form("D0001") == "short2020" == s.dwelling("D0001").form_id
    s.close()
    install(4, tmp_path / "v4")
    s = unlock(PROFILE, PASSWORD, base=tmp_path / "v4", clock=clock)
    hh = s.household(HOUSEHOLD)
    assert [p.uuid for p in hh.persons] == [HEAD, CHILD]
    assert [(d.uuid, d.answers) for d in hh.deaths] == [(DEATH, {"S5": "2020-03"})]
    assert s.persons(HOUSEHOLD) == [HEAD, CHILD] and s.deaths(HOUSEHOLD) == [DEATH]
    assert s.dwelling_form("D0001") == "long2020"
    with pytest.raises(CensusError), s.transaction():  # the schema checks the kind
        s._x("UPDATE person SET kind = 'ghost' WHERE uuid = ?", (DEATH,))
    s.close()


def test_failing_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = install(1, tmp_path)
    applied: list[int] = []

    def good(conn: Connection) -> None:
        conn.execute("CREATE TABLE later_a (x)")
        applied.append(1)

    def bad(conn: Connection) -> None:
        conn.execute("CREATE TABLE later_b (x)")
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr("census_tui.store.migrations.MIGRATIONS", [*MIGRATIONS, good, bad])
    with pytest.raises(CensusError):
        unlock(PROFILE, PASSWORD, base=tmp_path, clock=FakeClock())
    monkeypatch.setattr("census_tui.store.migrations.MIGRATIONS", [*MIGRATIONS, good])
    s = unlock(PROFILE, PASSWORD, base=tmp_path, clock=FakeClock())
    # 'good' was committed on the first try (its own transaction) and is not re-run
    assert applied == [1] and s.schema_version() == len(MIGRATIONS) + 1
    with s.transaction():
        tables = {r[0] for r in s._rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "later_a" in tables and "later_b" not in tables
    s.close()
    assert directory.is_dir()
