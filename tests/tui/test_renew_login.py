"""An expired login renewed from the TUI, against the real reference server: the server no longer
knows the device's token (ended here by ``POST /logout``, as expiry would), a sync from the
dashboard asks for the password in a masked dialog, the right one renews the token and the sync
runs again; a wrong one shows the server's refusal and renews nothing; Esc leaves the message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from census_tui.app import CensusApp, make_app
from census_tui.clock import FakeClock
from census_tui.screens.prompt import PromptScreen
from census_tui.store import META_TOKEN, Store
from census_tui.sync.api import SyncApi
from census_tui.visit.states import CaseState
from tests.tui.drive import login, screen_text, type_text
from tests.tui.more_support import (
    NEW_PASSWORD,
    Site,
    fill,
    live,
    on_screen,
    ready_profile,
    run_site,
)
from tests.tui.more_support import until as wait_until

WRONG = "not-my-pass-7"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from run_site(tmp_path, ready=True)


def completed_household(app: CensusApp, dwelling: str) -> str:
    """A household interviewed and completed through the live session (the interview itself is
    covered elsewhere): one item for the outbox."""
    session = live(app)
    hh = session.start_interview(dwelling)
    fill(session, hh)
    session.self_check_passed(hh)
    session.complete(hh, "Zhang San")
    return hh


def revoke(site: Site, store: Store, clock: FakeClock) -> str:
    """End the device's token on the server (``POST /logout``); returns the dead token."""
    token = store.get_meta(META_TOKEN)
    assert token
    with SyncApi(site.url, clock=clock, token=token) as api:
        api.logout()
    return token


async def sync_refused(pilot: Pilot[int], app: CensusApp) -> None:
    """``s`` on the dashboard: the sync ends refused and the masked password dialog opens."""
    await pilot.press("s")
    await on_screen(pilot, "PromptScreen")
    assert isinstance(app.screen, PromptScreen)
    assert app.screen.query_one(Input).password
    text = screen_text(app)
    assert "Your login has expired: type your password to log in again" in text, text


async def test_expired_login_renewed_by_password_then_sync_succeeds(
    tmp_path: Path, site: Site, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = ready_profile(site, tmp_path / "device", clock)
    app = make_app(gate, lang="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, NEW_PASSWORD)
        notes: list[str] = []
        monkeypatch.setattr(app, "notify", lambda text, **kw: notes.append(str(text)))
        store = live(app).store
        hh = completed_household(app, site.dwellings[0])
        dead = revoke(site, store, clock)

        await sync_refused(pilot, app)
        assert store.case(hh).state != CaseState.SYNCED
        await type_text(pilot, NEW_PASSWORD + "\r")
        await on_screen(pilot, "DashboardScreen")
        await wait_until(pilot, lambda: store.case(hh).state == CaseState.SYNCED)
        await wait_until(pilot, lambda: any(n.startswith("Sync done: sent 1") for n in notes))
        assert notes[0] == "the login has expired; please log in again", notes
        assert NEW_PASSWORD not in " ".join(notes) + screen_text(app)
        assert store.get_meta(META_TOKEN) not in (None, dead)

    assert [r["case_uuid"] for r in site.db.households()] == [hh]


async def test_wrong_password_shows_the_refusal_and_renews_nothing(
    tmp_path: Path, site: Site, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = ready_profile(site, tmp_path / "device", clock)
    app = make_app(gate, lang="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, NEW_PASSWORD)
        notes: list[str] = []
        monkeypatch.setattr(app, "notify", lambda text, **kw: notes.append(str(text)))
        store = live(app).store
        hh = completed_household(app, site.dwellings[0])
        dead = revoke(site, store, clock)

        await sync_refused(pilot, app)
        await type_text(pilot, WRONG + "\r")
        await on_screen(pilot, "DashboardScreen")
        await wait_until(pilot, lambda: "wrong account or password" in notes)
        assert WRONG not in " ".join(notes) + screen_text(app)
        assert store.get_meta(META_TOKEN) == dead
        assert store.case(hh).state == CaseState.COMPLETED

        await sync_refused(pilot, app)  # Esc on the dialog: the message stays, nothing else

        await pilot.press("escape")
        await on_screen(pilot, "DashboardScreen")
        assert notes[-1] == "the login has expired; please log in again", notes
        assert not any(n.startswith("Sync done") for n in notes), notes
        assert store.get_meta(META_TOKEN) == dead

    assert site.db.households() == []
