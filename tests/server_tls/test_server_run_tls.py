"""``census-tui server run --certfile/--keyfile``: the real server process over TLS on loopback.

The office's CA is made for the test by trustme; the server runs as its own process, started
the way an office starts it, on 127.0.0.1 on a free port. A device whose profile pins the
office CA (``--ca-file`` at the first login, stored inside the encrypted profile) logs in,
pulls its area and pushes households; a device without that CA, or with another CA, is refused
at once with a message about the certificate and stores nothing, on the device or on the
server. A profile whose pin is not the server's CA keeps its outbox untouched.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import NetworkError
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.store import Store, profile_exists
from census_tui.sync import messages as m
from census_tui.sync.engine import sync_store
from census_tui.sync.login import begin_first_login
from census_tui.sync.pins import META_CA_PEM
from tests.server_tls.conftest import Pki
from tests.serverproc import free_port, wait_listening
from tests.sync.support import (
    AREA_A,
    CHEAP_KDF,
    FAST,
    PASSWORD_A,
    enqueue_households,
)

pytestmark = pytest.mark.integration


@dataclass
class Running:
    url: str
    db_path: Path
    proc: subprocess.Popen[bytes]
    log: Path


def _wait_listening(run: Running, port: int) -> None:
    wait_listening(run.proc, port, run.log.read_text)


@pytest.fixture(scope="module")
def server(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    d = tmp_path_factory.mktemp("server")
    db_path = d / "server.db"
    db = ServerDB(db_path)
    add_enumerator(db, "alice", PASSWORD_A, AREA_A, dwellings=5, ready=True)
    db.close()
    port = free_port()
    log = d / "server.log"
    args = [
        *("server", "run", "--db", str(db_path), "--host", "127.0.0.1", "--port", str(port)),
        *("--certfile", str(pki.certfile), "--keyfile", str(pki.keyfile)),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "census_tui", "--lang", "en", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "CENSUS_TUI_LANG": "en"},
        )
    run = Running(f"https://127.0.0.1:{port}", db_path, proc, log)
    try:
        _wait_listening(run, port)
        assert f"https://127.0.0.1:{port}/api/v1" in log.read_text()
        yield run
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _login(url: str, home: Path, ca: Path | None) -> Store:
    flow = begin_first_login(
        url,
        "alice",
        PASSWORD_A,
        clock=FakeClock(),
        base=home,
        kdf=CHEAP_KDF,
        ca_file=str(ca) if ca else None,
        policy=FAST,
    )
    return flow.finish()


def _households(db_path: Path) -> dict[str, list[object]]:
    """case uuid -> the stored payloads of every revision, read-only while the server runs."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT case_uuid, payload FROM households ORDER BY rowid").fetchall()
    finally:
        con.close()
    out: dict[str, list[object]] = {}
    for case, payload in rows:
        out.setdefault(case, []).append(json.loads(payload))
    return out


def test_a_device_pinned_to_the_office_ca_logs_in_and_syncs(
    server: Running, pki: Pki, tmp_path: Path
) -> None:
    store = _login(server.url, tmp_path / "home", pki.ca_pem)
    try:
        assert store.get_meta(META_CA_PEM) == pki.ca_pem.read_text()  # pinned in the profile
        first = sync_store(store, clock=FakeClock(), policy=FAST)
        assert first.error is None, first.to_dict()
        dwellings = [d.id for d in store.dwellings()]
        assert len(dwellings) == 5
        sent = enqueue_households(store, dwellings, 3)
        second = sync_store(store, clock=FakeClock(), policy=FAST)
        assert second.error is None and second.acked == 3, second.to_dict()
        assert store.outbox_depth() == 0
    finally:
        store.close()
    held = _households(server.db_path)
    for case, payload in sent.items():  # each exactly once, as the device sent it
        assert held[case] == [json.loads(payload)], case


@pytest.mark.parametrize("ca", ["none", "other"])
def test_a_device_without_the_office_ca_is_refused_and_stores_nothing(
    server: Running, pki: Pki, tmp_path: Path, ca: str
) -> None:
    before = _households(server.db_path)
    home = tmp_path / "home"
    with pytest.raises(NetworkError) as refused:
        _login(server.url, home, None if ca == "none" else pki.other_ca_pem)
    assert refused.value.msg == m.TLS
    assert "证书" in refused.value.msg.zh and "certificate" in refused.value.msg.en
    assert not profile_exists("alice", base=home)  # nothing on the device
    assert _households(server.db_path) == before  # nor on the server


def test_a_profile_pinned_to_another_ca_keeps_its_outbox(
    server: Running, pki: Pki, tmp_path: Path
) -> None:
    store = _login(server.url, tmp_path / "home", pki.ca_pem)
    try:
        assert sync_store(store, clock=FakeClock(), policy=FAST).error is None
        enqueue_households(store, [d.id for d in store.dwellings()], 2)
        outbox = [(i.id, i.payload, i.attempts) for i in store.outbox_pending(100)]
        before = _households(server.db_path)
        store.set_meta(META_CA_PEM, pki.other_ca_pem.read_text())  # the pin no longer matches
        summary = sync_store(store, clock=FakeClock(), policy=FAST)
        assert summary.error == m.TLS, summary.to_dict()
        assert summary.sent == 0 and summary.acked == 0
        assert [(i.id, i.payload, i.attempts) for i in store.outbox_pending(100)] == outbox
        assert _households(server.db_path) == before
    finally:
        store.close()
