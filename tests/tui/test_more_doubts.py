"""The doubts panel's outcome buttons (疑虑与拒访, FIELDWORK.md; issue 5 §6): appointment,
telephone registration and refusal each record an attempt; the refusal, with the doubt raised,
reaches the outbox as an outcome and the real server after a sync from the dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui.app import make_app
from census_tui.clock import FakeClock
from census_tui.screens.attempt import AttemptScreen
from census_tui.visit.states import CaseState
from tests.tui.drive import login, screen_text, settle, type_text
from tests.tui.more_support import (
    ACCOUNT,
    NEW_PASSWORD,
    Site,
    live,
    on_screen,
    open_dwelling,
    ready_profile,
    run_site,
    until,
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from run_site(tmp_path, ready=True)


async def test_doubt_outcomes_are_recorded_and_a_refusal_reaches_the_server(
    tmp_path: Path, site: Site, clock: FakeClock
) -> None:
    gate = ready_profile(site, tmp_path / "device", clock)
    d_appt, d_phone, d_refuse = site.dwellings[:3]
    app = make_app(gate, lang="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, NEW_PASSWORD)
        session = live(app)

        # 1 Appointment: the attempt form opens preset; time, channel (2 WeChat), save.
        await open_dwelling(pilot, d_appt[-3:])
        await pilot.press("d")
        await on_screen(pilot, "DoubtsScreen")
        assert "strictly confidential" in screen_text(app)
        await pilot.press("1")
        await on_screen(pilot, "AttemptScreen")
        assert isinstance(app.screen, AttemptScreen)
        await pilot.press("enter")  # keep the preset outcome, on to the time
        await type_text(pilot, "11-06 19:00\r")
        await pilot.press("2", "ctrl+s")
        await on_screen(pilot, "VisitScreen")
        await settle(pilot)
        assert "appointment booked" in screen_text(app)
        [appt] = session.attempts(d_appt)
        assert (appt.outcome, appt.channel) == ("appointment", "wechat")

        # 2 Telephone registration.
        await pilot.press("escape")
        await on_screen(pilot, "DashboardScreen")
        await open_dwelling(pilot, d_phone[-3:])
        await pilot.press("d")
        await on_screen(pilot, "DoubtsScreen")
        await pilot.press("2")
        await on_screen(pilot, "AttemptScreen")
        await pilot.press("ctrl+s")
        await on_screen(pilot, "VisitScreen")
        assert [a.outcome for a in session.attempts(d_phone)] == ["phone_registration"]

        # 3 Refusal, with the doubt raised (1 property tax) and a note; by the button (mouse).
        await pilot.press("escape")
        await on_screen(pilot, "DashboardScreen")
        await open_dwelling(pilot, d_refuse[-3:])
        await pilot.press("d")
        await on_screen(pilot, "DoubtsScreen")
        await pilot.click("#outcome-refused")
        await on_screen(pilot, "AttemptScreen")
        await pilot.press("enter", "1")  # on to the doubt list; 1 = property tax
        await type_text(pilot, "will think about it\r")
        await on_screen(pilot, "VisitScreen")
        [refusal] = session.attempts(d_refuse)
        assert (refusal.outcome, refusal.doubt, refusal.note) == (
            "refused",
            "tax",
            "will think about it",
        )
        states = {c.dwelling_id: c.state for c in session.store.cases()}
        assert states == {
            d_appt: CaseState.APPOINTMENT,
            d_phone: CaseState.PHONE_REGISTRATION,
            d_refuse: CaseState.REFUSED,
        }
        queued = [json.loads(i.payload) for i in session.store.outbox_pending()]
        assert [(q["dwelling_id"], q["kind"], q["note"]) for q in queued] == [
            (d_refuse, "refused", "tax")
        ]

        await pilot.press("escape")
        await on_screen(pilot, "DashboardScreen")
        assert not pilot.app.screen.query("#dash-progress")  # made on the first sync only
        await pilot.press("s")
        await settle(pilot)
        await until(pilot, lambda: session.store.outbox_depth() == 0)
        await until(pilot, lambda: not pilot.app.screen.query_one("#dash-progress").display)
    [stored] = site.db.outcomes()
    assert (stored["dwelling_id"], stored["kind"], stored["account"]) == (
        d_refuse,
        "refused",
        ACCOUNT,
    )
    assert json.loads(stored["payload"])["note"] == "tax"  # the doubt raised reaches the office
