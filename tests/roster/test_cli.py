"""``census-tui roster import`` end to end: a real profile, real files, exit codes, no PII out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from census_tui.cli import build_app
from census_tui.clock import FakeClock
from census_tui.exitcodes import ExitCode
from census_tui.roster.service import RosterService
from census_tui.store import Area, Dwelling, create_profile, unlock
from tests.roster.conftest import AREA_ID, CHEAP_KDF, DORM, PASSWORD
from tests.roster.lists import csv_text, person

BAD = "99,坏行,11010519491231002Y,女,1949-12,汉族,A-999,后勤部,E9,13800000001"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("CENSUS_TUI_HOME", str(home))
    monkeypatch.setenv("CENSUS_TUI_PASSWORD", PASSWORD)
    with create_profile("enum01", PASSWORD, base=home, clock=FakeClock(), kdf=CHEAP_KDF) as s:
        s.upsert_area(Area(AREA_ID, "x"))
        s.upsert_dwelling(Dwelling(DORM, AREA_ID, kind="dormitory"))
    return home


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), ["--lang", "en", "roster", "import", *args])
    return result.exit_code, result.output


def stored(home: Path) -> int:
    with unlock("enum01", PASSWORD, base=home, clock=FakeClock()) as s:
        return len(RosterService(s).entries(DORM))


def test_bad_rows_import_nothing_then_only_good(home: Path, tmp_path: Path) -> None:
    f = tmp_path / "list.csv"
    f.write_bytes(csv_text(40, extra=[BAD]).encode("gb18030"))
    code, out = run(str(f), "--dwelling", DORM)
    assert code == ExitCode.BAD_INPUT
    assert "gb18030" in out and "line 43" in out and "P-02" in out
    assert person(0)["name"] not in out and person(0)["id"] not in out
    assert stored(home) == 0
    code, out = run(str(f), "--dwelling", DORM, "--only-good", "--json")
    assert code == ExitCode.OK
    data = json.loads(out)
    assert data["result"]["imported"] == 40 and data["preview"]["bad"] == 1
    assert stored(home) == 40
    code, _ = run(str(f), "--dwelling", DORM, "--only-good")
    assert code == ExitCode.CONFLICT and stored(home) == 40


def test_dry_run_unknown_dwelling_and_bad_files(home: Path, tmp_path: Path) -> None:
    f = tmp_path / "list.csv"
    f.write_bytes(csv_text(5).encode("utf-8-sig"))
    assert run(str(f), "--dwelling", DORM, "--dry-run")[0] == ExitCode.OK
    assert stored(home) == 0
    code, out = run(str(f), "--dwelling", "NOPE")
    assert code == ExitCode.BAD_INPUT and "status" in out
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, out = run(str(empty), "--dwelling", DORM)
    assert code == ExitCode.BAD_INPUT and "empty" in out and "Traceback" not in out
    code, out = run(str(f), "--dwelling", DORM, "--encoding", "latin-1")
    assert code == ExitCode.BAD_INPUT


def test_column_override(home: Path, tmp_path: Path) -> None:
    f = tmp_path / "list.csv"
    f.write_text("员工,证件\n张三,\n李四,\n", encoding="utf-8")
    code, _ = run(str(f), "--dwelling", DORM, "--column", "员工=name", "--column", "证件=id_number")
    assert code == ExitCode.OK and stored(home) == 2


def test_replace_puts_a_corrected_list_in_place_keeping_marked_people(
    home: Path, tmp_path: Path
) -> None:
    """Issue 16 §16: a second import is refused (exit 7) and says how to replace; ``--replace``
    takes the new list for the people not yet verified and keeps everyone already marked."""
    from census_tui.roster.state import RosterStatus

    first = tmp_path / "first.csv"
    first.write_bytes(csv_text(10).encode("gb18030"))
    assert run(str(first), "--dwelling", DORM)[0] == ExitCode.OK
    with unlock("enum01", PASSWORD, base=home, clock=FakeClock()) as s:
        svc = RosterService(s)
        marked = svc.entries(DORM)[:2]  # person(0) moved out, person(1) unknown
        svc.mark(marked[0].uuid, RosterStatus.MOVED)
        svc.mark(marked[1].uuid, RosterStatus.UNKNOWN)
    corrected = tmp_path / "corrected.csv"
    corrected.write_bytes(csv_text(5).encode("gb18030"))  # persons 0-4: 0 and 1 already marked
    code, out = run(str(corrected), "--dwelling", DORM)
    assert code == ExitCode.CONFLICT and "run again with --replace" in out
    assert stored(home) == 10
    code, out = run(str(corrected), "--dwelling", DORM, "--replace")
    assert code == ExitCode.OK, out
    assert "2 people already marked kept; 8 not yet verified" in out
    assert person(0)["name"] not in out and person(0)["id"] not in out
    with unlock("enum01", PASSWORD, base=home, clock=FakeClock()) as s:
        entries = RosterService(s).entries(DORM)
    assert len(entries) == 5  # the two marked, and persons 2-4 of the corrected list
    status = {e.name: e.status for e in entries}
    assert status[person(0)["name"]] is RosterStatus.MOVED
    assert status[person(1)["name"]] is RosterStatus.UNKNOWN
    assert sorted(status) == sorted(person(i)["name"] for i in range(5))
    code, out = run(str(corrected), "--dwelling", DORM, "--replace", "--json")
    data = json.loads(out)
    assert code == ExitCode.OK and data["result"]["kept"] == 2 and data["result"]["replaced"] == 3


def test_replace_is_in_the_help_in_both_languages() -> None:
    out = CliRunner().invoke(build_app(), ["roster", "import", "--help"]).output
    assert "--replace" in out and "已核对" in out and "already marked" in out
