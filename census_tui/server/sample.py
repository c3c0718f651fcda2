"""Who gets the long form (普查表长表): a systematic sample of an area's dwellings.

The census asks the long form of a 10 % sample of households (FACTS §1); the office decides
which, before the enumerator goes out, and the server sends each dwelling's form with the
assignment (docs/protocol.md "Forms"). The draw is a pure function of the area's dwelling ids
and one recorded integer seed, so anyone holding both can draw it again and get the same
dwellings:

1. the dwelling ids, sorted (code point order; the order they were listed in does not matter);
2. the interval ``k = 1 / fraction`` (10 for the default fraction of 1/10);
3. a random start ``r`` in ``[0, k)``: ``random.Random(seed).randrange(k)`` when ``k`` is a
   whole number; for a fraction whose inverse is not whole (say 3/20), ``k = p/q`` and
   ``r = randrange(p) / q``;
4. the dwellings at positions ``floor(r + i·k)``, ``i = 0, 1, …``, below the number of
   dwellings: every k-th dwelling from the start.

With ``n`` dwellings that is ``floor(n·fraction)`` or ``ceil(n·fraction)`` dwellings, never
further from ``n·fraction`` than one. Python's ``random.Random`` is the Mersenne Twister seeded
from the integer: its ``randrange`` gives the same number for the same seed on every platform
and every Python 3.2 or later.

No I/O and no imports of the server's storage: the server records the seed per area and calls
:func:`long_form_sample`; tests and the office's own checks call it the same way.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from fractions import Fraction
from math import floor

from census_tui.errors import BadInput
from census_tui.i18n import Msg

SHORT_FORM = "short2020"
LONG_FORM = "long2020"
HMT_FORM = "hmt2020"
DEFAULT_FRACTION = Fraction(1, 10)
"""The long form's share of households in 2020 (FACTS §1: a 10 % sample)."""
MAX_SEED = 2**63 - 1

BAD_FRACTION = Msg(
    "长表抽样比例须大于 0 且不大于 1。",
    "The long-form sampling fraction must be above 0 and at most 1.",
)
BAD_SEED = Msg(
    "抽样种子须为 0 到 2^63-1 之间的整数。",
    "The sampling seed must be a whole number from 0 to 2^63-1.",
)
DUPLICATE_IDS = Msg(
    "住房单元编号重复，不能抽样：每个住房单元只能出现一次。",
    "Duplicate dwelling ids: each dwelling may appear only once in a sample frame.",
)
UNKNOWN_HMT = Msg(
    "港澳台及外籍表的住房单元不在本普查小区的住房单元中。",
    "A dwelling marked for the HMT-foreign form is not among the area's dwellings.",
)


def interval(fraction: Fraction | int | str = DEFAULT_FRACTION) -> Fraction:
    """The sampling interval ``k = 1 / fraction`` (exact; ``Fraction(10)`` by default)."""
    try:
        f = Fraction(fraction)
    except (TypeError, ValueError, ZeroDivisionError):
        raise BadInput(BAD_FRACTION) from None
    if not 0 < f <= 1:
        raise BadInput(BAD_FRACTION)
    return 1 / f


def random_start(seed: int, k: Fraction) -> Fraction:
    """The start ``r`` in ``[0, k)`` that ``seed`` gives (see the module's step 3)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise BadInput(BAD_SEED)
    return Fraction(random.Random(seed).randrange(k.numerator), k.denominator)


def long_form_sample(
    dwelling_ids: Iterable[str],
    seed: int,
    fraction: Fraction | int | str = DEFAULT_FRACTION,
) -> list[str]:
    """The dwellings of the long-form sample, in id order: every ``k``-th of the sorted ids
    from a start drawn with ``seed`` (the module's description). Pure: the same ids (in any
    order) and seed always give the same list."""
    ids = sorted(dwelling_ids)
    if len(set(ids)) != len(ids):
        raise BadInput(DUPLICATE_IDS)
    k = interval(fraction)
    start = random_start(seed, k)
    chosen: list[str] = []
    i = 0
    while (position := floor(start + i * k)) < len(ids):
        chosen.append(ids[position])
        i += 1
    return chosen


def assign_forms(
    dwelling_ids: Iterable[str],
    seed: int,
    fraction: Fraction | int | str = DEFAULT_FRACTION,
    *,
    hmt: Iterable[str] = (),
) -> dict[str, str]:
    """Every dwelling's form: ``hmt2020`` for the dwellings the office listed as holding
    Hong Kong, Macau or Taiwan residents or foreigners (``hmt``: they are outside the sample
    frame, the long form being a sample of the households the short form covers), else
    ``long2020`` for the systematic sample of the others, else ``short2020``."""
    ids = list(dwelling_ids)
    foreign = set(hmt)
    if not foreign <= set(ids):
        raise BadInput(UNKNOWN_HMT)
    frame = [d for d in ids if d not in foreign]
    long = set(long_form_sample(frame, seed, fraction))
    return {
        d: HMT_FORM if d in foreign else LONG_FORM if d in long else SHORT_FORM for d in sorted(ids)
    }
