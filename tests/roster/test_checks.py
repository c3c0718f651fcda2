"""Each row checked with line numbers: ID, sex and birth derived or compared, formulas, dups."""

from __future__ import annotations

import pytest

from census_tui.roster import cells
from census_tui.roster.checks import Level
from census_tui.roster.preview import RosterPreview, read_roster
from tests.roster.lists import make_id

HEADER = "姓名,身份证号,性别,出生年月,民族,宿舍,部门,电话"
MALE_1990 = make_id("110101", 1990, 3, 7, 1)
FEMALE_1985 = make_id("440305", 1985, 11, 20, 24)


def preview(*rows: str, registered: tuple[str, ...] = ()) -> RosterPreview:
    return read_roster(("\n".join([HEADER, *rows]) + "\n").encode(), registered=registered)


def codes(p: RosterPreview, line: int) -> list[tuple[str, str]]:
    return [(i.code, i.level.value) for ln, i in p.issues() if ln == line]


def test_good_row_prefills_answers() -> None:
    p = preview(f"张三,{MALE_1990},男,1990年3月,蒙古,A-101,装配,13800000000")
    row = p.rows[0]
    assert row.ok and row.line == 2 and not row.issues
    assert row.person.answers() == {
        "D1": "张三", "D3": MALE_1990, "D4": 1, "D5": "1990-03", "D6": 2,
    }  # fmt: skip
    assert (row.person.room, row.person.department) == ("A-101", "装配")


def test_sex_and_birth_derived_from_the_id_when_missing() -> None:
    p = preview(f"李四,{FEMALE_1985},,,,B-2,,")
    person = p.rows[0].person
    assert (person.sex, person.birth) == (2, "1985-11")
    assert person.derived == ("sex", "birth")
    assert p.rows[0].ok


def test_mismatch_with_the_id_is_an_error_on_its_line() -> None:
    p = preview(
        f"甲,{MALE_1990},女,1990-03,,,,",
        f"乙,{MALE_1990[:-1]}{'0' if MALE_1990[-1] != '0' else '1'},男,,,,,",
        f"丙,{FEMALE_1985},女,1985-10,,,,",
    )
    assert codes(p, 2) == [("P-04", "error")]
    assert codes(p, 3) == [("P-02", "error")]
    assert codes(p, 4) == [("P-03", "error")]
    assert [r.ok for r in p.rows] == [False, False, False]


def test_fifteen_digit_number_is_upgraded_with_a_warning() -> None:
    p = preview("丁,110105491231002,,,,,,")
    assert p.rows[0].person.id_number == "11010519491231002X"
    assert codes(p, 2) == [("P-02", "warning")]
    assert p.rows[0].person.sex == 2


def test_born_after_the_standard_time_cannot_be_registered() -> None:
    p = preview("婴,320106202011150017,,,,,,", "童,,,2020-11,,,,")
    assert codes(p, 2) == [("P-05", "error")]
    assert codes(p, 3) == [("P-02", "warning"), ("P-05", "error")]


def test_unreadable_cells_are_errors() -> None:
    p = preview("戊,,未知,,,,,", "己,,男,九零年,,,,", "庚,,男,1990-02,火星族,,,", ",,男,,,,,")
    assert ("RL-02", "error") in codes(p, 2)
    assert ("RL-03", "error") in codes(p, 3)
    assert ("P-07", "error") in codes(p, 4)
    assert ("P-01", "error") in codes(p, 5)


def test_duplicates_within_the_list_and_across_households() -> None:
    p = preview(
        f"张三,{MALE_1990},,,,,,",
        f"张叁,{MALE_1990},,,,,,",
        f"李四,{FEMALE_1985},,,,,,",
        registered=(FEMALE_1985,),
    )
    assert [r.duplicate for r in p.rows] == [False, True, True]
    assert codes(p, 3) == [("P-06", "warning")]
    assert "2" in p.issues()[0][1].message.en  # names the first line
    assert all(r.ok for r in p.rows)  # imported, pre-marked duplicate


def test_formula_cells_are_refused_in_names_and_neutralised_elsewhere() -> None:
    p = preview(
        '=HYPERLINK("http://x"),,,,,,,',
        "张三,,,,,@SUM(A1),+cmd,+86 138 0000 0000",
        "李四,,,,,-1,,-13800000000",
    )
    assert ("RL-01", "error") in codes(p, 2)
    person = p.rows[1].person
    assert person.room == "'@SUM(A1)" and person.department == "'+cmd"
    assert person.phone == "+86 138 0000 0000"  # a phone number may start with +
    assert ("RL-01", "warning") in codes(p, 3)
    assert p.rows[2].person.room == "'-1"
    assert p.rows[2].person.phone == "'-13800000000"


def test_excel_text_mark_and_full_width_digits_in_the_id() -> None:
    full = "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in MALE_1990)
    p = preview(f"张三,'{MALE_1990},,,,,,", f"李四,{full},,,,,,")
    assert p.rows[0].person.id_number == MALE_1990
    assert p.rows[1].duplicate


@pytest.mark.parametrize(
    ("text", "ym"),
    [
        ("1990-03", (1990, 3)), ("1990/3", (1990, 3)), ("1990.03", (1990, 3)),
        ("1990年3月", (1990, 3)), ("1990年3月7日", (1990, 3)), ("199003", (1990, 3)),
        ("19900307", (1990, 3)), ("1990-03-07", (1990, 3)), ("32939", (1990, 3)),
        ("1990-13", None), ("1990-02-30", None), ("1990", None), ("abc", None),
    ],
)  # fmt: skip
def test_birth_formats(text: str, ym: tuple[int, int] | None) -> None:
    assert cells.parse_birth(text) == ym


def test_levels_are_errors_or_warnings() -> None:
    assert {lv.value for lv in Level} == {"error", "warning"}
