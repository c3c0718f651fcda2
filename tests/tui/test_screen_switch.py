"""What a screen switch keeps: the training banner is composed with the new screen, and
notifications follow the enumerator to it."""

from __future__ import annotations

from census_tui.widgets.text import TrainingBanner
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle


async def test_the_banner_is_composed_with_the_screen(app_factory: AppFactory) -> None:
    """Through the screen's ``compose`` (not mounted after its first frame)."""
    app = app_factory()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await login(pilot, PASSWORD)
        await pilot.press("f1")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "HelpScreen"
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
