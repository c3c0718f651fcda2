"""The answer field of the interview: Enter and instant code digits commit in the key handler.

A stock Input posts ``Submitted`` and lets the screen act later. Here Enter and, for one-digit
code lists, the digit itself call the screen's commit function inside the key handler, which
hands the answer to the session's writer and holds the app's type-ahead until it is committed:
the next key then reaches the next question, never this one.

Textual's Input sets its ``virtual_size`` (a layout reactive) whenever its value changes, so every
key typed, and the field being cleared for every new question, would re-arrange and redraw the
whole screen. This field's box comes from the stylesheet, not from its text, so those changes
only repaint it, and a change of text or cursor repaints only the text's row, not the border
around it (a layout pass is the largest single cost of an answer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

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
        self.value_changing = False
        """From the new value's validation to its watcher: Input's own reactions to a new value
        (its virtual size) run in between."""
        self.text_only = False
        """Set by the watchers of the text and cursor: the repaint that Textual's reactive makes
        right after them concerns the text's row only."""

    @property
    def acts_on_characters(self) -> bool:
        """Whether a typed character may do more than edit the text (a digit answers a list of
        one-digit codes): the app's type-ahead then waits for it before the next key."""
        return self.instant_codes

    def validate_value(self, value: str) -> str:
        if value != self.value:
            self.value_changing = True
        return value

    def watch_value(self) -> None:
        self.value_changing = False
        self.text_only = True

    def watch_selection(self, selection: Selection) -> None:
        self.text_only = True

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        """While the value changes, a layout request (the text's width) is only a repaint, unless
        the field is sized by its content (``auto`` width or height); and a repaint for the text
        or the cursor covers the text's row only."""
        fixed = not self.styles.auto_dimensions
        changing = getattr(self, "value_changing", False)  # (refresh runs within __init__ too)
        if layout and changing and fixed:
            layout = False
        text_only = (changing or getattr(self, "text_only", False)) and fixed and self.is_mounted
        self.text_only = False
        if text_only and not regions and not layout and not recompose and self.size:
            regions = (Region(0, 0, *self.content_size),)
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self

    async def on_key(self, event: events.Key) -> None:
        """Before Input's own key handling (Textual calls a subclass's handler first; the
        default one is skipped after ``prevent_default``)."""
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
