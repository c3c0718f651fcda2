"""The spot-check draw (census_tui/server/spotcheck.py): reproducible from the seed, per area,
the documented size, and a clear refusal when an area has fewer households than asked."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from census_tui.errors import BadInput
from census_tui.server.spotcheck import SampleTooLarge, draw, size_of

FRAMES = {
    "110105001001003": [f"b-{n:02d}" for n in range(7)],
    "110105001001002": [f"a-{n:02d}" for n in range(31)],
}


def test_the_same_seed_draws_the_same_households_in_any_frame_order() -> None:
    first = draw(FRAMES, 20201101, percent=Fraction(10))
    shuffled = {a: random.Random(1).sample(ids, len(ids)) for a, ids in FRAMES.items()}
    assert draw(shuffled, 20201101, percent=Fraction(10)) == first
    assert [len(first[a]) for a in sorted(first)] == [4, 1]  # ceil(31 / 10), ceil(7 / 10)
    assert all(first[a] == sorted(first[a]) and set(first[a]) <= set(FRAMES[a]) for a in first)
    assert draw(FRAMES, 20201102, percent=Fraction(10)) != first


def test_the_draw_is_the_documented_one() -> None:
    """``random.Random(f"{seed}:{area}").sample(sorted frame, size)``, sorted (protocol.md)."""
    got = draw(FRAMES, 7, count=3)
    for area, ids in FRAMES.items():
        assert got[area] == sorted(random.Random(f"7:{area}").sample(sorted(ids), 3))


def test_an_area_added_to_the_draw_changes_no_other_area() -> None:
    alone = draw({"110105001001002": FRAMES["110105001001002"]}, 99, count=5)
    both = draw(FRAMES, 99, count=5)
    assert both["110105001001002"] == alone["110105001001002"]


def test_sizes() -> None:
    assert size_of(31, percent=Fraction(10)) == 4
    assert size_of(30, percent=Fraction(10)) == 3
    assert size_of(0, percent=Fraction(50)) == 0
    assert size_of(3, percent=Fraction(1, 1000)) == 1
    assert size_of(9, count=2) == 2
    with pytest.raises(ValueError):
        size_of(9, percent=Fraction(0))


def test_more_than_an_area_has_or_nothing_at_all_is_refused() -> None:
    with pytest.raises(SampleTooLarge) as big:
        draw(FRAMES, 1, count=8)
    assert (big.value.area_id, big.value.have, big.value.want) == ("110105001001003", 7, 8)
    assert "7" in big.value.msg.zh and "has only 7" in big.value.msg.en
    with pytest.raises(BadInput) as empty:
        draw({"110105001001002": []}, 1, percent=Fraction(50))
    assert "nothing to draw" in empty.value.msg.en
    with pytest.raises(ValueError):
        draw(FRAMES, 1, percent=Fraction(5), count=1)
    with pytest.raises(ValueError):
        draw(FRAMES, -1, count=1)
