"""A windowed grid for long lists (the roster of thousands): only the visible rows are drawn.

Textual's DataTable keeps every row as widgets' worth of state, too slow to clear and refill on
each filter keystroke for thousands of rows. This grid is a Line-API ScrollView: it holds the
rows as plain tuples of cell text, draws a line only when the compositor asks for it
(``render_line``), and caches each drawn line until that row changes. Replacing the rows (a
filter) is O(rows) list work and no widget work; changing one row (a mark) refreshes one line.

The header is drawn by :class:`GridHeader` above the grid, so it never scrolls away.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from census_tui.widgets.cursor_view import CursorView

Cells = tuple[str, ...]
SEPARATOR = " "


def line_text(cells: Sequence[str], widths: Sequence[int]) -> str:
    """One row as fixed-width text: each cell cropped or padded to its column's cell width
    (Chinese characters are two cells wide)."""
    return SEPARATOR.join(set_cell_size(c, w) for c, w in zip(cells, widths, strict=False))


class GridHeader(Widget):
    """The column titles of a :class:`RosterGrid`, kept in step with its horizontal scroll."""

    DEFAULT_CSS = "GridHeader { height: 1; text-style: bold; }"

    def __init__(
        self, titles: Sequence[str], widths: Sequence[int], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.text = line_text(titles, widths)
        self.offset_x = 0

    def render_line(self, y: int) -> Strip:
        strip = Strip([Segment(self.text, self.rich_style)])
        return strip.crop(self.offset_x, self.offset_x + self.size.width).extend_cell_length(
            self.size.width
        )


class RosterGrid(CursorView):
    """Rows of cells with a row cursor, drawing only what is on screen."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"roster-grid--cursor", "roster-grid--odd"}
    DEFAULT_CSS = """
    RosterGrid { background: $surface; }
    RosterGrid > .roster-grid--cursor { background: $accent; color: $text; text-style: bold; }
    RosterGrid:blur > .roster-grid--cursor { background: $accent 50%; }
    RosterGrid > .roster-grid--odd { background: $surface-lighten-1; }
    """

    class CursorMoved(Message):
        """The cursor moved to ``row`` (an index into the grid's rows)."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, widths: Sequence[int], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.widths = tuple(widths)
        self.line_width = sum(self.widths) + len(SEPARATOR) * (len(self.widths) - 1)
        self.rows: list[Cells] = []
        self._lines: list[str | None] = []
        self._cursor = 0

    # ----------------------------------------------------------------- data
    @property
    def row_count(self) -> int:
        return len(self.rows)

    def row_total(self) -> int:
        return len(self.rows)

    def cursor_moved(self, row: int) -> None:
        self.post_message(self.CursorMoved(row))

    def set_rows(self, rows: list[Cells], cursor: int = 0) -> None:
        """Replace every row (a filter); the cursor goes to ``cursor`` (clamped)."""
        self.rows = rows
        self._lines = [None] * len(rows)
        self.virtual_size = Size(self.line_width, len(rows))
        self.clamp_cursor(cursor)
        self.refresh()

    def update_row(self, index: int, cells: Cells) -> None:
        """Change one row in place; only its line is redrawn."""
        if 0 <= index < len(self.rows):
            self.rows[index] = cells
            self._lines[index] = None
            self.refresh_line(index)

    # ----------------------------------------------------------------- drawing
    def _text(self, index: int) -> str:
        text = self._lines[index]
        if text is None:
            text = self._lines[index] = line_text(self.rows[index], self.widths)
        return text

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        style: Style = self.rich_style
        if index == self._cursor:
            style = style + self.get_component_rich_style("roster-grid--cursor")
        elif index % 2:
            style = style + self.get_component_rich_style("roster-grid--odd")
        x = int(self.scroll_x)
        strip = Strip([Segment(self._text(index), style)], self.line_width)
        return strip.crop(x, x + width).extend_cell_length(width, style)

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        for header in self.screen.query(GridHeader):
            header.offset_x = int(new_value)
            header.refresh()

    # ----------------------------------------------------------------- keys and mouse
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.move_cursor(int(self.scroll_y) + offset.y)
