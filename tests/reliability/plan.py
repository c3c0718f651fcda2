"""What the scripted enumerator types: a deterministic, valid household for each dwelling.

Both the driver (which enters it) and the harness (which checks the store afterwards) compute
the same answers from the dwelling's index, so an ``ACK`` line needs to carry no value.
Every household passes the logic checks (FACTS §7) and its ID numbers are distinct across the
area (a duplicate in the area would be an error finding and block completion).
"""

from __future__ import annotations

from dataclasses import dataclass

from census_tui.model import Value
from tests.validation.builders import PEOPLE, make_id, person_answers


@dataclass(frozen=True)
class HouseholdPlan:
    """The household items and, in roster order, each person's answers."""

    answers: dict[str, Value]
    persons: list[dict[str, Value]]


def household_plan(index: int) -> HouseholdPlan:
    """The ``index``-th household (0-based): 2 to 4 persons, all answers valid."""
    n = 2 + index % 3
    persons: list[dict[str, Value]] = []
    for i, (rel, sex, birth) in enumerate(PEOPLE[:n]):
        seq = index * 10 + i + 1
        answers = person_answers(rel, sex, birth, seq=seq)
        # distinct across the area: the sequence digits differ, the day spreads the rest
        answers["D3"] = make_id(birth, sex, seq=seq % 500, day=1 + (seq // 500) % 28)
        persons.append(answers)
    hh: dict[str, Value] = {
        "H1": 1,
        "H2a": n,
        "H2b": 0,
        "H3m": 0,
        "H3f": 0,
        "H4m": 0,
        "H4f": 0,
        "H5": 1,
        "H6": 30 * n,
        "H7": n,
    }
    return HouseholdPlan(hh, persons)
