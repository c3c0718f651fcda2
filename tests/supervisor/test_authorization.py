"""Who may call the supervisor routes (issue 19 §1 and §9's matrix), on both backends: no
token 401; an enumerator 403 ``wrong_role``; a supervisor whose first login is unfinished 403;
a supervisor of another scope 403 ``not_in_scope`` for anything outside it, with nothing
stored; the supervisor of the case 2xx. Every answer is checked against the OpenAPI document."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from census_tui.server.seed import add_supervisor
from tests.supervisor.conftest import AREA_A, AREA_C, SUP, V1, Office, conforms, household


def _routes(case: str) -> list[tuple[str, str, Any]]:
    """Every supervisor route with a well-formed request about ``case`` (area A)."""
    return [
        ("GET", "/scope", None),
        ("GET", "/progress", None),
        ("GET", "/queue", None),
        ("GET", f"/cases/{case}", None),
        ("POST", f"/cases/{case}/approve", {"decision_uuid": str(uuid.uuid4()), "revision": 1}),
        (
            "POST",
            f"/cases/{case}/return",
            {"decision_uuid": str(uuid.uuid4()), "revision": 1, "comment": "核实 H6"},
        ),
        ("POST", "/sample", {"sample_uuid": str(uuid.uuid4()), "area_ids": [AREA_A], "count": 1}),
        ("GET", "/samples", None),
        (
            "POST",
            "/revisits",
            {
                "revisit_uuid": str(uuid.uuid4()),
                "case_uuid": case,
                "person_count": 3,
                "persons": [],
            },
        ),
    ]


def _send(c: httpx.Client, method: str, path: str, body: Any) -> httpx.Response:
    if method == "GET":
        return conforms(c.get(f"{SUP}{path}"))
    return conforms(c.post(f"{SUP}{path}", json=body))


def test_only_the_supervisor_of_the_case_gets_an_answer(office: Office) -> None:
    alice = office.client("alice")
    case = office.upload(alice, household(office.dwellings["alice"][0]))
    office.upload(office.client("carol"), household(office.dwellings["carol"][0]))
    add_supervisor(office.db, "fresh", "fresh-pass-6", ["alice"])  # first login unfinished
    anonymous = httpx.Client(base_url=office.url, timeout=30)
    fresh = httpx.Client(base_url=office.url, timeout=30)
    token = fresh.post(f"{V1}/login", json={"account": "fresh", "password": "fresh-pass-6"})
    fresh.headers["Authorization"] = f"Bearer {token.json()['token']}"
    other = office.client("other")
    before = office.snapshot()
    for method, path, body in _routes(case):
        assert _send(anonymous, method, path, body).status_code == 401, path
        refused = _send(alice, method, path, body)
        assert (refused.status_code, refused.json()["error"]) == (403, "wrong_role"), path
        assert refused.json()["message"]["zh"] and refused.json()["message"]["en"]
        first = _send(fresh, method, path, body)
        assert (first.status_code, first.json()["error"]) == (
            403,
            "password_change_required",
        ), path
        theirs = _send(other, method, path, body)
        if "cases/" in path or path in ("/sample", "/revisits"):
            assert (theirs.status_code, theirs.json()["error"]) == (403, "not_in_scope"), path
        else:
            assert theirs.status_code == 200, path
            assert AREA_A not in theirs.text and case not in theirs.text, path
    assert office.snapshot() == before  # nothing stored by any refused request
    boss = office.client("boss")
    for method, path, body in _routes(case):
        ok = _send(boss, method, path, body)
        assert ok.status_code in (200, 201), (path, ok.text)
    assert conforms(boss.get(f"{V1}/assignments")).status_code == 403  # not an enumerator


def test_the_scope_is_the_enumerators_and_their_areas(office: Office) -> None:
    boss = office.client("boss").get(f"{SUP}/scope")
    assert conforms(boss).json() == {
        "account": "boss",
        "enumerators": [
            {
                "account": "alice",
                "name": "测试普查员",
                "work_id": "PC-110105-alice",
                "areas": [AREA_A],
            },
            {
                "account": "bob",
                "name": "测试普查员",
                "work_id": "PC-110105-bob",
                "areas": ["110105001001003"],
            },
        ],
        "areas": [
            {"area_id": AREA_A, "name": "测试小区 002 / Test area", "enumerators": ["alice"]},
            {
                "area_id": "110105001001003",
                "name": "测试小区 003 / Test area",
                "enumerators": ["bob"],
            },
        ],
    }
    other = conforms(office.client("other").get(f"{SUP}/scope")).json()
    assert [a["area_id"] for a in other["areas"]] == [AREA_C]
    office.db.remove_supervision("other", "carol")  # the scope changes on the server
    assert conforms(office.client("other").get(f"{SUP}/scope")).json()["areas"] == []
