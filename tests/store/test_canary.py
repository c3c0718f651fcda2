"""No personal data in plaintext on disk: the database, its WAL and shm, the envelope, the lockout
file hold none of a set of planted canary strings."""

from __future__ import annotations

from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.model import Confirmation
from census_tui.store import LOCKOUT_FILE, META_ENUMERATOR_CARD, Store, WrongPassword, unlock

from .conftest import PASSWORD

NAME = "欧阳金花"
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
CANARIES = [NAME, ID_NUMBER, PHONE, "Canary-Ouyang"]


def forms(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("gb18030")]


def assert_clean(path: Path) -> None:
    data = path.read_bytes()
    for canary in CANARIES:
        for form in forms(canary):
            assert form not in data, f"{canary!r} in plaintext in {path.name}"


def test_canaries_not_in_plaintext(
    store: Store, dwelling_id: str, base: Path, clock: FakeClock
) -> None:
    store.set_meta(META_ENUMERATOR_CARD, f'{{"name": "{NAME}", "phone": "{PHONE}"}}')
    h = store.create_household(dwelling_id)
    p = store.add_person(h)
    for _ in range(3):  # several versions of each page in the WAL
        store.set_answer(h, p, "D1", NAME)
        store.set_answer(h, p, "D3", ID_NUMBER)
        store.add_note(h, f"电话 {PHONE} Canary-Ouyang", person_uuid=p, item_id="D1")
        store.set_answer(h, p, "D1", "x")
    store.set_answer(h, p, "D1", NAME)
    store.add_confirmation(h, Confirmation("P-01", p, NAME, "E1", "2020-11-02", {"x": ID_NUMBER}))
    store.add_attempt(dwelling_id, "appointment", note=PHONE)
    store.enqueue("household", h, 1, f"{NAME}{ID_NUMBER}".encode())
    store.add_sync_log("push", "ok")

    directory = store.directory
    wal, shm = directory / "census.db-wal", directory / "census.db-shm"
    assert wal.stat().st_size > 0 and shm.exists()  # checked while open: data in the WAL
    for path in directory.iterdir():
        assert_clean(path)
    # the check itself works: the same bytes are found when they are there
    assert NAME.encode() in (b"xx" + NAME.encode())

    store.close()
    with pytest.raises(WrongPassword):
        unlock("enum01", PHONE, base=base, clock=clock)  # a canary typed as the password
    assert (directory / LOCKOUT_FILE).exists()
    for path in directory.iterdir():
        assert_clean(path)
    s = unlock("enum01", PASSWORD, base=base, clock=clock)
    assert s.household(h).persons[0].answers["D3"] == ID_NUMBER
    s.close()
