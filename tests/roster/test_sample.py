"""The demo's sample name list imports with the counts its three deliberate problems give."""

from __future__ import annotations

from pathlib import Path

import pytest

from census_tui.errors import BadInput
from census_tui.roster.checks import Level
from census_tui.roster.preview import read_roster_file
from census_tui.roster.sample import (
    SAMPLE_BAD_CHECK_LINE,
    SAMPLE_DUPLICATE_LINE,
    SAMPLE_SEX_LINE,
    write_sample_roster,
)
from census_tui.roster.service import RosterService
from census_tui.roster.state import RosterStatus, counts
from census_tui.store import Store
from tests.roster.conftest import DORM


def test_sample_roster_imports_with_expected_counts(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "名册.csv"
    write_sample_roster(path, rows=200)
    raw = path.read_bytes()
    assert raw.decode("gb18030").splitlines()[1] == "姓名,公民身份号码,性别,出生年月,民族,宿舍,部门"
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    preview = read_roster_file(path)
    assert preview.encoding == "gb18030" and len(preview.rows) == 200
    errors = {(line, i.code) for line, i in preview.issues(Level.ERROR)}
    assert errors == {(SAMPLE_BAD_CHECK_LINE, "P-02"), (SAMPLE_SEX_LINE, "P-04")}
    assert [r.line for r in preview.rows if r.duplicate] == [SAMPLE_DUPLICATE_LINE]
    svc = RosterService(store)
    with pytest.raises(BadInput):
        svc.import_preview(DORM, preview)
    result = svc.import_preview(DORM, preview, only_good=True)
    assert (result.imported, result.skipped, result.duplicates) == (198, 2, 1)
    c = counts(svc.entries(DORM))
    assert c[RosterStatus.PENDING] == 197 and c[RosterStatus.DUPLICATE] == 1


def test_small_sample_has_no_problem_rows(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    write_sample_roster(path, rows=10)
    preview = read_roster_file(path)
    assert len(preview.good) == 10 and not preview.issues(Level.ERROR)
    with pytest.raises(ValueError):
        write_sample_roster(path, rows=0)
