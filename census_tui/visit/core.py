"""What every part of the visit session shares: the open store, the forms, the household cache
and the one place a case's state is changed (through the lifecycle of :mod:`.states`).

The form is per household (``Household.form_id``: the short form, the long form of the 10 %
sample, the form for residents from outside the mainland): every use case asks and checks a
household with :meth:`SessionCore.form_for`, never with one session-wide form.

The use cases (:mod:`.identity`, :mod:`.dwellings`, :mod:`.attempts`, :mod:`.answers`,
:mod:`.review`, :mod:`.exchange`, :mod:`.training`) build on :class:`SessionCore`;
:class:`census_tui.visit.service.VisitSession` puts them together.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime, tzinfo
from pathlib import Path

from census_tui.clock import Clock
from census_tui.errors import ConflictError
from census_tui.i18n import Msg
from census_tui.model import Household
from census_tui.questionnaire.form import Form, load_form
from census_tui.store import META_ACCOUNT, META_AREA, META_TRAINING, Store
from census_tui.visit.states import DONE, CaseState, can_move, move
from census_tui.visit.writer import OrderedWriter

_log = logging.getLogger(__name__)
"""Case ids, states and counts only: never answers."""

KIND_HOUSEHOLD = "household"
"""Outbox kind of a completed household's upload."""
KIND_OUTCOME = "outcome"
"""Outbox kind of a reported attempt outcome (refused, vacant, no contact)."""

CACHE_KEEP = 4
"""Households kept read (the one being interviewed and a few the screens look at beside it)."""

NOT_EDITABLE = Msg(
    "该户已上传或已审核,不能修改;如需更正请联系普查指导员。",
    "This household has been uploaded or approved and cannot be changed; ask your supervisor.",
)


MOVED_AWAY = Msg(
    "该户所在住户已移交给其他普查员：本机只保留查看，不能修改或上传；未上传的内容请联系普查指导员。",
    "This household's dwelling was moved to another enumerator: it is kept here read-only and"
    " cannot be changed or uploaded; for work not uploaded, contact your supervisor.",
)


def _local_tz() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


class SessionCore:
    """An unlocked profile's shared state and the case lifecycle's writer."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock,
        profile: str,
        base: Path | None = None,
        form: Form | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.profile = profile
        self.base = base
        self.form = form or load_form()
        """The default form (short2020): what roster mode builds collective households on.
        A household is asked and checked with its own form, :meth:`form_for`."""
        self._forms: dict[str, Form] = {self.form.id: self.form}
        self.tz = tz or _local_tz()
        self.training = store.get_meta(META_TRAINING) == "1"
        self.lang_default = "zh"
        self.account = store.get_meta(META_ACCOUNT) or profile
        self.locked = False
        self.writer = OrderedWriter()
        """Where the screens send their writes, so that no commit runs on the event loop."""
        self._cache: dict[str, tuple[tuple[int, int], Household]] = {}
        """Household case → (store change count when read, household): the interview reads
        the same household several times per keystroke; any write through the store (this
        session, roster mode) changes the count and so invalidates it."""

    # --- forms ----------------------------------------------------------------------------

    def form_for(self, hh: Household | str) -> Form:
        """The form a household (or a household UUID) is asked and checked with: its
        ``form_id``, loaded once per session (a form injected at start-up stands for its id).
        FormError (a clear message naming the form) for a form this program does not have."""
        return self.form_by_id((hh if isinstance(hh, Household) else self._current(hh)).form_id)

    def form_by_id(self, form_id: str) -> Form:
        """A form by its id (cached like :meth:`form_for`)."""
        form = self._forms.get(form_id)
        if form is None:
            form = self._forms[form_id] = load_form(form_id)
        return form

    # --- households -----------------------------------------------------------------------

    def area_id(self) -> str:
        area = self.store.get_meta(META_AREA)
        if area:
            return area
        areas = self.store.areas()
        return areas[0].id if areas else ""

    def _current(self, hh_uuid: str) -> Household:
        """The household as stored now (shared, read-only: callers get copies)."""
        stamp = self.store.change_count()
        hit = self._cache.get(hh_uuid)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        hh = self.store.household(hh_uuid)
        self._cache.pop(hh_uuid, None)
        self._cache[hh_uuid] = (stamp, hh)
        while len(self._cache) > CACHE_KEEP:  # the oldest first: a session sees thousands
            self._cache.pop(next(iter(self._cache)), None)
        return hh

    def household(self, hh_uuid: str) -> Household:
        return copy.deepcopy(self._current(hh_uuid))

    def _primary_case(self, dwelling_id: str) -> str:
        """The dwelling's first household still needing work (made if it has none)."""
        cases = sorted(self.store.cases(dwelling_id), key=lambda c: c.hh_number)
        for c in cases:
            if CaseState(c.state) not in DONE:
                return c.uuid
        if cases:
            return cases[0].uuid
        return self.store.create_household(dwelling_id, training=self.training, actor=self.account)

    # --- the lifecycle ----------------------------------------------------------------------

    def _state(self, hh_uuid: str) -> CaseState:
        return CaseState(self.store.case(hh_uuid).state)

    def _move(self, hh_uuid: str, dst: CaseState) -> None:
        """Change a case's state, if the lifecycle allows it (:class:`IllegalMove` otherwise)."""
        src = self._state(hh_uuid)
        if self.store.is_withdrawn(hh_uuid):
            raise ConflictError(MOVED_AWAY)
        self.store.set_state(hh_uuid, move(src, dst), actor=self.account)

    def _editable(self, hh_uuid: str) -> CaseState:
        """Make the case editable: any change after the self-check, the read-back or completion
        sends it back to interviewing; a synced or approved case refuses (ConflictError), and
        so does a case whose dwelling was moved to another enumerator (sync/transfer.py)."""
        if self.store.is_withdrawn(hh_uuid):
            raise ConflictError(MOVED_AWAY)
        state = self._state(hh_uuid)
        if state is CaseState.INTERVIEWING:
            return state
        if not can_move(state, CaseState.INTERVIEWING):
            raise ConflictError(NOT_EDITABLE)
        if state is CaseState.COMPLETED:
            self.reopen(hh_uuid)
        else:
            self._move(hh_uuid, CaseState.INTERVIEWING)
        return CaseState.INTERVIEWING

    def reopen(self, hh_uuid: str) -> None:
        """A completed household not yet synced goes back to interviewing; the respondent's
        confirmation lapses and the queued upload of that revision is withdrawn (the supervisor
        must not see a version the respondent's confirmation no longer covers)."""
        state = self._state(hh_uuid)
        if state is not CaseState.COMPLETED:
            if state in (CaseState.SYNCED, CaseState.APPROVED):
                raise ConflictError(NOT_EDITABLE)
            return
        with self.store.transaction():
            self.store.set_confirmed(hh_uuid, None, actor=self.account)
            self._move(hh_uuid, CaseState.INTERVIEWING)
            self.store.outbox_withdraw(KIND_HOUSEHOLD, hh_uuid)
        _log.info("household %s reopened", hh_uuid)
