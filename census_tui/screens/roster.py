"""名册核对 roster grid: one row per listed person, single keys to mark, filter as you type.

Issue 7: going down the employer's list the enumerator marks each person present at the
standard time (p), moved out (m), unknown (u) or duplicate (d); ``/`` filters by name, ID number
or room; ``a`` adds someone found on site. Counts by status stay on top. The grid is updated at
once in memory and the store write runs in a thread worker, so a keystroke never waits on
SQLCipher; a failed write puts the old status back and says why.

The screen needs only a :class:`RosterBackend` (the domain's ``RosterService`` satisfies it), so
it can be pushed by the app or driven alone in tests and benchmarks.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Static

from census_tui.errors import CensusError
from census_tui.i18n import Lang, Msg
from census_tui.roster.state import (
    STATUS_LABELS,
    RosterEntry,
    RosterStatus,
    counts,
    matching,
)

COLUMNS: tuple[tuple[str, Msg, int], ...] = (
    ("line", Msg("行", "line"), 5),
    ("name", Msg("姓名", "name"), 12),
    ("id", Msg("公民身份号码", "ID number"), 18),
    ("room", Msg("房间", "room"), 10),
    ("status", Msg("状态", "status"), 8),
)
KEYS: dict[str, RosterStatus] = {
    "p": RosterStatus.PRESENT,
    "m": RosterStatus.MOVED,
    "u": RosterStatus.UNKNOWN,
    "d": RosterStatus.DUPLICATE,
}
MSG_ADDED = Msg("现场新增", "added on site")


class RosterBackend(Protocol):
    """What the grid needs from the domain (``census_tui.roster.service.RosterService``)."""

    def entries(self, dwelling_id: str) -> list[RosterEntry]: ...
    def mark(self, entry_uuid: str, status: RosterStatus) -> RosterEntry: ...
    def add_on_site(self, dwelling_id: str, name: str) -> RosterEntry: ...


class AddPersonDialog(ModalScreen[str | None]):
    """Ask for the name of a person found on site."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(id="roster-add"):
            yield Static(Msg("现场发现的人员姓名:", "Name of the person found on site:")(self.lang))
            yield Input(id="roster-add-name")

    @on(Input.Submitted, "#roster-add-name")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RosterScreen(Screen[None]):
    """The roster grid of one collective site."""

    CSS_PATH = "roster.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "mark('present')", "在住/present"),
        Binding("m", "mark('moved')", "迁出/moved"),
        Binding("u", "mark('unknown')", "不详/unknown"),
        Binding("d", "mark('duplicate')", "重复/dup"),
        Binding("slash", "filter", "筛选/filter"),
        Binding("a", "add", "新增/add"),
        Binding("escape", "back", "返回/back"),
    ]

    def __init__(self, backend: RosterBackend, dwelling_id: str, *, lang: Lang = "zh") -> None:
        super().__init__()
        self.backend = backend
        self.dwelling_id = dwelling_id
        self.lang: Lang = lang
        self.entries: list[RosterEntry] = []
        self.by_uuid: dict[str, RosterEntry] = {}
        self.shown: list[RosterEntry] = []

    def compose(self) -> ComposeResult:
        yield Static(id="roster-counts")
        yield Input(placeholder=self._t(Msg("筛选:姓名/身份号码/房间", "filter: name/ID/room")),
                    id="roster-filter")  # fmt: skip
        yield DataTable(id="roster-grid", cursor_type="row", zebra_stripes=True)
        yield Static(self._t(Msg(
            "p 在住  m 迁出  u 不详  d 重复  / 筛选  a 新增  Esc 返回",
            "p present  m moved  u unknown  d duplicate  / filter  a add  Esc back",
        )), id="roster-keys")  # fmt: skip

    def _t(self, msg: Msg) -> str:
        return msg(self.lang)

    def on_mount(self) -> None:
        grid = self.query_one(DataTable)
        for key, label, width in COLUMNS:
            grid.add_column(self._t(label), key=key, width=width)
        self.load()
        grid.focus()

    def load(self) -> None:
        """Read the roster (one query) and show it."""
        self.entries = self.backend.entries(self.dwelling_id)
        self.by_uuid = {e.uuid: e for e in self.entries}
        self.show(self.query_one("#roster-filter", Input).value)

    # --------------------------------------------------------------------- rendering
    def _row(self, e: RosterEntry) -> tuple[str, str, str, str, str]:
        line = str(e.line) if e.line else "+"
        return (line, e.name, e.id_number, e.room, self._t(STATUS_LABELS[e.status]))

    def show(self, text: str) -> None:
        """Show the entries matching ``text``; the cursor stays on the same person if shown."""
        grid = self.query_one(DataTable)
        current = self.current()
        self.shown = matching(self.entries, text)
        grid.clear()
        for e in self.shown:
            grid.add_row(*self._row(e), key=e.uuid)
        if current is not None and current.uuid in grid.rows:
            grid.move_cursor(row=grid.get_row_index(current.uuid))
        self.show_counts()

    def show_counts(self) -> None:
        c = counts(self.entries)
        parts = [f"{self._t(STATUS_LABELS[s])} {c[s]}" for s in RosterStatus]
        total = self._t(Msg("共", "total"))
        shown = self._t(Msg("显示", "shown"))
        text = f"{total} {len(self.entries)} · " + " · ".join(parts)
        self.query_one("#roster-counts", Static).update(f"{text} · {shown} {len(self.shown)}")

    def current(self) -> RosterEntry | None:
        grid = self.query_one(DataTable)
        if not self.shown or grid.cursor_row < 0 or grid.cursor_row >= len(self.shown):
            return None
        return self.shown[grid.cursor_row]

    # --------------------------------------------------------------------- actions
    @on(Input.Changed, "#roster-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.show(event.value)

    @on(Input.Submitted, "#roster-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.query_one("#roster-filter", Input).focus()

    def action_back(self) -> None:
        box = self.query_one("#roster-filter", Input)
        if box.value:
            box.value = ""
            self.query_one(DataTable).focus()
        else:
            self.dismiss(None)

    def action_mark(self, status: str) -> None:
        if self.focused is self.query_one("#roster-filter", Input):
            return
        e = self.current()
        if e is None:
            return
        new = RosterStatus(status)
        old = e.status
        e.status = new
        grid = self.query_one(DataTable)
        grid.update_cell(e.uuid, "status", self._t(STATUS_LABELS[new]))
        self.show_counts()
        if grid.cursor_row < len(self.shown) - 1:
            grid.move_cursor(row=grid.cursor_row + 1)
        if old is not new:
            self._save_mark(e.uuid, new, old)

    @work(thread=True, group="roster-write")
    def _save_mark(self, entry_uuid: str, new: RosterStatus, old: RosterStatus) -> None:
        try:
            saved = self.backend.mark(entry_uuid, new)
        except CensusError as exc:
            self.app.call_from_thread(self._mark_failed, entry_uuid, old, exc)
            return
        self.app.call_from_thread(self._mark_saved, saved)

    def _mark_saved(self, saved: RosterEntry) -> None:
        e = self.by_uuid.get(saved.uuid)
        if e is not None:
            e.household_uuid, e.person_uuid = saved.household_uuid, saved.person_uuid

    def _mark_failed(self, entry_uuid: str, old: RosterStatus, exc: CensusError) -> None:
        e = self.by_uuid.get(entry_uuid)
        if e is None:
            return
        e.status = old
        grid = self.query_one(DataTable)
        if entry_uuid in grid.rows:
            grid.update_cell(entry_uuid, "status", self._t(STATUS_LABELS[old]))
        self.show_counts()
        self.notify(exc.msg(self.lang), severity="error")

    def action_add(self) -> None:
        self.app.push_screen(AddPersonDialog(self.lang), self._add_named)

    def _add_named(self, name: str | None) -> None:
        if name:
            self._add_worker(name)

    @work(thread=True, group="roster-write")
    def _add_worker(self, name: str) -> None:
        try:
            entry = self.backend.add_on_site(self.dwelling_id, name)
        except CensusError as exc:
            self.app.call_from_thread(self.notify, exc.msg(self.lang), severity="error")
            return
        self.app.call_from_thread(self._added, entry)

    def _added(self, entry: RosterEntry) -> None:
        self.entries.append(entry)
        self.by_uuid[entry.uuid] = entry
        self.show(self.query_one("#roster-filter", Input).value)
        grid = self.query_one(DataTable)
        if entry.uuid in grid.rows:
            grid.move_cursor(row=grid.get_row_index(entry.uuid))
        self.notify(self._t(MSG_ADDED))
