"""A one-line text prompt returning the typed text (or None on Esc): addresses, notes, reasons,
and (masked) the password that renews an expired login."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input

from census_tui.i18n import Msg
from census_tui.screens.base import CensusModal
from census_tui.widgets.text import T

M_HINT = Msg("回车确认,Esc 取消", "Enter to confirm, Esc to cancel")


class PromptScreen(CensusModal):
    """Ask for one line of text; empty input is not accepted. With ``password`` the input is
    masked and returned as typed (not stripped: spaces can be part of a password)."""

    CSS_PATH = "prompt.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("确认", "confirm")),
        ("Esc", Msg("取消", "cancel")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", show=False)]

    def __init__(
        self, question: Msg, *, initial: str = "", max_length: int = 500, password: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.initial = initial
        self.max_length = max_length
        self.password = password

    def compose_body(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield T(self.question, id="prompt-question", lang=self.lang)
            yield Input(
                self.initial,
                id="prompt-input",
                max_length=self.max_length,
                password=self.password,
            )
            yield T(M_HINT, id="prompt-hint", lang=self.lang)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value if self.password else event.value.strip()
        if text.strip():
            if self.password:
                event.input.clear()  # the typed password leaves the widget with the dialog
            self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
