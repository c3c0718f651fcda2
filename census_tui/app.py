"""The Textual application: composition root, app-wide keys, idle lock, failures, language.

``make_app(gate, lang=..., clock=..., idle_minutes=...)`` builds the App with its services
injected; the CLI (``census_tui.commands.tui``) and the tests use the same factory. Screens reach
the services only through ``app.gate`` (before login) and ``app.session`` (after an enumerator's
login) or ``app.supervision`` (after a supervisor's: the login answer's role picks the screens).
"""

from __future__ import annotations

import gc
from contextlib import suppress
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widgets import Input

from census_tui.clock import Clock, SystemClock
from census_tui.errors import CensusError
from census_tui.i18n import Lang, Msg
from census_tui.tui_compat import QuietCrashApp
from census_tui.widgets.typeahead import PASS_THROUGH, TypeAhead

if TYPE_CHECKING:
    from census_tui.supervision.api import Supervision
    from census_tui.visit.api import Gate, Session

MIN_WIDTH, MIN_HEIGHT = 40, 16
"""Below this the app shows only the "terminal too small" screen (issue 5 §9)."""

HIGH_CONTRAST = Theme(
    name="census-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    success="#00ff00",
    warning="#ffff00",
    error="#ff5555",
    dark=True,
)
"""Sunlight theme: black and white with yellow focus, no mid-greys."""

UNEXPECTED = Msg(
    "出现意外错误,已保存的数据不受影响。请重试或联系技术支持。",
    "Something unexpected went wrong; saved data is unaffected. Try again or call support.",
)


class CensusApp(QuietCrashApp):
    """The enumerator's client. Owns the session and the app-wide state (language, theme, lock)."""

    TITLE = "census-tui"
    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = "screens/login.tcss"
    """The first screen's CSS is read with the app's: pushing the login screen then finds it
    loaded and skips a re-parse of every stylesheet and a restyle of the DOM (cold start)."""
    CSS = """
    Screen { background: $background; }
    .training-banner { dock: top; height: 1; background: $warning; color: black;
                       text-style: bold; content-align: center middle; width: 100%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "help", show=False),
        Binding("f2", "toggle_lang", "lang", show=False),
        Binding("f3", "toggle_contrast", "contrast", show=False),
        Binding("ctrl+q", "quit", "quit", show=False, priority=True),
    ]

    def __init__(
        self,
        gate: Gate,
        *,
        lang: Lang,
        clock: Clock,
        idle_minutes: float,
        login_hint: Msg | None = None,
    ) -> None:
        super().__init__()
        self.gate = gate
        self.login_hint = login_hint
        """Shown on the login screen (the demo tells the trainee the practice password)."""
        self.lang: Lang = lang
        self.clock = clock
        self.idle_seconds = idle_minutes * 60
        self.session: Session | None = None
        """An enumerator's unlocked profile (None before login, or for a supervisor)."""
        self.supervision: Supervision | None = None
        """A supervisor's unlocked profile (普查指导员; None before login, or for an
        enumerator)."""
        self.sup_offline = False
        """The supervisor's last refresh could not reach the server: the screens say that what
        they show is the device's copy, with its age."""
        self.last_activity = clock.monotonic()
        self.locked = False
        self.typeahead = TypeAhead()
        """Every typed key waits here for its turn (see :mod:`census_tui.widgets.typeahead`)."""
        self._key_in_flight = 0
        """The number of the key handed to the focused widget and not yet handled (0: none)."""
        self._keys_handed = 0
        self.register_theme(HIGH_CONTRAST)
        self.theme = "textual-dark"

    # ------------------------------------------------------------------ start-up and login
    def on_mount(self) -> None:
        from census_tui.screens.login import LoginScreen

        self.screen_change_signal.subscribe(self, self.screen_changed, immediate=True)
        self.push_screen(LoginScreen())
        self.set_interval(5.0, self.check_idle_lock)
        self._check_size()

    def logged_in(self, session: Session | Supervision) -> None:
        """Called by the login screen with a fresh session: an enumerator's goes to the
        dashboard, a supervisor's (``role`` "supervisor") to the progress screen."""
        self.last_activity = self.clock.monotonic()
        if getattr(session, "role", "") == "supervisor":
            from census_tui.screens.sup_progress import ProgressScreen

            self.supervision = cast("Supervision", session)
            self.sup_offline = False
            self.switch_screen(ProgressScreen())
            return
        from census_tui.screens.dashboard import DashboardScreen

        self.session = cast("Session", session)
        self.switch_screen(DashboardScreen())

    @property
    def profile(self) -> Session | Supervision | None:
        """Whichever session is open (an enumerator's or a supervisor's): what locks, unlocks
        and closes."""
        return self.session if self.session is not None else self.supervision

    # ------------------------------------------------------------------ language and theme
    def t(self, msg: Msg) -> str:
        return msg(self.lang)

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel is not None:
                relabel()

    def action_toggle_contrast(self) -> None:
        self.theme = "textual-dark" if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def action_help(self) -> None:
        from census_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # ------------------------------------------------------------------ memory
    def screen_changed(self, screen: Screen[object]) -> None:
        """A screen was pushed, popped or switched to: hold typed keys until it is drawn (and
        has its focus), then let them through to it. Once a full screen is shown, see
        :meth:`tidy`, the one garbage-collection policy."""
        self._key_in_flight = 0  # the key that did this has been handled
        self.typeahead.hold("screen")
        screen.call_after_refresh(self._screen_ready, screen)
        if not isinstance(screen, ModalScreen):
            self.call_after_refresh(self.tidy)

    def _screen_ready(self, screen: Screen[object], drawn: bool = False) -> None:
        # After the first frame the screen's mount handlers have run, and asked for the focus
        # (which Textual sets a little later, through the app's queue): one more frame, then
        # the keys go to what has the focus.
        if not self.screen_stack or screen is not self.screen:
            return
        if not drawn:
            screen.call_after_refresh(self._screen_ready, screen, True)
        else:
            self.release_keys("screen")

    @staticmethod
    def tidy() -> None:
        """Free what earlier screens left in reference cycles (each new screen makes Textual
        re-parse the stylesheet: ~10,000 objects that only the cyclic collector frees), then
        freeze what is alive, so the collector's full passes do not walk the area's rows and
        the widgets while the enumerator types. Until the next screen switch."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    # ------------------------------------------------------------------ failures
    def crash(self, error: Exception) -> None:
        """An exception nobody handled: exit with one bilingual line, never a traceback
        (Textual's would show local variables, which can hold answers)."""
        from rich.text import Text

        from census_tui.crash import CRASHED, log_crash

        log_crash(error)
        self.bell()
        self.exit(return_code=1, message=Text(CRASHED.both()))

    def report_failure(self, error: BaseException | None) -> None:
        """The one place a worker failure reaches the user: its Msg, never a traceback."""
        if isinstance(error, CensusError):
            text = error.msg(self.lang)
        else:
            text = UNEXPECTED(self.lang)
            if error is not None:
                self.log.error(f"worker failed: {type(error).__name__}")
        self.notify(text, severity="error", timeout=8)

    # ------------------------------------------------------------------ idle lock
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self.last_activity = self.clock.monotonic()
        if isinstance(event, events.Resize):
            self.call_later(self._check_size)
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and event.key not in PASS_THROUGH
        ):
            self.typeahead.keep(event)
            await self._hand_on_key()
            return
        await super().on_event(event)

    # ------------------------------------------------------------------ type-ahead
    def hold_keys(self, reason: str) -> None:
        """Keep typed keys waiting while ``reason`` lasts (a save, a screen about to change)."""
        self.typeahead.hold(reason)

    def release_keys(self, reason: str) -> None:
        """End a hold; the waiting keys then go on, in order, to what has the focus."""
        self.typeahead.release(reason)
        self.call_next(self._hand_on_key)

    async def _hand_on_key(self) -> None:
        """Hand the oldest waiting key to the focused widget, if none is in flight and nothing
        holds the keys. The next one follows once this one has been handled: its widget has
        processed it and the screen has gone idle after it (so a screen change, a save or a
        dialog that the key started holds the keys behind it). Characters for a field in which
        a character cannot start anything follow each other at once."""
        while not self._key_in_flight:
            key = self.typeahead.next_key()
            if key is None:
                return
            self._keys_handed += 1
            number = self._key_in_flight = self._keys_handed
            await super().on_event(key)
            target = self.focused or (self.screen if self.screen_stack else None)
            if target is None:
                self._key_in_flight = 0
                continue
            if key.is_printable and isinstance(target, Input):
                if not getattr(target, "acts_on_characters", False):
                    # Text into a plain field: the next key goes to the same field whatever
                    # this one does there.
                    self._key_in_flight = 0
                    continue
                # A character that may start something (an instant code's save takes its hold
                # inside the field's own handler): the next waits until the field has handled
                # this one, not for a frame.
                if not target.call_later(self._key_handled, number):
                    self._key_handled(number)
            elif not target.call_after_refresh(self._key_reached, number):
                self._key_handled(number)
            return

    def _key_reached(self, number: int) -> None:
        # The widget has handled the key; what it posted (a submit, a key bubbling to a
        # binding) reaches the screen before the screen is idle again.
        if not self.call_after_refresh(self._key_handled, number):
            self._key_handled(number)

    def _key_handled(self, number: int) -> None:
        if self._key_in_flight == number:
            self._key_in_flight = 0
            self.call_next(self._hand_on_key)

    def check_idle_lock(self) -> None:
        """Lock the session once the enumerator has been idle for the configured time."""
        if self.profile is None or self.locked or self.idle_seconds <= 0:
            return
        if self.clock.monotonic() - self.last_activity >= self.idle_seconds:
            self.lock_now()

    def lock_now(self) -> None:
        """Hide everything behind the lock screen until the password is typed again."""
        from census_tui.screens.lock import LockScreen

        profile = self.profile
        if profile is None or self.locked:
            return
        self.locked = True
        try:
            profile.lock()
        except CensusError as err:
            self.report_failure(err)
        self.push_screen(LockScreen())

    def unlocked(self) -> None:
        self.locked = False
        self.last_activity = self.clock.monotonic()

    # ------------------------------------------------------------------ terminal size
    def _check_size(self) -> None:
        from census_tui.screens.too_small import TooSmallScreen

        small = self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT
        on_top = isinstance(self.screen, TooSmallScreen) if self.screen_stack else False
        if small and not on_top:
            self.push_screen(TooSmallScreen())
        elif not small and on_top:
            self.pop_screen()

    def on_unmount(self) -> None:
        profile = self.profile
        if profile is not None:
            with suppress(CensusError):
                profile.close()


def make_app(
    gate: Gate,
    *,
    lang: Lang = "zh",
    clock: Clock | None = None,
    idle_minutes: float = 5,
    login_hint: Msg | None = None,
) -> CensusApp:
    """The composition root: the one way the CLI and the tests build the App."""
    return CensusApp(
        gate,
        lang=lang,
        clock=clock or SystemClock(),
        idle_minutes=idle_minutes,
        login_hint=login_hint,
    )
