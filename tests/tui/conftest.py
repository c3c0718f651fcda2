"""Fixtures for the TUI tests: a real SQLCipher practice profile in a temporary home."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from census_tui.app import CensusApp, make_app
from census_tui.clock import FakeClock
from census_tui.store import KdfParams
from census_tui.visit.gate import VisitGate
from census_tui.visit.practice import make_local_profile
from tests.tui.drive import AppFactory

CHEAP = KdfParams(n=2**10, r=1, p=1)
PROFILE = "enum01"
PASSWORD = "practice-pass-1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))


@pytest.fixture
def home(tmp_path: Path, clock: FakeClock) -> Path:
    """A data directory holding one practice profile with 12 listed dwellings."""
    make_local_profile(tmp_path, PROFILE, PASSWORD, clock=clock, kdf=CHEAP, dwellings=12).close()
    return tmp_path


@pytest.fixture
def gate(home: Path, clock: FakeClock) -> VisitGate:
    return VisitGate(clock=clock, base=home, kdf=CHEAP)


@pytest.fixture
def app_factory(gate: VisitGate, clock: FakeClock) -> Iterator[AppFactory]:
    def build(lang: str = "en", idle_minutes: float = 5) -> CensusApp:
        return make_app(
            gate, lang="zh" if lang == "zh" else "en", clock=clock, idle_minutes=idle_minutes
        )

    yield build
