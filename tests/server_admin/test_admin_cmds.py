"""``census-tui server import-*|list-*|reset-password|disable-account`` on both backends: the
real CLI in-process on a real server database (a SQLite file, or the throwaway PostgreSQL)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from census_tui.exitcodes import ExitCode
from census_tui.server.storage import ServerDB, Storage, open_storage
from tests.cli.conftest import run

AREA = "110105001001001"
OTHER = "110105001001002"
GOOD_ID = "11010519491231002X"
CANARY = "金丝雀乙"


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_url")
        open_storage(url, need_key=False).close()
        return url
    path = tmp_path / "server.db"
    ServerDB(path).close()
    return str(path)


def _open(db: str) -> Storage:
    return open_storage(db, need_key=False)


def _csv(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _accounts_count(db: str) -> int:
    s = _open(db)
    try:
        with s.tx() as t:
            return int(t.execute("SELECT COUNT(*) FROM accounts").fetchone()[0])
    finally:
        s.close()


def _setup(db: str, tmp: Path) -> Path:
    areas = _csv(tmp, "areas.csv", f"area_id,name\n{AREA},幸福里\n{OTHER},建设路\n")
    assert run(["server", "import-areas", str(areas), "--db", db]).exit_code == 0
    dw = _csv(
        tmp,
        "dw.csv",
        f"dwelling_id,area_id,address,kind\n{AREA}-001,{AREA},幸福里1号,ordinary\n"
        f"{AREA}-002,{AREA},幸福里2号,\n",
    )
    assert run(["server", "import-dwellings", str(dw), "--db", db]).exit_code == 0
    accounts = _csv(
        tmp,
        "acc.csv",
        "account,name,id_number,work_id,role,areas\n"
        f"zhang,{CANARY},{GOOD_ID},PC-1,enumerator,{AREA}\n"
        f"li,李四,110101199003070011,SV-1,supervisor,{AREA};{OTHER}\n",
    )
    out = tmp / "passwords.csv"
    r = run(["server", "import-accounts", str(accounts), "--passwords-out", str(out), "--db", db])
    assert r.exit_code == 0, r.output
    return out


def test_import_list_and_first_login(db: str, tmp_path: Path) -> None:
    out = _setup(db, tmp_path)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    lines = out.read_text().splitlines()
    assert lines[0] == "account,initial_password" and len(lines) == 3
    passwords = dict(line.split(",") for line in lines[1:])
    r = run(["server", "list-accounts", "--db", db, "--json"])
    listed = {a["account"]: a for a in json.loads(r.output)}
    assert listed["li"]["areas"] == [AREA, OTHER] and listed["li"]["role"] == "supervisor"
    assert GOOD_ID not in r.output  # no ID numbers in the listing
    areas = json.loads(run(["server", "list-areas", "--db", db, "--json"]).output)
    assert [(a["area_id"], a["dwellings"]) for a in areas] == [(AREA, 2), (OTHER, 0)]
    s = _open(db)
    try:
        token, account = s.login("zhang", passwords["zhang"]) or (None, None)
        assert token and account is not None and account.must_change
        assert s.login("zhang", "wrong-password-1") is None
    finally:
        s.close()


def test_a_bad_file_stores_nothing_and_quotes_no_personal_data(db: str, tmp_path: Path) -> None:
    _setup(db, tmp_path)
    before = _accounts_count(db)
    bad = _csv(
        tmp_path,
        "bad.csv",
        "account,name,id_number,work_id,role,areas\n"
        f"wang,{CANARY}丙,{GOOD_ID[:-1]}3,PC-7,enumerator,{AREA}\n"
        f"zhao,赵六,110101199003070011,PC-8,enumerator,{AREA}\n",
    )
    out = tmp_path / "p2.csv"
    r = run(["server", "import-accounts", str(bad), "--passwords-out", str(out), "--db", db])
    assert r.exit_code == ExitCode.BAD_INPUT
    assert "row 2 id_number" in r.output and "nothing was imported" in r.output
    assert CANARY not in r.output and GOOD_ID[:-1] not in r.output
    assert _accounts_count(db) == before and not out.exists()
    again = _csv(
        tmp_path,
        "again.csv",
        f"account,name,id_number,work_id,role,areas\nzhang,张三,{GOOD_ID},PC-9,enumerator,{AREA}\n",
    )
    r = run(["server", "import-accounts", str(again), "--passwords-out", str(out), "--db", db])
    assert r.exit_code == ExitCode.BAD_INPUT and "already exist" in r.output
    assert _accounts_count(db) == before and not out.exists()
    unknown = _csv(
        tmp_path, "dw2.csv", f"dwelling_id,area_id,address\n1101050010010{99}-1,110105001001099,x\n"
    )
    r = run(["server", "import-dwellings", str(unknown), "--db", db])
    assert r.exit_code == ExitCode.BAD_INPUT and "no such area" in r.output


def test_disable_then_reset(db: str, tmp_path: Path) -> None:
    out = _setup(db, tmp_path)
    passwords = dict(line.split(",") for line in out.read_text().splitlines()[1:])
    s = _open(db)
    try:
        assert s.login("zhang", passwords["zhang"]) is not None
        assert s.sessions_of("zhang") == 1
    finally:
        s.close()
    r = run(["server", "disable-account", "zhang", "--db", db, "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["changed"] is True
    listed = {
        a["account"]: a
        for a in json.loads(run(["server", "list-accounts", "--db", db, "--json"]).output)
    }
    assert listed["zhang"]["disabled"] is True and listed["li"]["disabled"] is False
    s = _open(db)
    try:
        assert s.sessions_of("zhang") == 0
        assert s.login("zhang", passwords["zhang"]) is None
    finally:
        s.close()
    r = run(["server", "reset-password", "zhang", "--db", db, "--json"])
    new = json.loads(r.output)["initial_password"]
    s = _open(db)
    try:
        found = s.login("zhang", new)
        assert found is not None and found[1].must_change
    finally:
        s.close()
    assert run(["server", "reset-password", "nobody", "--db", db]).exit_code == ExitCode.BAD_INPUT


def test_draw_sample_is_recorded_and_reproducible(db: str, tmp_path: Path) -> None:
    areas = _csv(tmp_path, "a.csv", f"area_id,name\n{AREA},幸福里\n")
    assert run(["server", "import-areas", str(areas), "--db", db]).exit_code == 0
    rows = "".join(f"{AREA}-{n:03d},{AREA},幸福里{n}号\n" for n in range(1, 31))
    dw = _csv(tmp_path, "d.csv", "dwelling_id,area_id,address\n" + rows)
    assert run(["server", "import-dwellings", str(dw), "--db", db]).exit_code == 0
    args = ["server", "draw-sample", AREA, "--seed", "7", "--hmt", f"{AREA}-005", "--db", db]
    first = json.loads(run([*args, "--json"]).output)[0]
    assert first["seed"] == 7 and len(first["long2020"]) == 3  # 29 in the frame: 10 %
    again = json.loads(run([*args, "--json"]).output)[0]
    assert again["long2020"] == first["long2020"]
    s = _open(db)
    try:
        with s.tx() as t:
            seed = t.execute("SELECT sample_seed FROM areas WHERE area_id = ?", (AREA,)).fetchone()
            forms = dict(t.execute("SELECT dwelling_id, form_id FROM dwellings").fetchall())
    finally:
        s.close()
    assert seed[0] == 7 and forms[f"{AREA}-005"] == "hmt2020"
    assert sorted(d for d, f in forms.items() if f == "long2020") == first["long2020"]
    bad = run(["server", "draw-sample", "110105001001099", "--db", db])
    assert bad.exit_code == ExitCode.BAD_INPUT and "no area" in bad.output
