"""The answer field of the interview: commits synchronously, so typing ahead is never lost.

A stock Input posts ``Submitted`` and lets the screen act later; keys typed meanwhile (a fast
enumerator, a paste, a slow save) would land in the old question's field. Here Enter and, for
one-digit code lists, the digit itself call the screen's commit function directly inside the key
handler, so the next key already reaches the next question.

Textual's Input sets its ``virtual_size`` (a layout reactive) whenever its value changes, so every
key typed, and the field being cleared for every new question, would re-arrange and redraw the
whole screen. This field's box comes from the stylesheet, not from its text, so those changes
only repaint it (measured: the layout pass was the largest single cost of answering,
``bench/bench_tui.py``). And a change of text, cursor or cursor blink repaints only the text's
row, not the border around it (a whole repaint drew three rows and cleared Textual's line cache:
~1 ms of a ~5 ms frame, measured in a pty).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.geometry import Region
from textual.widgets import Input
from textual.widgets.input import Selection


class AnswerInput(Input):
    """An Input whose Enter (and instant code digits) call ``commit(text)`` in order."""

    def __init__(self, commit: Callable[[str], None], **kw: Any) -> None:
        super().__init__(**kw)
        self.commit = commit
        self.instant_codes = False
        """Set for a code list whose codes are all one digit: the digit is the answer."""
        self._value_changing = False
        self._text_only = False
        """Set by the watchers of the text, cursor and blink: the repaint that Textual's reactive
        makes right after them concerns the text's row only."""

    def _watch_value(self, value: str) -> None:
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False
        self._text_only = True

    def _watch_selection(self, selection: Selection) -> None:
        super()._watch_selection(selection)
        self._text_only = True

    def _watch__cursor_visible(self) -> None:
        self._text_only = True

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> AnswerInput:
        """While the value changes, a layout request (the text's width) is only a repaint, unless
        the field is sized by its content (``auto`` width or height); and a repaint for the text,
        the cursor or the blink covers the text's row only."""
        fixed = not self.styles.auto_dimensions
        if layout and self._value_changing and fixed:
            layout = False
        text_only = (self._value_changing or self._text_only) and fixed and self.is_mounted
        self._text_only = False
        if text_only and not regions and not layout and not recompose and self.size:
            regions = (Region(0, 0, *self.content_size),)
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.commit(self.value)
            return
        char = event.character
        if self.instant_codes and char is not None and char.isdigit() and not self.value:
            event.stop()
            event.prevent_default()
            self.commit(char)
