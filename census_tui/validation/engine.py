"""The entry points of the logic checks: a whole household, one typed answer, completion.

DESIGN.md (Validation): household-level checks run on every commit and before completion;
field-level checks run as the enumerator types. A household may be completed when it has no
errors and every overridable error and warning carries a current confirmation with a reason. A
confirmation snapshots the answers its finding depends on and lapses when any of them changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import Confirmation, Household, Person, Value
from census_tui.validation import idnumber, rules_household, rules_person, rules_relationship
from census_tui.validation.config import DEFAULT, ValidationConfig
from census_tui.validation.findings import PERSON_COUNT_ITEM, Finding, Rule, Severity
from census_tui.validation.items import check_value
from census_tui.validation.view import HouseholdView, view

ALL_RULES: tuple[Rule, ...] = rules_household.RULES + rules_relationship.RULES + rules_person.RULES
"""Every household rule except P-06 (which takes the area's ID numbers), in report order."""


def check_household(
    hh: Household,
    *,
    config: ValidationConfig = DEFAULT,
    area_id_numbers: frozenset[str] = frozenset(),
) -> list[Finding]:
    """All findings for a household (FACTS §7.1-7.3, short form). Never raises.

    ``area_id_numbers``: normalised ID numbers of the *other* households of the enumeration
    area (普查小区); a match is a P-06 warning (possible double registration).
    """
    v = view(hh)
    out: list[Finding] = []
    for rule in ALL_RULES:
        out.extend(rule(v, config))
    out.extend(rules_person.p_06(v, config, area_id_numbers))
    return out


_CROSS_RULES: dict[str, tuple[Rule, ...]] = {
    "D3": (rules_person.p_03, rules_person.p_04, rules_person.p_05),
    "D4": (rules_person.p_04,),
    "D5": (rules_person.p_03,),
}
"""Field-level checks of an answer against the same person's other answers."""

_NO_ID_TYPED = Msg(
    "已选择“无身份号码”:请选择原因 (D3N),完成前还需确认并说明原因。",
    "'No ID number' chosen: choose the reason (D3N); it must be confirmed with a reason before "
    "completion.",
)


def check_field(
    item_id: str,
    value: object,
    *,
    person: Person | None = None,
    household: Household | None = None,
    config: ValidationConfig = DEFAULT,
) -> list[Finding]:
    """Findings about one answer as it is typed: format, range, ID number, and (given ``person``
    and ``household``) its agreement with that person's D3/D4/D5 and duplicate ID numbers.

    For D3 the typed text may be lower-case, spaced, full-width or a 15-digit number; store
    ``idnumber.to_storable(value)``. ``None`` (nothing typed) gives no findings. Never raises.
    """
    if value is None:
        return []
    uuid = person.uuid if person is not None and isinstance(person.uuid, str) else ""
    out = check_value(item_id, value, uuid, config, as_typed=True)
    if out:
        return out
    if item_id == "D3" and value == "":
        return [Finding("P-02", Severity.WARNING, uuid, ("D3", "D3N"), _NO_ID_TYPED)]
    if person is None or not isinstance(value, int | str):
        return out
    stored: Value = value
    if item_id == "D3":
        stored = idnumber.to_storable(value) or value
    answers = person.answers if isinstance(person.answers, dict) else {}
    trial = Person(uuid, {**answers, item_id: stored})
    v = _trial_view(trial, household)
    for rule in _CROSS_RULES.get(item_id, ()):
        out.extend(f for f in rule(v, config) if f.person_uuid == uuid and item_id in f.items)
    if item_id == "D3":
        out.extend(f for f in rules_person.p_06(v, config) if f.person_uuid == uuid)
    return out


def _trial_view(trial: Person, household: Household | None) -> HouseholdView:
    """A household view in which ``trial`` replaces (or joins) its person."""
    persons: list[Person] = [trial]
    if household is not None and isinstance(household.persons, list):
        others = [p for p in household.persons if p.uuid != trial.uuid]
        persons = [*others, trial]
    return view(Household(uuid="", persons=persons))


# -- confirmations ---------------------------------------------------------------------------


def _ref_key(person_uuid: str, item: str) -> str:
    return f"{person_uuid}:{item}"


def confirmation_key(obj: Finding | Confirmation) -> str:
    """The key that pairs a finding with its confirmation: rule, person, and the answers concerned.

    Works on both, so a store can index confirmations and a screen can look one up for a finding.
    A finding whose set of answers changes (e.g. a person is added) needs a new confirmation.
    """
    if isinstance(obj, Finding):
        refs = sorted(_ref_key(p, i) for p, i in obj.refs())
    else:
        refs = sorted(obj.values)
    return f"{obj.rule_id}|{obj.person_uuid}|{','.join(refs)}"


def _current_value(hh: Household, key: str) -> Value | None:
    person_uuid, _, item = key.partition(":")
    if item == PERSON_COUNT_ITEM:
        return len(hh.persons)
    if person_uuid == "":
        return hh.answers.get(item)
    person = hh.person(person_uuid)
    return None if person is None else person.answers.get(item)


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def confirmation_is_current(conf: Confirmation, hh: Household) -> bool:
    """Whether every answer the confirmation snapshotted still has the same value."""
    return all(_same(_current_value(hh, k), snap) for k, snap in conf.values.items())


_CANNOT_CONFIRM = Msg("错误不能确认,只能更正。", "An error cannot be confirmed; correct it.")
_NEED_REASON = Msg("请填写确认原因。", "Give a reason for the confirmation.")


def make_confirmation(
    finding: Finding, hh: Household, reason: str, by: str, at: str
) -> Confirmation:
    """A confirmation of ``finding`` by enumerator ``by`` at ``at`` (``clock.iso`` text).

    Raises :class:`BadInput` for an error (which cannot be confirmed) or an empty reason.
    """
    if not finding.severity.needs_confirmation:
        raise BadInput(_CANNOT_CONFIRM)
    if not isinstance(reason, str) or not reason.strip():
        raise BadInput(_NEED_REASON)
    values = {_ref_key(p, i): _current_value(hh, _ref_key(p, i)) for p, i in finding.refs()}
    return Confirmation(finding.rule_id, finding.person_uuid, reason.strip(), by, at, values)


@dataclass(frozen=True, slots=True)
class CompletionStatus:
    """Whether a household may be completed, and what stands in the way."""

    may_complete: bool
    errors: tuple[Finding, ...]
    """Errors: fix them."""
    unconfirmed: tuple[Finding, ...]
    """Overridable errors and warnings without a current confirmation with a reason."""
    confirmed: tuple[Finding, ...]
    lapsed: tuple[Confirmation, ...]
    """Confirmations whose answers changed since (they no longer count)."""


def completion_status(hh: Household, findings: Iterable[Finding]) -> CompletionStatus:
    """Completion check: no errors, every other finding confirmed with a current reason."""
    current: dict[str, Confirmation] = {}
    lapsed: list[Confirmation] = []
    for conf in hh.confirmations:
        if not confirmation_is_current(conf, hh):
            lapsed.append(conf)
        elif isinstance(conf.reason, str) and conf.reason.strip():
            current[confirmation_key(conf)] = conf
    errors: list[Finding] = []
    unconfirmed: list[Finding] = []
    confirmed: list[Finding] = []
    for f in findings:
        if f.severity is Severity.ERROR:
            errors.append(f)
        elif confirmation_key(f) in current:
            confirmed.append(f)
        else:
            unconfirmed.append(f)
    return CompletionStatus(
        may_complete=not errors and not unconfirmed,
        errors=tuple(errors),
        unconfirmed=tuple(unconfirmed),
        confirmed=tuple(confirmed),
        lapsed=tuple(lapsed),
    )
