"""The review queue (互查): uploaded cases waiting for the supervisor's review.

Flagged cases first (confirmed warnings or kept overridable errors), each with its flags; the
line under the table gives the row under the cursor whole: the enumerator's reasons, when it
arrived, whether it was returned before, and a decision made on this device and not sent yet.
Enter opens the case (:class:`~census_tui.screens.sup_case.CaseScreen`); after a decision the
queue comes back and says what became of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from census_tui.i18n import Msg
from census_tui.screens.sup_common import (
    Column,
    SupScreen,
    SupTable,
    address_column,
    data_age,
    when,
)
from census_tui.supervision.api import Confirmation, Decision, Queue, QueueRow
from census_tui.supervision.words import PENDING
from census_tui.widgets.text import T

M_TITLE = Msg(
    "审核队列(互查) · 待审 {n} 件,需关注 {flagged} 件",
    "Review queue · {n} waiting, {flagged} flagged",
)
M_FILTER = Msg("筛选:住户、地址或账号 (/)", "Filter: dwelling, address or account (/)")
M_FILTERING = Msg(
    "筛选中:回车打开第一条,Esc 回到表格", "Filtering: Enter opens the first, Esc table"
)
M_KEYS = Msg("Enter 打开 · s 更新 · Esc 返回进度", "Enter open · s update · Esc back to progress")
M_EMPTY = Msg("没有待审核的案例", "No case is waiting for review")
M_FLAGS = Msg("! 需关注:{flags}", "! flagged: {flags}")
M_REASON = Msg("{who}:{reason}", "{who}: {reason}")
M_HOUSEHOLD = Msg("全户", "household")
M_PERSON = Msg("第 {n} 人", "person {n}")
M_RECEIVED = Msg("收到 {at}", "received {at}")
M_RETURNED_BEFORE = Msg("曾被退回", "returned before")
M_PERSONS = Msg("{n} 人", "{n} persons")
SHORT_PENDING = {"approve": Msg("通过", "approve"), "return": Msg("退回", "return")}
"""A decision waiting on this device to be sent, in the table's narrow column."""


def confirmation_text(c: Confirmation) -> Msg:
    """An enumerator's reason for keeping a finding, with the rule and whose it is."""
    who = M_HOUSEHOLD if c.person_number is None else M_PERSON.format(n=c.person_number)
    return Msg(
        M_REASON.zh.format(who=f"{c.rule_id} {who.zh}", reason=c.reason),
        M_REASON.en.format(who=f"{c.rule_id} {who.en}", reason=c.reason),
    )


def _dwelling(row: QueueRow) -> str:
    """The dwelling's own part of its id (``002-001``: the area's last digits, the number)."""
    return row.dwelling_id[-7:]


class QueueScreen(SupScreen):
    """Uploaded cases waiting for review, flagged first; Enter opens one."""

    CSS_PATH = "sup_queue.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("打开案例", "open the case")),
        ("/", Msg("筛选;回车打开第一条", "filter; Enter opens the first match")),
        ("s", Msg("从服务器更新", "update from the server")),
        ("Esc", Msg("回到表格 / 返回进度", "back to the table / to progress")),
        ("l", Msg("锁定", "lock now")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "filter", show=False),
        Binding("escape", "back", "back", show=False),
        Binding("s", "refresh", "refresh", show=False),
        Binding("l", "lock", "lock", show=False),
    ]

    class Loaded(Message):
        def __init__(self, queue: Queue) -> None:
            super().__init__()
            self.queue = queue

    def __init__(self, needle: str = "") -> None:
        super().__init__()
        self.needle = needle
        """The filter to start with (the progress screen's row: an account or an area)."""
        self.queue: Queue | None = None
        self.rows: Sequence[QueueRow] = ()

    def compose_body(self) -> ComposeResult:
        yield T(Msg("", ""), id="sq-title", lang=self.lang)
        yield T(Msg("", ""), id="sq-age", lang=self.lang)
        yield Input(self.needle, id="sq-filter", placeholder=M_FILTER.both())
        yield SupTable(id="sq-table")
        yield T(Msg("", ""), id="sq-detail", lang=self.lang)
        yield T(M_KEYS, id="sup-status", lang=self.lang)

    def on_mount(self) -> None:
        super().on_mount()
        self.table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self.queue is not None:
            self.reload()

    @property
    def table(self) -> SupTable:
        return self.query_one("#sq-table", SupTable)

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        self.hold_keys()  # an Enter typed now needs the rows
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        self.post_message(self.Loaded(self.supervision.queue()))

    def on_queue_screen_loaded(self, message: Loaded) -> None:
        self.queue = message.queue
        self.refresh_view()
        self.release_keys()

    def refresh_view(self) -> None:
        queue = self.queue
        if queue is None:
            return
        flagged = sum(1 for r in queue.rows if r.flagged)
        self.query_one("#sq-title", T).set_msg(M_TITLE.format(n=len(queue.rows), flagged=flagged))
        age = data_age(queue.fetched_at, self.now(), self.capp.sup_offline)
        self.query_one("#sq-age", T).set_msg(age)
        self._build()

    def on_resize(self) -> None:
        self.refresh_view()

    # ------------------------------------------------------------------ the table
    def _columns(self) -> list[Column]:
        """Mark, dwelling, who, then what fits; the address takes the rest of the line (its
        end, where flats differ). The "Send" column only while a decision waits here."""
        width = self.app.size.width
        lang = self.capp.lang
        rows = self.queue.rows if self.queue is not None else ()
        columns = [
            Column(Msg("", ""), 1, lambda r, lang: "!" if r.flagged else "", lambda r: 0),
            Column(Msg("住户", "Dwel."), 7, lambda r, lang: _dwelling(r), lambda r: 0),
            Column(Msg("普查员", "By"), 8, lambda r, lang: r.account, lambda r: 0),
        ]
        if width >= 60:
            columns += [
                Column(Msg("人", "Pers"), 4, lambda r, lang: str(r.persons), lambda r: 0),
                Column(Msg("提示", "Flags"), 12, lambda r, lang: ",".join(r.flags), lambda r: 0),
            ]
        if any(r.pending for r in rows):
            columns.append(
                Column(
                    Msg("待发", "Send"),
                    4 if lang == "zh" else 7,
                    lambda r, lang: (
                        SHORT_PENDING[r.pending](lang) if r.pending in SHORT_PENDING else ""
                    ),
                    lambda r: r.pending,
                )
            )
        columns.insert(2, address_column(columns, width, lang, 8))
        return columns

    def _build(self) -> None:
        if self.queue is None:
            return
        lang = self.capp.lang
        columns = self._columns()
        needle = self.query_one("#sq-filter", Input).value.strip().lower()
        rows = list(self.queue.rows)
        if needle:
            rows = [r for r in rows if needle in self._search_text(r)]
        # flagged first, in the service's order otherwise (a stable sort)
        rows.sort(key=lambda r: not r.flagged)
        self.rows = rows
        self.table.set_table(
            [c.title(lang) for c in columns],
            [c.cells(lang) for c in columns],
            len(rows),
            lambda i: tuple(c.cell(rows[i], lang) for c in columns),
        )
        self._detail()

    @staticmethod
    def _search_text(row: QueueRow) -> str:
        return " ".join((row.dwelling_id, row.address, row.account, *row.flags)).lower()

    def _current(self) -> QueueRow | None:
        cursor = self.table.cursor_row
        return self.rows[cursor] if cursor < len(self.rows) else None

    def on_sup_table_cursor_moved(self) -> None:
        self._detail()

    def _detail(self) -> None:
        row = self._current()
        self.query_one("#sq-detail", T).set_msg(M_EMPTY if row is None else self.row_text(row))

    def row_text(self, row: QueueRow) -> Msg:
        """Everything about one queued case, for the line under the table."""
        parts: list[Msg] = []
        if row.flagged:
            flags = ", ".join(row.flags)
            parts.append(M_FLAGS.format(flags=flags))
        parts += [confirmation_text(c) for c in row.confirmations]
        head = f"{row.dwelling_id} {row.address} · {row.account}"
        parts.append(Msg(head, head))
        parts.append(M_PERSONS.format(n=row.persons))
        if row.received is not None:
            parts.append(M_RECEIVED.format(at=when(row.received)))
        if row.returned_before:
            parts.append(M_RETURNED_BEFORE)
        if row.pending in PENDING:
            parts.append(PENDING[row.pending])
        return Msg(" · ".join(p.zh for p in parts), " · ".join(p.en for p in parts))

    # ------------------------------------------------------------------ keys
    def on_window_table_selected(self, event: SupTable.Selected) -> None:
        row = self._current()
        if row is not None:
            self._open(row)

    def _open(self, row: QueueRow) -> None:
        from census_tui.screens.sup_case import CaseScreen

        self.app.push_screen(CaseScreen(row.case_uuid), self._decided)

    def _decided(self, result: object) -> None:
        """Back from a case: what became of the decision (sent, or queued for the next
        refresh)."""
        if isinstance(result, Decision):
            self.status(result.message)
            self.notify(
                self.t(result.message), severity="information" if result.sent else "warning"
            )

    @on(Input.Changed, "#sq-filter")
    def _filter(self) -> None:
        self._build()

    @on(Input.Submitted, "#sq-filter")
    def _filter_submitted(self) -> None:
        self._build()
        self.set_focus(self.table)
        if self.rows:
            row = self.rows[0]
            self.query_one("#sq-filter", Input).value = ""
            self._open(row)

    def action_focus_filter(self) -> None:
        self.query_one("#sq-filter", Input).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.table)
        else:
            self.dismiss(None)

    def on_descendant_focus(self) -> None:
        """Say when typing goes to the filter (and the keys again when it no longer does)."""
        filtering = isinstance(self.focused, Input)
        if filtering != self.filtering:
            self.filtering = filtering
            self.status(M_FILTERING if filtering else M_KEYS)

    def action_lock(self) -> None:
        self.capp.lock_now()
