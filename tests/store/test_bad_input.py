"""Bad input: each failure is one clear zh/en line (a CensusError) and the files stay as they were.

Tests run as root, where permissions do not stop writes, so read-only and full disks are real
tmpfs mounts (skipped, saying why, only where mounting is impossible).
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import CensusError, ConflictError, DiskError, StoreError
from census_tui.store import (
    DB_FILE,
    ENVELOPE_FILE,
    Area,
    Dwelling,
    Store,
    create_profile,
    unlock,
)
from tests.mounts import remount

from .conftest import AREA_ID, CHEAP_KDF, PASSWORD


def files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def one_clear_line(err: CensusError) -> None:
    for text in (err.msg.zh, err.msg.en):
        assert text and "\n" not in text and "Traceback" not in text


@pytest.fixture
def closed(store: Store, dwelling_id: str) -> tuple[Path, str]:
    h = store.create_household(dwelling_id)
    with store.transaction():
        for i in range(200):  # several pages of data
            store.set_answer(h, "", f"X{i}", "填充数据" * 10)
    store.close()
    return store.directory, h


def expect_store_error(base: Path, clock: FakeClock, directory: Path) -> StoreError:
    before = files(directory)
    with pytest.raises(StoreError) as err:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    one_clear_line(err.value)
    assert files(directory) == before
    return err.value


def test_not_a_database(
    closed: tuple[Path, str], base: Path, clock: FakeClock, capfd: pytest.CaptureFixture[str]
) -> None:
    directory, _ = closed
    (directory / DB_FILE).write_bytes(os.urandom(8192))
    capfd.readouterr()
    err = expect_store_error(base, clock, directory)
    assert "damaged" in err.msg.en and "损坏" in err.msg.zh
    out, errout = capfd.readouterr()
    assert out == "" and errout == ""  # cipher_log_level = NONE: nothing painted over the TUI


def test_plain_sqlite_file_is_not_ours(
    closed: tuple[Path, str], base: Path, clock: FakeClock
) -> None:
    directory, _ = closed
    import sqlite3

    (directory / DB_FILE).unlink()
    plain = sqlite3.connect(directory / DB_FILE)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    expect_store_error(base, clock, directory)


def test_damaged_header(closed: tuple[Path, str], base: Path, clock: FakeClock) -> None:
    directory, _ = closed
    db = directory / DB_FILE
    data = bytearray(db.read_bytes())
    data[100:140] = bytes(40)
    db.write_bytes(bytes(data))
    expect_store_error(base, clock, directory)


def test_damaged_page_inside(closed: tuple[Path, str], base: Path, clock: FakeClock) -> None:
    directory, h = closed
    db = directory / DB_FILE
    data = bytearray(db.read_bytes())
    assert len(data) >= 4 * 4096
    for page in range(1, len(data) // 4096):
        data[page * 4096 + 200] ^= 0xFF
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError) as err:
        s = unlock("enum01", PASSWORD, base=base, clock=clock)
        try:
            s.household(h)
        finally:
            s.close()
    one_clear_line(err.value)


def test_missing_database(closed: tuple[Path, str], base: Path, clock: FakeClock) -> None:
    directory, _ = closed
    (directory / DB_FILE).unlink()
    expect_store_error(base, clock, directory)
    assert not (directory / DB_FILE).exists()  # never silently made anew


def test_missing_envelope(closed: tuple[Path, str], base: Path, clock: FakeClock) -> None:
    directory, _ = closed
    (directory / ENVELOPE_FILE).unlink()
    err = expect_store_error(base, clock, directory)
    assert "envelope.json" in err.msg.en


def _edit_envelope(directory: Path, edit: Callable[[dict[str, object]], None]) -> None:
    path = directory / ENVELOPE_FILE
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))


def _slot(doc: dict[str, object]) -> dict[str, object]:
    slot = doc["password"]
    assert isinstance(slot, dict)
    return slot


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: _slot(d).update(n=2**30),  # would demand 128 GiB
        lambda d: _slot(d).update(r=1024),
        lambda d: _slot(d).update(p=64),
        lambda d: _slot(d).update(n=3000),  # not a power of two
        lambda d: _slot(d).update(n="1024"),
        lambda d: _slot(d).update(salt="not base64!"),
        lambda d: _slot(d).update(nonce=base64.b64encode(b"short").decode()),
        lambda d: _slot(d).pop("wrapped_key"),
        lambda d: d.update(version=99),
        lambda d: d.update(profile="someone-else"),
        lambda d: d.update(recovery={"alg": "rot13"}),
    ],
    ids=[
        "huge-n",
        "huge-r",
        "huge-p",
        "odd-n",
        "str-n",
        "salt",
        "nonce",
        "no-key",
        "version",
        "profile",
        "recovery",
    ],
)
def test_tampered_envelope(
    closed: tuple[Path, str],
    base: Path,
    clock: FakeClock,
    edit: Callable[[dict[str, object]], None],
) -> None:
    directory, _ = closed
    _edit_envelope(directory, edit)
    started = time.perf_counter()
    expect_store_error(base, clock, directory)
    assert time.perf_counter() - started < 2.0  # refused before any costly KDF work


def test_garbage_envelope(closed: tuple[Path, str], base: Path, clock: FakeClock) -> None:
    directory, _ = closed
    (directory / ENVELOPE_FILE).write_bytes(b"\x00\xff{not json")
    expect_store_error(base, clock, directory)


def test_flipped_ciphertext_is_damage_not_a_wrong_password(
    closed: tuple[Path, str], base: Path, clock: FakeClock
) -> None:
    """AES-GCM alone cannot tell a wrong password from a changed ciphertext (both fail the tag);
    the envelope's digest can, before the password is tried (tests/store/
    test_envelope_integrity.py has the rest)."""
    directory, _ = closed

    def flip(doc: dict[str, object]) -> None:
        raw = bytearray(base64.b64decode(str(_slot(doc)["wrapped_key"])))
        raw[0] ^= 1
        _slot(doc)["wrapped_key"] = base64.b64encode(bytes(raw)).decode()

    _edit_envelope(directory, flip)
    err = expect_store_error(base, clock, directory)
    assert "envelope.json" in err.msg.en
    assert not (directory / "lockout.json").exists()


def test_newer_schema_refused(store: Store, base: Path, clock: FakeClock) -> None:
    with store.transaction():
        store._x("INSERT INTO schema_version (version, applied_at) VALUES (999, 'x')")
    store.close()
    with pytest.raises(ConflictError) as err:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    assert "999" in err.value.msg.en


# --- real read-only and full file systems ------------------------------------------------------


def test_read_only_directory(tmpfs: Callable[[str], Path], clock: FakeClock) -> None:
    base = tmpfs("4m")
    s = create_profile("enum01", PASSWORD, base=base, clock=clock, kdf=CHEAP_KDF)
    s.set_meta("k", "v")
    s.close()
    directory = s.directory
    before = files(directory)
    remount(base, "ro")
    with pytest.raises(DiskError) as err:
        unlock("enum01", PASSWORD, base=base, clock=clock)
    one_clear_line(err.value)
    assert "read-only" in err.value.msg.en and "只读" in err.value.msg.zh
    with pytest.raises(DiskError):
        unlock("enum01", "wrong", base=base, clock=clock)  # refused before trying, not counted
    with pytest.raises(DiskError):
        create_profile("enum02", PASSWORD, base=base, clock=clock, kdf=CHEAP_KDF)
    assert files(directory) == before
    remount(base, "rw")
    unlock("enum01", PASSWORD, base=base, clock=clock).close()


def fill(directory: Path) -> Path:
    filler = directory / "filler"
    # unbuffered: a write the full disk cut short leaves nothing for close() to flush (and fail)
    with filler.open("wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


def test_full_disk(tmpfs: Callable[[str], Path], clock: FakeClock) -> None:
    base = tmpfs("3m")
    s = create_profile("enum01", PASSWORD, base=base, clock=clock, kdf=CHEAP_KDF)
    s.upsert_area(Area(AREA_ID, "a"))
    s.upsert_dwelling(Dwelling("D0001", AREA_ID))
    h = s.create_household("D0001")
    s.set_answer(h, "", "H1", 1)
    filler = fill(base)
    with pytest.raises(DiskError) as err:
        s.set_answer(h, "", "D1", "很长的回答" * 100_000)
    one_clear_line(err.value)
    assert "full" in err.value.msg.en and "已满" in err.value.msg.zh
    # a new profile on a full disk leaves nothing behind
    with pytest.raises(DiskError):
        create_profile("enum02", PASSWORD, base=base, clock=clock, kdf=CHEAP_KDF)
    assert not (base / "profiles" / "enum02").exists()
    filler.unlink()
    assert s.household(h).answers == {"H1": 1}  # the store is still usable
    s.set_answer(h, "", "H5", 1)
    s.close()
    s = unlock("enum01", PASSWORD, base=base, clock=clock)
    assert s.household(h).answers == {"H1": 1, "H5": 1}
    assert s.integrity_check() == (True, True)
    s.close()
