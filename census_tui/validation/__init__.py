"""The census logic checks (FACTS §7): ID numbers, rules, findings, confirmations, household JSON.

Every household form has its rules (``engine.RULES_BY_FORM``, picked by ``Household.form_id``):
short2020 (rules_household, rules_relationship, rules_person), long2020 (the same plus
rules_long), both with their death records (rules_death), and hmt2020 (rules_hmt). The items
the short form does not have are judged against their form file's conditions (generic).
Findings about a death record carry the record's uuid as ``person_uuid``.

Public API (import from here):
``check_household``, ``check_field``, ``completion_status``, ``CompletionStatus``,
``confirmation_key``, ``make_confirmation``, ``confirmation_is_current``, ``Finding``,
``Severity``, ``ValidationConfig``, ``DEFAULT``. ID numbers: ``census_tui.validation.idnumber``;
the JSON form: ``census_tui.validation.household_json``.
"""

from census_tui.validation.config import DEFAULT, ValidationConfig
from census_tui.validation.engine import (
    CompletionStatus,
    check_field,
    check_household,
    completion_status,
    confirmation_is_current,
    confirmation_key,
    make_confirmation,
)
from census_tui.validation.findings import Finding, Severity

__all__ = [
    "DEFAULT",
    "CompletionStatus",
    "Finding",
    "Severity",
    "ValidationConfig",
    "check_field",
    "check_household",
    "completion_status",
    "confirmation_is_current",
    "confirmation_key",
    "make_confirmation",
]
