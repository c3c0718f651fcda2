"""Crash storm, short CI version (issue 9 item 1): ~20 SIGKILLs of a scripted enumerator that
enters households and syncs against the real server; nothing acknowledged is lost, the
database passes both integrity checks, the server holds every completed household once.
The full run: ``python bench/storm_crash.py --kills 200``."""

from __future__ import annotations

from pathlib import Path

from tests.reliability.crash_storm import run_crash_storm


def test_crash_storm_twenty_kills(tmp_path: Path) -> None:
    r = run_crash_storm(tmp_path, kills=20, households=20, seed=20)
    assert not r.problems, (r.problems[:10], r.stderr_tail)
    assert r.kills == 20, "the storm killed too rarely to mean anything"
    assert r.acks > 100 and r.completed == 20 and r.on_server == 20
    assert r.cipher_ok and r.sqlite_ok
    assert "Traceback" not in r.stderr_tail, r.stderr_tail
