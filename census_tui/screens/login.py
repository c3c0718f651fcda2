"""Login: offline unlock of a profile on this device, or the online first login.

First login (FIELDWORK.md 系统登录): server address, account, initial password → change the
initial password (typed twice) → real-name verification (name + ID number, format checked
locally before it goes to the server) → the profile exists and a Session starts.
Unlocking runs scrypt (~0.3 s) and the first login talks to the server: both in thread workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.worker import Worker

from census_tui.errors import CensusError
from census_tui.i18n import Msg
from census_tui.screens.base import CensusScreen
from census_tui.widgets.text import T, TButton, TrainingBanner

if TYPE_CHECKING:
    from census_tui.supervision.api import Supervision
    from census_tui.visit.api import FirstLogin, Session

M_TITLE = Msg("第七次全国人口普查 · 两员登录", "7th National Population Census · Field staff login")
"""Enumerators and supervisors (两员) log in here alike; the profile's role picks the screens."""
M_PROFILE = Msg("选择账号(↑↓),输入密码后按回车", "Pick your account (↑↓), type the password, Enter")
M_ACCOUNT_ONE = Msg("账号 {p}:输入密码后按回车", "Account {p}: type the password, Enter")
M_PASSWORD = Msg("密码", "Password")
M_UNLOCK = Msg("登录", "Log in")
M_FIRST = Msg("首次登录", "First login")
M_SERVER = Msg("服务器地址", "Server address")
M_ACCOUNT = Msg("账号", "Account")
M_INITIAL = Msg("初始密码", "Initial password")
M_CONTINUE = Msg("继续", "Continue")
M_NEWPW = Msg("请修改初始密码(输入两次)", "Change the initial password (type it twice)")
M_NEW1 = Msg("新密码", "New password")
M_NEW2 = Msg("再次输入新密码", "New password again")
M_MISMATCH = Msg("两次输入的密码不一致。", "The two passwords differ.")
M_REALNAME = Msg(
    "实名认证:本人姓名和公民身份号码", "Real-name check: your name and citizen ID number"
)
M_NAME = Msg("姓名", "Name")
M_IDNO = Msg("公民身份号码", "Citizen ID number")
M_BADID = Msg(
    "公民身份号码格式不正确,请核对。", "That citizen ID number is not well-formed; check it."
)
M_NONAME = Msg("请输入姓名。", "Enter your name.")
M_NO_PASSWORD = Msg("请输入密码。", "Type the password.")
M_WORKING = Msg("请稍候…", "Please wait…")


def id_format_ok(text: str) -> bool:
    """Local format check of the enumerator's own ID number (GB 11643, FACTS §4)."""
    from census_tui.validation.idnumber import check

    return check(text).valid


class LoginScreen(CensusScreen):
    """One screen, four stages switched in place: unlock, first, password, realname."""

    CSS_PATH = "login.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Tab", Msg("下一个输入框", "next field")),
        ("Enter", Msg("确认", "confirm")),
        ("F5", Msg("首次登录", "first login")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [("f5", "first_login", "first login")]

    class Unlocked(Message):
        """An enumerator's session, or a supervisor's (the app picks the screens by role)."""

        def __init__(self, session: Session | Supervision) -> None:
            super().__init__()
            self.session = session

    class FirstLoginBegun(Message):
        def __init__(self, first: FirstLogin) -> None:
            super().__init__()
            self.first = first

    class PasswordChanged(Message):
        pass

    def __init__(self) -> None:
        super().__init__()
        self.first: FirstLogin | None = None
        self.profiles: list[str] = []
        self.busy_focus: Widget | None = None
        """What had the focus when the fields were disabled for a worker."""

    def compose_body(self) -> ComposeResult:
        self.profiles = self.capp.gate.profiles()
        with VerticalScroll(id="login-box"):
            yield T(M_TITLE, id="login-title", lang=self.lang)
            if self.capp.login_hint is not None:
                yield T(self.capp.login_hint, id="login-hint", lang=self.lang)
            yield T(Msg("", ""), id="login-status", lang=self.lang)
            yield self._build("unlock" if self.profiles else "first")

    def _build(self, name: str) -> Vertical:
        """One stage's widgets. Only the stage shown at start is composed with the screen; the
        others are mounted when first needed (cold start, issue 5 §12). One profile (the usual
        case: one enumerator per device) is named, not listed for choosing."""
        if name == "unlock":
            if len(self.profiles) > 1:
                account = [
                    T(M_PROFILE, lang=self.lang),
                    OptionList(*self.profiles, id="profile-list"),
                ]
            else:
                only = self.profiles[0] if self.profiles else ""
                account = [T(M_ACCOUNT_ONE.format(p=only), id="profile-one", lang=self.lang)]
            return Vertical(
                *account,
                Input(password=True, id="unlock-password", placeholder=M_PASSWORD.both()),
                TButton(M_UNLOCK, id="unlock-button", variant="primary", lang=self.lang),
                TButton(M_FIRST, id="first-button", lang=self.lang),
                id="stage-unlock",
                classes="stage",
            )
        if name == "first":
            return Vertical(
                T(M_SERVER, lang=self.lang),
                Input(id="first-server", placeholder="https://…"),
                T(M_ACCOUNT, lang=self.lang),
                Input(id="first-account"),
                T(M_INITIAL, lang=self.lang),
                Input(password=True, id="first-password"),
                TButton(M_CONTINUE, id="first-continue", variant="primary", lang=self.lang),
                id="stage-first",
                classes="stage",
            )
        if name == "passwd":
            return Vertical(
                T(M_NEWPW, lang=self.lang),
                Input(password=True, id="new-password", placeholder=M_NEW1.both()),
                Input(password=True, id="new-password2", placeholder=M_NEW2.both()),
                TButton(M_CONTINUE, id="passwd-continue", variant="primary", lang=self.lang),
                id="stage-passwd",
                classes="stage",
            )
        return Vertical(
            T(M_REALNAME, lang=self.lang),
            Input(id="real-name", placeholder=M_NAME.both()),
            Input(id="real-id", placeholder=M_IDNO.both(), max_length=24),
            TButton(M_CONTINUE, id="realname-continue", variant="primary", lang=self.lang),
            id="stage-realname",
            classes="stage",
        )

    def on_mount(self) -> None:
        if self.profiles:
            if len(self.profiles) > 1:
                self.query_one("#profile-list", OptionList).highlighted = 0
            self.query_one("#unlock-password", Input).focus()
        else:
            self.query_one("#first-server", Input).focus()

    # ------------------------------------------------------------------ helpers
    async def _stage(self, name: str, focus: str) -> None:
        box = self.query_one("#login-box", VerticalScroll)
        for stage in box.query_children(".stage"):
            stage.display = stage.id == f"stage-{name}"
        if not box.query_children(f"#stage-{name}"):
            await box.mount(self._build(name))
        self._status(Msg("", ""))
        self.query_one(f"#{focus}", Input).focus()

    def _status(self, msg: Msg) -> None:
        self.query_one("#login-status", T).set_msg(msg)

    def _busy(self, busy: bool) -> None:
        if busy:
            self.busy_focus = self.focused
        for widget in self.query("Input, TButton"):
            widget.disabled = busy
        self._status(M_WORKING if busy else Msg("", ""))

    def worker_failed(self, worker: Worker[object]) -> None:
        """Give the fields back with the cursor where the enumerator was typing (disabling them
        took the focus away): a wrong password is cleared so the right one can be typed at once."""
        self._busy(False)
        error = worker.error
        if isinstance(error, CensusError):
            self._status(error.msg)  # the same words the notification shows
        unlock = self.query("#stage-unlock")
        if unlock and unlock.first().display:
            field = self.query_one("#unlock-password", Input)
            field.value = ""
            field.focus()
        elif self.busy_focus is not None and self.busy_focus.is_attached:
            self.busy_focus.focus()

    async def action_first_login(self) -> None:
        await self._stage("first", "first-server")

    # ------------------------------------------------------------------ unlock
    @on(TButton.Pressed, "#first-button")
    async def _first_pressed(self) -> None:
        await self.action_first_login()

    @on(Input.Submitted, "#unlock-password")
    @on(TButton.Pressed, "#unlock-button")
    def _unlock_pressed(self) -> None:
        if len(self.profiles) > 1:
            index = self.query_one("#profile-list", OptionList).highlighted
        else:
            index = 0
        if index is None or not self.profiles:
            return
        password = self.query_one("#unlock-password", Input).value
        if not password:  # not a try: an empty password must not count towards the lockout
            self._status(M_NO_PASSWORD)
            self.query_one("#unlock-password", Input).focus()
            return
        self._busy(True)
        self.hold_keys()  # keys typed while the key is derived are for the dashboard
        self._unlock(self.profiles[index], password)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _unlock(self, profile: str, password: str) -> None:
        self.post_message(self.Unlocked(self.capp.gate.open(profile, password)))

    def on_login_screen_unlocked(self, message: Unlocked) -> None:
        self.capp.logged_in(message.session)
        self.release_keys()

    # ------------------------------------------------------------------ first login
    @on(Input.Submitted, "#first-server, #first-account")
    def _next_field(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#first-password")
    @on(TButton.Pressed, "#first-continue")
    def _first_continue(self) -> None:
        server = self.query_one("#first-server", Input).value.strip()
        account = self.query_one("#first-account", Input).value.strip()
        password = self.query_one("#first-password", Input).value
        self._busy(True)
        self._begin(server, account, password)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _begin(self, server: str, account: str, password: str) -> None:
        first = self.capp.gate.begin_first_login(server, account, password)
        self.post_message(self.FirstLoginBegun(first))

    async def on_login_screen_first_login_begun(self, message: FirstLoginBegun) -> None:
        self._busy(False)
        self.first = message.first
        if self.first.training:
            self.mount(TrainingBanner())
        if self.first.must_change_password:
            await self._stage("passwd", "new-password")
        else:
            await self._stage("realname", "real-name")

    @on(Input.Submitted, "#new-password")
    def _next_pw(self) -> None:
        self.query_one("#new-password2", Input).focus()

    @on(Input.Submitted, "#new-password2")
    @on(TButton.Pressed, "#passwd-continue")
    def _passwd_continue(self) -> None:
        new1 = self.query_one("#new-password", Input).value
        new2 = self.query_one("#new-password2", Input).value
        if new1 != new2:
            self._status(M_MISMATCH)
            return
        self._busy(True)
        self._change(new1)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _change(self, new_password: str) -> None:
        assert self.first is not None
        self.first.change_password(new_password)
        self.post_message(self.PasswordChanged())

    async def on_login_screen_password_changed(self) -> None:
        self._busy(False)
        await self._stage("realname", "real-name")

    @on(Input.Submitted, "#real-name")
    def _next_id(self) -> None:
        self.query_one("#real-id", Input).focus()

    @on(Input.Submitted, "#real-id")
    @on(TButton.Pressed, "#realname-continue")
    def _realname_continue(self) -> None:
        name = self.query_one("#real-name", Input).value.strip()
        id_number = self.query_one("#real-id", Input).value.strip()
        if not name:
            self._status(M_NONAME)
            return
        if not id_format_ok(id_number):
            self._status(M_BADID)
            return
        self._busy(True)
        self._verify(name, id_number)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _verify(self, name: str, id_number: str) -> None:
        assert self.first is not None
        self.first.verify_identity(name, id_number)
        self.post_message(self.Unlocked(self.first.finish()))
