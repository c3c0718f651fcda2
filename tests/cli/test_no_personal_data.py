"""The support outputs never carry personal data: canaries planted in every field of a profile
(names, ID numbers, phone numbers, addresses, notes, reasons, earlier answers, the card) are
absent from ``status``, ``diag`` and every member of the ``diag bundle`` zip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from census_tui import paths
from census_tui.diagnostics.bundle import SCRUBBED
from census_tui.exitcodes import ExitCode
from census_tui.store import Dwelling
from tests.cli.conftest import (
    AREA,
    CANARIES,
    PASSWORD,
    Site,
    assert_no_canary,
    offline_profile,
    online_profile,
    plant_canaries,
    run,
)


def test_status_shows_ids_and_counts_but_no_personal_data(home: Path, site: Site) -> None:
    store = online_profile(site, home)
    plant_canaries(store)
    store.close()
    result = run(["status", "--json"], password=PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    assert_no_canary(result.output, "status --json")
    doc = json.loads(result.output)
    assert doc["profile"] == "alice" and doc["area"] == AREA
    assert doc["outbox_depth"] == 1 and doc["cases_by_state"] == {"listed": 1}
    assert f"{AREA}-901" in [d["id"] for d in doc["dwelling_cases"]]
    assert doc["sync_log"][0]["op"] == "login"
    text = run(["status"], password=PASSWORD)
    assert text.exit_code == ExitCode.OK
    assert_no_canary(text.output, "status")
    assert f"{AREA}-901" in text.output
    zh = run(["status"], password=PASSWORD, lang="zh")
    assert "待上传" in zh.output


def test_diag_output_has_no_personal_data(home: Path, site: Site) -> None:
    store = online_profile(site, home)
    plant_canaries(store)
    store.close()
    for args in (["diag"], ["diag", "--json"]):
        result = run(args, password=PASSWORD)
        assert result.exit_code == ExitCode.OK, result.output
        assert_no_canary(result.output, " ".join(args))


def test_bundle_has_no_personal_data_even_if_a_log_leaked_some(
    home: Path, site: Site, tmp_path: Path
) -> None:
    store = online_profile(site, home)
    plant_canaries(store)
    store.close()
    logs = paths.logs_dir()
    logs.mkdir(parents=True, exist_ok=True)
    # A bug elsewhere wrote personal data into the log: the bundle must still not carry it.
    leaked = " ".join(CANARIES.values())
    (logs / "census-tui.log").write_text(
        f"2020-11-02 INFO census_tui.x leaked {leaked}\n"
        "2020-11-02 INFO census_tui.sync pushed 3 items\n",
        encoding="utf-8",
    )
    (logs / "census-tui.log.1").write_text(f"old line {CANARIES['phone']}\n", encoding="utf-8")
    target = tmp_path / "bundle.zip"
    result = run(["diag", "bundle", str(target)], password=PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    assert_no_canary(result.output, "diag bundle output")
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
        assert {
            "manifest.json",
            "diag.json",
            "versions.json",
            "status.json",
            "logs/census-tui.log",
            "logs/census-tui.log.1",
        } <= names
        for name in names:
            assert_no_canary(zf.read(name), f"bundle member {name}")
        status = json.loads(zf.read("status.json"))
        assert status["outbox_depth"] == 1 and status["schema_version"] >= 1
        log_text = zf.read("logs/census-tui.log").decode()
        assert "pushed 3 items" in log_text and "[redacted]" in log_text
        diag = json.loads(zf.read("diag.json"))
        assert {d["id"] for d in diag} >= {"store.integrity", "server.reachable"}
        assert all(set(d["detail"]) == {"zh", "en"} for d in diag)
    # the raw bytes of the zip too (deflate could hide text, so members were checked above)
    assert_no_canary(target.read_bytes(), "bundle bytes")


def test_bundle_redacts_values_by_field_and_keeps_keys_and_states_readable(
    home: Path, tmp_path: Path
) -> None:
    """Issue 16 item 11: the audit log's state changes and a note that uses the program's own
    words (area, refused) once masked state names and keys by pattern (``"[redacted]s": 1``,
    ``"cases_by_state": {"[redacted]": 2, "[redacted]": 1}``). Personal values are masked;
    keys, state names and the program's words stay readable."""
    store = offline_profile(home)
    hh = plant_canaries(store)
    store.set_state(hh, "appointment")  # the event's old/new are states, not personal data
    store.upsert_dwelling(Dwelling(f"{AREA}-902", AREA))
    done = store.create_household(f"{AREA}-902")
    store.set_state(done, "interviewing")
    store.set_state(done, "completed")
    store.upsert_dwelling(Dwelling(f"{AREA}-903", AREA))
    store.create_household(f"{AREA}-903", state="refused")
    private = "Canarywoman said the whole area refused"
    store.add_note(hh, private)
    store.close()
    logs = paths.logs_dir()
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "census-tui.log").write_text(
        "2020-11-02 INFO census_tui.visit state listed -> appointment in the area\n"
        f"2020-11-02 INFO census_tui.x leaked {CANARIES['name']} and {private}\n"
        "2020-11-02 INFO census_tui.x leaked a word: Canarywoman\n",
        encoding="utf-8",
    )
    target = tmp_path / "bundle.zip"
    result = run(["diag", "bundle", str(target)], password=PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    with zipfile.ZipFile(target) as zf:
        members = {name: zf.read(name).decode("utf-8") for name in zf.namelist()}
    status = json.loads(members["status.json"])
    assert status["areas"] == 1 and status["dwellings"] == 3
    assert status["cases_by_state"] == {"appointment": 1, "completed": 1, "refused": 1}
    assert status["households_by_state"] == {"completed": 1}
    assert SCRUBBED not in members["status.json"]
    diag = json.loads(members["diag.json"])
    assert all(set(d) >= {"id", "result", "detail", "data"} for d in diag)
    log = members["logs/census-tui.log"]
    assert "state listed -> appointment in the area" in log
    assert "leaked a word: [redacted]" in log
    for name, text in members.items():
        assert_no_canary(text, f"bundle member {name}")
        assert private not in text and "Canarywoman" not in text, name


def test_bundle_without_password_still_written(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "b.zip"
    result = run(["diag", "bundle", str(target)])
    assert result.exit_code == ExitCode.OK, result.output
    with zipfile.ZipFile(target) as zf:
        assert json.loads(zf.read("status.json")) == {"available": False}


def test_bundle_refuses_existing_file_and_missing_folder(home: Path, tmp_path: Path) -> None:
    existing = tmp_path / "exists.zip"
    existing.write_bytes(b"keep me")
    result = run(["diag", "bundle", str(existing)])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert existing.read_bytes() == b"keep me"
    missing = run(["diag", "bundle", str(tmp_path / "no" / "such" / "b.zip")])
    assert missing.exit_code == ExitCode.BAD_INPUT
