"""The private Textual names of ``census_tui/tui_compat.py``: still there, still used as there.

A Textual upgrade that renames or changes one fails here, loudly, before the app silently falls
back to Textual's own behaviour (a traceback with local variables on a crash).
"""

from __future__ import annotations

import pytest
from textual.app import ComposeResult
from textual.widgets import Button

from census_tui.tui_compat import PRIVATE_NAMES, QuietCrashApp, changed_private_names


class Boom(RuntimeError):
    pass


class Crashing(QuietCrashApp):
    """A button whose handler raises: an exception nobody handles."""

    def __init__(self) -> None:
        super().__init__()
        self.crashes: list[Exception] = []

    def compose(self) -> ComposeResult:
        yield Button("go", id="go")

    def on_button_pressed(self) -> None:
        raise Boom("answer text that must not be shown")

    def crash(self, error: Exception) -> None:
        self.crashes.append(error)
        super().crash(error)


def test_the_private_names_are_still_there() -> None:
    assert changed_private_names() == [], (
        f"Textual changed {changed_private_names()}: see census_tui/tui_compat.py"
    )
    assert len(PRIVATE_NAMES) <= 3


async def test_an_unhandled_exception_reaches_crash_and_the_test_harness() -> None:
    """Textual still calls the hook (else its own traceback would be printed), the app exits
    with code 1, and ``run_test`` re-raises the exception as for a stock app."""
    app = Crashing()
    with pytest.raises(Boom):
        async with app.run_test() as pilot:
            await pilot.click("#go")
            await pilot.pause()
    assert [type(e) for e in app.crashes] == [Boom]
    assert app.return_code == 1
