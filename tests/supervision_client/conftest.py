"""The supervisor's session (census_tui/supervision/service.py) against the real server.

One server per module (SQLite backend, fake clock): ``boss`` supervises alice (area A) and bob
(area B); carol (area C) is another supervisor's. ``boss`` makes a real first login through the
gate (new password, real-name check, encrypted profile with cheap KDF parameters), which opens
a :class:`SupervisorSession` and refreshes it once. The tests share the profile: each uploads
the cases it decides on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from census_tui.clock import FakeClock
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator, add_supervisor
from census_tui.server.storage import ServerDB
from census_tui.store import KdfParams
from census_tui.supervision.service import SupervisorSession
from census_tui.sync.transport import RetryPolicy
from census_tui.visit.gate import VisitGate
from tests.supervisor.conftest import AREA_A, AREA_B, AREA_C, PASSWORDS, household

CHEAP = KdfParams(n=2**10, r=1, p=1)
BOSS_NEW = "boss-new-pass-9"
BOSS_NAME, BOSS_ID = "测试普查指导员", "310104198812240043"
POLICY = RetryPolicy(attempts=2, backoff_base=0.01, connect_timeout=2.0, read_timeout=10.0)
__all__ = ["AREA_A", "AREA_B", "AREA_C", "household"]


@dataclass
class Desk:
    """The server, the supervisor's device (its home directory) and the enumerators' clients."""

    db: ServerDB
    server: ServerThread
    home: Path
    clock: FakeClock
    dwellings: dict[str, list[str]]
    first: SupervisorSession
    clients: dict[str, httpx.Client] = field(default_factory=dict)
    used: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, account: str) -> httpx.Client:
        if account not in self.clients:
            c = httpx.Client(base_url=self.url, timeout=30)
            r = c.post("/api/v1/login", json={"account": account, "password": PASSWORDS[account]})
            assert r.status_code == 200, r.text
            c.headers["Authorization"] = f"Bearer {r.json()['token']}"
            self.clients[account] = c
        return self.clients[account]

    def upload(self, account: str, doc: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        """An enumerator uploads a household of their next unused dwelling (or ``doc``)."""
        if doc is None:
            n = self.used.get(account, 0)
            self.used[account] = n + 1
            doc = household(self.dwellings[account][n], **kw)
        r = self.client(account).post("/api/v1/households", json=doc)
        assert r.status_code in (200, 201), r.text
        return doc

    def session(self) -> SupervisorSession:
        """The supervisor's profile unlocked again (offline), as the TUI does."""
        gate = VisitGate(clock=self.clock, base=self.home, kdf=CHEAP)
        s = gate.open("boss", BOSS_NEW)
        assert isinstance(s, SupervisorSession)
        s.policy = POLICY
        return s

    def decisions(self, case_uuid: str) -> list[tuple[str, str]]:
        """The server's decisions on ``case_uuid``: (decision uuid, action) each."""
        return [(r[0], r[4]) for r in self.db.rows("decisions") if r[2] == case_uuid]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    tmp = tmp_path_factory.mktemp("sup")
    home = tmp / "home"
    home.mkdir()
    clock = FakeClock()
    db = ServerDB(tmp / "server.db", clock=clock)
    dwellings = {
        "alice": add_enumerator(db, "alice", PASSWORDS["alice"], AREA_A, dwellings=12, ready=True),
        "bob": add_enumerator(
            db,
            "bob",
            PASSWORDS["bob"],
            AREA_B,
            dwellings=6,
            ready=True,
            id_number="11010519491231002X",
        ),
        "carol": add_enumerator(
            db,
            "carol",
            PASSWORDS["carol"],
            AREA_C,
            dwellings=3,
            ready=True,
            id_number="110101199003070011",
        ),
    }
    add_supervisor(
        db, "boss", PASSWORDS["boss"], ["alice", "bob"], name=BOSS_NAME, id_number=BOSS_ID
    )
    add_supervisor(db, "other", PASSWORDS["other"], ["carol"], ready=True)
    with ServerThread(db) as server:
        d = Desk(db, server, home, clock, dwellings, first=None)  # type: ignore[arg-type]
        d.upload("alice", flagged=True)
        d.upload("alice")
        d.upload("bob")
        d.upload("carol")
        gate = VisitGate(clock=clock, base=home, kdf=CHEAP)
        flow = gate.begin_first_login(server.url, "boss", PASSWORDS["boss"])
        assert flow.must_change_password and flow.must_verify_identity
        flow.change_password(BOSS_NEW)
        flow.verify_identity(BOSS_NAME, BOSS_ID)
        first = flow.finish()
        assert isinstance(first, SupervisorSession)
        first.policy = POLICY
        d.first = first
        try:
            yield d
        finally:
            first.close()
            for c in d.clients.values():
                c.close()
    db.close()
