"""Citizen ID numbers (公民身份号码, GB 11643-1999): normalise, check, upgrade, read birth and sex.

FACTS §6: 18 characters = 6-digit address code + YYYYMMDD birth date + 3-digit sequence (odd =
male, even = female) + an ISO 7064 MOD 11-2 check character (``X`` stands for 10). The 15-digit
1989 form (YYMMDD, century 19, no check character) is upgraded by inserting "19" and appending
the check character (§6.2).

FACTS §6.4: address codes change over time, so only the province (digits 1-2) is an error; an
unknown county would at most be a warning (no county list is embedded here).

Nothing in this module raises on any input; problems are returned as codes, never as text that
quotes the number (a number is personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
"""Wᵢ = 2^(18−i) mod 11, i = 1..17 (FACTS §6.1)."""
CHECK_CHARS = "10X98765432"
"""Check character for S mod 11 = 0..10 (FACTS §6.1)."""

PROVINCES = frozenset(
    (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
     41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
     71, 81, 82, 83)
)  # fmt: skip
"""Valid province prefixes (FACTS §6.4); 71/81/82/83 are Taiwan, Hong Kong, Macau, HK/Macau/TW."""

ALL_ZEROS = "0" * 18
"""The "no number" convention of some surveys (FACTS §4 [S]); never stored, see P-02."""

_DIGITS = frozenset("0123456789")
# Full-width digits ０-９ and Ｘ/ｘ, as Chinese input methods type them.
_FULLWIDTH = {0xFF10 + i: str(i) for i in range(10)} | {0xFF38: "X", 0xFF58: "X", ord("x"): "X"}
# Separators people type inside a number: ASCII and full-width spaces, tabs, hyphens.
_SEPARATORS = {ord(c): None for c in " \t\u3000-\u2010\u2011\u2012\u2013\uff0d\u00a0"}
_MAX_INPUT = 64
"""Longer input is not an ID number at all; do not spend time normalising it."""


class IdProblem(Enum):
    """Why a number is not a valid 18-character ID number. Values are stable codes."""

    EMPTY = "empty"
    BAD_LENGTH = "bad_length"
    BAD_CHARACTERS = "bad_characters"
    BAD_PROVINCE = "bad_province"
    BAD_DATE = "bad_date"
    BAD_CHECK = "bad_check"
    LEGACY_15 = "legacy_15"
    """A valid 15-digit number: acceptable only after upgrade (``IdResult.upgraded``)."""
    ALL_ZEROS = "all_zeros"


@dataclass(frozen=True, slots=True)
class IdResult:
    """What we know about one typed number.

    ``number`` is the normalised text (ASCII, upper-case X, separators removed). For a valid
    15-digit number ``upgraded`` holds its 18-character form and ``birth``/``sex`` are read from
    it. ``birth`` and ``sex`` are set whenever the date and the sequence digits are readable,
    even if the check character is wrong, so that callers can still explain the problem.
    """

    number: str
    problems: tuple[IdProblem, ...] = ()
    birth: tuple[int, int, int] | None = None
    sex: int | None = None
    """Census sex code: 1 男 (odd 17th digit), 2 女 (even)."""
    upgraded: str | None = None

    @property
    def valid(self) -> bool:
        """A well-formed 18-character number (checksum, date and province all pass)."""
        return not self.problems and len(self.number) == 18


def normalise(text: str) -> str:
    """Strip separators, map full-width digits and Ｘ/x to ASCII ``0-9``/``X``.

    Never raises: a non-``str`` gives ``""``; absurdly long input is cut (it cannot be a number
    anyway, and :func:`check` reports it).
    """
    if not isinstance(text, str):
        return ""
    if len(text) > _MAX_INPUT:
        return text[:_MAX_INPUT]
    return text.translate(_SEPARATORS).translate(_FULLWIDTH).strip()


def check_char(body17: str) -> str:
    """The MOD 11-2 check character of a 17-digit body (FACTS §6.1)."""
    return CHECK_CHARS[sum(map(mul, map(int, body17), WEIGHTS)) % 11]


def upgrade15(number15: str) -> str:
    """The 18-character form of a 15-digit 1989 number: insert "19", append the check character.

    The caller must pass 15 ASCII digits (see :func:`check`, which validates first).
    """
    body = number15[:6] + "19" + number15[6:]
    return body + check_char(body)


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _real_date(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _birth(digits8: str) -> tuple[int, int, int] | None:
    y, m, d = int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8])
    return (y, m, d) if _real_date(y, m, d) else None


def check(text: object) -> IdResult:
    """Normalise and check a typed ID number; never raises.

    Returns an :class:`IdResult` whose ``problems`` is empty for a valid 18-character number.
    """
    if not isinstance(text, str):
        return IdResult("", (IdProblem.BAD_CHARACTERS,))
    n = normalise(text)
    if not n:
        return IdResult("", (IdProblem.EMPTY,))
    if n == ALL_ZEROS:
        return IdResult(n, (IdProblem.ALL_ZEROS,))
    if len(n) == 15:
        return _check15(n)
    if len(n) != 18:
        bad = not all(c in _DIGITS or c == "X" for c in n)
        return IdResult(n, (IdProblem.BAD_CHARACTERS,) if bad else (IdProblem.BAD_LENGTH,))
    body, last = n[:17], n[17]
    if not _ascii_digits(body) or not (last in _DIGITS or last == "X"):
        return IdResult(n, (IdProblem.BAD_CHARACTERS,))
    problems: list[IdProblem] = []
    if int(n[:2]) not in PROVINCES:
        problems.append(IdProblem.BAD_PROVINCE)
    birth = _birth(n[6:14])
    if birth is None:
        problems.append(IdProblem.BAD_DATE)
    if check_char(body) != last:
        problems.append(IdProblem.BAD_CHECK)
    sex = 1 if int(n[16]) % 2 else 2
    return IdResult(n, tuple(problems), birth, sex)


def _check15(n: str) -> IdResult:
    if not _ascii_digits(n):
        return IdResult(n, (IdProblem.BAD_CHARACTERS,))
    problems = [IdProblem.LEGACY_15]
    if int(n[:2]) not in PROVINCES:
        problems.append(IdProblem.BAD_PROVINCE)
    birth = _birth("19" + n[6:12])
    if birth is None:
        problems.append(IdProblem.BAD_DATE)
        return IdResult(n, tuple(problems))
    sex = 1 if int(n[14]) % 2 else 2
    upgraded = upgrade15(n) if len(problems) == 1 else None
    return IdResult(n, tuple(problems), birth, sex, upgraded)


def to_storable(text: object) -> str | None:
    """The value to store for D3: a valid 18-character number (15-digit ones upgraded).

    ``None`` when the input is not a valid number. An explicit "no ID number" answer is ``""``
    and is chosen by the enumerator, never derived from bad input.
    """
    res = check(text)
    if res.valid:
        return res.number
    if res.problems == (IdProblem.LEGACY_15,):
        return res.upgraded
    return None
