"""Header names in Chinese or English mapped to fields; duplicates and missing names refused."""

from __future__ import annotations

import pytest

from census_tui.errors import BadInput
from census_tui.roster.mapping import Field, field_for, map_columns


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("姓名", Field.NAME), ("Name", Field.NAME), (" 姓 名 ", Field.NAME), ("姓名*", Field.NAME),
        ("公民身份号码", Field.ID_NUMBER), ("身份证号", Field.ID_NUMBER),
        ("身份证号码(必填)", Field.ID_NUMBER), ("id_number", Field.ID_NUMBER),
        ("ID Number", Field.ID_NUMBER), ("性别", Field.SEX), ("Gender", Field.SEX),
        ("出生年月", Field.BIRTH), ("出生日期", Field.BIRTH), ("Date of Birth", Field.BIRTH),
        ("民族", Field.ETHNICITY), ("宿舍", Field.ROOM), ("房间", Field.ROOM),
        ("房号", Field.ROOM), ("ROOM", Field.ROOM), ("部门", Field.DEPARTMENT),
        ("工号", Field.EMPLOYEE_NO), ("Employee No.", Field.EMPLOYEE_NO),
        ("电话", Field.PHONE), ("手机", Field.PHONE), ("Mobile", Field.PHONE),
        ("\ufeff姓名", Field.NAME), ("ＮＡＭＥ", Field.NAME),
    ],
)  # fmt: skip
def test_aliases(header: str, field: Field) -> None:
    assert field_for(header) is field


def test_unknown_columns_are_ignored_and_listed() -> None:
    cmap = map_columns(["序号", "姓名", "备注", "身份证号"])
    assert cmap.columns == {Field.NAME: 1, Field.ID_NUMBER: 3}
    assert cmap.ignored == ("序号", "备注")


def test_duplicate_header_is_refused() -> None:
    with pytest.raises(BadInput) as err:
        map_columns(["姓名", "宿舍", "姓名"])
    assert "1" in err.value.msg.en and "3" in err.value.msg.en


def test_two_columns_for_one_field_are_refused() -> None:
    with pytest.raises(BadInput) as err:
        map_columns(["姓名", "身份证号", "公民身份号码"])
    assert "--column" in err.value.msg.en


def test_no_name_column_is_refused() -> None:
    with pytest.raises(BadInput):
        map_columns(["身份证号", "宿舍"])


def test_override_maps_an_unknown_header() -> None:
    cmap = map_columns(["员工", "证件"], {"员工": "name", "证件": "id_number"})
    assert cmap.columns == {Field.NAME: 0, Field.ID_NUMBER: 1}
    with pytest.raises(BadInput):
        map_columns(["姓名"], {"姓名": "nickname"})
