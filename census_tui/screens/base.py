"""What every screen shares: the training banner, key help, relabelling, worker failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from census_tui.i18n import Msg
from census_tui.screens.frames import NextSlotFrames
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


class _Shared(NextSlotFrames):
    """Mixin for Screen and ModalScreen: helpers that only read app state."""

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

    def t(self, msg: Msg) -> str:
        return msg(self.capp.lang)

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


def with_banner(app: object, widgets: list[Widget]) -> None:
    """Add 培训模式 to a screen being composed when the session is a training one.

    Composed with the screen (Textual's ``_extend_compose`` hook, where it adds its own toast
    and tooltip layers) rather than mounted once the screen is up: a mount after the first frame
    re-arranges and redraws the whole screen again (~11 ms, measured in a pty: it landed on the
    first answer of every interview, issue 5 §12)."""
    session = getattr(app, "session", None)
    if session is not None and getattr(session, "training", False):
        widgets.append(TrainingBanner())


COMPACT_BELOW = (60, 20)
"""Below this width or height screens drop borders and key hints (class ``-compact``)."""


def collect_garbage() -> None:
    """Free the garbage that sits in reference cycles, which Python's collector may not reach
    for a long while: each new screen makes Textual re-parse the whole stylesheet, leaving the
    old rules (~10,000 objects), and a replaced screen's widgets. Called once a screen is drawn
    and its data shown, so the next screen reuses that memory instead of growing the process
    (issue 5 §12; ~35 ms on this machine, never on a keystroke's path)."""
    import gc

    gc.collect()


class CensusScreen(_Shared, Screen[object]):
    """A full screen of the app."""

    def _extend_compose(self, widgets: list[Widget]) -> None:
        super()._extend_compose(widgets)
        with_banner(self.app, widgets)

    def on_mount(self) -> None:
        self._compact()

    def on_resize(self) -> None:
        self._compact()

    def _compact(self) -> None:
        width, height = self.app.size
        self.set_class(width < COMPACT_BELOW[0] or height < COMPACT_BELOW[1], "-compact")


class CensusModal(_Shared, ModalScreen[object]):
    """A dialog over a screen."""

    def _extend_compose(self, widgets: list[Widget]) -> None:
        super()._extend_compose(widgets)
        with_banner(self.app, widgets)
