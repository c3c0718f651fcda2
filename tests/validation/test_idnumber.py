"""GB 11643-1999 ID numbers: FACTS §6.3 examples, a differential test against python-stdnum,
and properties (hypothesis)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from census_tui.validation import idnumber
from census_tui.validation.idnumber import IdProblem, check, check_char, to_storable, upgrade15

VALID = [
    # (number, birth, sex) — FACTS §6.3 "pass"
    ("11010519491231002X", (1949, 12, 31), 2),
    ("440524188001010014", (1880, 1, 1), 1),
    ("110101199003070011", (1990, 3, 7), 1),
    ("360426199101010071", (1991, 1, 1), 1),
    ("310104198812240043", (1988, 12, 24), 2),
    # Valid under GB 11643; the census rejects it later (P-05), not the ID module.
    ("320106202011150017", (2020, 11, 15), 1),
]

INVALID = [
    ("110105194912310021", IdProblem.BAD_CHECK),
    ("440524188001010015", IdProblem.BAD_CHECK),
    ("110105194902300028", IdProblem.BAD_DATE),
    ("11010519491231002", IdProblem.BAD_LENGTH),
    ("1101051949123100X2", IdProblem.BAD_CHARACTERS),
    ("990105194912310026", IdProblem.BAD_PROVINCE),
    ("160105194912310026", IdProblem.BAD_PROVINCE),
    ("000000000000000000", IdProblem.ALL_ZEROS),
    ("", IdProblem.EMPTY),
    ("   ", IdProblem.EMPTY),
    ("11010519491231002Y", IdProblem.BAD_CHARACTERS),
    ("1101051949123100２X😀", IdProblem.BAD_CHARACTERS),
    ("x" * 10_000, IdProblem.BAD_CHARACTERS),
]


@pytest.mark.parametrize(("number", "birth", "sex"), VALID)
def test_valid_examples(number: str, birth: tuple[int, int, int], sex: int) -> None:
    res = check(number)
    assert res.valid and res.problems == ()
    assert res.birth == birth and res.sex == sex and res.number == number
    assert to_storable(number) == number


@pytest.mark.parametrize(("number", "problem"), INVALID)
def test_invalid_examples(number: str, problem: IdProblem) -> None:
    res = check(number)
    assert not res.valid
    assert problem in res.problems
    assert to_storable(number) is None


def test_bad_date_reported_even_if_checksum_also_wrong() -> None:
    body = "11010519490230002"  # Feb 30 with the right check character
    res = check(body + check_char(body))
    assert res.problems == (IdProblem.BAD_DATE,)
    leap = "11010520000229002"  # 2000 is a leap year, 1900 is not
    assert check(leap + check_char(leap)).valid
    not_leap = "11010519000229002"
    assert check(not_leap + check_char(not_leap)).problems == (IdProblem.BAD_DATE,)


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "110105-19491231-002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "110105\u300019491231002X",
    ],
)
def test_normalisation(typed: str) -> None:
    res = check(typed)
    assert res.valid and res.number == "11010519491231002X"
    assert to_storable(typed) == "11010519491231002X"


def test_upgrade_15_digit_example() -> None:
    # FACTS §6.2
    assert upgrade15("110105491231002") == "11010519491231002X"
    res = check("110105491231002")
    assert res.problems == (IdProblem.LEGACY_15,)
    assert res.upgraded == "11010519491231002X" and res.birth == (1949, 12, 31) and res.sex == 2
    assert to_storable("110105491231002") == "11010519491231002X"


def test_invalid_15_digit_numbers_are_not_upgraded() -> None:
    assert IdProblem.BAD_DATE in check("110105490230002").problems
    assert to_storable("110105490230002") is None
    assert IdProblem.BAD_PROVINCE in check("990105491231002").problems
    assert check("11010549123100X").problems == (IdProblem.BAD_CHARACTERS,)


@pytest.mark.parametrize("prefix", sorted(idnumber.PROVINCES))
def test_every_valid_province(prefix: int) -> None:
    body = f"{prefix}0101199003070011"[:17]
    assert check(body + check_char(body)).valid


@pytest.mark.parametrize("value", [None, 12345, 1.5, b"11010519491231002X", ["x"], {"a": 1}])
def test_non_strings_never_raise(value: object) -> None:
    res = check(value)
    assert not res.valid and res.problems
    assert to_storable(value) is None


def test_check_char_agrees_with_python_stdnum_on_20000_random_bodies() -> None:
    rng = random.Random(11643)
    for _ in range(20_000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        # stdnum's calc_check_digit takes the whole number and ignores its last character.
        assert check_char(body) == ric.calc_check_digit(body + "?"), body


def test_check_char_matches_facts_formula() -> None:
    # FACTS §6.1: python-stdnum's form (1 - 2*int(body17, 13)) % 11 agrees with the weights.
    rng = random.Random(7)
    for _ in range(2_000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        y = (1 - 2 * int(body, 13)) % 11
        assert check_char(body) == ("X" if y == 10 else str(y))


def test_exactly_one_check_character_passes() -> None:
    body = "11010519491231002"
    passing = [c for c in "0123456789X" if check(body + c).valid]
    assert passing == ["X"]


@given(st.text(max_size=40))
def test_check_never_raises_on_any_text(text: str) -> None:
    res = check(text)
    assert isinstance(res.problems, tuple)
    if res.valid:
        assert len(res.number) == 18 and res.number[-1] in "0123456789X"


@given(
    st.sampled_from(sorted(idnumber.PROVINCES)),
    st.dates(),
    st.integers(0, 9999),
    st.integers(0, 999),
)
def test_constructed_numbers_round_trip(province: int, d: object, county: int, seq: int) -> None:
    import datetime as dt

    assert isinstance(d, dt.date)
    body = f"{province:02d}{county:04d}{d.year:04d}{d.month:02d}{d.day:02d}{seq:03d}"
    number = body + check_char(body)
    res = check(number)
    assert res.valid
    assert res.birth == (d.year, d.month, d.day)
    assert res.sex == (1 if seq % 2 else 2)
    assert check(number.lower()).number == number
    # One changed digit in the body is always caught (MOD 11-2 detects single substitutions).
    i = seq % 17
    wrong = body[:i] + str((int(body[i]) + 1) % 10) + body[i + 1 :] + number[17]
    assert not check(wrong).valid


@given(st.text(alphabet="0123456789", min_size=15, max_size=15))
def test_upgrade_agrees_with_stdnum(n15: str) -> None:
    res = check(n15)
    if res.upgraded is not None:
        assert res.upgraded[:6] == n15[:6] and res.upgraded[6:8] == "19"
        assert res.upgraded[-1] == ric.calc_check_digit(res.upgraded)
        assert check(res.upgraded).valid
