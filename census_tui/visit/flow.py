"""The interview's flow, without a screen: what comes after a question, where an interview opens,
and which findings hold the enumerator on the question just answered.

The walker (:mod:`census_tui.questionnaire.walker`) gives the order of the questions: household
items, each person's, then each death record's (死亡人口调查表). The household's form says how
many records there are to be: persons as the sum of its ``person_count_items`` (H2a + H2b as rule
HH-03 counts them; FN on the form for residents from outside the mainland), death records as
H4m + H4f (``death_count_items``). Records are made as the walk reaches them: after the last
person another person while fewer are listed than expected, then a death record while fewer
are recorded than H4. A household in which everyone died (H2a = H2b = 0, H4 > 0) goes from the
household items straight to the death records. The interview screen only renders what this
module decides, so the decisions are tested without a terminal (``tests/visit/test_flow.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from census_tui.model import HOUSEHOLD_SCOPE, Household, Person, Value
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Form, Item
from census_tui.visit.api import FindingView

Position = tuple[str, str]
"""``(person_uuid or "", item_id)``, as the walker names a question."""


@dataclass(frozen=True, slots=True)
class Ask:
    """Show this question next."""

    position: Position


@dataclass(frozen=True, slots=True)
class AddPerson:
    """The walk is over but fewer persons are listed than the household registers: add one."""


@dataclass(frozen=True, slots=True)
class AddDeath:
    """Every person is listed and fewer death records are made than H4m + H4f: add one."""


@dataclass(frozen=True, slots=True)
class SelfCheck:
    """The walk is over and every expected person and death record is listed: the self-check."""


Step = Ask | AddPerson | AddDeath | SelfCheck

Scope = Literal["household", "person", "death"]

PERSON_COUNTS = frozenset({"HH-03", "HH-04"})
"""Rules that compare H2a/H2b with the persons entered: true but useless before all of them
could be entered, so the interview shows them only once it has asked for every person."""
DEATH_COUNTS = frozenset({"HH-08"})
"""Rules that compare H4m/H4f with the death records: shown once every record could be made."""


def _count(form: Form, hh: Household, item_ids: Sequence[str]) -> int | None:
    """The sum of the household's answers to these count items; None while one is unanswered
    or outside its item's range (the logic checks say what is wrong with it)."""
    total = 0
    for item_id in item_ids:
        value = hh.answers.get(item_id)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return None
        item = form.item(item_id) if form.has_item(item_id) else None
        if item is not None and item.max is not None and value > item.max:
            return None
        total += value
    return total


def expected_deaths(form: Form, hh: Household) -> int:
    """How many death records the interview makes: H4m + H4f (0 on a form without deaths,
    and while either count is unanswered or out of range)."""
    if not form.death_items or not form.death_count_items:
        return 0
    return _count(form, hh, form.death_count_items) or 0


def expected_persons(form: Form, hh: Household) -> int:
    """How many persons the interview lists before the death records and the self-check: the
    form's person count (H2a + H2b as rule HH-03 counts them; FN on the form for residents from
    outside the mainland), at least one while the count is unanswered or out of range, and none
    when everyone died (the count is 0 and the household has deaths to record)."""
    items = form.person_count_items
    n = _count(form, hh, items) if items else None
    if n == 0 and expected_deaths(form, hh) > 0:
        return 0
    return max(n or 0, 1)


def scope_of(hh: Household, uuid: str) -> Scope | None:
    """Which kind of record a position's uuid names (None: not in the household)."""
    if uuid == HOUSEHOLD_SCOPE:
        return "household"
    if hh.person(uuid) is not None:
        return "person"
    if hh.death(uuid) is not None:
        return "death"
    return None


def next_step(form: Form, hh: Household, pos: Position) -> Step:
    """What follows the question at ``pos``: the walker's next question, except that a walk
    about to leave the persons (for the death records or the end) first gets another person
    while fewer are listed than expected; at the end of the walk a death record while fewer are
    made than H4m + H4f; else the self-check."""
    nxt = walker.next_position(form, hh, pos)
    short_of_persons = len(hh.persons) < expected_persons(form, hh)
    if nxt is not None:
        if short_of_persons and scope_of(hh, pos[0]) != "death" and hh.death(nxt[0]) is not None:
            return AddPerson()
        return Ask(nxt)
    if short_of_persons:
        return AddPerson()
    if len(hh.deaths) < expected_deaths(form, hh):
        return AddDeath()
    return SelfCheck()


def previous(form: Form, hh: Household, pos: Position) -> Position | None:
    """The question before ``pos`` (None at the first)."""
    return walker.previous_position(form, hh, pos)


def person_start(form: Form, hh: Household, person_uuid: str) -> Position:
    """The first question asked of a person (a person just added starts here)."""
    items = walker.person_items(form, hh, person_uuid)
    return (person_uuid, (items[0] if items else form.person_items[0]).id)


def death_start(form: Form, hh: Household, death_uuid: str) -> Position:
    """The first question of a death record (a record just made starts here)."""
    items = walker.death_items(form, hh, death_uuid)
    return (death_uuid, (items[0] if items else form.death_items[0]).id)


def record_start(form: Form, hh: Household, uuid: str) -> Position:
    """The first question of a person or a death record."""
    if hh.death(uuid) is not None:
        return death_start(form, hh, uuid)
    return person_start(form, hh, uuid)


def record(hh: Household, uuid: str) -> Person | None:
    """The person or death record with this uuid."""
    return hh.person(uuid) or hh.death(uuid)


def answer_at(hh: Household, pos: Position) -> Value | None:
    """The stored answer at a position (None if unanswered or the record is gone)."""
    person_uuid, item_id = pos
    if person_uuid == HOUSEHOLD_SCOPE:
        return hh.answers.get(item_id)
    rec = record(hh, person_uuid)
    return None if rec is None else rec.answers.get(item_id)


def record_name(form: Form, hh: Household, uuid: str) -> str:
    """The name given for a person (the form's ``name`` role: D1, R1) or a death record (S2);
    "" when none yet."""
    if hh.death(uuid) is not None:
        rec, item_id = hh.death(uuid), form.death_roles.get("name", "S2")
    else:
        rec, item_id = hh.person(uuid), form.roles.get("name", "D1")
    value = None if rec is None else rec.answers.get(item_id)
    return value if isinstance(value, str) else ""


def section_items(form: Form, hh: Household, uuid: str) -> tuple[Item, ...]:
    """The items of the section a position's uuid belongs to."""
    scope = scope_of(hh, uuid) or "person"
    return form.items(scope)


def is_valid(form: Form, hh: Household, pos: Position) -> bool:
    """Whether ``pos`` is a question asked now (known item and person, condition holding)."""
    try:
        return walker.is_applicable(form, hh, pos[0], pos[1])
    except ValueError:
        return False


def first_gap(form: Form, hh: Household) -> Position:
    """The first unanswered question, else the first question."""
    first = walker.first_unanswered(form, hh) or walker.first_position(form, hh)
    assert first is not None, "the form has no items"
    return first


def opening(
    form: Form,
    hh: Household,
    *,
    last: Position | None,
    returned_items: Sequence[Position] = (),
) -> Position:
    """Where an interview opens: the supervisor's first still-asked item of a returned case;
    else the question last shown; else the first gap."""
    for pos in returned_items:
        if is_valid(form, hh, pos):
            return pos
    if last is not None and is_valid(form, hh, last):
        return last
    return first_gap(form, hh)


# --- findings ---------------------------------------------------------------------------------


def _about_answers(form: Form, hh: Household, finding: FindingView) -> bool:
    """False for "not answered yet" findings about items still ahead in the walk."""
    ids = {i.id for i in section_items(form, hh, finding.person_uuid)}
    own = [i for i in finding.items if i in ids]
    return not own or any(answer_at(hh, (finding.person_uuid, i)) is not None for i in own)


def open_here(
    form: Form, hh: Household, findings: Iterable[FindingView], pos: Position
) -> list[FindingView]:
    """Unconfirmed findings about the record at ``pos`` (or the household) to show beside the
    question, leaving out those about questions not reached yet, the person counts
    (:data:`PERSON_COUNTS`) while persons are still being entered and the death counts
    (:data:`DEATH_COUNTS`) while persons or death records are."""
    person_uuid = pos[0]
    entering = len(hh.persons) < expected_persons(form, hh)
    dying = entering or len(hh.deaths) < expected_deaths(form, hh)
    return [
        f
        for f in findings
        if not f.confirmed
        and f.person_uuid in (person_uuid, HOUSEHOLD_SCOPE)
        and not (entering and f.rule_id in PERSON_COUNTS)
        and not (dying and f.rule_id in DEATH_COUNTS)
        and _about_answers(form, hh, f)
    ]


def holds(hh: Household, finding: FindingView, pos: Position) -> bool:
    """Whether a finding keeps the question at ``pos`` on screen: it is about this person's
    answer and everything it compares is already answered (a household total, or a count of
    persons still to come, waits for the self-check instead)."""
    person_uuid, item_id = pos
    if not person_uuid or finding.person_uuid != person_uuid:
        return False
    if item_id not in finding.items or any(i.startswith("#") for i in finding.items):
        return False  # "#persons" and the like: counts of records, not an answer
    return all(answer_at(hh, (person_uuid, i)) is not None for i in finding.items)


def finding_keys(findings: Iterable[FindingView]) -> frozenset[tuple[str, str]]:
    """``(rule id, person uuid)`` of each finding: what was already shown before an answer."""
    return frozenset((f.rule_id, f.person_uuid) for f in findings)


def newly_holding(
    form: Form,
    hh: Household,
    findings: Iterable[FindingView],
    pos: Position,
    before: frozenset[tuple[str, str]],
) -> list[FindingView]:
    """Findings raised by the answer just given at ``pos`` (not among ``before``) that hold the
    enumerator on the question once, so they are seen before moving on."""
    return [
        f
        for f in open_here(form, hh, findings, pos)
        if (f.rule_id, f.person_uuid) not in before and holds(hh, f, pos)
    ]
