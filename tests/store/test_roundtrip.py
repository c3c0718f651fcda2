"""Every entity goes into the store and comes back the same, also after closing and unlocking."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import CensusError, ConflictError
from census_tui.model import Confirmation
from census_tui.store import (
    META_ACCOUNT,
    META_ENUMERATOR_CARD,
    Area,
    Dwelling,
    NotFound,
    Store,
    unlock,
)

from .conftest import AREA_ID, PASSWORD


def reopen(store: Store, base: Path, clock: FakeClock) -> Store:
    store.close()
    return unlock("enum01", PASSWORD, base=base, clock=clock)


def test_meta_areas_dwellings(store: Store, base: Path, clock: FakeClock) -> None:
    store.set_meta(META_ACCOUNT, "E0001")
    store.set_meta(META_ENUMERATOR_CARD, '{"name": "王五"}')
    store.set_meta("gone", "x")
    store.set_meta("gone", None)
    store.upsert_area(Area(AREA_ID, "一小区"))
    store.upsert_area(Area(AREA_ID, "第一小区"))  # rename
    d2 = Dwelling("D0002", AREA_ID, "1", "101", "幸福路 1 号", "dormitory", True, "0002")
    d1 = Dwelling("D0001", AREA_ID, sort_key="0001")
    store.upsert_dwelling(d2)
    store.upsert_dwelling(d1)
    s = reopen(store, base, clock)
    assert s.get_meta(META_ACCOUNT) == "E0001"
    assert s.get_meta("gone") is None
    assert s.meta()[META_ENUMERATOR_CARD] == '{"name": "王五"}'
    assert s.areas() == [Area(AREA_ID, "第一小区")]
    assert s.dwellings(AREA_ID) == [d1, d2]
    assert s.dwelling("D0002") == d2
    with pytest.raises(NotFound):
        s.dwelling("D9999")
    with pytest.raises(CensusError):
        s.upsert_area(Area("12345", "too short"))
    with pytest.raises(NotFound):
        s.upsert_dwelling(Dwelling("D0003", "999999999999999"))
    s.close()


def test_household_persons_answers(
    store: Store, dwelling_id: str, base: Path, clock: FakeClock
) -> None:
    h1 = store.create_household(dwelling_id)
    h2 = store.create_household(dwelling_id, training=True)
    h5 = store.create_household(dwelling_id, hh_number=5)
    with pytest.raises(ConflictError):
        store.create_household(dwelling_id, hh_number=2)
    assert store.create_household(dwelling_id) and store.case(h5).hh_number == 5
    a, b, c = (store.add_person(h1) for _ in range(3))
    store.move_person(h1, c, 0)  # c, a, b
    store.set_answer(h1, "", "H1", 1)
    store.set_answer(h1, "", "H2a", 3)
    store.set_answer(h1, a, "D1", "张伟")
    store.set_answer(h1, a, "D5", "1980-03")
    store.set_answer(h1, c, "D3", "")  # explicit "no ID number"
    store.set_answer(h1, c, "D3N", 1)
    store.set_answer(h1, b, "D2", 2)
    store.set_answer(h1, "", "H2a", None)  # removed
    assert store.set_answer(h1, "", "H1", 1) is False  # unchanged, no event
    store.set_state(h1, "interviewing")
    assert store.bump_revision(h1) == 1
    store.set_confirmed(h1, "张伟")
    clock.advance(60)
    store.add_note(h1, "门牌号待核实", person_uuid=a, item_id="D1")
    conf = Confirmation(
        "P-07", a, "本人确认", "E0001", "2020-11-02T09:01:00+00:00", {f"{a}:D5": "1980-03"}
    )
    store.add_confirmation(h1, conf)

    s = reopen(store, base, clock)
    hh = s.household(h1)
    assert [p.uuid for p in hh.persons] == [c, a, b]
    assert hh.answers == {"H1": 1}
    assert hh.persons[1].answers == {"D1": "张伟", "D5": "1980-03"}
    assert hh.persons[0].answers == {"D3": "", "D3N": 1}
    assert hh.persons[2].answers == {"D2": 2}
    assert hh.revision == 1 and hh.hh_number == 1 and hh.dwelling_id == dwelling_id
    assert hh.confirmations == [conf]
    assert [(n.person_uuid, n.item_id, n.text) for n in hh.notes] == [(a, "D1", "门牌号待核实")]
    summary = s.case(h1)
    assert summary.state == "interviewing" and summary.confirmed_by == "张伟"
    assert s.case(h2).training and s.case(h2).hh_number == 2
    assert [x.hh_number for x in s.cases(dwelling_id)] == [1, 2, 5, 6]

    s.remove_person(h1, a)
    assert s.persons(h1) == [c, b]
    assert s.household(h1).confirmations == [] and s.household(h1).notes == []
    assert s.remove_confirmation(h1, "P-07", a) is False
    with pytest.raises(NotFound):
        s.set_answer(h1, a, "D1", "x")
    with pytest.raises(NotFound):
        s.household("no-such-uuid")
    s.close()


def test_answer_events_hold_old_and_new(store: Store, dwelling_id: str) -> None:
    h = store.create_household(dwelling_id)
    p = store.add_person(h)
    store.set_answer(h, p, "D4", 1, actor="E0001")
    store.set_answer(h, p, "D4", 2, actor="E0001")
    store.set_answer(h, p, "D4", None, actor="E0001")
    got = [(e.old, e.new, e.actor) for e in store.events(h, kind="answer_set")]
    assert got == [(None, 1, "E0001"), (1, 2, "E0001"), (2, None, "E0001")]


def test_attempts_appointments(
    store: Store, dwelling_id: str, base: Path, clock: FakeClock
) -> None:
    t1 = datetime(2020, 11, 2, 19, 30, tzinfo=UTC)
    store.add_attempt(dwelling_id, "no_contact", channel="visit", at=t1)
    h = store.create_household(dwelling_id)
    store.add_attempt(dwelling_id, "interview", household_uuid=h, doubt="户主不在", note="晚上再来")
    appt = store.add_appointment(
        dwelling_id, datetime(2020, 11, 3, 20, tzinfo=UTC), channel="phone"
    )
    store.add_appointment(dwelling_id, datetime(2020, 11, 5, 10, tzinfo=UTC))
    store.set_appointment_status(appt, "kept")
    s = reopen(store, base, clock)
    attempts = s.attempts(dwelling_id)
    assert [(x.outcome, x.at, x.household_uuid) for x in attempts] == [
        ("interview", clock.now(), h),  # 09:00, before the 19:30 one given explicitly
        ("no_contact", t1, None),
    ]
    assert (attempts[0].doubt, attempts[0].note) == ("户主不在", "晚上再来")
    appts = s.appointments(dwelling_id)
    assert [(x.status, x.channel) for x in appts] == [("kept", "phone"), ("booked", "")]
    day = s.appointments(
        start=datetime(2020, 11, 3, tzinfo=UTC), end=datetime(2020, 11, 4, tzinfo=UTC)
    )
    assert [x.id for x in day] == [appt]
    s.close()


def test_outbox_and_sync_log(store: Store, dwelling_id: str, clock: FakeClock) -> None:
    h = store.create_household(dwelling_id)
    assert store.outbox_depth() == 0 and store.outbox_oldest() is None
    with store.transaction():
        store.set_state(h, "completed")
        rev = store.bump_revision(h)
        first = store.enqueue("household", h, rev, b'{"a":1}')
    assert store.enqueue("household", h, rev, b'{"a":1}') == first  # idempotent
    with pytest.raises(ConflictError):
        store.enqueue("household", h, rev, b'{"a":2}')
    clock.advance(5)
    second = store.enqueue("visit_outcome", h, rev, b"\x00\xff")
    assert store.outbox_depth() == 2
    assert store.outbox_oldest() == datetime(2020, 11, 2, 9, 0, tzinfo=UTC)
    store.outbox_fail(first, "timeout")
    pending = store.outbox_pending(10)
    assert [(i.id, i.payload, i.attempts, i.last_error) for i in pending] == [
        (first, b'{"a":1}', 1, "timeout"),
        (second, b"\x00\xff", 0, ""),
    ]
    assert store.outbox_ack([first, 12345]) == 1
    assert [i.id for i in store.outbox_pending()] == [second]
    store.add_sync_log("push", "ok", sent=2, acked=1)
    store.add_sync_log("pull", "error", error="HTTP 503")
    assert [(e.op, e.sent, e.acked, e.result, e.error) for e in store.sync_log()] == [
        ("pull", 0, 0, "error", "HTTP 503"),
        ("push", 2, 1, "ok", ""),
    ]


def test_transaction_rolls_back_together(store: Store, dwelling_id: str) -> None:
    h = store.create_household(dwelling_id)
    with pytest.raises(RuntimeError), store.transaction():
        store.set_state(h, "completed")
        store.enqueue("household", h, 1, b"x")
        raise RuntimeError("crash before commit")
    assert store.case(h).state == "listed" and store.outbox_depth() == 0
    # a failing nested block is undone alone
    with store.transaction():
        store.set_answer(h, "", "H1", 1)
        with pytest.raises(NotFound):
            store.set_answer(h, "nobody", "D1", "x")
        store.set_answer(h, "", "H5", 1)
    assert store.household(h).answers == {"H1": 1, "H5": 1}


def test_event_log_is_append_only(store: Store, dwelling_id: str) -> None:
    store.log_event("identity_shown", actor="E0001", data={"dwelling": dwelling_id})
    events = store.events(kind="identity_shown")
    assert len(events) == 1 and events[0].data == {"dwelling": dwelling_id}
    with pytest.raises(CensusError), store.transaction():
        store._x("UPDATE event SET kind = 'x'")
    with pytest.raises(CensusError), store.transaction():
        store._x("DELETE FROM event")
    assert len(store.events(kind="identity_shown")) == 1


def test_closed_store_refuses(store: Store) -> None:
    store.close()
    store.close()
    with pytest.raises(CensusError):
        store.areas()


def test_integrity_and_backup(store: Store, dwelling_id: str, tmp_path: Path) -> None:
    h = store.create_household(dwelling_id)
    store.set_answer(h, "", "H1", 2)
    assert store.integrity_check() == (True, True)
    copy = tmp_path / "backup.db"
    store.backup_to(copy)
    assert copy.stat().st_size > 0
    assert b"SQLite format 3" not in copy.read_bytes()[:16]
    with pytest.raises(ConflictError):
        store.backup_to(copy)


def test_threads_share_one_store(store: Store, dwelling_id: str) -> None:
    """The TUI's workers and a sync worker may use one Store from several threads."""
    import threading

    h = store.create_household(dwelling_id)
    people = [store.add_person(h) for _ in range(4)]
    errors: list[BaseException] = []

    def work(person: str) -> None:
        try:
            for i in range(25):
                with store.transaction():
                    store.set_answer(h, person, f"X{i}", i)
                    store.log_event("tick", person=person)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    hh = store.household(h)
    assert all(len(p.answers) == 25 for p in hh.persons)
    assert len(store.events(kind="tick")) == 100
