"""Memory hygiene (peak memory while interviewing): the app's one garbage-collection policy
(``CensusApp.tidy`` on each screen switch) collects what earlier screens left before it freezes
what is alive."""

from __future__ import annotations

import gc

from census_tui.screens.interview import InterviewScreen
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, settle


async def test_the_interview_does_not_freeze_earlier_screens_garbage(
    app_factory: AppFactory,
) -> None:
    """Each new screen makes Textual re-parse the whole stylesheet; the old rules (~10,000
    objects in reference cycles) are garbage that only the cyclic collector frees. Freezing
    them with the interview's live objects would keep them for the whole interview."""
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        await pilot.press("enter")  # the first dwelling
        await settle(pilot)
        await pilot.press("enter")  # start the interview
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        frozen = gc.get_freeze_count()
        gc.unfreeze()
        try:
            garbage = gc.collect()
        finally:
            gc.freeze()
        assert frozen > 50_000
        assert garbage < 2_000  # ~10,000 when the stylesheets' garbage is frozen; ~900 now
