"""名册核对 roster grid: one row per listed person, single keys to mark, filter as you type.

Issue 7: going down the employer's list the enumerator marks each person present at the
standard time (p), moved out (m), unknown (u) or duplicate (d); ``/`` filters by name, ID number
or room; ``a`` adds someone found on site; ``e`` (or Enter) fills a present person's short items
(:mod:`.roster_person`); ``i`` imports a list (:mod:`.roster_import`). Counts stay on top.

Thousands of rows stay instant: the grid is windowed (:class:`RosterGrid` draws only what is on
screen), a filter is a substring scan over each entry's precomputed lower-cased key, and a mark
redraws one line. The store writes go to the session's ordered writer
(:class:`census_tui.visit.writer.OrderedWriter`, the one the interview uses), so a keystroke
never waits on SQLCipher; a failed write puts the old status back and says why.

The screen needs only a :class:`RosterBackend` (the domain's ``RosterService`` satisfies it), so
it can be pushed by the app or driven alone in tests and benchmarks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from census_tui.errors import CensusError
from census_tui.i18n import Lang, Msg
from census_tui.model import Value
from census_tui.questionnaire.form import Form
from census_tui.roster.preview import RosterPreview
from census_tui.roster.service import ImportResult
from census_tui.roster.state import STATUS_LABELS, RosterEntry, RosterStatus, counts, matching
from census_tui.screens.base import training_banner
from census_tui.visit.writer import OrderedWriter
from census_tui.widgets.roster_grid import Cells, GridHeader, RosterGrid
from census_tui.widgets.window_table import tail

COLUMNS: tuple[tuple[Msg, int], ...] = (
    (Msg("行", "line"), 5),
    (Msg("姓名", "name"), 12),
    (Msg("公民身份号码", "ID number"), 18),
    (Msg("房间", "room"), 10),
    (Msg("状态", "status"), 10),
)
NARROW_BELOW = 60
"""Below this many columns the grid puts the status right after the name (issue 16 §3: at 40
columns a mark must be seen at once), then the room, and the ID number last (→ scrolls to it)."""
NARROW_ORDER = (0, 1, 4, 3, 2)
NARROW_WIDTHS = (4, 10, 9, 6, 18)
"""The columns of :data:`COLUMNS` in narrow order, and their widths there."""
KEYS_HELP: list[tuple[str, Msg]] = [
    ("p", Msg("在住(标准时点住在这里)", "present (lived here at the standard time)")),
    ("m", Msg("已迁出", "moved out")),
    ("u", Msg("不详", "unknown")),
    ("d", Msg("重复", "duplicate")),
    ("↑ ↓ PgUp PgDn", Msg("上下移动", "move up and down")),
    ("← →", Msg("左右查看各列", "see the other columns")),
    ("/", Msg("筛选:姓名/身份号码/房间;回车或 Esc 回到名册", "filter; Enter or Esc: back")),
    ("e Enter", Msg("填写在住人员的个人项目", "a present person's items")),
    ("a", Msg("新增现场发现的人员", "add a person found on site")),
    ("i", Msg("导入名册文件", "import a list file")),
    ("Esc", Msg("返回住户页面", "back to the dwelling")),
]
MSG_ADDED = Msg("现场新增", "added on site")
MSG_NOT_PRESENT = Msg(
    "只有标记为在住(p)的人才填写个人项目。", "Only persons marked present (p) get person items."
)
MSG_EMPTY = Msg("还没有名册:按 i 导入。", "No roster yet: press i to import one.")


class RosterBackend(Protocol):
    """What the grid needs from the domain (``census_tui.roster.service.RosterService``)."""

    form: Form
    """The questionnaire of the person dialog."""

    def entries(self, dwelling_id: str) -> list[RosterEntry]: ...
    def mark(self, entry_uuid: str, status: RosterStatus) -> RosterEntry: ...
    def add_on_site(self, dwelling_id: str, name: str) -> RosterEntry: ...
    def set_answers(self, entry_uuid: str, answers: dict[str, Value | None]) -> RosterEntry: ...
    def registered_ids(self, dwelling_id: str) -> frozenset[str]: ...
    def import_preview(
        self,
        dwelling_id: str,
        preview: RosterPreview,
        *,
        only_good: bool = False,
        replace: bool = False,
    ) -> ImportResult: ...


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
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = KEYS_HELP
    """Listed by F1 (the app's help reads the screen's KEYS_HELP)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "mark('present')", "在住/present"),
        Binding("m", "mark('moved')", "迁出/moved"),
        Binding("u", "mark('unknown')", "不详/unknown"),
        Binding("d", "mark('duplicate')", "重复/dup"),
        Binding("slash", "filter", "筛选/filter"),
        Binding("a", "add", "新增/add"),
        Binding("e,enter", "edit", "填写/items"),
        Binding("i", "import_list", "导入/import"),
        Binding("escape", "back", "返回/back"),
    ]

    def __init__(
        self,
        backend: RosterBackend,
        dwelling_id: str,
        *,
        lang: Lang = "zh",
        list_dirs: tuple[Path, ...] = (),
        writer: OrderedWriter | None = None,
    ) -> None:
        super().__init__()
        self._own_writer = writer is None
        self.writer = writer or OrderedWriter()
        """The session's writer (a writer of its own when the screen runs alone)."""
        self.list_dirs = list_dirs
        """Where the import dialog looks for name lists to offer."""
        self.backend = backend
        self.dwelling_id = dwelling_id
        self.lang: Lang = lang
        self.entries: list[RosterEntry] = []
        self.by_uuid: dict[str, RosterEntry] = {}
        self.shown: list[RosterEntry] = []
        self._row_of: dict[str, int] = {}
        self.narrow = False
        """Laid out for a narrow terminal (:data:`NARROW_BELOW`): set when composed."""

    def compose(self) -> ComposeResult:
        # 培训模式 on every screen of a training session (this screen also runs alone, in the
        # benchmark, on an app without a session).
        yield from training_banner(self.app)
        self.narrow = self.app.size.width < NARROW_BELOW
        self.set_class(self.narrow, "-narrow")
        yield Static(id="roster-counts")
        yield Input(placeholder=self._t(Msg("筛选:姓名/身份号码/房间", "filter: name/ID/room")),
                    id="roster-filter")  # fmt: skip
        titles = [self._t(m) for m, _ in COLUMNS]
        widths = [w for _, w in COLUMNS]
        if self.narrow:
            titles, widths = [titles[i] for i in NARROW_ORDER], list(NARROW_WIDTHS)
        yield GridHeader(titles, widths, id="roster-header")
        yield RosterGrid(widths, id="roster-grid")
        yield Static(self._t(Msg(
            "p 在住 m 迁出 u 不详 d 重复 / 筛选 e 填写 a 新增 i 导入 F1 帮助 Esc 返回",
            "p present m moved u unknown d dup / filter e items a add i import F1 help Esc back",
        )), id="roster-keys")  # fmt: skip

    def _t(self, msg: Msg) -> str:
        return msg(self.lang)

    @property
    def grid(self) -> RosterGrid:
        return self.query_one(RosterGrid)

    def on_unmount(self) -> None:
        if self._own_writer:
            self.writer.close()  # finishes the marks already queued

    def on_mount(self) -> None:
        self.load()
        self.grid.focus()

    def load(self) -> None:
        """Read the roster (one query) and show it."""
        self.entries = self.backend.entries(self.dwelling_id)
        self.by_uuid = {e.uuid: e for e in self.entries}
        self.show(self.query_one("#roster-filter", Input).value)
        if not self.entries:
            self.notify(self._t(MSG_EMPTY))

    # --------------------------------------------------------------------- rendering
    def cells(self, e: RosterEntry) -> Cells:
        line = str(e.line) if e.line else "+"
        status = self._t(STATUS_LABELS[e.status])
        if self.narrow:
            return (line, e.name, status, tail(e.room, NARROW_WIDTHS[3]), e.id_number)
        return (line, e.name, e.id_number, e.room, status)

    def show(self, text: str) -> None:
        """Show the entries matching ``text``; the cursor stays on the same person if shown."""
        current = self.current()
        self.shown = matching(self.entries, text)
        self._row_of = {e.uuid: i for i, e in enumerate(self.shown)}
        cursor = self._row_of.get(current.uuid, 0) if current is not None else 0
        self.grid.set_rows([self.cells(e) for e in self.shown], cursor)
        self.show_counts()

    def show_counts(self) -> None:
        c = counts(self.entries)
        parts = [f"{self._t(STATUS_LABELS[s])} {c[s]}" for s in RosterStatus]
        total = self._t(Msg("共", "total"))
        shown = self._t(Msg("显示", "shown"))
        # wraps on a narrow screen (the stylesheet lets it grow) rather than being cut
        text = f"{total} {len(self.entries)} · " + " · ".join(parts)
        self.query_one("#roster-counts", Static).update(f"{text} · {shown} {len(self.shown)}")

    def redraw(self, e: RosterEntry) -> None:
        """Redraw one entry's row (if shown) and the counts."""
        row = self._row_of.get(e.uuid)
        if row is not None:
            self.grid.update_row(row, self.cells(e))
        self.show_counts()

    def current(self) -> RosterEntry | None:
        row = self.grid.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    # --------------------------------------------------------------------- filter
    @on(Input.Changed, "#roster-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.show(event.value)

    @on(Input.Submitted, "#roster-filter")
    def _filter_done(self) -> None:
        self.grid.focus()

    def action_filter(self) -> None:
        self.query_one("#roster-filter", Input).focus()

    def action_back(self) -> None:
        """Esc: in the filter, back to the grid (the filter stays, as on the dashboard); on the
        grid, a filter is cleared first, then the screen is left."""
        box = self.query_one("#roster-filter", Input)
        if self.focused is box:
            self.grid.focus()
        elif box.value:
            box.value = ""
            self.grid.focus()
        else:
            self.dismiss(None)

    # --------------------------------------------------------------------- marking
    def action_mark(self, status: str) -> None:
        if self.focused is not self.grid:
            return
        e = self.current()
        if e is None:
            return
        new, old = RosterStatus(status), e.status
        e.status = new
        self.redraw(e)
        self.grid.move_cursor(self.grid.cursor_row + 1)
        if old is not new:
            self._write(lambda: self._write_mark(e.uuid, new, old))

    def _write(self, job: Callable[[], None]) -> None:
        """Queue a store write on the ordered writer; a worker awaits it, so the app's workers
        (``app.workers.wait_for_complete()``) show when the writes are done."""
        done = self.writer.submit(job)
        self.run_worker(asyncio.wrap_future(done), group="roster-write", exit_on_error=False)

    def _write_mark(self, entry_uuid: str, new: RosterStatus, old: RosterStatus) -> None:
        """In the writer thread."""
        try:
            saved = self.backend.mark(entry_uuid, new)
        except CensusError as exc:
            self.app.call_from_thread(self._mark_failed, entry_uuid, old, exc)
            return
        self.app.call_from_thread(self._saved, saved, False)

    def _saved(self, saved: RosterEntry, answers: bool) -> None:
        e = self.by_uuid.get(saved.uuid)
        if e is not None:
            e.household_uuid, e.person_uuid = saved.household_uuid, saved.person_uuid
            if answers:
                e.answers = saved.answers
                e.refresh_key()
                self.redraw(e)

    def _mark_failed(self, entry_uuid: str, old: RosterStatus, exc: CensusError) -> None:
        e = self.by_uuid.get(entry_uuid)
        if e is None:
            return
        e.status = old
        self.redraw(e)
        self.notify(exc.msg(self.lang), severity="error")

    # --------------------------------------------------------------------- adding, editing
    def action_add(self) -> None:
        self.app.push_screen(AddPersonDialog(self.lang), self._add_named)

    def _add_named(self, name: str | None) -> None:
        if name:
            self._write(lambda: self._write_add(name))

    def _write_add(self, name: str) -> None:
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
        if entry.uuid in self._row_of:
            self.grid.move_cursor(self._row_of[entry.uuid])
        self.notify(self._t(MSG_ADDED))

    def action_edit(self) -> None:
        from census_tui.screens.roster_person import PersonItemsDialog

        e = self.current()
        if e is None or self.focused is not self.grid:
            return
        if e.status is not RosterStatus.PRESENT:
            self.notify(self._t(MSG_NOT_PRESENT), severity="warning")
            return
        self.app.push_screen(PersonItemsDialog(e, self.lang, self.backend.form), self._edited)

    def _edited(self, changes: dict[str, Value | None] | None) -> None:
        e = self.current()
        if not changes or e is None:
            return
        uuid = e.uuid
        self._write(lambda: self._write_answers(uuid, changes))

    def _write_answers(self, entry_uuid: str, changes: dict[str, Value | None]) -> None:
        try:
            saved = self.backend.set_answers(entry_uuid, changes)
        except CensusError as exc:
            self.app.call_from_thread(self.notify, exc.msg(self.lang), severity="error")
            return
        self.app.call_from_thread(self._saved, saved, True)

    # --------------------------------------------------------------------- importing
    def action_import_list(self) -> None:
        from census_tui.screens.roster_import import ImportDialog

        dialog = ImportDialog(
            self.backend,
            self.dwelling_id,
            self.lang,
            list_dirs=self.list_dirs,
            has_roster=bool(self.entries),
        )
        self.app.push_screen(dialog, self._imported)

    def _imported(self, result: ImportResult | None) -> None:
        if result is not None:
            self.load()
