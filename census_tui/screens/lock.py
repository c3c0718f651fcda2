"""The idle lock: covers every screen (no personal data visible) until the password is retyped."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker

from census_tui.errors import CensusError
from census_tui.i18n import Msg
from census_tui.screens.base import CensusScreen
from census_tui.widgets.text import T

LOCKED = Msg("已锁定。请输入密码解锁。", "Locked. Type your password to unlock.")
PASSWORD = Msg("密码", "Password")


class LockScreen(CensusScreen):
    """Opaque screen over the whole stack; only the password field is usable."""

    CSS_PATH = "lock.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [("Enter", Msg("解锁", "unlock"))]

    class Unlocked(Message):
        """The password was accepted."""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield T(LOCKED, id="lock-title", lang=self.lang)
            yield Input(password=True, id="lock-password", placeholder=PASSWORD.both())
            yield T(Msg("", ""), id="lock-status", lang=self.lang)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.input.disabled = True
        self._unlock(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _unlock(self, password: str) -> None:
        profile = self.capp.profile  # an enumerator's session or a supervisor's
        assert profile is not None, "the lock needs a session"
        profile.unlock_again(password)
        self.post_message(self.Unlocked())

    def on_lock_screen_unlocked(self) -> None:
        self.capp.unlocked()
        self.dismiss(None)

    def worker_failed(self, worker: Worker[object]) -> None:
        """Say why on the screen (a toast goes away) and give the field back, focused."""
        error = worker.error
        status = self.query_one("#lock-status", T)
        status.set_msg(error.msg if isinstance(error, CensusError) else Msg("", ""))
        field = self.query_one("#lock-password", Input)
        field.value = ""
        field.disabled = False
        field.focus()
