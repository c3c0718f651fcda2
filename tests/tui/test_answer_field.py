"""The answer field: typing repaints only the text's row; a change of focus repaints it whole."""

from __future__ import annotations

from typing import Any, Self

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Button, Input

from census_tui.widgets.answer import AnswerInput
from tests.tui.drive import screen_text, type_text


class Recorder(Input):
    """Records each repaint Textual is asked for: the regions (none: the whole field)."""

    asked: list[tuple[tuple[Region, ...], bool]]

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if hasattr(self, "asked") and repaint:
            self.asked.append((regions, bool(regions)))
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self


class Spy(AnswerInput, Recorder):
    """The answer field, with the recorder under it: it sees the repaints the field asks for."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(lambda text: None, **kw)
        self.asked = []


class Field(App[None]):
    CSS = "AnswerInput { height: 3; }"

    def compose(self) -> ComposeResult:
        yield Spy(id="answer")
        yield Button("other", id="other")


async def _focused(app: Field, pilot: Pilot[None]) -> Spy:
    """The field, focused, with the repaints so far forgotten."""
    field = app.query_one(Spy)
    field.focus()
    await pilot.pause()
    field.asked.clear()
    return field


async def test_typing_repaints_only_the_text_row() -> None:
    app = Field()
    async with app.run_test(size=(40, 8)) as pilot:
        field = await _focused(app, pilot)
        await type_text(pilot, "abc")
        await pilot.pause()
        assert field.value == "abc"
        assert "abc" in screen_text(app)
        assert field.asked, "typing repainted nothing"
        for regions, partial in field.asked:
            assert partial, "a keystroke repainted the whole field"
            assert all(r.height == 1 and r.y == 0 for r in regions)
        field.value = ""
        await pilot.pause()
        assert "abc" not in screen_text(app)


async def test_leaving_the_field_repaints_it_whole() -> None:
    """Focus changes the border's colour: that repaint is not narrowed to the text."""
    app = Field()
    async with app.run_test(size=(40, 8)) as pilot:
        field = await _focused(app, pilot)
        app.query_one("#other", Button).focus()
        await pilot.pause()
        assert any(not partial for _, partial in field.asked)
