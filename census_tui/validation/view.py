"""A household read once for the logic checks: every answer typed, checked and parsed.

The store may hold anything in an answer (a wrong type, a garbage string); the rules must never
raise. So they do not read ``Household.answers`` directly: this view turns each answer into an
``int`` or ``None``, parses D5 and D3 once, and computes ages at the standard time
(``census_tui.questionnaire.standard_time``, the one place of the age rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from census_tui.model import Household, Person
from census_tui.questionnaire.standard_time import age_at_standard_time, parse_yearmonth
from census_tui.validation import idnumber


def as_int(value: object) -> int | None:
    """An answer as an ``int``; ``None`` for a missing answer or any other type (bool too)."""
    return value if type(value) is int else None


def as_text(value: object) -> str | None:
    """An answer as a ``str``; ``None`` for a missing answer or another type."""
    return value if isinstance(value, str) else None


def _answers(obj: Any) -> dict[str, Any]:
    answers = getattr(obj, "answers", None)
    return answers if isinstance(answers, dict) else {}


@dataclass(slots=True)
class PersonView:
    """One person, parsed. ``None`` means missing or unusable (another rule reports why)."""

    uuid: str
    index: int
    answers: dict[str, Any]
    rel: int | None
    sex: int | None
    birth: tuple[int, int] | None
    """D5 as (year, month) when it is a valid year-month."""
    age: int | None
    """Completed years at the standard time, from D5."""
    id_result: idnumber.IdResult | None
    """D3 checked; ``None`` when D3 is absent."""

    @property
    def birth_index(self) -> int | None:
        """Months since year 0, for age gaps."""
        return None if self.birth is None else self.birth[0] * 12 + self.birth[1] - 1

    def code(self, item: str) -> int | None:
        return as_int(self.answers.get(item))

    def has(self, item: str) -> bool:
        return item in self.answers


def _person_view(person: Person, index: int) -> PersonView:
    answers = _answers(person)
    uuid = person.uuid if isinstance(person.uuid, str) else ""
    d5 = answers.get("D5")
    birth = parse_yearmonth(d5) if isinstance(d5, str) and len(d5) == 7 else None
    age = None if birth is None else age_at_standard_time(*birth)
    id_result = idnumber.check(answers["D3"]) if "D3" in answers else None
    return PersonView(
        uuid=uuid,
        index=index,
        answers=answers,
        rel=as_int(answers.get("D2")),
        sex=as_int(answers.get("D4")),
        birth=birth,
        age=age,
        id_result=id_result,
    )


@dataclass(slots=True)
class HouseholdView:
    """The household as the rules read it."""

    household: Household
    answers: dict[str, Any]
    persons: list[PersonView]

    def code(self, item: str) -> int | None:
        return as_int(self.answers.get(item))

    def has(self, item: str) -> bool:
        return item in self.answers

    def with_rel(self, *codes: int) -> list[PersonView]:
        """Persons whose D2 is one of ``codes``, in order."""
        return [p for p in self.persons if p.rel in codes]

    @property
    def head(self) -> PersonView | None:
        """The (first) 户主, D2 = 0."""
        for p in self.persons:
            if p.rel == 0:
                return p
        return None

    @property
    def spouse(self) -> PersonView | None:
        """The (first) 配偶, D2 = 1."""
        for p in self.persons:
            if p.rel == 1:
                return p
        return None


def view(household: Household) -> HouseholdView:
    """Parse ``household`` for the rules; never raises on anything a Household can hold."""
    persons = household.persons if isinstance(household.persons, list) else []
    return HouseholdView(
        household=household,
        answers=_answers(household),
        persons=[_person_view(p, i) for i, p in enumerate(persons)],
    )
