"""Fixtures of the roster tests: a real SQLCipher profile with an area and a dormitory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.store import Area, Dwelling, KdfParams, Store, create_profile

CHEAP_KDF = KdfParams(n=2**10, r=1, p=1)
PASSWORD = "correct horse 电池"
AREA_ID = "440305001001001"
DORM = "D0100"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    s = create_profile("enum01", PASSWORD, base=tmp_path / "home", clock=clock, kdf=CHEAP_KDF)
    s.upsert_area(Area(AREA_ID, "科技园 001"))
    s.upsert_dwelling(Dwelling(DORM, AREA_ID, building="宿舍楼 3", kind="dormitory"))
    s.upsert_dwelling(Dwelling("D0001", AREA_ID, building="1", unit="101"))
    yield s
    s.close()
