"""Reading one cell of a name list: sex, birth year-month, ethnic group, free text.

Each parser returns a value or ``None`` (unreadable); the row checks turn ``None`` into a
finding. Free text that starts like a spreadsheet formula (``=``, ``+``, ``-``, ``@``, and the
tab/CR variants) is neutralised with a leading apostrophe, the OWASP advice for CSV injection,
so that nothing we export later can run in a spreadsheet.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet may evaluate (CSV/formula injection)."""

EMPTY_MARKS = frozenset({"", "-", "—", "--", "/", "无", "暂无", "null", "none", "n/a", "na"})
"""Cells that mean 'nothing here' in HR lists."""

_SEX = {
    "男": 1, "男性": 1, "m": 1, "male": 1, "1": 1,
    "女": 2, "女性": 2, "f": 2, "female": 2, "2": 2,
}  # fmt: skip

_YM_PATTERNS = (
    # 1990-03, 1990/3, 1990.03, 1990-03-07, 1990年3月, 1990年3月7日
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月)?$"),
    # 199003, 19900307
    re.compile(r"^(\d{4})(\d{2})(\d{2})?$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")


def clean(text: str) -> str:
    """A cell as typed: NFKC (full-width to ASCII), outer whitespace removed.

    A single leading apostrophe (Excel's "store as text" mark, common on ID numbers) is
    dropped.
    """
    t = unicodedata.normalize("NFKC", text).strip()
    if t.startswith("'"):
        t = t[1:].strip()
    return t


def is_empty(text: str) -> bool:
    return clean(text).casefold() in EMPTY_MARKS


def looks_like_formula(text: str) -> bool:
    """Whether a raw cell would be evaluated by a spreadsheet."""
    stripped = text.lstrip(" ")
    return stripped.startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """Free text safe to export again: a formula-like cell gets a leading apostrophe."""
    return "'" + text if looks_like_formula(text) else text


_PHONE = re.compile(r"^[+(\d][\d\s()-]{2,30}$")


def is_phone(text: str) -> bool:
    """A phone number, which may legitimately start with ``+`` (``+86 138…``)."""
    return bool(_PHONE.match(clean(text)))


def parse_sex(text: str) -> int | None:
    """Census sex code 1 男 / 2 女 (FACTS §5.6) from 男/女/M/F/male/female/1/2."""
    return _SEX.get(clean(text).casefold())


@lru_cache(maxsize=4096)
def parse_birth(text: str) -> tuple[int, int] | None:
    """Birth ``(year, month)`` from the ways spreadsheets write dates, or ``None``.

    Accepts year-month and full dates with ``-``, ``/``, ``.`` or 年月日, compact
    ``YYYYMM``/``YYYYMMDD``, and an Excel date serial (a date cell exported as a number).
    """
    t = clean(text)
    for pat in _YM_PATTERNS:
        m = pat.match(t)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            day = m.group(3)
            if not 1 <= month <= 12:
                return None
            if day is not None and not _real_day(year, month, int(day)):
                return None
            return year, month
    if _EXCEL_SERIAL.match(t):
        serial = int(float(t))
        if 1 <= serial <= 80000:
            d = _EXCEL_EPOCH + timedelta(days=serial)
            return d.year, d.month
    return None


def _real_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def yearmonth(ym: tuple[int, int]) -> str:
    """The D5 answer form ``"YYYY-MM"`` (docs/form.md)."""
    return f"{ym[0]:04d}-{ym[1]:02d}"
