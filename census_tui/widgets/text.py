"""Bilingual text widgets: they remember their Msg and re-render when the language changes.

Each is made with the language to show first (``lang=``, the screen's): the first frame is
already right, with no second layout after mounting; a language switch later relabels them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, cast

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Button, Static

from census_tui.i18n import Msg


def ascii_console() -> bool:
    """A bare Linux text console (``TERM=linux``): its font has no CJK and few block glyphs, so
    frames and marks are drawn in ASCII there (read when a screen or widget is made)."""
    return os.environ.get("TERM", "") == "linux"


def lang_of(widget: Any) -> str:
    """The language of the app the widget is in (after a switch: its new language)."""
    return str(getattr(widget.app, "lang", "zh"))


def in_lang(msg: Msg, lang: str) -> str:
    return msg.en if lang == "en" else msg.zh


class T(Static):
    """A label whose text is a :class:`Msg` (optionally formatted) in the app's language."""

    def __init__(self, msg: Msg, *, lang: str, **kw: Any) -> None:
        super().__init__(in_lang(msg, lang), markup=False, **kw)
        self.msg = msg

    def on_mount(self) -> None:
        self.relabel()

    def set_msg(self, msg: Msg) -> None:
        self.msg = msg
        self.relabel()

    def relabel(self) -> None:
        """Show the Msg in the app's language. Unchanged text is not redrawn, and a new text
        that keeps the widget's height repaints only this widget: the screen's layout pass
        (every widget re-arranged and redrawn) is the main cost of a keystroke (issue 5 §12)."""
        text = in_lang(self.msg, lang_of(self))
        if text == self.content:
            return
        if not self.is_mounted or not self.size:
            self.update(text)
            return
        self.update(text, layout=False)
        width, height = self.styles.width, self.styles.height
        if width is not None and width.is_auto:
            self.refresh(layout=True)
        elif height is None or height.is_auto:
            region = self.content_region
            if self.visual.get_height(cast(RulesMap, self.styles), region.width) != region.height:
                self.refresh(layout=True)

    @property
    def is_cut(self) -> bool:
        """The text needs more lines than the widget shows."""
        region = self.content_region
        if not self.is_mounted or not region.width or not self.display:
            return False
        return self.visual.get_height(cast(RulesMap, self.styles), region.width) > region.height


MORE = "..Ctrl+O"
"""Ends the last shown line of a text cut by its widget's height: Ctrl+O shows it all. ASCII
only, so it reads on a bare Linux console too."""


class TButton(Button):
    """A button whose label is a :class:`Msg`."""

    def __init__(self, msg: Msg, *, lang: str, **kw: Any) -> None:
        super().__init__(in_lang(msg, lang), **kw)
        self.msg = msg

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.label = in_lang(self.msg, lang_of(self))


class TrainingBanner(Static):
    """培训模式 on every screen of a training session: practice data never mixes with real."""

    DEFAULT_CSS = """
    TrainingBanner { dock: top; height: 1; width: 100%; background: $warning; color: black;
                     text-style: bold; content-align: center middle; }
    """

    def __init__(self) -> None:
        super().__init__("培训模式 TRAINING", markup=False)


CLOSING_PUNCTUATION = frozenset("，。、；：？！）」』》〉】〕…—,.;:?!)")
"""Marks that never begin a line of Chinese text (禁则, kinsoku): a line that would start with
one takes the last character of the line before along with it."""


def wrapped(paragraph: str, width: int) -> list[str]:
    """One paragraph as lines of at most ``width`` cells, words kept whole (as a Static wraps)
    and no line starting with closing punctuation; most labels fit and are returned as they
    are."""
    if width <= 0 or cell_len(paragraph) <= width:
        return [paragraph]
    return kinsoku([line.plain for line in Content(paragraph).wrap(width)], width)


def kinsoku(lines: list[str], width: int) -> list[str]:
    """``lines`` (wrapped to ``width``) with closing punctuation moved off each line's start:
    the character before it comes down with it, and what then no longer fits moves on."""
    out = list(lines)
    i = 1
    while i < len(out):
        while out[i][:1] in CLOSING_PUNCTUATION and len(out[i - 1]) > 1:
            out[i - 1], out[i] = out[i - 1][:-1], out[i - 1][-1] + out[i]
        line = out[i]
        if cell_len(line) > width:
            cut = len(line)
            while cut > 1 and cell_len(line[:cut]) > width:
                cut -= 1
            out[i] = line[:cut]
            if i + 1 < len(out):
                out[i + 1] = line[cut:] + out[i + 1]
            else:
                out.append(line[cut:])
        i += 1
    return out


def text_strip(text: str, style: Style, width: int) -> Strip:
    """One drawn line: ``text`` in ``style``, padded or cut to ``width`` cells."""
    return Strip([Segment(text, style)]).extend_cell_length(width, style).crop(0, width)


def repaint_changed_rows(
    widget: Widget, drawn: Mapping[int, object], now: Callable[[int], object], width: int, rows: int
) -> None:
    """Ask Textual to redraw only the rows (of a Line API widget) whose content ``now`` differs
    from what ``drawn`` records was last drawn there."""
    changed = [Region(0, y, width, 1) for y in range(rows) if drawn.get(y) != now(y)]
    if changed:
        widget.refresh(*changed)


class Lines(Widget):
    """A bilingual text drawn line by line (Textual's Line API), for the interview's labels.

    A Static re-renders its whole text through Textual's content pipeline on every change; the
    interview changes four or five labels per answer. Here the text is wrapped once per change
    (or width), each line is one cached segment, and only rows that changed are repainted. Same
    ``msg``/``set_msg``/``relabel`` as :class:`T`; the height is the stylesheet's, or the
    wrapped text's for ``height: auto``."""

    DEFAULT_CSS = "Lines { height: auto; }"

    def __init__(self, msg: Msg, *, lang: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.msg = msg
        self._text = in_lang(msg, lang)
        self._width = -1
        self._rows: list[str] = []
        self._strips: dict[str, Strip] = {}
        self._drawn: dict[int, str] = {}

    @property
    def text(self) -> str:
        """The text shown now."""
        return self._text

    def set_msg(self, msg: Msg) -> None:
        self.msg = msg
        self.relabel()

    def relabel(self) -> None:
        text = in_lang(self.msg, lang_of(self))
        if text == self._text:
            return
        before = len(self._rows)
        self._text = text
        self._width = -1
        if not self.is_mounted or not self.size:
            self.refresh()
            return
        self._wrap(self.content_region.width)
        height = self.styles.height
        if (height is None or height.is_auto) and max(len(self._rows), 1) != max(before, 1):
            self.refresh(layout=True)
            return
        self._repaint_changed()

    def _wrap(self, width: int) -> None:
        if width == self._width:
            return
        self._width = width
        self._strips.clear()
        paragraphs = self._text.split("\n") if self._text else []
        self._rows = [line for paragraph in paragraphs for line in wrapped(paragraph, width)]

    def _repaint_changed(self) -> None:
        region = self.content_region
        repaint_changed_rows(self, self._drawn, self._row, region.width, region.height)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._wrap(width)
        return max(len(self._rows), 1)  # as a Static: an empty text is one blank line

    @property
    def is_cut(self) -> bool:
        """The text has more lines than the widget shows (the rest: :data:`MORE`'s key)."""
        region = self.content_region
        self._wrap(region.width)
        return bool(region.height) and len(self._rows) > region.height

    def _row(self, y: int) -> str:
        row = self._rows[y] if y < len(self._rows) else ""
        height = self.content_region.height
        if y == height - 1 and len(self._rows) > height:
            room = max(0, self._width - cell_len(MORE))
            while cell_len(row) > room:
                row = row[:-1]
            row = row + " " * (room - cell_len(row)) + MORE
        return row

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        self._wrap(width)
        text = self._drawn[y] = self._row(y)
        strip = self._strips.get(text)
        if strip is None:
            strip = self._strips[text] = text_strip(text, self.rich_style, width)
        return strip

    def on_resize(self) -> None:
        self._width = -1  # re-wrapped at the next draw (a new size repaints every row)

    def notify_style_update(self) -> None:
        # New styles: the cached strips go; Textual repaints the whole widget for a change of
        # style, so what was drawn (and is compared for the next change) stays right.
        self._strips.clear()
        super().notify_style_update()
