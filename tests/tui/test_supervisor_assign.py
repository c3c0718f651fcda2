"""Moving dwellings between enumerators in the supervisor's TUI (issue 20 §1), driven by Pilot
over the real :class:`SupervisorSession` and the real reference server (SQLite) on loopback,
and the route the screen reads (``GET /supervisor/dwellings``: its answer as the OpenAPI
document declares it, and who may read it).

One server per module (the tests run in file order and build on each other): ``boss``
supervises alice (area A, one household uploaded, one returned to her and not uploaded again)
and bob (area B); ``other`` supervises carol (area C). The snapshot test changes nothing; the
move test gives two of alice's dwellings to bob; the unsynced-work test moves the returned one
after confirming; the last test stops the server. Text snapshots as test_supervisor_screens.py
(``CENSUS_TUI_UPDATE_SNAPSHOTS=1`` rewrites them; times masked).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from census_tui.app import CensusApp, make_app
from census_tui.clock import FakeClock
from census_tui.screens.sup_assign import AssignScreen, MoveDialog, TargetDialog
from census_tui.screens.sup_progress import ProgressScreen
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator, add_supervisor
from census_tui.server.storage import ServerDB
from census_tui.visit.gate import VisitGate
from tests.supervisor.conftest import AREA_A, AREA_B, AREA_C, PASSWORDS, SUP, V1, conforms
from tests.supervisor.conftest import household as make_household
from tests.tui.conftest import CHEAP
from tests.tui.drive import screen_text, settle
from tests.tui.test_supervisor_screens import _check, _fill


@dataclass
class Office:
    server: ServerThread
    db: ServerDB
    clock: FakeClock
    home: Path
    dwellings: dict[str, list[str]]
    cases: dict[str, str]
    """"uploaded": alice's case on her first dwelling; "returned": on her third."""

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
    root = tmp_path_factory.mktemp("sup-assign")
    clock = FakeClock(datetime(2020, 11, 1, 2, 0, tzinfo=UTC))
    db = ServerDB(root / "server.db", clock=clock)
    dwellings = {
        "alice": add_enumerator(db, "alice", PASSWORDS["alice"], AREA_A, dwellings=5, ready=True),
        "bob": add_enumerator(
            db,
            "bob",
            PASSWORDS["bob"],
            AREA_B,
            dwellings=2,
            ready=True,
            id_number="11010519491231002X",
        ),
        "carol": add_enumerator(
            db,
            "carol",
            PASSWORDS["carol"],
            AREA_C,
            dwellings=2,
            ready=True,
            id_number="110101199003070011",
        ),
    }
    add_supervisor(db, "boss", PASSWORDS["boss"], ["alice", "bob"], ready=True)
    add_supervisor(db, "other", PASSWORDS["other"], ["carol"], ready=True)
    home = root / "home"
    with ServerThread(db) as server:
        office = Office(server, db, clock, home, dwellings, {})
        a = dwellings["alice"]
        with closing(office.client("alice")) as alice:
            for name, dwelling in (("uploaded", a[0]), ("returned", a[2])):
                doc = make_household(dwelling, n_persons=1)
                r = alice.post(f"{V1}/households", json=doc)
                assert r.status_code == 201, r.text
                office.cases[name] = str(doc["case_uuid"])
        with closing(office.client("boss")) as boss:
            body = {"decision_uuid": str(uuid.uuid4()), "revision": 1, "comment": "H6?"}
            r = boss.post(f"{SUP}/cases/{office.cases['returned']}/return", json=body)
            assert r.status_code == 201, r.text
        gate = VisitGate(clock=clock, base=home, kdf=CHEAP)
        first = gate.begin_first_login(server.url, "boss", PASSWORDS["boss"])
        assert not first.must_change_password
        first.finish().close()
        yield office
    db.close()


async def _open(pilot: Any) -> AssignScreen:
    """Log in as boss, then ``g`` on the first enumerator (alice): her area."""
    _fill(pilot.app, "#unlock-password", PASSWORDS["boss"])
    await pilot.press("enter", "g")  # typed ahead of the unlock and the progress's loading
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AssignScreen), screen_text(pilot.app)
    return screen


def _top(app: CensusApp) -> object:
    """The screen on top (read afresh: a key press changes it)."""
    return app.screen


def _assignments(c: httpx.Client, since: str = "0") -> dict[str, Any]:
    r = conforms(c.get(f"{V1}/assignments", params={"since": since}))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_the_route_answers_only_the_areas_supervisor(office: Office) -> None:
    url = f"{SUP}/dwellings"
    with closing(httpx.Client(base_url=office.server.url, timeout=30)) as anonymous:
        r = conforms(anonymous.get(url, params={"area_id": AREA_A}))
        assert r.status_code == 401
    with closing(office.client("alice")) as alice:
        r = conforms(alice.get(url, params={"area_id": AREA_A}))
        assert r.status_code == 403 and r.json()["error"] == "wrong_role"
    with closing(office.client("other")) as other:
        r = conforms(other.get(url, params={"area_id": AREA_A}))
        assert r.status_code == 403 and r.json()["error"] == "not_in_scope"
        assert conforms(other.get(url, params={"area_id": AREA_C})).status_code == 200
    with closing(office.client("boss")) as boss:
        assert conforms(boss.get(url)).status_code == 400
        assert conforms(boss.get(url, params={"area_id": "x" * 65})).status_code == 400
        r = conforms(boss.get(url, params={"area_id": "nowhere"}))
        assert r.status_code == 403 and r.json()["error"] == "not_in_scope"
        body = conforms(boss.get(url, params={"area_id": AREA_A})).json()
    assert body["area_id"] == AREA_A and body["enumerators"] == ["alice"]
    rows = {d["dwelling_id"]: d for d in body["dwellings"]}
    assert list(rows) == office.dwellings["alice"]
    assert all(d["holder"] is None for d in rows.values())
    a = office.dwellings["alice"]
    assert rows[a[0]]["cases"] == [
        {"case_uuid": office.cases["uploaded"], "account": "alice", "state": "uploaded"}
    ]
    assert [c["state"] for c in rows[a[2]]["cases"]] == ["returned"]


WORDS = {
    "zh": ("分配住户", "本小区", "待审", "退回", "空格"),
    "en": ("Assign dwellings", "area's", "await", "ret", "Space"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_screen_at_both_sizes(office: Office, lang: str) -> None:
    app = office.app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        for size in ((80, 24), (40, 16)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            _check(app, "assign", lang, size, *WORDS[lang][:2])
        await pilot.press("f2")  # the other language, labels and table alike
        await settle(pilot)
        other = "en" if lang == "zh" else "zh"
        assert WORDS[other][0] in screen_text(app).replace("\n", "")
        screen = app.screen
        assert isinstance(screen, AssignScreen)
        await pilot.press("down", "space", "down", "down", "r", "up", "space")  # a range, less one
        a = office.dwellings["alice"]
        assert screen.marked == [a[1], a[3]] and screen.chosen()[1].dwelling_id == a[3]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ProgressScreen)
    assert not office.db.dwelling_moves(office.dwellings["alice"][0])


async def test_mark_two_and_move_them_to_bob(office: Office) -> None:
    a = office.dwellings["alice"]
    with closing(office.client("alice")) as alice, closing(office.client("bob")) as bob:
        a_cursor, b_cursor = _assignments(alice)["cursor"], _assignments(bob)["cursor"]
    app = office.app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        # the first two marked, then t: the list of boss's enumerators
        await pilot.press("space", "down", "space", "t")
        await settle(pilot)
        assert screen.marked == a[:2]
        assert isinstance(app.screen, TargetDialog), screen_text(app)
        await pilot.press("down", "enter")  # bob
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        text = " ".join(screen_text(app).split())
        assert "Move 2 dwelling(s) from the area's enumerators (alice) to bob?" in text, text
        await pilot.press("enter")
        await settle(pilot)
        assert _top(app) is screen
        assert office.db.holders([AREA_A])[a[0]] == "bob"
        assert office.db.holders([AREA_A])[a[1]] == "bob"
        assert [r.holder for r in screen.rows[:3]] == ["bob", "bob", None]  # read again
        assert screen.marked == []
        assert "2 dwelling(s) moved to bob" in " ".join(screen_text(app).split())
    with closing(office.client("alice")) as alice, closing(office.client("bob")) as bob:
        assert sorted(_assignments(alice, a_cursor)["withdrawn"]) == a[:2]
        got = _assignments(bob, b_cursor)
    assert sorted(d["dwelling_id"] for d in got["dwellings"]) == a[:2]
    assert [c["case_uuid"] for c in got["cases"]] == [office.cases["uploaded"]]


async def test_unsynced_work_is_shown_and_confirmed(office: Office) -> None:
    a = office.dwellings["alice"]
    app = office.app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        # the returned household's dwelling (the third), under the cursor, nothing marked
        await pilot.press("down", "down", "t", "down", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog), screen_text(app)
        text = "".join(screen_text(app).split())
        assert "可能有未上传的工作" in text and "退回后未再上传" in text, text
        assert a[2] in text and "alice" in text
        assert office.db.holders([AREA_A])[a[2]] is None  # nothing moved yet
        await pilot.press("escape")
        await settle(pilot)
        assert _top(app) is screen and "未移交" in screen_text(app)
        assert office.db.dwelling_moves(a[2]) == []
        # again, and this time confirmed
        await pilot.press("t", "down", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert _top(app) is screen, screen_text(app)
    [move] = office.db.dwelling_moves(a[2])
    assert move["to_account"] == "bob" and move["confirmed"] == 1
    with closing(office.client("bob")) as bob:
        returns = conforms(bob.get(f"{V1}/returns")).json()["returns"]
    assert office.cases["returned"] in [r["case_uuid"] for r in returns]


async def test_offline_the_screen_says_it_needs_the_server(office: Office) -> None:
    from census_tui.errors import NetworkError

    app = office.app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        office.server.stop()  # the last test of the module: the server is gone
        await pilot.press("s")
        await settle(pilot)
        assert "Moving dwellings needs the server" in " ".join(screen_text(app).split())
        assert screen.rows  # the last answer stays on screen
        assert app.supervision is not None
        with pytest.raises(NetworkError) as err:
            app.supervision.assign([office.dwellings["alice"][3]], "bob")
        assert "须连接服务器" in err.value.msg.zh
