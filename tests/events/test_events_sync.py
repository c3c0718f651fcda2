"""Visit events leave the device through the outbox exactly once (docs/protocol.md "Events"):
under the fault proxy, after a restore that exports them again, and with nothing a person
typed in them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.model import Confirmation
from census_tui.store import META_SERVER_URL, Area, Dwelling, Store
from census_tui.sync import events as ev
from census_tui.sync.engine import sync_store
from tests.sync.faultproxy import FaultProxy
from tests.sync.support import AREA_A, FAST, Site, make_profile

NAME = "王秀英"
ID_NUMBER = "11010519491231002X"
NOTE = "邻居说户主在外地打工"
REASON = "户主本人确认年龄无误"


def record_visit(store: Store, dwelling: str, clock: FakeClock) -> str:
    """A visit as the session records it: two attempts, an appointment by WeChat, the card
    shown, a household interviewed with answers, a note and a confirmation. The case UUID."""
    store.add_attempt(dwelling, "no_contact", actor="alice")
    clock.advance(3600)
    store.add_attempt(dwelling, "appointment", channel="wechat", actor="alice")
    appt = store.add_appointment(
        dwelling, clock.now() + timedelta(days=1), channel="wechat", actor="alice"
    )
    store.set_appointment_status(appt, "kept", actor="alice")
    store.log_event(
        "identity_shown",
        actor="alice",
        data={"dwelling": dwelling, "checklist": {"card": True, "code": True, "qr": False}},
    )
    case = store.create_household(dwelling, actor="alice")
    store.set_state(case, "interviewing", actor="alice")
    person = store.add_person(case, actor="alice")
    store.set_answer(case, person, "D1", NAME, actor="alice")
    store.set_answer(case, person, "D3", ID_NUMBER, actor="alice")
    store.set_answer(case, person, "D3", None, actor="alice")
    store.add_note(case, NOTE, person_uuid=person, item_id="D5", actor="alice")
    store.add_confirmation(
        case, Confirmation("P-03", person, REASON, "alice", "2020-11-02T09:00:00+00:00", {})
    )
    return case


def profile(site: Site, tmp_path: Path, clock: FakeClock) -> Store:
    """Alice's profile with her area's dwellings (as a first sync brings them)."""
    store = make_profile(site.url, tmp_path / "home", clock)
    store.upsert_area(Area(AREA_A, "area A"))
    for dwelling in site.dwellings_a:
        store.upsert_dwelling(Dwelling(dwelling, AREA_A, address="", kind="ordinary"))
    store.upsert_dwelling(Dwelling(site.dwellings_b[0], AREA_A, address="", kind="ordinary"))
    return store


def server_events(site: Site) -> list[dict[str, object]]:
    return [json.loads(r[9]) for r in site.db.rows("events")]


def test_events_arrive_once_with_nothing_typed(
    site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    store = profile(site, tmp_path, clock)
    dwelling = site.dwellings_a[0]
    case = record_visit(store, dwelling, clock)
    summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.error is None and store.outbox_depth() == 0
    held = server_events(site)
    kinds = sorted(str(e["kind"]) for e in held)
    assert kinds == sorted(
        [
            "attempt",
            "attempt",
            "appointment",
            "appointment_status",
            "identity_shown",
            "household_created",
            "state",
            "person_added",
            "answer_changed",
            "answer_changed",
            "answer_changed",
            "note",
            "confirmation",
        ]
    )
    assert summary.events == len(held)
    booked = next(e for e in held if e["kind"] == "appointment")
    assert booked["data"]["channel"] == "wechat"  # type: ignore[index]
    status = next(e for e in held if e["kind"] == "appointment_status")
    assert status["data"]["appointment_ref"] == booked["data"]["appointment_ref"]  # type: ignore[index]
    assert {e["case_uuid"] for e in held if e["kind"] == "answer_changed"} == {case}
    # nothing a person typed leaves in an event: no answers, names, notes or reasons
    text = json.dumps(held, ensure_ascii=False)
    for typed in (NAME, ID_NUMBER, NOTE, REASON):
        assert typed not in text
    # a run with nothing new sends nothing
    assert sync_store(store, clock=clock, policy=FAST).events == 0
    store.close()


@pytest.mark.parametrize("fault", ["drop_response", "reset_mid_request", "http_503"])
def test_exactly_once_under_faults_and_after_a_restore(
    fault: str, site: Site, proxy: FaultProxy, tmp_path: Path, clock: FakeClock
) -> None:
    store = profile(site, tmp_path, clock)
    store.set_meta(META_SERVER_URL, proxy.url)
    for dwelling in site.dwellings_a[:3]:
        record_visit(store, dwelling, clock)
    queued = ev.export_events(store)
    assert queued == 39 and store.outbox_depth() == 1  # one chunk
    # info passes; the chunk's first upload meets the fault (a lost answer: stored, unheard)
    proxy.plan("pass", fault)
    for _ in range(4):
        summary = sync_store(store, clock=clock, policy=FAST)
        if summary.error is None and store.outbox_depth() == 0:
            break
    assert store.outbox_depth() == 0 and fault in proxy.applied
    held = site.db.rows("events")
    assert len(held) == 39 == len({r[0] for r in held})
    # a restore from a backup made before the export: the journal is exported again under the
    # same event UUIDs, and the server stores nothing twice
    store.set_meta(ev.META_EVENTS_CURSOR, "0")
    again = sync_store(store, clock=clock, policy=FAST)
    assert again.error is None and again.events == 39 and store.outbox_depth() == 0
    assert site.db.rows("events") == held
    store.close()


def test_refused_events_stay_with_the_reason(site: Site, tmp_path: Path, clock: FakeClock) -> None:
    """An event of a dwelling outside the caller's areas is refused (403) and kept on the
    device in a chunk of its own; the others are acknowledged."""
    store = profile(site, tmp_path, clock)
    store.add_attempt(site.dwellings_a[0], "no_contact", actor="alice")
    store.log_event(
        "identity_shown", actor="alice", data={"dwelling": site.dwellings_b[0], "checklist": {}}
    )
    summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.refused == 1 and summary.events == 1
    assert store.outbox_depth() == 1
    assert "forbidden 403" in store.outbox_refused()[0]
    (left,) = store.outbox_pending()
    assert [e["kind"] for e in ev.chunk_events(left)] == ["identity_shown"]
    assert [json.loads(r[9])["kind"] for r in site.db.rows("events")] == ["attempt"]
    store.close()
