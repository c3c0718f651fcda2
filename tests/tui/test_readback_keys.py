"""The read-back scrolls with PgUp/PgDn while the cursor stays in the respondent's field, and
the ID number's definition says how "no ID number" is entered (issue 16 §8)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Input

from census_tui.questionnaire.answers import NO_ID_WORDS
from census_tui.questionnaire.form import load_form
from census_tui.screens.readback import ReadBackScreen
from census_tui.visit.service import VisitSession
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, prefill_household, settle


async def test_page_keys_scroll_the_read_back_from_the_respondent_field(
    app_factory: AppFactory,
) -> None:
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, PASSWORD)
        session = app.session
        assert isinstance(session, VisitSession)
        prefill_household(session, "D0002")
        await pilot.press("/", *"D0002", "enter")
        await settle(pilot)
        await pilot.press("enter", "f8")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadBackScreen)
        lines = app.screen.query_one("#rb-lines", VerticalScroll)
        assert lines.scroll_y == 0 and lines.max_scroll_y > 0
        await pilot.press("pagedown")
        await settle(pilot)
        assert lines.scroll_y > 0
        assert isinstance(app.focused, Input)
        await pilot.press("pageup")
        await settle(pilot)
        assert lines.scroll_y == 0


def test_the_id_definition_names_a_word_that_records_no_id_number() -> None:
    item = load_form().item("D3")
    for lang in ("zh", "en"):
        text = item.definition(lang)
        assert any(f"'{w}'" in text or f"“{w}”" in text for w in NO_ID_WORDS), text
