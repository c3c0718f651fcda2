"""The supervisor's office for ``bench_supervisor.py`` (issue 19): a real reference server and a
supervisor's device made the way a supervisor makes it.

* the server: :class:`~census_tui.server.run.ServerThread` over a
  :class:`~census_tui.server.storage.ServerDB` (SQLite, WAL, synchronous=FULL) in a temporary
  directory, on 127.0.0.1; ``enumerators`` ready enumerators (``e01``…), each in an area of their
  own with ``dwellings`` listed dwellings, and one supervisor (``sup``) over all of them;
* the work: each enumerator uploads households over the enumerator API (``POST
  /api/v1/households``, the server's own validation and flags), one in ``FLAGGED_EVERY`` with a
  warning confirmed with a reason (a flagged case); the supervisor approves the oldest ones over
  the supervisor API, so that ``waiting`` cases wait for review;
* the device: the supervisor's first login through :class:`~census_tui.visit.gate.VisitGate`
  (initial password, new password, real-name check, the encrypted profile), whose refresh keeps
  the progress, the queue and every queued case's details; refreshed again until every case is
  held (a refresh fetches case details within a time budget). Its clock is an hour behind, so the
  device's copy is an hour old when the real program logs in (the progress screen then updates
  it from the server at once, as after a night away);
* after that first login, ``late`` more households are uploaded (new cases the login's refresh
  fetches, as a supervisor's morning refresh would).

The home directory is kept as a template: each timed login starts from a copy of it.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from census_tui.clock import FakeClock  # noqa: E402
from census_tui.server.run import ServerThread  # noqa: E402
from census_tui.server.seed import add_enumerator, add_supervisor  # noqa: E402
from census_tui.server.storage import ServerDB  # noqa: E402
from census_tui.store import KdfParams  # noqa: E402
from census_tui.supervision.service import SupervisorSession  # noqa: E402
from census_tui.visit.gate import VisitGate  # noqa: E402

V1 = "/api/v1"
SUP = "sup"
SUP_INITIAL = "sup-initial-1"
SUP_PASSWORD = "sup-pass-2020"
SUP_NAME, SUP_ID = "测试普查指导员", "310104198812240043"
ENUM_PASSWORD = "enum-pass-2020"
CHEAP = KdfParams(n=2**10, r=1, p=1)
FLAGGED_EVERY = 10
AGE = timedelta(hours=1)
"""How old the device's copy is when the timed logins start."""


def area_of(n: int) -> str:
    """Area ``n`` (1-based): the last three digits differ, so that a dwelling's short id (the
    queue's column, the id's last 7 characters: ``0NN-ddd``) is unique across areas."""
    return f"110105001001{n:03d}"


@dataclass
class Office:
    """The running server and the supervisor's device (a template home to copy)."""

    db: ServerDB
    server: ServerThread
    template: Path
    accounts: list[str]
    dwellings: dict[str, list[str]]
    uploaded: int
    waiting: int
    kdf: KdfParams
    took: dict[str, float] = field(default_factory=dict)
    """Seconds each setup step took (printed with the figures)."""

    @property
    def url(self) -> str:
        return self.server.url

    def home(self, dest: Path) -> Path:
        """A fresh copy of the supervisor's device (its cache an hour old)."""
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(self.template, dest)
        return dest

    def close(self) -> None:
        self.server.stop()
        self.db.close()


def _household(dwelling: str, flagged: bool) -> dict[str, Any]:
    from tests.supervisor.conftest import household

    return household(dwelling, n_persons=3, flagged=flagged)


def _login(url: str, account: str, password: str) -> httpx.Client:
    c = httpx.Client(base_url=url, timeout=60)
    r = c.post(f"{V1}/login", json={"account": account, "password": password})
    r.raise_for_status()
    c.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return c


class Uploads:
    """The enumerators' households: each one's next dwelling, one in :data:`FLAGGED_EVERY`
    flagged."""

    def __init__(self, db: ServerDB, url: str, dwellings: dict[str, list[str]]) -> None:
        self.db = db
        self.url = url
        self.dwellings = dwellings
        self.used: dict[str, int] = {}
        self.clients: dict[str, httpx.Client] = {}

    def _next(self, account: str) -> dict[str, Any]:
        k = self.used.get(account, 0)
        self.used[account] = k + 1
        flagged = k % FLAGGED_EVERY == FLAGGED_EVERY - 1
        return _household(self.dwellings[account][k], flagged)

    def over_api(self, account: str, n: int) -> list[tuple[str, int]]:
        """``n`` uploads over the enumerator API (the server's validation, flags and the
        enumerator's sync time); (case uuid, revision) of each."""
        if account not in self.clients:
            self.clients[account] = _login(self.url, account, ENUM_PASSWORD)
        out = []
        for _ in range(n):
            doc = self._next(account)
            r = self.clients[account].post(f"{V1}/households", json=doc)
            if r.status_code not in (200, 201):
                raise RuntimeError(f"upload refused: {r.status_code} {r.text[:300]}")
            out.append((str(doc["case_uuid"]), int(doc["revision"])))
        return out

    def into_storage(self, account: str, area_id: str, n: int) -> list[tuple[str, int]]:
        """``n`` households written straight into the storage as the upload route stores
        them (the server's own logic checks give the flags; as ``seed_practice_work``), in one
        transaction: the bulk of the work, much faster than the API."""
        from census_tui.server.checks import run_logic_checks

        out = []
        with self.db.tx() as t:
            for _ in range(n):
                doc = self._next(account)
                checked = run_logic_checks(doc)
                self.db.store_household(
                    t,
                    case_uuid=str(doc["case_uuid"]),
                    revision=int(doc["revision"]),
                    area_id=area_id,
                    dwelling_id=str(doc["dwelling_id"]),
                    account=account,
                    training=False,
                    payload=json.dumps(
                        doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")
                    ),
                    flags=checked.flags,
                )
                out.append((str(doc["case_uuid"]), int(doc["revision"])))
        return out

    def close(self) -> None:
        for c in self.clients.values():
            c.close()


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def build_office(
    tmp: Path,
    *,
    enumerators: int = 10,
    dwellings: int = 300,
    uploaded: int = 1000,
    waiting: int = 500,
    late: int = 20,
    kdf: KdfParams = CHEAP,
    say: Any = print,
) -> Office:
    """The office described in the module's docstring: ``uploaded`` households in all, of which
    ``waiting`` wait for review (the rest approved) and ``late`` arrive after the device's last
    refresh."""
    if not late <= waiting <= uploaded <= enumerators * dwellings:
        raise ValueError("need late <= waiting <= uploaded <= enumerators * dwellings")
    took: dict[str, float] = {}
    t0 = time.perf_counter()
    tmp.mkdir(parents=True, exist_ok=True)
    db = ServerDB(tmp / "server.db")
    accounts = [f"e{n:02d}" for n in range(1, enumerators + 1)]
    dw: dict[str, list[str]] = {}
    for n, account in enumerate(accounts, start=1):
        dw[account] = add_enumerator(
            db, account, ENUM_PASSWORD, area_of(n), dwellings=dwellings, ready=True,
            name=f"普查员{n:02d}",
        )  # fmt: skip
    add_supervisor(db, SUP, SUP_INITIAL, accounts, name=SUP_NAME, id_number=SUP_ID)
    server = ServerThread(db).start()
    took["seed"] = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        up = Uploads(db, server.url, dw)
        early: list[tuple[str, int]] = []
        counts = _spread(uploaded - late, enumerators)
        for n, (account, count) in enumerate(zip(accounts, counts, strict=True), start=1):
            # the bulk straight into the storage, the last one over the API (a sync time)
            early += up.into_storage(account, area_of(n), count - 1)
            early += up.over_api(account, 1)
        took["upload"] = time.perf_counter() - t0

        # the supervisor's initial password, then approvals of the oldest cases (the office's
        # earlier reviews), over the supervisor API
        t0 = time.perf_counter()
        home = tmp / "template"
        home.mkdir()
        past = FakeClock(datetime.now(UTC) - AGE)
        gate = VisitGate(clock=past, base=home, kdf=kdf)
        flow = gate.begin_first_login(server.url, SUP, SUP_INITIAL)
        flow.change_password(SUP_PASSWORD)
        flow.verify_identity(SUP_NAME, SUP_ID)
        for case, revision in early[: uploaded - waiting]:
            # as the approve route does (census_tui/server/supervisor.py), without HTTP
            written = db.decide(
                supervisor=SUP,
                decision_uuid=str(uuid.uuid4()),
                case_uuid=case,
                revision=revision,
                action="approved",
                comment="",
                items=lambda payload, form_id: [],
                request_digest=uuid.uuid4().hex,
            )
            if written.status == "moved":
                raise RuntimeError(f"approval of {case} refused: {written.status}")
        took["approve"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        session = flow.finish()  # the encrypted profile, refreshed once
        assert isinstance(session, SupervisorSession)
        try:
            want = waiting - late
            for _ in range(20):
                if len(session.store.sup_case_index()) >= want:
                    break
                session.refresh()
            held = len(session.store.sup_case_index())
            if held < want:
                raise RuntimeError(f"the device holds {held} of {want} cases")
        finally:
            session.close()
        took["first login"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        for account, n in zip(accounts, _spread(late, enumerators), strict=True):
            up.over_api(account, n)
        took["late uploads"] = time.perf_counter() - t0
        up.close()
    except BaseException:
        server.stop()
        db.close()
        raise
    say(
        "setup: " + ", ".join(f"{k} {v:.1f} s" for k, v in took.items()),
    )
    return Office(db, server, home, accounts, dw, uploaded, waiting, kdf, took)


def raw_progress(url: str) -> tuple[float, float, int]:
    """The baseline: a raw httpx loop's login and GET of the supervisor's progress; (seconds to
    the token, seconds to the whole progress, enumerators in it)."""
    t0 = time.perf_counter()
    with httpx.Client(base_url=url, timeout=60) as c:
        r = c.post(f"{V1}/login", json={"account": SUP, "password": SUP_PASSWORD})
        r.raise_for_status()
        token = r.json()["token"]
        t1 = time.perf_counter()
        r = c.get(f"{V1}/supervisor/progress", headers={"Authorization": f"Bearer {token}"})
        r.raise_for_status()
        rows = len(r.json()["enumerators"])
    return t1 - t0, time.perf_counter() - t0, rows


def queue_order(url: str) -> list[str]:
    """The dwelling ids of the review queue in the queue screen's order: the server's answer
    read by the client's own view, flagged first (a stable sort, as ``sup_queue.py``)."""
    from census_tui.supervision import views

    c = _login(url, SUP, SUP_PASSWORD)
    try:
        r = c.get(f"{V1}/supervisor/queue")
        r.raise_for_status()
        body = r.json()
    finally:
        c.close()
    rows = list(views.queue(body, None, {}).rows)
    rows.sort(key=lambda r: not r.flagged)
    return [r.dwelling_id for r in rows]


def queue_rows(url: str) -> tuple[list[list[str]], list[str], list[str]]:
    """The review queue as the queue screen lays it out (the server's answer read by the
    client's own view, flagged first by a stable sort, as ``sup_queue.py``): each row's cells in
    the wide columns, the text a bare app shows under its table for it (its whole dwelling id,
    address and account), and the whole dwelling ids in order."""
    from census_tui.supervision import views
    from census_tui.widgets.window_table import tail

    c = _login(url, SUP, SUP_PASSWORD)
    try:
        r = c.get(f"{V1}/supervisor/queue")
        r.raise_for_status()
        body = r.json()
    finally:
        c.close()
    rows = list(views.queue(body, None, {}).rows)
    rows.sort(key=lambda r: not r.flagged)
    cells = [
        [
            "!" if r.flagged else "",
            r.dwelling_id[-7:],
            tail(r.address, 20),
            r.account,
            str(r.persons),
            ",".join(r.flags),
            "",
        ]
        for r in rows
    ]
    details = [f"{r.dwelling_id} {r.address} · {r.account}" for r in rows]
    return cells, details, [r.dwelling_id for r in rows]


def unlock_cost(tmp: Path) -> float:
    """Seconds to unlock a profile made with the real key-derivation parameters (scrypt,
    ``DEFAULT_KDF``): the cost a real device adds to every login, by design."""
    from census_tui.clock import SystemClock
    from census_tui.store import DEFAULT_KDF, create_profile, unlock

    clock = SystemClock()
    tmp.mkdir(parents=True, exist_ok=True)
    create_profile("kdf", SUP_PASSWORD, base=tmp, clock=clock, kdf=DEFAULT_KDF).close()
    t0 = time.perf_counter()
    unlock("kdf", SUP_PASSWORD, base=tmp, clock=clock).close()
    return time.perf_counter() - t0
