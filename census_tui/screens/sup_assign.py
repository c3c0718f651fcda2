"""Moving dwellings between enumerators (分配, 移交, issue 20 §1): one area's dwellings and who
holds each.

Opened from the progress screen (``g``: the area under the cursor, or the first area of the
enumerator under it). The table lists the area's dwellings as the server answers now (online
only: the move is the server's), each with its holder (the one enumerator it was given to, or
the area's enumerators) and the review state of its households. Space marks dwellings, ``r``
marks the range from the last one marked to the cursor, ``t`` picks the enumerator who gets
them (the marked ones, or the one under the cursor) and a dialog names how many move from whom
to whom. When the server knows of work on the former holder's device that it does not have,
it refuses the move with the reason per dwelling: the dialog shows them and asks again; Enter
moves anyway. After a move the table is read again from the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from census_tui.errors import AuthError, CensusError, LoginExpired
from census_tui.i18n import Msg
from census_tui.screens.base import CensusModal
from census_tui.screens.sup_common import (
    Column,
    SupScreen,
    SupTable,
    address_column,
    data_age,
)
from census_tui.supervision.api import (
    AreaDwellings,
    AssignResult,
    DwellingHold,
    EnumeratorProgress,
    UnsyncedDwelling,
)
from census_tui.supervision.words import STATE_NAMES
from census_tui.widgets.text import T

M_TITLE = Msg("分配住户 · 小区 {area} {name}", "Assign dwellings · area {area} {name}")
M_MARKED = Msg("已选 {n} 户", "{n} marked")
M_LOADING = Msg("正在从服务器读取…", "Reading from the server…")
M_SENDING = Msg("正在移交…", "Moving…")
M_KEYS = Msg("空格 选 · t 移交给 · s 更新 · Esc 返回", "Space mark · t move · s read · Esc back")
M_EMPTY = Msg("本小区没有住户", "No dwelling in this area")
M_AREA_HOLDS = Msg("本小区", "area's")
M_DETAIL = Msg(
    "{dwelling} {address} · 由 {holder} 负责",
    "{dwelling} {address} · held by {holder}",
)
M_THE_AREA = Msg("本小区普查员({who})", "the area's enumerators ({who})")
M_CASES = Msg(" · {n} 户:{states}", " · {n} household(s): {states}")
M_PICK = Msg("把 {n} 户移交给:", "Move {n} dwelling(s) to:")
M_PICK_HINT = Msg("↑↓ 选择,回车确定,Esc 取消", "↑↓ choose, Enter picks, Esc cancels")
M_CONFIRM = Msg("把 {n} 户从 {from_} 移交给 {to}?", "Move {n} dwelling(s) from {from_} to {to}?")
M_CONFIRM_WHAT = Msg(
    "已上传的户、退回和走访记录随住户移交;双方设备下次同步时生效。",
    "Uploaded households, returns and visit history go with them; both devices learn it at"
    " their next sync.",
)
M_CONFIRM_HINT = Msg("回车移交,Esc 取消", "Enter moves, Esc cancels")
M_UNSYNCED_TITLE = Msg(
    "{n} 户可能有未上传的工作,仍要移交给 {to}?",
    "{n} dwelling(s) may hold work not uploaded: move to {to} anyway?",
)
M_UNSYNCED_LINE = Msg("{dwelling}({who}):{reasons}", "{dwelling} ({who}): {reasons}")
M_UNSYNCED_HINT = Msg(
    "回车仍然移交(未上传的工作将无法再上传),Esc 取消(先让普查员同步)",
    "Enter moves anyway (work not uploaded can then no longer be uploaded), Esc cancels"
    " (have the enumerator sync first)",
)
M_NO_ENUMERATORS = Msg(
    "本机没有您的普查员名单:请在进度页按 s 更新", "No list of your enumerators here: s on progress"
)
M_CANCELLED = Msg("未移交", "Nothing moved")


def _join(parts: Sequence[Msg], zh: str = "、", en: str = ", ") -> Msg:
    return Msg(zh.join(p.zh for p in parts), en.join(p.en for p in parts))


class TargetDialog(CensusModal):
    """Pick the enumerator who gets the dwellings: a list, Enter. Dismisses with the account,
    or None (Esc)."""

    CSS_PATH = "sup_assign.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("↑↓", Msg("选择普查员", "choose an enumerator")),
        ("Enter", Msg("确定", "pick")),
        ("Esc", Msg("取消", "cancel")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", show=False)]

    def __init__(self, n: int, enumerators: Sequence[EnumeratorProgress]) -> None:
        super().__init__()
        self.n = n
        self.enumerators = list(enumerators)

    def compose_body(self) -> ComposeResult:
        with Vertical(id="assign-box"):
            yield T(M_PICK.format(n=self.n), id="assign-title", lang=self.lang)
            yield OptionList(
                *(
                    Option(f"{e.account} {e.name} {e.work_id}".strip(), id=e.account)
                    for e in self.enumerators
                ),
                id="assign-targets",
            )
            yield T(M_PICK_HINT, id="assign-hint", lang=self.lang)

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.highlighted = 0
        listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MoveDialog(CensusModal):
    """Confirm a move: what moves from whom to whom (and, when the server asked, the work it
    knows is not uploaded). Dismisses True (Enter) or False (Esc)."""

    CSS_PATH = "sup_assign.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("移交", "move")),
        ("Esc", Msg("取消", "cancel")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", "move", show=False),
        Binding("escape", "cancel", "cancel", show=False),
    ]

    def __init__(self, title: Msg, lines: Sequence[Msg], hint: Msg) -> None:
        super().__init__()
        self.title_msg = title
        self.lines = list(lines)
        self.hint = hint

    def compose_body(self) -> ComposeResult:
        with Vertical(id="assign-box"):
            yield T(self.title_msg, id="assign-title", lang=self.lang)
            with VerticalScroll(id="assign-lines"):
                for line in self.lines:
                    yield T(line, classes="assign-line", lang=self.lang)
            yield T(self.hint, id="assign-hint", lang=self.lang)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class AssignScreen(SupScreen):
    """One area's dwellings and their holders; marks, a target, a confirmed move."""

    CSS_PATH = "sup_assign.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Space", Msg("选择或取消住户 *", "mark or unmark a dwelling *")),
        ("r", Msg("选择上次所选到此处的一段", "mark the range from the last marked to here")),
        ("t", Msg("移交给普查员(所选的,或光标处的)", "move to an enumerator (marked, or here)")),
        ("s", Msg("从服务器重新读取", "read again from the server")),
        ("Esc", Msg("返回进度", "back to progress")),
        ("l", Msg("锁定", "lock now")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "mark", show=False),
        Binding("r", "mark_range", "range", show=False),
        Binding("t", "move", "move", show=False),
        Binding("s", "refresh", "reload", show=False),
        Binding("escape", "back", "back", show=False),
        Binding("l", "lock", "lock", show=False),
    ]

    class Loaded(Message):
        def __init__(
            self,
            area: AreaDwellings | None,
            enumerators: Sequence[EnumeratorProgress],
            why: Msg,
            *,
            login: bool = False,
        ) -> None:
            super().__init__()
            self.area = area
            self.enumerators = enumerators
            self.why = why
            self.login = login
            """The login expired: ask for the password, then read again."""

    class Moved(Message):
        def __init__(self, result: AssignResult | None, to: str, why: Msg) -> None:
            super().__init__()
            self.result = result
            self.to = to
            self.why = why

    def __init__(self, area_id: str) -> None:
        super().__init__()
        self.area_id = area_id
        self.area: AreaDwellings | None = None
        self.enumerators: Sequence[EnumeratorProgress] = ()
        self.rows: Sequence[DwellingHold] = ()
        self.marked: list[str] = []
        """Dwelling ids marked, in the order marked."""
        self.busy = False
        self.pending_ids: list[str] = []
        """The dwellings of the move being sent (asked again when the server wants a confirm)."""

    def compose_body(self) -> ComposeResult:
        yield T(M_TITLE.format(area=self.area_id, name=""), id="sa-title", lang=self.lang)
        yield T(M_LOADING, id="sa-age", lang=self.lang)
        yield SupTable(id="sa-table")
        yield T(Msg("", ""), id="sa-detail", lang=self.lang)
        yield T(M_KEYS, id="sup-status", lang=self.lang)

    def on_mount(self) -> None:
        super().on_mount()
        self.table.focus()
        self.reload()

    @property
    def table(self) -> SupTable:
        return self.query_one("#sa-table", SupTable)

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        self.hold_keys()  # marks and moves typed now need the rows
        self.query_one("#sa-age", T).set_msg(M_LOADING)
        self._load()

    def action_refresh(self) -> None:
        """``s`` here reads this area again (the login renewed comes back here too)."""
        if not self.busy:
            self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        sup = self.supervision
        enumerators = sup.progress().enumerators
        try:
            area = sup.dwellings(self.area_id)
        except AuthError as err:
            if isinstance(err, LoginExpired):  # a refusal (403) is not mended by a password
                self.post_message(self.Loaded(None, enumerators, err.msg, login=True))
                return
            self.post_message(self.Loaded(None, enumerators, err.msg))
            return
        except CensusError as err:
            self.post_message(self.Loaded(None, enumerators, err.msg))
            return
        self.post_message(self.Loaded(area, enumerators, Msg("", "")))

    def on_assign_screen_loaded(self, message: Loaded) -> None:
        self.enumerators = message.enumerators
        if message.area is not None:
            self.area = message.area
            held = {d.dwelling_id for d in message.area.dwellings}
            self.marked = [d for d in self.marked if d in held]
        self.refresh_view()
        if message.why.zh or message.why.en:
            self.query_one("#sa-age", T).set_msg(message.why)
        self.release_keys()
        if message.login:
            self._ask_password()

    def refresh_view(self) -> None:
        area = self.area
        name = area.name if area is not None else ""
        self.query_one("#sa-title", T).set_msg(M_TITLE.format(area=self.area_id, name=name))
        if area is not None:
            parts = [
                data_age(area.fetched_at, self.now(), False),
                M_MARKED.format(n=len(self.marked)),
            ]
            self.query_one("#sa-age", T).set_msg(_join(parts, " · ", " · "))
        self._build()

    def on_resize(self) -> None:
        self.refresh_view()

    # ------------------------------------------------------------------ the table
    def _holder(self, d: DwellingHold) -> Msg:
        return Msg(d.holder, d.holder) if d.holder else M_AREA_HOLDS

    def _columns(self) -> list[Column]:
        width = self.app.size.width
        lang = self.capp.lang
        columns = [
            Column(
                Msg("", ""),
                1,
                lambda d, lang: "*" if d.dwelling_id in self.marked else "",
                lambda d: 0,
            ),
            Column(Msg("住户", "Dwel."), 7, lambda d, lang: d.dwelling_id[-7:], lambda d: 0),
            Column(Msg("负责", "Holder"), 8, lambda d, lang: self._holder(d)(lang), lambda d: 0),
            Column(
                Msg("状态", "State"),
                5,
                lambda d, lang: ",".join(
                    dict.fromkeys(
                        STATE_NAMES[c.state](lang) for c in d.cases if c.state in STATE_NAMES
                    )
                ),
                lambda d: 0,
            ),
        ]
        columns.append(address_column(columns, width, lang, 6))
        return columns

    def _build(self) -> None:
        lang = self.capp.lang
        columns = self._columns()
        rows = self.rows = list(self.area.dwellings) if self.area is not None else []
        self.table.set_table(
            [c.title(lang) for c in columns],
            [c.cells(lang) for c in columns],
            len(rows),
            lambda i: tuple(c.cell(rows[i], lang) for c in columns),
        )
        self._detail()

    def _current(self) -> DwellingHold | None:
        cursor = self.table.cursor_row
        return self.rows[cursor] if cursor < len(self.rows) else None

    def on_sup_table_cursor_moved(self) -> None:
        self._detail()

    def _detail(self) -> None:
        d = self._current()
        line = self.query_one("#sa-detail", T)
        if d is None:
            line.set_msg(M_EMPTY if self.area is not None else Msg("", ""))
            return
        holder = self._holder_long(d)
        cases = Msg("", "")
        if d.cases:
            states = [STATE_NAMES.get(c.state, Msg(c.state, c.state)) for c in d.cases]
            cases = Msg(
                M_CASES.zh.format(n=len(d.cases), states=_join(states).zh),
                M_CASES.en.format(n=len(d.cases), states=_join(states).en),
            )
        values = {"dwelling": d.dwelling_id, "address": d.address}
        line.set_msg(
            Msg(
                M_DETAIL.zh.format(**values, holder=holder.zh) + cases.zh,
                M_DETAIL.en.format(**values, holder=holder.en) + cases.en,
            )
        )

    def _holder_long(self, d: DwellingHold) -> Msg:
        if d.holder:
            return Msg(d.holder, d.holder)
        who = ", ".join(self.area.enumerators) if self.area is not None else ""
        return M_THE_AREA.format(who=who)

    # ------------------------------------------------------------------ marks
    def action_mark(self) -> None:
        d = self._current()
        if d is None:
            return
        if d.dwelling_id in self.marked:
            self.marked.remove(d.dwelling_id)
        else:
            self.marked.append(d.dwelling_id)
        self.refresh_view()

    def action_mark_range(self) -> None:
        d = self._current()
        if d is None:
            return
        ids = [r.dwelling_id for r in self.rows]
        start = ids.index(self.marked[-1]) if self.marked and self.marked[-1] in ids else 0
        here = ids.index(d.dwelling_id)
        lo, hi = sorted((start, here))
        for x in ids[lo : hi + 1]:
            if x not in self.marked:
                self.marked.append(x)
        self.refresh_view()

    def chosen(self) -> list[DwellingHold]:
        """The dwellings a move takes: those marked, else the one under the cursor."""
        if self.marked:
            return [d for d in self.rows if d.dwelling_id in self.marked]
        d = self._current()
        return [d] if d is not None else []

    # ------------------------------------------------------------------ the move
    def action_move(self) -> None:
        dwellings = self.chosen()
        if self.busy or not dwellings:
            return
        if not self.enumerators:
            self.status(M_NO_ENUMERATORS)
            return

        def picked(to: object) -> None:
            if isinstance(to, str) and to:
                self._confirm(dwellings, to)

        self.app.push_screen(TargetDialog(len(dwellings), self.enumerators), picked)

    def _confirm(self, dwellings: list[DwellingHold], to: str) -> None:
        holders: list[Msg] = []
        for d in dwellings:
            h = self._holder_long(d)
            if h not in holders:
                holders.append(h)
        from_ = _join(holders)
        title = Msg(
            M_CONFIRM.zh.format(n=len(dwellings), from_=from_.zh, to=to),
            M_CONFIRM.en.format(n=len(dwellings), from_=from_.en, to=to),
        )
        ids = [d.dwelling_id for d in dwellings]

        def answered(yes: object) -> None:
            if yes is True:
                self._start(ids, to, confirm=False)
            else:
                self.status(M_CANCELLED)

        self.app.push_screen(MoveDialog(title, [M_CONFIRM_WHAT], M_CONFIRM_HINT), answered)

    def _start(self, ids: list[str], to: str, *, confirm: bool) -> None:
        self.busy = True
        self.pending_ids = list(ids)
        self.status(M_SENDING)
        self.hold_keys()  # keys typed now are for the answer (a dialog, or the table again)
        self._send(ids, to, confirm)

    @work(thread=True, exclusive=True, exit_on_error=False, group="assign")
    def _send(self, ids: list[str], to: str, confirm: bool) -> None:
        try:
            result = self.supervision.assign(ids, to, confirm)
        except CensusError as err:
            self.post_message(self.Moved(None, to, err.msg))
            return
        self.post_message(self.Moved(result, to, Msg("", "")))

    def on_assign_screen_moved(self, message: Moved) -> None:
        self.busy = False
        result = message.result
        if result is None:
            self.status(message.why)
            self.notify(self.t(message.why), severity="error", timeout=8)
            self.release_keys()
            return
        if result.unsynced:
            self._ask_unsynced(result, message.to)
            self.release_keys()
            return
        self.status(result.message)
        self.notify(self.t(result.message))
        self.marked = []
        self.release_keys()
        self.reload()

    def _ask_unsynced(self, result: AssignResult, to: str) -> None:
        blocked: Sequence[UnsyncedDwelling] = result.unsynced
        lines = [result.message]
        for b in blocked:
            reasons = _join(b.reasons, ";", "; ")
            who = ", ".join(b.accounts)
            lines.append(
                Msg(
                    M_UNSYNCED_LINE.zh.format(dwelling=b.dwelling_id, who=who, reasons=reasons.zh),
                    M_UNSYNCED_LINE.en.format(dwelling=b.dwelling_id, who=who, reasons=reasons.en),
                )
            )
        title = M_UNSYNCED_TITLE.format(n=len(blocked), to=to)
        ids = list(self.pending_ids)

        def answered(yes: object) -> None:
            if yes is True:
                self._start(ids, to, confirm=True)
            else:
                self.status(M_CANCELLED)

        self.app.push_screen(MoveDialog(title, lines, M_UNSYNCED_HINT), answered)

    # ------------------------------------------------------------------ leaving
    def action_back(self) -> None:
        if not self.busy:
            self.dismiss(None)

    def action_lock(self) -> None:
        self.capp.lock_now()
