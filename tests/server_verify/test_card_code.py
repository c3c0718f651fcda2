"""The identity code without a running server: the derivation both sides share (pinned), the
same work for every kind of failure (the check's steps counted: a wrong code, an unknown work
id, an expired card, a disabled or reset account, another role), the client's strict reading of
the login answer's card key, and which clients get the page."""

from __future__ import annotations

import base64
import hmac
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from census_tui.clock import FakeClock
from census_tui.server import admin, verify
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB, Storage
from census_tui.server.throttle import Throttle
from census_tui.sync.card_code import CENSUS_TZ, census_day, code_for, decode_key, encode_key
from census_tui.sync.schema import BadAnswer, login_answer

START = datetime(2020, 11, 2, 1, 0, tzinfo=UTC)
AREA = "110105001001031"


def test_the_code_is_pinned_and_follows_beijing_days() -> None:
    key = bytes(range(32))
    assert code_for(key, "PC-110105-0001", date(2020, 11, 2)) == "52730227"
    assert code_for(key, "PC-110105-0001", date(2020, 11, 3)) == "75333180"
    # 20:00 UTC on 2 November is 04:00 on 3 November in Beijing
    assert census_day(datetime(2020, 11, 2, 20, 0, tzinfo=UTC)) == date(2020, 11, 3)
    assert CENSUS_TZ.utcoffset(None) == timedelta(hours=8)
    assert decode_key(encode_key(key)) == key
    for bad in ("", "not base64!", base64.b64encode(bytes(31)).decode(), "é"):
        assert decode_key(bad) is None


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Storage]:
    storage = ServerDB(tmp_path / "server.db", clock=FakeClock(START))
    for account in ("alice", "bob", "carol"):
        add_enumerator(storage, account, "pass-word-1", AREA, dwellings=0, ready=True)
    storage.add_account(
        "boss",
        "pass-word-1",
        name="督导员",
        id_number="110101199003070011",
        work_id="PC-110105-boss",
        issuing_office="office",
        valid_from="2020-10-01",
        valid_until="2020-12-31",
        areas=[AREA],
        role="supervisor",
    )
    storage.mark_ready("boss")
    yield storage
    storage.close()


def test_every_failure_does_the_same_work(db: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    keys, throttle = verify.CardKeys(db), Throttle(db)
    key = {a: keys.for_login(a) for a in ("alice", "bob", "carol", "boss")}
    today = census_day(START)
    right = code_for(key["alice"], "PC-110105-alice", today)
    wrong = f"{(int(right) + 1) % 10**8:08d}"
    steps: Counter[str] = Counter()

    def counted(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kw: Any) -> Any:
            steps[name] += 1
            return fn(*args, **kw)

        return wrapper

    monkeypatch.setattr("census_tui.server.verify.code_for", counted("code", code_for))
    monkeypatch.setattr(hmac, "compare_digest", counted("compare", hmac.compare_digest))
    monkeypatch.setattr(keys, "key", counted("key", keys.key))
    for method in ("cards_of_work_id", "begin_attempt", "record_failures", "forgive_attempts"):
        monkeypatch.setattr(db, method, counted(method, getattr(db, method)))
    monkeypatch.setattr(db, "tx", counted("tx", db.tx))

    def run(work_id: str, code: str) -> tuple[bool, dict[str, int]]:
        steps.clear()
        checked = verify.check(db, keys, throttle, "192.0.2.1", work_id, code)
        assert checked.wait == 0
        return checked.card is not None, dict(steps)

    ok, match = run("PC-110105-alice", right)
    assert ok and match["code"] == 3 and match["key"] == 1
    failures = {
        "wrong code": run("PC-110105-alice", wrong),
        "unknown work id": run("PC-110105-nobody", right),
        "supervisor": run("PC-110105-boss", code_for(key["boss"], "PC-110105-boss", today)),
    }
    admin.disable_account(db, "bob")
    failures["disabled"] = run("PC-110105-bob", code_for(key["bob"], "PC-110105-bob", today))
    admin.reset_password(db, "carol")
    failures["reset"] = run("PC-110105-carol", code_for(key["carol"], "PC-110105-carol", today))
    db.clock.set_wall(datetime(2021, 1, 2, 1, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    expired_day = census_day(db.clock.now())
    run("PC-110105-alice", wrong)  # the throttle's periodic sweep, due after the jump, first
    failures["expired"] = run(
        "PC-110105-alice", code_for(key["alice"], "PC-110105-alice", expired_day)
    )
    shapes = {what: work for what, (ok, work) in failures.items()}
    assert not any(ok for ok, _ in failures.values())
    first = shapes["wrong code"]
    assert first["code"] == 3 and first["compare"] == 3 and first["key"] == 1
    assert first["cards_of_work_id"] == 1 and first["record_failures"] == 1
    assert "forgive_attempts" not in first
    for what, work in shapes.items():
        assert work == first, what


def test_the_client_reads_the_card_key_strictly() -> None:
    base: dict[str, Any] = {
        "token": "t",
        "account": "alice",
        "must_change_password": False,
        "verified": True,
        "training": False,
        "recovery_public_key": base64.b64encode(bytes(32)).decode(),
        "card": {
            k: ""
            for k in (
                "name",
                "work_id",
                "area_id",
                "area_name",
                "issuing_office",
                "valid_from",
                "valid_until",
            )
        },
    }
    assert login_answer(base).card_key == ""  # an older server, or another role
    good = encode_key(bytes(range(32)))
    assert login_answer({**base, "card_key": good}).card_key == good
    for bad in ("", "short", 12, None, base64.b64encode(bytes(16)).decode()):
        with pytest.raises(BadAnswer):
            login_answer({**base, "card_key": bad})


@pytest.mark.parametrize(
    ("accept", "page"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("text/html", True),
        ("application/xhtml+xml", True),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/json, text/html", False),
        ("text/html;q=0.4, application/json;q=0.5", False),
        ("text/html;q=0.6, application/json;q=0.5", True),
        ("text/html;q=nonsense", False),
    ],
)
def test_which_clients_get_the_page(accept: str, page: bool) -> None:
    assert verify.wants_html(accept) is page
