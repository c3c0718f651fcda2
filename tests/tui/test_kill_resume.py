"""SIGKILL in the middle of an interview, in a real terminal (a pty): after a restart every
committed answer is there and the interview resumes at the question that was on screen."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.visit.gate import VisitGate
from tests.tui.conftest import CHEAP, PASSWORD, PROFILE
from tests.tui.ptyterm import PtyApp, pty_env
from tests.tui.script import marker_for, steps


def _start(home: Path) -> PtyApp:
    env = pty_env(home)
    return PtyApp([sys.executable, "-m", "census_tui", "--lang", "en"], env)


def _open_first_dwelling(app: PtyApp) -> None:
    app.wait_for("Log in", timeout=30)
    app.send(PASSWORD + "\r")
    app.wait_for("D0001", timeout=30)
    app.send("/")
    app.wait_for("Enter opens the first")
    app.send("D0001\r")  # Enter in the filter opens the first match
    app.wait_for("Enter interview")
    app.mark()
    app.send("\r")


def test_sigkill_mid_interview_loses_nothing_committed(home: Path, clock: FakeClock) -> None:
    script = list(steps())
    stop = next(i for i, s in enumerate(script) if s.person == 1 and s.item_id == "D5")
    app = _start(home)
    try:
        _open_first_dwelling(app)
        app.wait_for(marker_for("H1"))
        for step in script[:stop]:
            app.mark()
            app.send(step.keys)
            app.wait_for(step.marker)
        app.send("1982")  # typed into D5 but not committed when the power goes
        app.kill(signal.SIGKILL)
    finally:
        app.kill(signal.SIGKILL)

    again = _start(home)
    try:
        _open_first_dwelling(again)
        again.wait_for(marker_for("D5"))
        assert "Person 2" in again.text()[-3000:]
    finally:
        again.kill(signal.SIGKILL)

    session = VisitGate(clock=clock, base=home, kdf=CHEAP).unlock(PROFILE, PASSWORD)
    try:
        hh = session.household(session.start_interview("D0001"))
        committed = script[:stop]
        for step in committed:
            owner = hh.answers if step.person < 0 else hh.persons[step.person].answers
            assert str(owner[step.item_id]) == step.keys.rstrip("\r"), step
        assert "D5" not in hh.persons[1].answers
        assert session.last_position(hh.uuid) == (hh.persons[1].uuid, "D5")
    finally:
        session.close()
