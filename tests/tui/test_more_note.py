"""A note on a question (F5 in the interview, issue 5 §5) is stored with its question and goes
in the household's sync payload when the household is completed."""

from __future__ import annotations

import json

from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.screens.interview import InterviewScreen
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text
from tests.tui.more_support import complete_from_interview, fill, live, on_screen, open_dwelling


async def test_note_on_a_question_is_stored_and_synced(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await open_dwelling(pilot, "D0002")
        await pilot.press("enter")
        await on_screen(pilot, "InterviewScreen")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert screen.pos == (HOUSEHOLD_SCOPE, "H1")
        await pilot.press("f5")
        await on_screen(pilot, "PromptScreen")
        assert "Note on this question" in screen_text(app)
        await type_text(pilot, "landlord answered for the tenants\r")
        await on_screen(pilot, "InterviewScreen")
        await settle(pilot)
        assert screen.pos == (HOUSEHOLD_SCOPE, "H1")  # still on the question noted

        session = live(app)
        hh = screen.hh_uuid
        notes = session.store.notes(hh)
        assert [(n.person_uuid, n.item_id, n.text) for n in notes] == [
            (HOUSEHOLD_SCOPE, "H1", "landlord answered for the tenants")
        ]
        fill(session, hh)
        await complete_from_interview(pilot)
        [item] = [i for i in session.store.outbox_pending() if i.case_uuid == hh]
        payload = json.loads(item.payload)
        assert [(n["item_id"], n["text"]) for n in payload["notes"]] == [
            ("H1", "landlord answered for the tenants")
        ]
