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

if TYPE_CHECKING:
    from census_tui.store import KdfParams
    from census_tui.visit.service import VisitSession

_log = logging.getLogger(__name__)


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

    def unlock(self, profile: str, password: str) -> VisitSession:
        from census_tui.store import unlock
        from census_tui.visit.service import VisitSession

        store = unlock(profile, password, base=self.base, clock=self.clock)
        store.log_event("login", actor=profile, data={"mode": "offline"})
        _log.info("profile unlocked (offline)")
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

    def finish(self) -> VisitSession:
        from census_tui.sync.engine import sync_store
        from census_tui.sync.login import profile_name
        from census_tui.visit.service import VisitSession

        store = self._flow.finish()
        store.log_event("login", actor=self._flow._account, data={"mode": "first"})
        # Pull the area's dwellings now; a failure is in the sync log and the dashboard's
        # sync action retries it.
        sync_store(store, clock=self._gate.clock)
        return VisitSession(
            store,
            clock=self._gate.clock,
            profile=profile_name(self._flow._account),
            base=self._gate.base,
        )


def open_gate(*, clock: Clock, base: Path | None = None, kdf: KdfParams | None = None) -> VisitGate:
    """The gate the TUI starts with (the CLI's and the demo's composition root)."""
    return VisitGate(clock=clock, base=base, kdf=kdf)
