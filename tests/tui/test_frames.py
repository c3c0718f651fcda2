"""The screens' frame timer: after a late frame, the next one comes in the next 60 fps slot.

Time is a fake clock: the timers' clock and sleep are replaced, so the test runs instantly and
exactly. The same scenario is run through Textual's own Timer to show what ``FrameTimer``
changes (and to tell us when a Textual upgrade fixes it upstream).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from textual import _time
from textual import timer as textual_timer
from textual._context import active_app
from textual.timer import Timer

from census_tui.screens.frames import FrameTimer


class FakeTime:
    """The timers' clock: ``sleep`` moves it at once, and tells whoever waits for it."""

    def __init__(self) -> None:
        self.now = 100.0
        self.moved = asyncio.Condition()

    def get_time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        async with self.moved:
            self.moved.notify_all()
        await asyncio.sleep(0)  # no time passes: the sleeper only lets the other tasks run

    async def reaches(self, when: float) -> None:
        """Wait until a sleeper has moved the clock to ``when``."""
        async with self.moved:
            await self.moved.wait_for(lambda: self.now >= when)


class Target:
    """What a timer holds a weak reference to (a screen, in the app)."""


class NoExit:
    """The little of an app a timer's tick looks at."""

    _exit = False
    features: frozenset[str] = frozenset()

    def _handle_exception(self, error: BaseException) -> None:
        raise error


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTime]:
    fake = FakeTime()
    monkeypatch.setattr(_time, "get_time", fake.get_time)
    monkeypatch.setattr(_time, "sleep", fake.sleep)
    monkeypatch.setattr(textual_timer, "sleep", fake.sleep)
    yield fake


def _in_app() -> None:
    """Timers look up the running app (to stop with it); set in the test's own task, whose
    context the timer's task copies."""
    active_app.set(NoExit())  # type: ignore[arg-type]


async def _ticks(kind: type[Timer], fake: FakeTime, slow: dict[int, float]) -> list[float]:
    """Start a 1-second timer, let it tick five times; tick ``n`` takes ``slow[n]`` seconds.
    Returns when each tick happened, relative to the start."""
    _in_app()
    start = fake.now
    ticks: list[float] = []
    done = asyncio.Event()

    def tick() -> None:
        ticks.append(round(fake.now - start, 6))
        fake.now += slow.get(len(ticks), 0.0)
        if len(ticks) == 5:
            done.set()

    target = Target()
    timer = kind(target, 1.0, callback=tick)  # type: ignore[arg-type]
    timer._start()
    await asyncio.wait_for(done.wait(), 10)  # a guard: a broken timer fails, never hangs
    timer.stop()
    return ticks[:5]


async def test_on_time_frames_keep_the_grid(fake_time: FakeTime) -> None:
    assert await _ticks(FrameTimer, fake_time, {}) == [1, 2, 3, 4, 5]


async def test_after_a_late_frame_the_next_comes_in_the_next_slot(fake_time: FakeTime) -> None:
    """Tick 2 takes 1.5 periods (a slow frame): it ends at 3.5, so slot 3 is gone and the next
    tick is slot 4, not slot 5."""
    assert await _ticks(FrameTimer, fake_time, {2: 1.5}) == [1, 2, 4, 5, 6]


async def test_textual_timer_waits_a_slot_more(fake_time: FakeTime) -> None:
    """The behaviour FrameTimer replaces (Textual 8.2.8): the same late frame pushes the next
    tick to slot 5. If this fails after a Textual upgrade, the upstream fix has landed and
    FrameTimer can go."""
    assert await _ticks(Timer, fake_time, {2: 1.5}) == [1, 2, 5, 6, 7]


async def test_a_paused_timer_ticks_as_soon_as_it_is_resumed(fake_time: FakeTime) -> None:
    """The screen pauses its timer after each frame: a change after a long pause is drawn at
    once, and the frames after it stay on the grid."""
    _in_app()
    start = fake_time.now
    ticks: list[float] = []
    ticked = asyncio.Event()

    def tick() -> None:
        ticks.append(round(fake_time.now - start, 6))
        timer.pause()
        ticked.set()

    async def drawn(count: int) -> None:
        while len(ticks) < count:
            ticked.clear()
            await ticked.wait()

    timer = FrameTimer(Target(), 1.0, callback=tick)  # type: ignore[arg-type]
    timer._start()
    await asyncio.wait_for(drawn(1), 10)
    # the paused timer sleeps to slot 2 (the fake clock moves to 2), then waits to be resumed
    await asyncio.wait_for(fake_time.reaches(start + 2), 10)
    fake_time.now += 10.25  # idle: nothing to draw for a while
    timer.resume()
    await asyncio.wait_for(drawn(2), 10)
    timer.resume()  # changed again at once: waits for the next slot (13, after 12.25)
    await asyncio.wait_for(drawn(3), 10)
    timer.resume()
    await asyncio.wait_for(drawn(4), 10)
    timer.stop()
    assert ticks == [1, 12.25, 13, 14]


async def test_every_census_screen_draws_with_the_frame_timer(app_factory) -> None:  # type: ignore[no-untyped-def]
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "LoginScreen"
        assert isinstance(app.screen._update_timer, FrameTimer)
