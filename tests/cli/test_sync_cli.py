"""``census-tui sync`` says why items were refused, in words of the user's language (issue 16
items 1 and 12), and ends with 1 (FINDINGS); ``--json`` keeps the reason's key."""

from __future__ import annotations

import json
from pathlib import Path

from census_tui.exitcodes import ExitCode
from census_tui.store import Area, Dwelling
from tests.cli.conftest import AREA, PASSWORD, Site, online_profile, run


def test_refused_items_are_said_in_words(home: Path, site: Site) -> None:
    store = online_profile(site, home)  # a real (not training) profile
    store.upsert_area(Area(AREA, "测试小区"))
    store.upsert_dwelling(Dwelling(f"{AREA}-901", AREA))
    case = store.create_household(f"{AREA}-901")
    store.enqueue("household", case, 1, b'{"training": true}')
    store.close()
    zh = run(["sync"], password=PASSWORD, lang="zh")
    assert zh.exit_code == ExitCode.FINDINGS, zh.output
    assert "被拒：练习数据与正式数据不能混传（保留在本机）" in zh.output
    assert "training_mismatch" not in zh.output
    doc = json.loads(run(["sync", "--json"], password=PASSWORD).output)
    assert doc["refused"] == 1 and doc["refused_reasons"][0].startswith("training_mismatch")
