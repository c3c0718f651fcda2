"""The row cursor shared by the windowed grids (roster grid, dashboard table).

A Line-API ScrollView whose rows are drawn by the subclass; this class owns the cursor: keys
(↑↓, PgUp/PgDn, Home/End), clamping, redrawing only the two lines it leaves and enters, and
keeping it in view. ``HEADER_LINES`` is how many lines above the rows the widget draws itself.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.scroll_view import ScrollView


class CursorView(ScrollView, can_focus=True):
    """A scrollable list of rows with a row cursor; subclasses say how many rows there are."""

    HEADER_LINES: ClassVar[int] = 0
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "up", show=False),
        Binding("down", "cursor(1)", "down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "jump(0)", "first", show=False),
        Binding("end", "jump(-1)", "last", show=False),
    ]

    _cursor = 0

    def row_total(self) -> int:
        """How many rows the cursor can be on."""
        raise NotImplementedError

    def cursor_moved(self, row: int) -> None:
        """Called after the cursor moved to ``row`` (subclasses post their message here)."""

    @property
    def cursor_row(self) -> int:
        """The cursor's row (0 when there are none)."""
        return self._cursor

    @property
    def body_height(self) -> int:
        """Rows visible under the header lines."""
        return max(1, self.scrollable_content_region.height - self.HEADER_LINES)

    def clamp_cursor(self, row: int) -> None:
        """Set the cursor without drawing (the caller refreshes everything anyway)."""
        self._cursor = max(0, min(row, self.row_total() - 1))
        self._scroll_cursor_visible()

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row`` (clamped) and scroll it into view."""
        total = self.row_total()
        if not total:
            return
        row = max(0, min(row, total - 1))
        if row == self._cursor:
            return
        old, self._cursor = self._cursor, row
        self.refresh_line(old + self.HEADER_LINES)
        self.refresh_line(row + self.HEADER_LINES)
        self._scroll_cursor_visible()
        self.cursor_moved(row)

    def _scroll_cursor_visible(self) -> None:
        top = int(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + self.body_height:
            self.scroll_to(y=self._cursor - self.body_height + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self._cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self._cursor + direction * self.body_height)

    def action_jump(self, row: int) -> None:
        self.move_cursor(row if row >= 0 else self.row_total() - 1)
