"""The re-visit comparison (census_tui/server/compare.py): persons paired by ID number, then
name, then order; every differing key item listed; the differences as a return's items."""

from __future__ import annotations

from typing import Any

from census_tui.server.compare import KEY_ITEMS, compare

ID_1, ID_2, ID_3 = "110101199003070011", "11010519491231002X", "310104198812240043"


def _record(*persons: dict[str, Any]) -> dict[str, Any]:
    """A household JSON's persons (positions given out of order on purpose)."""
    return {
        "persons": [
            {"uuid": f"u{i}", "position": i, "answers": dict(p)}
            for i, p in reversed(list(enumerate(persons)))
        ]
    }


HEAD = {"D1": "张 三", "D2": 0, "D3": ID_1, "D4": 1, "D5": "1990-03"}
WIFE = {"D1": "李四", "D2": 1, "D3": ID_3, "D4": 2, "D5": "1988-12"}
CHILD = {"D1": "张小", "D2": 2, "D3": "", "D4": 1, "D5": "2020-02"}


def test_the_same_answers_in_another_order_and_spelling_have_no_difference() -> None:
    again = [
        {**CHILD},
        {**WIFE, "D3": "310104 19881224 0043"},  # spaces in the ID number
        {**HEAD, "D1": "张三"},  # the name without the space
    ]
    found = compare(_record(HEAD, WIFE, CHILD), 3, again)
    assert found.differences == ()
    assert found.pairs == ((0, 2), (1, 1), (2, 0))
    assert found.compared_items == ("#persons", *KEY_ITEMS)
    assert found.return_items() == []


def test_every_differing_item_is_listed_and_becomes_a_return_item() -> None:
    again = [
        {"D1": "张三", "D2": 0, "D3": ID_1, "D4": 2, "D5": "1990-04"},  # sex and month differ
        {"D1": "李四", "D4": 2},  # only two items asked: the rest is not compared
    ]
    found = compare(_record(HEAD, WIFE, CHILD), 3, again)
    assert [d.to_dict() for d in found.differences] == [
        {
            "kind": "different",
            "item_id": "D4",
            "person_uuid": "u0",
            "number": 1,
            "revisit_index": 0,
            "enumerator": 1,
            "revisit": 2,
        },
        {
            "kind": "different",
            "item_id": "D5",
            "person_uuid": "u0",
            "number": 1,
            "revisit_index": 0,
            "enumerator": "1990-03",
            "revisit": "1990-04",
        },
        {
            "kind": "missing",
            "item_id": "D1",
            "person_uuid": "u2",
            "number": 3,
            "revisit_index": None,
            "enumerator": "张小",
            "revisit": None,
        },
    ]
    assert found.return_items() == [("u0", "D4"), ("u0", "D5"), ("u2", "D1")]


def test_a_wrong_count_and_an_extra_person_point_at_the_household_counts() -> None:
    again = [HEAD, WIFE, {"D1": "王五", "D4": 1}]
    found = compare(_record(HEAD, WIFE), 3, again)
    kinds = [(d.kind, d.item_id, d.enumerator, d.revisit) for d in found.differences]
    assert kinds == [("count", "#persons", 2, 3), ("extra", "D1", None, "王五")]
    assert found.return_items() == [("", "H2a"), ("", "H2b")]
    assert found.return_items(("FN",)) == [("", "FN")]


def test_an_id_number_pairs_before_a_name_and_order_pairs_the_rest() -> None:
    renamed = {**HEAD, "D1": "张叁"}  # a different name but the same ID number
    found = compare(_record(HEAD, WIFE), 2, [WIFE, renamed])
    assert found.pairs == ((0, 1), (1, 0))
    assert [(d.item_id, d.enumerator, d.revisit) for d in found.differences] == [
        ("D1", "张 三", "张叁")
    ]
    unnamed = compare(_record(HEAD, WIFE), 2, [{"D4": 1}, {"D4": 1}])  # paired by order
    assert unnamed.pairs == ((0, 0), (1, 1))
    assert [(d.number, d.item_id) for d in unnamed.differences] == [(2, "D4")]


def test_a_form_without_the_key_items_compares_the_count_only() -> None:
    found = compare(_record(HEAD, WIFE), 3, [{"D1": "x"}], items=())
    assert found.compared_items == ("#persons",)
    assert [d.kind for d in found.differences] == ["count"]


def test_unanswered_and_odd_values_compare_strictly() -> None:
    record = _record({"D1": "甲", "D2": 0}, {"D1": "乙", "D4": True})
    found = compare(record, 2, [{"D1": "甲", "D2": "0"}, {"D1": "乙", "D5": "2000-01"}])
    assert [(d.item_id, d.enumerator, d.revisit) for d in found.differences] == [
        ("D2", 0, "0"),  # an integer is not its text
        ("D5", None, "2000-01"),  # unanswered by the enumerator
    ]
    assert compare({"persons": "broken"}, 0, []).differences == ()
