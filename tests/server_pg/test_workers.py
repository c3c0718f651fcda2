"""``census-tui server run --workers N`` (issue 18 §2): on PostgreSQL several processes serve
one port and share the database's constraints and cursor sequence, so concurrent uploads of
one case from every worker still store one copy with one owner, and every worker hands out the
same cursors; on SQLite more than one worker is refused before anything is opened."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from census_tui.exitcodes import ExitCode
from census_tui.server.pg_storage import PostgresStorage
from census_tui.server.seed import add_enumerator
from tests.cli.conftest import run
from tests.serverproc import free_port, wait_listening
from tests.sync.support import AREA_A, AREA_B, PASSWORD_A, PASSWORD_B, household_payload

V1 = "/api/v1"


@pytest.fixture
def two_workers(pg_url: str, tmp_path: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """The real command with two worker processes on a free port: (url, alice's dwellings,
    bob's)."""
    key = tmp_path / "office.recovery-key"
    db = PostgresStorage(pg_url, key_file=key)
    a = add_enumerator(db, "alice", PASSWORD_A, AREA_A, dwellings=5, ready=True)
    b = add_enumerator(
        db, "bob", PASSWORD_B, AREA_B, dwellings=5, ready=True, id_number="11010519491231002X"
    )
    db.close()
    port = free_port()
    cmd = [sys.executable, "-m", "census_tui", "server", "run", "--db", pg_url]
    cmd += ["--workers", "2", "--port", str(port), "--key-file", str(key)]
    server = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_listening(
            server, port, lambda: str(server.communicate()) if server.poll() is not None else ""
        )
        assert httpx.get(f"{url}{V1}/time", timeout=30).status_code == 200
        yield url, a, b
    finally:
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=60)
        assert server.returncode == 0, err
        assert "Traceback" not in err, err


def _login(url: str, account: str, password: str) -> httpx.Client:
    c = httpx.Client(base_url=url, timeout=30)  # a connection of its own: any worker
    token = c.post(f"{V1}/login", json={"account": account, "password": password}).json()
    c.headers.update({"Authorization": f"Bearer {token['token']}"})
    c.headers.update({"Content-Type": "application/json"})
    return c


def test_workers_share_constraints_and_cursors(
    two_workers: tuple[str, list[str], list[str]], pg_url: str, tmp_path: Path
) -> None:
    url, dwellings_a, dwellings_b = two_workers
    case, mine = household_payload(dwellings_a[0])
    theirs = json.loads(household_payload(dwellings_b[0])[1])
    theirs["case_uuid"] = case  # bob races alice for the same new case
    bodies = [b'{"items":[' + mine + b"]}", json.dumps({"items": [theirs]}).encode()]
    clients = [_login(url, "alice", PASSWORD_A) for _ in range(4)]
    clients += [_login(url, "bob", PASSWORD_B) for _ in range(4)]
    results: list[tuple[int, str]] = []
    start = threading.Barrier(len(clients))

    def push(i: int, c: httpx.Client) -> None:
        start.wait()
        answer = c.post(f"{V1}/households/batch", content=bodies[i // 4]).json()
        results.append((i // 4, answer["results"][0]["status"]))

    threads = [threading.Thread(target=push, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = {who for who, status in results if status in ("stored", "duplicate")}
    assert len(winners) == 1, results  # one owner, whoever came first
    statuses = sorted(status for _, status in results)
    assert statuses == sorted(["stored"] + ["duplicate"] * 3 + ["forbidden"] * 4), results
    db = PostgresStorage(pg_url, key_file=tmp_path / "office.recovery-key")
    assert len(db.households()) == 1 and len(db.rows("cases")) == 1
    # every worker hands out the same cursor, and what comes after it
    cursors = {c.get(f"{V1}/assignments").json()["cursor"] for c in clients[:4]}
    assert len(cursors) == 1
    cursor = cursors.pop()
    db.add_dwelling(f"{AREA_A}-N0001", AREA_A, "found on site", "ordinary", "")
    later = [c.get(f"{V1}/assignments", params={"since": cursor}).json() for c in clients[:4]]
    assert all([d["dwelling_id"] for d in x["dwellings"]] == [f"{AREA_A}-N0001"] for x in later)
    assert all(int(x["cursor"]) == int(cursor) + 1 for x in later)
    db.close()
    for c in clients:
        c.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sqlite_refuses_more_than_one_worker(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "server.db"
    result = run(["server", "run", "--db", str(path), "--workers", "2"], lang=lang)
    assert result.exit_code == ExitCode.BAD_INPUT
    expected = "PostgreSQL" if lang == "en" else "只能由一个服务器进程使用"
    assert expected in result.output and "--workers" in result.output
    assert not path.exists()  # refused before anything was opened


def test_an_unreachable_database_is_said_at_once(tmp_path: Path) -> None:
    url = f"postgresql://census:s3cret-pw@/census?host={tmp_path / 'nowhere'}&port=5432"
    result = run(["server", "run", "--db", url, "--key-file", str(tmp_path / "k")])
    assert result.exit_code == ExitCode.STORE, result.output
    assert "Cannot reach the PostgreSQL database" in result.output
    assert "s3cret-pw" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "k").exists()
