"""The envelope's integrity digest (format version 2): damage is told from a wrong password.

A flipped bit in the wrapped key, nonce or salt used to fail the AES-GCM tag exactly like a wrong
password, so the enumerator was told "wrong password" and the flip counted towards the lockout.
The digest over every other field is checked at load, without the password and before any KDF
work: damage is reported as damaged, with the offer to restore from a backup, and never counted.
Version 1 files (the committed schema fixtures have them) still open and are upgraded in place.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import StoreError
from census_tui.store import ENVELOPE_FILE, LOCKOUT_FILE, WrongPassword, create_profile, unlock
from census_tui.store import envelope as env_mod
from census_tui.store.lockout import Lockout
from tests.store.conftest import CHEAP_KDF, PASSWORD

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_PROFILE = "fixture"
FIXTURE_PASSWORD = "fixture-password-口令"
GOLDEN_KEY = bytes(range(32))
"""The data key inside ``tests/fixtures/envelope_v2.json`` (sealed once with FIXTURE_PASSWORD)."""


def profile_dir(base: Path, name: str = "enum01") -> Path:
    return base / "profiles" / name


@pytest.fixture
def closed(base: Path, clock: FakeClock) -> Path:
    """A fresh profile (version 2 envelope with a recovery slot), closed; its directory."""
    _, public = env_mod.generate_recovery_keypair()
    create_profile(
        "enum01", PASSWORD, base=base, clock=clock, kdf=CHEAP_KDF, recovery_public_key=public
    ).close()
    return profile_dir(base)


def assert_damaged(err: StoreError) -> None:
    assert "damaged" in err.msg.en and "census-tui restore PATH" in err.msg.en
    assert "损坏" in err.msg.zh and "census-tui restore PATH" in err.msg.zh


def failures(directory: Path, clock: FakeClock) -> int:
    return Lockout(directory / LOCKOUT_FILE, clock).failures


def test_new_envelopes_carry_a_matching_digest(closed: Path) -> None:
    doc = json.loads((closed / ENVELOPE_FILE).read_text())
    assert doc["version"] == env_mod.VERSION == 2
    assert doc["digest"].startswith("sha256:") and len(doc["digest"]) == 7 + 64
    assert doc["digest"] == env_mod.digest(doc)
    assert env_mod.load(closed / ENVELOPE_FILE).version == 2


def test_golden_v2_file_opens() -> None:
    """Pins the format: a committed version 2 file parses and yields its known key."""
    env = env_mod.parse((FIXTURES / "envelope_v2.json").read_bytes())
    assert env.version == 2 and not env_mod.needs_upgrade(env)
    assert env_mod.open_with_password(env, FIXTURE_PASSWORD) == GOLDEN_KEY


def test_layout_does_not_matter_values_do(closed: Path, base: Path, clock: FakeClock) -> None:
    """The digest is over the canonical form: re-indenting the file keeps it valid."""
    path = closed / ENVELOPE_FILE
    path.write_text(json.dumps(json.loads(path.read_text()), indent=7))
    unlock("enum01", PASSWORD, base=base, clock=clock).close()


def _b64_flip(value: object) -> str:
    raw = bytearray(base64.b64decode(str(value)))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def _edit(field: str, doc: dict[str, object]) -> None:
    slot = doc["password"]
    assert isinstance(slot, dict)
    if field in ("wrapped_key", "nonce", "salt"):
        slot[field] = _b64_flip(slot[field])
    elif field == "n":
        slot["n"] = 2**11  # still within bounds: only the digest can tell
    elif field.startswith("recovery."):
        key = field.split(".", 1)[1]
        recovery = doc["recovery"]
        assert isinstance(recovery, dict)
        recovery[key] = _b64_flip(recovery[key])
    elif field == "digest":
        text = str(doc["digest"])
        doc["digest"] = text[:-1] + ("0" if text[-1] != "0" else "1")
    elif field == "no-digest":
        del doc["digest"]
    elif field == "extra":
        doc["note"] = "x"
    elif field == "v1-with-digest":
        doc["version"] = 1


FIELDS = [
    "wrapped_key",
    "nonce",
    "salt",
    "n",
    "recovery.wrapped_key",
    "recovery.epk",
    "digest",
    "no-digest",
    "extra",
    "v1-with-digest",
]


@pytest.mark.parametrize("field", FIELDS)
def test_a_changed_field_is_damage_not_a_wrong_password(
    field: str, closed: Path, base: Path, clock: FakeClock
) -> None:
    path = closed / ENVELOPE_FILE
    doc = json.loads(path.read_text())
    _edit(field, doc)
    path.write_text(json.dumps(doc, indent=2))
    with pytest.raises(StoreError) as err:
        env_mod.parse(path.read_bytes())  # no password given: no KDF work can have happened
    assert_damaged(err.value)
    for _ in range(7):  # more than the free tries: none of them is counted
        with pytest.raises(StoreError) as err:
            unlock("enum01", PASSWORD, base=base, clock=clock)
        assert_damaged(err.value)
    assert failures(closed, clock) == 0
    assert not (closed / LOCKOUT_FILE).exists()


def test_every_single_bit_flip_of_a_v2_file_is_caught(closed: Path) -> None:
    """Exhaustive: each bit of the file (with a recovery slot) flipped in turn is refused as
    damaged by the parser alone, without the password: no flip reaches AES-GCM, where it would
    look like a wrong password. (Not even JSON layout flips pass: no single-bit change of the
    file's whitespace is still valid JSON.)"""
    data = (closed / ENVELOPE_FILE).read_bytes()
    env_mod.parse(data)
    for offset in range(len(data)):
        for bit in range(8):
            flipped = bytearray(data)
            flipped[offset] ^= 1 << bit
            with pytest.raises(StoreError) as err:
                env_mod.parse(bytes(flipped))
            assert_damaged(err.value)


def test_wrong_password_still_counts(closed: Path, base: Path, clock: FakeClock) -> None:
    """The control: an intact envelope and a wrong password is a counted wrong password."""
    with pytest.raises(WrongPassword):
        unlock("enum01", "not the password", base=base, clock=clock)
    assert failures(closed, clock) == 1


def _v1_profile(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the committed schema v1 fixture (a version 1 envelope, no digest)."""
    base = tmp_path / "home"
    directory = profile_dir(base, FIXTURE_PROFILE)
    shutil.copytree(FIXTURES / "schema_v1", directory)
    return base, directory


def test_v1_envelope_opens_and_is_upgraded(tmp_path: Path, clock: FakeClock) -> None:
    base, directory = _v1_profile(tmp_path)
    path = directory / ENVELOPE_FILE
    old = env_mod.load(path)
    assert old.version == 1 and env_mod.needs_upgrade(old)
    assert "digest" not in json.loads(path.read_text())
    unlock(FIXTURE_PROFILE, FIXTURE_PASSWORD, base=base, clock=clock).close()
    new = env_mod.load(path)
    assert new.version == 2 and json.loads(path.read_text())["digest"] == env_mod.digest(
        json.loads(path.read_text())
    )
    # same slot, no rewrap: the upgrade did no KDF work and the key is unchanged
    assert (new.salt, new.nonce, new.wrapped) == (old.salt, old.nonce, old.wrapped)
    assert new.kdf == old.kdf
    assert not list(directory.glob(".*tmp*"))
    unlock(FIXTURE_PROFILE, FIXTURE_PASSWORD, base=base, clock=clock).close()
    # from now on a flip in the wrapped key is damage, not a wrong password
    doc = json.loads(path.read_text())
    _edit("wrapped_key", doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(StoreError) as err:
        unlock(FIXTURE_PROFILE, FIXTURE_PASSWORD, base=base, clock=clock)
    assert_damaged(err.value)
    assert failures(directory, clock) == 0


def test_v1_wrong_password_leaves_the_file_alone(tmp_path: Path, clock: FakeClock) -> None:
    base, directory = _v1_profile(tmp_path)
    before = (directory / ENVELOPE_FILE).read_bytes()
    with pytest.raises(WrongPassword):
        unlock(FIXTURE_PROFILE, "wrong", base=base, clock=clock)
    assert (directory / ENVELOPE_FILE).read_bytes() == before


def test_v1_password_change_writes_v2(tmp_path: Path, clock: FakeClock) -> None:
    base, directory = _v1_profile(tmp_path)
    store = unlock(FIXTURE_PROFILE, FIXTURE_PASSWORD, base=base, clock=clock)
    store.change_password(FIXTURE_PASSWORD, "new secret 口令", kdf=CHEAP_KDF)
    store.close()
    assert env_mod.load(directory / ENVELOPE_FILE).version == 2
    unlock(FIXTURE_PROFILE, "new secret 口令", base=base, clock=clock).close()


def test_upgrade_skips_a_file_changed_since_it_was_read(tmp_path: Path, clock: FakeClock) -> None:
    """Another process changed the password after we read the old file: not overwritten."""
    _, directory = _v1_profile(tmp_path)
    path = directory / ENVELOPE_FILE
    stale = env_mod.load(path)
    key = env_mod.open_with_password(stale, FIXTURE_PASSWORD)
    env_mod.save(path, env_mod.rewrap(stale, key, "changed elsewhere"))
    after = path.read_bytes()
    assert env_mod.upgrade(path, stale) is False
    assert path.read_bytes() == after


@pytest.mark.parametrize("version", [0, 3, "2", True])
def test_unknown_versions_are_damage(version: object, closed: Path) -> None:
    path = closed / ENVELOPE_FILE
    doc = json.loads(path.read_text())
    doc["version"] = version
    doc["digest"] = env_mod.digest(doc)
    with pytest.raises(StoreError) as err:
        env_mod.parse(json.dumps(doc).encode())
    assert_damaged(err.value)
