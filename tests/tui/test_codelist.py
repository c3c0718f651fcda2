"""The interview's code list on its own: drawing, scrolling, what a change repaints (issue 5)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.events import MouseScrollDown

from census_tui.widgets.codes import THUMB, TRACK, CodeList
from tests.tui.drive import RecordsRepaints, screen_text

LABELS = [f"{i:>2} code number {i}" for i in range(1, 31)]


class Repaints(RecordsRepaints, CodeList):
    """A code list that records the regions each change asks to repaint."""


class One(App[None]):
    CSS = "CodeList { height: 8; }"

    def compose(self) -> ComposeResult:
        yield Repaints(id="codes")


def _marks(app: One, height: int) -> list[str]:
    """The scroll-mark column of each content row (the border is one row at the top)."""
    lines = screen_text(app).splitlines()[1 : 1 + height]
    codes = app.query_one(CodeList)
    column = codes.content_region.right - 1
    return [line[column] if len(line) > column else " " for line in lines]


async def test_a_short_list_has_no_scroll_mark_and_a_long_one_shows_where_it_is() -> None:
    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        codes = app.query_one(Repaints)
        codes.set_codes(LABELS[:3], 0)
        await pilot.pause()
        height = codes.scrollable_content_region.height
        assert height == 6
        assert set(_marks(app, height)) == {" "}
        assert "code number 3" in screen_text(app)

        codes.set_codes(LABELS, 29)
        await pilot.pause()
        assert codes.scroll_offset.y == 24  # scrolled to keep the last code in view
        assert "code number 30" in screen_text(app)
        marks = _marks(app, height)
        assert set(marks) == {THUMB, TRACK}
        assert marks[-1] == THUMB and marks[0] == TRACK  # the view is at the end

        codes.set_codes(LABELS, 0)
        await pilot.pause()
        marks = _marks(app, height)
        assert marks[0] == THUMB and marks[-1] == TRACK


async def test_the_mouse_wheel_scrolls_a_long_list() -> None:
    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        codes = app.query_one(Repaints)
        codes.set_codes(LABELS, 0)
        await pilot.pause()
        assert codes.scroll_offset.y == 0
        for _ in range(2):
            codes.post_message(MouseScrollDown(codes, 2, 2, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert codes.scroll_offset.y > 0
        assert codes.highlighted == 0  # the wheel scrolls, it does not pick
        codes.set_codes(LABELS[:2], None)
        await pilot.pause()
        assert codes.scroll_offset.y == 0 and not codes.allow_vertical_scroll


async def test_a_change_repaints_only_the_rows_that_changed() -> None:
    """Moving the highlight repaints two rows; a new list of the same length repaints its own
    rows, not the blank ones below; nothing changed, nothing repainted."""
    app = One()
    async with app.run_test(size=(40, 12)) as pilot:
        codes = app.query_one(Repaints)
        codes.set_codes(LABELS[:3], 0)
        await pilot.pause()

        codes.asked.clear()
        codes.highlighted = 1
        assert [r.y for regions in codes.asked for r in regions] == [0, 1]
        await pilot.pause()
        lit = codes.get_visual_style("code-list--highlighted").rich_style
        assert next(iter(codes.render_line(1))).style == lit

        codes.asked.clear()
        codes.set_codes(["1 yes", "2 no", "3 maybe"], 1)
        assert sorted(r.y for regions in codes.asked for r in regions) == [0, 1, 2]
        await pilot.pause()
        assert "2 no" in screen_text(app)

        codes.asked.clear()
        codes.set_codes(["1 yes", "2 no", "3 maybe"], 1)
        assert codes.asked == []
