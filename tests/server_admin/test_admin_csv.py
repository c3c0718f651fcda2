"""The office's CSV files: areas, dwellings, accounts (census_tui/server/admin_csv.py)."""

from __future__ import annotations

import pytest

from census_tui.errors import BadInput
from census_tui.server import admin_csv

AREA = "110105001001001"
OTHER = "110105001001002"
GOOD_ID = "11010519491231002X"  # FACTS §6.3's constructed example
CANARY_NAME = "金丝雀甲"


def _accounts(*rows: str, header: str = "account,name,id_number,work_id,role,areas") -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def test_areas_read_in_any_column_order_with_gb18030() -> None:
    data = "name,area_id,training\n幸福里,110105001001001,1\n建设路,110105001001002,\n"
    rows = admin_csv.parse_areas(data.encode("gb18030"))
    assert rows == [
        admin_csv.AreaRow(AREA, "幸福里", True),
        admin_csv.AreaRow(OTHER, "建设路", False),
    ]


def test_every_problem_is_listed_with_row_and_column_and_nothing_returned() -> None:
    data = b"area_id,name,training\n12345,a,1\n110105001001001,,maybe\n110105001001001,b,0\n"
    with pytest.raises(BadInput) as err:
        admin_csv.parse_areas(data)
    en = err.value.msg.en
    assert "row 2 area_id: must be 15 digits" in en
    assert "row 3 name: must not be empty" in en
    assert "row 3 training: must be 0 or 1" in en
    assert "row 4 area_id: repeats row 3" in en
    assert "nothing was imported" in en
    assert "第 2 行 area_id" in err.value.msg.zh


def test_header_problems_name_the_columns() -> None:
    with pytest.raises(BadInput) as err:
        admin_csv.parse_areas(b"area,name,colour\n1,2,3\n")
    assert "missing columns area_id" in err.value.msg.en
    assert "unknown columns area,colour" in err.value.msg.en.replace(", ", ",")


def test_dwellings_must_belong_to_their_area_and_a_known_area() -> None:
    data = (
        "dwelling_id,area_id,address,kind\n"
        f"{AREA}-001,{AREA},幸福里1号,ordinary\n"
        f"{OTHER}-001,{AREA},幸福里2号,\n"
        f"{AREA}-../x,{AREA},幸福里3号,\n"
        f"{OTHER}-002,{OTHER},建设路,castle\n"
    ).encode()
    with pytest.raises(BadInput) as err:
        admin_csv.parse_dwellings(data, known_areas=frozenset({AREA}))
    en = err.value.msg.en
    assert "row 2" not in en
    assert "row 3 dwelling_id" in en
    assert "row 4 dwelling_id" in en
    assert "row 5 area_id: no such area on the server" in en
    assert "row 5 kind" in en
    good = admin_csv.parse_dwellings(
        data.split(b"\n", 2)[0] + b"\n" + data.split(b"\n")[1], known_areas=frozenset({AREA})
    )
    assert good == [admin_csv.DwellingRow(f"{AREA}-001", AREA, "幸福里1号", "ordinary", "")]


def test_accounts_checked_without_quoting_personal_data() -> None:
    data = _accounts(
        f"zhang,{CANARY_NAME},{GOOD_ID},PC-1,enumerator,{AREA}",
        f"li,{CANARY_NAME}乙,110105194912310021,PC-2,enumerator,{AREA}",
        f"wang,{CANARY_NAME}丙,{GOOD_ID.lower()},PC-1,boss,{AREA};{OTHER}",
    )
    with pytest.raises(BadInput) as err:
        admin_csv.parse_accounts(data, known_areas=frozenset({AREA}))
    text = err.value.msg.zh + err.value.msg.en
    assert "row 3 id_number: not a valid citizen ID number" in text
    assert "row 4 role" in text
    assert "row 4 areas: no such area" in text
    assert "row 4 work_id: repeats row 2" in text
    assert CANARY_NAME not in text
    assert "110105194912310021" not in text and GOOD_ID not in text.upper()


def test_good_accounts_are_normalised() -> None:
    rows = admin_csv.parse_accounts(
        _accounts(f"zhang,张三,{GOOD_ID.lower()},PC-1,supervisor,{AREA}; {OTHER}"),
        known_areas=frozenset({AREA, OTHER}),
    )
    assert rows[0].id_number == GOOD_ID
    assert rows[0].areas == (AREA, OTHER)
    assert rows[0].role == "supervisor"
    assert (rows[0].valid_from, rows[0].valid_until) == ("2020-10-01", "2020-12-31")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01binary\xff\xfe",
        b'area_id,name\n"unclosed,x\n',
        "area_id,name\n1\u0007,x\n".encode(),
    ],
)
def test_damaged_files_explain_themselves(data: bytes) -> None:
    with pytest.raises(BadInput):
        admin_csv.parse_areas(data)
