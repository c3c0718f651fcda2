"""``census-tui supervise assign`` against the real server (tests/supervisor/test_cli.py's
desk): a list or a range, the refusal of a move over unsynced work (exit 7 with the reason)
and ``--confirm``, ``--json`` for scripts."""

from __future__ import annotations

import json

from census_tui.exitcodes import ExitCode
from census_tui.server.seed import add_enumerator
from tests.supervisor.test_cli import AREA, Desk, desk, run

__all__ = ["desk"]


def test_assign_a_range_then_a_dwelling_with_unsynced_work(desk: Desk) -> None:
    add_enumerator(
        desk.db,
        "bob",
        "bob-pass-22",
        "110105001001003",
        dwellings=2,
        ready=True,
        id_number="11010519491231002X",
    )
    desk.db.add_supervision("boss", ["bob"])
    moved = run(["assign", f"{AREA}-003..{AREA}-004", "--to", "bob", "--json"])
    assert moved.exit_code == ExitCode.OK, moved.output
    got = json.loads(moved.output)
    assert [d["dwelling_id"] for d in got["dwellings"]] == [f"{AREA}-003", f"{AREA}-004"]
    case = str(desk.plain["case_uuid"])
    assert run(["return", case, "--comment", "check H6"]).exit_code == ExitCode.OK
    refused = run(["assign", str(desk.plain["dwelling_id"]), "--to", "bob"])
    assert refused.exit_code == ExitCode.CONFLICT, refused.output
    assert "returned, not uploaded again" in refused.output and "--confirm" in refused.output
    done = run(["assign", str(desk.plain["dwelling_id"]), "--to", "bob", "--confirm"])
    assert done.exit_code == ExitCode.OK, done.output
    assert "Given to bob" in done.output and "1 case(s) moved" in done.output
    both = run(["assign", f"{AREA}-001..{AREA}-002", f"{AREA}-003", "--to", "bob"])
    assert both.exit_code == ExitCode.BAD_INPUT
    zh = run(["assign", f"{AREA}-001", "--to", "carol"], lang="zh")
    assert zh.exit_code == ExitCode.AUTH
