"""The supervisor's screens (普查指导员, issue 19 §2, §3): progress, review queue, case view and
the decision dialogs, driven by Pilot over the real :class:`SupervisorSession` and the real
reference server (SQLite) on loopback.

One server per module (the tests run in file order and build on each other): ``boss``
supervises alice (area A: a flagged case, with a warning she confirmed and her reason, and a
plain one) and bob (area B: one case, and no sync for two days). The snapshot tests change
nothing; the return flow returns alice's flagged case; the last test approves bob's, is refused
on alice's plain one (re-uploaded meanwhile), then stops the server. Text snapshots as
``test_screens.py`` (``CENSUS_TUI_UPDATE_SNAPSHOTS=1`` rewrites them; times masked).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Input

from census_tui.app import CensusApp, make_app
from census_tui.clock import FakeClock
from census_tui.i18n import Msg
from census_tui.screens import sup_queue
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator, add_supervisor
from census_tui.server.storage import ServerDB
from census_tui.visit.gate import VisitGate
from census_tui.widgets.text import T
from tests.supervisor.conftest import AREA_A, AREA_B, PASSWORDS, V1, household
from tests.tui.conftest import CHEAP
from tests.tui.drive import screen_text, settle, type_text
from tests.tui.test_screens import SNAPSHOTS, UPDATE


@dataclass
class Office:
    server: ServerThread
    db: ServerDB
    clock: FakeClock
    home: Path
    cases: dict[str, str]
    """Which case is which: "flagged", "plain" (alice's), "bob"."""

    def client(self, account: str) -> httpx.Client:
        c = httpx.Client(base_url=self.server.url, timeout=30)
        r = c.post(f"{V1}/login", json={"account": account, "password": PASSWORDS[account]})
        assert r.status_code == 200, r.text
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return c

    def app(self, lang: str) -> CensusApp:
        gate = VisitGate(clock=self.clock, base=self.home, kdf=CHEAP)
        return make_app(gate, lang="zh" if lang == "zh" else "en", clock=self.clock, idle_minutes=0)


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    root = tmp_path_factory.mktemp("sup-tui")
    clock = FakeClock(datetime(2020, 11, 1, 2, 0, tzinfo=UTC))
    db = ServerDB(root / "server.db", clock=clock)
    a = add_enumerator(db, "alice", PASSWORDS["alice"], AREA_A, dwellings=6, ready=True)
    b = add_enumerator(
        db, "bob", PASSWORDS["bob"], AREA_B, dwellings=4, ready=True, id_number="11010519491231002X"
    )
    add_supervisor(db, "boss", PASSWORDS["boss"], ["alice", "bob"], ready=True)
    home = root / "home"
    with ServerThread(db) as server:
        office = Office(server, db, clock, home, {})
        with closing(office.client("bob")) as c:  # bob's device then stays silent: stale
            office.cases["bob"] = _upload(c, household(b[0], n_persons=1))
        clock.advance(2 * 24 * 3600)
        with closing(office.client("alice")) as c:
            office.cases["flagged"] = _upload(c, household(a[0], flagged=True))
            clock.advance(60)
            office.cases["plain"] = _upload(c, household(a[1], n_persons=2))
        clock.advance(3600)
        gate = VisitGate(clock=clock, base=home, kdf=CHEAP)
        first = gate.begin_first_login(server.url, "boss", PASSWORDS["boss"])
        assert not first.must_change_password
        first.finish().close()
        yield office
    db.close()


def _upload(c: httpx.Client, doc: dict[str, Any]) -> str:
    r = c.post(f"{V1}/households", json=doc)
    assert r.status_code in (200, 201), r.text
    return str(doc["case_uuid"])


def _fill(app: CensusApp, field: str, text: str) -> None:
    """A password field filled at once (each typed key costs a frame or two; typed keys are
    what the dialogs' and filters' tests type)."""
    app.screen.query_one(field, Input).value = text


async def _login(pilot: Any) -> None:
    """The supervisor's password into the login screen, Enter."""
    _fill(pilot.app, "#unlock-password", PASSWORDS["boss"])
    await pilot.press("enter")
    await settle(pilot)


def _mask(text: str) -> str:
    """Drop what depends on the machine's time zone: clock times and dates."""
    text = re.sub(r"\d{2}-\d{2} \d{2}:\d{2}", "<time>", text)
    return re.sub(r"\d{2}:\d{2}", "<hh:mm>", text)


def _check(app: CensusApp, name: str, lang: str, size: tuple[int, int], *want: str) -> str:
    text = screen_text(app)
    flat = "".join(line.strip() for line in text.splitlines()).replace(" ", "")
    for w in want:
        assert w.replace(" ", "") in flat, f"{name} {lang} {size}: {w!r} not in\n{text}"
    path = SNAPSHOTS / f"sup_{name}-{lang}-{size[0]}x{size[1]}.txt"
    masked = _mask(text)
    if UPDATE or not path.exists():
        path.write_text(masked, encoding="utf-8")
    else:
        assert masked == path.read_text(encoding="utf-8"), f"snapshot {path.name} differs"
    return text


WORDS = {
    "zh": {
        "progress": ("进度", "alice", "!bob", "待审"),
        "areas": ("按普查小区", AREA_A[-6:]),
        "queue": ("审核队列", "HH-06"),
        "case": ("需关注", "[ ]"),
        "return": ("退回这 2 题",),
        "approve": ("审核通过",),
    },
    "en": {
        "progress": ("Progress", "alice", "!bob", "await"),
        "areas": ("by area", AREA_A[-6:]),
        "queue": ("Review queue", "HH-06"),
        "case": ("flagged", "[ ]"),
        "return": ("at these 2 questions",),
        "approve": ("Approve",),
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_supervisor_screen(office: Office, lang: str) -> None:
    """Each screen and dialog at 80x24, then (the terminal resized) at 40x16; F2 relabels."""
    words = WORDS[lang]
    app = office.app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await _login(pilot)
        assert app.supervision is not None and app.session is None
        for size in ((80, 24), (40, 16)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            _check(app, "progress", lang, size, *words["progress"])
            await pilot.press("a")
            await settle(pilot)
            _check(app, "areas", lang, size, *words["areas"])
            await pilot.press("a", "v")
            await settle(pilot)
            _check(app, "queue", lang, size, *words["queue"])
            await pilot.press("enter")
            await settle(pilot)
            _check(app, "case", lang, size, *words["case"])
            await pilot.press("space", "down", "space", "r")
            await settle(pilot)
            _check(app, "return", lang, size, *words["return"])
            await pilot.press("escape", "a")
            await settle(pilot)
            _check(app, "approve", lang, size, *words["approve"])
            await pilot.press("escape", "escape")  # the dialog, the case: back in the queue
            await settle(pilot)
            await pilot.press("escape")  # back to progress
            await settle(pilot)
        # F2 switches the language of every screen
        await pilot.press("f2")
        await settle(pilot)
        other = "en" if lang == "zh" else "zh"
        assert WORDS[other]["progress"][0] in screen_text(app)
    # nothing was decided
    assert not office.db.rows("reviews")


def _reviews(office: Office, case: str) -> list[tuple[Any, ...]]:
    """The server's reviews of ``case`` (seq, case, revision, area, action, comment, ...)."""
    return [r for r in office.db.rows("reviews") if r[1] == case]


async def test_return_at_marked_questions_reaches_the_enumerator(office: Office) -> None:
    from census_tui.screens.sup_case import CaseScreen
    from census_tui.screens.sup_progress import ProgressScreen
    from census_tui.screens.sup_queue import QueueScreen
    from census_tui.screens.sup_samples import SamplesScreen

    app = office.app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        # typed ahead of the unlock and of each screen's loading: no key is lost
        _fill(app, "#unlock-password", PASSWORDS["boss"])
        await pilot.press("enter", "v", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen), screen_text(app)
        assert screen.case is not None and screen.case.case_uuid == office.cases["flagged"]
        # the flagged case shows the enumerator's reason under the question it concerns
        assert "shared dormitory room" in screen_text(app) or any(
            line.confirmation for line in screen.case.lines
        )
        await pilot.press("space", "down", "down", "space", "down", "space", "space")
        await settle(pilot)
        marked = list(screen.marked)
        assert len(marked) == 2 and "2 marked" in screen_text(app).replace("\n", "")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # a return needs a comment: nothing happens without one
        await settle(pilot)
        assert "Say why" in screen_text(app)
        await type_text(pilot, "H6?\r")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        status = app.screen.query_one("#sup-status", T)
        assert status.msg not in (sup_queue.M_KEYS, Msg("", ""))  # what became of it
        # the supervisor's profile locks and unlocks as an enumerator's
        app.lock_now()
        await settle(pilot)
        assert app.locked and "Locked" in screen_text(app)
        _fill(app, "#lock-password", PASSWORDS["boss"])
        await pilot.press("enter")
        await settle(pilot)
        assert not app.locked and isinstance(app.screen, QueueScreen)
        # p on the progress screen opens the spot checks
        await pilot.press("escape", "p")
        await settle(pilot)
        assert isinstance(app.screen, SamplesScreen)
        # the progress table: stale only, a filter, a sort
        await pilot.press("escape")
        await settle(pilot)
        progress = app.screen
        assert isinstance(progress, ProgressScreen)
        await pilot.press("x")
        assert [r.account for r in progress.rows] == ["bob"]
        await pilot.press("x", "/", "a", "l", "i", "escape")
        assert [r.account for r in progress.rows] == ["alice"]
        _fill(app, "#sp-filter", "")
        await pilot.press("o", "o")
        assert progress.sort == 1  # the second column: the last sync, oldest first
        assert [r.account for r in progress.rows] == ["bob", "alice"]
        # Enter on a row: that enumerator's cases in the queue
        progress.table.focus()
        await pilot.press("home", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert [r.account for r in app.screen.rows] == ["bob"]
    with closing(office.client("alice")) as alice:
        returns = alice.get(f"{V1}/returns").json()["returns"]
    mine = [r for r in returns if r["case_uuid"] == office.cases["flagged"]]
    assert len(mine) == 1 and mine[0]["comment"] == "H6?"
    assert mine[0]["items"] == [
        {"person_uuid": ref.person_uuid, "item_id": ref.item_id} for ref in marked
    ]


async def test_approve_then_a_case_that_moved_then_offline(office: Office) -> None:
    """Approve bob's case; a decision on a case the enumerator re-uploaded meanwhile is
    refused with the server's reason and nothing applied; an expired login is renewed with the
    password; with the server gone, a refresh keeps the device's copy and says how old it is,
    and a decision is kept on the device (marked in the queue) for the next refresh."""
    from census_tui.screens.prompt import PromptScreen
    from census_tui.screens.sup_case import CaseScreen
    from census_tui.screens.sup_queue import QueueScreen

    app = office.app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await _login(pilot)
        await pilot.press("v", "/", *"3-0", "enter")  # bob's dwelling (003-001), by the filter
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "OK\r")
        await settle(pilot)
        [review] = _reviews(office, office.cases["bob"])
        assert review[4] == "approved" and review[5] == "OK"

        await pilot.press("/", *"-002", "enter")  # alice's plain case (002-002)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen) and screen.case is not None
        case = screen.case
        assert case.case_uuid == office.cases["plain"]
        with closing(office.client("alice")) as alice:  # the enumerator uploads a newer one
            doc = household(case.dwelling_id, n_persons=2, revision=case.revision + 1)
            doc["case_uuid"] = case.case_uuid
            _upload(alice, doc)
        await pilot.press("a", "enter")
        await settle(pilot)
        assert app.screen is screen, "a refused decision keeps the case open"
        text = " ".join(screen_text(app).split())
        assert "re-open the case" in text, text
        assert not _reviews(office, office.cases["plain"])

        await pilot.press("escape")
        await settle(pilot)
        # the login expired on the server: the password renews it and the refresh runs
        office.clock.advance(13 * 3600)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen), screen_text(app)
        _fill(app, "#prompt-input", PASSWORDS["boss"])
        await pilot.press("enter")
        await settle(pilot)
        status = app.screen.query_one("#sup-status", T).msg
        assert status.en.startswith("Updated"), status

        office.server.stop()  # the last test of the module: the server is gone
        office.clock.advance(30 * 60)
        await pilot.press("s")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert re.search(r"Offline data from \S+, 3\d min old", text), text
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        # a decision made offline (on the case's copy, revision 2 now) is kept for later
        assert [r.case_uuid for r in queue.rows] == [office.cases["plain"]]
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", "enter")
        await settle(pilot)
        assert app.screen is queue
        assert [r.pending for r in queue.rows] == ["approve"]
        text = " ".join(screen_text(app).split())
        assert "approve" in text.split("Send", 1)[1], text  # marked in the table
        assert app.supervision is not None and app.supervision.pending() == 1
        await pilot.press("escape")
        await settle(pilot)
        assert "Offline data from" in screen_text(app)
