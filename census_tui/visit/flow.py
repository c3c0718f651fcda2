"""The interview's flow, without a screen: what comes after a question, where an interview opens,
and which findings hold the enumerator on the question just answered.

The walker (:mod:`census_tui.questionnaire.walker`) gives the order of the questions; the
household rule HH-03 (:func:`census_tui.validation.rules_household.expected_persons`) says how
many persons the household registers. The interview screen only renders what this module
decides, so the decisions are tested without a terminal (``tests/visit/test_flow.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from census_tui.model import HOUSEHOLD_SCOPE, Household, Value
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Form
from census_tui.validation.rules_household import expected_persons as persons_to_register
from census_tui.validation.view import view
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
class SelfCheck:
    """The walk is over and every expected person is listed: go to the self-check."""


Step = Ask | AddPerson | SelfCheck


PERSON_COUNTS = frozenset({"HH-03", "HH-04"})
"""Rules that compare H2a/H2b with the persons entered: true but useless before all of them
could be entered, so the interview shows them only once it has asked for every person."""


def expected_persons(hh: Household) -> int:
    """How many persons the interview lists before the self-check: H2a + H2b as rule HH-03
    counts them, and at least one (while H2 is unanswered or out of range, one)."""
    return max(persons_to_register(view(hh)) or 0, 1)


def next_step(form: Form, hh: Household, pos: Position) -> Step:
    """What follows the question at ``pos``: the walker's next question; at the end of the walk
    another person while fewer are listed than expected; else the self-check."""
    nxt = walker.next_position(form, hh, pos)
    if nxt is not None:
        return Ask(nxt)
    if len(hh.persons) < expected_persons(hh):
        return AddPerson()
    return SelfCheck()


def previous(form: Form, hh: Household, pos: Position) -> Position | None:
    """The question before ``pos`` (None at the first)."""
    return walker.previous_position(form, hh, pos)


def person_start(form: Form, hh: Household, person_uuid: str) -> Position:
    """The first question asked of a person (a person just added starts here)."""
    items = walker.person_items(form, hh, person_uuid)
    return (person_uuid, (items[0] if items else form.person_items[0]).id)


def answer_at(hh: Household, pos: Position) -> Value | None:
    """The stored answer at a position (None if unanswered or the person is gone)."""
    person_uuid, item_id = pos
    if person_uuid == HOUSEHOLD_SCOPE:
        return hh.answers.get(item_id)
    person = hh.person(person_uuid)
    return None if person is None else person.answers.get(item_id)


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
    section = form.household_items if not finding.person_uuid else form.person_items
    ids = {i.id for i in section}
    own = [i for i in finding.items if i in ids]
    return not own or any(answer_at(hh, (finding.person_uuid, i)) is not None for i in own)


def open_here(
    form: Form, hh: Household, findings: Iterable[FindingView], pos: Position
) -> list[FindingView]:
    """Unconfirmed findings about the person at ``pos`` (or the household) to show beside the
    question, leaving out those about questions not reached yet, and the person counts
    (:data:`PERSON_COUNTS`) while persons are still being entered."""
    person_uuid = pos[0]
    entering = len(hh.persons) < expected_persons(hh)
    return [
        f
        for f in findings
        if not f.confirmed
        and f.person_uuid in (person_uuid, HOUSEHOLD_SCOPE)
        and not (entering and f.rule_id in PERSON_COUNTS)
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
