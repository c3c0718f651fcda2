"""Dashboard: the area's dwellings, counts by state, last sync, sync / add / open actions.

The service orders the rows (today's and overdue appointments first); this screen renders them.
Type-to-filter must stay instant with 5,000 dwellings: each row's search text is lowercased once
when the dashboard loads, filtering is a substring scan in Python, and the table shows at most
``SHOWN`` matching rows (the rest are one keystroke of filter away).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, ProgressBar
from textual.worker import Worker

from census_tui.i18n import Msg
from census_tui.screens.base import CensusScreen
from census_tui.visit.states import BOARD_LABELS, STATE_LABELS, Board
from census_tui.widgets.text import T

if TYPE_CHECKING:
    from census_tui.visit.api import Dashboard, DwellingRow, SyncOutcome, SyncProgress

SHOWN = 200
M_FILTER = Msg("筛选:地址或姓名 (/)", "Filter: address or name (/)")
M_FILTERING = Msg("筛选:回车打开第一条,Esc 回到列表", "Filter: Enter opens the first, Esc list")
M_LOADING = Msg("正在读取…", "Loading…")
M_NEVER = Msg("从未同步", "never synced")
M_LAST = Msg("上次同步 {at} · 待上传 {n}", "Last sync {at} · to send {n}")
M_MORE = Msg("显示 {shown}/{total} 条,输入以筛选", "Showing {shown} of {total}; type to filter")
M_SYNCING = Msg("正在同步…", "Syncing…")
M_SYNCED = Msg(
    "同步完成:上传 {sent},确认 {acked},下载 {pulled},退回 {returned}",
    "Sync done: sent {sent}, acked {acked}, pulled {pulled}, returned {returned}",
)
M_ADDRESS = Msg("新住户地址", "Address of the new dwelling")
M_ADDED = Msg("已添加住户", "Dwelling added")
M_SECOND = Msg("已为该住户新建第二个户", "A second household was opened for this dwelling")
COLUMNS = (
    Msg("编号", "ID"),
    Msg("地址", "Address"),
    Msg("状态", "State"),
    Msg("户主", "Head"),
    Msg("预约", "Appointment"),
)
WIDE_WIDTHS = (19, 30, 12, 10, 11)
NARROW_WIDTHS = (10, 14, 8)
"""Fixed column widths (cells): no measuring of 5,000 rows, and no column squeezed to its
label when a resize races the first load."""


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

    class DwellingAdded(Message):
        def __init__(self, msg: Msg) -> None:
            super().__init__()
            self.msg = msg

    def __init__(self) -> None:
        super().__init__()
        self.board: Dashboard | None = None
        self.rows: list[DwellingRow] = []
        self.keys: list[str] = []
        self.shown: list[DwellingRow] = []

    def compose(self) -> ComposeResult:
        yield T(Msg("", ""), id="dash-area")
        yield T(Msg("", ""), id="dash-counts")
        yield Input(id="dash-filter", placeholder=M_FILTER.both())
        yield DataTable(id="dash-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="dash-foot"):
            yield T(M_LOADING, id="dash-sync")
            yield T(Msg("", ""), id="dash-mode")
            yield ProgressBar(id="dash-progress", show_eta=False)

    def on_mount(self) -> None:
        self.query_one("#dash-progress").display = False
        self._columns()
        self.query_one(DataTable).focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        if self.board is not None:
            self.action_reload()

    def _columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        narrow = self.app.size.width < 60
        widths = NARROW_WIDTHS if narrow else WIDE_WIDTHS
        for index, (msg, width) in enumerate(zip(COLUMNS, widths, strict=False)):
            table.add_column(self.t(msg), key=str(index), width=width)

    def refresh_view(self) -> None:
        self._columns()
        if self.board is not None:
            self._render_head(self.board)
            self._render_rows()

    # ------------------------------------------------------------------ loading
    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        self.post_message(self.Loaded(self.session.dashboard()))

    def on_dashboard_screen_loaded(self, message: Loaded) -> None:
        self.board = message.dashboard
        self.rows = message.dashboard.rows
        self.keys = [f"{r.dwelling_id}\t{r.address}\t{r.head_name}".lower() for r in self.rows]
        self._render_head(message.dashboard)
        self._render_rows()

    def _render_head(self, board: Dashboard) -> None:
        self.query_one("#dash-area", T).set_msg(Msg(board.area_name, board.area_name))
        counts_zh = " ".join(f"{BOARD_LABELS[b].zh}{board.counts.get(b, 0)}" for b in Board)
        counts_en = " ".join(f"{BOARD_LABELS[b].en} {board.counts.get(b, 0)}" for b in Board)
        self.query_one("#dash-counts", T).set_msg(Msg(counts_zh, counts_en))
        at = board.last_sync_at.strftime("%m-%d %H:%M") if board.last_sync_at else None
        sync = M_LAST.format(at=at, n=board.outbox_depth) if at else M_NEVER
        self.query_one("#dash-sync", T).set_msg(sync)

    def _render_rows(self) -> None:
        needle = self.query_one("#dash-filter", Input).value.strip().lower()
        if needle:
            matches = [r for r, k in zip(self.rows, self.keys, strict=True) if needle in k]
        else:
            matches = self.rows
        self.shown = matches[:SHOWN]
        table = self.query_one(DataTable)
        table.clear()
        narrow = self.app.size.width < 60
        lang = self.capp.lang
        for row in self.shown:
            label = STATE_LABELS[row.state](lang)
            if row.overdue:
                label = "! " + label
            cells: list[str] = [row.dwelling_id, row.address, label]
            if not narrow:
                when = row.appointment_at.strftime("%m-%d %H:%M") if row.appointment_at else ""
                cells += [row.head_name, when]
            table.add_row(*cells, key=row.dwelling_id)
        if len(matches) > len(self.shown):
            self.notify(self.t(M_MORE.format(shown=len(self.shown), total=len(matches))))

    @on(Input.Changed, "#dash-filter")
    def _filter(self) -> None:
        self._render_rows()

    @on(Input.Submitted, "#dash-filter")
    def _filter_submitted(self) -> None:
        """Enter in the filter opens the first match (type the address, Enter, you are in)."""
        self._render_rows()
        if self.shown:
            row = self.shown[0]
            self.query_one("#dash-filter", Input).value = ""
            self.action_focus_table()
            self._open(row)

    def action_focus_table(self) -> None:
        self.query_one(DataTable).focus()

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
        table = self.query_one(DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        row = self._current()
        if row is not None:
            self._open(row)

    def _open(self, row: DwellingRow) -> None:
        from census_tui.screens.visit import VisitScreen

        self.app.push_screen(VisitScreen(row))

    def action_lock(self) -> None:
        self.capp.lock_now()

    def action_sync(self) -> None:
        bar = self.query_one("#dash-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#dash-sync", T).set_msg(M_SYNCING)
        self._sync()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync")
    def _sync(self) -> None:
        def progress(p: SyncProgress) -> None:
            self.post_message(self.SyncAdvanced(p))

        outcome = self.session.sync(progress)
        self.post_message(self.SyncFinished(outcome))

    def on_dashboard_screen_sync_advanced(self, message: SyncAdvanced) -> None:
        bar = self.query_one("#dash-progress", ProgressBar)
        bar.update(total=max(message.progress.total, 1), progress=message.progress.done)

    def on_dashboard_screen_sync_finished(self, message: SyncFinished) -> None:
        self.query_one("#dash-progress").display = False
        out = message.outcome
        if out.error is not None:
            self.notify(self.t(out.error), severity="error", timeout=8)
        else:
            self.notify(
                self.t(
                    M_SYNCED.format(
                        sent=out.sent, acked=out.acked, pulled=out.pulled, returned=out.returned
                    )
                )
            )
        self.action_reload()

    def worker_failed(self, worker: Worker[object]) -> None:
        self.query_one("#dash-progress").display = False
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
