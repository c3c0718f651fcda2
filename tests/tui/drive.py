"""Small helpers to drive the app with Pilot: type text, settle workers, read the screen."""

from __future__ import annotations

from typing import Any, Protocol, Self

from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot

from census_tui.app import CensusApp

KEYS = {"\r": "enter", " ": "space", "\t": "tab"}


async def type_text(pilot: Pilot[Any], text: str) -> None:
    for ch in text:
        await pilot.press(KEYS.get(ch, ch))


async def settle(pilot: Pilot[int]) -> None:
    """Let every worker finish and every posted message be handled (no sleeping)."""
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app: App[Any]) -> str:
    """What the terminal shows now, as plain text lines (the same render the SVG export uses)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
    )  # fmt: skip
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text(styles=False)


async def login(pilot: Pilot[int], password: str) -> None:
    await type_text(pilot, password + "\r")
    await settle(pilot)


class AppFactory(Protocol):
    """What the ``app_factory`` fixture gives: a fresh app in a language."""

    def __call__(self, lang: str = "en", idle_minutes: float = 5) -> CensusApp: ...


class RecordsRepaints:
    """Put before a widget class in a test's bases: records the regions each refresh asks to
    repaint (none: the whole widget). Not a Widget itself, so the widget keeps its CSS (Textual
    inherits stylesheets along the first DOM base)."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.asked: list[tuple[Region, ...]] = []

    def refresh(self, *regions: Region, **kw: bool) -> Self:
        self.asked.append(regions)
        super().refresh(*regions, **kw)  # type: ignore[misc]
        return self
