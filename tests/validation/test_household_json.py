"""The household JSON form: round trip, strict errors with the JSON path, no values in errors."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from census_tui.errors import BadInput
from census_tui.exitcodes import ExitCode
from census_tui.model import Note
from census_tui.validation.engine import check_household, completion_status, make_confirmation
from census_tui.validation.household_json import (
    SCHEMA_VERSION,
    ReadBack,
    UnknownForm,
    from_json,
    parse_document,
    parse_many,
    to_json,
)

from .builders import (
    all_died_household,
    death_record,
    infant_death_household,
    valid_hmt_household,
    valid_household,
    valid_long_household,
)

AT = "2020-11-02T09:00:00+00:00"


def full_doc() -> dict[str, Any]:
    hh = valid_household(4)
    hh.answers["H6"] = 14
    hh.answers["H7"] = 1
    [warning] = check_household(hh)
    hh.confirmations.append(make_confirmation(warning, hh, "shared room", "enum-7", AT))
    hh.notes.append(Note(hh.persons[1].uuid, "D5", "respondent unsure", AT))
    hh.training = True
    return to_json(hh, read_back=ReadBack("王某", AT), completed_at=AT)


def test_round_trip_keeps_everything() -> None:
    doc = full_doc()
    text = json.dumps(doc, ensure_ascii=False)
    parsed = parse_document(json.loads(text))
    assert (
        to_json(parsed.household, read_back=parsed.read_back, completed_at=parsed.completed_at)
        == doc
    )
    assert parsed.read_back == ReadBack("王某", AT)
    hh = from_json(doc)
    assert hh.training and hh.revision == 1 and len(hh.persons) == 4
    assert hh.confirmations[0].values == {":H6": 14, ":H2a": 4, ":H5": 1}


def test_persons_are_placed_by_position() -> None:
    doc = full_doc()
    doc["persons"].reverse()
    hh = from_json(doc)
    assert [p.uuid for p in hh.persons] == ["p00", "p01", "p02", "p03"]


def test_minimal_document_and_list() -> None:
    doc = full_doc()
    for key in ("confirmations", "notes", "read_back", "completed_at"):
        del doc[key]
    assert from_json(doc).confirmations == []
    assert len(parse_many([doc, doc])) == 2


def _broken(path: list[Any], value: Any, delete: bool = False) -> dict[str, Any]:
    doc = copy.deepcopy(full_doc())
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "delete", "where"),
    [
        (["schema_version"], 3, False, "$.schema_version"),
        (["schema_version"], "1", False, "$.schema_version"),
        (["schema"], "other", False, "$.schema"),
        (["case_uuid"], 5, False, "$.case_uuid"),
        (["case_uuid"], "", False, "$.case_uuid"),
        (["revision"], True, False, "$.revision"),
        (["training"], 1, False, "$.training"),
        (["answers"], [], False, "$.answers"),
        (["answers", "H1"], None, False, "$.answers.H1"),
        (["answers", "H1"], 1.0, False, "$.answers.H1"),
        (["persons", 1, "answers", "D5"], ["1977"], False, "$.persons[1].answers.D5"),
        (["persons", 1, "position"], 0, False, "$.persons[1].position"),
        (["persons", 1, "position"], 9, False, "$.persons[1].position"),
        (["persons", 1, "uuid"], "p00", False, "$.persons[1].uuid"),
        (["persons", 1, "extra"], 1, False, "$.persons[1].extra"),
        (["persons", 2, "answers"], None, True, "$.persons[2].answers"),
        (["confirmations", 0, "values", ":H6"], 1.5, False, "$.confirmations[0].values.:H6"),
        (["confirmations", 0, "reason"], None, False, "$.confirmations[0].reason"),
        (["notes", 0, "text"], 3, False, "$.notes[0].text"),
        (["read_back", "at"], None, True, "$.read_back.at"),
        (["completed_at"], 20201102, False, "$.completed_at"),
        (["unknown"], 1, False, "$.unknown"),
    ],
)
def test_strict_errors_name_the_path(path: list[Any], value: Any, delete: bool, where: str) -> None:
    with pytest.raises(BadInput) as info:
        from_json(_broken(path, value, delete))
    err = info.value
    assert err.exit_code == ExitCode.BAD_INPUT
    assert err.msg.en.startswith(where + ":"), err.msg.en
    assert err.msg.zh.startswith(where + ":")
    assert "王某" not in err.msg.en and "测试" not in err.msg.en


@pytest.mark.parametrize("obj", [None, 1, "x", [], [1], {"schema_version": SCHEMA_VERSION}])
def test_not_a_document(obj: Any) -> None:
    with pytest.raises(BadInput):
        parse_many(obj) if isinstance(obj, list) and obj else from_json(obj)


# -- version 2: the form set (issue 17) -----------------------------------------------------------


def test_to_json_writes_version_2_with_the_forms_version_and_deaths() -> None:
    hh = infant_death_household("long2020")
    doc = to_json(hh)
    assert doc["schema_version"] == SCHEMA_VERSION == 2
    assert (doc["form_id"], doc["form_version"]) == ("long2020", "2020.1")
    assert doc["deaths"] == [{"uuid": "d-infant", "position": 0, "answers": hh.deaths[0].answers}]
    assert doc["persons"][1]["answers"]["D28B1"] == "2020-01"  # long-form answers kept


def test_version_2_round_trip_with_deaths_and_a_confirmed_death_record() -> None:
    hh = infant_death_household("long2020")
    hh.deaths.append(death_record("d-old", 2, "1931-02", "2019-12", name="测试丙"))
    hh.answers["H4f"] = 1
    hh.answers["H3m"] = 0  # the dead baby is then more than H3: an HH-07 warning to confirm
    hh.persons[1].answers.update({"D28": 0})
    for key in ("D28B1", "D28S1"):
        del hh.persons[1].answers[key]
    [warning] = check_household(hh)
    assert warning.rule_id == "HH-07"
    hh.confirmations.append(make_confirmation(warning, hh, "born and died abroad", "e-1", AT))
    assert hh.confirmations[0].values["d-infant:S4"] == "2020-01"
    doc = json.loads(json.dumps(to_json(hh, read_back=ReadBack("王某", AT)), ensure_ascii=False))
    doc["deaths"].reverse()  # placed by position
    parsed = parse_document(doc)
    back = parsed.household
    assert [d.uuid for d in back.deaths] == ["d-infant", "d-old"]
    assert back.form_id == "long2020" and back.deaths[1].answers["S2"] == "测试丙"
    doc["deaths"].reverse()
    assert to_json(back, read_back=parsed.read_back) == doc
    assert completion_status(back, check_household(back)).may_complete


def _v1(doc: dict[str, Any]) -> dict[str, Any]:
    old = copy.deepcopy(doc)
    old["schema_version"] = 1
    del old["form_version"]
    del old["deaths"]
    return old


def test_version_1_documents_read_as_short_form_without_deaths() -> None:
    v1 = _v1(full_doc())
    hh = from_json(v1)
    assert hh.form_id == "short2020" and hh.deaths == [] and len(hh.persons) == 4
    again = to_json(hh, read_back=ReadBack("王某", AT), completed_at=AT)
    assert again == full_doc()  # written back as version 2
    assert check_household(hh) == check_household(from_json(full_doc()))


@pytest.mark.parametrize(
    ("change", "where", "code"),
    [
        ({"schema_version": 3}, "$.schema_version", "JSON-VERSION"),
        ({"schema_version": 0}, "$.schema_version", "JSON-VERSION"),
        ({"schema_version": True}, "$.schema_version", "JSON-VERSION"),
        ({"form_id": "long2030"}, "$.form_id", "FORM-UNKNOWN"),
        ({"form_id": "death2020"}, "$.form_id", "FORM-UNKNOWN"),
        ({"form_id": "../short2020"}, "$.form_id", "FORM-UNKNOWN"),
        ({"form_version": "2019.9"}, "$.form_version", "FORM-VERSION"),
    ],
)
def test_unknown_versions_and_forms_are_refused(
    change: dict[str, Any], where: str, code: str
) -> None:
    doc = {**full_doc(), **change}
    with pytest.raises(UnknownForm) as info:
        from_json(doc)
    err = info.value
    assert err.code == code and err.exit_code == ExitCode.BAD_INPUT
    assert err.msg.en.startswith(where + ":") and err.msg.zh.startswith(where + ":")
    assert "long2030" not in err.msg.en and "2019.9" not in err.msg.en  # values never quoted


def test_version_1_is_short_form_only_and_has_no_deaths() -> None:
    with pytest.raises(UnknownForm) as info:
        from_json({**_v1(full_doc()), "form_id": "long2020"})
    assert info.value.msg.en.startswith("$.form_id:")
    with pytest.raises(BadInput) as bad:
        from_json({**_v1(full_doc()), "deaths": []})
    assert bad.value.msg.en.startswith("$.deaths:")


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (["form_version"], None, "$.form_version"),
        (["deaths", 0, "uuid"], "p01", "$.deaths[0].uuid"),  # a person's uuid
        (["deaths", 0, "position"], 1, "$.deaths[0].position"),
        (["deaths", 0, "answers", "S4"], None, "$.deaths[0].answers.S4"),
        (["deaths", 0, "extra"], 1, "$.deaths[0].extra"),
        (["deaths"], {}, "$.deaths"),
    ],
)
def test_death_records_are_read_strictly(path: list[Any], value: Any, where: str) -> None:
    doc = to_json(infant_death_household())
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    if value is None and path[-1] == "form_version":
        del target[path[-1]]
    else:
        target[path[-1]] = value
    with pytest.raises(BadInput) as info:
        from_json(doc)
    assert info.value.msg.en.startswith(where + ":"), info.value.msg.en
    assert "未取名" not in info.value.msg.en


def test_a_household_of_an_unknown_form_cannot_be_written() -> None:
    hh = valid_household(1)
    hh.form_id = "long2030"
    with pytest.raises(BadInput):
        to_json(hh)


def test_every_form_round_trips() -> None:
    for hh in (valid_long_household(10), valid_hmt_household(), all_died_household()):
        doc = json.loads(json.dumps(to_json(hh), ensure_ascii=False))
        assert to_json(from_json(doc)) == doc
        assert check_household(from_json(doc)) == []


# -- mode: how the household was enumerated (issue 20 §4) ------------------------------------


def test_mode_phone_round_trips_and_visit_is_written_as_before() -> None:
    hh = valid_household(2)
    doc = to_json(hh)
    assert "mode" not in doc and from_json(doc).mode == "visit"  # absent = visit
    assert to_json(from_json({**doc, "mode": "visit"})) == doc  # explicit visit reads the same
    hh.mode = "phone"
    phoned = json.loads(json.dumps(to_json(hh, read_back=ReadBack("王某", AT)), ensure_ascii=False))
    assert phoned["mode"] == "phone" and phoned["schema_version"] == 2
    parsed = parse_document(phoned)
    assert parsed.household.mode == "phone"
    assert to_json(parsed.household, read_back=parsed.read_back) == phoned


@pytest.mark.parametrize("value", ["telephone", "PHONE", "", None, 1, True, ["phone"]])
def test_a_mode_other_than_visit_or_phone_is_refused_with_its_path(value: Any) -> None:
    with pytest.raises(BadInput) as info:
        from_json({**full_doc(), "mode": value})
    err = info.value
    assert err.exit_code == ExitCode.BAD_INPUT and not isinstance(err, UnknownForm)
    assert err.msg.en == '$.mode: must be "visit" or "phone"', err.msg.en
    assert err.msg.zh.startswith("$.mode:")
    with pytest.raises(BadInput) as many:
        parse_many([full_doc(), {**full_doc(), "mode": value}])
    assert many.value.msg.en.startswith("$[1].mode:")


def test_version_1_has_no_mode() -> None:
    with pytest.raises(BadInput) as info:
        from_json({**_v1(full_doc()), "mode": "phone"})
    assert info.value.msg.en.startswith("$.mode: unknown field")
