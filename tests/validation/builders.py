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


# -- the other forms (issue 17) ---------------------------------------------------------------


def _age(birth: str) -> int:
    year, month = int(birth[:4]), int(birth[5:7])
    return 2020 - year - (1 if month >= 11 else 0)


def long_answers(rel: int, sex: int, birth: str, seq: int = 1) -> dict[str, Value]:
    """A person of the long form (long2020): the short-form answers plus the long-form items
    their universes ask (FACTS §3.2), consistent with every long-form rule."""
    answers = person_answers(rel, sex, birth, seq)
    age = _age(birth)
    answers.update({"D13": 4, "D14": 2, "D15": 1})
    if age >= 5:
        answers["D16"] = 1
    if age >= 3 and int(answers.get("D11", 0)) >= 3:
        answers["D17"] = 1 if age < 23 else 2
    if age >= 16:
        if age < 60:
            answers.update({"D18": 1, "D18H": 40, "D19": 1, "D20": "某公司 软件开发"})
            answers.update({"D21": "软件工程师", "D23": 1})
        else:
            answers.update({"D18": 3, "D22": 2, "D23": 2})
    if age >= 15:
        married = rel in (0, 1, 3)
        answers["D24"] = 2 if married else 1
        if married:
            answers["D25"] = f"{int(birth[:4]) + 24}-05"
            if sex == 2 and age <= 64:
                # the household's children: 2005 son, 2008 daughter, 2012 son (PEOPLE)
                answers.update({"D26m": 2, "D26f": 1, "D27m": 2, "D27f": 1})
                if age <= 50:
                    answers["D28"] = 0
    if age >= 60:
        answers.update({"D29": 1, "D30": 2})
    return answers


def valid_long_household(n_persons: int = 3, uuid: str = "hh-long") -> Household:
    """``valid_household`` on the long form, with the long-form household and person items."""
    hh = valid_household(n_persons, uuid)
    hh.form_id = "long2020"
    for i, (p, (rel, sex, birth)) in enumerate(zip(hh.persons, PEOPLE, strict=False)):
        p.answers = long_answers(rel, sex, birth, seq=i + 1)
    hh.answers.update(
        {"H8": 2, "H9": 1, "H10": 7, "H11": 1, "H12": 1, "H13": 1, "H14": 1, "H15": 1}
    )
    hh.answers.update({"H16": 2, "H17": 2, "H18": 5})
    return hh


def death_record(
    uuid: str, sex: int, birth: str, death: str, name: str = "未取名", **extra: Value
) -> Person:
    """A death record (S2 … S8) valid for its age at death (FACTS §3.3)."""
    by, bm, dy, dm = int(birth[:4]), int(birth[5:7]), int(death[:4]), int(death[5:7])
    age = dy - by - (1 if bm > dm else 0)
    answers: dict[str, Value] = {"S2": name, "S3": sex, "S4": birth, "S5": death, "S6": 1}
    if age >= 6:
        answers["S7"] = 3
    if age >= 15:
        answers["S8"] = 5
    answers.update(extra)
    return Person(uuid, answers)


def infant_death_household(form_id: str = "short2020") -> Household:
    """Three persons and a boy born 2020-01 who died 2020-03: counted in H3m and H4m (FACTS
    §2.2), one death record; on the long form the mother reports the birth (D28)."""
    hh = valid_long_household(3) if form_id == "long2020" else valid_household(3)
    hh.answers.update({"H3m": 1, "H4m": 1})
    hh.deaths = [death_record("d-infant", 1, "2020-01", "2020-03")]
    if form_id == "long2020":
        mother = hh.persons[1].answers
        mother.update({"D26m": 3, "D28": 1, "D28B1": "2020-01", "D28S1": 1})
    return hh


def all_died_household(form_id: str = "short2020") -> Household:
    """Everyone died in the year (FACTS §4, 户编号 999): only the counts, two death records."""
    answers: dict[str, Value] = {
        "H1": 1, "H2a": 0, "H2b": 0, "H3m": 0, "H3f": 0, "H4m": 1, "H4f": 1,
    }  # fmt: skip
    deaths = [
        death_record("d-1", 1, "1938-04", "2020-02", name="测试甲"),
        death_record("d-2", 2, "1941-11", "2020-07", name="测试乙"),
    ]
    return Household(
        uuid="hh-999", dwelling_id="d-002", hh_number=999, answers=answers, deaths=deaths,
        revision=1, form_id=form_id,
    )  # fmt: skip


def hmt_person(uuid: str, rel: int, sex: int, birth: str, **extra: Value) -> Person:
    """A person of hmt2020 (a US passport holder who came to work in 2015)."""
    answers: dict[str, Value] = {
        "R1": "Test Person", "R2": rel, "R3": sex, "R4": birth, "R5": 840, "R6": 4,
        "R7": "P1234567", "R8": "2015-09", "R9": 2,
    }  # fmt: skip
    if _age(birth) >= 3:
        answers["R10"] = 7 if _age(birth) >= 23 else 3
    answers.update(extra)
    return Person(uuid, answers)


def valid_hmt_household(uuid: str = "hh-hmt") -> Household:
    """A foreign-resident household on hmt2020: a couple (US; Hong Kong) and their child."""
    persons = [
        hmt_person("r0", 0, 1, "1980-04"),
        hmt_person("r1", 1, 2, "1982-07", R5=344, R6=1, R7="H0123456", R9=5),
        hmt_person("r2", 2, 2, "2012-03", R8="2015-09", R9=3),
    ]
    answers: dict[str, Value] = {"F1": 1, "FN": 3, "F2": 1, "F3": 120, "F4": 3}
    return Household(
        uuid=uuid, dwelling_id="d-003", hh_number=3, answers=answers, persons=persons,
        revision=1, form_id="hmt2020",
    )  # fmt: skip
