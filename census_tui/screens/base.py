"""What every screen shares: the training banner, key help, relabelling, worker failures."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from census_tui.i18n import Lang, Msg
from census_tui.widgets.text import Lines, T, TButton, TrainingBanner, ascii_console

if TYPE_CHECKING:
    from census_tui.app import CensusApp
    from census_tui.supervision.api import Supervision
    from census_tui.visit.api import Session

GLOBAL_HELP: list[tuple[str, Msg]] = [
    ("F1", Msg("按键帮助", "key help")),
    ("F2", Msg("切换中文/English", "switch 中文/English")),
    ("F3", Msg("高对比度主题", "high-contrast theme")),
    ("Ctrl+O", Msg("看被截断的提示全文", "read a cut message in full")),
    ("Ctrl+Q", Msg("退出", "quit")),
]


COMMON_CSS = Path(__file__).with_name("common.tcss")
"""Rules every screen shares (visible input fields, ASCII frames on a Linux console); read
with each screen's own stylesheet."""
M_FULL_TITLE = Msg("提示全文", "Messages in full")
M_NOTHING_CUT = Msg("屏幕上的提示都已完整显示。", "Every message on the screen is shown whole.")
FULL_TEXT: list[BindingType] = [Binding("ctrl+o", "full_text", show=False)]


def with_common_css(cls: type) -> None:
    """Put :data:`COMMON_CSS` before a screen class's own stylesheet (its ``CSS_PATH``)."""
    own = cls.__dict__.get("CSS_PATH")
    if own is None:
        return
    paths = own if isinstance(own, list) else [own]
    if COMMON_CSS in paths:
        return
    here = Path(getattr(sys.modules[cls.__module__], "__file__", None) or __file__).parent
    cls.CSS_PATH = [COMMON_CSS, *(here / p if isinstance(p, str) else p for p in paths)]  # type: ignore[attr-defined]


def training_banner(app: object) -> Iterator[Widget]:
    """培训模式, composed with a screen of a training session, an enumerator's or a
    supervisor's (none without a session: the login screen, or a screen run alone in a
    benchmark)."""
    session = getattr(app, "session", None) or getattr(app, "supervision", None)
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
    def supervision(self) -> Supervision:
        """The supervisor's session (the supervisor's screens, ``screens/sup_*.py``)."""
        supervision = self.capp.supervision
        assert supervision is not None, "screen needs a supervisor's session"
        return supervision

    @property
    def lang(self) -> Lang:
        """The app's language now (widgets are given it when they are made)."""
        return self.capp.lang

    def t(self, msg: Msg) -> str:
        return msg(self.capp.lang)

    def compose(self) -> ComposeResult:
        self.mark_console()
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
            self.release_keys()
            self.worker_failed(event.worker)

    # Type-ahead across a worker that ends in a screen change (completing a household, opening
    # an interview, unlocking): keys typed meanwhile belong to the screen that comes next.
    def hold_keys(self) -> None:
        """Hold typed keys until :meth:`release_keys` (after the screen change it leads to:
        that change's own hold then takes over), or until a worker of this screen fails."""
        self.capp.hold_keys(self._hold_reason)

    def release_keys(self) -> None:
        self.capp.release_keys(self._hold_reason)

    @property
    def _hold_reason(self) -> str:
        return f"screen-work-{id(self)}"

    def on_unmount(self) -> None:
        self.release_keys()  # a hold never outlives its screen

    def worker_failed(self, worker: Worker[object]) -> None:
        """Re-enable whatever the failed worker disabled."""

    def action_full_text(self) -> None:
        """Ctrl+O: every message the screen shows cut (its area too small: ~2 lines at 40x16)
        in a dialog that scrolls, in the screen's order."""
        from census_tui.screens.info import InfoScreen

        cut = [
            w
            for w in self.query("T, Lines")  # type: ignore[attr-defined]
            if isinstance(w, (T, Lines)) and w.is_cut
        ]
        if not cut:
            self.capp.notify(self.t(M_NOTHING_CUT))
            return
        cut.sort(key=lambda w: (w.region.y, w.region.x))
        body = Msg("\n\n".join(w.msg.zh for w in cut), "\n\n".join(w.msg.en for w in cut))
        self.capp.push_screen(InfoScreen(M_FULL_TITLE, body))

    def mark_console(self) -> None:
        """Class ``-ascii`` on a bare Linux console: common.tcss then draws ASCII frames."""
        self.set_class(ascii_console(), "-ascii")  # type: ignore[attr-defined]


COMPACT_BELOW = (60, 20)
"""Below this width or height screens drop borders and key hints (class ``-compact``)."""


class CensusScreen(_Shared, Screen[object]):
    """A full screen of the app."""

    BINDINGS: ClassVar[list[BindingType]] = FULL_TEXT

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        with_common_css(cls)

    def on_mount(self) -> None:
        self._compact()

    def on_resize(self) -> None:
        self._compact()

    def _compact(self) -> None:
        width, height = self.app.size
        self.set_class(width < COMPACT_BELOW[0] or height < COMPACT_BELOW[1], "-compact")


class CensusModal(_Shared, ModalScreen[object]):
    """A dialog over a screen."""

    # A modal screen ends Textual's binding chain before the app's: F1 is bound here again so
    # that it lists the dialog's keys (issue 16 §8; the help dialog binds F1 to close itself).
    BINDINGS: ClassVar[list[BindingType]] = [
        *FULL_TEXT,
        Binding("f1", "app.help", show=False),
    ]

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        with_common_css(cls)
