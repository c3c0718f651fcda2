"""Canaries on the supervisor's side (issue 19 §7), in the style of ``test_canaries.py``.

An enumerator (whose real name is a canary) uploads two households to the real reference server
with a distinct canary in every personal field: each person's name and ID number, a note with a
phone number, the enumerator's reasons for the warnings she confirmed, the respondent who
confirmed the read-back. The supervisor's profile is made by a real first login (new password,
real-name check with the supervisor's own canary name and ID number), which caches both cases in
the encrypted profile; the second household is then re-uploaded, and a return of its old revision
with a canary comment is refused and kept in the supervisor's outbox with the server's reason.

Then, as child processes with ``CENSUS_TUI_HOME`` and ``TMPDIR`` pointing at fresh directories
and the password in ``CENSUS_TUI_PASSWORD``: ``supervise queue``, ``supervise show CASE``,
``supervise return CASE --item ... --comment <canary>``, ``status``, ``diag`` and
``diag bundle``; and the supervisor's TUI in a pseudo-terminal, opening the flagged case.

No canary may appear, in UTF-8, UTF-16-LE or GB18030, in any byte of any file left in the data
directory (the SQLCipher database is encrypted: it is scanned too), the temp directory, the
bundle and each member inside it, the logs, or the stderr of any command, nor on the stdout of
``status``, ``diag`` or the bundle. The stdout of ``supervise show`` and ``queue`` is the
supervisor's own terminal, as is the TUI's screen: they must show the case (asserted, so that a
command that shows nothing cannot pass for a safe one).

(The reference server's own database is outside these directories: it is the census office's.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from census_tui.clock import SystemClock
from census_tui.errors import ConflictError
from census_tui.model import Note
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator, add_supervisor
from census_tui.server.storage import ServerDB
from census_tui.store import KdfParams
from census_tui.supervision.service import SupervisorSession
from census_tui.validation.engine import check_household, make_confirmation
from census_tui.validation.household_json import ReadBack, to_json
from census_tui.visit.gate import VisitGate
from tests.reliability.test_canaries import scan
from tests.tui.ptyterm import PtyApp, pty_env
from tests.validation.builders import PEOPLE, make_id, valid_household

ROOT = Path(__file__).resolve().parents[2]
CHEAP = KdfParams(n=2**10, r=1, p=1)
AREA = "110105001001002"
ALICE_PASS = "alice-pass-1"
BOSS_FIRST, BOSS_PASS = "boss-pass-44", "boss-new-pass-9"
AT = "2020-11-02T09:00:00+00:00"
N_PERSONS = 3


def canaries() -> dict[str, str]:
    c = {
        "phone": "13987654321",
        "note": "金丝雀督导备注 canary-sup-note",
        "reason0": "金丝雀宿舍理由 canary-sup-reason",
        "reason1": "Canaryreason Second household",
        "respondent0": "金丝雀回答人甲",
        "respondent1": "Canary Answerer",
        "comment": "金丝雀退回意见 canary-return-comment",
        "refused_comment": "金丝雀被拒意见 canary-refused-comment",
        "enumerator": "金丝雀普查员丁",
        "sup_name": "金丝雀指导员",
        "sup_id": make_id("1988-12", 2, seq=431, prefix="310104", day=24),
    }
    for n in range(2):
        for i, (_rel, sex, birth) in enumerate(PEOPLE[:N_PERSONS]):
            c[f"name{n}{i}"] = f"金丝雀{'戊己'[n]}{'一二三'[i]}号"
            c[f"id{n}{i}"] = make_id(birth, sex, seq=500 + n * 10 + i, day=26)
    return c


def canary_household(dwelling: str, n: int, c: dict[str, str], revision: int = 1) -> dict[str, Any]:
    """A household with a warning (HH-06) confirmed with a canary reason, canary names, ID
    numbers, a note with a phone number, and a canary respondent on the read-back."""
    hh = valid_household(N_PERSONS, uuid=str(uuid.uuid4()))
    hh.dwelling_id, hh.revision, hh.hh_number = dwelling, revision, 1
    for i, person in enumerate(hh.persons):
        person.answers["D1"] = c[f"name{n}{i}"]
        person.answers["D3"] = c[f"id{n}{i}"]
    hh.answers["H6"] = 2000
    hh.notes.append(Note(hh.persons[0].uuid, "D1", f"{c['note']} {c['phone']}", AT))
    for finding in check_household(hh):
        hh.confirmations.append(make_confirmation(finding, hh, c[f"reason{n}"], "alice", AT))
    assert hh.confirmations, "the household must carry a confirmed warning"
    return to_json(hh, read_back=ReadBack(c[f"respondent{n}"], AT), completed_at=AT)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[tuple[ServerDB, ServerThread, list[str]]]:
    c = canaries()
    (tmp_path / "office").mkdir()
    db = ServerDB(tmp_path / "office" / "server.db")
    dwellings = add_enumerator(
        db, "alice", ALICE_PASS, AREA, dwellings=4, name=c["enumerator"], ready=True
    )
    add_supervisor(db, "boss", BOSS_FIRST, ["alice"], name=c["sup_name"], id_number=c["sup_id"])
    with ServerThread(db) as running:
        yield db, running, dwellings
    db.close()


def _upload(url: str, docs: list[dict[str, Any]]) -> None:
    with closing(httpx.Client(base_url=url, timeout=30)) as alice:
        r = alice.post("/api/v1/login", json={"account": "alice", "password": ALICE_PASS})
        assert r.status_code == 200, r.text
        alice.headers["Authorization"] = f"Bearer {r.json()['token']}"
        for doc in docs:
            r = alice.post("/api/v1/households", json=doc)
            assert r.status_code in (200, 201), r.text


def _first_login(url: str, home: Path, c: dict[str, str]) -> None:
    """The supervisor's real first login (it caches the queue's cases in the profile)."""
    gate = VisitGate(clock=SystemClock(), base=home, kdf=CHEAP)
    flow = gate.begin_first_login(url, "boss", BOSS_FIRST)
    assert flow.must_change_password and flow.must_verify_identity
    flow.change_password(BOSS_PASS)
    flow.verify_identity(c["sup_name"], c["sup_id"])
    first = flow.finish()
    assert isinstance(first, SupervisorSession)
    first.close()


def _refused_return(home: Path, case: str, comment: str) -> None:
    """A return of a revision the enumerator has since replaced: refused, kept in the outbox."""
    s = VisitGate(clock=SystemClock(), base=home, kdf=CHEAP).open("boss", BOSS_PASS)
    assert isinstance(s, SupervisorSession)
    try:
        with pytest.raises(ConflictError):
            s.return_case(case, 1, comment, [])
        assert [op.state for op in s.store.sup_ops()] == ["refused"]
        assert s.store.sup_case_count() == 2
    finally:
        s.close()


def _tui_opens_a_case(env: dict[str, str]) -> str:
    """The supervisor's TUI in a pty: unlock, the review queue, the first case (flagged); what
    the case view drew (the supervisor's own screen)."""
    app = PtyApp([sys.executable, "-m", "census_tui"], env)
    try:
        app.wait_for("Password", timeout=60)
        app.send(BOSS_PASS + "\r")
        app.wait_for("Progress", timeout=60)
        app.mark()
        app.send("v")
        app.wait_for("Review queue", timeout=60)
        app.mark()
        before = len(app.text())
        app.send("\r")
        app.wait_for("Enumerator's reason", timeout=60)  # the case view, not the queue
        app.mark()
        drawn = app.text()[before:]
        app.send("\x11")  # Ctrl+Q
        app.wait(timeout=30)
    finally:
        app.kill()
    return drawn


def test_no_supervisor_canary_outside_the_encrypted_database(
    office: tuple[ServerDB, ServerThread, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, server, dwellings = office
    c = canaries()
    home, tmp, out = tmp_path / "home", tmp_path / "tmp", tmp_path / "out"
    for d in (home, tmp, out):
        d.mkdir()
    # what this process writes for the first login goes into the scanned temp directory too
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    flagged = canary_household(dwellings[0], 0, c)
    second = canary_household(dwellings[1], 1, c)
    _upload(server.url, [flagged, second])
    _first_login(server.url, home, c)
    _upload(server.url, [{**second, "revision": 2}])  # the enumerator corrects it meanwhile
    _refused_return(home, str(second["case_uuid"]), c["refused_comment"])

    env = {
        **os.environ,
        "CENSUS_TUI_HOME": str(home),
        "TMPDIR": str(tmp),
        "CENSUS_TUI_PASSWORD": BOSS_PASS,
        "CENSUS_TUI_LANG": "en",
    }
    outputs: list[tuple[str, bool, subprocess.CompletedProcess[bytes]]] = []

    def child(*args: str, own_terminal: bool = False) -> subprocess.CompletedProcess[bytes]:
        done = subprocess.run(
            [sys.executable, "-m", "census_tui", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        outputs.append((" ".join(args[:4]), own_terminal, done))
        assert done.returncode in (0, 1), (args, done.stderr.decode()[-2000:])
        assert b"Traceback" not in done.stderr, (args, done.stderr.decode()[-2000:])
        return done

    case = str(flagged["case_uuid"])
    queue = child("--lang", "zh", "supervise", "queue", own_terminal=True)
    shown = child("--lang", "en", "supervise", "show", case, own_terminal=True)
    shown_json = child("--lang", "en", "supervise", "show", case, "--json", own_terminal=True)
    # the supervisor's own terminal shows the case: a command showing nothing would pass the scan
    assert c["reason0"].encode() in queue.stdout, queue.stdout.decode()[-2000:]
    assert c["name00"].encode() in shown.stdout and c["id01"].encode() in shown.stdout
    assert c["respondent0"] in json.dumps(json.loads(shown_json.stdout), ensure_ascii=False)
    screen = _tui_opens_a_case(
        pty_env(home, TMPDIR=str(tmp), CENSUS_TUI_LANG="en", PATH=os.environ["PATH"])
    )
    # the case view drew that case's confirmed reason (its persons are further down at 80x24)
    assert any(c[f"reason{n}"] in screen for n in (0, 1)), screen
    child(
        "--lang",
        "en",
        "supervise",
        "return",
        case,
        "--item",
        "H6",
        "--item",
        "1:D1",
        "--comment",
        c["comment"],
    )
    for args in (
        ["--lang", "zh", "status"],
        ["--lang", "en", "status", "--json"],
        ["--lang", "zh", "diag"],
        ["--lang", "en", "diag", "--json"],
        ["--lang", "en", "diag", "bundle", str(out / "bundle.zip")],
    ):
        child(*args)

    # the planted data really is at the office and the return reached it (the scan means
    # something), and status saw the refused return
    held = b"".join(r["payload"].encode() for r in db.households())
    assert c["name00"].encode() in held and c["respondent1"].encode() in held
    returned = [r for r in db.rows("reviews") if r[1] == case]
    assert returned and c["comment"] in {str(x) for x in returned[-1]}
    status = json.loads(next(d.stdout for n, _, d in outputs if n.endswith("status --json")))
    assert status["role"] == "supervisor" and status["supervisor"]["refused"] == 1
    assert status["supervisor"]["cases_held"] >= 1

    leaks: list[str] = []
    for name, own_terminal, done in outputs:
        if not own_terminal:
            leaks += scan(done.stdout, f"stdout of {name}", c)
        leaks += scan(done.stderr, f"stderr of {name}", c)
    files = [p for d in (home, tmp, out) for p in d.rglob("*") if p.is_file()]
    assert any(p.name == "census-tui.log" for p in files), "no log was written"
    assert any(p.name == "census.db" for p in files), "no profile database"
    for path in files:
        leaks += scan(path.read_bytes(), str(path.relative_to(tmp_path)), c)
    with zipfile.ZipFile(out / "bundle.zip") as bundle:
        for member in bundle.namelist():
            leaks += scan(bundle.read(member), f"bundle member {member}", c)
    assert not leaks, leaks
