"""Today's appointment comes first on the dashboard and shows its local time, within 80 columns;
another day's shows the date."""

from __future__ import annotations

from datetime import timedelta

from census_tui.clock import FakeClock
from census_tui.visit.api import Attempt
from census_tui.visit.gate import VisitGate
from census_tui.visit.outcomes import Channel, Outcome
from tests.tui.conftest import PASSWORD, PROFILE
from tests.tui.drive import AppFactory, login, screen_text


async def test_todays_appointment_first_with_its_local_time(
    app_factory: AppFactory, gate: VisitGate, clock: FakeClock
) -> None:
    session = gate.unlock(PROFILE, PASSWORD)
    now = clock.now()
    later = now + timedelta(hours=3)
    next_week = now + timedelta(days=7)
    session.record_attempt(
        "D0007",
        Attempt(at=now, outcome=Outcome.APPOINTMENT, channel=Channel.PHONE, appointment_at=later),
    )
    session.record_attempt(
        "D0009",
        Attempt(
            at=now, outcome=Outcome.APPOINTMENT, channel=Channel.WECHAT, appointment_at=next_week
        ),
    )
    session.close()
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        lines = screen_text(app).splitlines()
        rows = [line for line in lines if line.startswith(" D00")]
        assert rows[0].split()[0] == "D0007"  # today's appointment first
        assert rows[0].rstrip().endswith(later.astimezone().strftime("%H:%M"))
        row9 = next(r for r in rows if r.split()[0] == "D0009")
        assert row9.rstrip().endswith(next_week.astimezone().strftime("%m-%d"))
