"""Age at death (FACTS §3.3) against a plain date computation, and its edge cases."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from census_tui.questionnaire.standard_time import age_at_death

months = st.tuples(st.integers(1850, 2030), st.integers(1, 12))


def completed_years(birth: date, death: date) -> int:
    """Whole years from ``birth`` to ``death``: the usual birthday count."""
    return death.year - birth.year - ((death.month, death.day) < (birth.month, birth.day))


@given(months, months)
def test_age_at_death_is_completed_years(b: tuple[int, int], d: tuple[int, int]) -> None:
    birth, death = f"{b[0]:04d}-{b[1]:02d}", f"{d[0]:04d}-{d[1]:02d}"
    got = age_at_death(birth, death)
    if d < b:
        assert got is None
    else:
        # only year-months are known: both on the first of the month, so a death in the birth
        # month counts the birthday as reached (FACTS §3.3: "if birth month > death month")
        assert got == completed_years(date(*b, 1), date(*d, 1))
        assert got is not None and got >= 0


@pytest.mark.parametrize(
    ("birth", "death", "age"),
    [
        ("2020-01", "2020-03", 0),
        ("2019-11", "2020-10", 0),
        ("1940-05", "2020-04", 79),
        ("1940-05", "2020-05", 80),
        ("1940-04", "2020-05", 80),
        ("2020-03", "2020-03", 0),
    ],
)
def test_examples(birth: str, death: str, age: int) -> None:
    assert age_at_death(birth, death) == age


@pytest.mark.parametrize(
    ("birth", "death"),
    [(None, "2020-01"), ("2020-01", None), ("2020-13", "2020-01"), (1990, "2020-01"), ("", "")],
)
def test_missing_or_invalid_gives_none(birth: object, death: object) -> None:
    assert age_at_death(birth, death) is None
