"""The screen's frame timer: the next frame in the next 60 fps slot, not the one after.

Textual draws a screen from a timer that ticks on a 1/60 s grid and pauses while nothing
changes. When a tick comes late (the timer was paused, or the event loop was busy: a save, a
burst of typed keys), Textual 8.2's ``Timer._run`` skips ahead with
``count = int(elapsed / period + 1)`` and then adds one more period, so the next frame waits
between one and two periods instead of until the next slot. Measured in a real pty
(bench/bench_tui.py, per-answer timelines): every answer following a late frame (the question
after a typed ID number or name) was drawn ~33 ms after the key instead of ~17 ms, 10 of the
205 slowest answers of five households (issue 5 §12).

``FrameTimer`` keeps Textual's grid and its pause/resume, and after a late tick waits only for
the next slot: never more than 60 frames a second, as before. Textual is pinned (pyproject), so
the private ``Timer`` members used here are stable; ``tests/tui/test_frames.py`` checks them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import _time
from textual.timer import EventTargetGone, Timer

if TYPE_CHECKING:
    from textual.screen import Screen


class FrameTimer(Timer):
    """A repeating timer on a fixed grid whose late ticks do not push the next one a slot on."""

    async def _run(self) -> None:
        period = self._interval
        await self._active.wait()
        start = _time.get_time()
        count = 0
        while True:
            now = _time.get_time()
            # The next slot of the grid that is not already past (the one after the last tick
            # when on time; the first one after now when late).
            count = max(count + 1, int((now - start) / period) + 1)
            slot = start + count * period
            await _time.sleep(slot - now)
            await self._active.wait()
            if self._reset:
                self._reset = False
                start = _time.get_time()
                count = 0
                continue
            try:
                await self._tick(next_timer=slot, count=count)
            except EventTargetGone:
                break


class NextSlotFrames:
    """Mixin for screens (before ``Screen`` in the bases): draw with a :class:`FrameTimer`."""

    _frame_timer: FrameTimer | None = None

    @property
    def _update_timer(self) -> Timer:
        timer = self._frame_timer
        if timer is None:
            from textual.screen import UPDATE_PERIOD

            screen: Screen[object] = self  # type: ignore[assignment]
            timer = self._frame_timer = FrameTimer(
                screen, UPDATE_PERIOD, name="screen_update", callback=screen._on_timer_update,
                pause=True,
            )  # fmt: skip
            timer._start()
            screen._timers.add(timer)  # stopped with the screen
        return timer
