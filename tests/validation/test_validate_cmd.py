"""``census-tui validate`` through a Typer app built here with ``register()``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from census_tui.commands.validate import register
from census_tui.exitcodes import ExitCode
from census_tui.validation.household_json import to_json

from .builders import (
    all_died_household,
    infant_death_household,
    valid_hmt_household,
    valid_household,
    valid_long_household,
)


def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.command("noop")
    def _noop() -> None:  # a second command keeps "validate" a subcommand
        """Nothing."""

    return a


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app(), ["validate", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, obj: object, name: str = "hh.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_valid_household_exits_0(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, to_json(valid_household(3))), "--lang", "en")
    assert code == ExitCode.OK
    assert "no findings" in out


def test_errors_exit_1_with_a_table_in_each_language(tmp_path: Path) -> None:
    hh = valid_household(3)
    hh.persons[2].answers["D5"] = "2020-11"
    path = write(tmp_path, [to_json(valid_household(2)), to_json(hh)])
    code, out, _ = run(path, "--lang", "en")
    assert code == ExitCode.FINDINGS
    assert "P-05" in out and "cannot be completed" in out
    code, out, _ = run(path, "--lang", "zh")
    assert code == ExitCode.FINDINGS and "不能完成" in out
    assert "测试" not in out  # names never printed


def test_json_output(tmp_path: Path) -> None:
    hh = valid_household(3)
    hh.answers["H6"] = 14
    hh.answers["H7"] = 1
    code, out, _ = run(write(tmp_path, to_json(hh)), "--json")
    assert code == ExitCode.OK  # a warning alone does not fail the command
    data = json.loads(out)
    [res] = data["households"]
    assert data["ok"] is True and res["may_complete"] is False and res["unconfirmed"] == 1
    assert res["findings"][0]["rule_id"] == "HH-06"
    assert res["findings"][0]["message"]["zh"]


def test_unconfirmed_overridable_error_exits_1(tmp_path: Path) -> None:
    hh = valid_household(3)
    hh.persons[2].answers["D5"] = "2005-04"  # ID says 2005-03
    code, out, _ = run(write(tmp_path, to_json(hh)), "--json")
    assert code == ExitCode.FINDINGS
    assert json.loads(out)["households"][0]["findings"][0]["severity"] == "overridable"


def test_malformed_json_gives_position_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "schema": "x",\n  oops\n}', encoding="utf-8")
    code, out, err = run(str(path), "--lang", "en")
    assert code == ExitCode.BAD_INPUT
    assert "line 3, column 3" in err and "Traceback" not in out + err


def test_unreadable_and_wrong_shape_exit_2(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "missing.json"), "--lang", "en")
    assert code == ExitCode.BAD_INPUT and "cannot read" in err
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    assert run(str(tmp_path / "bin.json"))[0] == ExitCode.BAD_INPUT
    code, _, err = run(write(tmp_path, {"schema_version": 9}), "--lang", "en")
    assert code == ExitCode.BAD_INPUT and "$.schema_version" in err


def test_reads_stdin() -> None:
    code, out, _ = run("-", "--json", stdin=json.dumps(to_json(valid_household(1))))
    assert code == ExitCode.OK and json.loads(out)["ok"] is True


def test_households_of_every_form_and_death_records(tmp_path: Path) -> None:
    bad_death = infant_death_household("long2020")
    bad_death.deaths[0].answers["S5"] = "2019-05"  # before the census year: DTH-04
    docs = [
        to_json(valid_long_household(4)),
        to_json(valid_hmt_household()),
        to_json(all_died_household()),
        to_json(bad_death),
    ]
    path = write(tmp_path, docs)
    code, out, _ = run(path, "--json")
    assert code == ExitCode.FINDINGS
    results = json.loads(out)["households"]
    assert [r["form_id"] for r in results] == ["long2020", "hmt2020", "short2020", "long2020"]
    assert [r["may_complete"] for r in results] == [True, True, True, False]
    row = next(f for f in results[3]["findings"] if f["rule_id"] == "DTH-04")
    assert (row["person_uuid"], row["death_position"], row["position"]) == ("d-infant", 0, None)
    code, out, _ = run(path, "--lang", "en")
    assert "DTH-04" in out and "death #1" in out and "long2020" in out
    assert "未取名" not in out  # a death record's name is never printed


def test_version_1_documents_are_validated(tmp_path: Path) -> None:
    doc = to_json(valid_household(2))
    doc["schema_version"] = 1
    del doc["form_version"], doc["deaths"]
    code, out, _ = run(write(tmp_path, doc), "--json")
    assert code == ExitCode.OK and json.loads(out)["households"][0]["form_id"] == "short2020"


def test_unknown_form_or_version_exits_2(tmp_path: Path) -> None:
    for change, where in (({"form_id": "long2030"}, "$.form_id"), ({"schema_version": 3}, "$")):
        doc = {**to_json(valid_household(2)), **change}
        code, _, err = run(write(tmp_path, doc), "--lang", "en")
        assert code == ExitCode.BAD_INPUT and where in err and "Traceback" not in err
