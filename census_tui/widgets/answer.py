"""The answer field of the interview: commits synchronously, so typing ahead is never lost.

A stock Input posts ``Submitted`` and lets the screen act later; keys typed meanwhile (a fast
enumerator, a paste, a slow save) would land in the old question's field. Here Enter and, for
one-digit code lists, the digit itself call the screen's commit function directly inside the key
handler, so the next key already reaches the next question.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.widgets import Input


class AnswerInput(Input):
    """An Input whose Enter (and instant code digits) call ``commit(text)`` in order."""

    def __init__(self, commit: Callable[[str], None], **kw: Any) -> None:
        super().__init__(**kw)
        self.commit = commit
        self.instant_codes = False
        """Set for a code list whose codes are all one digit: the digit is the answer."""

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
