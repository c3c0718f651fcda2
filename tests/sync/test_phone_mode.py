"""A telephone registration (电话登记) says so in the household record (issue 20 §4): a household
completed on the device after a phone-registration attempt is uploaded with ``"mode": "phone"``,
one enumerated at the door without it; the server stores the mark, refuses any other value with
its JSON path (422), and the supervisor's case view and ``census-tui supervise show`` say how
the household was enumerated. A real server on 127.0.0.1 and a real device profile."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from census_tui.cli import build_app
from census_tui.clock import FakeClock
from census_tui.exitcodes import ExitCode
from census_tui.server.seed import add_supervisor
from census_tui.store import KdfParams
from census_tui.supervision import views
from census_tui.validation.household_json import to_json
from census_tui.visit.api import Attempt
from census_tui.visit.gate import VisitGate
from census_tui.visit.outcomes import Channel, Outcome
from census_tui.visit.service import VisitSession
from tests.sync.support import PASSWORD_A, Site
from tests.validation.builders import person_answers, valid_household

CHEAP = KdfParams(n=2**10, r=1, p=1)
BOSS_PASSWORD = "boss-pass-44"
V1 = "/api/v1"


@pytest.fixture
def device(site: Site, tmp_path: Path) -> Iterator[VisitSession]:
    clock = FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))
    gate = VisitGate(clock=clock, base=tmp_path / "device", kdf=CHEAP)
    s = gate.begin_first_login(site.url, "alice", PASSWORD_A).finish()
    assert isinstance(s, VisitSession)
    yield s
    s.close()


def _complete(s: VisitSession, dwelling: str, attempts: list[Outcome], n: int) -> str:
    """A two-person household of ``dwelling`` completed after ``attempts``; its case uuid
    (``n`` keeps the ID numbers apart from the other households')."""
    for outcome in attempts:
        channel = Channel.PHONE if outcome is Outcome.PHONE_REGISTRATION else None
        s.record_attempt(dwelling, Attempt(at=s.clock.now(), outcome=outcome, channel=channel))
    hh = s.start_interview(dwelling)
    answers = {"H1": 1, "H2a": 2, "H2b": 0, "H3m": 0, "H3f": 0, "H4m": 0, "H4f": 0}
    for item, value in {**answers, "H5": 1, "H6": 60, "H7": 3}.items():
        s.set_answer(hh, "", item, value)
    for i, (rel, sex, birth) in enumerate([(0, 1, "1975-05"), (1, 2, "1977-08")]):
        p = s.add_person(hh)
        for item, answer in person_answers(rel, sex, birth, seq=10 * n + i + 1).items():
            s.set_answer(hh, p, item, answer)
    s.self_check_passed(hh)
    s.complete(hh, "户主本人")
    return hh


def _client(url: str, account: str, password: str) -> httpx.Client:
    c = httpx.Client(base_url=url, timeout=30)
    r = c.post(f"{V1}/login", json={"account": account, "password": password})
    assert r.status_code == 200, r.text
    c.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return c


def test_a_phone_registration_uploads_mode_phone_and_the_supervisor_sees_it(
    site: Site, device: VisitSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dw = site.dwellings_a
    phoned = _complete(device, dw[0], [Outcome.NO_CONTACT, Outcome.PHONE_REGISTRATION], 1)
    visited = _complete(device, dw[1], [Outcome.NO_CONTACT], 2)
    # a phone registration followed by a visit at the door: enumerated in person
    later = _complete(device, dw[2], [Outcome.PHONE_REGISTRATION, Outcome.APPOINTMENT], 3)
    assert device.sync().error is None
    held = {row["case_uuid"]: json.loads(row["payload"]) for row in site.db.households()}
    assert held[phoned]["mode"] == "phone"
    assert "mode" not in held[visited] and "mode" not in held[later]

    add_supervisor(site.db, "boss", BOSS_PASSWORD, ["alice"], ready=True)
    boss = _client(site.url, "boss", BOSS_PASSWORD)
    answers = {}
    for case in (phoned, visited):
        r = boss.get(f"{V1}/supervisor/cases/{case}")
        assert r.status_code == 200, r.text
        answers[case] = r.json()
    by_phone = views.case(answers[phoned], None)
    assert by_phone.mode == "phone"
    assert by_phone.read_back.en.endswith("(registered by telephone)")
    assert by_phone.read_back.zh.endswith("（电话登记）")
    at_door = views.case(answers[visited], None)
    assert at_door.mode == "visit" and "telephone" not in at_door.read_back.en

    monkeypatch.setenv("CENSUS_TUI_HOME", str(tmp_path / "office"))
    (tmp_path / "office").mkdir()
    for var in ("CENSUS_TUI_NEW_PASSWORD", "CENSUS_TUI_LANG"):
        monkeypatch.delenv(var, raising=False)

    def show(case: str, lang: str) -> str:
        args = ["--lang", lang, "supervise", "--server", site.url, "--account", "boss"]
        got = CliRunner().invoke(
            build_app(), [*args, "show", case], env={"CENSUS_TUI_PASSWORD": BOSS_PASSWORD}
        )
        assert got.exit_code == ExitCode.OK, got.output
        return got.output

    assert "Enumerated: by telephone" in show(phoned, "en")
    assert "登记方式：电话登记" in show(phoned, "zh")
    assert "Enumerated: in person" in show(visited, "en")


def test_the_server_refuses_a_mode_it_does_not_know_with_the_path(site: Site) -> None:
    alice = _client(site.url, "alice", PASSWORD_A)
    hh = valid_household(2, uuid=str(uuid.uuid4()))
    hh.dwelling_id, hh.hh_number = site.dwellings_a[5], 1
    doc = to_json(hh)
    for value in ("fax", None, 1):
        r = alice.post(f"{V1}/households", json={**doc, "mode": value})
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["status"] == "invalid"
        assert body["reason"] == 'unreadable: $.mode: must be "visit" or "phone"'
    assert site.db.households() == []
    hh.mode = "phone"
    r = alice.post(f"{V1}/households", json=to_json(hh))
    assert r.status_code == 201, r.text
    [row] = site.db.households()
    assert json.loads(row["payload"])["mode"] == "phone"
