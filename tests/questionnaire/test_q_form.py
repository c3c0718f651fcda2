"""The 2020 short form file: every item of docs/form.md, its code lists (FACTS §2, §5) and
conditions; the loader's checks; and a second form file that needs no code change."""

from __future__ import annotations

from pathlib import Path

import pytest

from census_tui.exitcodes import ExitCode
from census_tui.i18n import Msg
from census_tui.model import Household, Person
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import (
    Form,
    FormError,
    load_form,
    load_form_file,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def form() -> Form:
    return load_form()


# docs/form.md: id -> type, in form order
HOUSEHOLD = {
    "H1": "code", "H2a": "integer", "H2b": "integer", "H3m": "integer", "H3f": "integer",
    "H4m": "integer", "H4f": "integer", "H5": "code", "H6": "integer", "H7": "integer",
}  # fmt: skip
PERSON = {
    "D1": "text", "D2": "code", "D3": "idnumber", "D3N": "code", "D4": "code",
    "D5": "yearmonth", "D6": "code", "D7": "code", "D7P": "text", "D8": "code", "D8P": "text",
    "D9": "code", "D10": "code", "D11": "code", "D12": "code",
}  # fmt: skip


def test_items_ids_order_and_types(form: Form) -> None:
    assert form.id == "short2020"
    assert form.version
    assert {i.id: i.type for i in form.household_items} == HOUSEHOLD
    assert [i.id for i in form.household_items] == list(HOUSEHOLD)
    assert [i.id for i in form.person_items] == list(PERSON)
    assert {i.id: i.type for i in form.person_items} == PERSON
    assert all(i.section == "household" for i in form.household_items)
    assert all(i.section == "person" for i in form.person_items)
    assert form.item("D6").id == "D6"
    with pytest.raises(KeyError):
        form.item("D13")


def test_loaded_once(form: Form) -> None:
    assert load_form("short2020") is form


def test_every_item_is_bilingual_and_required(form: Form) -> None:
    for item in (*form.household_items, *form.person_items):
        for m in (item.text, item.label, item.definition):
            assert isinstance(m, Msg) and m.zh.strip() and m.en.strip(), item.id
            assert any("\u4e00" <= ch <= "\u9fff" for ch in m.zh), item.id
        assert item.required, item.id
        if item.type == "code":
            assert item.codes and item.code_list
        else:
            assert not item.codes


ALL_DIED = "not (H2a == 0 and H2b == 0 and H4m >= 0 and H4f >= 0 and (H4m > 0 or H4f > 0))"
CONDITIONS = {
    "H5": ALL_DIED,
    "H6": "H5 == 1", "H7": "H5 == 1", "D3N": 'D3 == ""', "D7P": "D7 == 5", "D8P": "D8 == 4",
    "D9": "D8 != 5", "D10": "D8 != 5 and D9 != 1", "D11": "age >= 3", "D12": "age >= 15",
}  # fmt: skip


def test_conditions(form: Form) -> None:
    for item in (*form.household_items, *form.person_items):
        assert item.when == CONDITIONS.get(item.id, ""), item.id
        assert (item.condition is None) == (item.id not in CONDITIONS)
    assert [(d.name, d.of) for d in form.derived] == [("age", ("D5",)), ("death_age", ("S4", "S5"))]


BOUNDS = {
    "H2a": (0, 999), "H2b": (0, 999), "H3m": (0, 99), "H3f": (0, 99), "H4m": (0, 99),
    "H4f": (0, 99), "H6": (1, 9999), "H7": (1, 99),
}  # fmt: skip


def test_integer_bounds(form: Form) -> None:
    for item_id, (lo, hi) in BOUNDS.items():
        item = form.item(item_id)
        assert (item.min, item.max) == (lo, hi)
    assert form.item("D1").max_length == 50


def codes(form: Form, item_id: str) -> dict[int, str]:
    return {c.value: c.label.zh for c in form.item(item_id).codes}


def test_code_lists(form: Form) -> None:
    assert codes(form, "H1") == {1: "家庭户", 2: "集体户"}
    assert codes(form, "H5") == {
        1: "普通住宅",
        2: "集体住所",
        3: "工作地住所",
        4: "其他住房",
        5: "无住房",
    }
    rel = [
        "户主",
        "配偶",
        "子女",
        "父母",
        "岳父母或公婆",
        "祖父母",
        "媳婿",
        "孙子女",
        "兄弟姐妹",
        "其他",
    ]
    assert codes(form, "D2") == dict(enumerate(rel))  # FACTS §5.1, 0-9
    assert codes(form, "D4") == {1: "男", 2: "女"}
    assert set(codes(form, "D3N")) == {1, 2, 3, 9}
    assert list(codes(form, "D7")) == [1, 2, 3, 4, 5, 6, 7]
    assert codes(form, "D7")[1] == "本普查小区" and codes(form, "D7")[7] == "国外"
    assert list(codes(form, "D8")) == [1, 2, 3, 4, 5] and codes(form, "D8")[5] == "户口待定"
    assert list(codes(form, "D9")) == list(range(1, 10))
    assert codes(form, "D9")[1] == "没有离开户口登记地" and codes(form, "D9")[9] == "十年以上"
    d10 = [
        *("工作就业", "学习培训", "随同离开/投亲靠友", "拆迁/搬家", "寄挂户口"),
        *("婚姻嫁娶", "照料孙子女", "为子女就学", "养老/康养", "其他"),
    ]
    assert codes(form, "D10") == dict(enumerate(d10, start=1))  # FACTS §5.5
    edu = "未上过学 学前教育 小学 初中 高中 大学专科 大学本科 硕士研究生 博士研究生"
    assert codes(form, "D11") == dict(enumerate(edu.split(), start=1))  # FACTS §5.3
    assert codes(form, "D12") == {1: "是", 2: "否"}


# FACTS §5.2 as printed there (four columns of code | name)
GB3304_TABLE = """
| 01 | 汉族 | 15 | 土家族 | 29 | 柯尔克孜族 | 43 | 乌孜别克族 |
| 02 | 蒙古族 | 16 | 哈尼族 | 30 | 土族 | 44 | 俄罗斯族 |
| 03 | 回族 | 17 | 哈萨克族 | 31 | 达斡尔族 | 45 | 鄂温克族 |
| 04 | 藏族 | 18 | 傣族 | 32 | 仫佬族 | 46 | 德昂族 |
| 05 | 维吾尔族 | 19 | 黎族 | 33 | 羌族 | 47 | 保安族 |
| 06 | 苗族 | 20 | 傈僳族 | 34 | 布朗族 | 48 | 裕固族 |
| 07 | 彝族 | 21 | 佤族 | 35 | 撒拉族 | 49 | 京族 |
| 08 | 壮族 | 22 | 畲族 | 36 | 毛南族 | 50 | 塔塔尔族 |
| 09 | 布依族 | 23 | 高山族 | 37 | 仡佬族 | 51 | 独龙族 |
| 10 | 朝鲜族 | 24 | 拉祜族 | 38 | 锡伯族 | 52 | 鄂伦春族 |
| 11 | 满族 | 25 | 水族 | 39 | 阿昌族 | 53 | 赫哲族 |
| 12 | 侗族 | 26 | 东乡族 | 40 | 普米族 | 54 | 门巴族 |
| 13 | 瑶族 | 27 | 纳西族 | 41 | 塔吉克族 | 55 | 珞巴族 |
| 14 | 白族 | 28 | 景颇族 | 42 | 怒族 | 56 | 基诺族 |
"""


def test_ethnic_groups_gb3304(form: Form) -> None:
    expected: dict[int, str] = {}
    for row in GB3304_TABLE.strip().splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")]
        for code, name in zip(cells[::2], cells[1::2], strict=True):
            expected[int(code)] = name
    assert len(expected) == 56
    got = codes(form, "D6")
    assert {k: v for k, v in got.items() if k <= 56} == expected
    assert set(got) == set(range(1, 57)) | {97, 98}
    assert got[97].startswith("其他") and "未识别民族" in got[97]
    assert got[98] == "外国血统中国籍人士"
    d6 = form.item("D6")
    assert all(c.label.en for c in d6.codes)
    assert d6.code_by_name("毛难族") == 36 and d6.code_by_name("崩龙族") == 46


def test_code_label(form: Form) -> None:
    d2 = form.item("D2")
    assert d2.code_label(0, "zh") == "户主"
    assert d2.code_label(0, "en") == "Head of household"
    assert d2.code_label(10, "zh") is None
    assert form.item("D6").code_label(36, "zh") == "毛南族"
    assert form.item("D1").code_label(1, "en") is None


def test_missing_packaged_form_is_a_form_error() -> None:
    with pytest.raises(FormError) as info:
        load_form("long2020_not_there")
    assert info.value.exit_code == ExitCode.BAD_INPUT
    for bad in ("../short2020", "Short2020", "", "a/b"):
        with pytest.raises(FormError):
            load_form(bad)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(FormError):
        load_form_file(tmp_path / "absent.toml")
    with pytest.raises(FormError):
        load_form_file(tmp_path)


def test_second_form_file_loads_and_walks() -> None:
    tiny = load_form_file(FIXTURES / "tiny_long.toml")
    assert tiny.id == "tiny_long"
    assert [i.id for i in tiny.household_items] == ["L11", "L17"]
    assert [i.id for i in tiny.person_items] == ["P1", "P2", "P3", "P4", "P5"]
    assert not tiny.item("P4").required
    hh = Household("h", form_id="tiny_long", persons=[Person("w"), Person("m")])
    assert walker.positions(tiny, hh) == [
        ("", "L11"),
        *[("w", i) for i in ("P1", "P2", "P5")],
        *[("m", i) for i in ("P1", "P2", "P5")],
    ]
    hh.answers["L11"] = 1
    hh.persons[0].answers.update({"P1": 2, "P2": "1980-05", "P3": 2})
    hh.persons[1].answers.update({"P1": 1, "P2": "2010-01", "P3": 1})
    assert walker.positions(tiny, hh) == [
        ("", "L11"),
        ("", "L17"),
        *[("w", i) for i in ("P1", "P2", "P3", "P4", "P5")],
        *[("m", i) for i in ("P1", "P2", "P5")],
    ]
    assert walker.stale_answers(tiny, hh) == [("m", "P3")]
    # P4 is optional: not missing although unanswered
    assert ("w", "P4") not in walker.missing(tiny, hh)
    assert walker.next_position(tiny, hh, ("w", "P3")) == ("w", "P4")
    assert walker.next_position(tiny, hh, ("w", "P5")) == ("m", "P1")
    hh.answers["L11"] = 2  # P4 depends on a household answer too
    assert not walker.is_applicable(tiny, hh, "w", "P4")
    assert walker.stale_answers(tiny, hh) == [("m", "P3")]
