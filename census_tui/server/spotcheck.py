"""The supervisor's spot check (抽查): a reproducible random sample of completed households.

A supervisor (or the census office, FIELDWORK.md's third level) draws, per enumeration area, a
percentage or a number of the households uploaded there, for a re-visit of the key items
(二次入户核实, ``compare.py``). The draw is a pure function of the areas' completed case UUIDs
and one recorded integer seed, so anyone holding both draws the same households again:

1. per area (in area-id order), the frame is the case UUIDs of the households uploaded in it
   (their latest revisions, whatever their review state), sorted in code-point order;
2. the size is ``count`` (the same in every area), or ``ceil(n * percent / 100)`` for an area
   of ``n`` households (exact arithmetic: 10 % of 31 is 4);
3. the sample is ``random.Random(f"{seed}:{area_id}").sample(frame, size)``, sorted: Python's
   Mersenne Twister seeded from that text (stable across platforms and Python versions since
   3.2), so adding an area to a draw does not change another area's households.

A ``count`` larger than an area's completed households is refused (:class:`SampleTooLarge`,
naming the area and how many it has); so is a draw that finds no household at all.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction

from census_tui.errors import BadInput
from census_tui.i18n import Msg

MAX_SEED = 2**63 - 1
MAX_COUNT = 10_000


class SampleTooLarge(BadInput):
    """More households asked of an area than it has completed."""

    def __init__(self, area_id: str, have: int, want: int) -> None:
        super().__init__(
            Msg(
                f"普查小区 {area_id} 只有 {have} 户已完成，不能抽取 {want} 户："
                "请减少数量或改用百分比。",
                f"Area {area_id} has only {have} completed household(s); {want} cannot be drawn:"
                " ask for fewer, or for a percentage.",
            )
        )
        self.area_id, self.have, self.want = area_id, have, want


EMPTY_SAMPLE = Msg(
    "所选普查小区还没有已完成（已上传）的住户，无法抽查。",
    "The chosen areas have no completed (uploaded) households yet: nothing to draw.",
)


def size_of(n: int, *, percent: Fraction | None = None, count: int | None = None) -> int:
    """How many of an area's ``n`` completed households to draw (step 2)."""
    if count is not None:
        return count
    if percent is None or not 0 < percent <= 100:
        raise ValueError("percent must be in (0, 100]")
    return math.ceil(n * percent / 100)


def draw(
    frames: Mapping[str, Sequence[str]],
    seed: int,
    *,
    percent: Fraction | None = None,
    count: int | None = None,
) -> dict[str, list[str]]:
    """The sample of every area of ``frames`` (area id -> completed case UUIDs), drawn with
    ``seed``: area id -> the drawn case UUIDs, sorted. Exactly one of ``percent`` and
    ``count``. Raises :class:`SampleTooLarge` or (nothing drawn) :class:`BadInput`."""
    if (percent is None) == (count is None):
        raise ValueError("give percent or count")
    if isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise ValueError("seed out of range")
    out: dict[str, list[str]] = {}
    for area_id in sorted(frames):
        frame = sorted(set(frames[area_id]))
        size = size_of(len(frame), percent=percent, count=count)
        if size > len(frame):
            raise SampleTooLarge(area_id, len(frame), size)
        rng = random.Random(f"{seed}:{area_id}")
        out[area_id] = sorted(rng.sample(frame, size))
    if not any(out.values()):
        raise BadInput(EMPTY_SAMPLE)
    return out
