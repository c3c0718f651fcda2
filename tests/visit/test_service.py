"""The visit workflow over a real SQLCipher profile, without a terminal."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import AuthError, BadInput, ConflictError
from census_tui.store import KdfParams
from census_tui.visit.api import Attempt
from census_tui.visit.core import KIND_HOUSEHOLD, KIND_OUTCOME
from census_tui.visit.gate import VisitGate
from census_tui.visit.outcomes import Channel, Outcome
from census_tui.visit.practice import make_local_profile
from census_tui.visit.service import VisitSession
from census_tui.visit.states import Board, CaseState
from tests.validation.builders import person_answers

CHEAP = KdfParams(n=2**10, r=1, p=1)
PASSWORD = "practice-pass-1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))


@pytest.fixture
def session(tmp_path: Path, clock: FakeClock) -> Iterator[VisitSession]:
    s = make_local_profile(tmp_path, "enum01", PASSWORD, clock=clock, kdf=CHEAP, dwellings=12)
    s.tz = UTC
    yield s
    s.close()


def _fill_person(s: VisitSession, hh: str, p: str, answers: Mapping[str, int | str]) -> None:
    for item, value in answers.items():
        s.set_answer(hh, p, item, value)


def _fill_household(s: VisitSession, hh: str, n: int) -> None:
    for item, value in {
        "H1": 1,
        "H2a": n,
        "H2b": 0,
        "H3m": 0,
        "H3f": 0,
        "H4m": 0,
        "H4f": 0,
        "H5": 1,
        "H6": 90,
        "H7": 3,
    }.items():
        s.set_answer(hh, "", item, value)


def test_whole_visit_completes_and_queues_the_payload(session: VisitSession) -> None:
    s = session
    s.record_attempt(
        "D0001",
        Attempt(
            at=s.clock.now(),
            outcome=Outcome.APPOINTMENT,
            channel=Channel.PHONE,
            appointment_at=s.clock.now() + timedelta(hours=3),
        ),
    )
    row = next(r for r in s.dashboard().rows if r.dwelling_id == "D0001")
    assert row.state is CaseState.APPOINTMENT and row.appointment_at is not None
    assert s.dashboard().rows[0].dwelling_id == "D0001"  # today's appointment first
    s.record_identity_shown("D0001", {"work_id": True, "letter": True, "purpose": True})
    hh = s.start_interview("D0001")
    _fill_household(s, hh, 3)
    people = [(0, 1, "1975-05"), (1, 2, "1977-08"), (2, 1, "2005-03")]
    uuids = []
    for i, (rel, sex, birth) in enumerate(people):
        p = s.add_person(hh)
        uuids.append(p)
        _fill_person(s, hh, p, person_answers(rel, sex, birth, seq=i + 1))
    assert s.can_complete(hh)
    # an error: the spouse's sex flipped against her ID number (P-04, overridable) …
    s.set_answer(hh, uuids[1], "D4", 1)
    rules = {f.rule_id for f in s.findings(hh)}
    assert "P-04" in rules and not s.can_complete(hh)
    # … corrected
    s.set_answer(hh, uuids[1], "D4", 2)
    assert "P-04" not in {f.rule_id for f in s.findings(hh)}
    # a warning: the child is only 14 years younger than … make the head's spouse 2 years older
    s.set_answer(hh, "", "H6", 2000)  # HH-06 area per person too large
    warning = next(f for f in s.findings(hh) if f.rule_id == "HH-06")
    assert warning.severity == "warning" and not warning.confirmed
    with pytest.raises(BadInput):
        s.confirm(hh, "HH-06", "", "   ")
    s.confirm(hh, "HH-06", "", "villa with garden, checked")
    assert next(f for f in s.findings(hh) if f.rule_id == "HH-06").confirmed
    s.self_check_passed(hh)
    lines = s.readback(hh, "zh")
    assert any(line.text == "男" for line in lines)
    s.complete(hh, "户主本人")
    case = s.store.case(hh)
    assert case.state == CaseState.COMPLETED and case.revision == 1
    [item] = [i for i in s.store.outbox_pending() if i.kind == KIND_HOUSEHOLD]
    doc = json.loads(item.payload)
    assert doc["case_uuid"] == hh and len(doc["persons"]) == 3
    assert doc["confirmations"][0]["rule_id"] == "HH-06"
    assert doc["read_back"]["respondent_name"] == "户主本人"
    assert s.dashboard().counts[Board.COMPLETED] == 1


def test_confirmation_lapses_when_its_answer_changes(session: VisitSession) -> None:
    s = session
    hh = s.start_interview("D0002")
    _fill_household(s, hh, 1)
    p = s.add_person(hh)
    _fill_person(s, hh, p, person_answers(0, 1, "1975-05"))
    s.set_answer(hh, "", "H6", 2000)
    s.confirm(hh, "HH-06", "", "large house")
    s.set_answer(hh, "", "H6", 2500)
    assert not next(f for f in s.findings(hh) if f.rule_id == "HH-06").confirmed
    assert s.store.confirmations(hh) == []


def test_skip_clears_answers_that_no_longer_apply(session: VisitSession) -> None:
    s = session
    hh = s.start_interview("D0003")
    _fill_household(s, hh, 1)
    s.set_answer(hh, "", "H5", 2)
    assert "H6" not in s.household(hh).answers and "H7" not in s.household(hh).answers


def test_reopen_completed_and_refuse_synced(session: VisitSession) -> None:
    s = session
    hh = s.start_interview("D0004")
    _fill_household(s, hh, 1)
    p = s.add_person(hh)
    _fill_person(s, hh, p, person_answers(0, 1, "1975-05"))
    s.complete(hh, "本人")
    s.set_answer(hh, p, "D12", 1)  # unchanged value: stays completed
    assert s.store.case(hh).state == CaseState.COMPLETED
    assert [i.revision for i in s.store.outbox_pending()] == [1]
    s.set_answer(hh, "", "H7", 4)  # a real change reopens; the confirmation lapses
    case = s.store.case(hh)
    assert case.state == CaseState.INTERVIEWING and case.confirmed_by is None
    assert s.store.outbox_pending() == []  # revision 1 is withdrawn, never sent
    s.complete(hh, "本人")
    assert s.store.case(hh).revision == 2
    assert [i.revision for i in s.store.outbox_pending()] == [2]
    s.store.set_state(hh, "synced")
    with pytest.raises(ConflictError):
        s.set_answer(hh, "", "H7", 5)


def test_refusal_reaches_the_outbox_and_two_misses_suggest_a_slot(session: VisitSession) -> None:
    s = session
    now = s.clock.now()
    s.record_attempt("D0005", Attempt(at=now, outcome=Outcome.REFUSED, doubt="tax"))
    assert [i.kind for i in s.store.outbox_pending()] == [KIND_OUTCOME]
    assert s.suggest_slot("D0006") is None
    s.record_attempt("D0006", Attempt(at=now, outcome=Outcome.NO_CONTACT))
    s.record_attempt("D0006", Attempt(at=now + timedelta(hours=1), outcome=Outcome.NO_CONTACT))
    slot = s.suggest_slot("D0006")
    assert slot is not None and slot.hour == 19 and slot > now
    s.record_attempt("D0006", Attempt(at=now.replace(hour=20), outcome=Outcome.NO_CONTACT))
    weekend = s.suggest_slot("D0006")
    assert weekend is not None and weekend.weekday() == 5 and weekend.hour == 10


def test_second_household_gets_the_next_number(session: VisitSession) -> None:
    s = session
    first = s.start_interview("D0007")
    second = s.open_second_household("D0007")
    assert s.store.case(second).hh_number > s.store.case(first).hh_number
    assert next(r for r in s.dashboard().rows if r.dwelling_id == "D0007").households == 2


def test_dashboard_filter_fields_and_added_dwelling(session: VisitSession) -> None:
    s = session
    new = s.add_dwelling("工地宿舍 3号棚", "construction_site")
    hh = s.start_interview(new)
    p = s.add_person(hh)
    s.set_answer(hh, p, "D1", "张三丰")
    s.set_answer(hh, p, "D2", 0)
    row = next(r for r in s.dashboard().rows if r.dwelling_id == new)
    assert row.head_name == "张三丰" and row.board is Board.IN_PROGRESS


def test_position_is_remembered_across_sessions(tmp_path: Path, clock: FakeClock) -> None:
    s = make_local_profile(tmp_path, "enum02", PASSWORD, clock=clock, kdf=CHEAP, dwellings=2)
    hh = s.start_interview("D0001")
    s.remember_position(hh, "", "H5")
    s.close()
    again = VisitGate(clock=clock, base=tmp_path).unlock("enum02", PASSWORD)
    assert again.last_position(hh) == ("", "H5")
    with pytest.raises(AuthError):
        again.unlock_again("wrong-password")
    again.unlock_again(PASSWORD)
    again.close()


def test_the_household_cache_keeps_only_the_latest_few(session: VisitSession) -> None:
    """A session reads thousands of households over a census; what it keeps read is bounded."""
    from census_tui.visit.core import CACHE_KEEP

    uuids = [session.start_interview(f"D{i:04d}") for i in range(1, 11)]
    for hh in uuids:
        session.household(hh)
    assert len(session._cache) == CACHE_KEEP
    assert list(session._cache) == uuids[-CACHE_KEEP:]
