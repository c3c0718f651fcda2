"""Key-help overlay (F1): the keys of the screen underneath plus the app-wide ones."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen

from census_tui.i18n import Msg
from census_tui.screens.base import GLOBAL_HELP, CensusModal
from census_tui.widgets.text import T

TITLE = Msg("按键帮助 (Esc 关闭)", "Keys (Esc closes)")


class HelpScreen(CensusModal):
    """Lists the keys; Esc, F1 or a click closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "close", show=False),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose_body(self) -> ComposeResult:
        keys = list(getattr(self.under, "KEYS_HELP", [])) + GLOBAL_HELP
        with VerticalScroll(id="help-box"):
            yield T(TITLE, id="help-title", lang=self.lang)
            for key, msg in keys:
                yield T(
                    Msg(f"{key:<8} {msg.zh}", f"{key:<8} {msg.en}"),
                    classes="help-line",
                    lang=self.lang,
                )

    def action_close(self) -> None:
        self.dismiss(None)

    def on_click(self) -> None:
        self.dismiss(None)
