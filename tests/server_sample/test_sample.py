"""The long-form sample (census_tui/server/sample.py): reproducible from its seed, the right
size, independent of listing order, and different for different seeds."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from math import ceil, floor

import pytest

from census_tui.errors import BadInput
from census_tui.server.sample import assign_forms, long_form_sample

AREA = "110105001001001"


def _ids(n: int) -> list[str]:
    return [f"{AREA}-{i:03d}" for i in range(1, n + 1)]


def test_same_seed_same_sample() -> None:
    ids = _ids(137)
    first = long_form_sample(ids, 20201101)
    assert first == long_form_sample(list(ids), 20201101)
    assert first == sorted(first)


def test_the_documented_method() -> None:
    """docs/protocol.md: sorted ids, start random.Random(seed).randrange(10), every 10th."""
    ids = _ids(95)
    start = random.Random(7).randrange(10)
    assert long_form_sample(reversed(ids), 7) == ids[start::10]


@pytest.mark.parametrize("n", [0, 1, 9, 10, 11, 36, 99, 100, 101, 1234])
def test_size_is_a_tenth_within_one(n: int) -> None:
    for seed in range(40):
        size = len(long_form_sample(_ids(n), seed))
        assert floor(n / 10) <= size <= ceil(n / 10), (n, seed, size)


def test_every_kth_dwelling() -> None:
    ids = _ids(250)
    chosen = long_form_sample(ids, 99)
    positions = [ids.index(d) for d in chosen]
    assert positions[0] < 10
    assert {b - a for a, b in itertools.pairwise(positions)} == {10}


def test_different_seeds_differ() -> None:
    ids = _ids(200)
    samples = {tuple(long_form_sample(ids, seed)) for seed in range(50)}
    assert len(samples) == 10  # every one of the ten starts is drawn by some seed
    assert long_form_sample(ids, 1) != long_form_sample(ids, 2)


def test_listing_order_does_not_matter() -> None:
    ids = _ids(333)
    shuffled = list(ids)
    random.Random(3).shuffle(shuffled)
    assert long_form_sample(shuffled, 42) == long_form_sample(ids, 42)


def test_another_fraction() -> None:
    ids = _ids(100)
    assert len(long_form_sample(ids, 5, Fraction(1, 5))) == 20
    for seed in range(30):  # an interval that is not a whole number: 20/3
        size = len(long_form_sample(ids, seed, Fraction(3, 20)))
        assert size in (15, 16)
    assert long_form_sample(ids, 5, 1) == ids


@pytest.mark.parametrize(
    ("ids", "seed", "fraction"),
    [
        (["a", "b", "a"], 1, Fraction(1, 10)),
        (["a"], -1, Fraction(1, 10)),
        (["a"], True, Fraction(1, 10)),
        (["a"], 1, 0),
        (["a"], 1, Fraction(3, 2)),
        (["a"], 1, "x"),
    ],
)
def test_bad_input_is_refused_in_both_languages(
    ids: list[str], seed: int, fraction: object
) -> None:
    with pytest.raises(BadInput) as err:
        long_form_sample(ids, seed, fraction)  # type: ignore[arg-type]
    assert err.value.msg.zh and err.value.msg.en


def test_assign_forms() -> None:
    ids = _ids(40)
    hmt = [ids[3]]
    forms = assign_forms(ids, 11, hmt=hmt)
    assert forms[ids[3]] == "hmt2020"
    frame = [d for d in ids if d != ids[3]]
    assert {d for d, f in forms.items() if f == "long2020"} == set(long_form_sample(frame, 11))
    assert set(forms.values()) == {"short2020", "long2020", "hmt2020"}
    with pytest.raises(BadInput):
        assign_forms(ids, 11, hmt=["elsewhere"])
