"""A checkbox that looks unticked when it is: Textual's draws ``▐X▌`` either way and tells the
states apart only by colour (dark grey on light grey under ``TERM=linux``)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox

from census_tui.widgets.text import ascii_console


class TickBox(Checkbox):
    """``X`` inside the box only when ticked; ``[ ]``/``[X]`` on a bare Linux console, whose
    font may lack the half-block sides."""

    def __init__(self, label: str, value: bool = False, **kw: Any) -> None:
        super().__init__(label, value, **kw)
        if ascii_console():
            self.BUTTON_LEFT, self.BUTTON_RIGHT = "[", "]"
        self.BUTTON_INNER = "X" if value else " "

    def on_mount(self) -> None:
        self.watch(self, "value", self._show_value)

    def _show_value(self, value: bool) -> None:
        self.BUTTON_INNER = "X" if value else " "
        self.refresh()
