"""The interview's writes: opening a household, answers, persons and death records, notes, the
household's form, and the question to resume at. Every change first makes the case editable
through the lifecycle; answers are checked against the household's own form."""

from __future__ import annotations

import logging

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE, Value
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import shared_items
from census_tui.validation.engine import confirmation_is_current
from census_tui.visit.api import FormChange
from census_tui.visit.core import SessionCore
from census_tui.visit.states import PRE_INTERVIEW, CaseState

_log = logging.getLogger(__name__)

POSITION_META = "position:"
NOT_THIS_DWELLING = Msg("该户不属于这个住户。", "That household belongs to another dwelling.")
EMPTY_NOTE = Msg("备注为空。", "The note is empty.")
NOT_A_HOUSEHOLD_FORM = Msg(
    "死亡人口调查表不能作为一户的表式。", "The death form cannot be a household's form."
)
NO_DEATH_RECORDS = Msg(
    "该户的表式没有死亡人口调查表。", "This household's form has no death records."
)


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
        with self.store.transaction():
            current = self._current(hh_uuid)
            self.form_for(current).item(item_id)  # KeyError: not an item of this household's form
            owner = current.answers if person_uuid == HOUSEHOLD_SCOPE else None
            if owner is None:
                person = current.person(person_uuid) or current.death(person_uuid)
                owner = person.answers if person is not None else {}
            if owner.get(item_id) == value or (value is None and item_id not in owner):
                return
            self._editable(hh_uuid)
            self.store.set_answer(hh_uuid, person_uuid, item_id, value, actor=self.account)
            self._tidy(hh_uuid)

    def _tidy(self, hh_uuid: str) -> None:
        """Clear answers that no longer apply and confirmations whose answers changed."""
        hh = self._current(hh_uuid)
        stale = walker.stale_answers(self.form_for(hh), hh)
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

    def add_death(self, hh_uuid: str) -> str:
        """A new death record (死亡人口调查表) at the end of the household's; its UUID."""
        with self.store.transaction():
            if not self.form_for(hh_uuid).death_items:
                raise BadInput(NO_DEATH_RECORDS)
            self._editable(hh_uuid)
            return self.store.add_death(hh_uuid, actor=self.account)

    def remove_death(self, hh_uuid: str, death_uuid: str) -> None:
        with self.store.transaction():
            self._editable(hh_uuid)
            self.store.remove_death(hh_uuid, death_uuid, actor=self.account)
            self._tidy(hh_uuid)

    def form_change(self, hh_uuid: str, form_id: str) -> FormChange:
        """What :meth:`change_form` would keep and remove (nothing is written)."""
        hh = self._current(hh_uuid)
        old, new = self.form_for(hh), self.form_by_id(form_id)
        if not new.household_items:
            raise BadInput(NOT_A_HOUSEHOLD_FORM)
        total = len(hh.answers) + sum(len(p.answers) for p in (*hh.persons, *hh.deaths))
        if old.id == new.id:
            return FormChange(old.id, new.id, total, 0, 0)
        keep = shared_items(old, new)
        records = [hh.answers, *(p.answers for p in hh.persons)]
        if new.death_items:
            records.extend(d.answers for d in hh.deaths)
        kept = sum(1 for answers in records for item in answers if item in keep)
        gone = 0 if new.death_items else len(hh.deaths)
        return FormChange(old.id, new.id, kept, total - kept, gone)

    def change_form(self, hh_uuid: str, form_id: str) -> FormChange:
        """Put the household on another form (e.g. a household found on site in a long-form
        dwelling, or a foreign resident's household): the answers whose items both forms have
        are kept, the others and (on a form without them) the death records are removed, in one
        transaction. The caller has had :meth:`form_change` confirmed."""
        with self.store.transaction():
            change = self.form_change(hh_uuid, form_id)
            if change.old == change.new:
                return change
            old, new = self.form_for(hh_uuid), self.form_by_id(form_id)
            hh = self._current(hh_uuid)
            if hh.answers or hh.persons or hh.deaths:  # a household not begun stays as it is
                self._editable(hh_uuid)
            self.store.set_form(
                hh_uuid,
                new.id,
                keep=shared_items(old, new),
                deaths=bool(new.death_items),
                actor=self.account,
            )
            self._tidy(hh_uuid)
        _log.info("household %s form %s -> %s", hh_uuid, change.old, change.new)
        return change

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
