"""The unlock stage names the one profile of a device, and lists several to choose from."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from census_tui.app import make_app
from census_tui.clock import FakeClock
from census_tui.visit.gate import VisitGate
from census_tui.visit.practice import make_local_profile
from tests.tui.conftest import CHEAP, PASSWORD, PROFILE
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text


async def test_one_profile_is_named_and_unlocks(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert f"Account {PROFILE}: type the password" in text
        assert not app.screen.query(OptionList)
        await login(pilot, PASSWORD)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.session is not None


async def test_several_profiles_are_listed_and_the_chosen_one_unlocks(
    home: Path, clock: FakeClock
) -> None:
    make_local_profile(home, "enum02", "second-pass-2", clock=clock, kdf=CHEAP, dwellings=3).close()
    gate = VisitGate(clock=clock, base=home, kdf=CHEAP)
    app = make_app(gate, lang="en", clock=clock, idle_minutes=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#profile-list", OptionList)
        assert listing.option_count == 2 and listing.highlighted == 0
        assert "Pick your account" in screen_text(app)
        listing.highlighted = [str(listing.get_option_at_index(i).prompt) for i in range(2)].index(
            "enum02"
        )
        app.screen.query_one("#unlock-password").focus()
        await settle(pilot)
        await type_text(pilot, "second-pass-2\r")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert getattr(app.session, "account", None) == "enum02"
