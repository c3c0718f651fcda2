"""The household JSON form: round trip, strict errors with the JSON path, no values in errors."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from census_tui.errors import BadInput
from census_tui.exitcodes import ExitCode
from census_tui.model import Note
from census_tui.validation.engine import check_household, make_confirmation
from census_tui.validation.household_json import (
    SCHEMA_VERSION,
    ReadBack,
    from_json,
    parse_document,
    parse_many,
    to_json,
)

from .builders import valid_household

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
        (["schema_version"], 2, False, "$.schema_version"),
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
