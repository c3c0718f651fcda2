"""The compact worklist behind the dashboard: the same rows and the same filter as a list of
DwellingRow objects scanned one by one."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from census_tui.visit.api import DwellingRow
from census_tui.visit.states import CaseState, board_of
from census_tui.visit.worklist import Worklist


def row(i: int, **kw: object) -> DwellingRow:
    state = kw.pop("state", list(CaseState)[i % len(CaseState)])
    assert isinstance(state, CaseState)
    fields: dict[str, object] = {
        "dwelling_id": f"D{i:04d}",
        "address": f"幸福路{i}号{i % 7}单元 Block{chr(65 + i % 26)}",
        "kind": ("ordinary", "rented_block", "dormitory")[i % 3],
        "state": state,
        "board": board_of(state),
        "households": i % 3,
        "head_name": ("", "张三", "Li Si", "İsmail")[i % 4],
        "appointment_at": None,
        "overdue": False,
    }
    fields.update(kw)
    return DwellingRow(**fields)  # type: ignore[arg-type]


def naive(rows: list[DwellingRow], needle: str) -> list[int]:
    keys = [f"{r.dwelling_id}\t{r.address}\t{r.head_name}".lower() for r in rows]
    return [i for i, k in enumerate(keys) if needle.lower() in k]


@pytest.fixture
def rows() -> list[DwellingRow]:
    out = [row(i) for i in range(300)]
    at = datetime(2020, 11, 3, 10, 0, tzinfo=UTC)
    out[5] = row(5, state=CaseState.APPOINTMENT, appointment_at=at, overdue=True)
    out[6] = row(6, returned_comment="请核实出生日期", note="找房东要租户名单")
    out[7] = row(7, address="a\taddress\nover lines", head_name="tab\there")
    return out


def test_rows_come_back_equal(rows: list[DwellingRow]) -> None:
    work = Worklist.of(rows)
    assert len(work) == len(rows)
    assert list(work) == rows
    assert work[-1] == rows[-1] and work[3:9] == rows[3:9]
    assert [work.dwelling_id(i) for i in range(len(work))] == [r.dwelling_id for r in rows]
    with pytest.raises(IndexError):
        work[len(rows)]


@pytest.mark.parametrize(
    "needle",
    ["d01", "D0042", "幸福路1", "号3单元", "block", "BLOCKC", "张三", "li s", "i̇smail", "zzz",
     "\t", "1\t幸", "0\nd", "3\td", "tab\th", "\nd0", "si\nd", ""],
)  # fmt: skip
def test_filter_matches_a_scan_of_each_row(rows: list[DwellingRow], needle: str) -> None:
    expected = naive(rows, needle) if needle else list(range(300))
    assert Worklist.of(rows).matching(needle) == expected


def test_filter_on_random_needles(rows: list[DwellingRow]) -> None:
    work = Worklist.of(rows)
    rng = random.Random(5)
    for _ in range(300):
        r = rows[rng.randrange(len(rows))]
        text = f"{r.dwelling_id}\t{r.address}\t{r.head_name}\n{rows[0].dwelling_id}"
        start = rng.randrange(len(text))
        needle = text[start : start + rng.randint(1, 6)]
        if "\n" in needle and r is rows[7]:
            continue  # row 7 holds a newline, which the one-line filter cannot type
        assert work.matching(needle) == naive(rows, needle), repr(needle)


def test_take_keeps_the_chosen_rows_in_order(rows: list[DwellingRow]) -> None:
    part = Worklist.of(rows).take([7, 6, 5, 299])
    assert list(part) == [rows[7], rows[6], rows[5], rows[299]]
    assert part.matching("d0299") == [3]
