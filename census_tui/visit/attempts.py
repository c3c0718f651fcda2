"""Visit attempts and appointments (入户尝试, 预约): recording an outcome, the attempts so far,
and the slot suggested after two no-contacts."""

from __future__ import annotations

import json
import logging
import uuid as uuidlib
from dataclasses import replace
from datetime import datetime, timedelta

from census_tui.clock import iso
from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.visit.api import Attempt
from census_tui.visit.core import KIND_OUTCOME, SessionCore
from census_tui.visit.outcomes import (
    OUTCOME_STATE,
    REPORTED_OUTCOMES,
    Outcome,
    channel_of,
    outcome_of,
)
from census_tui.visit.states import can_move

_log = logging.getLogger(__name__)

BAD_OUTCOME = Msg("未知的入户结果。", "Unknown visit outcome.")
BAD_CHANNEL = Msg("未知的预约方式。", "Unknown appointment channel.")


class AttemptsMixin(SessionCore):
    """Attempts, appointments and the outcomes the supervisor sees."""

    def record_attempt(self, dwelling_id: str, attempt: Attempt) -> None:
        outcome = outcome_of(attempt.outcome)
        if outcome is None:
            raise BadInput(BAD_OUTCOME)
        self.store.dwelling(dwelling_id)
        channel = str(attempt.channel) if attempt.channel else ""
        if channel and channel_of(channel) is None:
            raise BadInput(BAD_CHANNEL)
        with self.store.transaction():
            case_uuid = self._primary_case(dwelling_id)
            self.store.add_attempt(
                dwelling_id,
                outcome.value,
                household_uuid=case_uuid,
                channel=channel,
                doubt=attempt.doubt,
                note=attempt.note,
                at=attempt.at,
                actor=self.account,
            )
            if outcome is Outcome.APPOINTMENT and attempt.appointment_at is not None:
                for appt in self.store.appointments(dwelling_id):
                    if appt.status == "booked":
                        self.store.set_appointment_status(appt.id, "rebooked", actor=self.account)
                self.store.add_appointment(
                    dwelling_id, attempt.appointment_at, channel=channel, actor=self.account
                )
            # An attempt on a case already in the interview (or beyond) is recorded without
            # changing its state.
            if can_move(self._state(case_uuid), OUTCOME_STATE[outcome]):
                self._move(case_uuid, OUTCOME_STATE[outcome])
            if outcome in REPORTED_OUTCOMES:
                self._report_outcome(dwelling_id, outcome, attempt)
        _log.info("dwelling %s: attempt %s", dwelling_id, outcome.value)

    def _report_outcome(self, dwelling_id: str, outcome: Outcome, attempt: Attempt) -> None:
        """Refusals, vacant dwellings and no-contacts reach the supervisor through the outbox."""
        tries = sum(1 for a in self.store.attempts(dwelling_id) if a.outcome == outcome)
        outcome_uuid = str(uuidlib.uuid4())
        doc = {
            "outcome_uuid": outcome_uuid,
            "dwelling_id": dwelling_id,
            "kind": outcome.value,
            "at": iso(attempt.at),
            "attempts": tries,
            "note": attempt.doubt,
            "training": self.training,
        }
        payload = json.dumps(doc, ensure_ascii=False).encode()
        self.store.enqueue(KIND_OUTCOME, outcome_uuid, 0, payload)

    def attempts(self, dwelling_id: str) -> list[Attempt]:
        """The dwelling's attempts, oldest first (an unknown stored outcome is left out); an
        appointment attempt carries the time it booked (the appointments, in the order they
        were made, belong to the appointment attempts, latest with latest)."""
        out = []
        by = {
            m["attempt"]: str(m["actor"])
            for m in self.store.history_marks().values()
            if m.get("kind") == "attempt" and m.get("dwelling") == dwelling_id
        }
        for a in self.store.attempts(dwelling_id):
            outcome = outcome_of(a.outcome)
            if outcome is not None:
                out.append(
                    Attempt(
                        at=a.at,
                        outcome=outcome,
                        channel=channel_of(a.channel),
                        doubt=a.doubt,
                        note=a.note,
                        by=by.get(a.id, ""),
                    )
                )
        booked = sorted(self.store.appointments(dwelling_id), key=lambda b: b.id)
        booking = [i for i, a in enumerate(out) if a.outcome is Outcome.APPOINTMENT]
        for i, appt in zip(reversed(booking), reversed(booked), strict=False):
            out[i] = replace(out[i], appointment_at=appt.scheduled_at)
        return out

    def suggest_slot(self, dwelling_id: str) -> datetime | None:
        """After two no-contacts: the next evening (19:00), or a weekend morning (Saturday 10:00)
        if the household was already missed in the evening (FIELDWORK: evenings and weekends)."""
        misses = [a for a in self.store.attempts(dwelling_id) if a.outcome == Outcome.NO_CONTACT]
        if len(misses) < 2:
            return None
        now = self.clock.now().astimezone(self.tz)
        missed_evening = any(a.at.astimezone(self.tz).hour >= 18 for a in misses)
        if missed_evening:
            days = (5 - now.weekday()) % 7 or 7
            slot = (now + timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)
        else:
            slot = now.replace(hour=19, minute=0, second=0, microsecond=0)
            if slot <= now + timedelta(hours=1):
                slot += timedelta(days=1)
        return slot
