"""Progress (进度): the supervisor's home screen.

One table per level, enumerators (the default) or areas (``a``): counts of dwellings by state,
households and persons registered, the long-form sample done / due, and how long since each
device last synced, with ``!`` before an enumerator whose device has not synced for more than
the progress's ``stale_hours`` (or never). ``o`` cycles the sort column, ``/`` filters by text,
``x`` keeps only the stale ones; the line under the table says everything about the row under
the cursor (the table scrolls sideways with ←→ when the terminal is narrow). ``s`` refreshes
from the server; what is shown is the device's copy, with its age.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from census_tui.i18n import Lang, Msg
from census_tui.screens.sup_common import (
    Column,
    SupScreen,
    SupTable,
    data_age,
    short_age,
    when,
)
from census_tui.supervision.api import (
    STATES,
    AreaProgress,
    EnumeratorProgress,
    Progress,
    Tally,
)
from census_tui.supervision.words import STATE_LONG, STATE_NAMES
from census_tui.widgets.text import T
from census_tui.widgets.window_table import tail

M_BY_ENUM = Msg("进度 · 按普查员", "Progress · by enumerator")
M_BY_AREA = Msg("进度 · 按普查小区", "Progress · by area")
M_FILTER = Msg("筛选:账号、姓名或小区 (/)", "Filter: account, name or area (/)")
M_FILTERING = Msg("筛选中:Esc 回到表格", "Filtering: Esc back to the table")
M_STALE = Msg("! 超过 {h} 小时未同步", "! no sync for over {h} h")
M_STALE_ONLY = Msg("只看未同步 (x)", "stale only (x)")
M_SORT = Msg("排序:{col}", "sort: {col}")
M_KEYS = Msg("s 更新 v 审核 p 抽查 a 小区 F1", "s update v review p spot a areas F1")
M_NONE = Msg("没有符合条件的行", "No row matches")
M_LONG_OFF = Msg("本区不抽长表", "no long form here")
M_ENUM_DETAIL = Msg(
    "{who} · 小区 {areas} · 上次同步 {last}{stale} · 户 {hh} 人 {persons}{long}",
    "{who} · area {areas} · last sync {last}{stale} · households {hh}, persons {persons}{long}",
)
M_AREA_DETAIL = Msg(
    "{area} {name} · 普查员 {who} · 户 {hh} 人 {persons}{long}",
    "{area} {name} · enumerators {who} · households {hh}, persons {persons}{long}",
)
M_LONG = Msg(" · 长表 {done}/{due}", " · long form {done}/{due}")
M_STALE_DETAIL = Msg(" !未同步超过 {h} 小时", " ! no sync for over {h} h")
M_NEVER = Msg("从未同步", "never")
M_NO_AREA = Msg("该普查员没有普查小区", "This enumerator has no area")
AUTO_REFRESH_AFTER = 5 * 60
"""Seconds: a login shows the device's copy and, when it is older than this, updates it."""


def _tally(row: Any) -> Tally:
    tally: Tally = row.tally
    return tally


def _state_column(state: str) -> Column:
    return Column(
        STATE_NAMES[state],
        0,
        lambda r, lang: str(_tally(r).counts.get(state, 0)),
        lambda r: _tally(r).counts.get(state, 0),
    )


STATE_COLUMNS = tuple(_state_column(s) for s in STATES)
TALLY_COLUMNS = (
    Column(
        Msg("户", "HH"), 4, lambda r, lang: str(_tally(r).households), lambda r: r.tally.households
    ),
    Column(Msg("人", "Pers"), 5, lambda r, lang: str(_tally(r).persons), lambda r: r.tally.persons),
    Column(
        Msg("长表", "Long"),
        6,
        lambda r, lang: f"{_tally(r).long_done}/{_tally(r).long_due}" if r.tally.long_due else "",
        lambda r: r.tally.long_due - r.tally.long_done,
    ),
)


class ProgressScreen(SupScreen):
    """The supervisor's progress over their enumerators and areas."""

    CSS_PATH = "sup_progress.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("a", Msg("按普查员 / 按小区", "by enumerator / by area")),
        ("o", Msg("换排序列", "next sort column")),
        ("/", Msg("筛选", "filter")),
        ("Esc", Msg("回到表格", "back to the table")),
        ("x", Msg("只看超时未同步的", "only devices not synced for long")),
        ("←→", Msg("左右滚动表格", "scroll the table sideways")),
        ("s", Msg("从服务器更新", "update from the server")),
        ("Enter", Msg("该普查员/小区的待审案例", "this enumerator's / area's cases to review")),
        ("v", Msg("审核队列(互查)", "review queue")),
        ("p", Msg("抽查与复核", "spot checks and re-visits")),
        (
            "g",
            Msg(
                "分配住户(该小区/该普查员的第一个小区)",
                "assign dwellings (this area / the enumerator's first)",
            ),
        ),
        ("l", Msg("锁定", "lock now")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "toggle_level", "areas", show=False),
        Binding("o", "sort", "sort", show=False),
        Binding("slash", "focus_filter", "filter", show=False),
        Binding("escape", "focus_table", "table", show=False),
        Binding("x", "stale_only", "stale", show=False),
        Binding("s", "refresh", "refresh", show=False),
        Binding("v", "queue", "queue", show=False),
        Binding("p", "samples", "samples", show=False),
        Binding("g", "assign", "assign", show=False),
        Binding("l", "lock", "lock", show=False),
    ]

    class Loaded(Message):
        def __init__(self, progress: Progress) -> None:
            super().__init__()
            self.progress = progress

    def __init__(self) -> None:
        super().__init__()
        self.progress: Progress | None = None
        self.by_area = False
        self.stale_only = False
        self.sort: int | None = None
        """Index of the sort column (None: the server's order)."""
        self.rows: Sequence[EnumeratorProgress | AreaProgress] = ()
        """The rows shown, filtered and sorted."""
        self._first = True

    def compose_body(self) -> ComposeResult:
        yield T(M_BY_ENUM, id="sp-title", lang=self.lang)
        yield T(Msg("", ""), id="sp-age", lang=self.lang)
        yield Input(id="sp-filter", placeholder=M_FILTER.both())
        yield SupTable(id="sp-table")
        yield T(Msg("", ""), id="sp-detail", lang=self.lang)
        yield T(M_KEYS, id="sup-status", lang=self.lang)

    def on_mount(self) -> None:
        super().on_mount()
        self.table.focus()
        self.reload()

    @property
    def table(self) -> SupTable:
        return self.query_one("#sp-table", SupTable)

    def on_screen_resume(self) -> None:
        if self.progress is not None:
            self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        self.hold_keys()  # a sort or a filter typed now needs the rows
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        self.post_message(self.Loaded(self.supervision.progress()))

    def on_progress_screen_loaded(self, message: Loaded) -> None:
        self.progress = message.progress
        self.refresh_view()
        self.release_keys()
        if self._first:
            # once per login: the device's copy is shown at once, the server's follows
            # (unless the copy is a few minutes old at most: a first login has just made it)
            self._first = False
            fetched = message.progress.fetched_at
            if fetched is None or (self.now() - fetched).total_seconds() > AUTO_REFRESH_AFTER:
                self.action_refresh()

    def refresh_view(self) -> None:
        if self.progress is None:
            return
        title = self.query_one("#sp-title", T)
        title.set_msg(M_BY_AREA if self.by_area else M_BY_ENUM)
        self._build()

    def on_resize(self) -> None:
        self.refresh_view()

    # ------------------------------------------------------------------ the table
    def _columns(self) -> list[Column]:
        narrow = self.app.size.width < 60
        if self.by_area:
            return [
                Column(
                    Msg("小区", "Area"),
                    7 if narrow else 16,
                    lambda r, lang: self._area_mark(r) + tail(r.area_id, 6 if narrow else 15),
                    lambda r: r.area_id,
                    numeric=False,
                ),
                *STATE_COLUMNS,
                *TALLY_COLUMNS,
                Column(Msg("名称", "Name"), 16, lambda r, lang: r.name, lambda r: r.name, False),
            ]
        return [
            Column(
                Msg("账号", "Account"),
                9,
                lambda r, lang: ("!" if r.stale else " ") + r.account,
                lambda r: r.account,
                numeric=False,
            ),
            Column(
                Msg("同步", "Sync"),
                6,
                lambda r, lang: short_age(r.last_sync, self.now(), lang),
                lambda r: r.last_sync or datetime.min.replace(tzinfo=self.now().tzinfo),
                numeric=False,
            ),
            *STATE_COLUMNS,
            *TALLY_COLUMNS,
            Column(Msg("姓名", "Name"), 8, lambda r, lang: r.name, lambda r: r.name, False),
        ]

    def _area_mark(self, area: AreaProgress) -> str:
        return "!" if area.area_id in self._stale_areas() else " "

    def _stale_areas(self) -> set[str]:
        if self.progress is None:
            return set()
        return {a for e in self.progress.enumerators if e.stale for a in e.areas}

    def _shown(self, columns: list[Column]) -> list[EnumeratorProgress | AreaProgress]:
        assert self.progress is not None
        rows: list[Any] = list(self.progress.areas if self.by_area else self.progress.enumerators)
        needle = self.query_one("#sp-filter", Input).value.strip().lower()
        if needle:
            rows = [r for r in rows if needle in self._search_text(r)]
        if self.stale_only:
            if self.by_area:
                stale = self._stale_areas()
                rows = [r for r in rows if r.area_id in stale]
            else:
                rows = [r for r in rows if r.stale]
        if self.sort is not None and self.sort < len(columns):
            column = columns[self.sort]
            rows.sort(key=column.key, reverse=column.numeric)
        return rows

    @staticmethod
    def _search_text(row: EnumeratorProgress | AreaProgress) -> str:
        if isinstance(row, EnumeratorProgress):
            parts = [row.account, row.name, row.work_id, *row.areas]
        else:
            parts = [row.area_id, row.name, *row.enumerators]
        return " ".join(parts).lower()

    def _build(self) -> None:
        lang = self.capp.lang
        columns = self._columns()
        current = self._current()
        self.rows = rows = self._shown(columns)
        widths = [c.cells(lang) for c in columns]
        titles = [c.title(lang) for c in columns]
        if self.sort is not None and self.sort < len(titles):
            # the sorted column's head is marked (cut to its width)
            title = titles[self.sort]
            titles[self.sort] = ("▼" if columns[self.sort].numeric else "▲") + title
            widths[self.sort] = max(widths[self.sort], cell_len(titles[self.sort]))
        self.table.set_table(
            titles, widths, len(rows), lambda i: tuple(c.cell(rows[i], lang) for c in columns)
        )
        if current is not None and current in rows:
            self.table.move_cursor(rows.index(current))
        self._head()
        self._detail()

    def _head(self) -> None:
        """The data's age, what ``!`` means, and the filter and sort in force."""
        if self.progress is None:
            return
        offline = self.capp.sup_offline
        parts = [
            data_age(self.progress.fetched_at, self.now(), offline),
            M_STALE.format(h=self.progress.stale_hours),
        ]
        if self.stale_only:
            parts.append(M_STALE_ONLY)
        if self.sort is not None:
            column = self._columns()[self.sort]
            parts.append(
                Msg(M_SORT.zh.format(col=column.title.zh), M_SORT.en.format(col=column.title.en))
            )
        self.query_one("#sp-age", T).set_msg(
            Msg(" · ".join(p.zh for p in parts), " · ".join(p.en for p in parts))
        )

    def _current(self) -> EnumeratorProgress | AreaProgress | None:
        cursor = self.table.cursor_row
        return self.rows[cursor] if cursor < len(self.rows) else None

    def on_sup_table_cursor_moved(self) -> None:
        self._detail()

    def _detail(self) -> None:
        row = self._current()
        detail = self.query_one("#sp-detail", T)
        if row is None:
            detail.set_msg(M_NONE)
        elif isinstance(row, EnumeratorProgress):
            detail.set_msg(self._enum_detail(row))
        else:
            detail.set_msg(self._area_detail(row))

    def _long(self, tally: Tally) -> Msg:
        if self.progress is not None and not self.progress.long_form_tracked:
            return Msg("", "")
        if not tally.long_due:
            return Msg("", "")
        return M_LONG.format(done=tally.long_done, due=tally.long_due)

    def _enum_detail(self, e: EnumeratorProgress) -> Msg:
        hours = self.progress.stale_hours if self.progress else 0
        stale = M_STALE_DETAIL.format(h=hours) if e.stale else Msg("", "")
        last = Msg(when(e.last_sync), when(e.last_sync)) if e.last_sync else M_NEVER
        long = self._long(e.tally)
        counts = self._counts(e.tally)
        who = f"{e.account} {e.name} {e.work_id}".strip()
        values = {"who": who, "areas": ", ".join(e.areas), "hh": e.tally.households}
        values["persons"] = e.tally.persons
        return Msg(
            M_ENUM_DETAIL.zh.format(**values, last=last.zh, stale=stale.zh, long=long.zh)
            + counts.zh,
            M_ENUM_DETAIL.en.format(**values, last=last.en, stale=stale.en, long=long.en)
            + counts.en,
        )

    def _area_detail(self, a: AreaProgress) -> Msg:
        long = self._long(a.tally)
        counts = self._counts(a.tally)
        values = {"area": a.area_id, "name": a.name, "who": ", ".join(a.enumerators)}
        values |= {"hh": str(a.tally.households), "persons": str(a.tally.persons)}
        return Msg(
            M_AREA_DETAIL.zh.format(**values, long=long.zh) + counts.zh,
            M_AREA_DETAIL.en.format(**values, long=long.en) + counts.en,
        )

    @staticmethod
    def _counts(tally: Tally) -> Msg:
        def text(lang: Lang) -> str:
            sep = "" if lang == "zh" else " "
            return " · " + ", ".join(
                f"{STATE_LONG[s](lang)}{sep}{tally.counts.get(s, 0)}" for s in STATES
            )

        return Msg(text("zh"), text("en"))

    # ------------------------------------------------------------------ keys
    def action_toggle_level(self) -> None:
        self.by_area = not self.by_area
        self.sort = None
        self.table.move_cursor(0)
        self.refresh_view()

    def action_sort(self) -> None:
        count = len(self._columns())
        self.sort = 0 if self.sort is None else self.sort + 1
        if self.sort >= count:
            self.sort = None
        self._build()

    def action_stale_only(self) -> None:
        self.stale_only = not self.stale_only
        self._build()

    @on(Input.Changed, "#sp-filter")
    def _filter(self) -> None:
        if self.progress is not None:
            self._build()

    @on(Input.Submitted, "#sp-filter")
    def _filter_done(self) -> None:
        self.action_focus_table()

    def action_focus_filter(self) -> None:
        self.query_one("#sp-filter", Input).focus()

    def action_focus_table(self) -> None:
        self.set_focus(self.table)

    def on_descendant_focus(self) -> None:
        """Say when typing goes to the filter (and the keys again when it no longer does)."""
        filtering = isinstance(self.focused, Input)
        if filtering != self.filtering:
            self.filtering = filtering
            self.status(M_FILTERING if filtering else M_KEYS)

    def action_queue(self) -> None:
        from census_tui.screens.sup_queue import QueueScreen

        self.app.push_screen(QueueScreen())

    def on_window_table_selected(self, event: SupTable.Selected) -> None:
        """Enter on a row: the review queue filtered to that enumerator or area."""
        from census_tui.screens.sup_queue import QueueScreen

        event.stop()
        row = self._current()
        if row is not None:
            needle = row.account if isinstance(row, EnumeratorProgress) else row.area_id
            self.app.push_screen(QueueScreen(needle))

    def action_samples(self) -> None:
        """Spot checks and re-visits (抽查, 二次入户核实), imported when first opened."""
        from census_tui.screens.sup_samples import SamplesScreen

        self.app.push_screen(SamplesScreen())

    def action_assign(self) -> None:
        """Moving dwellings (分配): the area under the cursor, or the enumerator's first."""
        from census_tui.screens.sup_assign import AssignScreen

        row = self._current()
        if row is None:
            return
        areas = list(row.areas) if isinstance(row, EnumeratorProgress) else [row.area_id]
        if not areas:
            self.status(M_NO_AREA)
            return
        self.app.push_screen(AssignScreen(areas[0]))

    def action_lock(self) -> None:
        self.capp.lock_now()
