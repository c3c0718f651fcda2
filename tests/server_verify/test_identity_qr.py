"""The identity screen's QR code holds the check address with the work ID and today's code
(issue 20 §5), drawn beside the card at 80x24; a real profile without a card key shows how to
get one instead of a code nobody could check."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Static

from census_tui.app import CensusApp, make_app
from census_tui.clock import FakeClock
from census_tui.store import META_CARD_KEY, META_SERVER_URL, META_TRAINING, unlock
from census_tui.sync.card_code import census_day, code_for, encode_key
from census_tui.visit.gate import VisitGate
from census_tui.visit.practice import PRACTICE_CARD, make_local_profile
from census_tui.widgets.qr import QrCode, qr_lines
from tests.tui.conftest import CHEAP, PASSWORD, PROFILE
from tests.tui.drive import login, screen_text, settle

SERVER = "https://pucha.example.cn:8443"
KEY = bytes(range(32))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[tuple[CensusApp, FakeClock, Path]]:
    clock = FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))
    make_local_profile(tmp_path, PROFILE, PASSWORD, clock=clock, kdf=CHEAP, dwellings=2).close()
    gate = VisitGate(clock=clock, base=tmp_path, kdf=CHEAP)
    yield make_app(gate, lang="en", clock=clock), clock, tmp_path


def _profile(base: Path, clock: FakeClock, **meta: str | None) -> None:
    with unlock(PROFILE, PASSWORD, base=base, clock=clock) as store:
        for key, value in meta.items():
            store.set_meta(key, value)


async def _identity(app: CensusApp) -> str:
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await pilot.press("/", *"D0001", "enter")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "IdentityScreen"
        qr = app.screen.query(QrCode)
        drawn = str(qr.first(Static).render()) if qr else ""
        return screen_text(app) + "\n<<QR>>\n" + drawn


async def test_the_qr_code_holds_the_check_address(
    app: tuple[CensusApp, FakeClock, Path],
) -> None:
    tui, clock, base = app
    _profile(base, clock, **{META_SERVER_URL: SERVER, META_CARD_KEY: encode_key(KEY)})
    text, _, drawn = (await _identity(tui)).partition("\n<<QR>>\n")
    code = code_for(KEY, PRACTICE_CARD["work_id"], census_day(clock.now()))
    assert f"Verification code: {code}" in text
    url = f"{SERVER}/api/v1/card-check?work_id={PRACTICE_CARD['work_id']}&code={code}"
    assert drawn.splitlines() == qr_lines(url)


async def test_a_real_profile_without_a_card_key_shows_no_code(
    app: tuple[CensusApp, FakeClock, Path],
) -> None:
    tui, clock, base = app
    _profile(base, clock, **{META_SERVER_URL: SERVER, META_TRAINING: "0"})
    text, _, drawn = (await _identity(tui)).partition("\n<<QR>>\n")
    assert "No verification code on this device yet" in " ".join(text.split())
    assert "census-tui login" in " ".join(text.split()) and drawn == ""
