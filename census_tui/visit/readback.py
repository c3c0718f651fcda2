"""Read-back (核对确认): the key answers of each person in plain language, to read out.

FIELDWORK.md step 4: after entry the enumerator reads the key information back to the household
and the respondent confirms. Only applicable, answered items are read, in the walker's order and
on the household's own form: the household, each person (the long form's items too), then each
death record (死亡人口调查表). Labels and code labels are in the respondent's language.
"""

from __future__ import annotations

from census_tui.i18n import Lang, Msg
from census_tui.model import HOUSEHOLD_SCOPE, Household, Value
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import Form, Item
from census_tui.visit.api import ReadBackLine

NO_ID = Msg("无公民身份号码", "no ID number")
HOUSEHOLD = Msg("本户", "Household")
PERSON = Msg("第{n}人", "Person {n}")
DEATH = Msg("死亡人口 {n}", "Death record {n}")


def display_value(item: Item, value: Value, lang: Lang) -> str:
    """An answer as words: code labels, year-month as 年月, the no-ID answer spelled out."""
    if item.type == "code" and isinstance(value, int):
        label = item.code_label(value, lang)
        return label if label is not None else str(value)
    if item.type == "idnumber" and value == "":
        return NO_ID(lang)
    if item.type == "yearmonth" and isinstance(value, str) and len(value) == 7:
        y, m = value.split("-")
        return f"{y}年{int(m)}月" if lang == "zh" else f"{y}-{m}"
    return str(value)


def _line(
    item: Item, person: str, answers: dict[str, Value], lang: Lang, *, death: bool = False
) -> ReadBackLine | None:
    if item.id not in answers:
        return None
    text = display_value(item, answers[item.id], lang)
    return ReadBackLine(person, item.label, text, death=death)


def readback_lines(form: Form, hh: Household, lang: Lang) -> list[ReadBackLine]:
    """Household items first, then each person in order (head first), then each death record
    (when the household's form has them)."""
    out: list[ReadBackLine] = []
    for item in walker.household_items(form, hh):
        line = _line(item, HOUSEHOLD_SCOPE, hh.answers, lang)
        if line is not None:
            out.append(line)
    for person in hh.persons:
        for item in walker.person_items(form, hh, person.uuid):
            line = _line(item, person.uuid, person.answers, lang)
            if line is not None:
                out.append(line)
    if form.death_items:
        for record in hh.deaths:
            for item in walker.death_items(form, hh, record.uuid):
                line = _line(item, record.uuid, record.answers, lang, death=True)
                if line is not None:
                    out.append(line)
    return out
