"""``backup`` and ``restore``: an encrypted self-checking copy, restored onto a fresh
CENSUS_TUI_HOME after the password; bad backups and occupied targets give the documented codes."""

from __future__ import annotations

import io
import json
import resource
import signal
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from census_tui.exitcodes import ExitCode
from tests.cli.conftest import (
    CANARIES,
    PASSWORD,
    Site,
    online_profile,
    plant_canaries,
    reopen,
    run,
)


@pytest.fixture
def backup_file(home: Path, site: Site, tmp_path: Path) -> tuple[Path, str]:
    store = online_profile(site, home)
    hh = plant_canaries(store)
    store.close()
    target = tmp_path / "usb" / "alice.ctbak"
    target.parent.mkdir()
    result = run(["backup", str(target)], password=PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    return target, hh


def test_round_trip_onto_a_fresh_home(
    backup_file: tuple[Path, str], home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, hh = backup_file
    with reopen(home) as original:
        before = (
            original.household(hh),
            original.outbox_pending(),
            original.meta(),
            original.dwellings(),
            original.notes(hh),
            original.appointments(),
        )
    spare = tmp_path / "spare"
    monkeypatch.setenv("CENSUS_TUI_HOME", str(spare))
    result = run(["restore", str(target), "--json"], password=PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.output)["outbox_depth"] == 1
    with reopen(spare) as restored:
        after = (
            restored.household(hh),
            restored.outbox_pending(),
            restored.meta(),
            restored.dwellings(),
            restored.notes(hh),
            restored.appointments(),
        )
        assert restored.integrity_check() == (True, True)
    assert after == before
    status = run(["status", "--json"], password=PASSWORD)
    assert json.loads(status.output)["outbox_depth"] == 1


def test_backup_cannot_be_read_without_the_password(
    backup_file: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = backup_file
    raw = target.read_bytes()
    for value in CANARIES.values():
        assert value.encode() not in raw
    with zipfile.ZipFile(target) as zf:
        (tmp_path / "plain.db").write_bytes(zf.read("census.db"))
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(tmp_path / "plain.db").execute("SELECT * FROM sqlite_master").fetchall()
    monkeypatch.setenv("CENSUS_TUI_HOME", str(tmp_path / "spare"))
    wrong = run(["restore", str(target)], password="guessing-1")
    assert wrong.exit_code == ExitCode.AUTH
    assert not (tmp_path / "spare" / "profiles" / "alice").exists()


def test_restore_never_silently_overwrites_unsynced_work(
    backup_file: tuple[Path, str], home: Path
) -> None:
    target, _ = backup_file
    refused = run(["restore", str(target)], password=PASSWORD)
    assert refused.exit_code == ExitCode.CONFLICT
    assert "1 unsynced" in refused.output
    replaced = run(["restore", str(target), "--replace"], password=PASSWORD)
    assert replaced.exit_code == ExitCode.OK, replaced.output
    kept = list((home / "replaced").iterdir())
    assert len(kept) == 1 and (kept[0] / "census.db").is_file()


def test_backup_refuses_to_overwrite_a_file(backup_file: tuple[Path, str]) -> None:
    target, _ = backup_file
    before = target.read_bytes()
    result = run(["backup", str(target)], password=PASSWORD)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert target.read_bytes() == before


def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, change.get(name, zin.read(name)))


@pytest.mark.parametrize("damage", ["truncated", "flipped", "not_zip", "no_manifest"])
def test_damaged_backups_are_refused_before_anything_changes(
    backup_file: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    target, _ = backup_file
    bad = tmp_path / f"{damage}.ctbak"
    data = target.read_bytes()
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "not_zip":
        bad.write_bytes(b"hello, this is not a backup")
    elif damage == "no_manifest":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("census.db", b"x")
        bad.write_bytes(buf.getvalue())
    else:
        with zipfile.ZipFile(target) as zf:
            db = bytearray(zf.read("census.db"))
        db[len(db) // 2] ^= 0xFF
        _rewrite(target, bad, {"census.db": bytes(db)})
    spare = tmp_path / "spare"
    monkeypatch.setenv("CENSUS_TUI_HOME", str(spare))
    result = run(["restore", str(bad)], password=PASSWORD)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "Traceback" not in result.output
    assert not (spare / "profiles" / "alice").exists()


def test_backup_from_a_newer_schema_is_refused(
    backup_file: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = backup_file
    with zipfile.ZipFile(target) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["schema_version"] = 999
    newer = tmp_path / "newer.ctbak"
    _rewrite(target, newer, {"manifest.json": json.dumps(manifest).encode()})
    monkeypatch.setenv("CENSUS_TUI_HOME", str(tmp_path / "spare"))
    result = run(["restore", str(newer)], input="")  # refused before the password is asked
    assert result.exit_code == ExitCode.CONFLICT
    assert "newer" in result.output


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """A real 'no space' condition: the kernel refuses writes past ``limit`` bytes (EFBIG, as on
    a FAT32 stick); SIGXFSZ is ignored so the write fails instead of killing the process."""
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)


def test_no_space_on_the_target(home: Path, site: Site, tmp_path: Path) -> None:
    store = online_profile(site, home)
    plant_canaries(store)
    size = store.db_path.stat().st_size
    store.close()
    target = tmp_path / "full.ctbak"
    with file_size_limit(size // 2):
        result = run(["backup", str(target)], password=PASSWORD)
    assert result.exit_code == ExitCode.DISK, result.output
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    with reopen(home) as s:
        assert s.outbox_depth() == 1


def test_no_space_when_restoring(
    backup_file: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = backup_file
    spare = tmp_path / "spare"
    monkeypatch.setenv("CENSUS_TUI_HOME", str(spare))
    with zipfile.ZipFile(target) as zf:
        size = zf.getinfo("census.db").file_size
    with file_size_limit(size // 2):
        result = run(["restore", str(target)], password=PASSWORD)
    assert result.exit_code == ExitCode.DISK, result.output
    assert not (spare / "profiles" / "alice").exists()


def test_backup_and_restore_need_a_profile_or_file(home: Path, tmp_path: Path) -> None:
    assert run(["backup", str(tmp_path / "x")], password=PASSWORD).exit_code == (
        ExitCode.NO_PROFILE
    )
    assert run(["restore", str(tmp_path / "nope")], password=PASSWORD).exit_code == (
        ExitCode.BAD_INPUT
    )


def test_backup_while_the_tui_holds_the_profile_open(
    home: Path, site: Site, tmp_path: Path
) -> None:
    """The TUI keeps its connection open and keeps writing; the backup still sees a consistent
    database including the last committed answer (SQLite backup API, WAL)."""
    tui = online_profile(site, home)
    hh = plant_canaries(tui)
    tui.set_answer(hh, "", "H2", 3)
    target = tmp_path / "live.ctbak"
    result = run(["backup", str(target)], password=PASSWORD)
    tui.set_answer(hh, "", "H2", 4)
    tui.close()
    assert result.exit_code == ExitCode.OK, result.output
    spare = tmp_path / "spare"
    from census_tui.clock import FakeClock
    from census_tui.security.restore import restore_backup

    restore_backup(target, PASSWORD, FakeClock(), home=spare)
    with reopen(spare) as restored:
        assert restored.household(hh).answers["H2"] == 3


def test_restore_is_no_password_oracle(backup_file: tuple[Path, str], home: Path) -> None:
    """A backup of this device's own profile: each wrong guess through ``restore`` counts on
    the profile's lockout, and once locked the right password gets no different answer."""
    target, _ = backup_file
    counter = home / "profiles" / "alice" / "lockout.json"
    for n in range(1, 6):
        wrong = run(["restore", str(target)], password=f"guess-{n}")
        assert wrong.exit_code == ExitCode.AUTH, wrong.output
        assert json.loads(counter.read_text())["failures"] == n
    right = run(["restore", str(target)], password=PASSWORD)
    assert right.exit_code == ExitCode.AUTH  # locked, not "a profile exists" (7)
    assert "locked" in right.output
    unlocked = run(["status"], password=PASSWORD)
    assert unlocked.exit_code == ExitCode.AUTH and "locked" in unlocked.output


def test_backup_and_restored_files_are_private(
    backup_file: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup holds the wrapped key (enough to guess the password offline): owner only."""
    import os
    import stat

    target, _ = backup_file
    old = os.umask(0o022)
    try:
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        spare = tmp_path / "spare"
        monkeypatch.setenv("CENSUS_TUI_HOME", str(spare))
        assert run(["restore", str(target)], password=PASSWORD).exit_code == ExitCode.OK
    finally:
        os.umask(old)
    restored = spare / "profiles" / "alice"
    assert stat.S_IMODE(restored.stat().st_mode) == 0o700
    for member in ("census.db", "envelope.json"):
        assert stat.S_IMODE((restored / member).stat().st_mode) == 0o600
