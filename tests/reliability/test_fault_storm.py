"""Fault storm, short CI version (issue 9 item 2): 100 households through the fault proxy with
every fault mixed at random; all delivered exactly once, every sync call within its deadline,
memory flat. The full run: ``python bench/storm_faults.py`` (1,000 households)."""

from __future__ import annotations

from pathlib import Path

from tests.reliability.fault_storm import FAULTS, run_fault_storm


def test_fault_storm_hundred_households(tmp_path: Path) -> None:
    r = run_fault_storm(tmp_path, households=100, seed=3)
    assert not r.problems, r.problems
    assert set(FAULTS) - {"garbled"} <= set(r.faults) and "canned" in r.faults
    assert r.failed_calls > 0, "the faults never made a sync call fail: not a storm"
    assert r.over_deadline == 0
    assert r.growth < 0.20, f"memory grew {r.growth:.1%}"
