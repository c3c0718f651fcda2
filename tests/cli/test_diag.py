"""``diag``: every check has id, result, detail, remedy; skipped without password; non-zero
exit when a check fails; server checks against the real server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from pathlib import Path

from census_tui.clock import FakeClock, SystemClock
from census_tui.exitcodes import ExitCode
from census_tui.server.run import ServerThread
from census_tui.server.storage import ServerDB
from tests.cli.conftest import PASSWORD, Site, offline_profile, online_profile, run

EXPECTED_IDS = {
    "env.versions",
    "env.terminal",
    "env.data_dir",
    "env.disk_free",
    "store.profile",
    "store.open",
    "store.cipher_integrity",
    "store.integrity",
    "store.schema",
    "store.outbox",
    "sync.last_errors",
    "server.reachable",
    "server.tls",
    "server.latency",
    "server.clock_skew",
}


def _results(output: str) -> dict[str, dict[str, object]]:
    doc = json.loads(output)
    return {r["id"]: r for r in doc["results"]}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_without_password_store_checks_say_why_skipped(home: Path) -> None:
    offline_profile(home).close()
    result = run(["diag", "--json"])
    assert result.exit_code == ExitCode.OK, result.output
    got = _results(result.output)
    assert set(got) >= EXPECTED_IDS
    for check in got.values():
        assert check["result"] in {"ok", "warn", "fail", "skipped"} and check["detail"]
    assert got["store.open"]["result"] == "skipped"
    assert "password" in str(got["store.open"]["detail"]).lower()
    assert got["env.data_dir"]["result"] == "ok"
    # no recovery slot in this offline profile: a warning with a remedy
    assert got["store.profile"]["result"] == "warn" and got["store.profile"]["remedy"]


def test_all_checks_pass_with_password_and_server(home: Path, site: Site) -> None:
    online_profile(site, home).close()
    result = run(["diag", "--json"], password=PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    got = _results(result.output)
    for check_id in (
        "store.open",
        "store.cipher_integrity",
        "store.integrity",
        "store.schema",
        "store.outbox",
        "server.reachable",
        "server.latency",
        "server.clock_skew",
        "store.profile",
    ):
        assert got[check_id]["result"] == "ok", got[check_id]
    assert got["server.tls"]["result"] == "skipped"  # http on loopback
    assert got["sync.last_errors"]["result"] == "ok"


def test_chinese_output(home: Path) -> None:
    result = run(["diag"], lang="zh")
    assert result.exit_code == ExitCode.OK
    assert "数据目录" in result.output and "[skip]" in result.output


def test_wrong_password_fails_and_exits_non_zero(home: Path) -> None:
    offline_profile(home).close()
    result = run(["diag", "--json"], password="not-the-password")
    assert result.exit_code == ExitCode.FINDINGS
    got = _results(result.output)
    assert got["store.open"]["result"] == "fail" and got["store.open"]["remedy"]
    assert got["store.integrity"]["result"] == "skipped"


def test_damaged_database_fails_the_integrity_checks(home: Path) -> None:
    store = offline_profile(home)
    db_path = store.db_path
    store.close()
    data = bytearray(db_path.read_bytes())
    middle = len(data) - 4096 - 100  # inside the last page: the HMAC no longer matches
    data[middle : middle + 16] = bytes(16)
    db_path.write_bytes(bytes(data))
    result = run(["diag", "--json"], password=PASSWORD)
    assert result.exit_code == ExitCode.FINDINGS
    got = _results(result.output)
    failed = {k for k, v in got.items() if v["result"] == "fail"}
    assert failed & {"store.open", "store.cipher_integrity", "store.integrity"}, got


def test_unreachable_server_fails(home: Path) -> None:
    result = run(["diag", "--json", "--server", f"http://127.0.0.1:{_closed_port()}"])
    assert result.exit_code == ExitCode.FINDINGS
    got = _results(result.output)
    assert got["server.reachable"]["result"] == "fail" and got["server.reachable"]["remedy"]
    assert got["server.clock_skew"]["result"] == "skipped"


def test_plain_http_to_another_host_is_a_tls_failure(home: Path) -> None:
    result = run(["diag", "--json", "--server", "http://census.example.org"])
    assert result.exit_code == ExitCode.FINDINGS
    assert _results(result.output)["server.tls"]["result"] == "fail"


def test_clock_skew_against_the_server(home: Path, tmp_path: Path) -> None:
    server_clock = FakeClock(SystemClock().now() + timedelta(hours=1))
    db = ServerDB(tmp_path / "skew.db", clock=server_clock)
    with ServerThread(db) as server:
        result = run(["diag", "--json", "--server", server.url])
    db.close()
    assert result.exit_code == ExitCode.FINDINGS
    skew = _results(result.output)["server.clock_skew"]
    assert skew["result"] == "fail"
    assert 3500 < float(skew["data"]["skew_s"]) < 3700  # type: ignore[index]


def test_outbox_depth_and_age_are_reported(home: Path, site: Site) -> None:
    store = online_profile(site, home)
    store.enqueue("household", "case-1", 1, b"{}")
    store.add_sync_log("sync", "error", error="server unreachable")
    store.close()
    result = run(["diag", "--json"], password=PASSWORD)
    got = _results(result.output)
    assert got["store.outbox"]["data"]["depth"] == 1  # type: ignore[index]
    assert got["sync.last_errors"]["result"] == "warn"


def test_a_refused_item_is_said_in_words_not_as_a_network_fault(home: Path) -> None:
    """Issue 16 items 1 and 12: a sync step the server partly refused is shown with the reason
    in the user's language, and the remedy does not send the enumerator to check the network;
    ``--json`` keeps the detail in both languages and the id."""
    store = offline_profile(home)
    store.add_sync_log("sync", "partial", sent=1, error="training_mismatch (kept on device)")
    store.close()
    zh = run(["diag"], password=PASSWORD, lang="zh")
    line = next(x for x in zh.output.splitlines() if "sync.last_errors" in x)
    assert "练习数据与正式数据不能混传" in line and "部分被拒" in line
    assert "training_mismatch" not in zh.output and "partial" not in line
    assert "检查网络" not in zh.output and "不是网络问题" in zh.output
    en = _results(run(["diag", "--json"], password=PASSWORD).output)["sync.last_errors"]
    assert "practice and real data cannot mix" in str(en["detail"])
    assert "not a network problem" in str(en["remedy"])
