"""The census standard time and the age computation: the one place both live.

FACTS §1: the standard time is 2020-11-01 00:00; people born after it are not registered.
FACTS §7.3 P-12: age = 2020 − birth year − (1 if birth month ≥ 11 else 0).
FACTS §3.3: age at death = death year − birth year − (1 if birth month > death month else 0).
"""

from __future__ import annotations

import re
from datetime import datetime

STANDARD_TIME = datetime(2020, 11, 1, 0, 0)
"""普查标准时点: 2020-11-01 00:00 (local time; no timezone is implied by the census)."""

LAST_BIRTH_MONTH = (2020, 10)
"""Latest birth year-month that can be registered (born before the standard time)."""

EARLIEST_BIRTH_YEAR = 1890
"""FACTS §7.3 P-05 [D]: a birth year before this is taken as an entry error."""

_YM = re.compile(r"^(\d{4})-(\d{2})$")


def parse_yearmonth(text: str) -> tuple[int, int] | None:
    """``"YYYY-MM"`` to ``(year, month)``, or ``None`` if it is not a valid year-month."""
    m = _YM.match(text)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    return year, month


def age_at_standard_time(year: int, month: int) -> int:
    """Completed years at 2020-11-01 00:00 for someone born in ``year``-``month``."""
    return STANDARD_TIME.year - year - (1 if month >= STANDARD_TIME.month else 0)


def age_from_answer(value: object) -> int | None:
    """Age from a D5 answer, or ``None`` when D5 is missing or not a valid year-month."""
    if not isinstance(value, str):
        return None
    ym = parse_yearmonth(value)
    return None if ym is None else age_at_standard_time(*ym)


def age_at_death(birth: object, death: object) -> int | None:
    """Completed years at death from the birth and death year-months (S4, S5; FACTS §3.3).

    If the birth month is after the death month: death year − birth year − 1, else death year −
    birth year (a death in the birth month counts the birthday as reached). ``None`` when either
    answer is missing or not a valid year-month, or when the death is before the birth (the
    death-record checks report that; no age gate should open on it).
    """
    if not isinstance(birth, str) or not isinstance(death, str):
        return None
    b, d = parse_yearmonth(birth), parse_yearmonth(death)
    if b is None or d is None or d < b:
        return None
    return d[0] - b[0] - (1 if b[1] > d[1] else 0)


def born_after_standard_time(year: int, month: int) -> bool:
    return (year, month) > LAST_BIRTH_MONTH
