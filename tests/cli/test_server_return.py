"""``census-tui server return --item``: a supervisor names the questions to correct by what
they see on the read-back (H6, 2:D5), never by UUID; bad items exit 2 with a reason and store
nothing. The CLI runs in-process on a real server database file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from census_tui.exitcodes import ExitCode
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from tests.cli.conftest import AREA, PASSWORD, run
from tests.sync.support import household_payload


@pytest.fixture
def uploaded(tmp_path: Path) -> tuple[Path, str, list[str]]:
    """A server database holding one uploaded 3-person household: (path, case, persons)."""
    path = tmp_path / "server.db"
    db = ServerDB(path)
    dwellings = add_enumerator(db, "alice", PASSWORD, AREA, dwellings=2, ready=True)
    case, payload = household_payload(dwellings[0], n_persons=3)
    with db.tx() as con:
        db.store_household(
            con,
            case_uuid=case,
            revision=1,
            area_id=AREA,
            dwelling_id=dwellings[0],
            account="alice",
            training=False,
            payload=payload.decode(),
            flags=[],
        )
    persons = [p["uuid"] for p in json.loads(payload)["persons"]]
    db.close()
    return path, case, persons


def _reviews(path: Path) -> list[tuple[str, list[dict[str, str]]]]:
    db = ServerDB(path)
    try:
        return [(r["comment"], ServerDB.review_items(r)) for r in db.reviews_since([AREA], 0)]
    finally:
        db.close()


def test_return_with_items_by_read_back_number(uploaded: tuple[Path, str, list[str]]) -> None:
    path, case, persons = uploaded
    args = ["server", "return", "--db", str(path), case, "--comment", "核实"]
    result = run([*args, "--item", "2:D5", "--item", "h6", "--item", ":H2a"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "2:D5" in result.output
    assert _reviews(path) == [
        (
            "核实",
            [
                {"person_uuid": persons[1], "item_id": "D5"},
                {"person_uuid": "", "item_id": "H6"},
                {"person_uuid": "", "item_id": "H2a"},
            ],
        )
    ]


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ("4:D5", "has 3 persons"),
        ("H99", "no item H99"),
        ("D5", "person item"),
        ("1:H6", "household item"),
        ("2:", "cannot read"),
    ],
)
def test_bad_items_exit_2_with_the_reason(
    uploaded: tuple[Path, str, list[str]], item: str, says: str
) -> None:
    path, case, _ = uploaded
    args = ["server", "return", "--db", str(path), case, "--comment", "x", "--item", item]
    result = run(args)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert says in result.output
    assert "Traceback" not in result.output
    assert _reviews(path) == []


def test_unknown_case_exits_2(uploaded: tuple[Path, str, list[str]]) -> None:
    path, _, _ = uploaded
    result = run(["server", "return", "--db", str(path), "nope", "--comment", "x", "--item", "H6"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "no such household" in result.output


def test_help_explains_item_numbers() -> None:
    result = run(["server", "return", "--help"])
    assert result.exit_code == ExitCode.OK
    assert "--item" in result.output and "2:D5" in result.output


def test_db_before_the_subcommand(
    uploaded: tuple[Path, str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``server --db X run`` / ``server --db X return …`` mean the same as ``--db`` after the
    subcommand (issue 16 item 12); without any ``--db`` the message says where it goes."""
    path, case, _persons = uploaded
    served: list[tuple[str, str, int, bool]] = []

    def fake_serve(db: str, host: str, port: int, *, demo: bool = False, **_: object) -> None:
        served.append((db, host, port, demo))

    monkeypatch.setattr("census_tui.server.run.serve", fake_serve)
    result = run(["server", "--db", str(path), "--port", "9911", "run"])
    assert result.exit_code == ExitCode.OK, result.output
    assert served == [(str(path), "127.0.0.1", 9911, False)]
    result = run(["server", "run", "--db", str(path), "--seed-demo"])
    assert result.exit_code == ExitCode.OK, result.output
    assert served[-1] == (str(path), "127.0.0.1", 8780, True)

    returned = run(["server", "--db", str(path), "return", case, "--comment", "核实"])
    assert returned.exit_code == ExitCode.OK, returned.output
    assert [c for c, _ in _reviews(path)] == ["核实"]

    for args in (["server", "run"], ["server", "approve", case]):
        missing = run(args, lang="zh")
        assert missing.exit_code == ExitCode.BAD_INPUT, missing.output
        assert "--db" in missing.output and "Traceback" not in missing.output
