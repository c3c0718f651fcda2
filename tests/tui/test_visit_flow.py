"""A whole visit through the real TUI on a real SQLCipher profile (issue 5 §11).

Login → appointment → identity → a 3-person household with one error corrected (a second 户主,
FACTS §7.2 R-01) and one warning confirmed with a reason (illiterate with 初中+ education,
P-14) → self-check → read-back → completed; then the store is checked.
"""

from __future__ import annotations

from census_tui.screens.interview import InterviewScreen
from census_tui.visit.gate import VisitGate
from census_tui.visit.service import VisitSession
from census_tui.visit.states import CaseState
from tests.tui.conftest import PASSWORD, PROFILE
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text
from tests.tui.script import steps


async def test_whole_visit(app_factory: AppFactory, gate: VisitGate) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        assert type(app.screen).__name__ == "DashboardScreen"
        assert "D0001" in screen_text(app)

        await pilot.press("enter")  # first dwelling
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitScreen"

        # Appointment by WeChat for the evening of 5 November.
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("2")  # appointment booked
        await type_text(pilot, "11-05 19:30\r")
        await pilot.press("2")  # WeChat
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitScreen"
        assert "appointment booked" in screen_text(app)

        # Identity presentation: the whole checklist.
        await pilot.press("i")
        await settle(pilot)
        assert "Verification code" in screen_text(app)
        await pilot.press("1", "2", "3", "ctrl+s")
        await settle(pilot)

        await pilot.press("enter")  # start the interview
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        error_corrected = warning_confirmed = False
        for step in steps():
            if step.person == 1 and step.item_id == "D2" and not error_corrected:
                await pilot.press("0")  # a second head of household: R-01 error
                await pilot.pause()
                assert screen.pos[1] == "D2", "the error keeps the question on screen"
                assert "R-01" in screen_text(app)
                error_corrected = True  # the scripted "1" (配偶) below corrects it
            if step.person == 0 and step.item_id == "D12":
                await pilot.press("2")  # illiterate, yet D11 = 6: P-14 warning
                await pilot.pause()
                assert screen.pos[1] == "D12" and "P-14" in screen_text(app)
                await pilot.press("f9")
                await settle(pilot)
                await type_text(pilot, "reads only Braille\r")
                await settle(pilot)
                await pilot.press("enter")  # keep the answer, go on
                await pilot.pause()
                warning_confirmed = True
                continue
            await type_text(pilot, step.keys)
            await pilot.pause()
        assert error_corrected and warning_confirmed
        await settle(pilot)

        assert type(app.screen).__name__ == "SelfCheckScreen", screen_text(app)
        assert "Self-check passed" in screen_text(app), screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReadBackScreen"
        shown = screen_text(app)
        assert "Zhang San" in shown, shown
        await type_text(pilot, "Zhang San\r")
        await settle(pilot)
        assert type(app.screen).__name__ == "DashboardScreen"

    session = gate.unlock(PROFILE, PASSWORD)
    assert isinstance(session, VisitSession)
    try:
        dash = session.dashboard()
        row = next(r for r in dash.rows if r.dwelling_id == "D0001")
        assert row.state is CaseState.COMPLETED
        assert dash.outbox_depth >= 1
        attempts = session.attempts("D0001")
        assert [a.outcome for a in attempts] == ["appointment"]
        assert attempts[0].channel == "wechat"
        hh = session.household(session.start_interview("D0001"))
        assert [p.answers["D1"] for p in hh.persons] == ["Zhang San", "Li Si", "Zhang Xiao"]
        assert hh.persons[1].answers["D2"] == 1
        assert hh.persons[0].answers["D12"] == 2
        assert [c.rule_id for c in hh.confirmations] == ["P-14"]
        assert hh.confirmations[0].reason == "reads only Braille"
        assert hh.answers["H6"] == 86
    finally:
        session.close()
