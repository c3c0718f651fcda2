"""A profile and a backup written by the previous version (its own AES-GCM through libcrypto)
open with ``cryptography``'s AESGCM: same envelope format, same messages for a wrong password or
a damaged file, and a failure of the cipher itself is never taken for a wrong password.

The fixtures and how they were made: ``tests/fixtures/previous_version/README.md``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cryptography.exceptions import InternalError
from cryptography.hazmat.primitives.ciphers import aead as crypto_aead
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from census_tui.clock import FakeClock
from census_tui.errors import AuthError, BadInput, StoreError
from census_tui.security.backup_format import damaged
from census_tui.security.restore import MSG_RESTORE_WRONG_PASSWORD, restore_backup
from census_tui.store import ENVELOPE_FILE, Store, WrongPassword, recover, unlock
from census_tui.store.envelope import MSG_CIPHER_FAILED
from census_tui.store.errors import MSG_ENVELOPE_DAMAGED, MSG_WRONG_PASSWORD

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "previous_version"
PROFILE = "prev01"
PASSWORD = "previous-version 口令"
RECOVERY_PRIVATE = bytes.fromhex("a8" + "ab" * 30 + "6b")
HOUSEHOLD = "81647767-d846-4976-95b2-2b4f797526a5"
PERSONS = ["e3c53b3d-dd0d-4de7-a89c-62d01a125ac4", "61bd1f1d-4895-4fbc-a074-144f2bf89b85"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data directory holding a copy of the previous version's profile."""
    base = tmp_path / "home"
    shutil.copytree(FIXTURES / "profile", base / "profiles" / PROFILE)
    return base


def assert_known_values(store: Store) -> None:
    assert store.get_meta("account") == "E0042"
    hh = store.household(HOUSEHOLD)
    assert hh.answers == {"H1": 2}
    assert [p.uuid for p in hh.persons] == PERSONS
    assert [p.answers for p in hh.persons] == [{"D1": "王芳"}, {"D1": "李明"}]
    assert [d.id for d in store.dwellings()] == ["D0001"]
    assert store.integrity_check() == (True, True)


def test_the_previous_profile_opens_with_its_password(home: Path) -> None:
    with unlock(PROFILE, PASSWORD, base=home, clock=FakeClock()) as store:
        assert_known_values(store)


def test_the_previous_recovery_slot_opens_with_the_office_key(home: Path) -> None:
    with recover(PROFILE, RECOVERY_PRIVATE, "new password 1", base=home, clock=FakeClock()) as s:
        assert_known_values(s)
    with unlock(PROFILE, "new password 1", base=home, clock=FakeClock()) as store:
        assert store.household(HOUSEHOLD).answers == {"H1": 2}


def test_the_previous_backup_restores(tmp_path: Path) -> None:
    spare = tmp_path / "spare"
    restored = restore_backup(FIXTURES / "prev01.ctbak", PASSWORD, FakeClock(), home=spare)
    assert (restored.profile, restored.schema_version, restored.outbox_depth) == (PROFILE, 3, 0)
    with unlock(PROFILE, PASSWORD, base=spare, clock=FakeClock()) as store:
        assert_known_values(store)


def test_a_wrong_password_is_counted_as_before(home: Path) -> None:
    with pytest.raises(WrongPassword) as caught:
        unlock(PROFILE, "not the password", base=home, clock=FakeClock())
    assert caught.value.msg == MSG_WRONG_PASSWORD.format(left=4)


def test_a_damaged_envelope_is_damage_not_a_wrong_password(home: Path) -> None:
    path = home / "profiles" / PROFILE / ENVELOPE_FILE
    doc = json.loads(path.read_text())
    doc["password"]["wrapped_key"] = "A" + doc["password"]["wrapped_key"][1:]
    path.write_text(json.dumps(doc))
    with pytest.raises(StoreError) as caught:
        unlock(PROFILE, PASSWORD, base=home, clock=FakeClock())
    assert caught.value.msg == MSG_ENVELOPE_DAMAGED


def test_a_wrong_password_does_not_open_the_previous_backup(tmp_path: Path) -> None:
    spare = tmp_path / "spare"
    with pytest.raises(AuthError) as caught:
        restore_backup(FIXTURES / "prev01.ctbak", "not the password", FakeClock(), home=spare)
    assert caught.value.msg.en.startswith(MSG_RESTORE_WRONG_PASSWORD.en)  # + tries left
    assert caught.value.msg.zh.startswith(MSG_RESTORE_WRONG_PASSWORD.zh)
    assert not (spare / "profiles" / PROFILE).exists()


def test_a_damaged_backup_is_refused_as_before(tmp_path: Path) -> None:
    raw = bytearray((FIXTURES / "prev01.ctbak").read_bytes())
    raw[-30000] ^= 1  # inside the database member
    bad = tmp_path / "bad.ctbak"
    bad.write_bytes(bytes(raw))
    spare = tmp_path / "spare"
    with pytest.raises(BadInput) as caught:
        restore_backup(bad, PASSWORD, FakeClock(), home=spare)
    assert caught.value.msg == damaged("member unreadable").msg
    assert not (spare / "profiles" / PROFILE).exists()


class BrokenAESGCM:
    """An AESGCM whose library fails inside (as an OpenSSL error would), whatever the key."""

    def __init__(self, key: bytes) -> None:
        pass

    def encrypt(self, nonce: bytes, data: bytes, aad: bytes | None) -> bytes:
        raise InternalError("cipher failed", [])

    def decrypt(self, nonce: bytes, data: bytes, aad: bytes | None) -> bytes:
        raise InternalError("cipher failed", [])


def test_a_failing_cipher_is_not_a_wrong_password(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(crypto_aead, "AESGCM", BrokenAESGCM)
        for password in (PASSWORD, "not the password"):
            with pytest.raises(StoreError) as caught:
                unlock(PROFILE, password, base=home, clock=FakeClock())
            assert caught.value.msg == MSG_CIPHER_FAILED
        with pytest.raises(StoreError) as caught:
            restore_backup(FIXTURES / "prev01.ctbak", PASSWORD, FakeClock(), home=tmp_path / "s")
        assert caught.value.msg == MSG_CIPHER_FAILED
    # nothing was counted towards the lockout: the first real wrong password leaves 4 tries
    with pytest.raises(WrongPassword) as wrong:
        unlock(PROFILE, "not the password", base=home, clock=FakeClock())
    assert wrong.value.attempts_left == 4


def test_aes_gcm_is_the_published_one() -> None:
    """McGrew and Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256, 96-bit
    IV, AAD): the cipher the envelope format names."""
    key = bytes.fromhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
    nonce = bytes.fromhex("cafebabefacedbaddecaf888")
    data = bytes.fromhex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
    )
    aad = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    sealed = bytes.fromhex(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        "76fc6ece0f4e1768cddf8853bb2d551b"
    )
    assert AESGCM(key).encrypt(nonce, data, aad) == sealed
    assert AESGCM(key).decrypt(nonce, sealed, aad) == data
