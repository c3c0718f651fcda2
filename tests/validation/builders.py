"""Builders of valid households for tests (other packages import these too).

``valid_household(n)`` passes every logic check with no finding at all; tests then break one
answer to make one rule fire. Every person has a checksum-valid ID number that agrees with the
person's D4 and D5.
"""

from __future__ import annotations

from census_tui.model import Household, Person, Value
from census_tui.validation.idnumber import check_char

# (D2 relationship, D4 sex, D5 birth) of the persons, in order; n_persons takes the first n.
# 户主 1975, 配偶 1977, 子女 2005/2008/2012, 父母 1948/1950, 兄弟姐妹 1979, 其他 1990, 孙子女 2018.
PEOPLE: tuple[tuple[int, int, str], ...] = (
    (0, 1, "1975-05"),
    (1, 2, "1977-08"),
    (2, 1, "2005-03"),
    (3, 1, "1948-02"),
    (3, 2, "1950-06"),
    (2, 2, "2008-09"),
    (2, 1, "2012-01"),
    (8, 2, "1979-04"),
    (9, 1, "1990-10"),
    (7, 2, "2018-07"),
)
MAX_PERSONS = len(PEOPLE)


def make_id(birth: str, sex: int, seq: int = 1, prefix: str = "110105", day: int = 15) -> str:
    """A checksum-valid 18-character number for birth ``"YYYY-MM"`` and census sex ``sex``."""
    seq3 = (seq * 2 + (1 if sex == 1 else 0)) % 1000
    body = f"{prefix}{birth[:4]}{birth[5:7]}{day:02d}{seq3:03d}"
    return body + check_char(body)


def person_answers(rel: int, sex: int, birth: str, seq: int = 1) -> dict[str, Value]:
    """Answers of a person living here with hukou here, valid for their age."""
    year, month = int(birth[:4]), int(birth[5:7])
    age = 2020 - year - (1 if month >= 11 else 0)
    answers: dict[str, Value] = {
        "D1": f"测试{seq}",
        "D2": rel,
        "D3": make_id(birth, sex, seq),
        "D4": sex,
        "D5": birth,
        "D6": 1,
        "D7": 1,
        "D8": 1,
        "D9": 1,
    }
    if age >= 3:
        answers["D11"] = 7 if age >= 23 else (4 if age >= 12 else 3 if age >= 6 else 2)
    if age >= 15:
        answers["D12"] = 1
    return answers


def valid_person(uuid: str, rel: int, sex: int, birth: str, seq: int = 1) -> Person:
    return Person(uuid, person_answers(rel, sex, birth, seq))


def valid_household(n_persons: int = 3, uuid: str = "hh-0001") -> Household:
    """A family household in a conventional dwelling with ``n_persons`` (1-10), no findings."""
    if not 1 <= n_persons <= MAX_PERSONS:
        raise ValueError(f"n_persons must be 1..{MAX_PERSONS}")
    persons = [
        valid_person(f"p{i:02d}", rel, sex, birth, seq=i + 1)
        for i, (rel, sex, birth) in enumerate(PEOPLE[:n_persons])
    ]
    answers: dict[str, Value] = {
        "H1": 1,
        "H2a": n_persons,
        "H2b": 0,
        "H3m": 0,
        "H3f": 0,
        "H4m": 0,
        "H4f": 0,
        "H5": 1,
        "H6": 30 * n_persons,
        "H7": n_persons,
    }
    return Household(
        uuid=uuid, dwelling_id="d-001", hh_number=1, answers=answers, persons=persons, revision=1
    )
