"""Spot checks (抽查): the supervisor's samples and the households drawn, a new draw, re-visits.

The list is the device's copy of the server's samples (:meth:`Supervision.samples`, refreshed
with ``s``), one row per drawn household, newest sample first; ``n`` opens the draw dialog
(areas of the supervisor's scope from the progress, a percentage or a number of households
per area, an optional seed: the draw is reproducible from it) and draws online; Enter on a
household opens its re-visit (:class:`~census_tui.screens.sup_revisit.RevisitScreen`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, SelectionList

from census_tui.errors import CensusError
from census_tui.i18n import Msg
from census_tui.screens.base import COMPACT_BELOW, CensusModal
from census_tui.screens.sup_common import SupScreen, when
from census_tui.supervision.api import AreaProgress, Sample, SampleCase
from census_tui.widgets.text import T

M_TITLE = Msg("抽查 · 二次入户核实", "Spot checks · re-visits")
M_NONE = Msg("还没有抽查样本:按 n 抽取(须联网)", "No spot-check sample yet: n draws one (online)")
M_COUNT = Msg("{s} 个样本,{c} 户,已核实 {d} 户", "{s} sample(s), {c} household(s), {d} re-visited")
M_KEYS = Msg(
    "回车 核实 · n 抽取 · s 更新 · Esc 返回", "Enter re-visit · n draw · s update · Esc back"
)
M_DRAWING = Msg("正在抽取…", "Drawing…")
M_DRAWN = Msg(
    "已抽取 {n} 户(种子 {seed},可据此重现)", "Drew {n} household(s) (seed {seed}: reproducible)"
)
M_DONE = Msg("已核实", "done")
COLUMNS = (
    Msg("样本", "Sample"),
    Msg("小区", "Area"),
    Msg("地址", "Address"),
    Msg("普查员", "Enumerator"),
    Msg("核实", "Re-visit"),
)

# -- the draw dialog ------------------------------------------------------------------------
M_DRAW_TITLE = Msg("抽取抽查样本", "Draw a spot-check sample")
M_DRAW_AREAS = Msg("普查小区(空格勾选/取消)", "Areas (space ticks or unticks)")
M_DRAW_SIZE = Msg(
    "每个小区抽多少:百分比如 10%,或户数如 3", "How many per area: a percentage like 10%, or 3"
)
M_DRAW_SEED = Msg("随机种子(可空,空则由服务器定)", "Seed (optional; empty: the server picks)")
M_DRAW_HINT = Msg("Tab 下一项 · 回车抽取 · Esc 取消", "Tab next field · Enter draws · Esc cancels")
M_BAD_SIZE = Msg(
    "请写百分比(如 10%,大于 0 不超过 100)或户数(如 3)",
    "Type a percentage (like 10%, above 0 and at most 100) or a number of households (like 3)",
)
M_BAD_SEED = Msg("种子须为非负整数", "The seed must be a whole number (0 or more)")
M_NO_AREA = Msg("请至少勾选一个普查小区", "Tick at least one area")
M_NO_AREAS = Msg(
    "本机没有您的普查小区:先在进度页按 s 更新",
    "No areas on this device yet: update (s) on the progress screen first",
)
MAX_SEED = 2**63 - 1
MAX_COUNT = 10_000


@dataclass(frozen=True, slots=True)
class DrawRequest:
    """What the draw dialog asks for: areas, exactly one of percent and count, a seed or None."""

    area_ids: tuple[str, ...]
    percent: float | None
    count: int | None
    seed: int | None


def parse_size(text: str) -> tuple[float | None, int | None] | None:
    """``10%`` → (10.0, None); ``3`` → (None, 3); anything else (or out of range) → None."""
    text = text.strip().replace("％", "%").replace(" ", "")
    try:
        if text.endswith("%"):
            percent = float(text[:-1])
            return (percent, None) if 0 < percent <= 100 else None
        if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_COUNT:
            return (None, int(text))
    except ValueError:
        return None
    return None


def parse_seed(text: str) -> tuple[bool, int | None]:
    """(valid, seed): empty is valid with no seed."""
    text = text.strip()
    if not text:
        return True, None
    if text.isascii() and text.isdigit() and int(text) <= MAX_SEED:
        return True, int(text)
    return False, None


class DrawScreen(CensusModal):
    """The draw dialog: dismisses with a :class:`DrawRequest`, or None on Esc."""

    CSS_PATH = "sup_samples.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Tab", Msg("下一项", "next field")),
        ("Space", Msg("勾选/取消小区", "tick or untick an area")),
        ("Enter", Msg("抽取", "draw")),
        ("Esc", Msg("取消", "cancel")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", show=False)]

    def __init__(self, areas: Sequence[AreaProgress]) -> None:
        super().__init__()
        self.areas = list(areas)

    def compose_body(self) -> ComposeResult:
        with Vertical(id="draw-box"):
            yield T(M_DRAW_TITLE, id="draw-title", lang=self.lang)
            yield T(M_DRAW_AREAS if self.areas else M_NO_AREAS, id="draw-areas-q", lang=self.lang)
            yield SelectionList[str](
                *[(self._area_label(a), a.area_id, True) for a in self.areas], id="draw-areas"
            )
            yield T(M_DRAW_SIZE, id="draw-size-q", lang=self.lang)
            yield Input(id="draw-size", max_length=12)
            yield T(M_DRAW_SEED, id="draw-seed-q", lang=self.lang)
            yield Input(id="draw-seed", max_length=20)
            yield T(Msg("", ""), id="draw-error", lang=self.lang)
            yield T(M_DRAW_HINT, id="draw-hint", lang=self.lang)

    @staticmethod
    def _area_label(area: AreaProgress) -> str:
        who = ",".join(area.enumerators)
        return f"{area.area_id[-3:]} {area.name.split(' / ')[0]} ({who})"

    def on_mount(self) -> None:
        self._compact()
        self.query_one("#draw-size", Input).focus()

    def on_resize(self) -> None:
        self._compact()

    def _compact(self) -> None:
        width, height = self.app.size
        self.set_class(width < COMPACT_BELOW[0] or height < COMPACT_BELOW[1], "-compact")

    def _error(self, msg: Msg) -> None:
        self.query_one("#draw-error", T).set_msg(msg)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        size = parse_size(self.query_one("#draw-size", Input).value)
        if size is None:
            self._error(M_BAD_SIZE)
            self.query_one("#draw-size", Input).focus()
            return
        ok, seed = parse_seed(self.query_one("#draw-seed", Input).value)
        if not ok:
            self._error(M_BAD_SEED)
            self.query_one("#draw-seed", Input).focus()
            return
        chosen = tuple(self.query_one("#draw-areas", SelectionList).selected)
        if not chosen:
            self._error(M_NO_AREA)
            return
        self.dismiss(DrawRequest(chosen, size[0], size[1], seed))

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- the samples screen -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Row:
    sample: Sample
    case: SampleCase


class SamplesScreen(SupScreen):
    """The supervisor's spot checks: samples, the households drawn, draw, re-visit."""

    CSS_PATH = "sup_samples.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("核实所选住户(二次入户)", "re-visit the household")),
        ("n", Msg("抽取新样本(须联网)", "draw a new sample (online)")),
        ("s", Msg("从服务器更新", "update from the server")),
        ("Esc", Msg("返回", "back")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "draw", "draw", show=False),
        Binding("s", "refresh", "refresh", show=False),
        Binding("escape", "back", "back", show=False),
    ]

    class Loaded(Message):
        def __init__(self, samples: Sequence[Sample], areas: Sequence[AreaProgress]) -> None:
            super().__init__()
            self.samples = samples
            self.areas = areas

    class Drawn(Message):
        def __init__(self, sample: Sample | None, error: Msg | None) -> None:
            super().__init__()
            self.sample = sample
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.samples: Sequence[Sample] = ()
        self.areas: Sequence[AreaProgress] = ()
        self.rows: list[_Row] = []
        self._message: Msg | None = None

    def compose_body(self) -> ComposeResult:
        yield T(M_TITLE, id="smp-title", lang=self.lang)
        yield T(Msg("", ""), id="smp-count", lang=self.lang)
        table: DataTable[str] = DataTable(id="smp-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield T(Msg("", ""), id="sup-status", lang=self.lang)
        yield T(M_KEYS, id="smp-keys", lang=self.lang)

    @property
    def table(self) -> DataTable[str]:
        return self.query_one("#smp-table", DataTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.status(Msg("", ""))  # what a re-visit did was said there
        self.reload()

    def refresh_view(self) -> None:
        self._render_rows()

    def on_resize(self) -> None:
        super().on_resize()
        if self.is_mounted:
            self._render_rows()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        self.hold_keys()  # Enter typed now needs the rows
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        sup = self.supervision
        self.post_message(self.Loaded(sup.samples(), sup.progress().areas))

    def on_samples_screen_loaded(self, message: Loaded) -> None:
        self.samples = sorted(
            message.samples, key=lambda s: (s.created is None, s.created), reverse=True
        )
        self.areas = message.areas
        self.rows = [_Row(s, c) for s in self.samples for c in s.cases]
        self._render_rows()
        self.release_keys()

    def _render_rows(self) -> None:
        lang = self.capp.lang
        done = sum(1 for r in self.rows if r.case.revisited)
        if self.samples:
            count = M_COUNT.format(s=len(self.samples), c=len(self.rows), d=done)
        else:
            count = M_NONE
        self.query_one("#smp-count", T).set_msg(count)
        table = self.table
        cursor = table.cursor_row
        table.clear(columns=True)
        narrow = self.app.size.width < 60
        fixed = (4, 0) if narrow else (12, 5, 10, 0)
        titles = [COLUMNS[1], COLUMNS[2], COLUMNS[4]] if narrow else list(COLUMNS)
        done_mark = M_DONE(lang)
        widths = [*fixed[:-1], max(cell_len(done_mark), cell_len(titles[-1](lang)))]
        address = max(8, self.app.size.width - 2 - sum(widths) - 2 * (len(widths) + 1))
        widths.insert(1 if narrow else 2, address)
        for title, width in zip(titles, widths, strict=True):
            table.add_column(title(lang), width=width)
        now = self.now()
        for row in self.rows:
            mark = done_mark if row.case.revisited else ""
            area = row.case.area_id[-3:]
            if narrow:
                table.add_row(area, _tail(row.case.address, address), mark)
            else:
                sample = f"{when(row.sample.created, now)}"[-11:]
                table.add_row(
                    sample, area, _tail(row.case.address, address), row.case.account, mark
                )
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))

    # ------------------------------------------------------------------ re-visit
    @on(DataTable.RowSelected, "#smp-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            from census_tui.screens.sup_revisit import RevisitScreen

            self.app.push_screen(RevisitScreen(self.rows[event.cursor_row].case.case_uuid))

    # ------------------------------------------------------------------ draw
    def action_draw(self) -> None:
        def chosen(request: object) -> None:
            if isinstance(request, DrawRequest):
                self.status(M_DRAWING)
                self._draw(request)

        self.app.push_screen(DrawScreen(self.areas), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="draw")
    def _draw(self, request: DrawRequest) -> None:
        try:
            sample = self.supervision.draw_sample(
                request.area_ids, percent=request.percent, count=request.count, seed=request.seed
            )
        except CensusError as exc:  # too large, nothing to draw, offline: the reason, shown
            self.post_message(self.Drawn(None, exc.msg))
            return
        self.post_message(self.Drawn(sample, None))

    def on_samples_screen_drawn(self, message: Drawn) -> None:
        if message.error is not None:
            self.status(message.error)
            self.notify(self.t(message.error), severity="error", timeout=10)
            return
        assert message.sample is not None
        self.status(M_DRAWN.format(n=len(message.sample.cases), seed=message.sample.seed))
        self.reload()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def _tail(text: str, width: int) -> str:
    """The end of ``text`` in ``width`` cells (the room number tells dwellings apart)."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in reversed(text):
        if cell_len(out) + cell_len(ch) + 1 > width:
            break
        out = ch + out
    return "…" + out
