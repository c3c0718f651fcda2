"""The re-visit screen asks sex and relationship by the codes of the household forms
(screens/sup_revisit.py keeps short labels of its own for its hint line): the codes and their
Chinese labels must be those of every form whose persons have those roles, so a change of a
form's code list cannot leave the re-visit asking by old codes."""

from __future__ import annotations

import pytest

from census_tui.i18n import Msg
from census_tui.questionnaire.form import load_form
from census_tui.screens.sup_revisit import RELATIONS, SEXES

HOUSEHOLD_FORMS = ("short2020", "long2020", "hmt2020")


@pytest.mark.parametrize("form_id", HOUSEHOLD_FORMS)
@pytest.mark.parametrize(("role", "codes"), [("sex", SEXES), ("relationship", RELATIONS)])
def test_the_revisit_codes_are_the_forms(form_id: str, role: str, codes: dict[str, Msg]) -> None:
    form = load_form(form_id)
    item = form.item(form.roles[role])
    assert {str(c.value): c.label.zh for c in item.codes} == {k: m.zh for k, m in codes.items()}
