"""The training demo (模拟实操演练): a local training server, a practice profile, the TUI.

Everything lives in its own directory (``<data dir>/demo`` unless told otherwise), apart from
real profiles. The server is the reference server seeded with the training area; the practice
profile is made by a real first login against it (password change, real-name verification),
so a newcomer sees exactly what an enumerator sees. ``supervisor=True`` opens the training
supervisor's profile instead (``demo-sup``, issue 19 §8), made the same way, over the same
server: three practice enumerators' uploaded work waits in its review queue. No Textual here:
the command starts the TUI.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from census_tui import paths
from census_tui.clock import Clock
from census_tui.store import META_SERVER_URL, Store, unlock
from census_tui.sync.login import first_login, profile_name

APPOINTMENT_ADDRESS = "2号楼 1单元 301室"
"""The training dwelling whose household has booked an appointment (server seed)."""

DEMO_NEW_PASSWORD = "practice2020"
"""The practice password the demo sets at the first login (shown to the trainee)."""


@dataclass
class DemoSite:
    """A running training server and the practice profile's directory."""

    base: Path
    server: object
    url: str
    account: str
    password: str

    def stop(self) -> None:
        stop = getattr(self.server, "stop", None)
        if callable(stop):
            stop()


def demo_home(explicit: Path | None = None) -> Path:
    return explicit if explicit is not None else paths.home() / "demo"


def start_demo(
    base: Path, *, clock: Clock, fresh: bool = False, supervisor: bool = False
) -> DemoSite:
    """Start the training server on a free loopback port and make sure the practice profile
    (the enumerator's, or with ``supervisor`` the supervisor's) exists and points at it.
    Returns once both are ready."""
    from census_tui.server.run import ServerThread, open_db
    from census_tui.server.seed import DEMO_ACCOUNT, DEMO_PASSWORD

    if fresh and base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True, exist_ok=True)
    db = open_db(base / "server.db", demo=True)
    server = ServerThread(db).start()
    if supervisor:
        try:
            return _supervisor_site(base, server, clock)
        except BaseException:
            server.stop()
            raise
    try:
        name = profile_name(DEMO_ACCOUNT)
        if name not in paths.list_profiles(base):
            store = first_login(
                server.url,
                DEMO_ACCOUNT,
                DEMO_PASSWORD,
                ask_new_password=lambda: DEMO_NEW_PASSWORD,
                ask_real_name=lambda: _demo_identity(db),
                clock=clock,
                base=base,
            )
            _first_day(store, clock)
        else:
            store = unlock(name, DEMO_NEW_PASSWORD, base=base, clock=clock)
            store.set_meta(META_SERVER_URL, server.url)  # a new free port every run
        store.close()
        write_practice_files(base)
    except BaseException:
        server.stop()
        raise
    return DemoSite(base, server, server.url, DEMO_ACCOUNT, DEMO_NEW_PASSWORD)


def _supervisor_site(base: Path, server: Any, clock: Clock) -> DemoSite:
    """The training supervisor's profile: a real first login (password change, real-name
    verification), then a first refresh, as the gate does for a supervisor."""
    from census_tui.server.seed import DEMO_PASSWORD, DEMO_SUPERVISOR
    from census_tui.supervision.service import SupervisorSession

    name = profile_name(DEMO_SUPERVISOR)
    if name not in paths.list_profiles(base):
        store = first_login(
            server.url,
            DEMO_SUPERVISOR,
            DEMO_PASSWORD,
            ask_new_password=lambda: DEMO_NEW_PASSWORD,
            ask_real_name=lambda: DEMO_SUPERVISOR_IDENTITY,
            clock=clock,
            base=base,
        )
        session = SupervisorSession(store, clock=clock, profile=name, base=base)
        try:
            session.refresh()  # a failure leaves the cache empty: the screen's `s` retries
        finally:
            session.close()
    else:
        store = unlock(name, DEMO_NEW_PASSWORD, base=base, clock=clock)
        store.set_meta(META_SERVER_URL, server.url)  # a new free port every run
        store.close()
    return DemoSite(base, server, server.url, DEMO_SUPERVISOR, DEMO_NEW_PASSWORD)


DEMO_SUPERVISOR_IDENTITY = ("演示普查指导员", "310104198812240043")
"""The demo supervisor's made-up real name and ID number, as the server has them."""


def _first_day(store: Store, clock: Clock) -> None:
    """Pull the training area and book the appointment the training scenario starts with."""
    from census_tui.sync.engine import sync_store
    from census_tui.visit.outcomes import Channel
    from census_tui.visit.states import CaseState

    sync_store(store, clock=clock)
    now = clock.now().astimezone()
    evening = now.replace(hour=19, minute=0, second=0, microsecond=0)
    for dwelling in store.dwellings():
        if dwelling.address.endswith(APPOINTMENT_ADDRESS):
            store.add_appointment(dwelling.id, evening, channel=Channel.PHONE.value, actor="demo")
            case = store.create_household(
                dwelling.id, training=True, state=CaseState.APPOINTMENT.value
            )
            store.log_event("demo_seeded", household=case)


def _demo_identity(db: object) -> tuple[str, str]:
    """The demo account's made-up real name and ID number, as the server has them."""
    return "演示普查员", "110101199003070011"


def write_practice_files(base: Path) -> None:
    """Files a trainee uses beside the profile (the roster name list, when roster mode is in)."""
    try:
        from census_tui.roster.sample import write_sample_roster
    except ImportError:
        return
    target = base / "工地宿舍名册-construction-site-roster.csv"
    if not target.exists():
        write_sample_roster(target, rows=200)
