"""Secrets apart from data (issue 18 §7): the office's recovery private key lives in its own
0600 file beside the database, never in it; the database is 0600; ``census-tui server backup``
copies the data (SQLite's backup API, 0600) without the key."""

from __future__ import annotations

import base64
import sqlite3
import stat
from pathlib import Path

import pytest

from census_tui.errors import StoreError
from census_tui.exitcodes import ExitCode
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import KEY_SUFFIX, ServerDB
from tests.cli.conftest import run
from tests.sync.support import household_payload


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _all_text(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return repr([con.execute(f"SELECT * FROM {t}").fetchall() for t in tables])
    finally:
        con.close()


def test_the_private_key_is_a_0600_file_and_not_in_the_database(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    db = ServerDB(path)
    private = db.recovery_private_key()
    public = db.recovery_public_key()
    db.close()
    key_file = Path(f"{path}{KEY_SUFFIX}")
    assert _mode(key_file) == 0o600 and _mode(path) == 0o600
    assert base64.b64encode(private).decode() not in _all_text(path)
    again = ServerDB(path)  # generated once: the same key on every start
    assert again.recovery_private_key() == private and again.recovery_public_key() == public
    again.close()


def test_an_old_database_has_its_private_key_moved_out(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    db = ServerDB(path)
    private, public = db.recovery_private_key(), db.recovery_public_key()
    db.set_meta("recovery_private_key", base64.b64encode(private).decode())  # the old layout
    db.close()
    Path(f"{path}{KEY_SUFFIX}").unlink()
    path.chmod(0o644)
    moved = ServerDB(path)
    assert moved.recovery_private_key() == private and moved.recovery_public_key() == public
    assert moved.meta("recovery_private_key") is None and _mode(path) == 0o600
    moved.close()


def test_a_lost_key_file_is_not_silently_replaced(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    ServerDB(path).close()
    Path(f"{path}{KEY_SUFFIX}").unlink()
    with pytest.raises(StoreError):
        ServerDB(path)


def test_server_backup_copies_the_data_without_the_key(tmp_path: Path) -> None:
    path = tmp_path / "server.db"
    db = ServerDB(path)
    dwellings = add_enumerator(db, "alice", "alice-pass-1", "110105001001002", ready=True)
    case, payload = household_payload(dwellings[0])
    with db.tx() as con:
        db.store_household(
            con,
            case_uuid=case,
            revision=1,
            area_id="110105001001002",
            dwelling_id=dwellings[0],
            account="alice",
            training=False,
            payload=payload.decode(),
            flags=[],
        )
    private = base64.b64encode(db.recovery_private_key()).decode()
    dest = tmp_path / "backup" / "copy.db"
    dest.parent.mkdir()
    result = run(["server", "backup", "--db", str(path), str(dest)])
    db.close()
    assert result.exit_code == ExitCode.OK, result.output
    assert _mode(dest) == 0o600 and KEY_SUFFIX in result.output
    copy = sqlite3.connect(dest)
    assert [r[0] for r in copy.execute("SELECT case_uuid FROM households")] == [case]
    copy.close()
    assert private not in _all_text(dest)
    again = run(["server", "backup", "--db", str(path), str(dest)])
    assert again.exit_code == ExitCode.BAD_INPUT  # never overwrites
