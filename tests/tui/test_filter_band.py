"""Issue 16 §4 at 40x16: the dashboard's and the roster grid's filters and the roster import
dialog's path field, drawn without a frame there, are a band that stands out from the screen
(``$boost`` was a 4% tint: the field could not be seen), focused or not."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from census_tui.app import HIGH_CONTRAST
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, settle
from tests.tui.test_issue16_screens import _shows, _stands_out
from tests.tui.test_roster_narrow import _open_roster, with_roster  # noqa: F401 (fixture)


def _band(field: Input) -> None:
    kind, _ = _shows(field)
    assert kind == "band", kind  # no frame at 40x16: the band is all that shows the field
    assert _stands_out(field), (field.id, _shows(field))


@pytest.mark.parametrize("theme", ["textual-dark", HIGH_CONTRAST.name])
async def test_dashboard_filter_is_seen_at_40x16(app_factory: AppFactory, theme: str) -> None:
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        app.theme = theme
        await login(pilot, PASSWORD)
        field = app.screen.query_one("#dash-filter", Input)
        assert not field.has_focus
        _band(field)
        unfocused = _shows(field)
        await pilot.press("/")
        await settle(pilot)
        assert field.has_focus
        _band(field)
        assert _shows(field) != unfocused


@pytest.mark.usefixtures("with_roster")
@pytest.mark.parametrize("theme", ["textual-dark", HIGH_CONTRAST.name])
async def test_roster_filter_and_import_path_are_seen_at_40x16(
    app_factory: AppFactory, theme: str, tmp_path: Path
) -> None:
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        app.theme = theme
        screen = await _open_roster(pilot, app)
        field = screen.query_one("#roster-filter", Input)
        _band(field)
        await pilot.press("/")
        await settle(pilot)
        assert field.has_focus
        _band(field)
        await pilot.press("escape", "i")
        await settle(pilot)
        assert type(app.screen).__name__ == "ImportDialog"
        for path_field in app.screen.query(Input):
            if path_field.display:
                _band(path_field)


@pytest.mark.usefixtures("with_roster")
@pytest.mark.parametrize("theme", ["textual-dark", HIGH_CONTRAST.name])
async def test_roster_fields_have_a_visible_frame_at_80x24(
    app_factory: AppFactory, theme: str
) -> None:
    """The roster screens are not CensusScreens: the shared frames are given them by their own
    stylesheets (Textual's blurred border is one grey step from the background)."""
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        screen = await _open_roster(pilot, app)
        field = screen.query_one("#roster-filter", Input)
        assert _shows(field)[0] != "band" and _stands_out(field), _shows(field)
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "ImportDialog"
        shown = [f for f in app.screen.query(Input) if f.display]
        assert shown
        for path_field in shown:
            assert _stands_out(path_field), (path_field.id, _shows(path_field))
