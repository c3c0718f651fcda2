"""Checking and closing a household: findings and their confirmations, the self-check, the
read-back and completion (queued for upload)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

from census_tui.clock import iso
from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import MODE_PHONE, MODE_VISIT, Household
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Form
from census_tui.validation.engine import (
    check_household,
    completion_status,
    confirmation_is_current,
    confirmation_key,
    make_confirmation,
)
from census_tui.validation.findings import Finding
from census_tui.validation.household_json import ReadBack, to_json
from census_tui.visit.api import FindingView, ReadBackLine
from census_tui.visit.core import KIND_HOUSEHOLD, SessionCore
from census_tui.visit.flow import record_name
from census_tui.visit.outcomes import Outcome
from census_tui.visit.readback import readback_lines
from census_tui.visit.states import CaseState

_log = logging.getLogger(__name__)

NOT_READY = Msg(
    "还有错误或未确认的提示,请先完成自查。",
    "There are errors or unconfirmed warnings: finish the self-check first.",
)
NEED_RESPONDENT = Msg("请填写确认人姓名。", "Enter the name of the respondent who confirmed.")
UNKNOWN_FINDING = Msg(
    "该提示已不存在(答案可能已修改)。", "That finding no longer applies (an answer changed)."
)


class ReviewMixin(SessionCore):
    """Findings, confirmations, self-check, read-back, completion."""

    def _findings(self, hh: Household) -> list[Finding]:
        case = self.store.case(hh.uuid)
        others = self.store.area_id_numbers(case.area_id, exclude_case=hh.uuid)
        return check_household(hh, area_id_numbers=others)

    def findings(self, hh_uuid: str) -> list[FindingView]:
        hh = self._current(hh_uuid)
        found = self._findings(hh)
        current = {
            confirmation_key(c): c for c in hh.confirmations if confirmation_is_current(c, hh)
        }
        form = self.form_for(hh)
        labels = {p.uuid: _label(form, hh, p.uuid, i) for i, p in enumerate(hh.persons)}
        deaths = {d.uuid: _label(form, hh, d.uuid, i) for i, d in enumerate(hh.deaths)}
        labels.update(deaths)
        out = []
        for f in found:
            conf = current.get(confirmation_key(f))
            out.append(
                FindingView(
                    rule_id=f.rule_id,
                    severity=f.severity.value,
                    person_uuid=f.person_uuid,
                    person_label=labels.get(f.person_uuid, ""),
                    items=f.items,
                    message=f.message,
                    confirmed=conf is not None,
                    reason=conf.reason if conf is not None else "",
                    death=f.person_uuid in deaths,
                )
            )
        return out

    def confirm(self, hh_uuid: str, rule_id: str, person_uuid: str, reason: str) -> None:
        hh = self._current(hh_uuid)
        for f in self._findings(hh):
            if f.rule_id == rule_id and f.person_uuid == person_uuid:
                conf = make_confirmation(f, hh, reason, self.account, iso(self.clock.now()))
                with self.store.transaction():
                    self.store.remove_confirmation(hh_uuid, rule_id, person_uuid)
                    self.store.add_confirmation(hh_uuid, conf)
                return
        raise BadInput(UNKNOWN_FINDING)

    def can_complete(self, hh_uuid: str) -> bool:
        hh = self._current(hh_uuid)
        missing = walker.missing(self.form_for(hh), hh)
        return not missing and completion_status(hh, self._findings(hh)).may_complete

    def missing(self, hh_uuid: str) -> list[tuple[str, str]]:
        """Applicable, required questions still unanswered."""
        hh = self._current(hh_uuid)
        return walker.missing(self.form_for(hh), hh)

    def self_check_passed(self, hh_uuid: str) -> None:
        if not self.can_complete(hh_uuid):
            raise BadInput(NOT_READY)
        if self._state(hh_uuid) is not CaseState.SELF_CHECKED:
            with self.store.transaction():
                self._editable(hh_uuid)
                self._move(hh_uuid, CaseState.SELF_CHECKED)

    def readback(self, hh_uuid: str, lang: str) -> list[ReadBackLine]:
        hh = self._current(hh_uuid)
        return readback_lines(self.form_for(hh), hh, "zh" if lang == "zh" else "en")

    def complete(self, hh_uuid: str, respondent: str) -> None:
        """The respondent confirmed the read-back: complete and queue for upload, atomically."""
        respondent = respondent.strip()
        if not respondent:
            raise BadInput(NEED_RESPONDENT)
        if not self.can_complete(hh_uuid):
            raise BadInput(NOT_READY)
        now = iso(self.clock.now())
        with self.store.transaction():
            state = self._state(hh_uuid)
            if state is not CaseState.SELF_CHECKED and state is not CaseState.READ_BACK:
                self.self_check_passed(hh_uuid)
                state = CaseState.SELF_CHECKED
            if state is CaseState.SELF_CHECKED:
                self._move(hh_uuid, CaseState.READ_BACK)
            self.store.set_confirmed(hh_uuid, respondent[:50], actor=self.account)
            revision = self.store.bump_revision(hh_uuid)
            self._move(hh_uuid, CaseState.COMPLETED)
            hh = replace(self._current(hh_uuid), mode=self._enumeration_mode(hh_uuid))
            doc = to_json(hh, read_back=ReadBack(respondent[:50], now), completed_at=now)
            payload = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
            self.store.enqueue(KIND_HOUSEHOLD, hh_uuid, revision, payload)
        _log.info("household %s completed, revision %d queued", hh_uuid, revision)

    def _enumeration_mode(self, hh_uuid: str) -> str:
        """How the household was enumerated: by telephone when its case's latest attempt was a
        telephone registration (电话登记), in person otherwise (household JSON ``mode``)."""
        case = self.store.case(hh_uuid)
        latest = [a for a in self.store.attempts(case.dwelling_id) if a.household_uuid == hh_uuid]
        if latest and latest[-1].outcome == Outcome.PHONE_REGISTRATION:
            return MODE_PHONE
        return MODE_VISIT


def _label(form: Form, hh: Household, uuid: str, index: int) -> str:
    """``"2. name"`` for the finding list, of a person or (numbered apart) a death record; the
    name only on screen, never in a log."""
    name = record_name(form, hh, uuid)
    return f"{index + 1}. {name}" if name else f"{index + 1}."
