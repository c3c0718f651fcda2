"""Entering answers as a form tool should (issue 16 §6, §7, §15): typing over an answer already
given replaces it; a code list with two-digit codes says that Enter is needed and cannot pile
up digits; a finding shown while typing carries the same mark it has once saved."""

from __future__ import annotations

from census_tui.screens.interview import InterviewScreen
from census_tui.widgets.answer import AnswerInput
from tests.tui.drive import AppFactory, screen_text, settle, type_text
from tests.tui.script import id_number
from tests.tui.test_interview_layout import open_interview


async def _at(pilot: object, screen: InterviewScreen, item_id: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    assert screen.pos[1] == item_id, screen.pos


async def test_typing_over_an_answer_replaces_it(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, app)
        await pilot.press("1")  # H1
        await _at(pilot, screen, "H2a")
        await type_text(pilot, "3\r")
        await _at(pilot, screen, "H2b")
        await pilot.press("pageup")  # back to H2a, which shows its answer
        await _at(pilot, screen, "H2a")
        field = screen.query_one("#iv-answer", AnswerInput)
        assert field.value == "3"
        await type_text(pilot, "4\r")
        await _at(pilot, screen, "H2b")
        assert screen.session.household(screen.hh_uuid).answers["H2a"] == 4
        await pilot.press("pageup")
        await _at(pilot, screen, "H2a")
        await pilot.press("enter")  # Enter alone keeps the answer
        await _at(pilot, screen, "H2b")
        assert screen.session.household(screen.hh_uuid).answers["H2a"] == 4


async def test_a_two_digit_code_list_says_enter_and_takes_two_digits(
    app_factory: AppFactory,
) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_interview(pilot, app)
        session = first.session
        hh = first.hh_uuid
        person = session.add_person(hh)
        await pilot.press("escape")
        await settle(pilot)
        screen = InterviewScreen(first.dwelling_id, hh, start=(person, "D10"))
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.pos[1] == "D10"
        assert "then Enter" in screen_text(app)
        await type_text(pilot, "111111")
        await settle(pilot)
        field = screen.query_one("#iv-answer", AnswerInput)
        assert field.value == "11"
        assert screen.pos[1] == "D10"  # nothing committed without Enter


async def test_a_finding_while_typing_is_marked_as_it_is_once_saved(
    app_factory: AppFactory,
) -> None:
    """An ID number that contradicts the sex given: the same mark and rule id while typing as
    in the findings after Enter, not a ✗ that turns into a ! (issue 16 §15)."""
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        first = await open_interview(pilot, app)
        session = first.session
        hh = first.hh_uuid
        person = session.add_person(hh)
        session.set_answer(hh, person, "D4", 2)  # female
        await pilot.press("escape")
        await settle(pilot)
        screen = InterviewScreen(first.dwelling_id, hh, start=(person, "D3"))
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.pos[1] == "D3"
        await type_text(pilot, id_number("19800515", "001"))  # odd 17th digit: a man's number
        await settle(pilot)
        typing = [ln.strip() for ln in screen_text(app).splitlines() if "P-0" in ln]
        assert typing, screen_text(app)
        assert not any(ln.startswith("✗") for ln in typing if "!" in ln)
        await pilot.press("enter")
        await settle(pilot)
        saved = [ln.strip() for ln in screen_text(app).splitlines() if "P-0" in ln]
        assert saved and saved[0][0] == typing[0][0]
