"""A supervisor's return as the visit session sees it (issue 5 §8): ``returned_cases()`` with
the questions concerned, ``return_note()`` still there after the first correction, the latest
return winning. The household is completed through the session and synced to the real
reference server on 127.0.0.1; the supervisor returns it with the server's own API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.server.review import parse_spec
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.store import KdfParams
from census_tui.sync.engine import EVENT_RETURNED
from census_tui.visit.api import ReturnedCase
from census_tui.visit.gate import VisitGate
from census_tui.visit.service import VisitSession
from census_tui.visit.states import CaseState
from tests.validation.builders import person_answers

CHEAP = KdfParams(n=2**10, r=1, p=1)
AREA = "110105001001004"
PASSWORD = "visit-pass-1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[ServerDB, str]]:
    db = ServerDB(tmp_path / "server.db")
    add_enumerator(db, "enum01", PASSWORD, AREA, dwellings=3, ready=True)
    with ServerThread(db) as running:
        yield db, running.url
    db.close()


@pytest.fixture
def session(
    server: tuple[ServerDB, str], tmp_path: Path, clock: FakeClock
) -> Iterator[VisitSession]:
    gate = VisitGate(clock=clock, base=tmp_path / "device", kdf=CHEAP)
    s = gate.begin_first_login(server[1], "enum01", PASSWORD).finish()
    assert isinstance(s, VisitSession)
    yield s
    s.close()


def _completed_and_synced(s: VisitSession) -> tuple[str, list[str]]:
    """A two-person household completed and synced; (case uuid, person uuids)."""
    dwelling = s.dashboard().rows[0].dwelling_id
    hh = s.start_interview(dwelling)
    answers = {"H1": 1, "H2a": 2, "H2b": 0, "H3m": 0, "H3f": 0, "H4m": 0, "H4f": 0}
    for item, value in {**answers, "H5": 1, "H6": 60, "H7": 3}.items():
        s.set_answer(hh, "", item, value)
    persons = []
    for i, (rel, sex, birth) in enumerate([(0, 1, "1975-05"), (1, 2, "1977-08")]):
        p = s.add_person(hh)
        persons.append(p)
        for item, answer in person_answers(rel, sex, birth, seq=i + 1).items():
            s.set_answer(hh, p, item, answer)
    assert s.can_complete(hh), s.findings(hh)
    s.self_check_passed(hh)
    s.complete(hh, "户主本人")
    assert s.sync().error is None
    assert s.store.case(hh).state == CaseState.SYNCED
    return hh, persons


def _return(db: ServerDB, hh: str, comment: str, *specs: str) -> None:
    persons = db.case_persons(hh)
    db.review(hh, "returned", comment, "sup01", [parse_spec(x, persons) for x in specs])


def test_returned_case_names_the_questions(
    session: VisitSession, server: tuple[ServerDB, str]
) -> None:
    s, db = session, server[0]
    hh, persons = _completed_and_synced(s)
    assert s.returned_cases() == [] and s.return_note(hh) is None
    _return(db, hh, "D5 与证件不符；H6 请核实", "2:D5", "H6")
    assert s.sync().returned == 1
    dwelling = s.store.case(hh).dwelling_id
    expected = ReturnedCase(
        hh, dwelling, "D5 与证件不符；H6 请核实", [(persons[1], "D5"), ("", "H6")]
    )
    assert s.returned_cases() == [expected]
    assert s.return_note(hh) == expected

    # the first correction moves the case on: no longer returned, the note stays
    s.set_answer(hh, persons[1], "D5", "1977-09")
    assert s.store.case(hh).state == CaseState.INTERVIEWING
    assert s.returned_cases() == []
    assert s.return_note(hh) == expected


def test_the_latest_return_wins(session: VisitSession, server: tuple[ServerDB, str]) -> None:
    s, db = session, server[0]
    hh, persons = _completed_and_synced(s)
    _return(db, hh, "first", "H6")
    s.sync()
    s.set_answer(hh, "", "H6", 61)
    s.self_check_passed(hh)
    s.complete(hh, "户主本人")
    assert s.sync().error is None and s.store.case(hh).revision == 2
    _return(db, hh, "second", "1:D4")
    assert s.sync().returned == 1
    note = s.return_note(hh)
    assert note is not None and note.comment == "second"
    assert note.items == [(persons[0], "D4")]
    assert [c.items for c in s.returned_cases()] == [[(persons[0], "D4")]]


def test_events_without_items_read_as_none(session: VisitSession) -> None:
    """Events logged before returns carried items (or damaged) give no items, never a crash."""
    s = session
    dwelling = s.dashboard().rows[1].dwelling_id
    hh = s.start_interview(dwelling)
    s.store.log_event(EVENT_RETURNED, household=hh, data={"revision": 1, "comment": "old"})
    assert s.return_note(hh) == ReturnedCase(hh, dwelling, "old", [])
    bad = {"comment": 5, "items": [["", "H6"], ["only one"], "x", [1, 2]]}
    s.store.log_event(EVENT_RETURNED, household=hh, data=bad)
    assert s.return_note(hh) == ReturnedCase(hh, dwelling, "", [("", "H6")])
