"""The case lifecycle is written once (visit/states.py) and every state change of the session
goes through it: an illegal transition is refused and leaves the case as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import ConflictError
from census_tui.store import KdfParams
from census_tui.visit import states
from census_tui.visit.api import Attempt
from census_tui.visit.outcomes import Outcome
from census_tui.visit.practice import make_local_profile
from census_tui.visit.service import VisitSession
from census_tui.visit.states import ALLOWED, CaseState, IllegalMove, can_move, move

CHEAP = KdfParams(n=2**10, r=1, p=1)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[VisitSession]:
    clock = FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))
    s = make_local_profile(tmp_path, "enum01", "practice-pass-1", clock=clock, kdf=CHEAP)
    yield s
    s.close()


@pytest.mark.parametrize("src", list(CaseState))
def test_move_allows_exactly_the_lifecycles_transitions(src: CaseState) -> None:
    for dst in CaseState:
        if dst in ALLOWED[src]:
            assert can_move(src, dst) and move(src, dst) is dst
        else:
            assert not can_move(src, dst)
            with pytest.raises(IllegalMove) as refused:
                move(src, dst)
            assert isinstance(refused.value, ConflictError)
            assert refused.value.src is src and refused.value.dst is dst


def test_an_illegal_transition_is_refused_and_nothing_is_written(session: VisitSession) -> None:
    hh = session.start_interview("D0001")
    assert session.store.case(hh).state == CaseState.INTERVIEWING
    with pytest.raises(IllegalMove):
        session._move(hh, CaseState.APPROVED)  # approval comes from the supervisor, after sync
    with pytest.raises(IllegalMove):
        session._move(hh, CaseState.COMPLETED)  # completion needs the self-check and read-back
    assert session.store.case(hh).state == CaseState.INTERVIEWING


def test_a_change_to_an_approved_case_is_refused(session: VisitSession) -> None:
    hh = session.start_interview("D0002")
    session.store.set_state(hh, CaseState.APPROVED)  # as the sync writes it
    with pytest.raises(ConflictError):
        session.set_answer(hh, "", "H1", 1)
    with pytest.raises(ConflictError):
        session.add_person(hh)
    assert session.store.case(hh).state == CaseState.APPROVED
    assert session.household(hh).answers == {} and session.household(hh).persons == []


def test_making_a_case_editable_follows_the_lifecycle_table(
    session: VisitSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With read-back → interviewing struck from the table, a change after the read-back is
    refused: the session asks the lifecycle instead of moving the case on its own."""
    hh = session.start_interview("D0003")
    session.store.set_state(hh, CaseState.READ_BACK)
    monkeypatch.setitem(states.ALLOWED, CaseState.READ_BACK, frozenset({CaseState.COMPLETED}))
    with pytest.raises(ConflictError):
        session.set_answer(hh, "", "H1", 1)
    assert session.store.case(hh).state == CaseState.READ_BACK
    assert session.household(hh).answers == {}
    monkeypatch.undo()
    session.set_answer(hh, "", "H1", 1)  # the real table: back to interviewing
    assert session.store.case(hh).state == CaseState.INTERVIEWING


def test_an_attempt_moves_a_listed_case_but_never_an_interview(session: VisitSession) -> None:
    now = session.clock.now()
    session.record_attempt("D0004", Attempt(at=now, outcome=Outcome.NO_CONTACT))
    [case] = session.store.cases("D0004")
    assert case.state == CaseState.NO_CONTACT
    hh = session.start_interview("D0004")
    session.record_attempt("D0004", Attempt(at=now, outcome=Outcome.REFUSED))
    assert session.store.case(hh).state == CaseState.INTERVIEWING  # recorded, state kept
    assert [a.outcome for a in session.attempts("D0004")] == [Outcome.NO_CONTACT, Outcome.REFUSED]
