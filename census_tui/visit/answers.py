"""The interview's writes: opening a household, answers, persons, notes, and the question to
resume at. Every change first makes the case editable through the lifecycle."""

from __future__ import annotations

import logging

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE, Value
from census_tui.questionnaire import walker
from census_tui.validation.engine import confirmation_is_current
from census_tui.visit.core import SessionCore
from census_tui.visit.states import PRE_INTERVIEW, CaseState

_log = logging.getLogger(__name__)

POSITION_META = "position:"
NOT_THIS_DWELLING = Msg("该户不属于这个住户。", "That household belongs to another dwelling.")
EMPTY_NOTE = Msg("备注为空。", "The note is empty.")


class AnswersMixin(SessionCore):
    """Start an interview and change what it records."""

    def start_interview(self, dwelling_id: str, hh_uuid: str | None = None) -> str:
        """Open a household of the dwelling for the interview: ``hh_uuid`` if given (a second
        household), else the first one still needing work. A completed household only opens:
        it is reopened (its confirmation lapsing) by :meth:`reopen` or by the first change."""
        with self.store.transaction():
            if hh_uuid is None:
                case_uuid = self._primary_case(dwelling_id)
            else:
                case_uuid = hh_uuid
                if self.store.case(case_uuid).dwelling_id != dwelling_id:
                    raise BadInput(NOT_THIS_DWELLING)
            if self._state(case_uuid) in PRE_INTERVIEW:
                self._move(case_uuid, CaseState.INTERVIEWING)
            return case_uuid

    def set_answer(self, hh_uuid: str, person_uuid: str, item_id: str, value: Value | None) -> None:
        """Save one answer (committed on return); clear answers that became inapplicable and
        drop confirmations whose answers changed (a confirmation lapses with its answers)."""
        _log.debug("answer %s/%s %s", hh_uuid, person_uuid or "-", item_id)
        self.form.item(item_id)
        with self.store.transaction():
            current = self._current(hh_uuid)
            owner = current.answers if person_uuid == HOUSEHOLD_SCOPE else None
            if owner is None:
                person = current.person(person_uuid)
                owner = person.answers if person is not None else {}
            if owner.get(item_id) == value or (value is None and item_id not in owner):
                return
            self._editable(hh_uuid)
            self.store.set_answer(hh_uuid, person_uuid, item_id, value, actor=self.account)
            self._tidy(hh_uuid)

    def _tidy(self, hh_uuid: str) -> None:
        """Clear answers that no longer apply and confirmations whose answers changed."""
        hh = self._current(hh_uuid)
        stale = walker.stale_answers(self.form, hh)
        for p, item in stale:
            self.store.set_answer(hh_uuid, p, item, None, actor="walker")
        if stale:
            hh = self._current(hh_uuid)
        for conf in hh.confirmations:
            if not confirmation_is_current(conf, hh):
                self.store.remove_confirmation(hh_uuid, conf.rule_id, conf.person_uuid)

    def add_person(self, hh_uuid: str) -> str:
        with self.store.transaction():
            self._editable(hh_uuid)
            return self.store.add_person(hh_uuid, actor=self.account)

    def remove_person(self, hh_uuid: str, person_uuid: str) -> None:
        with self.store.transaction():
            self._editable(hh_uuid)
            self.store.remove_person(hh_uuid, person_uuid, actor=self.account)
            self._tidy(hh_uuid)

    def move_person(self, hh_uuid: str, person_uuid: str, index: int) -> None:
        with self.store.transaction():
            self._editable(hh_uuid)
            self.store.move_person(hh_uuid, person_uuid, index, actor=self.account)
            self._tidy(hh_uuid)

    def add_note(self, hh_uuid: str, person_uuid: str, item_id: str, text: str) -> None:
        text = text.strip()
        if not text:
            raise BadInput(EMPTY_NOTE)
        self.store.add_note(
            hh_uuid, text[:2000], person_uuid=person_uuid, item_id=item_id, actor=self.account
        )

    def last_position(self, hh_uuid: str) -> tuple[str, str] | None:
        raw = self.store.get_meta(POSITION_META + hh_uuid)
        if not raw or "|" not in raw:
            return None
        person, item = raw.split("|", 1)
        return person, item

    def remember_position(self, hh_uuid: str, person_uuid: str, item_id: str) -> None:
        """Commit the question on screen (relaxed: it survives a crash of the process; a power
        cut may lose it, never an answer). A cached household stays current across it."""
        before = self.store.change_count()
        self.store.set_meta_relaxed(POSITION_META + hh_uuid, f"{person_uuid}|{item_id}")
        hit = self._cache.get(hh_uuid)
        if hit is not None and hit[0] == before:
            self._cache[hh_uuid] = (self.store.change_count(), hit[1])
