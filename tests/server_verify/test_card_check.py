"""The open identity-code check, ``GET /api/v1/card-check`` (issue 20 §5 and §7), attacker-style
on both backends: a valid code answers the card and nothing else; yesterday's and tomorrow's
codes near midnight; an expired card, a disabled account, a reset account, an unfinished first
login, another role, a wrong code and an unknown work id all get one and the same answer;
malformed input 400 (nothing counted); failed checks rate-limited per client address, counted in
the database; a browser gets the same result as a bilingual page; every answer is the one the
OpenAPI document declares. One server per backend for the module (its clock is a FakeClock,
reset before each test with the failure counts)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jsonschema_rs
import pytest

from census_tui.clock import FakeClock
from census_tui.server import admin
from census_tui.server.openapi import OPENAPI
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB, Storage
from census_tui.server.throttle import FAIL_WINDOW
from census_tui.server.verify import CHECK_FAILS, PATH
from census_tui.store import META_CARD_KEY
from census_tui.sync.card_code import census_day, code_for, decode_key
from census_tui.sync.login import begin_first_login, save_login
from census_tui.sync.schema import login_answer
from census_tui.visit.identity import check_address
from census_tui.visit.service import VisitSession
from tests.server_security.conftest import BACKENDS
from tests.sync.support import CHEAP_KDF, FAST

START = datetime(2020, 11, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
AREA = "110105001001021"
PASSWORD = "pass-word-1"
CARD_KEYS = {"valid", "name", "work_id", "area_name", "valid_from", "valid_until"}
NOT_VALID = {"valid": False}


@dataclass
class Site:
    db: Storage
    url: str
    clock: FakeClock
    http: httpx.Client

    def work_id(self, account: str) -> str:
        return f"PC-{AREA[:6]}-{account}"

    def login(self, account: str, password: str = PASSWORD) -> dict[str, Any]:
        r = self.http.post("/api/v1/login", json={"account": account, "password": password})
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def key(self, account: str, password: str = PASSWORD) -> bytes:
        key = decode_key(self.login(account, password)["card_key"])
        assert key is not None
        return key

    def check(self, work_id: str, code: str, accept: str | None = None) -> httpx.Response:
        headers = {"Accept": accept} if accept else {}
        return self.http.get(PATH, params={"work_id": work_id, "code": code}, headers=headers)

    def code(self, account: str, key: bytes, day: date | None = None) -> str:
        return code_for(key, self.work_id(account), day or census_day(self.clock.now()))


def _open(request: pytest.FixtureRequest, tmp: Path, clock: FakeClock) -> Storage:
    if request.param == "postgres":
        from census_tui.server.pg_storage import PostgresStorage

        url = request.getfixturevalue("pg_cluster").create_database("card_check")
        return PostgresStorage(url, clock, key_file=tmp / "office.recovery-key")
    return ServerDB(tmp / "server.db", clock=clock)


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    clock = FakeClock(START)
    db = _open(request, tmp_path_factory.mktemp("card_check"), clock)
    for i, account in enumerate(("alice", "bob", "carol", "dave")):
        area = f"{AREA[:-2]}{21 + i}"
        name = "<b>卡罗尔</b>&" if account == "carol" else f"普查员{account}"
        add_enumerator(db, account, PASSWORD, area, dwellings=1, ready=True, name=name)
    add_enumerator(db, "newbie", PASSWORD, f"{AREA[:-2]}29", dwellings=1)  # first login unfinished
    add_enumerator(db, "erin", PASSWORD, f"{AREA[:-2]}30", dwellings=1)  # the device's first login
    db.add_account(
        "boss",
        PASSWORD,
        name="督导员",
        id_number="110101199003070011",
        work_id="PC-110105-boss",
        issuing_office="office",
        valid_from="2020-10-01",
        valid_until="2020-12-31",
        areas=[AREA],
        role="supervisor",
    )
    db.mark_ready("boss")
    with ServerThread(db) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        yield Site(db, server.url, clock, http)
    db.close()


@pytest.fixture(autouse=True)
def fresh(site: Site) -> None:
    """Each test starts at 09:00 Beijing time on 2 November 2020 with no failure counted."""
    site.clock.set_wall(START)
    with site.db.tx() as t:
        t.execute("DELETE FROM failed_attempts")


def _schema_errors(doc: Any, status: str = "200") -> list[str]:
    op = OPENAPI["paths"][PATH]["get"]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **op["responses"][status]["content"]["application/json"]["schema"],
        "components": OPENAPI["components"],
    }
    validator = jsonschema_rs.validator_for(schema)
    return [str(e) for e in validator.iter_errors(doc)]


def test_a_valid_code_answers_the_card_and_nothing_else(site: Site) -> None:
    key = site.key("alice")
    r = site.check(site.work_id("alice"), site.code("alice", key))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == CARD_KEYS and body["valid"] is True
    assert body["name"] == "普查员alice" and body["work_id"] == site.work_id("alice")
    assert body["area_name"].startswith("测试小区")
    assert (body["valid_from"], body["valid_until"]) == ("2020-10-01", "2020-12-31")
    assert r.headers["cache-control"] == "no-store"
    assert _schema_errors(body) == []
    assert site.db.failed_attempts() == []  # a match counts nothing
    # a second login hands out the same key (only the office replaces it)
    assert site.key("alice") == key


def test_codes_change_daily_and_are_accepted_twelve_hours_either_side(site: Site) -> None:
    key, work_id = site.key("alice"), site.work_id("alice")
    nov = {d: code_for(key, work_id, date(2020, 11, d)) for d in (1, 2, 3, 4)}
    assert len(set(nov.values())) == 4

    def valid(code: str) -> bool:
        body = site.check(work_id, code).json()
        return bool(body["valid"])

    site.clock.set_wall(datetime(2020, 11, 2, 16, 30, tzinfo=UTC))  # 00:30 on 3 Nov, Beijing
    assert [valid(nov[d]) for d in (1, 2, 3, 4)] == [False, True, True, False]
    site.clock.set_wall(datetime(2020, 11, 2, 15, 30, tzinfo=UTC))  # 23:30 on 2 Nov
    assert [valid(nov[d]) for d in (1, 2, 3, 4)] == [False, True, True, False]
    site.clock.set_wall(datetime(2020, 11, 2, 3, 30, tzinfo=UTC))  # 11:30 on 2 Nov
    assert [valid(nov[d]) for d in (1, 2, 3, 4)] == [True, True, False, False]
    site.clock.set_wall(datetime(2020, 11, 3, 4, 30, tzinfo=UTC))  # 12:30 on 3 Nov
    assert [valid(nov[d]) for d in (1, 2, 3, 4)] == [False, False, True, True]


def test_every_failure_gets_one_and_the_same_answer(site: Site) -> None:
    alice, dave = site.key("alice"), site.key("dave")
    newbie = site.key("newbie")  # the login hands the key out before the first login is done
    assert "card_key" not in site.login("boss")  # a supervisor has no enumerator card
    right = site.code("alice", alice)
    wrong = f"{(int(right) + 1) % 10**8:08d}"
    cases = {
        "wrong code": (site.work_id("alice"), wrong),
        "another's code": (site.work_id("alice"), site.code("dave", dave)),
        "unknown work id": ("PC-110105-nobody", right),
        "first login unfinished": (site.work_id("newbie"), site.code("newbie", newbie)),
        "supervisor": ("PC-110105-boss", right),
    }
    answers = {what: site.check(*args) for what, args in cases.items()}
    assert len(site.db.failed_attempts()) == len(cases)  # each a failure of the address
    site.clock.set_wall(datetime(2021, 1, 1, 2, 0, tzinfo=UTC))  # the card ended on 31 Dec
    answers["expired card"] = site.check(site.work_id("alice"), site.code("alice", alice))
    site.clock.set_wall(datetime(2020, 9, 30, 2, 0, tzinfo=UTC))  # before it began
    answers["card not yet valid"] = site.check(site.work_id("alice"), site.code("alice", alice))
    for what, r in answers.items():
        assert (r.status_code, r.json()) == (200, NOT_VALID), what
        assert r.headers["content-type"] == "application/json", what
        assert _schema_errors(r.json()) == [], what


def test_a_disabled_or_reset_account_s_codes_fail(site: Site) -> None:
    bob, carol = site.key("bob"), site.key("carol")
    assert site.check(site.work_id("bob"), site.code("bob", bob)).json()["valid"] is True
    assert site.check(site.work_id("carol"), site.code("carol", carol)).json()["valid"] is True
    try:
        assert admin.disable_account(site.db, "bob")
        assert site.check(site.work_id("bob"), site.code("bob", bob)).json() == NOT_VALID
        issued = admin.reset_password(site.db, "carol")  # enables again, with a new card key
        assert site.check(site.work_id("carol"), site.code("carol", carol)).json() == NOT_VALID
        fresh = site.key("carol", issued.password)
        assert fresh != carol
        # the new key's code is good once the initial password is changed, the old one never
        assert site.check(site.work_id("carol"), site.code("carol", fresh)).json() == NOT_VALID
        token = site.login("carol", issued.password)["token"]
        r = site.http.post(
            "/api/v1/password",
            json={"old_password": issued.password, "new_password": PASSWORD},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 200, r.text
        assert site.key("carol") == fresh  # the user's own password change keeps the key
        assert site.check(site.work_id("carol"), site.code("carol", fresh)).json()["valid"] is True
        assert site.check(site.work_id("carol"), site.code("carol", carol)).json() == NOT_VALID
    finally:  # bob as the other tests know him
        site.db.change_password("bob", admin.reset_password(site.db, "bob").password, PASSWORD)


@pytest.mark.parametrize(
    "query",
    [
        {"work_id": "PC-110105-alice", "code": "1234567"},
        {"work_id": "PC-110105-alice", "code": "123456789"},
        {"work_id": "PC-110105-alice", "code": "1234567a"},
        {"work_id": "PC-110105-alice", "code": "١٢٣٤٥٦٧٨"},  # Arabic-Indic digits
        {"work_id": "PC-110105-alice", "code": "１２３４５６７８"},  # full-width digits
        {"work_id": "PC-110105-alice", "code": ""},
        {"work_id": "PC-110105-alice"},
        {"code": "12345678"},
        {"work_id": "PC 110105", "code": "12345678"},
        {"work_id": "x" * 65, "code": "12345678"},
        {"work_id": "普查员", "code": "12345678"},
        {"work_id": "", "code": "12345678"},
        {"work_id": ["PC-110105-alice", "PC-110105-bob"], "code": "12345678"},
    ],
    ids=range(13),
)
def test_malformed_input_is_400_and_counts_nothing(site: Site, query: dict[str, Any]) -> None:
    r = site.http.get(PATH, params=query)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad_request" and r.json()["message"]["en"]
    assert _schema_errors(r.json(), "400") == []
    assert site.db.failed_attempts() == []


def test_failed_checks_are_rate_limited_per_address(site: Site) -> None:
    key = site.key("alice")
    work_id, right = site.work_id("alice"), site.code("alice", key)
    wrong = f"{(int(right) + 7) % 10**8:08d}"
    for _ in range(CHECK_FAILS - 1):
        assert site.check(work_id, wrong).json() == NOT_VALID
    assert site.check(work_id, right).json()["valid"] is True  # a match is not a failure
    assert site.check("PC-110105-nobody", right).json() == NOT_VALID  # the limit-th failure
    keys = {k for k, _ in site.db.failed_attempts()}
    assert keys == {"card-check:127.0.0.1"}  # in the database: every worker sees it
    for code in (wrong, right):  # then even the right code waits
        r = site.check(work_id, code)
        assert r.status_code == 429 and r.json()["error"] == "too_many_attempts"
        assert 0 < int(r.headers["Retry-After"]) <= FAIL_WINDOW
        assert _schema_errors(r.json(), "429") == []
    assert len(site.db.failed_attempts()) == CHECK_FAILS  # refused checks are not counted
    # logins from the same address are not held up by the checks
    assert site.login("dave")["token"]
    site.clock.advance(FAIL_WINDOW + 1)
    assert site.check(work_id, site.code("alice", key)).json()["valid"] is True


def test_a_browser_gets_the_same_result_as_a_page(site: Site) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    carol = site.key("carol")
    r = site.check(site.work_id("carol"), site.code("carol", carol), accept=browser)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"
    page = r.text
    assert "核验通过" in page and "Valid: this is a current enumerator card" in page
    assert "&lt;b&gt;卡罗尔&lt;/b&gt;&amp;" in page and "<b>卡罗尔" not in page  # escaped
    assert site.work_id("carol") in page and "2020-12-31" in page
    bad = site.check(site.work_id("carol"), "00000000", accept=browser)
    assert bad.status_code == 200 and "核验未通过" in bad.text and "Not valid" in bad.text
    assert "卡罗尔" not in bad.text
    malformed = site.check(site.work_id("carol"), "0000", accept=browser)
    assert malformed.status_code == 400 and "8位数字" in malformed.text
    assert malformed.headers["content-type"].startswith("text/html")
    # a client asking for JSON (or anything) gets JSON
    for accept in ("application/json", "*/*", "application/json, text/html;q=0.5"):
        r = site.check(site.work_id("carol"), "00000000", accept=accept)
        assert r.headers["content-type"] == "application/json", accept


def test_the_page_is_rate_limited_too(site: Site) -> None:
    with site.db.tx() as t:
        for _ in range(CHECK_FAILS):
            t.execute(
                "INSERT INTO failed_attempts (key, at) VALUES (?, ?)",
                ("card-check:127.0.0.1", site.clock.now().timestamp()),
            )
    r = site.check(site.work_id("alice"), "00000000", accept="text/html")
    assert r.status_code == 429 and r.headers["content-type"].startswith("text/html")
    assert int(r.headers["Retry-After"]) > 0 and "秒后再试" in r.text


def test_the_route_is_declared_exactly(site: Site) -> None:
    op = OPENAPI["paths"][PATH]["get"]
    assert "security" not in op and set(op["responses"]) == {"200", "400", "429", "503"}
    assert [p["name"] for p in op["parameters"]] == ["work_id", "code"]
    for status in ("200", "400", "429"):
        assert set(op["responses"][status]["content"]) == {"application/json", "text/html"}
    assert op["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    r = site.http.post(PATH)
    assert r.status_code == 405  # GET only


def test_the_device_shows_the_code_the_server_checks(site: Site, tmp_path: Path) -> None:
    """The real client: the first login stores the card key in the profile; the identity
    screen's code and QR address are what the server accepts; a later login without a key
    (an older server) leaves the device with none, never a stale one."""
    flow = begin_first_login(
        site.url, "erin", PASSWORD, clock=site.clock, base=tmp_path, kdf=CHEAP_KDF, policy=FAST
    )
    flow.change_password("erin-new-pass-1")
    flow.verify_identity("测试普查员", "310104198812240043")
    session = VisitSession(flow.finish(), clock=site.clock, profile="erin", base=tmp_path)
    try:
        assert session.store.get_meta(META_CARD_KEY)
        code, url = session.verification_code(), check_address(session)
        assert len(code) == 8 and url.startswith(f"{site.url}{PATH}?")
        assert parse_qs(urlsplit(url).query) == {"work_id": ["PC-110105-erin"], "code": [code]}
        r = site.http.get(url, headers={"Accept": "text/html"})
        assert r.status_code == 200 and "核验通过" in r.text
        site.clock.advance(24 * 3600)  # the next day: another code, also accepted
        assert session.verification_code() != code
        assert site.http.get(check_address(session)).json()["valid"] is True
        older = {k: v for k, v in site.login("erin", "erin-new-pass-1").items() if k != "card_key"}
        save_login(session.store, site.url, login_answer(older))
        assert session.store.get_meta(META_CARD_KEY) is None
        assert session.verification_code() == "" and check_address(session) == ""
    finally:
        session.close()
