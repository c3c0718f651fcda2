"""``census-tui supervise`` in-process against the real server on 127.0.0.1 (SQLite): the
supervisor's own encrypted profile (made by the real first-login flow) or ``--server
--account``, tables for people and ``--json`` for scripts, exit codes as documented, a token
renewed with the password, and no answer of a household in the log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from census_tui.cli import build_app
from census_tui.clock import FakeClock
from census_tui.exitcodes import ExitCode
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator, add_supervisor
from census_tui.server.storage import ServerDB
from census_tui.store import META_TOKEN, KdfParams, unlock
from census_tui.sync.login import begin_first_login
from census_tui.sync.transport import RetryPolicy
from tests.supervisor.conftest import REASON, household

AREA = "110105001001002"
BOSS_PASSWORD = "boss-pass-44"
ALICE_PASSWORD = "alice-pass-1"
CHEAP_KDF = KdfParams(n=2**10, r=1, p=1)


@dataclass
class Desk:
    db: ServerDB
    url: str
    home: Path
    plain: dict[str, Any]
    flagged: dict[str, Any]


def _alice(url: str) -> httpx.Client:
    c = httpx.Client(base_url=url, timeout=30)
    r = c.post("/api/v1/login", json={"account": "alice", "password": ALICE_PASSWORD})
    c.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return c


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CENSUS_TUI_HOME", str(home))
    for var in ("CENSUS_TUI_PASSWORD", "CENSUS_TUI_NEW_PASSWORD", "CENSUS_TUI_LANG"):
        monkeypatch.delenv(var, raising=False)
    db = ServerDB(tmp_path / "server.db", clock=FakeClock())
    dwellings = add_enumerator(db, "alice", ALICE_PASSWORD, AREA, dwellings=4, ready=True)
    add_supervisor(db, "boss", BOSS_PASSWORD, ["alice"], ready=True)
    with ServerThread(db) as server:
        alice = _alice(server.url)
        plain, flagged = household(dwellings[0]), household(dwellings[1], flagged=True)
        for doc in (plain, flagged):
            assert alice.post("/api/v1/households", json=doc).status_code == 201
        flow = begin_first_login(
            server.url,
            "boss",
            BOSS_PASSWORD,
            clock=FakeClock(),
            base=home,
            kdf=CHEAP_KDF,
            policy=RetryPolicy(attempts=1, connect_timeout=2.0, read_timeout=5.0),
        )
        flow.finish().close()
        yield Desk(db, server.url, home, plain, flagged)
    db.close()


def run(args: list[str], *, password: str | None = BOSS_PASSWORD, lang: str = "en") -> Result:
    env = {"CENSUS_TUI_PASSWORD": password} if password else {}
    return CliRunner().invoke(build_app(), ["--lang", lang, "supervise", *args], env=env)


def test_progress_queue_and_show_for_people_and_scripts(desk: Desk) -> None:
    progress = run(["progress", "--json"])
    assert progress.exit_code == ExitCode.OK, progress.output
    mine = json.loads(progress.output)["enumerators"][0]
    assert (mine["account"], mine["counts"]["uploaded"], mine["stale"]) == ("alice", 2, False)
    table = run(["progress"])
    assert table.exit_code == ExitCode.OK and "Enumerators" in table.output
    assert "alice" in table.output and "Areas" in table.output
    assert "普查员" in run(["progress", "--stale-hours", "2"], lang="zh").output
    queue = json.loads(run(["queue", "--json"]).output)["cases"]
    assert [c["case_uuid"] for c in queue] == [desk.flagged["case_uuid"], desk.plain["case_uuid"]]
    people = run(["queue"])
    assert people.exit_code == ExitCode.OK and "HH-06" in people.output
    assert REASON.split(" / ")[1] in people.output
    shown = run(["show", str(desk.flagged["case_uuid"])])
    assert shown.exit_code == ExitCode.OK, shown.output
    assert "Household items" in shown.output and "Person 3" in shown.output
    assert "HH-06" in shown.output and "confirmed" in shown.output
    as_json = json.loads(run(["show", str(desk.flagged["case_uuid"]), "--json"]).output)
    assert as_json["household"] == desk.flagged
    assert run(["show", "not-a-case"]).exit_code == ExitCode.BAD_INPUT


def test_return_approve_and_a_case_that_moved_on(desk: Desk) -> None:
    case = str(desk.plain["case_uuid"])
    back = run(["return", case, "--item", "2:D5", "--item", "h6", "--comment", "check D5"])
    assert back.exit_code == ExitCode.OK, back.output
    assert "returned case" in back.output and "2:D5 h6" in back.output
    reviews = desk.db.reviews_since([AREA], 0)
    second = sorted(desk.plain["persons"], key=lambda p: p["position"])[1]["uuid"]
    assert ServerDB.review_items(reviews[-1]) == [
        {"person_uuid": second, "item_id": "D5"},
        {"person_uuid": "", "item_id": "H6"},
    ]
    bad = run(["return", case, "--item", "9:D5", "--comment", "x"])
    assert bad.exit_code == ExitCode.BAD_INPUT and "not person 9" in bad.output
    unfit = run(["return", case, "--item", "D5", "--comment", "x"])
    assert unfit.exit_code == ExitCode.BAD_INPUT and "name the person" in unfit.output
    _alice(desk.url).post("/api/v1/households", json={**desk.plain, "revision": 2})
    moved = run(["approve", case, "--revision", "1"])
    assert moved.exit_code == ExitCode.CONFLICT and "newer revision (2)" in moved.output
    decision = "6f1c2b9e-4a51-4d3e-9a77-0c2d1e5f8a90"
    ok = run(["approve", case, "--decision-id", decision, "--json"])
    assert ok.exit_code == ExitCode.OK and json.loads(ok.output)["revision"] == 2
    again = run(["approve", case, "--decision-id", decision])
    assert again.exit_code == ExitCode.OK and "recorded before" in again.output
    assert len(desk.db.reviews_since([AREA], 0)) == 2


def test_samples_and_their_refusals(desk: Desk) -> None:
    too_many = run(["sample", AREA, "--count", "3"])
    assert too_many.exit_code == ExitCode.BAD_INPUT and "only 2" in too_many.output
    assert run(["sample", AREA]).exit_code == ExitCode.BAD_INPUT  # neither --percent nor --count
    drawn = run(["sample", AREA, "--percent", "50", "--seed", "3", "--json"])
    assert drawn.exit_code == ExitCode.OK, drawn.output
    got = json.loads(drawn.output)
    assert (got["seed"], got["percent"], len(got["cases"])) == (3, 50, 1)
    listed = run(["samples"])
    assert listed.exit_code == ExitCode.OK and "seed 3 (recorded)" in listed.output
    assert got["cases"][0]["case_uuid"] in listed.output
    outside = run(["sample", "110105001001009", "--count", "1"])
    assert outside.exit_code == ExitCode.AUTH


def test_logins_other_than_the_profile_and_a_renewed_token(desk: Desk) -> None:
    direct = ["--server", desk.url, "--account", "boss", "queue", "--json"]
    sessions = desk.db.sessions_of("boss")
    got = run(direct)
    assert got.exit_code == ExitCode.OK and len(json.loads(got.output)["cases"]) == 2
    assert desk.db.sessions_of("boss") == sessions  # its own session ended when done
    enumerator = run(
        ["--server", desk.url, "--account", "alice", "progress"], password=ALICE_PASSWORD
    )
    assert enumerator.exit_code == ExitCode.AUTH and "not a supervisor" in enumerator.output
    assert run(["--server", desk.url, "queue"]).exit_code == ExitCode.BAD_INPUT
    wrong = run(["--server", desk.url, "--account", "boss", "queue"], password="wrong-pass-1")
    assert wrong.exit_code == ExitCode.AUTH
    with unlock("boss", BOSS_PASSWORD, base=desk.home, clock=FakeClock()) as store:
        store.set_meta(META_TOKEN, "expired-" + "x" * 40)
    renewed = run(["progress", "--json"])
    assert renewed.exit_code == ExitCode.OK, renewed.output
    assert run(["progress"], password="wrong-pass-1").exit_code == ExitCode.AUTH
    names = [str(p["answers"]["D1"]) for p in desk.plain["persons"]]
    for f in (desk.home / "logs").rglob("*"):
        if f.is_file():
            text = f.read_text(encoding="utf-8", errors="replace")
            assert not any(n in text for n in names), f
