"""Helpers of the ``test_more_*`` TUI tests: a household filled through the live session, the
self-check → read-back → completed keystrokes, and the real reference server with an account
that still needs the first-login steps.

Filling the household through ``app.session`` (the same object the screens use) keeps the Pilot
tests fast: the keystroke-by-keystroke interview is already covered by test_visit_flow.py; these
tests drive through the TUI only the flow each is about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot

from census_tui.app import CensusApp
from census_tui.clock import Clock
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.questionnaire.answers import parse_answer
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.visit.gate import VisitGate
from census_tui.visit.service import VisitSession
from tests.tui.conftest import CHEAP
from tests.tui.drive import screen_text, settle, type_text
from tests.tui.script import HOUSEHOLD, persons_for

AREA = "110105001001007"
ACCOUNT = "wang01"
INITIAL = "initial-pass-1"
NEW_PASSWORD = "my-own-pass-2"
REAL_NAME = "王普查"
REAL_ID = "11010519491231002X"


async def until(pilot: Pilot[int], done: Callable[[], bool], rounds: int = 100) -> None:
    """Let the app process its messages until ``done()`` holds (a screen pushed by a message a
    worker posted can need a few rounds on a loaded machine); fails if it never does."""
    for _ in range(rounds):
        if done():
            return
        await settle(pilot)
    assert done(), screen_text(pilot.app)


async def on_screen(pilot: Pilot[int], name: str) -> None:
    """Wait until the screen on top is the one named."""
    await until(pilot, lambda: type(pilot.app.screen).__name__ == name)


def live(app: CensusApp) -> VisitSession:
    """The session the screens use (a real VisitSession on the real store)."""
    session = app.session
    assert isinstance(session, VisitSession)
    return session


def fill(session: VisitSession, hh_uuid: str, household: int = 0) -> None:
    """Answer every item of the scripted 3-person household (tests/tui/script.py)."""
    form = session.form
    for item_id, text in HOUSEHOLD.items():
        value = parse_answer(form.item(item_id), text)
        session.set_answer(hh_uuid, HOUSEHOLD_SCOPE, item_id, value)
    for answers in persons_for(household):
        person = session.add_person(hh_uuid)
        for item_id, text in answers.items():
            session.set_answer(hh_uuid, person, item_id, parse_answer(form.item(item_id), text))
    assert session.can_complete(hh_uuid), session.findings(hh_uuid)


async def complete_from_interview(pilot: Pilot[int], respondent: str = "Zhang San") -> None:
    """On the interview screen of a full household: F8 self-check, Enter, read-back, name."""
    app = pilot.app
    await pilot.press("f8")
    await on_screen(pilot, "SelfCheckScreen")
    assert "Self-check passed" in screen_text(app), screen_text(app)
    await pilot.press("enter")
    await on_screen(pilot, "ReadBackScreen")
    await type_text(pilot, respondent + "\r")
    await on_screen(pilot, "DashboardScreen")


async def open_dwelling(pilot: Pilot[int], dwelling_id: str) -> None:
    """From the dashboard: filter by the dwelling's id, Enter opens it."""
    await pilot.press("slash")
    await type_text(pilot, dwelling_id + "\r")
    await on_screen(pilot, "VisitScreen")
    await settle(pilot)


@dataclass
class Site:
    """The reference server on 127.0.0.1 with one enumerator who has never logged in."""

    db: ServerDB
    server: ServerThread
    dwellings: list[str]

    @property
    def url(self) -> str:
        return self.server.url


def run_site(tmp_path: Path, *, ready: bool = False) -> Iterator[Site]:
    """Body of a fixture: the server (training flag as ServerDB sets it) with ``ACCOUNT``."""
    db = ServerDB(tmp_path / "server.db")
    ids = add_enumerator(
        db,
        ACCOUNT,
        NEW_PASSWORD if ready else INITIAL,
        AREA,
        dwellings=6,
        name=REAL_NAME,
        id_number=REAL_ID,
        ready=ready,
    )
    with ServerThread(db) as server:
        yield Site(db, server, ids)
    db.close()


def ready_profile(site: Site, base: Path, clock: Clock) -> VisitGate:
    """A device profile for ``ACCOUNT`` (a ready account) made by the real first login; the
    gate that unlocks it with ``NEW_PASSWORD``."""
    gate = VisitGate(clock=clock, base=base, kdf=CHEAP)
    gate.begin_first_login(site.url, ACCOUNT, NEW_PASSWORD).finish().close()
    return gate
