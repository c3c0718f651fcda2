"""A household read once for the logic checks: every answer typed, checked and parsed.

The store may hold anything in an answer (a wrong type, a garbage string); the rules must never
raise. So they do not read ``Household.answers`` directly: this view turns each answer into an
``int`` or ``None``, parses the birth year-month and the ID number once, and computes ages at
the standard time (``census_tui.questionnaire.standard_time``, the one place of the age rule).

The view knows the household's form (``Household.form_id``, ``load_form``). Rules never hard-code
the person items that play a role (name, relationship, ID number, sex, birth, ethnic group): they
read them from ``Form.roles`` through :attr:`HouseholdView.ids` (D1 … D6 on the short and long
forms, R1 … R4 on the form for residents from outside the mainland). Death records
(死亡人口调查表) are parsed through ``Form.death_roles`` (S2 … S6) into :class:`DeathView`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from census_tui.model import Household, Person
from census_tui.questionnaire.form import Form, FormError, load_form
from census_tui.questionnaire.standard_time import (
    age_at_death,
    age_at_standard_time,
    parse_yearmonth,
)
from census_tui.validation import idnumber

if TYPE_CHECKING:
    from census_tui.validation.generic import Walk

DEFAULT_FORM = "short2020"
"""The form of a household that names none the program knows (and of version-1 documents)."""

HOUSEHOLD_FORMS = ("short2020", "long2020", "hmt2020")
"""The household forms the logic checks know (death2020 is a death form, never a household's)."""


def as_int(value: object) -> int | None:
    """An answer as an ``int``; ``None`` for a missing answer or any other type (bool too)."""
    return value if type(value) is int else None


def as_text(value: object) -> str | None:
    """An answer as a ``str``; ``None`` for a missing answer or another type."""
    return value if isinstance(value, str) else None


def as_yearmonth(value: object) -> tuple[int, int] | None:
    """A ``"YYYY-MM"`` answer as ``(year, month)``; ``None`` if missing or malformed."""
    return parse_yearmonth(value) if isinstance(value, str) and len(value) == 7 else None


def _answers(obj: Any) -> dict[str, Any]:
    answers = getattr(obj, "answers", None)
    return answers if isinstance(answers, dict) else {}


@dataclass(frozen=True, slots=True)
class Ids:
    """Which item plays which role on the household's form (``Form.roles``), for rules and
    messages. ``id_number`` and ``ethnic`` are ``None`` on a form without them (hmt2020)."""

    name: str
    rel: str
    sex: str
    birth: str
    id_number: str | None
    ethnic: str | None
    household_type: str
    """The household item with the ``household_type`` code list (H1, F1)."""
    name_items: frozenset[str]
    """Items judged as names (empty ⇒ "enter 未取名"): the person's and the death record's."""

    def fmt(self) -> dict[str, str]:
        """Placeholders for the rules' messages: ``{rel}``, ``{sex}``, ``{birth}``, ``{name}``."""
        return {"rel": self.rel, "sex": self.sex, "birth": self.birth, "name": self.name}


@lru_cache(maxsize=16)
def ids_of(form: Form) -> Ids:
    """The role items of ``form`` (short-form ids for a role the form does not name)."""
    roles = form.roles
    household_type = next(
        (i.id for i in form.household_items if i.code_list == "household_type"), "H1"
    )
    names = {roles.get("name", "D1")}
    if "name" in form.death_roles:
        names.add(form.death_roles["name"])
    return Ids(
        name=roles.get("name", "D1"),
        rel=roles.get("relationship", "D2"),
        sex=roles.get("sex", "D4"),
        birth=roles.get("birth", "D5"),
        id_number=roles.get("id_number"),
        ethnic=roles.get("ethnic"),
        household_type=household_type,
        name_items=frozenset(names),
    )


def household_form(form_id: object) -> Form | None:
    """The packaged household form ``form_id``; ``None`` if there is none (a death form such as
    death2020 is not a household's form)."""
    if not isinstance(form_id, str):
        return None
    try:
        form = load_form(form_id)
    except FormError:
        return None
    return form if form.household_items else None


@dataclass(slots=True)
class PersonView:
    """One person, parsed. ``None`` means missing or unusable (another rule reports why)."""

    uuid: str
    index: int
    answers: dict[str, Any]
    rel: int | None
    sex: int | None
    birth: tuple[int, int] | None
    """The birth year-month (D5, R4) as (year, month) when it is a valid year-month."""
    age: int | None
    """Completed years at the standard time, from the birth year-month."""
    id_result: idnumber.IdResult | None
    """The ID number (D3) checked; ``None`` when it is absent or the form has none."""

    @property
    def birth_index(self) -> int | None:
        """Months since year 0, for age gaps."""
        return None if self.birth is None else self.birth[0] * 12 + self.birth[1] - 1

    def code(self, item: str) -> int | None:
        return as_int(self.answers.get(item))

    def has(self, item: str) -> bool:
        return item in self.answers


def _person_view(person: Person, index: int, ids: Ids) -> PersonView:
    answers = _answers(person)
    uuid = person.uuid if isinstance(person.uuid, str) else ""
    birth = as_yearmonth(answers.get(ids.birth))
    age = None if birth is None else age_at_standard_time(*birth)
    id_item = ids.id_number
    id_result = idnumber.check(answers[id_item]) if id_item and id_item in answers else None
    return PersonView(
        uuid=uuid,
        index=index,
        answers=answers,
        rel=as_int(answers.get(ids.rel)),
        sex=as_int(answers.get(ids.sex)),
        birth=birth,
        age=age,
        id_result=id_result,
    )


@dataclass(slots=True)
class DeathView:
    """One death record (死亡人口调查表), parsed through ``Form.death_roles``.

    Findings about a death record carry the record's uuid as ``person_uuid`` (records and
    persons never share a uuid: the household JSON refuses it).
    """

    uuid: str
    index: int
    answers: dict[str, Any]
    sex: int | None
    birth: tuple[int, int] | None
    death: tuple[int, int] | None
    age_at_death: int | None
    """Completed years at death (FACTS §3.3); ``None`` unless both year-months are valid and
    the death is not before the birth."""

    def code(self, item: str) -> int | None:
        return as_int(self.answers.get(item))

    def has(self, item: str) -> bool:
        return item in self.answers


def _death_view(record: Person, index: int, roles: Mapping[str, str]) -> DeathView:
    answers = _answers(record)
    uuid = record.uuid if isinstance(record.uuid, str) else ""
    b, d = answers.get(roles.get("birth", "S4")), answers.get(roles.get("death", "S5"))
    return DeathView(
        uuid=uuid,
        index=index,
        answers=answers,
        sex=as_int(answers.get(roles.get("sex", "S3"))),
        birth=as_yearmonth(b),
        death=as_yearmonth(d),
        age_at_death=age_at_death(b, d),
    )


@dataclass(slots=True)
class HouseholdView:
    """The household as the rules read it."""

    household: Household
    answers: dict[str, Any]
    persons: list[PersonView]
    form: Form
    ids: Ids
    deaths: list[DeathView] = field(default_factory=list)
    form_known: bool = True
    """False when ``household.form_id`` names no household form (then ``form`` is short2020)."""
    _walk: Walk | None = None

    def code(self, item: str) -> int | None:
        return as_int(self.answers.get(item))

    def has(self, item: str) -> bool:
        return item in self.answers

    def with_rel(self, *codes: int) -> list[PersonView]:
        """Persons whose relationship to the head is one of ``codes``, in order."""
        return [p for p in self.persons if p.rel in codes]

    @property
    def head(self) -> PersonView | None:
        """The (first) 户主, relationship 0."""
        for p in self.persons:
            if p.rel == 0:
                return p
        return None

    @property
    def spouse(self) -> PersonView | None:
        """The (first) 配偶, relationship 1."""
        for p in self.persons:
            if p.rel == 1:
                return p
        return None

    @property
    def all_died(self) -> bool:
        """Everyone of the household died in the year (FACTS §4, 户编号 999; rule HH-09): the
        form has death records, every person count (H2a, H2b) is 0 and H4m + H4f > 0."""
        counts = self.form.person_count_items
        deaths = self.form.death_count_items
        if not counts or deaths is None or any(self.code(i) != 0 for i in counts):
            return False
        died = [self.code(i) for i in deaths]
        return all(n is not None and n >= 0 for n in died) and sum(n or 0 for n in died) > 0


def view(household: Household, form: Form | None = None) -> HouseholdView:
    """Parse ``household`` for the rules; never raises on anything a Household can hold.

    ``form``: the household's form when the caller has it; by default the packaged form named by
    ``household.form_id`` (short2020, with ``form_known`` false, when there is none).
    """
    known = True
    if form is None:
        form = household_form(getattr(household, "form_id", None))
        if form is None:
            known = False
            form = load_form(DEFAULT_FORM)
    ids = ids_of(form)
    persons = household.persons if isinstance(household.persons, list) else []
    deaths = getattr(household, "deaths", None)
    deaths = deaths if isinstance(deaths, list) else []
    droles = form.death_roles
    return HouseholdView(
        household=household,
        answers=_answers(household),
        persons=[_person_view(p, i, ids) for i, p in enumerate(persons)],
        form=form,
        ids=ids,
        deaths=[_death_view(d, i, droles) for i, d in enumerate(deaths)],
        form_known=known,
    )
