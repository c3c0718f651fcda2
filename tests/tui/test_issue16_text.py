"""Issue 16 §4 and §15 in widgets/text.py: Chinese lines never start with closing punctuation,
and a text cut by its widget's height says so and opens in full with Ctrl+O."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.content import Content

from census_tui.i18n import Msg
from census_tui.screens.base import CensusScreen
from census_tui.widgets.text import CLOSING_PUNCTUATION, MORE, Lines, wrapped
from tests.tui.drive import AppFactory, screen_text, settle


def test_no_line_starts_with_closing_punctuation() -> None:
    text = "一" * 19 + "。后面还有" + "二" * 17 + "」,再来"
    naive = [line.plain for line in Content(text).wrap(38)]
    assert naive[1].startswith("。")  # where a plain wrap puts the full stop
    lines = wrapped(text, 38)
    assert "".join(lines) == text
    assert all(cell_len(line) <= 38 for line in lines)
    assert not any(line[:1] in CLOSING_PUNCTUATION for line in lines), lines


def test_english_wrapping_is_unchanged() -> None:
    text = "Wrong password. Wrong tries left before the profile locks for a while: 4."
    assert wrapped(text, 30) == [
        "Wrong password. Wrong tries",
        "left before the profile locks",
        "for a while: 4.",
    ]


LONG = Msg(
    "这是一条很长的提示。" * 12,
    "This is a long warning that cannot fit in two lines of forty columns. " * 3 + "THE END",
)


class CutScreen(CensusScreen):
    """A screen whose message area holds two lines, as the interview's at 40x16."""

    DEFAULT_CSS = "CutScreen #cut { height: 2; }"

    def compose_body(self) -> ComposeResult:
        yield Lines(LONG, id="cut", lang=self.lang)


async def test_a_cut_message_says_so_and_ctrl_o_shows_it_whole(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        await settle(pilot)
        await app.push_screen(CutScreen())
        await settle(pilot)
        shown = screen_text(app)
        assert MORE in shown and "THE END" not in shown
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert type(app.screen).__name__ == "InfoScreen"
        box = app.screen.query_one("#info-box")
        box.scroll_end(animate=False)
        await settle(pilot)
        assert "THE END" in screen_text(app)
