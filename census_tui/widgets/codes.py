"""The interview's code list: a light Line API list that looks like Textual's OptionList.

The interview shows a new code list for almost every answer. OptionList rebuilds its options,
re-measures its height and renders every option through a wrapping text engine each time (the
largest single cost of a keystroke, docs/performance.md). Here a
list is a handful of pre-wrapped lines: changing it only repaints this widget (its height comes
from the screen's CSS, not from its content, so no layout pass), and each drawn line is one
segment, cached until the codes, the highlight or the width change.

Only the rows whose text, highlight or scroll mark changed are repainted (most code lists share
their blank rows, and moving the highlight touches two rows), and the scroll position is drawn
by the list itself in its last column instead of by a Textual scroll bar widget, which was
redrawn with every question.
The mouse wheel still scrolls a long list.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from census_tui.widgets.text import repaint_changed_rows, text_strip, wrapped

THUMB = "█"
TRACK = "│"
RowKey = tuple[str, bool, str]
"""What a drawn row shows: its text, whether it is highlighted, its scroll mark."""


class CodeList(ScrollView, can_focus=False):
    """Codes one per line (a long label wraps), one highlighted; scrolls to keep it in view.

    For a question without codes the same box shows a note instead (the item's definition,
    指标解释): wrapped text, nothing to pick, so the screen keeps its shape (issue 5 §12)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "code-list--option",
        "code-list--highlighted",
        "code-list--note",
        "code-list--track",
    }
    DEFAULT_CSS = """
    CodeList {
        height: auto;
        max-height: 100%;
        color: $foreground;
        overflow: hidden hidden;
        border: tall $border-blurred;
        padding: 0 0 0 1;
        background: $surface;
        & > .code-list--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .code-list--note { color: $text-muted; }
        & > .code-list--track { color: $text-muted; }
        &.-textual-compact { border: none !important; padding: 0 0 0 1; }
    }
    """

    highlighted: reactive[int | None] = reactive(
        None, layout=False, repaint=False, always_update=True
    )
    """Index of the highlighted code, or None. Not a repaint of the whole list: the watcher
    repaints the rows that changed."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._labels: list[str] = []
        self._width = -1
        """Width of the text (the content less a blank column and the scroll mark's)."""
        self._lines: list[tuple[int, str]] = []
        """(code index, text) of each drawn line at the current width."""
        self._first_line: list[int] = []
        self._strips: dict[RowKey, Strip] = {}
        self._drawn: dict[int, RowKey] = {}
        """What each row of the view shows now, to repaint only the rows that change."""
        self._note = False
        """Whether the box shows a note (text to read, nothing to pick) rather than codes."""
        self._batch = False
        """Set while a change is made in several steps: the rows are compared once, after."""

    @property
    def option_count(self) -> int:
        return 0 if self._note else len(self._labels)

    @property
    def allow_vertical_scroll(self) -> bool:
        """The wheel scrolls a list longer than the box (there is no scroll bar widget)."""
        return self.max_scroll_y > 0

    def set_codes(self, labels: list[str], highlighted: int | None) -> None:
        """Show ``labels`` (one per code) with ``highlighted`` marked; repaints what changed."""
        self._show(labels, False, highlighted)

    def set_note(self, text: str) -> None:
        """Show ``text`` (wrapped, muted) with nothing to pick."""
        self._show([text] if text else [], True, None)

    def _show(self, labels: list[str], note: bool, highlighted: int | None) -> None:
        self._batch = True
        try:
            self._replace(labels, note=note)
            self.highlighted = highlighted
        finally:
            self._batch = False
        self._repaint_changed()

    def _replace(self, labels: list[str], *, note: bool) -> None:
        if labels != self._labels or note != self._note:
            if note != self._note:
                self._drawn.clear()  # every row changes colour
            self._labels = list(labels)
            self._note = note
            self._width = -1
            self._wrap()
            # forced: a list that fits has nothing to scroll, yet must start at its top
            self.scroll_to(y=0, animate=False, immediate=True, force=True)

    def validate_highlighted(self, value: int | None) -> int | None:
        if value is None or not self.option_count:
            return None
        return max(0, min(len(self._labels) - 1, value))

    def watch_highlighted(self) -> None:
        self.scroll_to_highlight()
        self._repaint_changed()

    # ------------------------------------------------------------------ lines
    def _wrap(self) -> None:
        """Recompute the drawn lines when the codes or the width changed."""
        width = max(self.scrollable_content_region.width - 2, 0)
        if width == self._width:
            return
        self._width = width
        self._strips.clear()
        self._lines = []
        self._first_line = []
        for index, label in enumerate(self._labels):
            self._first_line.append(len(self._lines))
            self._lines.extend((index, line) for line in wrapped(label, width))
        virtual = Size(width, len(self._lines))
        if virtual != self.virtual_size:
            # Not ``self.virtual_size = virtual``: that is a layout reactive, and a layout pass of
            # the whole screen for every question costs more than all the rest of an answer.
            # The list's box comes from the stylesheet; only its scroll range changes.
            self.set_reactive(CodeList.virtual_size, virtual)
        self._repaint_changed()

    def _row_key(self, y: int, height: int) -> RowKey:
        number = int(self.scroll_offset.y) + y
        if not 0 <= number < len(self._lines):
            return ("", False, self._mark(y, height))
        index, text = self._lines[number]
        return (text, index == self.highlighted, self._mark(y, height))

    def _mark(self, y: int, height: int) -> str:
        """The scroll mark of row ``y``: a thumb where the view is, a track elsewhere, nothing
        when the whole list fits."""
        total = len(self._lines)
        if total <= height or height <= 0:
            return " "
        size = max(1, height * height // total)
        top = min(height - size, round(self.scroll_offset.y * height / total))
        return THUMB if top <= y < top + size else TRACK

    def _repaint_changed(self) -> None:
        """Ask Textual to redraw only the rows whose content changed since they were drawn."""
        if self._batch or not self.is_mounted:
            return
        region = self.scrollable_content_region
        rows = region.height
        repaint_changed_rows(
            self, self._drawn, lambda y: self._row_key(y, rows), region.width, rows
        )

    def scroll_to_highlight(self) -> None:
        index = self.highlighted
        if index is None or not self.is_mounted:
            return
        self._wrap()
        top = self._first_line[index]
        end = self._first_line[index + 1] if index + 1 < len(self._first_line) else len(self._lines)
        region = Region(0, top, max(self._width, 1), end - top)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def on_resize(self) -> None:
        self._width = -1  # a new size repaints every row
        self._wrap()
        self.scroll_to_highlight()

    def on_show(self) -> None:
        self.scroll_to_highlight()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._wrap()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        height = self.scrollable_content_region.height
        key = self._row_key(y, height)
        self._drawn[y] = key
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._make_strip(key)
        return strip

    def _make_strip(self, key: RowKey) -> Strip:
        text, lit, mark = key
        width = max(self._width, 0)
        names = ["code-list--note" if self._note else "code-list--option"]
        names += ["code-list--highlighted"] if lit else []
        style = self.get_visual_style(*names).rich_style
        line = text_strip(text, style, width)
        gap = self.get_visual_style("code-list--option").rich_style
        mark_style = gap if mark == THUMB else self.get_visual_style("code-list--track").rich_style
        return Strip.join([line, Strip([Segment(" ", gap), Segment(mark, mark_style)])])

    def notify_style_update(self) -> None:
        # New styles: the cached strips go; Textual repaints the whole widget for a change of
        # style, so what was drawn (and is compared for the next change) stays right.
        self._strips.clear()
        super().notify_style_update()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        number = int(self.scroll_offset.y) + offset.y
        if not self._note and 0 <= number < len(self._lines):
            self.highlighted = self._lines[number][0]
