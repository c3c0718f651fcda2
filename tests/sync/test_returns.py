"""Supervisor returns carry the questions concerned (issue 5 §8, docs/protocol.md "GET
/returns"): stored by the real server, sent over HTTP, parsed strictly by the client, logged
on the device; bad items refused with a reason and nothing stored; a server database made
before items existed is brought up to date."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from census_tui.clock import FakeClock
from census_tui.server.review import BadReview, parse_spec
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.store import Store
from census_tui.sync import schema
from census_tui.sync.engine import EVENT_RETURNED, sync_store
from tests.sync.support import (
    AREA_A,
    FAST,
    PASSWORD_A,
    Site,
    household_payload,
    make_profile,
)

V1 = "/api/v1"


def _synced_case(site: Site, store: Store, clock: FakeClock, n_persons: int = 3) -> str:
    """A completed household of ``n_persons`` uploaded by the device; its case uuid."""
    assert sync_store(store, clock=clock, policy=FAST).error is None
    case = store.create_household(site.dwellings_a[3])
    store.set_state(case, "completed")
    hh = store.household(case)
    _, payload = household_payload(site.dwellings_a[3], n_persons=n_persons)
    doc = json.loads(payload)
    doc["case_uuid"], doc["revision"], doc["hh_number"] = case, hh.revision, hh.hh_number
    store.enqueue("household", case, hh.revision, json.dumps(doc).encode())
    assert sync_store(store, clock=clock, policy=FAST).error is None
    assert store.case(case).state == "synced"
    return case


def _returns_json(site: Site) -> dict[str, Any]:
    with httpx.Client(base_url=site.url, timeout=10) as c:
        login = {"account": "alice", "password": PASSWORD_A}
        token = c.post(f"{V1}/login", json=login).json()["token"]
        answer = c.get(f"{V1}/returns", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    doc: dict[str, Any] = answer.json()
    return doc


def test_items_travel_from_the_supervisor_to_the_device(
    site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    case = _synced_case(site, store, clock)
    persons = site.db.case_persons(case)
    assert len(persons) == 3
    items = [parse_spec("h6", persons), parse_spec("2:d5", persons)]
    assert items == [("", "H6"), (persons[1], "D5")]
    site.db.review(case, "returned", "H6 面积与 D5 出生年月请核实", "sup01", items)

    [sent] = _returns_json(site)["returns"]
    assert sent["items"] == [
        {"person_uuid": "", "item_id": "H6"},
        {"person_uuid": persons[1], "item_id": "D5"},
    ]
    assert sync_store(store, clock=clock, policy=FAST).returned == 1
    [event] = store.events(case, kind=EVENT_RETURNED)
    assert event.data["items"] == [["", "H6"], [persons[1], "D5"]]
    assert event.data["comment"].startswith("H6")
    store.close()


def test_approval_and_plain_return_send_an_empty_list(
    site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    case = _synced_case(site, store, clock)
    site.db.review(case, "returned", "请核实", "sup01")
    site.db.review(case, "approved", "", "sup01")
    assert [r["items"] for r in _returns_json(site)["returns"]] == [[], []]
    sync_store(store, clock=clock, policy=FAST)
    assert store.events(case, kind=EVENT_RETURNED)[0].data["items"] == []
    store.close()


BAD_ITEMS: dict[str, tuple[str, list[tuple[str, str]], str]] = {
    "unknown item": ("returned", [("", "H99")], "unknown item"),
    "household item with a person": ("returned", [("P", "H6")], "household item"),
    "person item without a person": ("returned", [("", "D5")], "person item"),
    "person not in the household": ("returned", [("someone-else", "D5")], "person not in"),
    "items on an approval": ("approved", [("", "H6")], "approval"),
    "too many": ("returned", [("", "H6")] * 51, "too many"),
}


@pytest.mark.parametrize("name", sorted(BAD_ITEMS))
def test_bad_items_are_refused_with_a_reason_and_nothing_stored(
    name: str, site: Site, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    case = _synced_case(site, store, clock)
    action, items, reason = BAD_ITEMS[name]
    person = site.db.case_persons(case)[0]
    items = [(person if p == "P" else p, i) for p, i in items]
    seq = site.db.current_seq()
    with pytest.raises(BadReview) as refused:
        site.db.review(case, action, "x", "sup01", items)
    assert reason in refused.value.reason
    assert refused.value.msg.zh and refused.value.msg.en
    assert site.db.current_seq() == seq and _returns_json(site)["returns"] == []
    store.close()


@pytest.mark.parametrize("spec", ["4:D5", "0:D5", "2:", "H6?", ""])
def test_specs_a_supervisor_can_get_wrong(spec: str) -> None:
    with pytest.raises(BadReview):
        parse_spec(spec, ["p1", "p2", "p3"])


def test_an_old_server_database_gains_the_items_column(tmp_path: Path, clock: FakeClock) -> None:
    """A database made before returns had items: opened, migrated, its old return served with
    no items, a new return stored with items; opening it again changes nothing."""
    path = tmp_path / "old.db"
    db = ServerDB(path)
    dwellings = add_enumerator(db, "alice", PASSWORD_A, AREA_A, dwellings=5, ready=True)
    db.close()
    con = sqlite3.connect(path)
    con.executescript(
        "DROP TABLE reviews; CREATE TABLE reviews (seq INTEGER PRIMARY KEY, case_uuid TEXT NOT"
        " NULL, revision INTEGER NOT NULL, area_id TEXT NOT NULL, action TEXT NOT NULL, comment"
        " TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL);"
    )
    con.close()

    db = ServerDB(path)
    with closing(sqlite3.connect(path)) as con:
        cols = [r[1] for r in con.execute("PRAGMA table_info(reviews)")]
    assert cols[-1] == "items" and cols.count("items") == 1
    with ServerThread(db) as server:
        site = Site(db, server, dwellings, [])
        store = make_profile(site.url, tmp_path / "home", clock)
        case = _synced_case(site, store, clock)
        with db.tx() as con2:  # a return written by the old server: no items column value
            con2.execute(
                "INSERT INTO reviews (seq, case_uuid, revision, area_id, action, comment, by, at)"
                " VALUES (900, ?, 1, ?, 'returned', 'old', 'sup', 'x')",
                (case, AREA_A),
            )
            con2.execute("UPDATE meta SET value = '900' WHERE key = 'seq'")
        db.review(case, "returned", "new", "sup01", [("", "H5")])
        assert [r["items"] for r in _returns_json(site)["returns"]] == [
            [],
            [{"person_uuid": "", "item_id": "H5"}],
        ]
        sync_store(store, clock=clock, policy=FAST)
        events = store.events(case, kind=EVENT_RETURNED)
        assert [e.data["items"] for e in events] == [[], [["", "H5"]]]
        store.close()
    db.close()
    ServerDB(path).close()  # migrating twice is harmless


GOOD_REVIEW = {
    "case_uuid": "c1",
    "revision": 1,
    "action": "returned",
    "comment": "x",
    "at": "2020-11-02T09:00:00+00:00",
}
BAD_SHAPES: dict[str, Any] = {
    "items not a list": {"items": {"person_uuid": "", "item_id": "H6"}},
    "item not an object": {"items": [["", "H6"]]},
    "item missing a field": {"items": [{"item_id": "H6"}]},
    "item with an extra field": {"items": [{"person_uuid": "", "item_id": "H6", "x": 1}]},
    "item id not a string": {"items": [{"person_uuid": "", "item_id": 6}]},
    "person not a string": {"items": [{"person_uuid": None, "item_id": "H6"}]},
    "empty item id": {"items": [{"person_uuid": "", "item_id": ""}]},
    "item id with odd characters": {"items": [{"person_uuid": "", "item_id": "H6; drop"}]},
    "huge person": {"items": [{"person_uuid": "p" * 65, "item_id": "D5"}]},
    "too many items": {"items": [{"person_uuid": "", "item_id": "H6"}] * 51},
}


@pytest.mark.parametrize("name", sorted(BAD_SHAPES))
def test_client_rejects_bad_item_shapes(name: str) -> None:
    doc = {"cursor": "3", "returns": [{**GOOD_REVIEW, **BAD_SHAPES[name]}]}
    with pytest.raises(schema.BadAnswer):
        schema.returns(doc)


def test_client_reads_items_and_their_absence() -> None:
    items = [{"person_uuid": "p1", "item_id": "D5"}, {"person_uuid": "", "item_id": "H2a"}]
    doc = {"cursor": "3", "returns": [{**GOOD_REVIEW, "items": items}, GOOD_REVIEW]}
    with_items, without = schema.returns(doc).returns
    assert with_items.items == (("p1", "D5"), ("", "H2a"))
    assert without.items == ()
