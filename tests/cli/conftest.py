"""Fixtures of the support CLI tests: a fresh CENSUS_TUI_HOME, the real reference server on
127.0.0.1, and profiles seeded with canaries in every field that can hold personal data.

Nothing is mocked: profiles are real SQLCipher files, the server is uvicorn on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from census_tui.cli import build_app
from census_tui.clock import FakeClock
from census_tui.model import Confirmation
from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.store import (
    META_ENUMERATOR_CARD,
    Area,
    Dwelling,
    KdfParams,
    Store,
    create_profile,
    unlock,
)
from census_tui.sync.login import begin_first_login
from census_tui.sync.transport import RetryPolicy

CHEAP_KDF = KdfParams(n=2**10, r=1, p=1)
PASSWORD = "alice-pass-1"
NEW_PASSWORD = "fresh-pass-9"
AREA = "110105001001002"
FAST = RetryPolicy(attempts=1, connect_timeout=2.0, read_timeout=2.0)

# Distinct canaries, one per field; none may ever leave the encrypted database.
CANARIES = {
    "name": "金丝雀甲乙",
    "name2": "Canaryname Zed",
    "id_number": "11010519491231002X",
    "id_number2": "110101199003070011",
    "phone": "13912345678",
    "address": "金丝雀路九十九号",
    "building": "金丝雀楼",
    "unit": "CANARY-UNIT-77",
    "note": "金丝雀备注 canary-note",
    "reason": "金丝雀理由 canary-reason",
    "d7p": "金丝雀省金丝雀县",
    "d8p": "金丝雀出生地",
    "attempt_note": "canary-attempt-note",
    "doubt": "canary-doubt-text",
    "appointment": "canary-appointment-note",
    "old_name": "Oldcanary Name",
    "card_name": "金丝雀普查员",
}


@dataclass
class Site:
    db: ServerDB
    server: ServerThread

    @property
    def url(self) -> str:
        return self.server.url

    def office_private_key(self) -> bytes:
        return self.db.recovery_private_key()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("CENSUS_TUI_HOME", str(h))
    for var in ("CENSUS_TUI_PASSWORD", "CENSUS_TUI_NEW_PASSWORD", "CENSUS_TUI_LANG"):
        monkeypatch.delenv(var, raising=False)
    return h


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    db = ServerDB(tmp_path / "server.db")
    add_enumerator(db, "alice", PASSWORD, AREA, dwellings=3, ready=True)
    add_enumerator(db, "newbie", "initial-1", "110105001001003", dwellings=2)
    with ServerThread(db) as server:
        yield Site(db, server)
    db.close()


def run(
    args: list[str],
    *,
    password: str | None = None,
    new_password: str | None = None,
    input: str | None = None,
    lang: str = "en",
) -> Result:
    """Invoke the real CLI in-process."""
    env = {}
    if password is not None:
        env["CENSUS_TUI_PASSWORD"] = password
    if new_password is not None:
        env["CENSUS_TUI_NEW_PASSWORD"] = new_password
    return CliRunner().invoke(build_app(), ["--lang", lang, *args], env=env, input=input)


def online_profile(site: Site, home: Path) -> Store:
    """alice's profile made by the real first-login flow (cheap KDF), open."""
    flow = begin_first_login(
        site.url, "alice", PASSWORD, clock=FakeClock(), base=home, kdf=CHEAP_KDF, policy=FAST
    )
    return flow.finish()


def offline_profile(home: Path, recovery_public_key: bytes | None = None) -> Store:
    return create_profile(
        "alice",
        PASSWORD,
        base=home,
        clock=FakeClock(),
        kdf=CHEAP_KDF,
        recovery_public_key=recovery_public_key,
    )


def plant_canaries(store: Store) -> str:
    """Put a canary in every field that can hold personal data; one item in the outbox.
    Returns the household's uuid."""
    c = CANARIES
    store.upsert_area(Area(AREA, "测试小区"))
    store.upsert_dwelling(
        Dwelling(f"{AREA}-901", AREA, building=c["building"], unit=c["unit"], address=c["address"])
    )
    hh = store.create_household(f"{AREA}-901")
    store.set_answer(hh, "", "H1", 1)
    head = store.add_person(hh)
    store.set_answer(hh, head, "D1", c["old_name"])
    store.set_answer(hh, head, "D1", c["name"])  # the old value stays in the audit log
    store.set_answer(hh, head, "D3", c["id_number"])
    store.set_answer(hh, head, "D7P", c["d7p"])
    store.set_answer(hh, head, "D8P", c["d8p"])
    other = store.add_person(hh)
    store.set_answer(hh, other, "D1", c["name2"])
    store.set_answer(hh, other, "D3", c["id_number2"])
    store.add_note(hh, f"{c['note']} 电话 {c['phone']}", person_uuid=head, item_id="D1")
    store.add_confirmation(
        hh, Confirmation("P-02", head, c["reason"], "alice", "2020-11-02T09:00:00+00:00", {})
    )
    store.add_attempt(
        f"{AREA}-901", "no_contact", note=c["attempt_note"], doubt=c["doubt"], household_uuid=hh
    )
    store.add_appointment(
        f"{AREA}-901",
        datetime(2020, 11, 3, 19, tzinfo=UTC),
        note=f"{c['appointment']} {c['phone']}",
    )
    store.set_meta(META_ENUMERATOR_CARD, f'{{"name": "{c["card_name"]}"}}')
    payload = ("{" + ",".join(f'"{k}":"{v}"' for k, v in c.items()) + "}").encode()
    store.enqueue("household", hh, 1, payload)
    return hh


def reopen(home: Path, password: str = PASSWORD) -> Store:
    return unlock("alice", password, base=home, clock=FakeClock())


def assert_no_canary(text: str | bytes, where: str) -> None:
    blob = text if isinstance(text, str) else text.decode("utf-8", errors="replace")
    for field, value in CANARIES.items():
        assert value not in blob, f"canary {field} leaked into {where}"
