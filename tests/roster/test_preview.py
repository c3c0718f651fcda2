"""Whole files: real-shaped lists in three encodings with bad rows; bad input refused cleanly."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from census_tui.errors import BadInput
from census_tui.roster.mapping import Field
from census_tui.roster.preview import RosterLimits, read_roster, read_roster_file
from tests.roster.lists import HEADER_EN, csv_text, person

BAD_ROWS = [
    "201,王小二,11010519491231002Y,女,1949-12,汉族,A-999,后勤部,E9,13800000001",  # bad check
    "202,=cmd|'/C calc'!A0,,男,1990-01,汉族,A-999,后勤部,E9,13800000002",  # formula name
    "203,赵六,,男,2021-01,汉族,A-999,后勤部,E9,13800000003",  # born after the standard time
]


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("gb18030"), "gb18030"),
    ],
)
def test_real_shaped_list_in_each_encoding(encode, name: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "名册.csv"
    path.write_bytes(encode(csv_text(200, extra=BAD_ROWS)))
    p = read_roster_file(path)
    assert p.encoding == name
    assert p.header_line == 2  # the title row above the header is skipped
    assert set(p.columns.columns) == set(Field)
    assert p.columns.ignored == ("序号",)
    assert len(p.rows) == 203 and len(p.good) == 200
    assert [r.line for r in p.bad] == [203, 204, 205]
    assert p.rows[0].person.name == person(0)["name"]
    with pytest.raises(BadInput) as err:
        p.selected(only_good=False)
    assert "203, 204, 205" in err.value.msg.en and "--only-good" in err.value.msg.en
    assert len(p.selected(only_good=True)) == 200


def test_english_header_and_tab_delimiter() -> None:
    text = csv_text(5, header=HEADER_EN, title=False).replace(",", "\t")
    p = read_roster(text.encode())
    assert p.delimiter == "\t" and len(p.good) == 5


def test_quoted_cells_spanning_lines_keep_line_numbers() -> None:
    text = '姓名,部门\n"张三","装配\n二班"\n李四,质检\n'
    p = read_roster(text.encode())
    assert [r.line for r in p.rows] == [2, 4]
    assert p.rows[0].person.department == "装配 二班"


@pytest.mark.parametrize(
    "data",
    [b"", b"\r\n\r\n  \r\n", "序号,编号,备注\n1,2,3\n".encode(), "姓名,宿舍\n".encode()],
)
def test_empty_headerless_and_header_only_files(data: bytes) -> None:
    with pytest.raises(BadInput) as err:
        read_roster(data)
    assert err.value.msg.zh and err.value.msg.en


def test_duplicate_headers_in_a_file() -> None:
    with pytest.raises(BadInput):
        read_roster("姓名,宿舍,宿舍\n张三,A,B\n".encode())


def test_a_hundred_thousand_rows_are_refused_quickly() -> None:
    text = csv_text(1, title=False) + "".join(f"{i},某{i},,,,,,,,\r\n" for i in range(100_000))
    with pytest.raises(BadInput) as err:
        read_roster(text.encode(), limits=RosterLimits(max_rows=5000))
    assert "5000" in err.value.msg.en


def test_too_many_bytes_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        read_roster(b"x" * 101, limits=RosterLimits(max_bytes=100))
    with pytest.raises(BadInput):
        read_roster_file(tmp_path / "none.csv")
    with pytest.raises(BadInput):
        read_roster_file(tmp_path)


def test_summary_carries_no_personal_data() -> None:
    p = read_roster(csv_text(10, extra=BAD_ROWS).encode())
    text = str(p.summary())
    for row in p.rows:
        if row.person.name:
            assert row.person.name not in text
        if row.person.id_number:
            assert row.person.id_number not in text
    assert p.summary()["bad"] == 3
