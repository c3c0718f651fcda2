"""Shared fixtures of the store tests: a fake clock, a data dir, cheap KDF parameters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.store import Area, Dwelling, KdfParams, Store, create_profile

CHEAP_KDF = KdfParams(n=2**10, r=1, p=1)
PASSWORD = "correct horse 电池"
AREA_ID = "610102002010001"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def store(base: Path, clock: FakeClock) -> Iterator[Store]:
    s = create_profile("enum01", PASSWORD, base=base, clock=clock, kdf=CHEAP_KDF)
    yield s
    s.close()


@pytest.fixture
def dwelling_id(store: Store) -> str:
    store.upsert_area(Area(AREA_ID, "少先31社区 001"))
    store.upsert_dwelling(Dwelling("D0001", AREA_ID, building="3", unit="2-101"))
    return "D0001"
