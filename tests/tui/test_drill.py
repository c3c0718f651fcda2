"""The doubts drill (issue 8 §4), driven by Pilot on a real practice profile."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from census_tui.app import make_app
from census_tui.clock import FakeClock
from census_tui.screens.dashboard import DashboardScreen
from census_tui.screens.drill import DrillScreen
from census_tui.visit.gate import VisitGate
from census_tui.visit.practice import make_local_profile
from census_tui.visit.scenarios import DOUBTS
from tests.tui.conftest import CHEAP, PASSWORD, PROFILE
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text

SEED = 7


def _flat(text: str) -> str:
    return "".join(line.strip() for line in text.splitlines()).replace(" ", "")


def _expected_order() -> list[str]:
    return [key for key, _, _ in random.Random(SEED).sample(list(DOUBTS), len(DOUBTS))]


@pytest.mark.parametrize(
    ("lang", "size"), [("en", (80, 24)), ("zh", (40, 16))], ids=["en-80x24", "zh-40x16"]
)
async def test_drill_plays_three_doubts_to_the_summary(
    app_factory: AppFactory, lang: str, size: tuple[int, int]
) -> None:
    app = app_factory(lang)
    doubts = {key: (doubt(app.lang), reply(app.lang)) for key, doubt, reply in DOUBTS}
    async with app.run_test(size=size) as pilot:
        await login(pilot, PASSWORD)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        drill = DrillScreen(rng=random.Random(SEED))
        app.push_screen(drill)
        await settle(pilot)
        order = _expected_order()
        assert [key for key, _, _ in drill.order] == order
        ratings = [1, 3, 2]
        for n, (key, rating) in enumerate(zip(order, ratings, strict=True), start=1):
            doubt, reply = doubts[key]
            text = screen_text(app)
            assert "培训模式 TRAINING" in text
            assert _flat(doubt)[:12] in _flat(text), text
            assert _flat(reply)[:12] not in _flat(text)  # not revealed before Enter
            assert (f"第 {n}/3" if lang == "zh" else f"Doubt {n} of 3") in text
            if n == 1:
                await type_text(pilot, "不收税,数据保密" if lang == "zh" else "no tax, kept secret")
            await pilot.press("enter")
            await pilot.pause()
            text = screen_text(app)
            assert _flat(reply)[:12] in _flat(text), text
            assert ("耐心解释" if lang == "zh" else "explain patiently") in text
            if n == 1:
                assert ("不收税" if lang == "zh" else "no tax, kept secret") in text
            # Digits rate only once the reply is shown; a stray Enter does not skip ahead.
            await pilot.press("enter")
            assert drill.index == n - 1
            await pilot.press(str(rating))
            await pilot.pause()
        assert drill.stage == "summary"
        assert drill.results == list(zip(order, ratings, strict=True))
        text = screen_text(app)
        flat = _flat(text)
        if lang == "zh":
            assert "演练结束" in flat and "说到了1·部分1·没说到1" in flat
        else:
            assert "Drillcomplete" in flat and "Saidit1·partly1·missed1" in flat
        assert "✓" in text and "✗" in text
        # r plays another round; Esc goes back to the dashboard.
        await pilot.press("r")
        await pilot.pause()
        assert drill.stage == "ask" and drill.results == [] and drill.index == 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_k_opens_the_drill_in_training_and_language_switches(
    app_factory: AppFactory,
) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert "Doubts drill" in screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
        assert "疑虑应答演练" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_clicking_the_rating_buttons_works(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await settle(pilot)
        drill = DrillScreen(rng=random.Random(SEED))
        app.push_screen(drill)
        await settle(pilot)
        for _ in DOUBTS:
            await pilot.press("enter")
            await pilot.pause()
            await pilot.click("#drill-rate-2")
            await pilot.pause()
        assert drill.stage == "summary" and [r for _, r in drill.results] == [2, 2, 2]


async def test_no_drill_outside_training(tmp_path: Path, clock: FakeClock) -> None:
    make_local_profile(
        tmp_path, PROFILE, PASSWORD, clock=clock, kdf=CHEAP, dwellings=3, training=False
    ).close()
    app = make_app(VisitGate(clock=clock, base=tmp_path, kdf=CHEAP), lang="en", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert "doubts drill" not in screen_text(app)
