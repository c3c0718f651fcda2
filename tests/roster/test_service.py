"""Import into a real SQLCipher store; marking builds one collective household; duplicates."""

from __future__ import annotations

import pytest

from census_tui.errors import BadInput, ConflictError
from census_tui.roster.preview import read_roster
from census_tui.roster.service import RosterService
from census_tui.roster.state import RosterStatus, counts
from census_tui.store import Store
from tests.roster.conftest import DORM
from tests.roster.lists import csv_text, make_id, person

BAD = "99,坏行,11010519491231002Y,女,1949-12,汉族,A-999,后勤部,E9,13800000001"


def test_import_is_all_or_nothing(store: Store) -> None:
    svc = RosterService(store, actor="enum01")
    preview = read_roster(csv_text(30, extra=[BAD]).encode("gb18030"))
    with pytest.raises(BadInput):
        svc.import_preview(DORM, preview)
    assert svc.entries(DORM) == []
    result = svc.import_preview(DORM, preview, only_good=True)
    assert (result.imported, result.skipped) == (30, 1)
    entries = svc.entries(DORM)
    assert [e.line for e in entries] == list(range(3, 33))
    assert entries[0].name == person(0)["name"] and entries[0].room == person(0)["room"]
    assert entries[0].answers["D3"] == person(0)["id"]
    assert counts(entries)[RosterStatus.PENDING] == 30
    with pytest.raises(ConflictError):
        svc.import_preview(DORM, preview, only_good=True)
    assert len(svc.entries(DORM)) == 30
    events = store.events(kind="roster_imported")
    assert len(events) == 1 and person(0)["name"] not in str(events[0].data)


def test_unknown_dwelling_is_refused(store: Store) -> None:
    svc = RosterService(store)
    with pytest.raises(BadInput) as err:
        svc.import_preview("NOPE", read_roster(csv_text(2).encode()))
    assert "status" in err.value.msg.en


def test_marking_builds_a_collective_household(store: Store) -> None:
    svc = RosterService(store)
    svc.import_preview(DORM, read_roster(csv_text(5).encode()))
    e = svc.entries(DORM)
    for entry in e[:4]:
        svc.mark(entry.uuid, RosterStatus.PRESENT)
    svc.mark(e[4].uuid, RosterStatus.MOVED)
    [hh_uuid] = svc.households(DORM)
    hh = store.household(hh_uuid)
    assert hh.answers == {"H1": 2, "H5": 2, "H2a": 4}
    assert [p.answers["D2"] for p in hh.persons] == [0, 9, 9, 9]
    first = hh.persons[0].answers
    assert first["D1"] == person(0)["name"] and first["D3"] == person(0)["id"]
    assert first["D4"] in (1, 2) and first["D5"] == person(0)["birth"] and first["D7"] == 1
    # The head moves out: the next person becomes 户主, answers typed since are kept.
    svc.set_answer(e[0].uuid, "D11", 5)
    svc.mark(e[0].uuid, RosterStatus.MOVED)
    hh = store.household(hh_uuid)
    assert [p.answers["D2"] for p in hh.persons] == [0, 9, 9] and hh.answers["H2a"] == 3
    assert svc.entry(e[0].uuid).answers["D11"] == 5
    assert svc.entry(e[0].uuid).person_uuid is None
    svc.mark(e[0].uuid, RosterStatus.PRESENT)
    hh = store.household(hh_uuid)
    assert [p.answers["D2"] for p in hh.persons] == [0, 9, 9, 9]
    assert hh.persons[-1].answers["D11"] == 5
    assert counts(svc.entries(DORM))[RosterStatus.MOVED] == 1


def test_person_found_on_site_is_added_present(store: Store) -> None:
    svc = RosterService(store)
    svc.import_preview(DORM, read_roster(csv_text(2).encode()))
    added = svc.add_on_site(DORM, "  新 来的 ")
    assert added.added_on_site and added.status is RosterStatus.PRESENT
    assert added.name == "新 来的" and added.position == 2
    hh = store.household(svc.households(DORM)[0])
    assert hh.persons[0].answers["D1"] == "新 来的" and hh.persons[0].answers["D2"] == 0
    with pytest.raises(BadInput):
        svc.add_on_site(DORM, "   ")


def test_duplicates_within_the_list_and_across_households(store: Store) -> None:
    other = make_id("440305", 1988, 6, 1, 33)
    hh = store.create_household("D0001")
    p = store.add_person(hh)
    store.set_answer(hh, p, "D3", other)
    svc = RosterService(store)
    assert svc.registered_ids(DORM) == frozenset({other})
    text = csv_text(3, extra=[f"4,张重,{person(1)['id']},,,,,,,", f"5,李外,{other},,,,,,,"])
    preview = read_roster(text.encode(), registered=svc.registered_ids(DORM))
    result = svc.import_preview(DORM, preview)
    assert result.duplicates == 2
    statuses = [e.status for e in svc.entries(DORM)]
    assert statuses == [RosterStatus.PENDING] * 3 + [RosterStatus.DUPLICATE] * 2
    # The dormitory's own persons do not count as registered elsewhere.
    svc.mark(svc.entries(DORM)[0].uuid, RosterStatus.PRESENT)
    assert svc.registered_ids(DORM) == frozenset({other})


def test_a_large_site_is_split_into_collective_households(store: Store) -> None:
    svc = RosterService(store, max_persons=3)
    svc.import_preview(DORM, read_roster(csv_text(8).encode()))
    e = svc.entries(DORM)
    for entry in e[:7]:
        svc.mark(entry.uuid, RosterStatus.PRESENT)
    hhs = [store.household(h) for h in svc.households(DORM)]
    assert [len(h.persons) for h in hhs] == [3, 3, 1]
    for h in hhs:  # FACTS §2.2, R-01/R-04: each one a collective household with one head
        assert h.answers["H1"] == 2 and h.answers["H5"] == 2
        assert h.answers["H2a"] == len(h.persons)
        assert sorted(p.answers["D2"] for p in h.persons) == [0] + [9] * (len(h.persons) - 1)
    # A place freed in the first household is taken by the next person present.
    svc.mark(e[1].uuid, RosterStatus.MOVED)
    svc.mark(e[7].uuid, RosterStatus.PRESENT)
    assert svc.entry(e[7].uuid).household_uuid == hhs[0].uuid
    assert len(svc.households(DORM)) == 3


def test_answers_filled_inline_reach_the_household(store: Store) -> None:
    svc = RosterService(store)
    svc.import_preview(DORM, read_roster(csv_text(2).encode()))
    e = svc.entries(DORM)[0]
    svc.set_answers(e.uuid, {"D11": 5, "D2": 1})  # D2 is not taken: R-04
    svc.mark(e.uuid, RosterStatus.PRESENT)
    saved = svc.set_answers(e.uuid, {"D12": 1, "D11": None})
    assert saved.answers.get("D11") is None and saved.answers["D12"] == 1
    assert saved.household_uuid is not None and saved.person_uuid is not None
    person = store.household(saved.household_uuid).person(saved.person_uuid)
    assert person is not None
    assert person.answers["D12"] == 1 and "D11" not in person.answers and person.answers["D2"] == 0


def test_households_take_the_profiles_training_mode(store: Store) -> None:
    """Issue 16 §1: a training profile's roster households are practice households (a
    training server refuses real-mode ones and they would never leave the device)."""
    from census_tui.store import META_TRAINING

    store.set_meta(META_TRAINING, "1")
    svc = RosterService(store)
    svc.import_preview(DORM, read_roster(csv_text(2).encode()))
    entry = svc.mark(svc.entries(DORM)[0].uuid, RosterStatus.PRESENT)
    assert entry.household_uuid is not None
    assert store.case(entry.household_uuid).training
    real = RosterService(store, training=False)
    second = real.mark(real.entries(DORM)[1].uuid, RosterStatus.PRESENT)
    assert second.household_uuid == entry.household_uuid  # the site's household, unchanged


def test_corrected_list_replaces_keeping_marked_people(store: Store) -> None:
    """Issue 16 §16: a corrected list replaces the people not yet verified; everyone marked
    (or added on site) stays, and is not added twice."""
    svc = RosterService(store)
    svc.import_preview(DORM, read_roster(csv_text(5, extra=[BAD]).encode()), only_good=True)
    first, second = svc.entries(DORM)[:2]
    svc.mark(first.uuid, RosterStatus.PRESENT)
    svc.mark(second.uuid, RosterStatus.MOVED)
    svc.add_on_site(DORM, "现场甲")
    with pytest.raises(ConflictError) as refused:
        svc.import_preview(DORM, read_roster(csv_text(6).encode()))
    assert "Replace" in refused.value.msg.en
    result = svc.import_preview(DORM, read_roster(csv_text(6).encode()), replace=True)
    assert (result.kept, result.replaced, result.imported) == (3, 3, 4)
    entries = svc.entries(DORM)
    assert len(entries) == 7
    by_name = {e.name: e for e in entries}
    assert by_name[person(0)["name"]].status is RosterStatus.PRESENT
    assert by_name[person(0)["name"]].person_uuid is not None
    assert by_name[person(1)["name"]].status is RosterStatus.MOVED
    assert by_name["现场甲"].status is RosterStatus.PRESENT
    assert by_name[person(5)["name"]].status is RosterStatus.PENDING  # new in the corrected list
    assert len(store.persons(svc.households(DORM)[0])) == 2  # the marked persons untouched
