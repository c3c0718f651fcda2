"""Reassignment end to end with two real devices (issue 20 §2, §7): A starts a case and
uploads a revision; the supervisor returns it and moves the dwelling to B (409 without
``confirm``: the return is not answered yet); B's next sync brings the whole case, opened at
the return, and B uploads revision 2 as the new owner; A's unsent correction is refused by the
server (403) and kept on A's device, read-only, with the reason; a case A had in full is given
up at A's next sync. Then a spare device of A and a restore from backup: everything the server
has, never twice."""

from __future__ import annotations

import itertools
import json
import uuid
from pathlib import Path

import httpx
import pytest

from census_tui.clock import FakeClock
from census_tui.errors import ConflictError
from census_tui.security.backup import write_backup
from census_tui.security.restore import restore_backup
from census_tui.server.seed import add_supervisor
from census_tui.store import Store, unlock
from census_tui.sync.engine import EVENT_RETURNED, forget_cursors, sync_store
from census_tui.sync.transfer import WITHDRAWN_REASON
from census_tui.visit.service import VisitSession
from tests.sync.support import (
    FAST,
    PASSWORD_A,
    PASSWORD_B,
    Site,
    household_payload,
    make_profile,
    server_copy,
)
from tests.validation.builders import make_id

V1 = "/api/v1"
_SEQ = itertools.count(100)
BOSS = "boss-pass-44"


def _sync(store: Store, clock: FakeClock) -> None:
    summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.error is None, summary.error


def _upload(site: Site, store: Store, clock: FakeClock, dwelling: str) -> str:
    """A completed household of ``dwelling`` uploaded by the device; its case uuid."""
    case = store.create_household(dwelling)
    hh = store.household(case)
    _, payload = household_payload(dwelling, n_persons=2)
    doc = json.loads(payload)
    doc["case_uuid"], doc["revision"], doc["hh_number"] = case, 1, hh.hh_number
    for person in doc["persons"]:  # the builder's persons are the same in every household
        person["uuid"] = str(uuid.uuid4())
        answers = person["answers"]  # and their ID numbers would be double registrations
        answers["D3"] = make_id(answers["D5"], answers["D4"], seq=next(_SEQ))
    from census_tui.validation.household_json import parse_document

    parsed = parse_document(doc)
    store.put_case(
        parsed.household,
        state="completed",
        completed_at=None,
        confirmed_by="户主",
        confirmed_at=None,
    )
    store.enqueue("household", case, 1, json.dumps(doc, ensure_ascii=False).encode())
    _sync(store, clock)
    assert store.case(case).state == "synced"
    return case


def _boss(site: Site) -> httpx.Client:
    c = httpx.Client(base_url=site.url, timeout=30)
    token = c.post(f"{V1}/login", json={"account": "boss", "password": BOSS}).json()["token"]
    c.headers["Authorization"] = f"Bearer {token}"
    return c


@pytest.fixture
def boss(site: Site) -> httpx.Client:
    add_supervisor(site.db, "boss", BOSS, ["alice", "bob"], ready=True)
    return _boss(site)


def test_a_case_moves_with_its_dwelling_and_never_comes_back(
    site: Site, tmp_path: Path, clock: FakeClock, boss: httpx.Client
) -> None:
    a = make_profile(site.url, tmp_path / "a", clock)
    b = make_profile(site.url, tmp_path / "b", clock, "bob", PASSWORD_B)
    _sync(a, clock)
    _sync(b, clock)
    moved, settled = site.dwellings_a[0], site.dwellings_a[1]
    case = _upload(site, a, clock, moved)
    other = _upload(site, a, clock, settled)
    decision = {
        "decision_uuid": str(uuid.uuid4()),
        "revision": 1,
        "comment": "H6 面积请核实",
        "items": [{"person_uuid": "", "item_id": "H6"}],
    }
    assert boss.post(f"{V1}/supervisor/cases/{case}/return", json=decision).status_code == 201
    _sync(a, clock)
    assert a.case(case).state == "returned"
    # A corrects the return on the device but has not synced yet when A leaves
    session_a = VisitSession(a, clock=clock, profile="alice")
    session_a.set_answer(case, "", "H6", 75)
    session_a.complete(case, "户主")
    assert a.case_waiting(case) == 1

    body = {"assign_uuid": str(uuid.uuid4()), "to": "bob", "dwelling_ids": [moved, settled]}
    refused = boss.post(f"{V1}/supervisor/assign", json=body)
    assert refused.status_code == 409 and refused.json()["error"] == "unsynced_work"
    assert boss.post(f"{V1}/supervisor/assign", json={**body, "confirm": True}).status_code == 201

    # B gets both cases whole, the returned one opened at the question returned
    _sync(b, clock)
    assert b.case(case).state == "returned" and b.case(case).revision == 1
    assert b.case(other).state == "synced"
    [event] = b.events(case, kind=EVENT_RETURNED)
    assert event.data["items"] == [["", "H6"]] and event.data["comment"] == "H6 面积请核实"
    session_b = VisitSession(b, clock=clock, profile="bob")
    assert session_b.return_note(case) is not None
    assert session_b.return_note(case).items == [("", "H6")]  # type: ignore[union-attr]
    assert len(b.household(case).persons) == 2
    session_b.set_answer(case, "", "H6", 80)
    session_b.complete(case, "户主")
    _sync(b, clock)
    assert b.case(case).state == "synced" and b.case(case).revision == 2
    held = server_copy(site.db)[case]
    assert [d["revision"] for d in held] == [1, 2]
    answers = held[1]["answers"]
    assert isinstance(answers, dict) and answers["H6"] == 80  # B's correction, uploaded by B
    assert site.db._q("SELECT account FROM cases WHERE case_uuid = ?", (case,))[0][0] == "bob"

    # A's next sync: its correction is refused and kept; the settled case is given up
    summary = sync_store(a, clock=clock, policy=FAST)
    # the correction and A's visit events there: the dwelling is B's now
    assert (
        summary.error is None
        and summary.refused_reasons == ["forbidden 403 not your enumeration area"] * 2
    )
    assert a.is_withdrawn(case) and a.case_waiting(case) == 1  # kept, read-only
    with pytest.raises(ConflictError):
        session_a.set_answer(case, "", "H6", 90)
    assert [c.uuid for c in a.cases(settled)] == []  # the server has all of it: removed
    again = sync_store(a, clock=clock, policy=FAST)  # not sent again, the reason kept
    assert WITHDRAWN_REASON in again.refused_reasons
    assert again.sent == 0  # the household is not sent (its visit events are J's kind)
    assert [d["revision"] for d in server_copy(site.db)[case]] == [1, 2]


def test_a_spare_device_and_a_restore_never_duplicate(
    site: Site, tmp_path: Path, clock: FakeClock, boss: httpx.Client
) -> None:
    a = make_profile(site.url, tmp_path / "a", clock)
    _sync(a, clock)
    case = _upload(site, a, clock, site.dwellings_a[2])
    decision = {"decision_uuid": str(uuid.uuid4()), "revision": 1, "comment": "D5 请核实"}
    assert boss.post(f"{V1}/supervisor/cases/{case}/return", json=decision).status_code == 201
    _sync(a, clock)
    unsynced = a.create_household(site.dwellings_a[3])  # begun, never uploaded
    a.set_answer(unsynced, "", "H6", 60)
    backup = tmp_path / "alice.backup"
    write_backup(a, PASSWORD_A, backup)
    a.close()  # the device breaks

    spare = make_profile(site.url, tmp_path / "spare", clock)  # first login on a new device
    _sync(spare, clock)
    assert [c.uuid for c in spare.cases()] == [case]
    assert spare.case(case).state == "returned" and spare.case(case).revision == 1
    assert len(spare.events(case, kind=EVENT_RETURNED)) == 1
    assert {d.id for d in spare.dwellings()} == set(site.dwellings_a)
    forget_cursors(spare)  # `census-tui sync --full`: the same again, nothing twice
    _sync(spare, clock)
    assert [c.uuid for c in spare.cases()] == [case]
    assert len(spare.events(case, kind=EVENT_RETURNED)) == 1

    home = tmp_path / "restored"  # the backup brings back the rest
    restore_backup(backup, PASSWORD_A, clock, home=home)
    restored = unlock("alice", PASSWORD_A, base=home, clock=clock)
    forget_cursors(restored)
    _sync(restored, clock)
    assert sorted(c.uuid for c in restored.cases()) == sorted([case, unsynced])
    assert restored.household(unsynced).answers["H6"] == 60
    assert len(restored.events(case, kind=EVENT_RETURNED)) == 1
    assert [d["revision"] for d in server_copy(site.db)[case]] == [1]
    assert unsynced not in server_copy(site.db)
