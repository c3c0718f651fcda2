"""The four packaged forms (docs/form.md, /work contract of issue 17): ids, types, codes and
conditions as settled; the long form holds the short form unchanged; the death form; the form
for residents from outside the mainland with its country list."""

from __future__ import annotations

import pytest

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.questionnaire.answers import parse_answer
from census_tui.questionnaire.form import Form, Item, load_form, shared_items

FORM_IDS = ("short2020", "long2020", "death2020", "hmt2020")


def all_items(form: Form) -> tuple[Item, ...]:
    return (*form.household_items, *form.person_items, *form.death_items)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_each_packaged_form_loads_bilingual(form_id: str) -> None:
    form = load_form(form_id)
    assert form.id == form_id and form.version == "2020.1"
    assert form.title.zh and form.title.en
    assert load_form(form_id) is form  # cached
    for item in all_items(form):
        for m in (item.text, item.label, item.definition):
            assert isinstance(m, Msg) and m.zh.strip() and m.en.strip(), item.id
            assert any("\u4e00" <= ch <= "\u9fff" for ch in m.zh), item.id
        for code in item.codes:
            assert code.label.zh.strip() and code.label.en.strip(), (item.id, code.value)
        assert item.required, item.id
        assert (item.type == "code") == bool(item.codes), item.id


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_conditions_refer_only_to_earlier_items(form_id: str) -> None:
    """Every name in a condition is an earlier item of a section the item sees (household, or
    its own), or a derived variable whose source items are all earlier."""
    form = load_form(form_id)
    derived = {d.name: d for d in form.derived}
    for section in ("household", "person", "death"):
        visible = ("household", section)
        earlier: set[str] = set()
        if section != "household":
            earlier = {i.id for i in form.household_items}
        for item in form.items(section):
            if item.condition is not None:
                for name in item.condition.names():
                    if name in derived:
                        d = derived[name]
                        assert set(d.of) <= earlier, (item.id, name)
                        assert d.section in visible, (item.id, name)
                    else:
                        assert name in earlier, (item.id, name)
                        assert form.item(name).section in visible, (item.id, name)
            earlier.add(item.id)


SHORT_HH = ["H1", "H2a", "H2b", "H3m", "H3f", "H4m", "H4f", "H5", "H6", "H7"]
SHORT_PERSON = [
    *("D1", "D2", "D3", "D3N", "D4", "D5", "D6", "D7", "D7P", "D8", "D8P", "D9", "D10"),
    *("D11", "D12"),
]
LONG_HH = [*SHORT_HH, *(f"H{n}" for n in range(8, 19))]
LONG_PERSON_EXTRA = {
    "D13": ("code", "D8 != 5"),
    "D14": ("code", "D8 != 5"),
    "D15": ("code", ""),
    "D15P": ("text", "D15 == 3"),
    "D16": ("code", "age >= 5"),
    "D16P": ("text", "D16 == 2"),
    "D17": ("code", "age >= 3 and D11 >= 3"),
    "D18": ("code", "age >= 16"),
    "D18H": ("integer", "D18 == 1"),
    "D19": ("code", "D18 in (1, 2)"),
    "D20": ("text", "D18 in (1, 2)"),
    "D21": ("text", "D18 in (1, 2)"),
    "D22": ("code", "D18 == 3"),
    "D23": ("code", "age >= 16"),
    "D24": ("code", "age >= 15"),
    "D25": ("yearmonth", "D24 in (2, 3, 4, 5)"),
    "D26m": ("integer", "D4 == 2 and age >= 15 and age <= 64 and D24 in (2, 3, 4, 5)"),
    "D26f": ("integer", "D4 == 2 and age >= 15 and age <= 64 and D24 in (2, 3, 4, 5)"),
    "D27m": ("integer", "D4 == 2 and age >= 15 and age <= 64 and D24 in (2, 3, 4, 5)"),
    "D27f": ("integer", "D4 == 2 and age >= 15 and age <= 64 and D24 in (2, 3, 4, 5)"),
    "D28": ("integer", "D4 == 2 and age >= 15 and age <= 50 and D24 in (2, 3, 4, 5)"),
    "D28B1": ("yearmonth", "D28 >= 1"),
    "D28S1": ("code", "D28 >= 1"),
    "D28B2": ("yearmonth", "D28 >= 2"),
    "D28S2": ("code", "D28 >= 2"),
    "D28B3": ("yearmonth", "D28 >= 3"),
    "D28S3": ("code", "D28 >= 3"),
    "D29": ("code", "age >= 60"),
    "D30": ("code", "age >= 60"),
}
LONG_HH_CODES = {
    "H8": 4, "H9": 5, "H10": 9, "H11": 2, "H12": 5, "H13": 2, "H14": 3, "H15": 5, "H16": 4,
    "H17": 9, "H18": 11,
}  # fmt: skip
LONG_PERSON_CODES = {
    "D13": 4, "D14": 2, "D15": 3, "D16": 2, "D17": 5, "D18": 3, "D19": 4, "D22": 5, "D23": 7,
    "D24": 5, "D28S1": 2, "D29": 7, "D30": 4,
}  # fmt: skip


def codes(form: Form, item_id: str) -> dict[int, str]:
    return {c.value: c.label.zh for c in form.item(item_id).codes}


def test_long_form_ids_types_and_conditions() -> None:
    long = load_form("long2020")
    assert [i.id for i in long.household_items] == LONG_HH
    assert [i.id for i in long.person_items] == [*SHORT_PERSON, *LONG_PERSON_EXTRA]
    for item_id, (itype, when) in LONG_PERSON_EXTRA.items():
        item = long.item(item_id)
        assert (item.type, item.when) == (itype, when), item_id
    for n in range(6, 18):
        assert long.item(f"H{n}").when == "H5 == 1"
    assert long.item("H18").when == "H17 in (1, 2)"
    for item_id, n in {**LONG_HH_CODES, **LONG_PERSON_CODES}.items():
        assert list(codes(long, item_id)) == list(range(1, n + 1)), item_id
    assert codes(long, "H8")[4] == "超高层(34层及以上)"
    assert codes(long, "D24") == {1: "未婚", 2: "初婚有配偶", 3: "再婚有配偶", 4: "离婚", 5: "丧偶"}
    assert long.item("D18H").min == 1 and long.item("D18H").max == 168
    for item_id in ("D26m", "D26f", "D27m", "D27f"):
        assert (long.item(item_id).min, long.item(item_id).max) == (0, 20)
    assert (long.item("D28").min, long.item("D28").max) == (0, 3)
    assert long.person_count_items == ("H2a", "H2b")
    assert long.deaths_form == "death2020" and long.death_count_items == ("H4m", "H4f")
    assert long.roles == load_form("short2020").roles


def test_long_form_keeps_every_short_item_unchanged() -> None:
    short, long = load_form("short2020"), load_form("long2020")
    for item in (*short.household_items, *short.person_items):
        other = long.item(item.id)
        assert other.section == item.section
        assert (other.type, other.when, other.min, other.max) == (
            item.type,
            item.when,
            item.min,
            item.max,
        )
        assert other.max_length == item.max_length
        assert other.codes == item.codes, item.id
        assert other.text == item.text and other.label == item.label, item.id
    shared = shared_items(short, long)
    assert shared >= {i.id for i in all_items(short)}
    assert shared == shared_items(long, short)
    assert {d.name: d.of for d in short.derived} == {d.name: d.of for d in long.derived}


def test_short_form_new_keys() -> None:
    short = load_form("short2020")
    assert short.person_count_items == ("H2a", "H2b")
    assert short.deaths_form == "death2020" and short.death_count_items == ("H4m", "H4f")
    assert dict(short.roles) == {
        "name": "D1",
        "relationship": "D2",
        "id_number": "D3",
        "sex": "D4",
        "birth": "D5",
        "ethnic": "D6",
    }
    assert dict(short.death_roles) == {
        "name": "S2",
        "sex": "S3",
        "birth": "S4",
        "death": "S5",
        "ethnic": "S6",
    }
    assert [i.id for i in short.items("death")] == ["S2", "S3", "S4", "S5", "S6", "S7", "S8"]


def test_death_form() -> None:
    death, short = load_form("death2020"), load_form("short2020")
    assert not death.household_items and not death.person_items
    assert [i.id for i in death.death_items] == ["S2", "S3", "S4", "S5", "S6", "S7", "S8"]
    assert all(i.section == "death" for i in death.death_items)
    types = {i.id: i.type for i in death.death_items}
    assert types == {
        "S2": "text",
        "S3": "code",
        "S4": "yearmonth",
        "S5": "yearmonth",
        "S6": "code",
        "S7": "code",
        "S8": "code",
    }
    assert death.item("S2").max_length == 50
    assert death.item("S7").when == "death_age >= 6"
    assert death.item("S8").when == "death_age >= 15"
    assert [(d.name, d.function, d.of) for d in death.derived] == [
        ("death_age", "age_at_death", ("S4", "S5"))
    ]
    assert death.death_roles == short.death_roles and not death.roles
    assert death.deaths_form is None and death.person_count_items == ()
    # the same code lists as the short form (the loader checks the copies agree)
    assert death.item("S6").codes == short.item("D6").codes
    assert death.item("S7").codes == short.item("D11").codes
    assert death.item("S8").codes == load_form("long2020").item("D24").codes
    # the household forms carry the death items themselves, in their own section and index
    for form in (short, load_form("long2020")):
        assert [i.id for i in form.death_items] == [i.id for i in death.death_items]
        assert form.index("S5") == 3 and form.item("S5").section == "death"


def test_hmt_form() -> None:
    hmt = load_form("hmt2020")
    assert [i.id for i in hmt.household_items] == ["F1", "FN", "F2", "F3", "F4"]
    assert [i.id for i in hmt.person_items] == [f"R{n}" for n in range(1, 11)]
    types = {i.id: i.type for i in all_items(hmt)}
    assert types == {
        **{"F1": "code", "FN": "integer", "F2": "code", "F3": "integer", "F4": "integer"},
        **{"R1": "text", "R2": "code", "R3": "code", "R4": "yearmonth", "R5": "code"},
        **{"R6": "code", "R7": "text", "R8": "yearmonth", "R9": "code", "R10": "code"},
    }
    assert (hmt.item("FN").min, hmt.item("FN").max) == (1, 999)
    assert (hmt.item("F3").min, hmt.item("F3").max) == (1, 9999)
    assert (hmt.item("F4").min, hmt.item("F4").max) == (1, 99)
    assert hmt.item("R1").max_length == 100 and hmt.item("R7").max_length == 30
    assert {i.id: i.when for i in all_items(hmt) if i.when} == {
        "F3": "F2 == 1",
        "F4": "F2 == 1",
        "R10": "age >= 3",
    }
    assert [(d.name, d.of) for d in hmt.derived] == [("age", ("R4",))]
    assert dict(hmt.roles) == {"name": "R1", "relationship": "R2", "sex": "R3", "birth": "R4"}
    assert hmt.person_count_items == ("FN",)
    assert hmt.deaths_form is None and hmt.death_count_items is None and not hmt.death_items
    assert not hmt.death_roles
    short = load_form("short2020")
    assert hmt.item("R2").codes == short.item("D2").codes
    assert hmt.item("F2").codes == short.item("H5").codes
    assert list(codes(hmt, "R6")) == [1, 2, 3, 4, 5, 9]
    assert list(codes(hmt, "R9")) == [1, 2, 3, 4, 5, 6]
    # a household switched between the short form and this one keeps (almost) nothing
    assert len(shared_items(short, hmt)) <= 2


def test_country_list() -> None:
    r5 = load_form("hmt2020").item("R5")
    values = [c.value for c in r5.codes]
    assert values[:3] == [344, 446, 158]
    assert values[3:] == sorted(values[3:])
    assert len(values) == len(set(values)) >= 249
    assert all(0 < v < 1000 for v in values)
    zh = {c.value: c.label.zh for c in r5.codes}
    en = {c.value: c.label.en for c in r5.codes}
    assert zh[344] == "中国香港" and zh[446] == "中国澳门" and zh[158] == "中国台湾"
    known = {
        156: "中国", 840: "美国", 826: "英国", 392: "日本", 410: "韩国", 408: "朝鲜",
        643: "俄罗斯", 250: "法国", 276: "德国", 704: "越南", 116: "柬埔寨", 702: "新加坡",
        36: "澳大利亚", 124: "加拿大", 356: "印度", 76: "巴西", 710: "南非", 180: "刚果(金)",
    }  # fmt: skip
    for value, name in known.items():
        assert zh[value] == name, value
    assert en[392] == "Japan" and en[158] == "Taiwan, China"
    assert len(set(zh.values())) == len(zh) and len(set(en.values())) == len(en)
    assert r5.code_by_name("香港") == 344
    assert r5.code_by_name("Macau") == 446
    assert r5.code_by_name("台湾") == 158
    assert r5.code_by_name("Turkey") == 792
    assert r5.code_by_name("大韩民国") == 410


def test_country_answers() -> None:
    r5 = load_form("hmt2020").item("R5")
    assert parse_answer(r5, "344") == 344
    assert parse_answer(r5, "美国") == 840
    assert parse_answer(r5, "united kingdom") == 826
    with pytest.raises(BadInput) as info:
        parse_answer(r5, "999")
    # 249 codes are not spelt out in the message
    assert len(info.value.msg.en) < 80 and "code or a name" in info.value.msg.en
    with pytest.raises(BadInput) as info:
        parse_answer(load_form("long2020").item("H18"), "12")
    assert "1–11" in info.value.msg.en
