"""Colour snapshots: the main screens exported as SVG with Textual's public
``App.export_screenshot()``, in the default and the high-contrast theme, so that a change of
colour (a field frame that vanishes into its background, a focus that no longer shows) is caught
as well as a change of text. Set ``CENSUS_TUI_UPDATE_SNAPSHOTS=1`` to rewrite them after an
intended change, then look at the new SVGs in a browser before committing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from census_tui.app import HIGH_CONTRAST, CensusApp
from census_tui.screens.interview import InterviewScreen
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, settle

SNAPSHOTS = Path(__file__).parent / "snapshots" / "svg"
UPDATE = os.environ.get("CENSUS_TUI_UPDATE_SNAPSHOTS") == "1"
THEMES = {"dark": "textual-dark", "contrast": HIGH_CONTRAST.name}


def _svg(app: CensusApp) -> str:
    # The app's title (which names the screen) is the only run-dependent text in the export.
    return re.sub(r"<title>.*?</title>", "<title/>", app.export_screenshot(title="census-tui"))


def _check(app: CensusApp, name: str) -> None:
    svg = _svg(app)
    path = SNAPSHOTS / f"{name}.svg"
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
    else:
        assert svg == path.read_text(encoding="utf-8"), f"colour snapshot {path.name} differs"


@pytest.mark.parametrize("theme", list(THEMES))
async def test_main_screens_in_colour(app_factory: AppFactory, theme: str) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = THEMES[theme]
        await settle(pilot)
        _check(app, f"login-{theme}")
        await login(pilot, PASSWORD)
        await settle(pilot)
        _check(app, f"dashboard-{theme}")
        await pilot.press("enter")  # the first dwelling
        await settle(pilot)
        await pilot.press("enter")  # its interview
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        _check(app, f"interview-{theme}")
