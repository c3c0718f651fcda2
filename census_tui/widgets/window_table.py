"""A windowed table for the dashboard's 5,000 dwellings: only the rows on screen are drawn.

Textual's DataTable keeps per-row state and measures cells; clearing and refilling it on each
filter keystroke grows with the number of rows, so the dashboard used to show only the first
200 matches. This table (the approach of :mod:`census_tui.widgets.roster_grid`, a Line-API
ScrollView) knows how many rows there are and asks for a row's cells only when it draws that
row (a 5,000-dwelling area never holds 5,000 tuples of cell text), and a *view*: the row
indices that pass the filter, in the service's order. A filter replaces the view (a range or a
list of ints, no widget work); the compositor asks for the visible lines only
(``render_line``), and a drawn line is cached per row until the columns change. Every row stays
reachable by scrolling, PageDown, End.

It looks like the DataTable it replaces (fixed column widths, one cell of padding either side,
a bold header that stays on top, zebra stripes, a row cursor) so the screens read the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from census_tui.widgets.cursor_view import CursorView

Cells = tuple[str, ...]
LINES_KEEP = 512
"""Drawn lines kept for rows scrolled past: more than a few screens, never the whole area."""


def padded_line(cells: Sequence[str], widths: Sequence[int]) -> str:
    """One row as fixed-width text: each cell cropped or padded to its column's cell width
    (Chinese characters are two cells wide), with one cell of padding either side."""
    return "".join(f" {set_cell_size(c, w)} " for c, w in zip(cells, widths, strict=False))


def tail(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells from its start, keeping its end (an address ends with
    the building, unit and room; an id with its own number)."""
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in reversed(text):
        if cell_len(out) + cell_len(ch) > width - 1:
            break
        out = ch + out
    return "…" + out


class WindowTable(CursorView):
    """Rows of cells with a fixed header and a row cursor, drawing only what is on screen."""

    HEADER_LINES = 1
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "open", show=False)]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "window-table--header",
        "window-table--cursor",
        "window-table--even",
    }
    DEFAULT_CSS = """
    WindowTable { background: $surface; color: $foreground; }
    WindowTable > .window-table--header { text-style: bold; background: $panel; }
    WindowTable > .window-table--even { background: $surface-lighten-1 50%; }
    WindowTable > .window-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    WindowTable:focus > .window-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """

    class Selected(Message):
        """Enter on the cursor's row, or a click on it: ``row`` indexes the view."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.widths: tuple[int, ...] = ()
        self.header = ""
        self.line_width = 0
        self.count = 0
        self.cells: Callable[[int], Cells] = lambda index: ()
        self.view: Sequence[int] = range(0)
        self._lines: dict[int, str] = {}
        self._cursor = 0

    # ----------------------------------------------------------------- data
    def row_total(self) -> int:
        """Rows in the view (the cursor indexes the view)."""
        return len(self.view)

    def set_table(
        self,
        titles: Sequence[str],
        widths: Sequence[int],
        count: int,
        cells: Callable[[int], Cells],
    ) -> None:
        """New columns and rows (a load, a language switch, a narrow/wide change): ``count``
        rows, ``cells(index)`` gives one row's cell text when it is drawn."""
        self.widths = tuple(widths)
        self.header = padded_line(titles, self.widths)
        self.line_width = sum(self.widths) + 2 * len(self.widths)
        self.count = count
        self.cells = cells
        self._lines = {}
        self.set_view(range(count), self._cursor)

    def set_view(self, view: Sequence[int], cursor: int = 0) -> None:
        """Show these rows (indices below ``count``, in order); the cursor goes to ``cursor``."""
        self.view = view
        self.virtual_size = Size(self.line_width, len(view) + 1)
        self.clamp_cursor(cursor)
        self.refresh()

    # ----------------------------------------------------------------- drawing
    def _text(self, index: int) -> str:
        text = self._lines.get(index)
        if text is None:
            if len(self._lines) >= LINES_KEEP:
                self._lines.clear()
            text = self._lines[index] = padded_line(self.cells(index), self.widths)
        return text

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        x = int(self.scroll_x)
        style: Style = self.rich_style
        if y == 0:
            style = style + self.get_component_rich_style("window-table--header")
            text = self.header
        else:
            index = int(self.scroll_y) + y - 1
            if index >= len(self.view):
                return Strip.blank(width, self.rich_style)
            if index == self._cursor:
                style = style + self.get_component_rich_style("window-table--cursor")
            elif index % 2:
                style = style + self.get_component_rich_style("window-table--even")
            text = self._text(self.view[index])
        strip = Strip([Segment(text, style)], self.line_width)
        return strip.crop(x, x + width).extend_cell_length(width, style)

    # ----------------------------------------------------------------- keys and mouse
    def action_select(self) -> None:
        if self.view:
            self.post_message(self.Selected(self._cursor))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor; a click on the cursor's row opens it (as DataTable)."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        row = int(self.scroll_y) + offset.y - 1
        if row >= len(self.view):
            return
        if row == self._cursor:
            self.post_message(self.Selected(row))
        else:
            self.move_cursor(row)
