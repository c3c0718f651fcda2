"""Small helpers to drive the app with Pilot: type text, settle workers, read the screen."""

from __future__ import annotations

import html
import re
from typing import Any, Protocol, Self

from rich.cells import cell_len
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot

from census_tui.app import CensusApp
from census_tui.visit.service import VisitSession

KEYS = {"\r": "enter", " ": "space", "\t": "tab"}
SVG_TEXT = re.compile(
    r'<text class="[^"]*-r\d+" x="(?P<x>[\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[^"]*-line-(?P<row>\d+)\)">(?P<text>[^<]*)</text>'
)
"""A run of text in Rich's SVG export (``console.export_svg``), on its line of the screen."""
SVG_CELL = 0.61 * 20
"""Rich's SVG export: a cell is 0.61 of its 20 px font wide."""


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
    """What the terminal shows now, as plain text lines padded to the screen's width: read back
    from Textual's own SVG screenshot (``App.export_screenshot``)."""
    width, height = app.size
    rows: list[list[tuple[int, str]]] = [[] for _ in range(height)]
    for match in SVG_TEXT.finditer(app.export_screenshot()):
        x, row, text = (
            float(match["x"]),
            int(match["row"]),
            html.unescape(match["text"]).rstrip("\n"),
        )
        if row < height:
            rows[row].append((round(x / SVG_CELL), text.replace("\xa0", " ")))
    lines = []
    for parts in rows:
        line, cells = "", 0
        for column, text in sorted(parts):
            line += " " * max(0, column - cells) + text
            cells = max(cells, column) + cell_len(text)
        lines.append(line + " " * max(0, width - cells))
    return "\n".join(lines)


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


def prefill_household(session: VisitSession, dwelling_id: str) -> None:
    """The scripted 3-person household (:mod:`tests.tui.script`), complete, for a dwelling,
    entered through the real service."""
    from tests.tui.script import HOUSEHOLD, PERSONS

    hh = session.start_interview(dwelling_id)
    for item, text in HOUSEHOLD.items():
        session.set_answer(hh, "", item, int(text))
    for answers in PERSONS:
        p = session.add_person(hh)
        for item, text in answers.items():
            value: int | str = text if item in ("D1", "D3", "D5") else int(text)
            session.set_answer(hh, p, item, value)
