"""What the supervisor sees of the uploaded events: progress counts appointments and cases in
progress on a device; the case view lists attempts, appointments, the identity shown and the
telephone registration, with a summary of the interview's paradata; the supervisor's screens
turn them into history lines (both backends)."""

from __future__ import annotations

import uuid
from typing import Any

from census_tui.supervision import views
from tests.supervisor.conftest import SUP, V1, Office, conforms, household


def event(dwelling: str, kind: str, at: str, data: dict[str, Any], **over: Any) -> dict[str, Any]:
    return {
        "event_uuid": str(uuid.uuid4()),
        "kind": kind,
        "at": at,
        "dwelling_id": dwelling,
        "case_uuid": "",
        "person_uuid": "",
        "item_id": "",
        "training": False,
        "data": data,
    } | over


def attempt(dwelling: str, outcome: str, at: str, channel: str = "") -> dict[str, Any]:
    return event(dwelling, "attempt", at, {"outcome": outcome, "channel": channel})


def test_progress_counts_appointments_and_cases_in_progress(office: Office) -> None:
    alice, d = office.client("alice"), office.dwellings["alice"]
    case = str(uuid.uuid4())
    items = [
        attempt(d[0], "no_contact", "2020-11-02T09:00:00+00:00"),
        attempt(d[0], "appointment", "2020-11-02T10:00:00+00:00", "wechat"),
        attempt(d[1], "appointment", "2020-11-02T09:00:00+00:00", "phone"),
        attempt(d[1], "refused", "2020-11-02T11:00:00+00:00"),
        event(
            d[2],
            "state",
            "2020-11-02T09:00:00+00:00",
            {"old": "listed", "new": "interviewing"},
            case_uuid=case,
        ),
        attempt(d[3], "appointment", "2020-11-02T09:00:00+00:00", "in_person"),
    ]
    r = alice.post(f"{V1}/events", json={"items": items})
    assert [x["status"] for x in r.json()["results"]] == ["stored"] * 6
    office.upload(alice, household(d[3]))  # an uploaded household wins over its appointment
    got = conforms(office.client("boss").get(f"{SUP}/progress")).json()
    counts = got["enumerators"][0]["counts"]
    assert (counts["appointment"], counts["refused"], counts["in_progress"]) == (1, 1, 1)
    assert (counts["uploaded"], counts["to_visit"], counts["dwellings"]) == (1, 2, 6)
    assert got["areas"][0]["counts"] == counts


def test_the_case_view_shows_the_history_and_the_paradata(office: Office) -> None:
    alice, d = office.client("alice"), office.dwellings["alice"]
    doc = household(d[0])
    case, person = doc["case_uuid"], doc["persons"][0]["uuid"]
    other = str(uuid.uuid4())  # another household of the same dwelling: not this case's
    appt = str(uuid.uuid4())
    items = [
        attempt(d[0], "no_contact", "2020-11-01T19:00:00+00:00"),
        event(
            d[0],
            "appointment",
            "2020-11-01T19:05:00+00:00",
            {
                "appointment_ref": appt,
                "scheduled_at": "2020-11-02T19:00:00+00:00",
                "channel": "wechat",
                "status": "booked",
            },
        ),
        attempt(d[0], "phone_registration", "2020-11-02T19:00:00+00:00", "phone"),
        event(
            d[0],
            "identity_shown",
            "2020-11-02T19:01:00+00:00",
            {"checklist": {"card": True, "code": True}},
        ),
        *(
            event(
                d[0],
                "answer_changed",
                f"2020-11-02T19:{10 + i}:00+00:00",
                {"cleared": False},
                case_uuid=case,
                person_uuid=person,
                item_id=item,
            )
            for i, item in enumerate(["D1", "D2", "D1"])
        ),
        event(d[0], "note", "2020-11-02T19:20:00+00:00", {}, case_uuid=case, item_id="H6"),
        event(d[0], "note", "2020-11-02T19:21:00+00:00", {}, case_uuid=other, item_id="H6"),
    ]
    r = alice.post(f"{V1}/events", json={"items": items})
    assert {x["status"] for x in r.json()["results"]} == {"stored"}
    office.upload(alice, doc)
    body = conforms(office.client("boss").get(f"{SUP}/cases/{case}")).json()
    assert [h["kind"] for h in body["history"]] == [
        "attempt",
        "appointment",
        "attempt",
        "identity_shown",
        "note",
    ]
    assert body["paradata"] == {
        "answer_changes": 3,
        "items_changed": 2,
        "first_change": "2020-11-02T19:10:00+00:00",
        "last_change": "2020-11-02T19:12:00+00:00",
        "notes": 1,
        "confirmations": 0,
        "attempts": 2,
        "appointments": 1,
        "identity_shown": 1,
        "phone_registration": True,
    }
    seen = views.case(body, None)
    text = [h.text.en for h in seen.history]
    assert any("appointment for 2020-11-02" in t and "WeChat" in t for t in text), text
    assert any("telephone registration" in t for t in text), text
    assert any("identity shown" in t for t in text), text
    assert any("3 answer changes" in t for t in text), text
    zh = [h.text.zh for h in seen.history]
    assert any("电话登记" in t for t in zh) and any("出示证件" in t for t in zh), zh
