"""What comes and goes through the server: sync, the supervisor's returns (退回) and the
roster mode's service on the same profile."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from census_tui.store import NotFound, Store
from census_tui.visit.api import ReturnedCase, SyncOutcome, SyncProgress
from census_tui.visit.core import SessionCore
from census_tui.visit.states import CaseState

if TYPE_CHECKING:
    from census_tui.roster.service import RosterService


def latest_returns(store: Store, hh_uuid: str | None = None) -> dict[str, ReturnedCase]:
    """The latest supervisor return of each household (or of one): its comment and the
    questions concerned, from the ``supervisor_returned`` events the sync logged. The
    dwelling is left empty here (callers that need it have the case at hand), so the
    dashboard pays for the events only."""
    out: dict[str, ReturnedCase] = {}
    for e in store.events(hh_uuid, kind="supervisor_returned"):
        if not e.household_uuid or not isinstance(e.data, dict):
            continue
        comment = e.data.get("comment")
        out[e.household_uuid] = ReturnedCase(
            e.household_uuid,
            "",
            comment if isinstance(comment, str) else "",
            _return_items(e.data.get("items")),
        )
    return out


def _return_items(raw: object) -> list[tuple[str, str]]:
    """The ``items`` of a return event (``[[person_uuid, item_id], ...]``); events logged before
    returns carried items have none, and anything malformed is skipped, never fatal."""
    if not isinstance(raw, list):
        return []
    out: list[tuple[str, str]] = []
    for pair in raw:
        if (
            isinstance(pair, list)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and isinstance(pair[1], str)
        ):
            out.append((pair[0], pair[1]))
    return out


class ExchangeMixin(SessionCore):
    """Sync, returned cases and roster mode."""

    def returned_cases(self) -> list[ReturnedCase]:
        """Cases now in the ``returned`` state, each with its latest return's comment and items."""
        latest = latest_returns(self.store)
        out = []
        for c in self.store.cases():
            if c.state == CaseState.RETURNED:
                found = latest.get(c.uuid) or ReturnedCase(c.uuid, "", "")
                found.dwelling_id = c.dwelling_id
                out.append(found)
        return out

    def return_note(self, hh_uuid: str) -> ReturnedCase | None:
        """The latest supervisor return of a household whatever its state now (the interview
        keeps showing the comment after the first correction moved the case on); None if the
        supervisor never returned it."""
        found = latest_returns(self.store, hh_uuid).get(hh_uuid)
        if found is not None:
            # a case not on this device (restored elsewhere) keeps an empty dwelling
            with contextlib.suppress(NotFound):
                found.dwelling_id = self.store.case(hh_uuid).dwelling_id
        return found

    def sync(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncOutcome:
        from census_tui.sync.engine import SyncProgress as EngineProgress
        from census_tui.sync.engine import sync_store

        def relay(p: EngineProgress) -> None:
            if progress is not None:
                progress(SyncProgress(p.done, p.total, p.phase))

        summary = sync_store(self.store, clock=self.clock, progress=relay)
        return SyncOutcome(
            sent=summary.sent,
            acked=summary.acked,
            pulled=summary.pulled,
            returned=summary.returned,
            error=summary.error,
            refused=tuple(summary.refused_reasons),
            remaining=summary.remaining,
            clock_skew=summary.clock_skew,
        )

    def renew_login(self, password: str) -> None:
        """Log in again online with the account's password after the server refused the token
        (expired or ended); the new token is stored in the profile for the next sync."""
        from census_tui.sync.login import renew_token

        renew_token(self.store, password, clock=self.clock)

    def roster(self) -> RosterService:
        """Roster operations for collective sites on this profile (the roster grid's backend)."""
        from census_tui.roster.service import RosterService

        return RosterService(self.store, actor=self.account, form=self.form, training=self.training)
