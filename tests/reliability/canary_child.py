"""Child processes of the canary test (run with CENSUS_TUI_HOME and TMPDIR set by the test).

Usage: python -m tests.reliability.canary_child plant|crash PROFILE PASSWORD CANARIES_JSON

* ``plant``: through the visit service (as the TUI does) put a distinct canary in every field
  that holds personal data: the enumerator card, names, ID numbers, a phone number in a note,
  a confirmation reason, attempt notes and doubts, an added dwelling's address, the
  respondent's name, birthplace texts; complete two households (they go to the outbox).
* ``crash``: unlock, read a household full of canaries, then hit an unexpected exception
  inside a TUI thread worker (the dashboard's load fails with a non-census error whose
  locals hold the household) and run the app headless until it settles; also let an
  unexpected exception escape to the top of the process. What it prints is scanned.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta

from census_tui import paths
from census_tui.clock import SystemClock
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.store import META_ENUMERATOR_CARD
from census_tui.visit.api import Attempt
from census_tui.visit.gate import VisitGate
from census_tui.visit.outcomes import Channel, Outcome
from census_tui.visit.service import VisitSession
from tests.reliability.plan import household_plan


def plant(s: VisitSession, c: dict[str, str]) -> None:
    card = json.loads(s.store.get_meta(META_ENUMERATOR_CARD) or "{}")
    card["name"] = c["card_name"]
    s.store.set_meta(META_ENUMERATOR_CARD, json.dumps(card, ensure_ascii=False))
    dwellings = sorted(d.id for d in s.store.dwellings())
    added = s.add_dwelling(c["address"])
    s.record_attempt(
        dwellings[0],
        Attempt(
            at=s.clock.now(),
            outcome=Outcome.APPOINTMENT,
            channel=Channel.PHONE,
            doubt=c["doubt"],
            note=f"{c['attempt_note']} {c['phone']}",
            appointment_at=s.clock.now() + timedelta(hours=2),
        ),
    )
    for n, dwelling_id in enumerate([dwellings[0], dwellings[1], added]):
        plan = household_plan(n)
        hh = s.start_interview(dwelling_id)
        for item, value in plan.answers.items():
            s.set_answer(hh, HOUSEHOLD_SCOPE, item, value)
        for i, answers in enumerate(plan.persons):
            person = s.add_person(hh)
            answers = {**answers, "D1": c[f"name{n}{i}"], "D3": c[f"id{n}{i}"]}
            for item, value in answers.items():
                s.set_answer(hh, person, item, value)
            if i == 0:
                s.set_answer(hh, person, "D7P", c["d7p"])  # inapplicable: kept only in the log
                s.add_note(hh, person, "D1", f"{c['note']} {c['phone']}")
        s.set_answer(hh, HOUSEHOLD_SCOPE, "H6", 5000)  # HH-06 warning: confirmed with a reason
        for f in s.findings(hh):
            if f.severity == "warning":
                s.confirm(hh, f.rule_id, f.person_uuid, c["reason"])
        if n < 2:
            s.complete(hh, c[f"respondent{n}"])


async def crash_in_worker(gate: VisitGate, s: VisitSession) -> None:
    from census_tui.app import make_app

    hh = s.store.cases()[0].uuid

    def dashboard() -> object:
        household = s.household(hh)  # personal data in the failing frame's locals
        raise RuntimeError(f"unexpected failure after reading {len(household.persons)} persons")

    s.dashboard = dashboard  # type: ignore[method-assign,assignment]
    app = make_app(gate, lang="en", clock=SystemClock(), idle_minutes=0)
    async with app.run_test() as pilot:
        app.logged_in(s)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()


def main() -> int:
    mode, profile, password, canaries = sys.argv[1:5]
    c = json.loads(canaries)
    gate = VisitGate(clock=SystemClock(), base=paths.home())
    s = gate.unlock(profile, password)
    if mode == "plant":
        plant(s, c)
        s.close()
        return 0
    household = s.household(s.store.cases()[0].uuid)
    asyncio.run(crash_in_worker(gate, s))  # the app closes the session when it ends
    # an unexpected exception escaping to the top, with personal data in its frame's locals
    raise RuntimeError(f"unexpected: {len(household.persons)} persons")


if __name__ == "__main__":
    sys.exit(main())
