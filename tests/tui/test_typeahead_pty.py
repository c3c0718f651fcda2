"""Typing ahead on a handheld (issue 15 §5): a whole 3-person household typed as one burst at
20 keys a second, in a real terminal, inside ``../shared/tools/handheld`` (one core at 25 %,
256 MiB) where this machine allows it. Nothing waits for the screen between keys, so answers
are committed, questions drawn and persons added while later keys are already arriving; every
stored answer must be exactly what was typed for its question. The same household sent all at
once (a paste-like burst) is the harder case: every key is already waiting when a save or a
screen change begins."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.visit.gate import VisitGate
from tests.tui.conftest import CHEAP, PASSWORD, PROFILE
from tests.tui.ptyterm import PtyApp, pty_env
from tests.tui.script import marker_for, steps
from tests.tui.test_kill_resume import _open_first_dwelling

REPO = Path(__file__).resolve().parents[2]
HANDHELD = REPO.parent / "shared" / "tools" / "handheld"
KEY_GAP = 1 / 20
"""20 keys a second: a fast enumerator on a handheld's keypad."""


def handheld_prefix() -> list[str]:
    """The handheld wrapper when it is here and can make its cgroup (root, cgroups), else
    nothing: the burst then runs at this machine's speed, which still interleaves keys with
    saves and screen changes."""
    if not HANDHELD.exists():
        return []
    probe = subprocess.run([str(HANDHELD), "--", "true"], capture_output=True, check=False)
    return [str(HANDHELD), "--"] if probe.returncode == 0 else []


@pytest.mark.pty
@pytest.mark.parametrize("gap", [KEY_GAP, 0.0], ids=["20-keys-a-second", "all-at-once"])
def test_a_household_typed_as_one_burst_is_stored_as_typed(
    home: Path, clock: FakeClock, gap: float
) -> None:
    script = list(steps())
    env = pty_env(home)
    argv = [*handheld_prefix(), sys.executable, "-m", "census_tui", "--lang", "en"]
    app = PtyApp(argv, env)
    try:
        _open_first_dwelling(app)
        app.wait_for(marker_for("H1"), timeout=60)
        app.mark()
        for key in "".join(step.keys for step in script):
            app.send(key)
            app.pace(gap)
        app.wait_for("Self-check passed", timeout=120)
        app.send("\x11")  # Ctrl+Q
        app.wait(timeout=60)
    finally:
        app.kill()

    session = VisitGate(clock=clock, base=home, kdf=CHEAP).unlock(PROFILE, PASSWORD)
    try:
        hh = session.household(session.start_interview("D0001"))
        assert len(hh.persons) == 3
        for step in script:
            owner = hh.answers if step.person < 0 else hh.persons[step.person].answers
            assert str(owner.get(step.item_id)) == step.keys.rstrip("\r"), step
    finally:
        session.close()
