"""Roster mode end to end (issue 16 §1): `census-tui demo` in a real terminal (a pty), the demo's
own construction-site name list imported into a dormitory from the list the import dialog
offers, one worker marked present, the collective household completed in the interview, synced,
and found on the demo's training server, with nothing refused on the way (a roster household
without the training flag was refused as ``training_mismatch`` and kept on the device)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from census_tui.clock import SystemClock
from census_tui.demo import DEMO_NEW_PASSWORD
from census_tui.roster.sample import sample_rows
from census_tui.server.storage import ServerDB
from census_tui.store import unlock
from census_tui.sync.login import profile_name
from tests.tui.ptyterm import PtyApp, pty_env
from tests.tui.script import keys_for, marker_for
from tests.tui.test_demo_pty import complete_sync_and_quit

DORMITORY = "110105001001001-029"
"""建设路工地 宿舍A栋, the demo area's first construction-site dormitory."""

# The collective household after one worker is marked present holds H1, H2a, H5 and the list's
# D1-D7 (D2 by R-01): the interview opens at the first gap (H2b) and walks on from there. Each
# step is (item, what is typed, the item shown next); None: Enter keeps the prefilled answer.
INTERVIEW: list[tuple[str, str | None, str]] = [
    ("H2b", "0", "H3m"),
    ("H3m", "0", "H3f"),
    ("H3f", "0", "H4m"),
    ("H4m", "0", "H4f"),
    ("H4f", "0", "H5"),
    ("H5", "2", "D1"),  # 2: a collective household, as the roster set it
    ("D1", None, "D2"),
    ("D2", "0", "D3"),
    ("D3", None, "D4"),
    ("D4", None, "D5"),
    ("D5", None, "D6"),
    ("D6", None, "D7"),
    ("D7", "1", "D8"),
    ("D8", "1", "D9"),
    ("D9", "1", "D11"),
    ("D11", "3", "D12"),
    ("D12", "1", ""),
]


def test_demo_roster_household_reaches_the_training_server(tmp_path: Path) -> None:
    env = pty_env(tmp_path, CENSUS_TUI_LANG="en")
    # started in tmp_path: the import dialog also offers the lists of the current directory
    argv = ["/bin/sh", "-c", 'cd "$1" && exec "$2" -m census_tui demo', "sh", str(tmp_path)]
    app = PtyApp([*argv, sys.executable], env)
    try:
        app.wait_for(f"practice password {DEMO_NEW_PASSWORD}", timeout=90)
        app.send(DEMO_NEW_PASSWORD + "\r")
        app.wait_for("Training enumeration area", timeout=30)
        app.send("/")
        app.wait_for("Enter opens the first")
        app.send(DORMITORY[-3:] + "\r")
        app.wait_for("r roster")
        app.send("r")
        app.wait_for("i import")
        app.send("i")
        app.wait_for("Lists on this device")
        app.wait_for("construction-site-roster.csv", new_only=False)
        app.mark()
        app.send("\r")  # picks the offered list and previews it
        app.wait_for("200 rows")
        # the list has a row with a wrong check character: import only the good rows (the
        # focus goes list, path, encoding, preview text, Preview, Only good rows)
        app.mark()
        app.send("\t" * 5 + "\r")
        app.wait_for("total 198")
        app.mark()
        app.send("p")  # the first worker was there at the standard time
        app.wait_for("present 1")
        app.mark()
        app.send("\x1b")  # back to the visit screen, the collective household in progress
        app.wait_for("in progress")
        app.mark()
        app.send("\r")
        app.wait_for(marker_for("H2b"))
        for item, typed, following in INTERVIEW:
            app.mark()
            app.send("\r" if typed is None else keys_for(item, typed))
            app.wait_for(marker_for(following) if following else "Self-check passed")
        complete_sync_and_quit(app, "Wang Wei")
    finally:
        app.kill()
    stored = [
        h for h in ServerDB(tmp_path / "demo" / "server.db").households() if h["account"] == "demo"
    ]
    assert [(h["dwelling_id"], h["training"]) for h in stored] == [(DORMITORY, 1)]
    payload = json.loads(stored[0]["payload"])
    names = [p["answers"]["D1"] for p in payload["persons"]]
    assert names == [sample_rows(1)[0][0]]  # the worker marked present, from the list
    with unlock(
        profile_name("demo"), DEMO_NEW_PASSWORD, base=tmp_path / "demo", clock=SystemClock()
    ) as store:
        assert store.outbox_refused() == []  # nothing kept as refused (training_mismatch)
        assert store.outbox_depth() == 0
