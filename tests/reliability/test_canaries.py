"""Canaries everywhere (issue 9 item 3): distinct canary values in every personal-data field of
several households and of the enumerator card, planted through the visit service in a child
process, then ``status``, ``sync``, ``diag``, ``diag bundle``, ``backup`` and a crashing TUI
worker run as child processes with ``CENSUS_TUI_HOME`` and ``TMPDIR`` pointing at fresh
directories. No canary may appear, in UTF-8, UTF-16-LE or GB18030, in any byte of any file
left in the data directory (database, WAL, shm, envelope, lockout, logs), the temp directory,
the backup, the bundle (and each member inside it), or any stdout/stderr.

(The reference server's own database is outside these directories: it is the census office's
side and is meant to hold the data.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.sync.engine import sync_store
from tests.sync.support import make_profile
from tests.validation.builders import PEOPLE, make_id

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "alice-pass-1"
ENCODINGS = ("utf-8", "utf-16-le", "gb18030")


def canaries() -> dict[str, str]:
    c = {
        "card_name": "金丝雀普查员",
        "address": "金丝雀路九十九号",
        "doubt": "金丝雀疑问 canary-doubt",
        "attempt_note": "金丝雀约访 canary-attempt",
        "phone": "13912345678",
        "note": "金丝雀备注 canary-note",
        "reason": "金丝雀理由 canary-reason",
        "d7p": "金丝雀省金丝雀县",
        "respondent0": "金丝雀确认人甲",
        "respondent1": "Canary Respondent",
    }
    for n in range(3):
        for i, (_rel, sex, birth) in enumerate(PEOPLE[:4]):
            c[f"name{n}{i}"] = f"金丝雀{'甲乙丙'[n]}{'一二三四'[i]}号"
            c[f"id{n}{i}"] = make_id(birth, sex, seq=400 + n * 10 + i, day=27)
    return c


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    (tmp_path / "office").mkdir()
    db = ServerDB(tmp_path / "office" / "server.db")
    add_enumerator(db, "alice", PASSWORD, "110105001001002", dwellings=5, ready=True)
    with ServerThread(db) as running:
        yield running
    db.close()


def scan(blob: bytes, where: str, c: dict[str, str]) -> list[str]:
    found = []
    for field, value in c.items():
        for enc in ENCODINGS:
            if value.encode(enc) in blob:
                found.append(f"{field} ({enc}) in {where}")
    return found


def test_no_canary_outside_the_encrypted_database(server: ServerThread, tmp_path: Path) -> None:
    c = canaries()
    home, tmp, out = tmp_path / "home", tmp_path / "tmp", tmp_path / "out"
    for d in (home, tmp, out):
        d.mkdir()
    clock = FakeClock()
    with make_profile(server.url, home, clock) as store:
        sync_store(store, clock=clock)  # the area's dwellings, as the first login pulls them
    env = {
        **os.environ,
        "CENSUS_TUI_HOME": str(home),
        "TMPDIR": str(tmp),
        "CENSUS_TUI_PASSWORD": PASSWORD,
    }
    outputs: list[tuple[str, subprocess.CompletedProcess[bytes]]] = []

    def child(*args: str, module: str = "census_tui") -> subprocess.CompletedProcess[bytes]:
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        outputs.append((" ".join(args[:3]), done))
        return done

    planted = child(
        "plant", "alice", PASSWORD, json.dumps(c), module="tests.reliability.canary_child"
    )
    assert planted.returncode == 0, planted.stderr.decode()[-3000:]
    for args in (
        ["--lang", "zh", "status"],
        ["--lang", "en", "status", "--json"],
        ["--lang", "en", "sync"],
        ["--lang", "en", "sync", "--json"],
        ["--lang", "zh", "diag"],
        ["--lang", "en", "diag", "--json"],
        ["--lang", "en", "diag", "bundle", str(out / "bundle.zip")],
        ["--lang", "en", "backup", str(out / "backup.ctb")],
    ):
        done = child(*args)
        assert done.returncode in (0, 1), (args, done.stderr.decode()[-2000:])
        assert b"Traceback" not in done.stderr, (args, done.stderr.decode()[-2000:])
    crashed = child("crash", "alice", PASSWORD, "{}", module="tests.reliability.canary_child")
    assert crashed.returncode == 1 and b"RuntimeError" in crashed.stderr, crashed.stderr[-2000:]
    # the planted data really is there, synced to the office (so the scan is meaningful)
    held = b"".join(r["payload"].encode() for r in server.db.households())
    assert c["name00"].encode() in held and c["respondent1"].encode() in held

    leaks: list[str] = []
    for name, done in outputs:
        leaks += scan(done.stdout, f"stdout of {name}", c)
        leaks += scan(done.stderr, f"stderr of {name}", c)
    files = [p for d in (home, tmp, out) for p in d.rglob("*") if p.is_file()]
    assert any(p.name == "census-tui.log" for p in files), "no log was written"
    assert (out / "bundle.zip").is_file() and (out / "backup.ctb").is_file()
    for path in files:
        leaks += scan(path.read_bytes(), str(path.relative_to(tmp_path)), c)
    with zipfile.ZipFile(out / "bundle.zip") as bundle:
        for member in bundle.namelist():
            leaks += scan(bundle.read(member), f"bundle member {member}", c)
    assert not leaks, leaks
    assert b"unexpected: " in crashed.stderr
