"""A read-only text dialog: an item's definition (指标解释), a supervisor's comment."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll

from census_tui.i18n import Msg
from census_tui.screens.base import CensusModal
from census_tui.widgets.text import T

M_CLOSE = Msg("Esc 关闭", "Esc closes")


class InfoScreen(CensusModal):
    """Title and body; Esc, Enter, F4 or a click closes it."""

    CSS_PATH = "info.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [("Esc", Msg("关闭", "close"))]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,f4", "close", "close", show=False)
    ]

    def __init__(self, title: Msg, body: Msg) -> None:
        super().__init__()
        self.title_msg = title
        self.body = body

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="info-box"):
            yield T(self.title_msg, id="info-title", lang=self.lang)
            yield T(self.body, id="info-body", lang=self.lang)
            yield T(M_CLOSE, id="info-close", lang=self.lang)

    def action_close(self) -> None:
        self.dismiss(None)

    def on_click(self) -> None:
        self.dismiss(None)
