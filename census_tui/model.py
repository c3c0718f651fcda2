"""The household as every layer sees it: plain data, no I/O.

The store builds it, the walker and the logic checks read it, the sync payload is its JSON form
(``docs/household-json.md``). Answers are keyed by the item ids of ``docs/form.md``.

Answer values:
* code lists and integers: ``int``;
* year-month (D5): ``"YYYY-MM"``;
* text (D1, D7P, D8P): ``str``;
* ID number (D3): the normalised 18-character string, or ``""`` for an explicit
  "no ID number" answer (its reason is the code item D3N);
* an item that has not been answered is absent from the dict (never stored as ``None``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

Value: TypeAlias = int | str

HOUSEHOLD_SCOPE = ""
"""``person_uuid`` used for household-level answers and findings."""

MODE_VISIT = "visit"
"""How a household was enumerated: in person at the door (the default)."""
MODE_PHONE = "phone"
"""How a household was enumerated: by telephone registration (电话登记)."""
MODES = (MODE_VISIT, MODE_PHONE)
"""The values of :attr:`Household.mode` (household JSON ``mode``, docs/household-json.md)."""


@dataclass(slots=True)
class Person:
    """One person record. The UUID survives reordering; position is the list order."""

    uuid: str
    answers: dict[str, Value] = field(default_factory=dict)


@dataclass(slots=True)
class Confirmation:
    """An enumerator's confirmation of a warning or override of an overridable error.

    ``values`` is a snapshot of the answers the finding concerned, keyed ``"<person>:<item>"``
    (person ``""`` for household items); when any of them changes the confirmation lapses.
    """

    rule_id: str
    person_uuid: str
    reason: str
    by: str
    at: str
    values: dict[str, Value | None] = field(default_factory=dict)


@dataclass(slots=True)
class Note:
    """A free-text note the enumerator attached to a question (or to the household)."""

    person_uuid: str
    item_id: str
    text: str
    at: str


@dataclass(slots=True)
class Household:
    """A household case: household items, persons in order (head first), confirmations."""

    uuid: str
    dwelling_id: str = ""
    hh_number: int = 0
    answers: dict[str, Value] = field(default_factory=dict)
    persons: list[Person] = field(default_factory=list)
    deaths: list[Person] = field(default_factory=list)
    """Death records (死亡人口调查表, the form's ``deaths`` form), in order; answers keyed by the
    death form's item ids (S2 … S8). Empty for a household without deaths."""
    confirmations: list[Confirmation] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    revision: int = 0
    form_id: str = "short2020"
    training: bool = False
    mode: str = MODE_VISIT
    """How the household was enumerated: :data:`MODE_VISIT` or :data:`MODE_PHONE` (its case's
    latest attempt before completion was a telephone registration)."""

    def person(self, uuid: str) -> Person | None:
        for p in self.persons:
            if p.uuid == uuid:
                return p
        return None

    def death(self, uuid: str) -> Person | None:
        for d in self.deaths:
            if d.uuid == uuid:
                return d
        return None
