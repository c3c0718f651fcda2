"""What the supervisor's screens share (普查指导员): times and ages, the table's columns, and
the refresh: a thread worker that sends the decisions queued on this device and fetches the
server's progress, queue and cases; when the server cannot be reached the screens keep showing
the device's copy and say how old it is; an expired login asks for the password and refreshes
again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import work
from textual.message import Message
from textual.worker import Worker

from census_tui.errors import LoginExpired
from census_tui.i18n import Lang, Msg
from census_tui.screens.base import CensusScreen
from census_tui.supervision.api import PHASE_SAVED
from census_tui.widgets.text import T
from census_tui.widgets.window_table import WindowTable, tail

if TYPE_CHECKING:
    from census_tui.supervision.api import RefreshOutcome, RefreshProgress

M_NEVER_FETCHED = Msg(
    "本机还没有数据:按 s 从服务器获取", "Nothing on this device yet: s fetches it from the server"
)
M_DATA_AT = Msg("数据时间 {at}({age}前)", "Data of {at} ({age} old)")
M_OFFLINE = Msg("离线数据:{at} 的数据,已过 {age}", "Offline data from {at}, {age} old")
M_UNDER_A_MINUTE = Msg("不到 1 分钟", "under 1 min")
M_MINUTES = Msg("{n} 分钟", "{n} min")
M_HOURS = Msg("{n} 小时", "{n} h")
M_DAYS = Msg("{n} 天", "{n} d")
M_REFRESHING = Msg("正在从服务器更新…", "Updating from the server…")
M_REFRESH_STEP = Msg("正在更新 {done}/{total}…", "Updating {done}/{total}…")
M_REFRESHED = Msg(
    "已更新:发出 {sent} 项,本机保存案例 {cases} 件",
    "Updated: {sent} sent, {cases} cases held on this device",
)
M_REFUSED = Msg("服务器拒收:{why}", "The server refused: {why}")
M_RENEW = Msg(
    "登录已过期,请输入密码重新登录", "Your login has expired: type your password to log in again"
)
M_NEVER = Msg("从未", "never")


def when(at: datetime | None, now: datetime | None = None) -> str:
    """``at`` in local time: ``HH:MM`` on the day of ``now``, else ``MM-DD HH:MM``."""
    if at is None:
        return ""
    local = at.astimezone()
    if now is not None and local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")


def age(at: datetime, now: datetime) -> Msg:
    """How long ago ``at`` was, in whole minutes, hours or days."""
    minutes = max(0, int((now - at).total_seconds() // 60))
    if minutes < 1:
        return M_UNDER_A_MINUTE
    if minutes < 60:
        return M_MINUTES.format(n=minutes)
    if minutes < 48 * 60:
        return M_HOURS.format(n=minutes // 60)
    return M_DAYS.format(n=minutes // (24 * 60))


def short_age(at: datetime | None, now: datetime, lang: Lang) -> str:
    """The same, in a table cell: ``5分钟`` / ``5m``, ``26小时`` / ``26h``, ``3天`` / ``3d``."""
    if at is None:
        return M_NEVER(lang)
    if (now - at).total_seconds() < 60:
        return "<1m" if lang == "en" else "<1分钟"
    text = age(at, now)(lang)
    if lang == "en":
        return text.replace(" min", "m").replace(" h", "h").replace(" d", "d")
    return text.replace(" ", "")


def data_age(fetched_at: datetime | None, now: datetime, offline: bool) -> Msg:
    """The line that says how old the shown data is (and that it is the device's copy when
    the last refresh could not reach the server)."""
    if fetched_at is None:
        return M_NEVER_FETCHED
    template = M_OFFLINE if offline else M_DATA_AT
    how_old = age(fetched_at, now)
    at = when(fetched_at, now)
    return Msg(template.zh.format(at=at, age=how_old.zh), template.en.format(at=at, age=how_old.en))


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a supervisor's table: its head, width (cells; 0: the head's width, at
    least 3), each row's cell text, and the sort key (``numeric``: largest first)."""

    title: Msg
    width: int
    cell: Callable[[Any, Lang], str]
    key: Callable[[Any], Any]
    numeric: bool = True

    def cells(self, lang: Lang) -> int:
        return self.width or max(3, cell_len(self.title(lang)))


M_ADDRESS = Msg("地址", "Address")


def address_column(columns: list[Column], width: int, lang: Lang, minimum: int) -> Column:
    """The address column, taking what of a ``width``-cell line the other ``columns`` leave
    (the scrollbar, each column's padding), at least ``minimum``; it shows the address's end,
    where flats of one street differ."""
    used = sum(c.cells(lang) for c in columns) + 2 * (len(columns) + 1) + 2
    cells = max(minimum, width - used)
    return Column(M_ADDRESS, cells, lambda r, lang: tail(r.address, cells), lambda r: 0)


class SupTable(WindowTable):
    """The dashboard's windowed table, saying where its cursor went (the line under a
    supervisor's table describes the row under the cursor)."""

    class CursorMoved(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def cursor_moved(self, row: int) -> None:
        self.post_message(self.CursorMoved(row))


class SupScreen(CensusScreen):
    """A supervisor's screen with a refresh (``s``) and a status line ``#sup-status``."""

    filtering = False
    """Typing goes to the screen's filter field."""

    class RefreshAdvanced(Message):
        def __init__(self, progress: RefreshProgress) -> None:
            super().__init__()
            self.progress = progress

    class Refreshed(Message):
        def __init__(self, outcome: RefreshOutcome) -> None:
            super().__init__()
            self.outcome = outcome

    class LoginRenewed(Message):
        """The server took the password again: the refresh it refused can run now."""

    def reload(self) -> None:
        """Read the device's copy again (after a refresh, or back from another screen)."""

    def status(self, msg: Msg) -> None:
        for widget in self.query("#sup-status").results(T):
            widget.set_msg(msg)

    def now(self) -> datetime:
        return self.capp.clock.now()

    # ------------------------------------------------------------------ refresh
    def action_refresh(self) -> None:
        self.status(M_REFRESHING)
        self._refresh()

    @work(thread=True, exclusive=True, exit_on_error=False, group="refresh")
    def _refresh(self) -> None:
        def progress(p: RefreshProgress) -> None:
            self.post_message(self.RefreshAdvanced(p))

        self.post_message(self.Refreshed(self.supervision.refresh(progress)))

    def on_sup_screen_refresh_advanced(self, message: RefreshAdvanced) -> None:
        p = message.progress
        self.status(M_REFRESH_STEP.format(done=p.done, total=max(p.total, p.done)))
        if p.phase == PHASE_SAVED:
            # progress and the queue are fresh already: show them while the cases come
            self.capp.sup_offline = False
            self.reload()

    def on_sup_screen_refreshed(self, message: Refreshed) -> None:
        out = message.outcome
        self.capp.sup_offline = out.error is not None
        if out.error is not None:
            self.status(out.error)
            self.notify(self.t(out.error), severity="warning", timeout=8)
        else:
            self.status(M_REFRESHED.format(sent=out.sent, cases=out.cases))
        for why in out.refused:
            refused = Msg(M_REFUSED.zh.format(why=why.zh), M_REFUSED.en.format(why=why.en))
            self.notify(self.t(refused), severity="error", timeout=15)
        self.reload()

    def worker_failed(self, worker: Worker[object]) -> None:
        # only an expired login (401) is mended by the password; a refusal (403) is not
        if worker.group == "refresh":
            self.status(Msg("", ""))
            if isinstance(worker.error, LoginExpired):
                self._ask_password()

    def _ask_password(self) -> None:
        from census_tui.screens.prompt import PromptScreen

        def typed(password: object) -> None:
            if isinstance(password, str) and password:
                self._renew(password)

        self.app.push_screen(PromptScreen(M_RENEW, max_length=200, password=True), typed)

    # description: Textual's default one shows the arguments, here the password
    @work(thread=True, exclusive=True, exit_on_error=False, group="renew", description="renew")
    def _renew(self, password: str) -> None:
        self.supervision.renew_login(password)
        self.post_message(self.LoginRenewed())

    def on_sup_screen_login_renewed(self) -> None:
        self.action_refresh()
