"""What a screen switch costs and keeps (issue 5 §12): no extra relayout for an empty toast
area or a late banner, and notifications still follow the enumerator to the new screen."""

from __future__ import annotations

from textual.widgets._toast import ToastRack

from census_tui.widgets.text import TrainingBanner
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle


async def test_a_new_screen_is_drawn_whole_at_once(app_factory: AppFactory) -> None:
    """The banner is composed with the screen (not mounted after its first frame) and the empty
    toast area is left alone (Textual would set its display again, a relayout of the screen)."""
    app = app_factory()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await login(pilot, PASSWORD)
        await pilot.press("f1")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "HelpScreen"
        rack = screen.query_one(ToastRack)
        assert not rack.styles.inline.has_rule("display")
        assert not rack.display
        assert list(screen.query_children(TrainingBanner))
        assert "培训模式 TRAINING" in screen_text(app)


async def test_a_notification_follows_to_the_next_screen(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await login(pilot, PASSWORD)
        app.notify("canary toast 4711")
        await settle(pilot)
        assert "canary toast 4711" in screen_text(app)
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        assert "canary toast 4711" in screen_text(app)
