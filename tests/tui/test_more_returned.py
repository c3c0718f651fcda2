"""A returned case (issue 5 §8) through the TUI against the real server: a household completed
and synced, returned by the supervisor with a comment, pulled by a sync from the dashboard
(``s``); the dashboard shows it returned, the visit screen and the interview show the comment;
the interview opens AT the first question the supervisor flagged (``--item 2:D5``: person 2 as
on the read-back); corrected and completed again, it syncs as revision 2."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui.app import make_app
from census_tui.clock import FakeClock
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.screens.interview import InterviewScreen
from census_tui.server.review import parse_spec
from census_tui.visit.states import CaseState
from tests.tui.drive import login, screen_text, settle
from tests.tui.more_support import (
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

COMMENT = "H6: check the floor area with the landlord"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from run_site(tmp_path, ready=True)


async def test_returned_case_shows_the_comment_and_syncs_as_revision_2(
    tmp_path: Path, site: Site, clock: FakeClock
) -> None:
    gate = ready_profile(site, tmp_path / "device", clock)
    dwelling = site.dwellings[1]
    app = make_app(gate, lang="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, NEW_PASSWORD)
        session = live(app)
        store = session.store
        await open_dwelling(pilot, dwelling[-3:])
        await pilot.press("enter")
        await on_screen(pilot, "InterviewScreen")
        assert isinstance(app.screen, InterviewScreen)
        hh = app.screen.hh_uuid
        fill(session, hh)
        await complete_from_interview(pilot)
        await pilot.press("s")
        await until(pilot, lambda: store.case(hh).state == CaseState.SYNCED)

        persons = site.db.case_persons(hh)
        assert persons == [p.uuid for p in session.household(hh).persons]
        flagged = [parse_spec(spec, persons) for spec in ("2:D5", "H6")]
        site.db.review(hh, "returned", COMMENT, "supervisor01", flagged)
        await settle(pilot)
        await pilot.press("s")
        await until(pilot, lambda: store.case(hh).state == CaseState.RETURNED)
        await until(pilot, lambda: "returned 1" in screen_text(app))  # the dashboard's counts
        assert "returned" in screen_text(app).split(dwelling[-14:], 1)[1].splitlines()[0]

        await open_dwelling(pilot, dwelling[-3:])
        assert f"Returned by the supervisor: {COMMENT}" in screen_text(app), screen_text(app)
        await pilot.press("enter")
        await on_screen(pilot, "InterviewScreen")
        await settle(pilot)
        assert f"Supervisor's comment: {COMMENT}" in screen_text(app), screen_text(app)
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.pos == (persons[1], "D5")  # opened at the first flagged question
        assert session.last_position(hh) == (persons[1], "D5")

        session.set_answer(hh, HOUSEHOLD_SCOPE, "H6", 92)  # corrected after the landlord's word
        assert store.case(hh).state == CaseState.INTERVIEWING
        await pilot.press("escape")  # leave and come back: the comment stays with the household
        await on_screen(pilot, "VisitScreen")
        await pilot.press("enter")
        await on_screen(pilot, "InterviewScreen")
        await settle(pilot)
        assert f"Supervisor's comment: {COMMENT}" in screen_text(app), screen_text(app)
        await complete_from_interview(pilot)
        assert store.case(hh).revision == 2
        await pilot.press("s")
        await until(pilot, lambda: store.case(hh).state == CaseState.SYNCED)

    revisions = [(r["revision"]) for r in site.db.households() if r["case_uuid"] == hh]
    assert revisions == [1, 2]
