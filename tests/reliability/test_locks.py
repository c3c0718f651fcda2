"""Locks (issue 9 item 6). Lockout across restarts and clock changes is tested in
``tests/store/test_auth.py`` (test_lockout_applies_and_survives_restart,
test_clock_going_backwards_counts_as_no_time); here:

* the idle lock of the real app (Textual Pilot, FakeClock) leaves no personal data on the
  captured screen, while the same screen showed it before the lock;
* the database is standard SQLCipher 4: a separate process that knows only the raw key and
  SQLCipher 4's defaults opens and reads it (the census office's procedure, docs/security.md);
* without the key the file looks like random bytes (byte entropy > 7.9 bits/byte) and plain
  SQLite refuses it.
"""

from __future__ import annotations

import html
import math
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from census_tui.app import make_app
from census_tui.clock import FakeClock
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.visit.gate import VisitGate
from tests.reliability.conftest import CHEAP_KDF, PASSWORD, PROFILE, practice

CANARY = "金丝雀户主"
SHOWN = CANARY[:3]
"""What the dashboard's 7-cell head column shows of the name (the test looks for this part)."""


def screen_text(svg: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


@pytest.mark.asyncio
async def test_idle_lock_hides_personal_data(tmp_path: Path) -> None:
    clock = FakeClock()
    s = practice(tmp_path, clock, households=2)
    hh = s.store.cases("D0001")[0].uuid
    head = s.household(hh).persons[0].uuid
    s.set_answer(hh, head, "D1", CANARY)
    s.set_answer(hh, HOUSEHOLD_SCOPE, "H1", 1)
    s.close()
    gate = VisitGate(clock=clock, base=tmp_path, kdf=CHEAP_KDF)
    app = make_app(gate, lang="en", clock=clock, idle_minutes=1)
    async with app.run_test(size=(100, 30)) as pilot:
        app.logged_in(gate.unlock(PROFILE, PASSWORD))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert SHOWN in screen_text(app.export_screenshot()), "precondition: name shown"
        clock.advance(59)
        app.check_idle_lock()
        await pilot.pause()
        assert not app.locked
        clock.advance(2)
        app.check_idle_lock()
        await pilot.pause()
        assert app.locked and type(app.screen).__name__ == "LockScreen"
        text = screen_text(app.export_screenshot())
        assert SHOWN not in text and "D0001" not in text
        assert "Locked" in text


def test_standard_sqlcipher4_with_the_raw_key(tmp_path: Path) -> None:
    s = practice(tmp_path, FakeClock(), households=2)
    key, db_path = s.store._key.hex(), s.store.db_path
    expected = len(s.store.cases())
    s.close()
    # a separate process, sqlcipher3 only, SQLCipher 4 defaults, nothing from census_tui
    script = (
        "import sqlcipher3, sys\n"
        "c = sqlcipher3.connect(sys.argv[1])\n"
        'c.execute(f"PRAGMA key = \\"x\'{sys.argv[2]}\'\\"")\n'
        "c.execute('PRAGMA cipher_compatibility = 4')\n"
        "print(c.execute('SELECT count(*) FROM household').fetchone()[0])\n"
        "print(c.execute('PRAGMA cipher_integrity_check').fetchall())\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", script, str(db_path), key],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    count, check = done.stdout.split("\n")[:2]
    assert int(count) == expected and check == "[]"


def test_without_the_key_the_file_is_noise(tmp_path: Path) -> None:
    s = practice(tmp_path, FakeClock(), households=3)
    db_path = s.store.db_path
    s.close()
    data = db_path.read_bytes()
    counts = Counter(data)
    entropy = -sum(n / len(data) * math.log2(n / len(data)) for n in counts.values())
    assert entropy > 7.9, f"{entropy:.3f} bits/byte"
    assert not data.startswith(b"SQLite format 3\x00")
    con = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    con.close()
