"""The form keys of issue 17 ([form] deaths, person_count, roles; [[death]] items; derived
variables of several items): what they load into, and every bad use refused at load with a
bilingual message naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from census_tui.model import Household, Person
from census_tui.questionnaire import walker
from census_tui.questionnaire.form import FormError, load_form_file

HOUSE = """
[form]
id = "house"
version = "1"
title = {{ zh = "户表", en = "House" }}
{form_keys}

[codes.yn]
values = [{{ value = 1, zh = "是", en = "Yes" }}, {{ value = 2, zh = "否", en = "No" }}]

[derived.age]
function = "age_at_standard_time"
of = "B"

[[household]]
id = "H"
type = "code"
codes = "yn"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}

[[household]]
id = "Nm"
type = "integer"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}

[[household]]
id = "Nf"
type = "integer"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}

[[person]]
id = "A"
type = "text"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}

[[person]]
id = "B"
type = "yearmonth"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}

[[person]]
id = "C"
type = "code"
codes = "yn"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}
{more}
"""

GOOD_KEYS = """person_count = ["Nm", "Nf"]
deaths = { form = "dead", male = "Nm", female = "Nf" }
roles = { name = "A", birth = "B", sex = "C" }"""

DEAD = """
[form]
id = "dead"
version = "1"
title = {{ zh = "死亡表", en = "Deaths" }}
roles = {{ name = "S1", birth = "S2", death = "S3" }}
{form_keys}

[codes.yn]
values = [{{ value = 1, zh = "是", en = "Yes" }}, {{ value = 2, zh = "否", en = "No" }}]

[derived.dage]
function = "age_at_death"
of = ["S2", "S3"]
{more_derived}

[[death]]
id = "S1"
type = "text"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}

[[death]]
id = "S2"
type = "yearmonth"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}

[[death]]
id = "S3"
type = "yearmonth"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}

[[death]]
id = "S4"
type = "code"
codes = "yn"
when = "{s4_when}"
text = {{ zh = "问", en = "Q" }}
label = {{ zh = "标", en = "L" }}
definition = {{ zh = "释", en = "D" }}
"""


def write(
    tmp: Path,
    *,
    form_keys: str = GOOD_KEYS,
    more: str = "",
    dead_keys: str = "",
    more_derived: str = "",
    s4_when: str = "dage >= 6 and H == 1",
    dead: str | None = None,
) -> Path:
    (tmp / "dead.toml").write_text(
        dead
        if dead is not None
        else DEAD.format(form_keys=dead_keys, more_derived=more_derived, s4_when=s4_when),
        encoding="utf-8",
    )
    path = tmp / "house.toml"
    path.write_text(HOUSE.format(form_keys=form_keys, more=more), encoding="utf-8")
    return path


def test_good_files_load_and_walk(tmp_path: Path) -> None:
    form = load_form_file(write(tmp_path))
    assert form.person_count_items == ("Nm", "Nf")
    assert form.deaths_form == "dead" and form.death_count_items == ("Nm", "Nf")
    assert dict(form.roles) == {"name": "A", "birth": "B", "sex": "C"}
    assert dict(form.death_roles) == {"name": "S1", "birth": "S2", "death": "S3"}
    assert [i.id for i in form.death_items] == ["S1", "S2", "S3", "S4"]
    assert form.code_lists["yn"] == form.item("S4").codes
    # a death condition may read the household's answers (H) and its own derived variable
    hh = Household("h", answers={"H": 1}, persons=[Person("p")])
    hh.deaths.append(Person("d", {"S2": "1990-01", "S3": "2020-01"}))
    assert [i.id for i in walker.death_items(form, hh, "d")] == ["S1", "S2", "S3", "S4"]
    hh.answers["H"] = 2
    assert [i.id for i in walker.death_items(form, hh, "d")] == ["S1", "S2", "S3"]
    # the death form alone: its conditions may not read a household item it does not have
    with pytest.raises(FormError) as info:
        load_form_file(tmp_path / "dead.toml")
    assert "H, which is unknown" in info.value.msg.en
    (tmp_path / "dead.toml").write_text(
        DEAD.format(form_keys="", more_derived="", s4_when="dage >= 6"), encoding="utf-8"
    )
    alone = load_form_file(tmp_path / "dead.toml")
    assert not alone.household_items and not alone.person_items and not alone.roles
    assert [i.id for i in alone.items("death")] == ["S1", "S2", "S3", "S4"]
    assert alone.death_roles["death"] == "S3"
    # forms without the optional keys
    plain = load_form_file(write(tmp_path, form_keys=""))
    assert plain.person_count_items == () and plain.deaths_form is None
    assert plain.death_count_items is None and not plain.roles and not plain.death_items


DEATH_ITEM_IN_HOUSE = """
[[death]]
id = "S9"
type = "text"
text = { zh = "问", en = "Q" }
label = { zh = "标", en = "L" }
definition = { zh = "释", en = "D" }
"""

# (description, write() arguments, the file the message names, words it must contain)
BAD: list[tuple[str, dict[str, str], str, tuple[str, ...]]] = [
    ("unknown [form] key", {"form_keys": 'persons = ["Nm"]'}, "house", ("unknown keys",)),
    ("unknown role", {"form_keys": 'roles = { nmae = "A" }'}, "house", ("unknown role", "nmae")),
    (
        "role naming an unknown item",
        {"form_keys": 'roles = { name = "Z" }'},
        "house",
        ("roles.name", "Z is not a person text item"),
    ),
    (
        "role naming a household item",
        {"form_keys": 'roles = { sex = "H" }'},
        "house",
        ("H is not a person code item",),
    ),
    (
        "role naming an item of the wrong type",
        {"form_keys": 'roles = { birth = "A" }'},
        "house",
        ("A is not a person yearmonth item",),
    ),
    (
        "role taken by a death item on a household form",
        {"form_keys": GOOD_KEYS.replace('name = "A"', 'name = "S1"')},
        "house",
        ("S1 is not a person text item",),
    ),
    (
        "an item in two roles",
        {"form_keys": 'roles = { sex = "C", relationship = "C" }'},
        "house",
        ("two roles",),
    ),
    ("roles not a table", {"form_keys": 'roles = "A"'}, "house", ("roles must be a table",)),
    (
        "person_count naming a person item",
        {"form_keys": 'person_count = ["Nm", "B"]'},
        "house",
        ("B is not a household integer item",),
    ),
    (
        "person_count naming a code item",
        {"form_keys": 'person_count = ["H"]'},
        "house",
        ("H is not a household integer item",),
    ),
    (
        "person_count naming an unknown item",
        {"form_keys": 'person_count = ["Q"]'},
        "house",
        ("Q is not",),
    ),
    (
        "person_count not an array",
        {"form_keys": 'person_count = "Nm"'},
        "house",
        ("array of item ids",),
    ),
    ("person_count twice", {"form_keys": 'person_count = ["Nm", "Nm"]'}, "house", ("twice",)),
    (
        "deaths form that does not exist",
        {"form_keys": 'deaths = { form = "gone", male = "Nm", female = "Nf" }'},
        "house",
        ("no such form gone",),
    ),
    (
        "deaths form without death items",
        {"form_keys": 'deaths = { form = "house2", male = "Nm", female = "Nf" }'},
        "house",
        ("house2 is not a death form",),
    ),
    (
        "deaths naming the form itself",
        {"form_keys": 'deaths = { form = "house", male = "Nm", female = "Nf" }'},
        "house",
        ("deaths.form is invalid",),
    ),
    (
        "deaths without female",
        {"form_keys": 'deaths = { form = "dead", male = "Nm" }'},
        "house",
        ("exactly form, male and female",),
    ),
    (
        "deaths counting with a code item",
        {"form_keys": 'deaths = { form = "dead", male = "H", female = "Nf" }'},
        "house",
        ("H is not a household integer item",),
    ),
    (
        "death condition on a person item",
        {"s4_when": "C == 1"},
        "dead",
        ("S4:", "death condition uses C, a person item"),
    ),
    (
        "death condition on a person's derived variable",
        {"s4_when": "age >= 6"},
        "dead",
        ("death condition uses age, a person derived variable",),
    ),
    (
        "[[death]] items inside a household form",
        {"more": DEATH_ITEM_IN_HOUSE},
        "house",
        ("belong in a death form",),
    ),
    (
        "person_count on a death form",
        {"dead_keys": 'person_count = ["S1"]'},
        "dead",
        ("person_count is not for a death form",),
    ),
    (
        "deaths on a death form",
        {"dead_keys": 'deaths = { form = "x", male = "S1", female = "S1" }'},
        "dead",
        ("deaths is not for a death form",),
    ),
    (
        "derived of items in the person and death sections",
        {"more_derived": '[derived.mixed]\nfunction = "age_at_death"\nof = ["B", "S3"]'},
        "dead",
        ("[derived.mixed]", "person and the death sections"),
    ),
    (
        "derived with the wrong number of items",
        {"more_derived": '[derived.one]\nfunction = "age_at_death"\nof = "S3"'},
        "dead",
        ("age_at_death takes 2 distinct items",),
    ),
    (
        "derived of the same item twice",
        {"more_derived": '[derived.one]\nfunction = "age_at_death"\nof = ["S3", "S3"]'},
        "dead",
        ("takes 2 distinct items",),
    ),
    (
        "derived of a number",
        {"more_derived": '[derived.one]\nfunction = "age_at_standard_time"\nof = 3'},
        "dead",
        ("of must be an item id or an array",),
    ),
    (
        "derived name already used by the household form",
        {"more_derived": '[derived.age]\nfunction = "age_at_standard_time"\nof = "S2"'},
        "dead",
        ("derived variable age is already defined",),
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "source", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_keys_refused_clearly(
    tmp_path: Path, kwargs: dict[str, str], source: str, words: tuple[str, ...]
) -> None:
    # a second household form, to be named (wrongly) as a death form
    (tmp_path / "house2.toml").write_text(
        HOUSE.format(form_keys="", more="").replace('id = "house"', 'id = "house2"'),
        encoding="utf-8",
    )
    with pytest.raises(FormError) as info:
        load_form_file(write(tmp_path, **kwargs))
    msg = info.value.msg
    assert msg.en.startswith(f"form file {source}.toml: "), msg.en
    assert msg.zh.startswith(f"表式文件 {source}.toml: "), msg.zh
    for word in words:
        assert word in msg.en, msg.en


def test_death_form_refusals(tmp_path: Path) -> None:
    dead = DEAD.format(form_keys="", more_derived="", s4_when="dage >= 6")
    cases = [
        (dead.replace('id = "S4"', 'id = "A"'), "duplicate item id A"),
        (dead.replace('id = "dead"', 'id = "other"'), "[form] id must be dead"),
        (dead.replace('death = "S3"', 'death = "S1"'), "S1 is not a death yearmonth item"),
        (dead.replace('death = "S3"', 'relationship = "S4"'), "unknown role"),
        (dead.replace('zh = "否"', 'zh = "不"'), "code list yn differs"),
        (
            dead.replace("[derived.dage]", "[derived.H]").replace("dage >=", "H >="),
            "derived variables named as items",
        ),
        (dead + "\n[form2]\nx = 1\n", "unknown tables"),
    ]
    for text, words in cases:
        with pytest.raises(FormError) as info:
            load_form_file(write(tmp_path, dead=text))
        assert words in info.value.msg.en, (words, info.value.msg.en)
        assert info.value.msg.zh.startswith("表式文件 ")
