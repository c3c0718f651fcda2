"""Durability: a real child process killed with SIGKILL right after an answer was saved; the
answer is there after a restart (WAL + synchronous=FULL; set_answer commits before returning)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.store import Area, Dwelling, create_profile, unlock

from .conftest import AREA_ID, CHEAP_KDF, PASSWORD

CHILD = """
import sys
from pathlib import Path
from census_tui.clock import SystemClock
from census_tui.store import unlock

base, password, household, person, count = sys.argv[1:6]
store = unlock("enum01", password, base=Path(base), clock=SystemClock())
for i in range(int(count)):
    store.set_answer(household, person, f"X{i}", f"value {i}")
    print(f"saved {i}", flush=True)
if int(count) == 1:
    sys.stdin.read()  # wait to be killed, the store still open
else:
    while True:  # keep writing until killed
        i += 1
        store.set_answer(household, person, f"X{i}", f"value {i}")
        print(f"saved {i}", flush=True)
"""


def setup_profile(base: Path) -> tuple[str, str]:
    s = create_profile("enum01", PASSWORD, base=base, clock=FakeClock(), kdf=CHEAP_KDF)
    s.upsert_area(Area(AREA_ID, "a"))
    s.upsert_dwelling(Dwelling("D0001", AREA_ID))
    h = s.create_household("D0001")
    p = s.add_person(h)
    s.close()
    return h, p


def run_child(base: Path, h: str, p: str, count: int, read_lines: int) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(base), PASSWORD, h, p, str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    lines = []
    try:
        for _ in range(read_lines):
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else "child died"
            lines.append(line.strip())
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        for stream in (child.stdin, child.stdout, child.stderr):
            if stream:
                stream.close()
    assert child.returncode == -signal.SIGKILL
    return lines


def test_answer_survives_sigkill(tmp_path: Path) -> None:
    base = tmp_path / "home"
    h, p = setup_profile(base)
    assert run_child(base, h, p, count=1, read_lines=1) == ["saved 0"]
    wal = base / "profiles" / "enum01" / "census.db-wal"
    assert wal.exists() and wal.stat().st_size > 0  # killed without a clean close
    s = unlock("enum01", PASSWORD, base=base, clock=FakeClock())
    assert s.household(h).person(p) is not None
    assert s.household(h).persons[0].answers == {"X0": "value 0"}
    assert s.integrity_check() == (True, True)
    s.close()


def test_every_reported_answer_survives_sigkill_mid_write(tmp_path: Path) -> None:
    base = tmp_path / "home"
    h, p = setup_profile(base)
    lines = run_child(base, h, p, count=5, read_lines=20)
    last = int(lines[-1].split()[1])
    s = unlock("enum01", PASSWORD, base=base, clock=FakeClock())
    answers = s.household(h).persons[0].answers
    for i in range(last + 1):
        assert answers[f"X{i}"] == f"value {i}"
    # whatever the child was writing when killed is either fully there or absent
    assert set(answers) <= {f"X{i}" for i in range(last + 2)}
    assert s.integrity_check() == (True, True)
    s.close()
