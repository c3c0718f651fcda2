"""The README's main job end to end: `census-tui demo` in a real terminal (a pty), one household
completed through the TUI by keystrokes, synced, and found on the demo's training server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from census_tui.server.storage import ServerDB
from tests.tui.ptyterm import PtyApp, pty_env
from tests.tui.script import marker_for, steps

DWELLING = "110105001001001-002"


def complete_sync_and_quit(app: PtyApp, respondent: str) -> None:
    """From a passed self-check: read-back, the respondent's name, back on the dashboard, sync
    one household, Ctrl+Q (which also stops the demo's server); the TUI exits cleanly."""
    app.mark()
    app.send("\r")  # to the read-back
    app.wait_for("Respondent")
    app.send(respondent + "\r")
    app.wait_for("Household completed")
    # Back on the dashboard with the household waiting to be sent (on a slow device drawn in
    # the same burst of output as the notice above, so not only after it).
    app.wait_for("to send 1", new_only=False)
    app.mark()
    app.send("s")
    app.wait_for("Sync done: sent 1", timeout=60)
    app.send("\x11")
    assert os.WEXITSTATUS(app.wait(timeout=30)) == 0


def test_demo_completes_a_household_that_reaches_the_server(tmp_path: Path) -> None:
    env = pty_env(tmp_path, CENSUS_TUI_LANG="en")
    app = PtyApp([sys.executable, "-m", "census_tui", "demo"], env)
    try:
        app.wait_for("practice password practice2020", timeout=90)
        app.send("practice2020\r")
        app.wait_for("Training enumeration area", timeout=30)
        app.send("/")
        app.wait_for("Enter opens the first")
        app.send(DWELLING[-3:] + "\r")  # the id's own part, as the dashboard shows it
        app.wait_for("Enter interview")
        app.mark()
        app.send("\r")
        app.wait_for(marker_for("H1"))
        for step in steps():
            app.mark()
            app.send(step.keys)
            app.wait_for(step.marker or "Self-check passed")
        complete_sync_and_quit(app, "Zhang San")
    finally:
        app.kill()
    db = ServerDB(tmp_path / "demo" / "server.db")
    # the demo enumerator's upload (the training supervisor's practice enumerators' work is
    # seeded on the same server)
    stored = [h for h in db.households() if h["account"] == "demo"]
    assert [h["dwelling_id"] for h in stored] == [DWELLING]
