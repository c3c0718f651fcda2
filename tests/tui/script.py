"""A household to type in, and what the screen must show after each answer.

The next question is predicted with the real walker over a mirror of the answers, so a test or
benchmark driving the TUI by keystrokes knows which item header to wait for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from census_tui.model import HOUSEHOLD_SCOPE, Household, Person, Value
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import load_form
from census_tui.validation.idnumber import check_char


def id_number(birth: str, seq: str, area: str = "110101") -> str:
    """A well-formed GB 11643 number (FACTS §4) for test persons; seq odd = male."""
    body = f"{area}{birth}{seq}"
    return body + check_char(body)


HOUSEHOLD: dict[str, str] = {
    "H1": "1", "H2a": "3", "H2b": "0", "H3m": "0", "H3f": "0", "H4m": "0", "H4f": "0",
    "H5": "1", "H6": "86", "H7": "3",
}  # fmt: skip
PERSONS: list[dict[str, str]] = [
    {"D1": "Zhang San", "D2": "0", "D3": id_number("19800515", "001"), "D4": "1",
     "D5": "1980-05", "D6": "1", "D7": "1", "D8": "1", "D9": "1", "D11": "6", "D12": "1"},
    {"D1": "Li Si", "D2": "1", "D3": id_number("19820310", "002"), "D4": "2",
     "D5": "1982-03", "D6": "1", "D7": "1", "D8": "1", "D9": "1", "D11": "5", "D12": "1"},
    {"D1": "Zhang Xiao", "D2": "2", "D3": id_number("20150702", "013"), "D4": "1",
     "D5": "2015-07", "D6": "1", "D7": "1", "D8": "1", "D9": "1", "D11": "2"},
]  # fmt: skip


@dataclass(frozen=True)
class Step:
    """Type ``keys``; the screen then shows the question whose header contains ``marker``."""

    person: int  # -1 for household items
    item_id: str
    keys: str
    marker: str


def keys_for(item_id: str, text: str) -> str:
    """One-digit code lists commit on the key; everything else needs Enter."""
    form = load_form()
    item = form.item(item_id)
    if item.type == "code" and max(c.value for c in item.codes) < 10:
        return text
    return text + "\r"


def persons_for(household: int) -> list[dict[str, str]]:
    """PERSONS with ID numbers made distinct per household (the area check P-06 would flag
    the same number in two households as a possible double registration)."""
    out = []
    for answers in PERSONS:
        number = answers["D3"]
        seq = int(number[14:17]) + 2 * household
        out.append({**answers, "D3": id_number(number[6:14], f"{seq:03d}")})
    return out


def steps(n_persons: int = 3, household: int = 0) -> Iterator[Step]:
    """Every answer of the scripted household in walker order, with the marker that follows."""
    persons = persons_for(household)
    form = load_form()
    hh = Household(uuid="mirror")
    pos = walker.first_position(form, hh)
    index = -1
    while pos is not None:
        person_uuid, item_id = pos
        index = -1 if person_uuid == HOUSEHOLD_SCOPE else int(person_uuid)
        source = HOUSEHOLD if index < 0 else persons[index]
        text = source[item_id]
        target = hh.answers if index < 0 else hh.persons[index].answers
        value: Value = int(text) if text.isdigit() and item_id not in ("D3",) else text
        target[item_id] = value
        nxt = walker.next_position(form, hh, pos)
        if nxt is None and len(hh.persons) < n_persons:
            hh.persons.append(Person(uuid=str(len(hh.persons))))
            nxt = (str(len(hh.persons) - 1), form.person_items[0].id)
        marker = "" if nxt is None else marker_for(nxt[1])
        yield Step(index, item_id, keys_for(item_id, text), marker)
        pos = nxt


def marker_for(item_id: str) -> str:
    """What the interview header shows for an item in English: ``· D4 Sex``."""
    item = load_form().item(item_id)
    return f"{item.id} {item.label.en}"
