"""A malformed form file fails at load with a clear bilingual message naming the problem."""

from __future__ import annotations

import pytest

from census_tui.questionnaire.form import FormError, parse_form

HEAD = """
[form]
id = "t"
version = "1"
title = { zh = "测试", en = "Test" }

[derived.age]
function = "age_at_standard_time"
of = "B"

[codes.yn]
values = [{ value = 1, zh = "是", en = "Yes" }, { value = 2, zh = "否", en = "No" }]
"""


def item(section: str, item_id: str, itype: str, extra: str = "") -> str:
    return f"""
[[{section}]]
id = "{item_id}"
type = "{itype}"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}
{extra}
"""


GOOD = (
    HEAD
    + item("household", "H", "code", 'codes = "yn"')
    + item("person", "A", "code", 'codes = "yn"\nwhen = "H == 1"')
    + item("person", "B", "yearmonth")
    + item("person", "C", "integer", 'min = 0\nmax = 9\nwhen = "age >= 15 and A in (1, 2)"')
)


def test_the_base_file_is_valid() -> None:
    form = parse_form(GOOD.encode())
    assert [i.id for i in form.person_items] == ["A", "B", "C"]


# (description, the file text, words the English message must contain)
BAD: list[tuple[str, str, tuple[str, ...]]] = [
    ("duplicate id", GOOD + item("person", "A", "yearmonth"), ("duplicate item id A",)),
    ("duplicate across sections", GOOD + item("person", "H", "yearmonth"), ("duplicate",)),
    (
        "unknown item in a condition",
        GOOD + item("person", "E", "yearmonth", 'when = "Z == 1"'),
        ("E:", "Z", "unknown"),
    ),
    (
        "later item in a condition",
        HEAD
        + item("person", "A", "code", 'codes = "yn"\nwhen = "B == \'2000-01\'"')
        + item("person", "B", "yearmonth"),
        ("A:", "B", "later"),
    ),
    (
        "derived variable used before its source",
        HEAD
        + item("person", "A", "code", 'codes = "yn"\nwhen = "age >= 3"')
        + item("person", "B", "yearmonth"),
        ("age",),
    ),
    (
        "household condition on a person item",
        HEAD
        + item("person", "B", "yearmonth")
        + item("household", "H", "integer", 'when = "age >= 3"'),
        ("age",),
    ),
    (
        "undefined code list",
        GOOD + item("person", "E", "code", 'codes = "nope"'),
        ("undefined", "nope"),
    ),
    ("code item without codes", GOOD + item("person", "E", "code"), ("undefined code list",)),
    (
        "codes on a non-code item",
        GOOD + item("person", "E", "integer", 'codes = "yn"'),
        ("codes only",),
    ),
    (
        "condition does not parse",
        GOOD + item("person", "E", "integer", 'when = "A = 1"'),
        ("E:", "column 3", "=="),
    ),
    (
        "string compared with a code",
        GOOD + item("person", "E", "integer", "when = \"A == '1'\""),
        ("wrong type",),
    ),
    (
        "integer compared with a year-month",
        GOOD + item("person", "E", "integer", 'when = "B == 199001"'),
        ("wrong type",),
    ),
    (
        "value that is not one of the codes",
        GOOD + item("person", "E", "integer", 'when = "A in (1, 3)"'),
        ("no code 3",),
    ),
    (
        "unknown key (typo)",
        GOOD + item("person", "E", "integer", 'wehn = "A == 1"'),
        ("unknown keys", "wehn"),
    ),
    ("bad type", GOOD + item("person", "E", "date"), ("invalid type",)),
    ("min above max", GOOD + item("person", "E", "integer", "min = 5\nmax = 1"), ("min > max",)),
    ("min on text", GOOD + item("person", "E", "text", "min = 5"), ("min/max only",)),
    ("bad max_length", GOOD + item("person", "E", "text", "max_length = 0"), ("max_length",)),
    (
        "required not a boolean",
        GOOD + item("person", "E", "text", 'required = "yes"'),
        ("boolean",),
    ),
    ("keyword as id", GOOD + item("person", "and", "text"), ("invalid item id",)),
    ("missing English", GOOD.replace('en = "Q"', 'en = ""', 1), ("H text.en",)),
    (
        "derived function unknown",
        GOOD.replace("age_at_standard_time", "eval"),
        ("unknown function",),
    ),
    (
        "derived source missing",
        (HEAD + item("household", "H", "code", 'codes = "yn"')).replace('of = "B"', 'of = "X"'),
        ("derived ['age']", "no such item"),
    ),
    (
        "derived named as an item",
        GOOD.replace("[derived.age]", "[derived.A]").replace("age >=", "A >="),
        ("named as items",),
    ),
    (
        "duplicate code value",
        GOOD.replace('{ value = 2, zh = "否"', '{ value = 1, zh = "否"'),
        ("duplicate values",),
    ),
    ("no [form] table", GOOD.replace("[form]", "[formx]"), ("unknown tables",)),
    ("form id not simple", GOOD.replace('id = "t"', 'id = "T t"'), ("[form] id",)),
    ("no items", HEAD.replace('of = "B"', 'of = "X"').split("[derived.age]")[0], ("no items",)),
    ("not TOML", "this is = = not toml", ("not valid TOML",)),
    ("items not an array", "household = 3\n" + HEAD, ("must be an array",)),
]


@pytest.mark.parametrize(("text", "words"), [(t, w) for _, t, w in BAD], ids=[d for d, _, _ in BAD])
def test_bad_form_is_refused_clearly(text: str, words: tuple[str, ...]) -> None:
    with pytest.raises(FormError) as info:
        parse_form(text.encode(), "bad.toml")
    msg = info.value.msg
    assert msg.en.startswith("form file bad.toml: ")
    assert msg.zh.startswith("表式文件 bad.toml: ")
    for word in words:
        assert word in msg.en


def test_not_utf8() -> None:
    with pytest.raises(FormError):
        parse_form(b"\xff\xfe[form]")
