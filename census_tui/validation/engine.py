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
from census_tui.model import HOUSEHOLD_SCOPE, Confirmation, Household, Person, Value
from census_tui.questionnaire.form import Form, FormError, load_form
from census_tui.validation import (
    idnumber,
    rules_death,
    rules_hmt,
    rules_household,
    rules_long,
    rules_person,
    rules_relationship,
)
from census_tui.validation.config import DEFAULT, ValidationConfig
from census_tui.validation.findings import (
    DEATH_COUNT_ITEM,
    PERSON_COUNT_ITEM,
    Finding,
    Rule,
    Severity,
)
from census_tui.validation.items import check_value
from census_tui.validation.view import DEFAULT_FORM, HouseholdView, household_form, view

ALL_RULES: tuple[Rule, ...] = rules_household.RULES + rules_relationship.RULES + rules_person.RULES
"""The short form's rules except P-06 (which takes the area's ID numbers), in report order."""

RULES_BY_FORM: dict[str, tuple[Rule, ...]] = {
    "short2020": ALL_RULES + rules_death.RULES,
    "long2020": ALL_RULES + rules_long.RULES + rules_death.RULES,
    "hmt2020": rules_hmt.RULES,
}
"""The rules of each household form, in report order (P-06 apart). A form's death records are
checked by ``rules_death`` when it has them (``[form] deaths``)."""

_UNKNOWN_FORM = Msg(
    "本户的表式 {form} 本程序不认识,无法审核:请更新程序或更正表式。",
    "The household's form {form} is not one this program knows; it cannot be checked: update "
    "the program or correct the form.",
)


def _shown(form_id: object) -> str:
    """A form id fit for a message (never a long or odd string)."""
    text = form_id if isinstance(form_id, str) else ""
    ok = 0 < len(text) <= 40 and all(c.isascii() and (c.isalnum() or c == "_") for c in text)
    return text if ok else "?"


def check_household(
    hh: Household,
    *,
    config: ValidationConfig = DEFAULT,
    area_id_numbers: frozenset[str] = frozenset(),
) -> list[Finding]:
    """All findings for a household on its form (``hh.form_id``: FACTS §7). Never raises.

    ``area_id_numbers``: normalised ID numbers of the *other* households of the enumeration
    area (普查小区); a match is a P-06 warning (possible double registration). A household
    whose form the program does not know gets one error, HH-00.
    """
    form = household_form(getattr(hh, "form_id", None))
    rules = RULES_BY_FORM.get(form.id) if form is not None else None
    if form is None or rules is None:
        msg = _UNKNOWN_FORM.format(form=_shown(getattr(hh, "form_id", None)))
        return [Finding("HH-00", Severity.ERROR, HOUSEHOLD_SCOPE, (), msg)]
    v = view(hh, form)
    out: list[Finding] = []
    for rule in rules:
        out.extend(rule(v, config))
    if v.ids.id_number is not None:
        out.extend(rules_person.p_06(v, config, area_id_numbers))
    return out


_CROSS_RULES: dict[str, tuple[Rule, ...]] = {
    "D3": (rules_person.p_03, rules_person.p_04, rules_person.p_05),
    "D4": (rules_person.p_04,),
    "D5": (rules_person.p_03,),
    "D25": (rules_long.l_02,),
    "D26m": (rules_long.l_04,),
    "D26f": (rules_long.l_04,),
    "D27m": (rules_long.l_04,),
    "D27f": (rules_long.l_04,),
    "D28B1": (rules_long.l_05,),
    "D28B2": (rules_long.l_05,),
    "D28B3": (rules_long.l_05,),
    "R8": (rules_hmt.hmt_03,),
    "S4": (rules_death.dth_03,),
    "S5": (rules_death.dth_03, rules_death.dth_04),
}
"""Field-level checks of an answer against the same record's other answers."""

_FIELD_FORMS = ("short2020", "long2020", "hmt2020")
"""Where ``check_field`` looks up an item when it is given no household."""


def _field_form(item_id: str, household: Household | None) -> Form | None:
    """The form ``item_id`` is judged on: the household's, else the first form that has it."""
    if household is not None:
        form = household_form(getattr(household, "form_id", None))
        if form is not None and form.has_item(item_id):
            return form
    for form_id in _FIELD_FORMS:
        try:
            form = load_form(form_id)
        except FormError:
            continue
        if form.has_item(item_id):
            return form
    return None


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

    Works for the items of every form: the item is judged on the household's form (or, without
    a household, on the first of short2020, long2020, hmt2020 that has it). ``person`` may be a
    death record of ``household`` (S2 … S8); its answers are then checked against the record's
    (S4 ≤ S5 …). For D3 the typed text may be lower-case, spaced, full-width or a 15-digit
    number; store ``idnumber.to_storable(value)``. ``None`` (nothing typed) gives no findings.
    Never raises.
    """
    if value is None or not isinstance(item_id, str):
        return []
    uuid = person.uuid if person is not None and isinstance(person.uuid, str) else ""
    form = _field_form(item_id, household)
    out = check_value(item_id, value, uuid, config, as_typed=True, form=form)
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
    is_death = form is not None and form.item(item_id).section == "death"
    v = _trial_view(trial, household, form, death=is_death)
    for rule in _CROSS_RULES.get(item_id, ()):
        out.extend(f for f in rule(v, config) if f.person_uuid == uuid and item_id in f.items)
    if item_id == "D3":
        out.extend(f for f in rules_person.p_06(v, config) if f.person_uuid == uuid)
    return out


def _trial_view(
    trial: Person, household: Household | None, form: Form | None, *, death: bool
) -> HouseholdView:
    """A household view in which ``trial`` replaces (or joins) its person or death record."""
    records: list[Person] = [trial]
    kept = getattr(household, "deaths" if death else "persons", None)
    if isinstance(kept, list):
        records = [*(p for p in kept if p.uuid != trial.uuid), trial]
    answers = household.answers if household is not None else {}
    form = form or load_form(DEFAULT_FORM)
    if death:
        trial_hh = Household(uuid="", answers=answers, deaths=records, form_id=form.id)
    else:
        trial_hh = Household(uuid="", answers=answers, persons=records, form_id=form.id)
    return view(trial_hh, form)


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
    if item == DEATH_COUNT_ITEM:
        return len(hh.deaths)
    if person_uuid == "":
        return hh.answers.get(item)
    person = hh.person(person_uuid) or hh.death(person_uuid)
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
