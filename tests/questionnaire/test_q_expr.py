"""The condition language: parsing, evaluation (missing answers are never equal to anything),
and a clear error with the column for every kind of mistake."""

from __future__ import annotations

import pytest

from census_tui.questionnaire import expr
from census_tui.questionnaire.expr import ExprError, parse

ENV: dict[str, int | str] = {"H5": 1, "D8": 4, "D9": 1, "D3": "", "D1": "张三", "age": 15}

TRUE_FALSE = [
    ("H5 == 1", True),
    ("H5 != 1", False),
    ("H5 == 2", False),
    ("1 == H5", True),
    ("age >= 15", True),
    ("age > 15", False),
    ("age < 16", True),
    ("age <= 14", False),
    ('D3 == ""', True),
    ("D3 == ''", True),
    ("D3 != ''", False),
    ("D1 == '张三'", True),
    ("D8 in (3, 4)", True),
    ("D8 in (3,)", False),
    ("D8 not in (3, 4)", False),
    ("D8 not in (5)", True),
    ("D8 != 5 and D9 != 1", False),
    ("D8 != 5 or D9 != 1", True),
    ("not D9 == 1", False),
    ("not not D9 == 1", True),
    ("(H5 == 2 or H5 == 1) and age >= 3", True),
    ("H5 == 2 or H5 == 1 and age >= 99", False),  # and binds tighter than or
    ("answered(D3)", True),
    ("answered(D7)", False),
    ("not answered(D7)", True),
    ("age >= -1", True),
    # an int never equals a string; ordering across types is false
    ("H5 == '1'", False),
    ("H5 != '1'", True),
    ("H5 < 'a'", False),
    ("D1 > 'a'", True),
    ("'2005-10' >= '2005-09'", True),
    # missing answers: every comparison is false, including != and not in
    ("D7 == 5", False),
    ("D7 != 5", False),
    ("D7 < 5", False),
    ("D7 in (1, 2)", False),
    ("D7 not in (1, 2)", False),
    ("D7 == D12", False),
    ("not D7 == 5", True),
    ("  H5==1  ", True),
    ("H5 == 1\nand\tage >= 3", True),
    ('D1 == "a\\"b"', False),
]


@pytest.mark.parametrize(("src", "expected"), TRUE_FALSE)
def test_evaluation(src: str, expected: bool) -> None:
    assert parse(src).holds(ENV) is expected


def test_string_escapes() -> None:
    assert parse(r'D1 == "a\"b\\c"').holds({"D1": 'a"b\\c'})
    assert parse(r"D1 == 'it\'s'").holds({"D1": "it's"})


def test_names_lists_identifiers_read() -> None:
    node = parse("(D8 != 5 and D9 != 1) or answered(D3) or not age in (1, 2) or 1 == H5")
    assert sorted(set(node.names())) == ["D3", "D8", "D9", "H5", "age"]


def test_ast_shape() -> None:
    node = parse("D8 != 5 and not D9 in (1, 2)")
    assert isinstance(node, expr.And)
    left, right = node.parts
    assert left == expr.Compare("!=", expr.Name("D8", 0), expr.Literal(5, 6))
    assert isinstance(right, expr.Not)
    assert right.part == expr.In(expr.Name("D9", 16), (1, 2), False)


# (source, 0-based column of the error, a word the English message contains)
ERRORS = [
    ("", 0, "empty"),
    ("   ", 3, "empty"),
    ("H5 = 1", 3, "=="),
    ("H5 == ", 6, "item id, a number or a string"),
    ("H5", 2, "comparison"),
    ("H5 == 1 and", 11, "item id"),
    ("H5 == 1 or or H5 == 2", 11, "item id"),
    ("(H5 == 1", 8, ")"),
    ("H5 == 1)", 7, "end"),
    ("H5 == 1 H6 == 2", 8, "end"),
    ("H5 == 'abc", 6, "unterminated"),
    ('H5 == "abc', 6, "unterminated"),
    ("H5 == 1 & H6 == 2", 8, "unexpected character"),
    ("H5 === 1", 5, "=="),
    ("H5 in 1, 2", 6, "("),
    ("H5 in ()", 7, "item id, a number or a string"),
    ("H5 in (1 2)", 9, "','"),
    ("H5 in (H6)", 7, "number or a string"),
    ("H5 not 1", 7, "'in'"),
    ("answered H5", 9, "("),
    ("answered(1)", 9, "item id"),
    ("answered(H5", 11, ")"),
    ("answered(H5) == 1", 13, "end"),
    ("not", 3, "item id"),
    ("1 + 2", 2, "unexpected character"),
    ("__import__('os')", 10, "comparison"),
    ("H5 == 1; H6", 7, "unexpected character"),
    ("H5 == 1.5", 7, "unexpected character"),
    ("H５ == 1", 1, "unexpected character"),
]


@pytest.mark.parametrize(("src", "column", "word"), ERRORS)
def test_parse_errors_have_position(src: str, column: int, word: str) -> None:
    with pytest.raises(ExprError) as info:
        parse(src)
    err = info.value
    assert err.position == column, err.msg.en
    assert word in err.msg.en
    assert f"column {column + 1}" in err.msg.en
    assert f"第 {column + 1} 列" in err.msg.zh


def test_keywords_are_not_identifiers() -> None:
    with pytest.raises(ExprError):
        parse("and == 1")
    with pytest.raises(ExprError):
        parse("in == 1")


def test_never_evaluates_python() -> None:
    # Text that would do something under eval is only ever a parse error here.
    for src in (
        "open('x')",
        "H5.__class__ == 1",
        "[x for x in ()]",
        "lambda: 1",
        "H5 == 1 if 1 else 0",
    ):
        with pytest.raises(ExprError):
            parse(src)


def test_deep_nesting_is_a_parse_error_not_a_crash() -> None:
    assert parse("(" * 30 + "H5 == 1" + ")" * 30).holds(ENV)
    for src in ("(" * 5000 + "H5 == 1" + ")" * 5000, "not " * 5000 + "H5 == 1"):
        with pytest.raises(ExprError) as info:
            parse(src)
        assert "nested too deeply" in info.value.msg.en
