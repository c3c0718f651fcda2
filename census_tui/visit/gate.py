"""The gate: what exists before login (local profiles, offline unlock, the first login).

Kept light on purpose: the TUI's login screen needs only :meth:`VisitGate.profiles`, so the
store, the checks and the session load in the unlock worker, after the screen is up.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from census_tui import paths
from census_tui.clock import Clock
from census_tui.i18n import Msg

if TYPE_CHECKING:
    from census_tui.store import KdfParams, Store
    from census_tui.supervision.service import SupervisorSession
    from census_tui.visit.service import VisitSession

_log = logging.getLogger(__name__)

NOT_AN_ENUMERATOR = Msg(
    "这是普查指导员的档案：请在界面中登录，或使用 census-tui supervise。",
    "This is a supervisor's profile: log in on the screen, or use census-tui supervise.",
)

SUPERVISOR = "supervisor"
"""The role whose profile opens the supervisor's session (``META_ROLE``)."""


class VisitGate:
    """Before login: local profiles, offline unlock, the online first login."""

    def __init__(
        self, *, clock: Clock, base: Path | None = None, kdf: KdfParams | None = None
    ) -> None:
        self.clock = clock
        self.base = base
        self.kdf = kdf

    def profiles(self) -> list[str]:
        return paths.list_profiles(self.base)

    def open(self, profile: str, password: str) -> VisitSession | SupervisorSession:
        """The profile's session by its role (what the login screen opens): a supervisor's
        profile opens a :class:`~census_tui.supervision.service.SupervisorSession`."""
        from census_tui.store import unlock

        store = unlock(profile, password, base=self.base, clock=self.clock)
        store.log_event("login", actor=profile, data={"mode": "offline"})
        _log.info("profile unlocked (offline)")
        return self.session(store, profile)

    def unlock(self, profile: str, password: str) -> VisitSession:
        """An enumerator's profile (the demo, the drills, scripts): a supervisor's profile is
        refused with a clear message and closed."""
        from census_tui.errors import BadInput
        from census_tui.visit.service import VisitSession

        session = self.open(profile, password)
        if not isinstance(session, VisitSession):
            session.close()
            raise BadInput(NOT_AN_ENUMERATOR)
        return session

    def session(self, store: Store, profile: str) -> VisitSession | SupervisorSession:
        """The session of an open profile, by the role its login kept (META_ROLE)."""
        from census_tui.store import META_ROLE

        if store.get_meta(META_ROLE) == SUPERVISOR:
            from census_tui.supervision.service import SupervisorSession

            return SupervisorSession(store, clock=self.clock, profile=profile, base=self.base)
        from census_tui.visit.service import VisitSession

        return VisitSession(store, clock=self.clock, profile=profile, base=self.base)

    def begin_first_login(self, server: str, account: str, password: str) -> FirstLoginFlow:
        from census_tui.sync.login import begin_first_login

        flow = begin_first_login(
            server, account, password, clock=self.clock, base=self.base, kdf=self.kdf
        )
        return FirstLoginFlow(flow, self)


class FirstLoginFlow:
    """Wraps the sync layer's first login so that ``finish`` gives a session."""

    def __init__(self, flow: object, gate: VisitGate) -> None:
        from census_tui.sync.login import FirstLogin

        assert isinstance(flow, FirstLogin)
        self._flow = flow
        self._gate = gate
        self.training = flow.training

    @property
    def must_change_password(self) -> bool:
        return self._flow.must_change_password

    @property
    def must_verify_identity(self) -> bool:
        return self._flow.must_verify_identity

    def change_password(self, new_password: str) -> None:
        self._flow.change_password(new_password)

    def verify_identity(self, name: str, id_number: str) -> None:
        self._flow.verify_identity(name, id_number)

    @property
    def role(self) -> str:
        """``enumerator`` or ``supervisor`` (the login answer's)."""
        return self._flow.role

    def finish(self) -> VisitSession | SupervisorSession:
        from census_tui.sync.login import profile_name
        from census_tui.visit.service import VisitSession

        store = self._flow.finish()
        store.log_event("login", actor=self._flow._account, data={"mode": "first"})
        session = self._gate.session(store, profile_name(self._flow._account))
        if not isinstance(session, VisitSession):
            # The supervisor's progress and queue now (no enumerator sync: /assignments is
            # not theirs); a failure is in the outcome, the screens' refresh retries it.
            from census_tui.errors import AuthError

            try:
                outcome = session.refresh()
            except AuthError:
                _log.info("first refresh of the supervisor refused (login)")
                return session
            if outcome.error is not None:
                _log.info("first refresh of the supervisor failed (network)")
            return session
        from census_tui.sync.engine import sync_store

        # Pull the area's dwellings now; a failure is in the sync log and the dashboard's
        # sync action retries it.
        sync_store(store, clock=self._gate.clock)
        return session


def open_gate(*, clock: Clock, base: Path | None = None, kdf: KdfParams | None = None) -> VisitGate:
    """The gate the TUI starts with (the CLI's and the demo's composition root)."""
    return VisitGate(clock=clock, base=base, kdf=kdf)
