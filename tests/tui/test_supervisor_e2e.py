"""Issue 19 §9, end to end through both devices' screens and the real server: the enumerator
completes and uploads a household; the supervisor, in the same TUI on their own device, returns
it at a question picked in the case view; the enumerator's sync brings the return and the
interview opens AT that question; corrected and completed again, it uploads as revision 2; the
supervisor's refresh shows the new revision and approves it; the enumerator's next sync shows
the case approved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import OptionList

from census_tui.app import make_app
from census_tui.clock import FakeClock
from census_tui.screens.interview import InterviewScreen
from census_tui.screens.sup_case import CaseScreen
from census_tui.screens.sup_queue import QueueScreen
from census_tui.server.seed import add_supervisor
from census_tui.supervision.service import SupervisorSession
from census_tui.visit.gate import VisitGate
from census_tui.visit.states import CaseState
from tests.tui.conftest import CHEAP
from tests.tui.drive import login, screen_text, settle, type_text
from tests.tui.more_support import (
    ACCOUNT,
    NEW_PASSWORD,
    Site,
    complete_from_interview,
    fill,
    live,
    on_screen,
    open_dwelling,
    ready_profile,
    run_site,
    until,
)

BOSS, BOSS_PASSWORD = "boss", "boss-pass-44"
COMMENT = "D5: please check the sex of person 2"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    for s in run_site(tmp_path, ready=True):
        add_supervisor(s.db, BOSS, BOSS_PASSWORD, [ACCOUNT], ready=True)
        yield s


def _supervisor_device(site: Site, base: Path, clock: FakeClock) -> VisitGate:
    gate = VisitGate(clock=clock, base=base, kdf=CHEAP)
    gate.begin_first_login(site.url, BOSS, BOSS_PASSWORD).finish().close()
    return gate


def _sup(app: object) -> SupervisorSession:
    found = getattr(app, "supervision", None)
    assert isinstance(found, SupervisorSession)
    return found


async def test_return_at_a_question_then_approve_across_both_devices(
    tmp_path: Path, site: Site, clock: FakeClock
) -> None:
    enum_gate = ready_profile(site, tmp_path / "enumerator", clock)
    dwelling = site.dwellings[1]

    # 1. The enumerator completes and uploads.
    app = make_app(enum_gate, lang="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, NEW_PASSWORD)
        session = live(app)
        await open_dwelling(pilot, dwelling[-3:])
        await pilot.press("enter")
        await on_screen(pilot, "InterviewScreen")
        assert isinstance(app.screen, InterviewScreen)
        hh = app.screen.hh_uuid
        fill(session, hh)
        await complete_from_interview(pilot)
        await pilot.press("s")
        await until(pilot, lambda: session.store.case(hh).state == CaseState.SYNCED)
        persons = [p.uuid for p in session.household(hh).persons]
    assert len(persons) >= 2

    # 2. The supervisor opens it from the queue, marks person 2's D5 and returns it.
    sup_gate = _supervisor_device(site, tmp_path / "supervisor", clock)
    app = make_app(sup_gate, lang="en", clock=clock, idle_minutes=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, BOSS_PASSWORD)
        await pilot.press("v")
        await on_screen(pilot, "QueueScreen")
        await pilot.press("enter")
        await on_screen(pilot, "CaseScreen")
        case_screen = app.screen
        assert isinstance(case_screen, CaseScreen) and case_screen.case is not None
        assert case_screen.case.case_uuid == hh and case_screen.case.revision == 1
        refs = [(line.ref.person_uuid, line.ref.item_id) for line in case_screen.case.lines]
        # the option of that question (section headings are options too), from the first line
        start = case_screen.query_one("#sc-lines", OptionList).highlighted
        option = {i: o for o, i in case_screen._line_at.items()}[refs.index((persons[1], "D5"))]
        assert start is not None and option > start
        await pilot.press(*(["down"] * (option - start)), "space")
        await settle(pilot)
        assert [(r.person_uuid, r.item_id) for r in case_screen.marked] == [(persons[1], "D5")]
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, COMMENT + "\r")
        await on_screen(pilot, "QueueScreen")
        assert _sup(app).pending() == 0  # sent at once: the server was reachable
    returned = [r for r in site.db.rows("reviews") if r[1] == hh]
    assert [(r[2], r[4]) for r in returned] == [(1, "returned")]

    # 3. The enumerator's sync brings it back; the interview opens at that question;
    #    corrected and completed, it uploads as revision 2.
    app = make_app(enum_gate, lang="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, NEW_PASSWORD)
        session = live(app)
        store = session.store
        await pilot.press("s")
        await until(pilot, lambda: store.case(hh).state == CaseState.RETURNED)
        await open_dwelling(pilot, dwelling[-3:])
        assert f"Returned by the supervisor: {COMMENT}" in screen_text(app), screen_text(app)
        await pilot.press("enter")
        await on_screen(pilot, "InterviewScreen")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.pos == (persons[1], "D5")
        await complete_from_interview(pilot)
        assert store.case(hh).revision == 2
        await pilot.press("s")
        await until(pilot, lambda: store.case(hh).state == CaseState.SYNCED)

    # 4. The supervisor's refresh shows revision 2, which is approved.
    app = make_app(sup_gate, lang="en", clock=clock, idle_minutes=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, BOSS_PASSWORD)
        await pilot.press("s")
        await until(pilot, lambda: [r.revision for r in _sup(app).queue().rows] == [2])
        await pilot.press("v")
        await on_screen(pilot, "QueueScreen")
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("enter")
        await on_screen(pilot, "CaseScreen")
        assert isinstance(app.screen, CaseScreen) and app.screen.case is not None
        assert app.screen.case.revision == 2
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")
        await on_screen(pilot, "QueueScreen")
    decided = [(r[2], r[4]) for r in site.db.rows("reviews") if r[1] == hh]
    assert decided == [(1, "returned"), (2, "approved")]

    # 5. The enumerator's device learns it was approved.
    session = enum_gate.unlock(ACCOUNT, NEW_PASSWORD)
    try:
        session.sync()
        assert session.store.case(hh).state == CaseState.APPROVED
    finally:
        session.close()
