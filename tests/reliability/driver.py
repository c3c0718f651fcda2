"""A scripted enumerator for the crash storm: the same services the TUI uses, in a child process.

Usage: python -m tests.reliability.driver BASE PROFILE PASSWORD HOUSEHOLDS SYNC_EVERY

It unlocks the profile through :class:`~census_tui.visit.service.VisitGate` (as the login
screen does), then for each of the first HOUSEHOLDS dwellings of the area (in id order) starts
the interview, enters the planned answers (:mod:`tests.reliability.plan`) and completes the
household (which writes the outbox in the same transaction). It prints, flushed:

* ``ACK <hh> <person|-> <item>`` after each answer's ``set_answer`` returned (committed),
* ``DONE <hh>`` after ``complete`` returned,
* ``SYNC`` before and ``SYNCED <acked> <remaining>`` after each sync,
* ``FINISHED`` when every household is complete and the outbox is empty.

Killed at any point and started again, it carries on where the store says it was: answers
already there are unchanged (``set_answer`` of an equal value is a no-op), persons already
added are reused, completed households are skipped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from census_tui.clock import SystemClock
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.visit.gate import VisitGate
from census_tui.visit.service import VisitSession
from census_tui.visit.states import CaseState
from tests.reliability.plan import household_plan

DONE_STATES = {CaseState.COMPLETED, CaseState.SYNCED, CaseState.APPROVED}


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def sync(s: VisitSession) -> int:
    say("SYNC")
    outcome = s.sync()
    remaining = s.store.outbox_depth()
    say(f"SYNCED {outcome.acked} {remaining}")
    return remaining


def enter(s: VisitSession, dwelling_id: str, index: int) -> None:
    plan = household_plan(index)
    hh = s.start_interview(dwelling_id)
    for item, value in plan.answers.items():
        s.set_answer(hh, HOUSEHOLD_SCOPE, item, value)
        say(f"ACK {hh} - {item}")
    persons = [p.uuid for p in s.household(hh).persons]
    while len(persons) < len(plan.persons):
        persons.append(s.add_person(hh))
    for person, answers in zip(persons, plan.persons, strict=False):
        for item, value in answers.items():
            s.set_answer(hh, person, item, value)
            say(f"ACK {hh} {person} {item}")
    s.complete(hh, "户主本人")
    say(f"DONE {hh}")


def main() -> int:
    base, profile, password, households, sync_every = sys.argv[1:6]
    gate = VisitGate(clock=SystemClock(), base=Path(base))
    s = gate.unlock(profile, password)
    try:
        dwellings = sorted(d.id for d in s.store.dwellings())[: int(households)]
        done = 0
        for index, dwelling_id in enumerate(dwellings):
            states = {CaseState(c.state) for c in s.store.cases(dwelling_id)}
            if states & DONE_STATES:
                continue
            enter(s, dwelling_id, index)
            done += 1
            if done % int(sync_every) == 0:
                sync(s)
        for _ in range(10):
            if sync(s) == 0:
                say("FINISHED")
                return 0
        return 1
    finally:
        s.close()


if __name__ == "__main__":
    sys.exit(main())
