"""A supervisor's re-visit (二次入户核实) against the enumerator's record: item by item.

The re-visit asks only the key items (docs/protocol.md "Supervisor", FIELDWORK.md quality
control): the number of persons, and for each person D1 name, D2 relationship to the head,
D3 ID number, D4 sex and D5 birth year-month. :func:`compare` pairs the re-visit's persons with
the persons of the enumerator's latest revision and lists every difference; :meth:`Comparison.
return_items` turns them into the ``items`` of a return (退回), so a supervisor can send the
case back pointing at exactly the questions that differ.

Persons are paired in three passes, each taking persons not yet paired, in order:

1. the same ID number (D3, normalised as ``validation.idnumber.normalise``; an empty answer,
   "no ID number", never pairs);
2. the same name (D1, as ``questionnaire.form.name_key``: NFKC, case-folded, no spaces);
3. what is left, by order: the enumerator's read-back order against the re-visit's order.

An item the re-visit did not ask (absent from its person) is not compared; an item the
enumerator left unanswered compares as absent (``None``). Values are compared after the same
normalisation (names and ID numbers) and otherwise exactly (``1`` is not ``"1"``).

Pure: no I/O, no server imports. Differences carry the answers themselves (names, ID numbers):
they go to the supervisor who asked, never into a log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from census_tui.model import HOUSEHOLD_SCOPE, Value
from census_tui.questionnaire.form import name_key
from census_tui.validation.idnumber import normalise as normalise_id

KEY_ITEMS: tuple[str, ...] = ("D1", "D2", "D3", "D4", "D5")
"""The person items a re-visit asks again, in the order they are compared and listed."""
PERSON_COUNT = "#persons"
"""The pseudo item of the number of persons (as in a confirmation's snapshot)."""
DEFAULT_COUNT_ITEMS: tuple[str, ...] = ("H2a", "H2b")
"""The household items whose sum is the number of persons on the short and long forms."""
MAX_RETURN_ITEMS = 50
"""A return names at most this many questions (``review.MAX_ITEMS``)."""

Answers = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference between the enumerator's record and the re-visit.

    ``kind``: ``count`` (the number of persons), ``different`` (a key item of a paired person),
    ``missing`` (a person of the record not found on the re-visit) or ``extra`` (a person the
    re-visit found who is not in the record). ``number`` is the enumerator's person as numbered
    on the read-back (from 1), ``revisit_index`` the re-visit's person (from 0)."""

    kind: str
    item_id: str
    person_uuid: str = HOUSEHOLD_SCOPE
    number: int | None = None
    revisit_index: int | None = None
    enumerator: Value | None = None
    revisit: Value | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "item_id": self.item_id,
            "person_uuid": self.person_uuid,
            "number": self.number,
            "revisit_index": self.revisit_index,
            "enumerator": self.enumerator,
            "revisit": self.revisit,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """What a re-visit found: the items compared and the differences, in a stable order."""

    compared_items: tuple[str, ...]
    differences: tuple[Difference, ...]
    pairs: tuple[tuple[int, int], ...]
    """(enumerator's person index, re-visit's person index) of every pair, both from 0."""

    def return_items(
        self, count_items: Sequence[str] = DEFAULT_COUNT_ITEMS
    ) -> list[tuple[str, str]]:
        """The differences as a return's ``(person_uuid, item_id)`` pairs, first difference
        first, each once: a differing item of a person is that item; a person missing on the
        re-visit is their name (D1); a wrong number of persons or an extra person is the
        household's person counts (``count_items``: H2a and H2b, FN on hmt2020)."""
        out: list[tuple[str, str]] = []
        for d in self.differences:
            if d.kind == "different":
                wanted = [(d.person_uuid, d.item_id)]
            elif d.kind == "missing":
                wanted = [(d.person_uuid, "D1")]
            else:
                wanted = [(HOUSEHOLD_SCOPE, item) for item in count_items]
            out.extend(w for w in wanted if w not in out)
        return out[:MAX_RETURN_ITEMS]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


_NORMAL: dict[str, Callable[[Any], Any]] = {
    "D1": lambda v: name_key(v) if isinstance(v, str) else v,
    "D3": lambda v: normalise_id(v).upper() if isinstance(v, str) else v,
    "D5": lambda v: v.strip() if isinstance(v, str) else v,
}


def _norm(item: str, value: Any) -> Any:
    return _NORMAL.get(item, lambda v: v)(value)


def _same(item: str, a: Any, b: Any) -> bool:
    x, y = _norm(item, a), _norm(item, b)
    return type(x) is type(y) and x == y


def _persons(household: Answers) -> list[tuple[str, Answers]]:
    """The record's persons in read-back order: (uuid, answers)."""
    raw = household.get("persons")
    persons = [p for p in raw if isinstance(p, dict)] if isinstance(raw, list) else []
    persons.sort(key=lambda p: p["position"] if isinstance(p.get("position"), int) else 0)
    out: list[tuple[str, Answers]] = []
    for p in persons:
        answers = p.get("answers")
        out.append((_text(p.get("uuid")), answers if isinstance(answers, dict) else {}))
    return out


def _pair(
    record: list[tuple[str, Answers]], revisit: Sequence[Answers], items: Sequence[str]
) -> list[tuple[int, int]]:
    """The pairs of the module's three passes, in the enumerator's order."""
    left_e = list(range(len(record)))
    left_r = list(range(len(revisit)))
    pairs: list[tuple[int, int]] = []
    for key in ("D3", "D1"):
        if key not in items:
            continue
        for ri in list(left_r):
            wanted = _norm(key, revisit[ri].get(key))
            if not isinstance(wanted, str) or not wanted:
                continue
            for ei in left_e:
                if _norm(key, record[ei][1].get(key)) == wanted:
                    pairs.append((ei, ri))
                    left_e.remove(ei)
                    left_r.remove(ri)
                    break
    pairs.extend(zip(left_e, left_r, strict=False))
    return sorted(pairs)


def compare(
    household: Answers,
    person_count: int,
    persons: Sequence[Answers],
    *,
    items: Sequence[str] = KEY_ITEMS,
) -> Comparison:
    """The differences between the household JSON ``household`` (the enumerator's latest
    revision) and a re-visit that counted ``person_count`` persons and answered ``persons``
    (item id -> answer, only the items asked). ``items`` are the key items the household's
    form has (none on hmt2020, whose persons have other items: only the count is compared)."""
    record = _persons(household)
    items = tuple(i for i in KEY_ITEMS if i in items)
    diffs: list[Difference] = []
    if person_count != len(record):
        diffs.append(
            Difference("count", PERSON_COUNT, enumerator=len(record), revisit=person_count)
        )
    pairs = _pair(record, persons, items) if items else []
    for ei, ri in pairs:
        uuid, answers = record[ei]
        for item in items:
            if item not in persons[ri]:
                continue  # not asked on the re-visit
            mine, theirs = answers.get(item), persons[ri][item]
            if not _same(item, mine, theirs):
                diffs.append(
                    Difference("different", item, uuid, ei + 1, ri, _value(mine), _value(theirs))
                )
    if items:
        paired_e = {e for e, _ in pairs}
        paired_r = {r for _, r in pairs}
        for ei, (uuid, answers) in enumerate(record):
            if ei not in paired_e:
                name = _value(answers.get("D1"))
                diffs.append(Difference("missing", "D1", uuid, ei + 1, None, name, None))
        for ri, answers in enumerate(persons):
            if ri not in paired_r:
                name = _value(answers.get("D1"))
                diffs.append(Difference("extra", "D1", HOUSEHOLD_SCOPE, None, ri, None, name))
    return Comparison((PERSON_COUNT, *items), tuple(diffs), tuple(pairs))


def _value(value: Any) -> Value | None:
    """An answer as the protocol carries it (an integer or a string), else ``None``."""
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int | str) else None
