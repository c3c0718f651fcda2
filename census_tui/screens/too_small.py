"""Shown alone when the terminal is below 40x16; it goes away when the terminal grows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    """终端窗口太小: nothing else is drawn (and no personal data), input waits."""

    CSS_PATH = "too_small.tcss"

    def compose(self) -> ComposeResult:
        yield Static("终端窗口太小\nTerminal too small\n≥ 40x16", id="too-small-text", markup=False)
