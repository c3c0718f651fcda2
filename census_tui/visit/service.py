"""The session the screens talk to: the visit workflow over the store, walker and checks.

Implements :class:`census_tui.visit.api.Session` and :class:`~census_tui.visit.api.Gate`.
Plain Python: no Textual here, so the whole visit is testable without a terminal and the CLI
(demo, crash storms) can drive the same code the TUI does.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import hmac
import json
import logging
import uuid as uuidlib
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from census_tui.clock import Clock, iso
from census_tui.errors import BadInput, ConflictError
from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE, Household, Value
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Form, load_form
from census_tui.store import (
    META_ACCOUNT,
    META_AREA,
    META_ENUMERATOR_CARD,
    META_TOKEN,
    META_TRAINING,
    Dwelling,
    NotFound,
    Store,
    unlock,
)
from census_tui.validation.engine import (
    check_household,
    completion_status,
    confirmation_is_current,
    confirmation_key,
    make_confirmation,
)
from census_tui.validation.findings import Finding
from census_tui.validation.household_json import ReadBack, to_json
from census_tui.visit.api import (
    Attempt,
    Dashboard,
    DwellingRow,
    EnumeratorCard,
    FindingView,
    HouseholdCase,
    ReadBackLine,
    ReturnedCase,
    SyncOutcome,
    SyncProgress,
)
from census_tui.visit.readback import readback_lines
from census_tui.visit.scenarios import Comparison, Scenario, compare, scenario_for
from census_tui.visit.states import Board, CaseState, board_of, can_move

if TYPE_CHECKING:
    from census_tui.roster.service import RosterService

_log = logging.getLogger(__name__)
"""Case ids, states and counts only: never answers."""

KIND_HOUSEHOLD = "household"
KIND_OUTCOME = "outcome"
POSITION_META = "position:"
# Outcomes the server's supervisors see (docs/protocol.md, POST /outcomes).
_REPORTED_OUTCOMES = {"refused", "vacant", "no_contact"}
_OUTCOME_STATE = {
    "no_contact": CaseState.NO_CONTACT,
    "appointment": CaseState.APPOINTMENT,
    "phone_registration": CaseState.PHONE_REGISTRATION,
    "refused": CaseState.REFUSED,
    "vacant": CaseState.VACANT,
    "not_residential": CaseState.NOT_RESIDENTIAL,
}
_OPEN_STATES = (
    CaseState.INTERVIEWING,
    CaseState.SELF_CHECKED,
    CaseState.READ_BACK,
    CaseState.RETURNED,
)
_EDITABLE_AFTER_CHECK = (CaseState.SELF_CHECKED, CaseState.READ_BACK, CaseState.RETURNED)
_DONE_STATES = (CaseState.SYNCED, CaseState.APPROVED, CaseState.COMPLETED)
_PRE_INTERVIEW_STATES = (  # attempts only: the interview starts here (states.py)
    CaseState.LISTED,
    CaseState.NO_CONTACT,
    CaseState.APPOINTMENT,
    CaseState.PHONE_REGISTRATION,
    CaseState.REFUSED,
    CaseState.VACANT,
    CaseState.NOT_RESIDENTIAL,
)

NOT_EDITABLE = Msg(
    "该户已上传或已审核,不能修改;如需更正请联系普查指导员。",
    "This household has been uploaded or approved and cannot be changed; ask your supervisor.",
)
NOT_READY = Msg(
    "还有错误或未确认的提示,请先完成自查。",
    "There are errors or unconfirmed warnings: finish the self-check first.",
)
NEED_RESPONDENT = Msg("请填写确认人姓名。", "Enter the name of the respondent who confirmed.")
UNKNOWN_FINDING = Msg(
    "该提示已不存在(答案可能已修改)。", "That finding no longer applies (an answer changed)."
)
BAD_OUTCOME = Msg("未知的入户结果。", "Unknown visit outcome.")
NOT_THIS_DWELLING = Msg("该户不属于这个住户。", "That household belongs to another dwelling.")


def _local_tz() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


class VisitSession:
    """An unlocked profile. One per login; closed on logout or exit."""

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
        self.tz = tz or _local_tz()
        self.training = store.get_meta(META_TRAINING) == "1"
        self.lang_default = "zh"
        self.account = store.get_meta(META_ACCOUNT) or profile
        self.locked = False
        self._cache: dict[str, tuple[tuple[int, int], Household]] = {}
        """Household case → (store change count when read, household): the interview reads
        the same household several times per keystroke; any write through the store (this
        session, roster mode) changes the count and so invalidates it."""

    # --- identity -----------------------------------------------------------------------

    def card(self) -> EnumeratorCard:
        raw = self.store.get_meta(META_ENUMERATOR_CARD) or "{}"
        data = json.loads(raw)
        d = data if isinstance(data, dict) else {}

        def g(key: str) -> str:
            v = d.get(key, "")
            return v if isinstance(v, str) else ""

        return EnumeratorCard(
            name=g("name"),
            work_id=g("work_id"),
            area_id=g("area_id"),
            area_name=g("area_name"),
            office=g("issuing_office"),
            valid_from=g("valid_from"),
            valid_to=g("valid_until"),
        )

    def verification_code(self) -> str:
        """A short code for the resident to check with the census office's hotline.

        HMAC of the work ID and today's date under the login token: the server, which issued
        the token, computes the same code; anyone who copied a card cannot.
        """
        token = (self.store.get_meta(META_TOKEN) or self.account).encode()
        day = self.clock.now().astimezone(self.tz).date().isoformat()
        mac = hmac.new(token, f"{self.card().work_id}|{day}".encode(), hashlib.sha256)
        return f"{int.from_bytes(mac.digest()[:5], 'big') % 10**8:08d}"

    def record_identity_shown(self, dwelling_id: str, checklist: dict[str, bool]) -> None:
        self.store.dwelling(dwelling_id)
        self.store.log_event(
            "identity_shown",
            actor=self.account,
            data={"dwelling": dwelling_id, "checklist": {k: bool(v) for k, v in checklist.items()}},
        )

    # --- dashboard ----------------------------------------------------------------------

    def area_id(self) -> str:
        area = self.store.get_meta(META_AREA)
        if area:
            return area
        areas = self.store.areas()
        return areas[0].id if areas else ""

    def dashboard(self) -> Dashboard:
        """The worklist: appointments due today (or overdue) first by time, then every other
        dwelling by id. Built a batch of dwellings at a time into a compact
        :class:`~census_tui.visit.worklist.Worklist` (a 5,000-dwelling area never sits in memory
        as 5,000 row objects)."""
        from census_tui.visit.worklist import WorklistBuilder

        area_id = self.area_id()
        area_name = next((a.name for a in self.store.areas() if a.id == area_id), "")
        cases_by_dwelling: dict[str, list[tuple[int, str, str]]] = {}
        for c in self.store.cases():
            cases_by_dwelling.setdefault(c.dwelling_id, []).append((c.hh_number, c.state, c.uuid))
        heads = self.store.head_names()
        now = self.clock.now()
        today_end = (now.astimezone(self.tz) + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        booked: dict[str, datetime] = {}
        for booking in self.store.appointments():
            if booking.status == "booked":
                booked[booking.dwelling_id] = booking.scheduled_at
        comments = self._return_comments()

        def row_of(d: Dwelling) -> DwellingRow:
            cases = sorted(cases_by_dwelling.get(d.id, []))
            # The row shows the first household still needing work (a second household
            # keeps the dwelling on the worklist after the first is completed).
            todo = [c for c in cases if CaseState(c[1]) not in _DONE_STATES]
            state = CaseState((todo or cases)[0][1]) if cases else CaseState.LISTED
            appt = booked.get(d.id) if state is CaseState.APPOINTMENT else None
            return DwellingRow(
                dwelling_id=d.id,
                address=d.address or f"{d.building} {d.unit}".strip(),
                kind=d.kind,
                state=state,
                board=board_of(state),
                households=len(cases),
                head_name=next((heads[u] for _, _, u in cases if u in heads), ""),
                appointment_at=appt,
                overdue=appt is not None and appt < now,
                returned_comment=next((comments[u] for _, _, u in cases if u in comments), ""),
                note=d.note,
            )

        due: list[DwellingRow] = []
        for dwelling_id, at in booked.items():
            if at < today_end:
                d = self.store.dwelling(dwelling_id)
                if not area_id or d.area_id == area_id:
                    row = row_of(d)
                    if row.appointment_at is not None:
                        due.append(row)
        due.sort(key=lambda r: (r.appointment_at or now, r.dwelling_id))
        first = {r.dwelling_id for r in due}
        counts = {b: 0 for b in Board}
        worklist = WorklistBuilder()
        for row in due:
            worklist.add(row)
            counts[row.board] += 1
        for d in self.store.iter_dwellings(area_id or None):
            if d.id not in first:
                row = row_of(d)
                worklist.add(row)
                counts[row.board] += 1
        rows = worklist.build()
        log = self.store.sync_log(limit=20)
        last_ok = next((e.at for e in log if e.op == "sync" and e.result != "error"), None)
        return Dashboard(
            area_id=area_id,
            area_name=area_name,
            rows=rows,
            counts=counts,
            last_sync_at=last_ok,
            outbox_depth=self.store.outbox_depth(),
            training=self.training,
        )

    def add_dwelling(self, address: str, kind: str = "ordinary") -> str:
        """A dwelling found on site (not in the listing); ids N0001, N0002 … on this device."""
        address = address.strip()
        if not address:
            raise BadInput(Msg("请填写地址。", "Enter the address."))
        taken = {d.id for d in self.store.dwellings()}
        n = 1
        while f"N{n:04d}" in taken:
            n += 1
        new_id = f"N{n:04d}"
        self.store.upsert_dwelling(
            Dwelling(
                new_id,
                self.area_id(),
                address=address[:200],
                kind=kind,
                added_on_site=True,
                sort_key=new_id,
            )
        )
        self.store.log_event("dwelling_added", actor=self.account, data={"dwelling": new_id})
        return new_id

    def open_second_household(self, dwelling_id: str) -> str:
        """Another household in the same dwelling: its own 户编号 after the area's highest."""
        return self.store.create_household(dwelling_id, training=self.training, actor=self.account)

    # --- attempts and appointments ------------------------------------------------------

    def _primary_case(self, dwelling_id: str) -> str:
        cases = sorted(self.store.cases(dwelling_id), key=lambda c: c.hh_number)
        for c in cases:
            if c.state not in _DONE_STATES:
                return c.uuid
        if cases:
            return cases[0].uuid
        return self.store.create_household(dwelling_id, training=self.training, actor=self.account)

    def record_attempt(self, dwelling_id: str, attempt: Attempt) -> None:
        if attempt.outcome not in _OUTCOME_STATE:
            raise BadInput(BAD_OUTCOME)
        self.store.dwelling(dwelling_id)
        with self.store.transaction():
            case_uuid = self._primary_case(dwelling_id)
            case = self.store.case(case_uuid)
            self.store.add_attempt(
                dwelling_id,
                attempt.outcome,
                household_uuid=case_uuid,
                channel=attempt.channel,
                doubt=attempt.doubt,
                note=attempt.note,
                at=attempt.at,
                actor=self.account,
            )
            if attempt.outcome == "appointment" and attempt.appointment_at is not None:
                for appt in self.store.appointments(dwelling_id):
                    if appt.status == "booked":
                        self.store.set_appointment_status(appt.id, "rebooked", actor=self.account)
                self.store.add_appointment(
                    dwelling_id,
                    attempt.appointment_at,
                    channel=attempt.channel,
                    actor=self.account,
                )
            target = _OUTCOME_STATE[attempt.outcome]
            if can_move(CaseState(case.state), target):
                self.store.set_state(case_uuid, target, actor=self.account)
            if attempt.outcome in _REPORTED_OUTCOMES:
                self._report_outcome(dwelling_id, attempt)
        _log.info("dwelling %s: attempt %s", dwelling_id, attempt.outcome)

    def _report_outcome(self, dwelling_id: str, attempt: Attempt) -> None:
        """Refusals, vacant dwellings and no-contacts reach the supervisor through the outbox."""
        tries = sum(1 for a in self.store.attempts(dwelling_id) if a.outcome == attempt.outcome)
        outcome_uuid = str(uuidlib.uuid4())
        doc = {
            "outcome_uuid": outcome_uuid,
            "dwelling_id": dwelling_id,
            "kind": attempt.outcome,
            "at": iso(attempt.at),
            "attempts": tries,
            "note": attempt.doubt,
            "training": self.training,
        }
        payload = json.dumps(doc, ensure_ascii=False).encode()
        self.store.enqueue(KIND_OUTCOME, outcome_uuid, 0, payload)

    def attempts(self, dwelling_id: str) -> list[Attempt]:
        return [
            Attempt(at=a.at, outcome=a.outcome, channel=a.channel, doubt=a.doubt, note=a.note)
            for a in self.store.attempts(dwelling_id)
        ]

    def suggest_slot(self, dwelling_id: str) -> datetime | None:
        """After two no-contacts: the next evening (19:00), or a weekend morning (Saturday 10:00)
        if the household was already missed in the evening (FIELDWORK: evenings and weekends)."""
        misses = [a for a in self.store.attempts(dwelling_id) if a.outcome == "no_contact"]
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

    # --- the interview ------------------------------------------------------------------

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
            state = CaseState(self.store.case(case_uuid).state)
            if state in _PRE_INTERVIEW_STATES:
                self.store.set_state(case_uuid, CaseState.INTERVIEWING, actor=self.account)
            return case_uuid

    def households(self, dwelling_id: str) -> list[HouseholdCase]:
        """The household cases of one dwelling by 户编号 (a dwelling can hold several)."""
        heads = self.store.head_names()
        return [
            HouseholdCase(c.uuid, c.hh_number, CaseState(c.state), heads.get(c.uuid, ""))
            for c in sorted(self.store.cases(dwelling_id), key=lambda c: c.hh_number)
        ]

    def _current(self, hh_uuid: str) -> Household:
        """The household as stored now (shared, read-only: callers get copies)."""
        stamp = self.store.change_count()
        hit = self._cache.get(hh_uuid)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        hh = self.store.household(hh_uuid)
        self._cache[hh_uuid] = (stamp, hh)
        return hh

    def household(self, hh_uuid: str) -> Household:
        return copy.deepcopy(self._current(hh_uuid))

    def _editable(self, hh_uuid: str) -> CaseState:
        """Make the case editable (a change after self-check or read-back reopens it)."""
        state = CaseState(self.store.case(hh_uuid).state)
        if state in (CaseState.SYNCED, CaseState.APPROVED):
            raise ConflictError(NOT_EDITABLE)
        if state is CaseState.COMPLETED:
            self.reopen(hh_uuid)
            return CaseState.INTERVIEWING
        if state in _EDITABLE_AFTER_CHECK or state not in _OPEN_STATES:
            self.store.set_state(hh_uuid, CaseState.INTERVIEWING, actor=self.account)
            return CaseState.INTERVIEWING
        return state

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
            raise BadInput(Msg("备注为空。", "The note is empty."))
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

    # --- checks -------------------------------------------------------------------------

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
        labels = {p.uuid: self._person_label(hh, i) for i, p in enumerate(hh.persons)}
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
                )
            )
        return out

    @staticmethod
    def _person_label(hh: Household, index: int) -> str:
        name = hh.persons[index].answers.get("D1")
        return f"{index + 1}. {name}" if isinstance(name, str) and name else f"{index + 1}."

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
        missing = walker.missing(self.form, hh)
        return not missing and completion_status(hh, self._findings(hh)).may_complete

    def missing(self, hh_uuid: str) -> list[tuple[str, str]]:
        """Applicable, required questions still unanswered."""
        return walker.missing(self.form, self._current(hh_uuid))

    def self_check_passed(self, hh_uuid: str) -> None:
        if not self.can_complete(hh_uuid):
            raise BadInput(NOT_READY)
        state = CaseState(self.store.case(hh_uuid).state)
        if state is not CaseState.SELF_CHECKED:
            self._editable(hh_uuid)
            self.store.set_state(hh_uuid, CaseState.SELF_CHECKED, actor=self.account)

    def readback(self, hh_uuid: str, lang: str) -> list[ReadBackLine]:
        hh = self._current(hh_uuid)
        return readback_lines(self.form, hh, "zh" if lang == "zh" else "en")

    def complete(self, hh_uuid: str, respondent: str) -> None:
        """The respondent confirmed the read-back: complete and queue for upload, atomically."""
        respondent = respondent.strip()
        if not respondent:
            raise BadInput(NEED_RESPONDENT)
        if not self.can_complete(hh_uuid):
            raise BadInput(NOT_READY)
        now = iso(self.clock.now())
        with self.store.transaction():
            state = CaseState(self.store.case(hh_uuid).state)
            if state is not CaseState.SELF_CHECKED and state is not CaseState.READ_BACK:
                self.self_check_passed(hh_uuid)
                state = CaseState.SELF_CHECKED
            if state is CaseState.SELF_CHECKED:
                self.store.set_state(hh_uuid, CaseState.READ_BACK, actor=self.account)
            self.store.set_confirmed(hh_uuid, respondent[:50], actor=self.account)
            revision = self.store.bump_revision(hh_uuid)
            self.store.set_state(hh_uuid, CaseState.COMPLETED, actor=self.account)
            hh = self._current(hh_uuid)
            doc = to_json(hh, read_back=ReadBack(respondent[:50], now), completed_at=now)
            payload = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
            self.store.enqueue(KIND_HOUSEHOLD, hh_uuid, revision, payload)
        _log.info("household %s completed, revision %d queued", hh_uuid, revision)

    def reopen(self, hh_uuid: str) -> None:
        """A completed household not yet synced goes back to interviewing; the respondent's
        confirmation lapses and the queued upload of that revision is withdrawn (the supervisor
        must not see a version the respondent's confirmation no longer covers)."""
        state = CaseState(self.store.case(hh_uuid).state)
        if state is not CaseState.COMPLETED:
            if state in (CaseState.SYNCED, CaseState.APPROVED):
                raise ConflictError(NOT_EDITABLE)
            return
        with self.store.transaction():
            self.store.set_confirmed(hh_uuid, None, actor=self.account)
            self.store.set_state(hh_uuid, CaseState.INTERVIEWING, actor=self.account)
            self.store.outbox_withdraw(KIND_HOUSEHOLD, hh_uuid)

    # --- roster mode (名册核对) --------------------------------------------------------------

    def roster(self) -> RosterService:
        """Roster operations for collective sites on this profile (the roster grid's backend)."""
        from census_tui.roster.service import RosterService

        return RosterService(self.store, actor=self.account)

    # --- practice (training only) -------------------------------------------------------

    def scenario(self, dwelling_id: str) -> Scenario | None:
        """The practice household scripted at this training dwelling (never on real data)."""
        if not self.training:
            return None
        return scenario_for(self.store.dwelling(dwelling_id).address)

    def practice_check(self, dwelling_id: str, lang: str) -> Comparison | None:
        """After a practice household is completed: the answers that differ from the truth."""
        scenario = self.scenario(dwelling_id)
        if scenario is None:
            return None
        done = (CaseState.COMPLETED, CaseState.SYNCED, CaseState.APPROVED)
        for case in sorted(self.store.cases(dwelling_id), key=lambda c: c.hh_number):
            if case.state in done:
                hh = self._current(case.uuid)
                return compare(self.form, scenario, hh, "zh" if lang == "zh" else "en")
        return None

    # --- returns and sync ---------------------------------------------------------------

    def _returns(self, hh_uuid: str | None = None) -> dict[str, ReturnedCase]:
        """The latest supervisor return of each household (or of one): its comment and the
        questions concerned, from the ``supervisor_returned`` events the sync logged. The
        dwelling is left empty here (callers that need it have the case at hand), so the
        dashboard pays for the events only."""
        out: dict[str, ReturnedCase] = {}
        for e in self.store.events(hh_uuid, kind="supervisor_returned"):
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

    def _return_comments(self) -> dict[str, str]:
        return {k: v.comment for k, v in self._returns().items()}

    def returned_cases(self) -> list[ReturnedCase]:
        """Cases now in the ``returned`` state, each with its latest return's comment and items."""
        latest = self._returns()
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
        found = self._returns(hh_uuid).get(hh_uuid)
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
        )

    # --- locking ------------------------------------------------------------------------

    def lock(self) -> None:
        _log.info("session locked")
        self.locked = True
        self.store.log_event("lock", actor=self.account)

    def unlock_again(self, password: str) -> None:
        """The password again after an idle lock: checked through the store's lockout."""
        unlock(self.profile, password, base=self.base, clock=self.clock).close()
        self.locked = False
        self.store.log_event("unlock", actor=self.account)

    def close(self) -> None:
        self.store.close()


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


# The gate lives in its own light module (start-up); re-exported for existing callers.
from census_tui.visit.gate import FirstLoginFlow, VisitGate, open_gate  # noqa: E402

__all__ = ["FirstLoginFlow", "VisitGate", "VisitSession", "open_gate"]
