"""What every screen shares: the training banner, key help, relabelling, worker failures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from census_tui.i18n import Lang, Msg
from census_tui.widgets.text import Lines, T, TButton, TrainingBanner

if TYPE_CHECKING:
    from census_tui.app import CensusApp
    from census_tui.visit.api import Session

GLOBAL_HELP: list[tuple[str, Msg]] = [
    ("F1", Msg("按键帮助", "key help")),
    ("F2", Msg("切换中文/English", "switch 中文/English")),
    ("F3", Msg("高对比度主题", "high-contrast theme")),
    ("Ctrl+Q", Msg("退出", "quit")),
]


def training_banner(app: object) -> Iterator[Widget]:
    """培训模式, composed with a screen of a training session (none without a session: the
    login screen, or a screen run alone in a benchmark)."""
    session = getattr(app, "session", None)
    if session is not None and getattr(session, "training", False):
        yield TrainingBanner()


class _Shared:
    """Mixin for Screen and ModalScreen: the banner, and helpers that only read app state."""

    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = []
    TITLE_MSG: ClassVar[Msg] = Msg("", "")

    @property
    def capp(self) -> CensusApp:
        return self.app  # type: ignore[attr-defined, no-any-return]

    @property
    def session(self) -> Session:
        session = self.capp.session
        assert session is not None, "screen needs a session"
        return session

    @property
    def lang(self) -> Lang:
        """The app's language now (widgets are given it when they are made)."""
        return self.capp.lang

    def t(self, msg: Msg) -> str:
        return msg(self.capp.lang)

    def compose(self) -> ComposeResult:
        yield from training_banner(self.capp)
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets (the banner is added by :meth:`compose`)."""
        yield from ()

    def relabel(self) -> None:
        """Re-render every bilingual text after a language switch."""
        for widget in self.query("T, TButton, Lines"):  # type: ignore[attr-defined]
            if isinstance(widget, (T, TButton, Lines)):
                widget.relabel()
        self.refresh_view()

    def refresh_view(self) -> None:
        """Screens with computed text re-render it here (called after a language switch)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.capp.report_failure(event.worker.error)
            self.worker_failed(event.worker)

    def worker_failed(self, worker: Worker[object]) -> None:
        """Re-enable whatever the failed worker disabled."""


COMPACT_BELOW = (60, 20)
"""Below this width or height screens drop borders and key hints (class ``-compact``)."""


class CensusScreen(_Shared, Screen[object]):
    """A full screen of the app."""

    def on_mount(self) -> None:
        self._compact()

    def on_resize(self) -> None:
        self._compact()

    def _compact(self) -> None:
        width, height = self.app.size
        self.set_class(width < COMPACT_BELOW[0] or height < COMPACT_BELOW[1], "-compact")


class CensusModal(_Shared, ModalScreen[object]):
    """A dialog over a screen."""
