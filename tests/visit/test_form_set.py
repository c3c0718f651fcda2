"""The form set in the visit layer (issue 17): each household on its own form, death records in
the interview's flow, a change of form, and roster mode staying on the short form.

The flow is tested without a store (plain households); the session over a real SQLCipher
profile."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import Household, Person
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Form, load_form
from census_tui.roster.service import RosterService
from census_tui.roster.state import RosterStatus
from census_tui.store import KdfParams
from census_tui.visit import flow
from census_tui.visit.api import FindingView
from census_tui.visit.practice import make_local_profile
from census_tui.visit.service import VisitSession
from tests.validation.builders import valid_household

CHEAP = KdfParams(n=2**10, r=1, p=1)


@pytest.fixture(scope="module")
def short() -> Form:
    return load_form("short2020")


@pytest.fixture(scope="module")
def long() -> Form:
    return load_form("long2020")


@pytest.fixture
def session(tmp_path: Path) -> Iterator[VisitSession]:
    clock = FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))
    s = make_local_profile(tmp_path, "enum01", "practice-pass-1", clock=clock, kdf=CHEAP)
    s.tz = UTC
    yield s
    s.close()


def _last(form: Form, hh: Household) -> flow.Position:
    return walker.positions(form, hh)[-1]


def _infant_death() -> Person:
    return Person("d00", {"S2": "未取名", "S3": 2, "S4": "2020-01", "S5": "2020-03", "S6": 1})


# --- the flow -----------------------------------------------------------------------------------


def test_after_the_persons_one_death_record_per_death(short: Form) -> None:
    hh = valid_household(2)
    hh.answers.update(H3f=1, H4f=1)  # an infant born 2020-01 who died 2020-03 (FACTS §2.2)
    assert flow.expected_deaths(short, hh) == 1 and flow.expected_persons(short, hh) == 2
    assert flow.next_step(short, hh, _last(short, hh)) == flow.AddDeath()
    hh.deaths.append(Person("d00"))
    # the last person's last question leads into the death record
    last_person = ("p01", walker.person_items(short, hh, "p01")[-1].id)
    assert flow.next_step(short, hh, last_person) == flow.Ask(("d00", "S2"))
    assert flow.death_start(short, hh, "d00") == ("d00", "S2")
    hh.deaths[0] = _infant_death()
    assert flow.next_step(short, hh, _last(short, hh)) == flow.SelfCheck()
    assert flow.answer_at(hh, ("d00", "S5")) == "2020-03"
    assert flow.record_name(short, hh, "d00") == "未取名"
    assert flow.scope_of(hh, "d00") == "death" and flow.scope_of(hh, "p00") == "person"


def test_persons_first_then_death_records(short: Form) -> None:
    """A person still to be listed comes before an existing death record."""
    hh = valid_household(2)
    hh.answers.update(H2a=3, H4m=1)
    hh.deaths.append(Person("d00"))
    last_person = ("p01", walker.person_items(short, hh, "p01")[-1].id)
    assert flow.next_step(short, hh, last_person) == flow.AddPerson()


def test_a_household_in_which_everyone_died(short: Form) -> None:
    hh = Household("hh", answers={"H1": 1, "H2a": 0, "H2b": 0, "H3m": 0, "H3f": 0})
    hh.answers.update(H4m=1, H4f=1)
    assert flow.expected_persons(short, hh) == 0 and flow.expected_deaths(short, hh) == 2
    last = walker.household_items(short, hh)[-1].id
    assert flow.next_step(short, hh, ("", last)) == flow.AddDeath()  # no person first
    hh.deaths.append(Person("d00"))
    assert flow.next_step(short, hh, ("", last)) == flow.Ask(("d00", "S2"))
    # 0 persons and no deaths is HH-03's error: the interview still asks for one person
    nobody = Household("hh", answers={"H2a": 0, "H2b": 0, "H4m": 0, "H4f": 0})
    assert flow.expected_persons(short, nobody) == 1


def test_death_counts_wait_until_every_record_could_be_made(short: Form) -> None:
    hh = valid_household(1)
    hh.answers.update(H4m=2)
    hh.deaths.append(Person("d00", {"S2": "甲"}))
    count = FindingView("HH-08", "error", "", "", ("H4m", "H4f"), Msg("x", "x"), False)
    pos = ("d00", "S2")
    assert flow.open_here(short, hh, [count], pos) == []
    hh.deaths.append(Person("d01", {"S2": "乙"}))
    assert flow.open_here(short, hh, [count], pos) == [count]


def test_the_hmt_form_counts_persons_from_fn() -> None:
    """The form for residents from outside the mainland: FN persons, no death records."""
    hmt = load_form("hmt2020")
    assert hmt.person_count_items == ("FN",) and not hmt.death_items
    hh = Household("hh", answers={"F1": 1, "FN": 2, "F2": 2}, form_id="hmt2020")
    assert flow.expected_persons(hmt, hh) == 2 and flow.expected_deaths(hmt, hh) == 0
    last = ("", walker.household_items(hmt, hh)[-1].id)
    assert flow.next_step(hmt, hh, last) == flow.AddPerson()
    hh.persons = [Person("a", {"R1": "Ann"}), Person("b")]
    assert flow.record_name(hmt, hh, "a") == "Ann"  # the name role is R1 here
    end = ("b", walker.person_items(hmt, hh, "b")[-1].id)
    assert flow.next_step(hmt, hh, end) == flow.SelfCheck()


# --- the session --------------------------------------------------------------------------------


def _household_items(s: VisitSession, hh: str, answers: dict[str, int]) -> None:
    for item, value in answers.items():
        s.set_answer(hh, "", item, value)


def test_each_household_on_its_own_form(session: VisitSession) -> None:
    s = session
    s.store.set_dwelling_form("D0002", "long2020")
    short_hh = s.start_interview("D0001")
    long_hh = s.start_interview("D0002")
    assert s.form_for(short_hh).id == "short2020" and s.form_for(long_hh).id == "long2020"
    assert s.household(long_hh).form_id == "long2020"
    # a second household found on site in the long-form dwelling takes the long form too
    assert s.form_for(s.open_second_household("D0002")).id == "long2020"
    s.set_answer(long_hh, "", "H5", 1)
    s.set_answer(long_hh, "", "H8", 2)  # a long-form item
    with pytest.raises(KeyError):
        s.set_answer(short_hh, "", "H8", 2)  # not on the short form
    # the long form's skips clear its own items (H5 = 2: H6–H18 are not asked)
    s.set_answer(long_hh, "", "H5", 2)
    assert "H8" not in s.household(long_hh).answers


def test_death_records_through_the_session(session: VisitSession) -> None:
    s = session
    hh = s.start_interview("D0001")
    _household_items(s, hh, {"H1": 1, "H2a": 1, "H2b": 0, "H3m": 0, "H3f": 1, "H4m": 0})
    s.set_answer(hh, "", "H4f", 1)
    p = s.add_person(hh)
    s.set_answer(hh, p, "D1", "王芳")
    d = s.add_death(hh)
    for item, value in _infant_death().answers.items():
        s.set_answer(hh, d, item, value)
    got = s.household(hh)
    assert [x.uuid for x in got.deaths] == [d] and got.deaths[0].answers["S5"] == "2020-03"
    lines = s.readback(hh, "zh")
    deaths = [line for line in lines if line.death]
    assert {line.person_uuid for line in deaths} == {d}
    assert any(line.text == "2020年3月" for line in deaths)  # S5 in words
    assert any(line.text == "未取名" for line in deaths)
    en = [line for line in s.readback(hh, "en") if line.death]
    assert any(line.text == "Female" for line in en)  # S3 in the respondent's language
    # a death finding names the record, numbered apart from the persons
    s.set_answer(hh, d, "S5", "2021-01")  # after the census year
    about = [f for f in s.findings(hh) if f.person_uuid == d]
    assert about and all(f.death and f.person_label == "1. 未取名" for f in about)
    s.remove_death(hh, d)
    assert s.household(hh).deaths == []


def test_a_form_without_deaths_refuses_a_death_record(session: VisitSession) -> None:
    s = session
    hh = s.start_interview("D0001")
    s.store.set_form(hh, "hmt2020", keep=())
    with pytest.raises(BadInput):
        s.add_death(hh)


def test_changing_the_form_keeps_the_shared_answers(session: VisitSession) -> None:
    s = session
    s.store.set_dwelling_form("D0002", "long2020")
    hh = s.start_interview("D0002")
    _household_items(s, hh, {"H1": 1, "H5": 1, "H6": 80, "H8": 2})
    p = s.add_person(hh)
    s.set_answer(hh, p, "D1", "李雷")
    preview = s.form_change(hh, "short2020")
    assert (preview.old, preview.new, preview.kept, preview.dropped) == (
        "long2020",
        "short2020",
        4,
        1,
    )
    assert s.household(hh).answers["H8"] == 2  # a preview writes nothing
    done = s.change_form(hh, "short2020")
    assert done == preview
    got = s.household(hh)
    assert got.form_id == "short2020" and "H8" not in got.answers
    assert got.answers["H6"] == 80 and got.persons[0].answers["D1"] == "李雷"
    with pytest.raises(BadInput):
        s.change_form(hh, "death2020")  # not a household's form


def test_roster_mode_stays_on_the_short_form(session: VisitSession) -> None:
    """A collective site the office put on the long form: roster mode still builds short-form
    collective households, and leaves a household interviewed there on the long form alone."""
    s = session
    s.store.set_dwelling_form("D0003", "long2020")
    interviewed = s.start_interview("D0003")
    svc: RosterService = s.roster()
    entry = svc.add_on_site("D0003", "张三")
    assert entry.status is RosterStatus.PRESENT
    built = svc.households("D0003")
    assert interviewed not in built and len(built) == 1
    assert s.store.case(built[0]).form_id == "short2020"
    assert s.household(interviewed).persons == []
