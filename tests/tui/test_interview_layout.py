"""Answering never re-arranges the interview screen (issue 5 §12: the keystroke path).

A layout pass re-arranges and redraws every widget of the screen; it was the largest single cost
of an answer. Every box of the interview has a fixed height, the code list keeps its place when
a question has no codes, and the answer field's text changes only repaint it. These tests record
every layout a widget of the screen asks for while a household is typed in, so a change that
brings one back (a height left to ``auto``, a widget hidden and shown) fails here rather than in
a benchmark.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual import events
from textual.geometry import Region
from textual.widget import Widget

from census_tui.screens.interview import InterviewScreen
from census_tui.widgets.answer import AnswerInput
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text
from tests.tui.script import steps


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Each layout asked for (``Widget.refresh(layout=True)``, which lays out the widget's
    screen), as ``screen class:widget class``."""
    seen: list[str] = []
    original = Widget.refresh

    def spying(self: Widget, *regions: Region, **kw: bool) -> Widget:
        if kw.get("layout") or kw.get("recompose"):
            screen = type(self.screen).__name__ if self.is_attached else "-"
            seen.append(f"{screen}:{type(self).__name__}")
        return original(self, *regions, **kw)

    monkeypatch.setattr(Widget, "refresh", spying)
    yield seen


async def open_interview(pilot: object, app: object) -> InterviewScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await login(pilot, PASSWORD)
    await pilot.press("enter")  # the first dwelling
    await settle(pilot)
    await pilot.press("enter")  # start the interview
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InterviewScreen)
    return screen


@pytest.mark.parametrize("size", [(80, 24), (40, 16)], ids=["80x24", "40x16"])
async def test_answering_lays_out_nothing(
    app_factory: AppFactory, layouts: list[str], size: tuple[int, int]
) -> None:
    """Household items and two persons typed: code lists, typed items, an ID number, field
    messages and findings come and go, and the screen is never laid out again."""
    app = app_factory("en")
    async with app.run_test(size=size) as pilot:
        screen = await open_interview(pilot, app)
        await settle(pilot)
        layouts.clear()
        answered = 0
        for step in steps():
            if step.person >= 2:
                break
            await type_text(pilot, step.keys)
            await pilot.pause()
            answered += 1
        await settle(pilot)
        assert answered > 20
        assert screen.pos[0] != "", "the walk reached the persons"
        assert not [w for w in layouts if w.startswith("InterviewScreen:")], layouts


async def test_a_field_message_and_findings_share_the_fixed_area(app_factory: AppFactory) -> None:
    """A bad value's message and a finding are both shown without a layout pass."""
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, app)
        await pilot.press("2")  # H1 collective household: a later count check is about it
        await pilot.pause()
        await type_text(pilot, "abc")  # H2a wants a number
        await pilot.pause()
        text = screen_text(app)
        assert "✗" in text
        await type_text(pilot, "\r")
        await pilot.pause()
        assert screen.pos[1] == "H2a", "a value that does not parse is not saved"


async def test_long_text_scrolls_in_the_answer_field(app_factory: AppFactory) -> None:
    """Without the layout pass the field still scrolls to keep the cursor (its end) visible."""
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_interview(pilot, app)
        for step in steps():
            if step.item_id == "D1":
                break
            await type_text(pilot, step.keys)
            await pilot.pause()
        assert screen.pos[1] == "D1"
        name = "Q" * 50 + "TAILEND"
        await type_text(pilot, name)
        await pilot.pause()
        field = screen.query_one("#iv-answer", AnswerInput)
        assert field.value == name
        assert field.scroll_x > 0
        assert "TAILEND" in screen_text(app)
        field.value = ""
        await pilot.pause()
        assert field.scroll_x == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_typed_question_shows_its_definition_in_the_code_box(
    app_factory: AppFactory, lang: str
) -> None:
    """No codes to pick: the box shows the item's definition (指标解释), nothing is highlighted,
    ↑↓ pick nothing, and the next code question shows its codes again."""
    from census_tui.questionnaire.form import load_form
    from census_tui.widgets.codes import CodeList

    app = app_factory(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, app)
        await pilot.press("1")  # H1 family household
        await pilot.pause()
        assert screen.pos[1] == "H2a"
        codes = screen.query_one("#iv-codes", CodeList)
        definition = load_form().item("H2a").definition("zh" if lang == "zh" else "en")
        assert codes.option_count == 0 and codes.highlighted is None
        text = screen_text(app)
        assert definition[:12] in text
        await pilot.press("down")
        await pilot.pause()
        assert codes.highlighted is None


async def test_keys_typed_while_the_interview_opens_reach_its_questions_in_order(
    app_factory: AppFactory,
) -> None:
    """Keys typed while the interview screen is still being pushed wait (the app's type-ahead)
    and then reach its opening question, in order: "1" answers H1 (one-digit codes commit on
    the key), and "3" typed next lands in H2a's field, not in H1's. Text typed ahead on a
    reopened interview stays in the field when the question is drawn."""
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_interview(pilot, app)  # makes the household case
        dwelling, hh_uuid = first.dwelling_id, first.hh_uuid
        await pilot.press("escape")
        await settle(pilot)
        screen = InterviewScreen(dwelling, hh_uuid)
        app.push_screen(screen)  # not awaited: the keys arrive while it is being mounted
        app.post_message(events.Key("1", "1"))
        app.post_message(events.Key("3", "3"))
        await settle(pilot)
        assert app.screen is screen
        assert screen.pos[1] == "H2a"
        assert screen.query_one("#iv-answer", AnswerInput).value == "3"
        assert "H2a" in screen_text(app)
        assert screen.session.household(hh_uuid).answers["H1"] == 1

        await app.pop_screen()
        await settle(pilot)
        again = InterviewScreen(dwelling, hh_uuid)
        await app.push_screen(again)
        assert again.pos[1] == "H2a"  # resumed where it was
        again.query_one("#iv-answer", AnswerInput).value = "3"  # typed ahead, no Enter yet
        await settle(pilot)
        assert again.query_one("#iv-answer", AnswerInput).value == "3"
        assert "H2a" in screen_text(app)
