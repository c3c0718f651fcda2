"""The pure walker: which items apply, in what order, what comes next, what is missing.

DESIGN.md: "the screens only render what the walker says". The walk is the household items in
form order, then for each person (in ``household.persons`` order) the person items in form order,
then for each death record (``household.deaths``, when the form has death items) the death items;
an item is on the walk when its condition holds for the answers so far (universes and skips,
FACTS §2.2-§2.3: H5 = 2-5 skips H6/H7, D8 = 5 skips D9/D10, D9 = 1 skips D10, D7P/D8P only for
D7 = 5 / D8 = 4, D11 for age 3+, D12 for age 15+; FACTS §3: the long form's universes, S7/S8 by
age at death).

A position is ``(record_uuid, item_id)``: a person's or a death record's uuid; household items
use ``HOUSEHOLD_SCOPE`` (``""``). Conditions of person items see the person's answers, the
household's answers and derived variables (``age``); those of death items see the record's
answers, the household's and the record's derived variables (``death_age``), never a person's.
Nothing here does I/O; each call costs microseconds per item, so it can run on every keystroke.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from census_tui.model import HOUSEHOLD_SCOPE, Household, Value
from census_tui.questionnaire.form import Form, Item

Position = tuple[str, str]
"""``(person or death-record uuid, or "" for the household, item_id)``."""


@dataclass(frozen=True, slots=True)
class _Scope:
    """One section as walked: the household (uuid ``""``), one person or one death record."""

    uuid: str
    items: tuple[Item, ...]
    applies: tuple[bool, ...]
    answers: Mapping[str, Value]


def _evaluate(form: Form, items: tuple[Item, ...], env: dict[str, Value]) -> tuple[bool, ...]:
    """Which items apply, in order. ``env`` is updated as the walk goes: the answer of an item
    that does not apply is dropped (so nothing later depends on it), and a derived variable is
    set right after its source item (the form loader checks conditions only look backwards)."""
    flags: list[bool] = []
    after = form.derived_after
    for item in items:
        ok = item.condition is None or item.condition.holds(env)
        if not ok:
            env.pop(item.id, None)
        flags.append(ok)
        for d in after.get(item.id, ()):
            v = d.compute(env)
            if v is None:
                env.pop(d.name, None)
            else:
                env[d.name] = v
    return tuple(flags)


def _scopes(form: Form, household: Household, only: str | None = None) -> Iterator[_Scope]:
    """The household scope, then each person's, then each death record's (or, with ``only``,
    just that one). Death records are walked only when the form has death items."""
    env = dict(household.answers)
    flags = _evaluate(form, form.household_items, env)
    if only is None or only == HOUSEHOLD_SCOPE:
        yield _Scope(HOUSEHOLD_SCOPE, form.household_items, flags, household.answers)
    found = only is None or only == HOUSEHOLD_SCOPE
    records = [(p, form.person_items) for p in household.persons]
    if form.death_items:
        records.extend((d, form.death_items) for d in household.deaths)
    for rec, items in records:
        if only is not None and rec.uuid != only:
            continue
        found = True
        renv = dict(env)
        renv.update(rec.answers)
        yield _Scope(rec.uuid, items, _evaluate(form, items, renv), rec.answers)
    if not found:
        raise ValueError("no such person or death record in the household")


def _scope(form: Form, household: Household, person_uuid: str) -> _Scope:
    return next(_scopes(form, household, person_uuid))


def household_items(form: Form, household: Household) -> list[Item]:
    """The household items that apply now, in order."""
    s = _scope(form, household, HOUSEHOLD_SCOPE)
    return [i for i, ok in zip(s.items, s.applies, strict=True) if ok]


def person_items(form: Form, household: Household, person_uuid: str) -> list[Item]:
    """The items that apply now to one person, in order; ValueError for an unknown person."""
    if person_uuid == HOUSEHOLD_SCOPE or household.person(person_uuid) is None:
        raise ValueError("person_items needs the uuid of a person of the household")
    s = _scope(form, household, person_uuid)
    return [i for i, ok in zip(s.items, s.applies, strict=True) if ok]


def death_items(form: Form, household: Household, uuid: str) -> list[Item]:
    """The death items that apply now to one death record, in order; ValueError for an
    unknown record. Empty when the form has no death items."""
    if uuid == HOUSEHOLD_SCOPE or household.death(uuid) is None:
        raise ValueError("death_items needs the uuid of a death record of the household")
    if not form.death_items:
        return []
    s = _scope(form, household, uuid)
    return [i for i, ok in zip(s.items, s.applies, strict=True) if ok]


def positions(form: Form, household: Household) -> list[Position]:
    """The whole walk: every applicable position in asking order."""
    return [
        (s.uuid, i.id)
        for s in _scopes(form, household)
        for i, ok in zip(s.items, s.applies, strict=True)
        if ok
    ]


def _check(form: Form, household: Household, pos: Position) -> int:
    """Item index of a position; ValueError if it is not on this form and household."""
    uuid, item_id = pos
    if not form.has_item(item_id):
        raise ValueError(f"no item {item_id} on form {form.id}")
    section = form.item(item_id).section
    if section == "household":
        ok = uuid == HOUSEHOLD_SCOPE
    elif section == "person":
        ok = uuid != HOUSEHOLD_SCOPE and household.person(uuid) is not None
    else:
        ok = uuid != HOUSEHOLD_SCOPE and household.death(uuid) is not None
    if not ok:
        raise ValueError(f"item {item_id} is not in the section of this position's record")
    return form.index(item_id)


def is_applicable(form: Form, household: Household, person_uuid: str, item_id: str) -> bool:
    """Whether the item is asked of this person, death record (or of the household) given the
    answers so far."""
    idx = _check(form, household, (person_uuid, item_id))
    return _scope(form, household, person_uuid).applies[idx]


def next_position(form: Form, household: Household, pos: Position) -> Position | None:
    """The applicable position after ``pos`` (which need not apply itself); ``None`` at the end."""
    idx = _check(form, household, pos)
    started = False
    for s in _scopes(form, household):
        if not started:
            if s.uuid != pos[0]:
                continue
            started = True
            begin = idx + 1
        else:
            begin = 0
        for n in range(begin, len(s.items)):
            if s.applies[n]:
                return (s.uuid, s.items[n].id)
    return None


def previous_position(form: Form, household: Household, pos: Position) -> Position | None:
    """The applicable position before ``pos``; ``None`` at the start."""
    idx = _check(form, household, pos)
    before: Position | None = None
    for s in _scopes(form, household):
        end = idx if s.uuid == pos[0] else len(s.items)
        for n in range(end):
            if s.applies[n]:
                before = (s.uuid, s.items[n].id)
        if s.uuid == pos[0]:
            return before
    return before


def first_position(form: Form, household: Household) -> Position | None:
    """The first applicable position of the walk (``None`` only for an empty form)."""
    for s in _scopes(form, household):
        for item, ok in zip(s.items, s.applies, strict=True):
            if ok:
                return (s.uuid, item.id)
    return None


def first_unanswered(form: Form, household: Household) -> Position | None:
    """The first applicable position without an answer; ``None`` when all are answered."""
    for s in _scopes(form, household):
        for item, ok in zip(s.items, s.applies, strict=True):
            if ok and item.id not in s.answers:
                return (s.uuid, item.id)
    return None


def missing(form: Form, household: Household) -> list[Position]:
    """Applicable, required and unanswered positions, in walk order."""
    return [
        (s.uuid, i.id)
        for s in _scopes(form, household)
        for i, ok in zip(s.items, s.applies, strict=True)
        if ok and i.required and i.id not in s.answers
    ]


def stale_answers(form: Form, household: Household) -> list[Position]:
    """Answers to items that no longer apply (H6 after H5 became 2): the caller clears them.

    Applicability already ignores such answers (a condition never sees the answer of an item
    that does not apply), so one call finds every stale answer, cascades included.
    """
    return [
        (s.uuid, i.id)
        for s in _scopes(form, household)
        for i, ok in zip(s.items, s.applies, strict=True)
        if not ok and i.id in s.answers
    ]
