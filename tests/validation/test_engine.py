"""Entry points: check_field as typed, confirmations that lapse, the completion check."""

from __future__ import annotations

import pytest

from census_tui.errors import BadInput
from census_tui.validation.engine import (
    check_field,
    check_household,
    completion_status,
    confirmation_is_current,
    confirmation_key,
    make_confirmation,
)
from census_tui.validation.findings import Severity

from .builders import make_id, valid_household

AT = "2020-11-02T09:00:00+00:00"


def rules(findings: list) -> set[tuple[str, Severity]]:  # type: ignore[type-arg]
    return {(f.rule_id, f.severity) for f in findings}


@pytest.mark.parametrize(
    ("item", "value", "rule"),
    [
        ("H1", 3, "HH-01"),
        ("H2a", -1, "HH-02"),
        ("H2a", "3", "HH-02"),
        ("H6", 0, "HH-05"),
        ("D1", "", "P-01"),
        ("D1", "a\x1b[31m", "P-01"),
        ("D2", 10, "R-01"),
        ("D3", "11010519491231002", "P-02"),
        ("D3", "110105194912310021", "P-02"),
        ("D3", "000000000000000000", "P-02"),
        ("D4", 3, "P-04"),
        ("D5", "2020-11", "P-05"),
        ("D5", "1990-3", "P-05"),
        ("D6", 57, "P-07"),
        ("D7", 0, "P-08"),
        ("D9", 10, "P-10"),
        ("D11", 0, "P-12"),
        ("D12", 3, "P-12"),
    ],
)
def test_field_errors(item: str, value: object, rule: str) -> None:
    assert (rule, Severity.ERROR) in rules(check_field(item, value))


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("H1", 2),
        ("D1", "未取名"),
        ("D3", "11010519491231002x"),
        ("D3", "１１０１０５１９４９１２３１００２Ｘ"),
        ("D3", "110105491231002"),  # 15 digits: valid, the caller stores the upgrade
        ("D5", "2020-10"),
        ("D6", 98),
        ("D10", 10),
        ("Z9", "anything"),
        ("D1", None),
    ],
)
def test_field_ok(item: str, value: object) -> None:
    assert check_field(item, value) == []


def test_field_no_id_is_a_warning() -> None:
    assert rules(check_field("D3", "")) == {("P-02", Severity.WARNING)}


def test_field_id_against_the_same_persons_answers() -> None:
    hh = valid_household(3)
    spouse = hh.persons[1]  # female, 1977-08
    man = make_id("1977-08", 1, 9)
    assert rules(check_field("D3", man, person=spouse, household=hh)) == {
        ("P-04", Severity.OVERRIDABLE)
    }
    assert rules(check_field("D5", "1977-09", person=spouse, household=hh)) == {
        ("P-03", Severity.OVERRIDABLE)
    }
    assert rules(check_field("D4", 1, person=spouse, household=hh)) == {
        ("P-04", Severity.OVERRIDABLE)
    }
    head_id = hh.persons[0].answers["D3"]
    assert ("P-06", Severity.ERROR) in rules(
        check_field("D3", str(head_id).lower(), person=spouse, household=hh)
    )
    future = "320106202011150017"
    assert ("P-05", Severity.ERROR) in rules(check_field("D3", future, person=spouse))
    # Its own number, typed in lower case or as full-width, is fine.
    own = str(spouse.answers["D3"])
    assert check_field("D3", own.lower(), person=spouse, household=hh) == []


def test_check_field_never_raises_on_garbage() -> None:
    hh = valid_household(2)
    for item in ("H1", "H2a", "H6", "D1", "D3", "D4", "D5", "D7P", "X"):
        for value in (b"x", 1.5, [], {}, True, "😀" * 10_000, "\x00", -(10**30), object()):
            check_field(item, value, person=hh.persons[0], household=hh)


def test_completion_needs_no_errors_and_confirmed_warnings() -> None:
    hh = valid_household(3)
    assert completion_status(hh, check_household(hh)).may_complete
    hh.answers["H6"] = 14  # HH-06 warning: < 5 m² per person
    hh.answers["H7"] = 1
    findings = check_household(hh)
    status = completion_status(hh, findings)
    assert not status.may_complete and not status.errors
    [warning] = status.unconfirmed
    with pytest.raises(BadInput):
        make_confirmation(warning, hh, "   ", "enum-1", AT)
    conf = make_confirmation(warning, hh, "shared dormitory room", "enum-1", AT)
    assert conf.values == {":H6": 14, ":H2a": 3, ":H5": 1}
    assert confirmation_key(conf) == confirmation_key(warning)
    hh.confirmations.append(conf)
    status = completion_status(hh, check_household(hh))
    assert status.may_complete and status.confirmed == (warning,)


def test_confirmation_lapses_when_an_answer_it_concerns_changes() -> None:
    hh = valid_household(3)
    hh.answers["H6"] = 14
    hh.answers["H7"] = 1
    [warning] = check_household(hh)
    hh.confirmations.append(make_confirmation(warning, hh, "reason", "enum-1", AT))
    assert confirmation_is_current(hh.confirmations[0], hh)
    hh.answers["H6"] = 13  # still a warning, but a different answer: confirm again
    assert not confirmation_is_current(hh.confirmations[0], hh)
    status = completion_status(hh, check_household(hh))
    assert not status.may_complete and status.lapsed == (hh.confirmations[0],)
    hh.answers["H6"] = 14  # back to the confirmed value: current again
    assert completion_status(hh, check_household(hh)).may_complete
    hh.answers["H2a"] = 2  # a related answer changes
    hh.answers["H2b"] = 1
    assert not confirmation_is_current(hh.confirmations[0], hh)


def test_overridable_error_needs_a_reason_and_errors_cannot_be_confirmed() -> None:
    hh = valid_household(3)
    hh.persons[1].answers["D4"] = 1  # P-04 overridable, and R-05 same-sex spouse warning
    findings = check_household(hh)
    assert rules(findings) == {("P-04", Severity.OVERRIDABLE), ("R-05", Severity.WARNING)}
    for f in findings:
        hh.confirmations.append(make_confirmation(f, hh, "card misprinted", "enum-1", AT))
    assert completion_status(hh, check_household(hh)).may_complete
    hh.persons[0].answers["D4"] = 2  # head's sex: R-05's snapshot lapses, P-04's does not
    status = completion_status(hh, check_household(hh))
    assert [f.rule_id for f in status.confirmed] == ["P-04"]
    hh.persons[1].answers["D2"] = 0  # two heads: an error
    error = next(f for f in check_household(hh) if f.severity is Severity.ERROR)
    with pytest.raises(BadInput):
        make_confirmation(error, hh, "reason", "enum-1", AT)


def test_confirmation_of_a_removed_person_lapses() -> None:
    hh = valid_household(3)
    hh.persons[2].answers["D3"] = ""
    hh.persons[2].answers["D3N"] = 1
    [f] = check_household(hh)
    hh.confirmations.append(make_confirmation(f, hh, "newborn", "enum-1", AT))
    assert completion_status(hh, check_household(hh)).may_complete
    removed = hh.persons.pop(2)
    assert not confirmation_is_current(hh.confirmations[0], hh)
    hh.persons.append(removed)
    assert confirmation_is_current(hh.confirmations[0], hh)
