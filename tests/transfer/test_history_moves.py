"""A moved dwelling's visit history on the new holder's device (issue 20 §2): A's attempts and
appointment come with the case, show on B's dashboard and visit screen as recorded by A, are
imported once (a second sync, ``sync --full``), and never go back to the server as B's."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from census_tui.clock import FakeClock
from census_tui.screens.visit import attempt_text
from census_tui.server.seed import add_supervisor
from census_tui.store import META_AREA, Store
from census_tui.sync.engine import forget_cursors
from census_tui.sync.schema import BadAnswer
from census_tui.sync.transfer import history_event
from census_tui.visit.api import Attempt
from census_tui.visit.outcomes import Channel, Outcome
from census_tui.visit.service import VisitSession
from tests.sync.support import PASSWORD_B, Site, make_profile
from tests.transfer.test_reassignment_devices import BOSS, V1, _boss, _sync, _upload


@pytest.fixture
def boss(site: Site) -> httpx.Client:
    add_supervisor(site.db, "boss", BOSS, ["alice", "bob"], ready=True)
    return _boss(site)


def _server_events(site: Site, dwelling: str) -> list[tuple[str, str, str, str]]:
    rows = site.db._q(
        "SELECT event_uuid, account, kind, payload FROM events WHERE dwelling_id = ?"
        " ORDER BY at, event_uuid",
        (dwelling,),
    )
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def _device_rows(store: Store, dwelling: str) -> tuple[int, int, int]:
    marks = [m for m in store.history_marks().values() if m.get("dwelling") == dwelling]
    return len(store.attempts(dwelling)), len(store.appointments(dwelling)), len(marks)


def test_a_moved_dwelling_brings_its_attempts_and_appointment_once(
    site: Site, tmp_path: Path, clock: FakeClock, boss: httpx.Client
) -> None:
    a = make_profile(site.url, tmp_path / "a", clock)
    b = make_profile(site.url, tmp_path / "b", clock, "bob", PASSWORD_B)
    _sync(a, clock)
    _sync(b, clock)
    moved = site.dwellings_a[0]
    case = _upload(site, a, clock, moved)
    decision = {"decision_uuid": str(uuid.uuid4()), "revision": 1, "comment": "H6 请核实"}
    assert boss.post(f"{V1}/supervisor/cases/{case}/return", json=decision).status_code == 201
    _sync(a, clock)
    assert a.case(case).state == "returned"

    # A goes back for the correction: nobody home, then a call books 19:00
    session_a = VisitSession(a, clock=clock, profile="alice")
    session_a.record_attempt(moved, Attempt(at=clock.now(), outcome=Outcome.NO_CONTACT))
    clock.advance(600)
    evening = (clock.now().astimezone(session_a.tz) + timedelta(days=1)).replace(
        hour=19, minute=0, second=0, microsecond=0
    )
    session_a.record_attempt(
        moved,
        Attempt(
            at=clock.now(),
            outcome=Outcome.APPOINTMENT,
            channel=Channel.PHONE,
            appointment_at=evening,
        ),
    )
    _sync(a, clock)
    uploaded = _server_events(site, moved)
    assert {k for _, acc, k, _ in uploaded} >= {"attempt", "appointment"}
    assert {acc for _, acc, _, _ in uploaded} == {"alice"}

    body = {"assign_uuid": str(uuid.uuid4()), "to": "bob", "dwelling_ids": [moved]}
    assert boss.post(f"{V1}/supervisor/assign", json={**body, "confirm": True}).status_code == 201

    # B's device: the case, A's two attempts and A's appointment, marked as A's
    _sync(b, clock)
    assert b.case(case).state == "returned"
    [appt] = b.appointments(moved)
    assert (appt.scheduled_at, appt.channel, appt.status) == (evening, "phone", "booked")
    assert [x.outcome for x in b.attempts(moved)] == ["no_contact", "appointment"]
    assert {m["actor"] for m in b.history_marks().values()} == {"alice"}
    session_b = VisitSession(b, clock=clock, profile="bob")
    shown = session_b.attempts(moved)
    assert [(x.outcome, x.by) for x in shown] == [
        (Outcome.NO_CONTACT, "alice"),
        (Outcome.APPOINTMENT, "alice"),
    ]
    assert shown[1].appointment_at == evening and shown[1].channel is Channel.PHONE
    assert "alice" in attempt_text(shown[1]).en and "alice" in attempt_text(shown[1]).zh
    # B's dashboard lists the moved dwelling from A's area after B's own area's, with A's
    # booking, without B switching areas
    assert b.get_meta(META_AREA) != b.dwelling(moved).area_id
    board = session_b.dashboard()
    [row] = [r for r in board.rows if r.dwelling_id == moved]
    assert row.appointment_at == evening
    own = [r.dwelling_id for r in board.rows if r.dwelling_id.startswith(board.area_id)]
    assert own and [r.dwelling_id for r in board.rows][-1] == moved
    rows = _device_rows(b, moved)
    assert rows == (2, 1, 3)

    # again, and `sync --full`: nothing twice on the device, nothing of A's sent as B's
    _sync(b, clock)
    forget_cursors(b)
    _sync(b, clock)
    assert _device_rows(b, moved) == rows
    assert _server_events(site, moved) == uploaded

    # B rebooks: A's appointment's status change goes up under B with A's appointment_ref
    later = evening + timedelta(days=1)
    session_b.record_attempt(
        moved,
        Attempt(
            at=clock.now(),
            outcome=Outcome.APPOINTMENT,
            channel=Channel.WECHAT,
            appointment_at=later,
        ),
    )
    _sync(b, clock)
    after = _server_events(site, moved)
    assert set(uploaded) <= set(after)
    mine = [(k, p) for _, acc, k, p in after if acc == "bob"]
    assert sorted(k for k, _ in mine) == ["appointment", "appointment_status", "attempt"]
    [booked_by_a] = [p for _, acc, k, p in uploaded if k == "appointment"]
    [status] = [p for k, p in mine if k == "appointment_status"]
    ref = '"appointment_ref":'
    assert booked_by_a.split(ref)[1][:38] == status.split(ref)[1][:38]
    assert [x.status for x in sorted(b.appointments(moved), key=lambda x: x.id)] == [
        "rebooked",
        "booked",
    ]


def _event(kind: str, data: dict[str, object], **extra: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "event_uuid": str(uuid.uuid4()),
        "kind": kind,
        "at": "2020-11-02T09:00:00+00:00",
        "account": "alice",
        "case_uuid": "",
        "person_uuid": "",
        "item_id": "",
        "data": data,
    }
    return doc | extra


def test_history_events_are_read_strictly_and_unknown_kinds_skipped() -> None:
    ok = history_event(_event("attempt", {"outcome": "no_contact", "channel": ""}))
    assert ok is not None and ok.data == {"outcome": "no_contact", "channel": ""}
    assert history_event(_event("identity_shown", {"checklist": {}})) is None
    assert history_event(_event("something_new", {"x": 1})) is None
    assert history_event(_event("attempt", {"outcome": "moved_out", "channel": ""})) is None
    bad = [
        _event("attempt", {"outcome": "no_contact"}),  # a field missing
        _event("attempt", {"outcome": "no_contact", "channel": ""}, at="yesterday"),
        _event("attempt", {"outcome": "no_contact", "channel": ""}, event_uuid="x"),
        _event("appointment_status", {"appointment_ref": "nope", "status": "kept"}),
        {**_event("note", {}), "extra": 1},
        "not an event",
    ]
    for doc in bad:
        with pytest.raises(BadAnswer):
            history_event(doc)


def test_a_dwelling_moved_with_no_case_uploaded_brings_its_events_once(
    site: Site, tmp_path: Path, clock: FakeClock, boss: httpx.Client
) -> None:
    """A quits early: an appointment booked on one dwelling, nobody home at another, nothing
    uploaded but those events. They come to B in ``histories``, once, and stay A's."""
    a = make_profile(site.url, tmp_path / "a", clock)
    b = make_profile(site.url, tmp_path / "b", clock, "bob", PASSWORD_B)
    _sync(a, clock)
    _sync(b, clock)
    booked, missed = site.dwellings_a[1], site.dwellings_a[2]
    session_a = VisitSession(a, clock=clock, profile="alice")
    evening = (clock.now().astimezone(session_a.tz) + timedelta(days=1)).replace(
        hour=19, minute=0, second=0, microsecond=0
    )
    session_a.record_attempt(
        booked,
        Attempt(
            at=clock.now(),
            outcome=Outcome.APPOINTMENT,
            channel=Channel.PHONE,
            appointment_at=evening,
        ),
    )
    clock.advance(300)
    session_a.record_attempt(missed, Attempt(at=clock.now(), outcome=Outcome.NO_CONTACT))
    _sync(a, clock)
    uploaded = {d: _server_events(site, d) for d in (booked, missed)}
    assert all(uploaded.values())
    assert not site.db._q("SELECT 1 FROM households WHERE dwelling_id IN (?, ?)", (booked, missed))

    body = {"assign_uuid": str(uuid.uuid4()), "to": "bob", "dwelling_ids": [booked, missed]}
    assert boss.post(f"{V1}/supervisor/assign", json={**body, "confirm": True}).status_code == 201
    _sync(b, clock)

    [appt] = b.appointments(booked)
    assert (appt.scheduled_at, appt.channel, appt.status) == (evening, "phone", "booked")
    assert [x.outcome for x in b.attempts(missed)] == ["no_contact"]
    assert {m["actor"] for m in b.history_marks().values()} == {"alice"}
    session_b = VisitSession(b, clock=clock, profile="bob")
    assert [(x.outcome, x.by) for x in session_b.attempts(missed)] == [
        (Outcome.NO_CONTACT, "alice")
    ]
    [row] = [r for r in session_b.dashboard().rows if r.dwelling_id == booked]
    assert row.appointment_at == evening
    rows = {d: _device_rows(b, d) for d in (booked, missed)}
    assert rows[booked][1:] == (1, 2) and rows[missed] == (1, 0, 1)

    # again, and `sync --full`: nothing twice; nothing of A's goes up as B's
    _sync(b, clock)
    forget_cursors(b)
    _sync(b, clock)
    assert {d: _device_rows(b, d) for d in (booked, missed)} == rows
    assert {d: _server_events(site, d) for d in (booked, missed)} == uploaded
    assert not site.db._q("SELECT 1 FROM events WHERE account = 'bob'", ())
