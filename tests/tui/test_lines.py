"""The interview's line-drawn labels: the same text as a Static (but no Chinese line starts
with closing punctuation), and only changed rows redrawn."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from census_tui.i18n import Msg
from census_tui.widgets.text import Lines
from tests.tui.drive import RecordsRepaints, screen_text

LONG = Msg(
    "请问您家在2020年10月31日晚住在本户的人口有几人?包括临时外出不满半年的人。" * 2,
    "How many people lived in this household on the night of 31 October 2020, including "
    "those away for less than six months?",
)


class Spy(RecordsRepaints, Lines):
    """A label that records the regions each change asks to repaint."""


class Pair(App[None]):
    """A Lines over a Static with the same text, both 4 rows high, and an auto-height Lines."""

    CSS = "#fixed, #static { height: 4; }"

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield Spy(LONG, id="fixed", lang=self.lang)
        yield Static(LONG.zh if self.lang == "zh" else LONG.en, id="static", markup=False)
        yield Lines(Msg("", ""), id="auto", lang=self.lang)


async def test_lines_wrap_like_a_static_in_both_languages() -> None:
    for lang in ("zh", "en"):
        app = Pair(lang)
        async with app.run_test(size=(40, 12)) as pilot:
            await pilot.pause()
            rows = screen_text(app).splitlines()
            if lang == "en":
                assert rows[0:4] == rows[4:8], "\n".join(rows)
            else:  # the same text in as many rows; only Lines keeps "?" off a line's start
                assert [r.strip() for r in rows[0:4]] != [r.strip() for r in rows[4:8]]
                assert "".join(r.strip() for r in rows[0:4]) == "".join(
                    r.strip() for r in rows[4:8]
                )
                assert not any(r.startswith(("?", "。", ",")) for r in rows[0:4])
            assert rows[2].strip()


async def test_only_changed_rows_are_repainted_and_same_text_none() -> None:
    app = Pair("en")
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        fixed = app.query_one("#fixed", Spy)
        first = screen_text(app).splitlines()[0]
        fixed.asked.clear()
        fixed.set_msg(LONG)
        assert fixed.asked == []
        text = LONG.en.replace("six months", "six weeks")
        fixed.set_msg(Msg(text, text))
        assert [r.y for regions in fixed.asked for r in regions] == [3]
        await pilot.pause()
        rows = screen_text(app).splitlines()
        assert rows[0] == first and "weeks?" in rows[3]


async def test_an_auto_height_label_grows_and_shrinks_with_its_text() -> None:
    app = Pair("en")
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        auto = app.query_one("#auto", Lines)
        assert auto.size.height == 1  # empty: one blank line, as a Static
        auto.set_msg(LONG)
        await pilot.pause()
        assert auto.size.height == 4
        assert "months?" in screen_text(app)
        auto.set_msg(Msg("", ""))
        await pilot.pause()
        assert auto.size.height == 1
