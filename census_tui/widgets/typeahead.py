"""Type-ahead: keys typed while the app is between screens or waiting for a save are kept and
handed, in order, to whatever has the focus once it is ready.

Textual sends each key to the widget focused at the moment the app handles the key. While a
screen is being pushed, popped or switched, or an answer is being committed, that is the wrong
widget (the old screen's field, or the question just answered): an enumerator who types ahead
would lose keys or put them in the wrong place. So the app queues every key here and lets one
through at a time: the next only once the previous has been handled and nothing holds the keys
(:meth:`TypeAhead.hold` for a screen change or a save, :meth:`TypeAhead.release` after).
"""

from __future__ import annotations

from collections import deque

from textual import events

PASS_THROUGH = frozenset({"ctrl+q", "ctrl+c"})
"""Keys never queued: quitting works whatever the app is waiting for."""


class TypeAhead:
    """The queued keys and what holds them. Plain data; the app drives it."""

    def __init__(self) -> None:
        self._holds: set[str] = set()
        self._keys: deque[tuple[str, str | None]] = deque()

    @property
    def holding(self) -> bool:
        return bool(self._holds)

    @property
    def pending(self) -> int:
        """How many keys wait their turn."""
        return len(self._keys)

    def hold(self, reason: str) -> None:
        """Hold keys for ``reason`` (a screen change, a save); holding twice for one reason is
        one hold."""
        self._holds.add(reason)

    def release(self, reason: str) -> None:
        """End the hold for ``reason`` (nothing happens if there was none)."""
        self._holds.discard(reason)

    def keep(self, event: events.Key) -> None:
        """Queue a key behind those already waiting."""
        self._keys.append((event.key, event.character))

    def next_key(self) -> events.Key | None:
        """The oldest waiting key as a fresh event, unless something holds the keys."""
        if self._holds or not self._keys:
            return None
        key, character = self._keys.popleft()
        return events.Key(key, character)
