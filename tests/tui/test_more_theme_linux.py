"""The high-contrast theme (F3) and the Linux console (issue 5 §9): the real TUI in a pty with
TERM=linux draws the login screen and the dashboard and exits cleanly; F3 switches the theme
and back (Pilot)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from census_tui.app import HIGH_CONTRAST
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login
from tests.tui.ptyterm import PtyApp, pty_env


def test_linux_console_shows_login_and_dashboard(home: Path) -> None:
    env = pty_env(home, term="linux")
    app = PtyApp([sys.executable, "-m", "census_tui", "--lang", "en"], env)
    try:
        app.wait_for("Log in", timeout=30)
        app.send(PASSWORD + "\r")
        app.wait_for("D0001", timeout=30)
        app.wait_for("D0012", new_only=False)
        app.send("\x11")  # Ctrl+Q
        assert os.WEXITSTATUS(app.wait(timeout=30)) == 0
        assert "Traceback" not in app.text()
    finally:
        app.kill()


async def test_f3_switches_to_high_contrast_and_back(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("f3")  # on the login screen
        assert app.theme == HIGH_CONTRAST.name
        assert app.current_theme.background == "#000000"
        await login(pilot, PASSWORD)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert app.theme == HIGH_CONTRAST.name  # kept across screens
        await pilot.press("f3")
        assert app.theme == "textual-dark"
