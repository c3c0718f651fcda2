"""Dashboard: the area's dwellings, counts by state, last sync, sync / add / open actions.

The service orders the rows (today's and overdue appointments first); this screen renders them,
in that order, in a :class:`~census_tui.widgets.window_table.WindowTable` that draws only the
rows on screen, so all 5,000 dwellings of a large area are one scroll, PageDown or End away and
the screen stays instant. The rows come as a compact
:class:`~census_tui.visit.worklist.Worklist` whose search text is lowercased once when it is
built; a filter keystroke is a substring scan of that text that yields a list of row indices,
and the table redraws the twenty-odd visible lines.

Sync without a keypress (issue 20 §6): a timer asks the screen's
:class:`~census_tui.sync.auto.AutoSync` every few seconds whether to sync (work waiting, the
idle interval, backoff, never within a few seconds of a keystroke) and runs the sync in the
same thread worker as ``s``; the UI thread only does arithmetic on the tick. The footer shows
the outbox's depth and the last sync; a line above the list says when background syncs fail
and when the device's clock is off the server's beyond ``SKEW_LIMIT_S``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker

from census_tui.i18n import Msg
from census_tui.screens.base import CensusScreen
from census_tui.sync.auto import IDLE, SKEW_LIMIT_S, AutoSync
from census_tui.sync.messages import (
    CALL_SUPERVISOR,
    TOKEN_REFUSED,
    refusal_advice,
    refusal_key,
    refusal_words,
)
from census_tui.sync.metered import is_metered
from census_tui.visit.dwellings import FORM_MARKS, form_mark
from census_tui.visit.states import BOARD_LABELS, STATE_LABELS, Board, CaseState
from census_tui.visit.worklist import Worklist, search_id
from census_tui.widgets.text import T
from census_tui.widgets.window_table import Cells, WindowTable, tail

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

    from census_tui.visit.api import Dashboard, DwellingRow, SyncOutcome, SyncProgress

M_FILTER = Msg("筛选:地址或姓名 (/)", "Filter: address or name (/)")
M_FILTERING = Msg("筛选:回车打开第一条,Esc 回到列表", "Filter: Enter opens the first, Esc list")
M_LOADING = Msg("正在读取…", "Loading…")
M_NEVER = Msg("从未同步", "never synced")
M_NEVER_WAITING = Msg("从未同步 · 待上传 {n}", "never synced · to send {n}")
M_AUTO_SYNCING = Msg("正在后台同步…", "Syncing in the background…")
M_AUTO_FAILED = Msg(
    "! 自动同步未成功:{why}。约 {minutes} 分钟后再试,按 s 立即同步",
    "! Background sync failed: {why}. Next try in about {minutes} min; s syncs now",
)
M_SKEW = Msg(
    "! 本机时间比服务器{way} {amount}:请校正本机的日期和时间",
    "! This device's clock is {amount} {way} the server's: set the date and time",
)
M_BEHIND = Msg("慢", "behind")
M_AHEAD = Msg("快", "ahead of")
M_LAST = Msg("上次同步 {at} · 待上传 {n}", "Last sync {at} · to send {n}")
M_SYNCING = Msg("正在同步…", "Syncing…")
M_SYNCED = Msg(
    "同步完成:上传 {sent},确认 {acked},下载 {pulled},退回 {returned}",
    "Sync done: sent {sent}, acked {acked}, pulled {pulled}, returned {returned}",
)
M_REFUSED_SYNC = Msg("，被拒 {n}", ", refused {n}")
M_REFUSED = Msg(
    "! 服务器拒收 {n} 项({why})。{advice}", "! The server refused {n} ({why}). {advice}"
)
M_RENEW = Msg(
    "登录已过期,请输入密码重新登录", "Your login has expired: type your password to log in again"
)
M_ADDRESS = Msg("新住户地址", "Address of the new dwelling")
M_ADDED = Msg("已添加住户", "Dwelling added")
M_SECOND = Msg("已为该住户新建第二个户", "A second household was opened for this dwelling")
COLUMNS = (
    Msg("编号", "ID"),
    Msg("地址", "Address"),
    Msg("状态", "State"),
    Msg("户主", "Head"),
    Msg("预约", "Appt"),
)
WIDE_WIDTHS = (19, 26, 11, 7, 5)
NARROW_ID, NARROW_STATE = 6, {"zh": 10, "en": 13}
"""Fixed column widths (cells): no measuring of 5,000 rows, and no column squeezed to its
label when a resize races the first load. Narrow: the id's own part (without the area's code,
which every row shares), the state whole, and the address gets the rest, showing its end (the
unit and room that tell dwellings apart)."""
NARROW_EN = {
    CaseState.PHONE_REGISTRATION: "by phone",
    CaseState.NOT_RESIDENTIAL: "not resid.",
}
"""English state labels too long for the narrow state column."""
DRILL_HELP = ("k", Msg("疑虑应答演练", "doubts drill (training)"))


class DashboardScreen(CensusScreen):
    """The enumerator's worklist."""

    CSS_PATH = "dashboard.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("打开住户", "open the dwelling")),
        ("/", Msg("筛选;回车打开第一条", "filter; Enter opens the first match")),
        ("Esc", Msg("回到列表", "back to the list")),
        ("s", Msg("同步", "sync")),
        ("a", Msg("添加住户", "add a dwelling")),
        ("h", Msg("新建第二户", "open a second household")),
        ("r", Msg("刷新", "refresh")),
        ("l", Msg("锁定", "lock now")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "filter", show=False),
        Binding("escape", "focus_table", "table", show=False),
        Binding("s", "sync", "sync", show=False),
        Binding("a", "add_dwelling", "add", show=False),
        Binding("h", "second_household", "second", show=False),
        Binding("r", "reload", "reload", show=False),
        Binding("l", "lock", "lock", show=False),
        Binding("k", "drill", "drill", show=False),
    ]

    class Loaded(Message):
        def __init__(self, dashboard: Dashboard) -> None:
            super().__init__()
            self.dashboard = dashboard

    class SyncAdvanced(Message):
        def __init__(self, progress: SyncProgress) -> None:
            super().__init__()
            self.progress = progress

    class SyncFinished(Message):
        def __init__(self, outcome: SyncOutcome) -> None:
            super().__init__()
            self.outcome = outcome

    class LoginRenewed(Message):
        """The server took the password again: the sync that it refused can run now."""

    class DwellingAdded(Message):
        def __init__(self, msg: Msg) -> None:
            super().__init__()
            self.msg = msg

    AUTO_TICK: ClassVar[float] = 5.0
    """Seconds between two checks whether to sync in the background (arithmetic only)."""

    def __init__(self) -> None:
        super().__init__()
        self.auto: AutoSync | None = None
        """The background sync's policy (made on mount, with the app's clock)."""
        self._manual = False
        """The running sync was asked for with ``s`` (its result is notified)."""
        self._sync_after = False
        """``s`` was pressed while a background sync ran: a sync of its own follows it (the
        work that made the enumerator press it may have come after that one started)."""
        self._auto_error: Msg | None = None
        """Why the last background sync failed (cleared by the next success)."""
        self.board: Dashboard | None = None
        self.rows: Worklist = Worklist.of(())
        self.view: Sequence[int] = range(0)
        """Indices into ``rows`` that pass the filter, in the service's order."""
        self._built: tuple[bool, int, str] | None = None
        """(narrow, width when narrow, language) the table's cells were built for."""

    def compose_body(self) -> ComposeResult:
        yield T(Msg("", ""), id="dash-area", lang=self.lang)
        yield T(Msg("", ""), id="dash-counts", lang=self.lang)
        yield T(Msg("", ""), id="dash-refused", lang=self.lang)
        yield T(Msg("", ""), id="dash-alert", lang=self.lang)
        yield Input(id="dash-filter", placeholder=M_FILTER.both())
        yield WindowTable(id="dash-table")
        with Horizontal(id="dash-foot"):
            yield T(M_LOADING, id="dash-sync", lang=self.lang)
            yield T(Msg("", ""), id="dash-mode", lang=self.lang)

    def on_mount(self) -> None:
        if self.capp.session is not None and self.session.training:
            # The drill key is listed only where it works (HelpScreen reads KEYS_HELP).
            self.KEYS_HELP = [*type(self).KEYS_HELP, DRILL_HELP]  # type: ignore[misc]
        self.table.focus()
        self.auto = AutoSync(self.capp.clock)
        self.set_interval(self.AUTO_TICK, self.auto_tick)
        self.action_reload()

    @property
    def table(self) -> WindowTable:
        return self.query_one("#dash-table", WindowTable)

    def on_screen_resume(self) -> None:
        if self.board is not None:
            self.action_reload()

    def on_screen_suspend(self) -> None:
        """A screen is opening over the worklist (a visit, a prompt, the lock): keep only the rows
        on screen and let the rest go until the worklist comes back.
        The kept rows are drawn at once on return, with the cursor where it was, while the
        reload (which runs on every return anyway) brings the whole area back."""
        if self.board is None or not self.view:
            return
        table = self.table
        top = int(table.scroll_y)
        cursor = table.cursor_row
        keep = self.view[top : top + max(table.size.height - table.HEADER_LINES, 1)]
        self.rows = self.rows.take(keep)
        self.board = replace(self.board, rows=self.rows)
        self._built = None
        self._build_table()
        table.scroll_to(y=0, animate=False, immediate=True)
        table.move_cursor(max(0, min(cursor - top, len(self.view) - 1)))

    def refresh_view(self) -> None:
        if self.board is not None:
            self._render_head(self.board)
            self._build_table()

    # ------------------------------------------------------------------ loading
    def action_reload(self) -> None:
        self.hold_keys()  # a filter or Enter typed now needs the rows
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        self.post_message(self.Loaded(self.session.dashboard()))

    def on_dashboard_screen_loaded(self, message: Loaded) -> None:
        current = self._current()
        self.board = message.dashboard
        rows = message.dashboard.rows
        self.rows = rows if isinstance(rows, Worklist) else Worklist.of(rows)
        self._render_head(message.dashboard)
        self._built = None
        self._build_table()
        if current is not None:  # back from a visit: the cursor stays on that dwelling
            self._cursor_to(current.dwelling_id)
        self.release_keys()

    def _render_head(self, board: Dashboard) -> None:
        self.query_one("#dash-area", T).set_msg(Msg(board.area_name, board.area_name))
        # refused, vacant and not residential dwellings, once there are any (not "listed")
        shown = [b for b in Board if b is not Board.CLOSED or board.counts.get(b, 0)]
        counts_zh = " ".join(f"{BOARD_LABELS[b].zh}{board.counts.get(b, 0)}" for b in shown)
        counts_en = " ".join(f"{BOARD_LABELS[b].en} {board.counts.get(b, 0)}" for b in shown)
        self.query_one("#dash-counts", T).set_msg(Msg(counts_zh, counts_en))
        at = board.last_sync_at.strftime("%m-%d %H:%M") if board.last_sync_at else None
        if at:
            sync = M_LAST.format(at=at, n=board.outbox_depth)
        else:
            sync = M_NEVER_WAITING.format(n=board.outbox_depth) if board.outbox_depth else M_NEVER
        if self.auto is not None and self.auto.running and not (self._manual or self._sync_after):
            sync = M_AUTO_SYNCING
        self.query_one("#dash-sync", T).set_msg(sync)
        refused = self.query_one("#dash-refused", T)
        refused.display = bool(board.refused)
        refused.set_msg(refusal_summary(board.refused))
        self._render_alert(board)

    def _render_alert(self, board: Dashboard) -> None:
        """The background sync's failure and the clock's offset, in words (hidden when
        neither)."""
        lines: list[Msg] = []
        if self._auto_error is not None and self.auto is not None:
            left = self.auto.retry_at - self.capp.clock.monotonic() if self.auto.retry_at else 0
            why, minutes = self._auto_error, _minutes(left)
            lines.append(
                Msg(
                    M_AUTO_FAILED.zh.format(why=why.zh.rstrip("。."), minutes=minutes),
                    M_AUTO_FAILED.en.format(why=why.en.rstrip("."), minutes=minutes),
                )
            )
        if board.clock_skew is not None and abs(board.clock_skew) > SKEW_LIMIT_S:
            lines.append(skew_warning(board.clock_skew))
        alert = self.query_one("#dash-alert", T)
        alert.display = bool(lines)
        alert.set_msg(Msg("\n".join(m.zh for m in lines), "\n".join(m.en for m in lines)))

    def _cells(self, row: DwellingRow, narrow: int) -> Cells:
        """One row's cells; ``narrow`` is the address column's width on a narrow screen (0:
        wide)."""
        lang = self.capp.lang
        label = NARROW_EN.get(row.state) if narrow and lang == "en" else None
        label = label or STATE_LABELS[row.state](lang)
        if row.overdue:
            label = "! " + label
        if row.households > 1:  # a dwelling with a second household (FACTS §4 户编号)
            label += f" ×{row.households}"
        mark = form_mark(row.form_id)
        if mark is not None:  # 长表 / 港澳台 first: never cut off (short rows unmarked)
            label = f"{mark(lang)} {label}"
        if narrow:
            area = self.board.area_id if self.board is not None else ""
            return (
                tail(search_id(row.dwelling_id, area), NARROW_ID),
                tail(row.address, narrow),
                label,
            )
        return (row.dwelling_id, row.address, label, row.head_name, self._when(row))

    def _when(self, row: DwellingRow) -> str:
        """The appointment in local time: the hour when it is today, else the day (an overdue
        one is marked in the state column)."""
        if row.appointment_at is None:
            return ""
        local = row.appointment_at.astimezone()
        today = self.capp.clock.now().astimezone().date()
        return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d")

    def _build_table(self) -> None:
        """Cell text for every row, once per load, language or narrow/wide change."""
        width = self.app.size.width
        narrow = width < 60
        if self._built == (narrow, width if narrow else 0, self.capp.lang):
            return
        self._built = (narrow, width if narrow else 0, self.capp.lang)
        address = 0
        # an area with long-form (or HMT-foreign form) rows: the state column takes the mark
        # from the address column
        mark = self._mark_width()
        wide_id, wide_address, wide_state, *rest = WIDE_WIDTHS
        widths: tuple[int, ...] = (wide_id, wide_address - mark, wide_state + mark, *rest)
        if narrow:
            state = NARROW_STATE[self.capp.lang] + mark
            # the rest of the line after the table's scrollbar (2) and each column's padding
            address = max(8, width - 2 - NARROW_ID - state - 3 * 2)
            widths = (NARROW_ID, address, state)
        titles = [self.t(m) for m in COLUMNS[: len(widths)]]
        rows = self.rows
        self.table.set_table(titles, widths, len(rows), lambda i: self._cells(rows[i], address))
        self._render_rows()

    def _mark_width(self) -> int:
        """Cells the form marks of this worklist's rows take in the state column (0 when every
        row is on the short form: the table is laid out as before the form set)."""
        lang = self.capp.lang
        marks = [FORM_MARKS[f](lang) for f in self.rows.form_ids if f in FORM_MARKS]
        return max((cell_len(m) + 1 for m in marks), default=0)

    def _render_rows(self) -> None:
        """Apply the filter: a scan of the worklist's lowercased text, no widget work."""
        needle = self.query_one("#dash-filter", Input).value.strip()
        if needle and self.board is not None:
            # a whole id typed: its area's code is not searched (every row has it)
            needle = search_id(needle, self.board.area_id)
        if needle:
            self.view = self.rows.matching(needle)
        else:
            self.view = range(len(self.rows))
        self.table.set_view(self.view)

    def _cursor_to(self, dwelling_id: str) -> None:
        for pos, index in enumerate(self.view):
            if self.rows.dwelling_id(index) == dwelling_id:
                self.table.move_cursor(pos)
                return

    @on(Input.Changed, "#dash-filter")
    def _filter(self) -> None:
        self._render_rows()

    @on(Input.Submitted, "#dash-filter")
    def _filter_submitted(self) -> None:
        """Enter in the filter opens the first match (type the address, Enter, you are in)."""
        self._render_rows()
        if self.view:
            row = self.rows[self.view[0]]
            self.query_one("#dash-filter", Input).value = ""
            self.action_focus_table()
            self._open(row)

    def action_focus_table(self) -> None:
        # At once, not at the next idle as Widget.focus(): Enter in the filter opens a visit
        # right after, and the worklist must come back with the table focused, never the filter
        # (a key like "s" for sync would be typed into it).
        self.set_focus(self.table)

    def action_focus_filter(self) -> None:
        self.query_one("#dash-filter", Input).focus()

    def on_descendant_focus(self) -> None:
        """Say when typing goes to the filter (also the cue scripts in a pty wait for)."""
        filtering = isinstance(self.focused, Input)
        self.query_one("#dash-mode", T).set_msg(M_FILTERING if filtering else Msg("", ""))

    def on_resize(self) -> None:
        if self.board is not None:
            self.refresh_view()

    # ------------------------------------------------------------------ actions
    def _current(self) -> DwellingRow | None:
        cursor = self.table.cursor_row
        if not self.view or cursor >= len(self.view):
            return None
        return self.rows[self.view[cursor]]

    def on_window_table_selected(self, event: WindowTable.Selected) -> None:
        row = self._current()
        if row is not None:
            self._open(row)

    def _open(self, row: DwellingRow) -> None:
        from census_tui.screens.visit import VisitScreen

        self.app.push_screen(VisitScreen(row))

    def action_drill(self) -> None:
        """The three standard doubts as a drill (issue 8 §4): training sessions only."""
        if not self.session.training:
            return
        from census_tui.screens.drill import DrillScreen

        self.app.push_screen(DrillScreen())

    def action_lock(self) -> None:
        self.capp.lock_now()

    def _progress(self) -> ProgressBar:
        """The sync's progress bar, made on the first sync (Textual's progress bar brings its
        own modules: nothing of it is loaded until the enumerator syncs)."""
        from textual.widgets import ProgressBar

        found = self.query("#dash-progress").results(ProgressBar)
        bar = next(found, None)
        if bar is None:
            bar = ProgressBar(id="dash-progress", show_eta=False)
            self.query_one("#dash-foot").mount(bar)
        return bar

    def _hide_progress(self) -> None:
        for bar in self.query("#dash-progress"):
            bar.display = False

    def action_sync(self) -> None:
        """``s``: sync at once (a background sync already running is joined, not doubled)."""
        bar = self._progress()
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#dash-sync", T).set_msg(M_SYNCING)
        auto = self.auto
        if auto is not None:
            auto.manual()
            if auto.running:  # a background sync: this one follows it at once
                self._sync_after = True
                return
            auto.started()
        self._manual = True
        self._sync()

    def auto_tick(self) -> None:
        """The timer: start a background sync when the policy says so. Arithmetic on what the
        screen holds (the outbox's depth of the last load), no store, no network here."""
        board, auto = self.board, self.auto
        if board is None or auto is None or not board.online:
            return
        if not auto.may_start(self.capp.last_activity):
            return
        idle = self.is_current or self.capp.locked
        reason = auto.reason(board.outbox_depth, idle=idle)
        if reason is None:
            return
        auto.started()
        self._manual = False
        self.query_one("#dash-sync", T).set_msg(M_AUTO_SYNCING)
        self._sync(idle_run=reason == IDLE)

    class MeteredPause(Message):
        """An idle run was not made: the network is metered."""

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync")
    def _sync(self, idle_run: bool = False) -> None:
        def progress(p: SyncProgress) -> None:
            self.post_message(self.SyncAdvanced(p))

        if idle_run and is_metered():  # nothing waits to be sent: spare the data plan
            self.post_message(self.MeteredPause())
            return
        outcome = self.session.sync(progress)
        self.post_message(self.SyncFinished(outcome))

    def on_dashboard_screen_metered_pause(self, _: MeteredPause) -> None:
        if self.auto is not None:
            self.auto.metered_pause()
        if self.board is not None:  # the footer's line as it was (nothing changed: no reload)
            self._render_head(self.board)

    def on_dashboard_screen_sync_advanced(self, message: SyncAdvanced) -> None:
        if not self._manual:
            return  # a background sync draws nothing while it runs (the footer says it)
        bar = self._progress()
        bar.update(total=max(message.progress.total, 1), progress=message.progress.done)

    def on_dashboard_screen_sync_finished(self, message: SyncFinished) -> None:
        self._hide_progress()
        out = message.outcome
        manual, self._manual = self._manual, False
        if self.auto is not None:
            self.auto.finished(ok=out.error is None, remaining=out.remaining)
        self._auto_error = None if manual or out.error is None else out.error
        if not manual:
            if self._sync_after:
                self._sync_after = False
                self.action_sync()
                return
            self._after_background(out)
            return
        if out.error is not None:
            self.notify(self.t(out.error), severity="error", timeout=8)
        else:
            done = M_SYNCED.format(
                sent=out.sent, acked=out.acked, pulled=out.pulled, returned=out.returned
            )
            text = self.t(done)
            if out.refused:
                text += self.t(M_REFUSED_SYNC.format(n=len(out.refused)))
            self.notify(text, severity="warning" if out.refused else "information")
        if out.refused:
            self.notify(self.t(refusal_summary(out.refused)), severity="error", timeout=15)
        self.action_reload()
        if out.error == TOKEN_REFUSED:
            self._ask_password()

    def _ask_password(self) -> None:
        """The server refused the login token (expired or ended): the password, masked, renews
        it and the sync runs again; Esc leaves the message and changes nothing."""
        from census_tui.screens.prompt import PromptScreen

        def typed(password: object) -> None:
            if isinstance(password, str) and password:
                self._renew(password)

        self.app.push_screen(PromptScreen(M_RENEW, max_length=200, password=True), typed)

    # description: Textual's default one shows the arguments, here the password
    @work(thread=True, exclusive=True, exit_on_error=False, group="renew", description="renew")
    def _renew(self, password: str) -> None:
        self.session.renew_login(password)
        self.post_message(self.LoginRenewed())

    def on_dashboard_screen_login_renewed(self, message: LoginRenewed) -> None:
        self.action_sync()

    def _after_background(self, out: SyncOutcome) -> None:
        """A background sync ended: no dialog, no notification; the footer and the alert line
        say what happened. The rows are read again only when the sync changed them, and
        without holding typed keys (the enumerator may be typing meanwhile); a screen over the
        worklist reloads it on return anyway."""
        board = self.board
        if board is None:
            return
        changed = bool(out.acked or out.pulled or out.returned or out.refused)
        if changed and self.is_current:
            self._load()
            return
        if out.error is None:
            board = replace(
                board,
                last_sync_at=self.capp.clock.now(),
                outbox_depth=out.remaining,
                clock_skew=out.clock_skew if out.clock_skew is not None else board.clock_skew,
            )
            self.board = board
        elif out.clock_skew is not None:
            self.board = board = replace(board, clock_skew=out.clock_skew)
        self._render_head(board)

    def worker_failed(self, worker: Worker[object]) -> None:
        self._hide_progress()
        if worker.group == "sync" and self.auto is not None:
            self._manual = self._sync_after = False
            depth = self.board.outbox_depth if self.board is not None else 0
            self.auto.finished(ok=False, remaining=depth)
        if self.board is not None:
            self._render_head(self.board)

    def action_add_dwelling(self) -> None:
        from census_tui.screens.prompt import PromptScreen

        def added(address: object) -> None:
            if isinstance(address, str) and address:
                self._add(address)

        self.app.push_screen(PromptScreen(M_ADDRESS), added)

    @work(thread=True, exclusive=True, exit_on_error=False, group="add")
    def _add(self, address: str) -> None:
        self.session.add_dwelling(address, "dwelling")
        self.post_message(self.DwellingAdded(M_ADDED))

    def action_second_household(self) -> None:
        row = self._current()
        if row is not None:
            self._second(row.dwelling_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="add")
    def _second(self, dwelling_id: str) -> None:
        self.session.open_second_household(dwelling_id)
        self.post_message(self.DwellingAdded(M_SECOND))

    def on_dashboard_screen_dwelling_added(self, message: DwellingAdded) -> None:
        self.notify(self.t(message.msg))
        self.action_reload()


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))


def skew_warning(skew: int) -> Msg:
    """The clock's offset in words: ``skew`` is server minus device (positive: behind)."""
    way = M_BEHIND if skew > 0 else M_AHEAD
    total = abs(skew) // 60
    days, hours, minutes = total // 1440, total // 60 % 24, total % 60
    zh = (f"{days} 天 " if days else "") + (f"{hours} 小时 " if hours else "") + f"{minutes} 分钟"
    en = (f"{days} d " if days else "") + (f"{hours} h " if hours else "") + f"{minutes} min"
    return Msg(M_SKEW.zh.format(way=way.zh, amount=zh), M_SKEW.en.format(way=way.en, amount=en))


def refusal_summary(reasons: Sequence[str]) -> Msg:
    """Items the server refused, in words, with what to do: the reasons most often met first."""
    if not reasons:
        return Msg("", "")
    first: dict[str, str] = {}
    tally: dict[str, int] = {}
    for reason in reasons:
        key = refusal_key(reason)
        first.setdefault(key, reason)
        tally[key] = tally.get(key, 0) + 1
    words = [refusal_words(first[k]) for k in sorted(tally, key=lambda k: -tally[k])]
    advice = refusal_advice(reasons[0]) if len(tally) == 1 else CALL_SUPERVISOR
    return Msg(
        M_REFUSED.zh.format(n=len(reasons), why="；".join(w.zh for w in words), advice=advice.zh),
        M_REFUSED.en.format(n=len(reasons), why="; ".join(w.en for w in words), advice=advice.en),
    )
