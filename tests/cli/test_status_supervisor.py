"""``status``, ``diag`` and ``diag bundle`` on a supervisor's profile (issue 19 §7, support).

The profile is a real SQLCipher file with ``META_ROLE`` ``supervisor`` and a filled cache and
outbox (``census_tui/store/supervision.py``): two cases' details full of canaries, the
progress and queue fetched, a return waiting to be sent (its comment a canary), a re-visit
waiting (its answers canaries), an approval sent and a return the server refused with its
reason. What support sees: the role, the counts, the server's reason (in ``status`` only), the
fetch times; never a canary. An enumerator's profile skips the supervisor's check.
"""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from census_tui import paths
from census_tui.clock import FakeClock
from census_tui.exitcodes import ExitCode
from census_tui.store import META_ROLE, create_profile
from tests.cli.conftest import CHEAP_KDF, PASSWORD, offline_profile, run

CASE_A = "6f1c2a9e-0b7d-4c55-9a61-3d2f8e4b7a01"
CASE_B = "0a8e5d3c-7f21-4b6e-8c19-5e4d2a1b9c02"
CANARY = {
    "name": "金丝雀督导甲",
    "id_number": "11010519491231002X",
    "phone": "13912345678",
    "address": "金丝雀路八十八号",
    "note": "金丝雀笔记 canary-sup-note",
    "reason": "金丝雀理由 canary-sup-reason",
    "comment": "金丝雀退回 canary-sup-comment",
    "respondent": "Canary Respondentsup",
    "revisit_name": "金丝雀复查乙",
    "enumerator_name": "金丝雀普查员丙",
}
REFUSED_EN = "the case has a newer revision (3): review it again"
REFUSED_ZH = "该户已有更新的版本（3）：请重新审核"


def _case(case_uuid: str) -> dict[str, Any]:
    c = CANARY
    return {
        "case_uuid": case_uuid,
        "area_id": "110105001001002",
        "address": c["address"],
        "account": "alice",
        "revision": 2,
        "household": {
            "answers": {"H1": 1},
            "persons": [{"uuid": "p1", "answers": {"D1": c["name"], "D3": c["id_number"]}}],
            "confirmations": [{"rule_id": "HH-06", "reason": c["reason"], "values": {}}],
            "notes": [{"person_uuid": "p1", "item_id": "D1", "text": f"{c['note']} {c['phone']}"}],
            "read_back": {"respondent_name": c["respondent"], "at": "2020-11-02T09:00:00+00:00"},
        },
        "confirmations": [{"rule_id": "HH-06", "reason": c["reason"]}],
        "notes": [{"text": c["note"]}],
        "read_back": {"respondent_name": c["respondent"], "at": "2020-11-02T09:00:00+00:00"},
    }


def supervisor_profile(home: Path, clock: FakeClock) -> None:
    store = create_profile("boss", PASSWORD, base=home, clock=clock, kdf=CHEAP_KDF)
    store.set_meta(META_ROLE, "supervisor")
    progress = {"enumerators": [{"account": "alice", "name": CANARY["enumerator_name"]}]}
    store.sup_put_snapshot("progress", progress)
    clock.advance(60)
    store.sup_put_snapshot("queue", {"cases": [{"case_uuid": CASE_A, "address": "x"}]})
    store.sup_put_case(CASE_A, "110105001001002", 2, _case(CASE_A))
    store.sup_put_case(CASE_B, "110105001001002", 1, _case(CASE_B))
    store.sup_enqueue("op-sent", "approve", CASE_B, {"case_uuid": CASE_B, "revision": 1})
    store.sup_mark("op-sent", "sent", {"status": "stored"})
    clock.advance(60)
    refused = {"case_uuid": CASE_A, "revision": 1, "comment": CANARY["comment"], "items": []}
    store.sup_enqueue("op-refused", "return", CASE_A, refused)
    store.sup_mark("op-refused", "refused", {"zh": REFUSED_ZH, "en": REFUSED_EN})
    clock.advance(60)
    waiting = {"case_uuid": CASE_A, "revision": 2, "comment": CANARY["comment"], "items": []}
    store.sup_enqueue("op-return", "return", CASE_A, waiting)
    revisit = {
        "case_uuid": CASE_A,
        "person_count": 1,
        "persons": [{"D1": CANARY["revisit_name"], "D3": CANARY["id_number"]}],
        "note": CANARY["note"],
    }
    store.sup_enqueue("op-revisit", "revisit", CASE_A, revisit)
    store.close()


def _no_canary(text: str, where: str) -> None:
    for field, value in CANARY.items():
        assert value not in text, f"canary {field} in {where}"


def test_status_of_a_supervisors_profile(home: Path) -> None:
    clock = FakeClock()
    fetched = clock.now()
    supervisor_profile(home, clock)
    en = run(["status"], password=PASSWORD)
    assert en.exit_code == ExitCode.OK, en.output
    out = en.output
    for line in (
        "Profile: boss",
        "Role: supervisor",
        "Cases held on this device: 2",
        "Decisions waiting to be sent: 1",
        "Re-visits waiting to be sent: 1",
        "Sent: 1",
        "Refused by the server: 1",
        f"Progress last fetched: {fetched.isoformat(timespec='seconds')}",
        f"Review queue last fetched: {(fetched + timedelta(seconds=60)).isoformat()}",
        f"return {CASE_A}: {REFUSED_EN}",
    ):
        assert line in out, (line, out)
    for enumerator_only in ("Area:", "Dwellings", "Households", "Each dwelling"):
        assert enumerator_only not in out
    _no_canary(out, "status")
    zh = run(["status"], password=PASSWORD, lang="zh")
    assert "身份: 普查指导员" in zh.output and "本机保存的待审户: 2" in zh.output
    assert f"退回 {CASE_A}: {REFUSED_ZH}" in zh.output and "Refused" not in zh.output
    _no_canary(zh.output, "status zh")
    doc = json.loads(run(["status", "--json"], password=PASSWORD).output)
    assert doc["role"] == "supervisor"
    sup = doc["supervisor"]
    assert (sup["cases_held"], sup["decisions_waiting"], sup["revisits_waiting"]) == (2, 1, 1)
    assert (sup["sent"], sup["refused"]) == (1, 1)
    assert sup["refusals"] == [
        {
            "kind": "return",
            "case_uuid": CASE_A,
            "at": (fetched + timedelta(seconds=120)).isoformat(),
            "reason": {"zh": REFUSED_ZH, "en": REFUSED_EN},
        }
    ]
    assert sup["waiting_oldest"] == (fetched + timedelta(seconds=180)).isoformat()
    _no_canary(json.dumps(doc, ensure_ascii=False), "status --json")


def test_an_enumerators_status_says_its_role(home: Path) -> None:
    offline_profile(home).close()
    result = run(["status"], password=PASSWORD)
    assert "Role: enumerator" in result.output and "Dwellings: 0" in result.output
    assert json.loads(run(["status", "--json"], password=PASSWORD).output)["role"] == "enumerator"
    got = json.loads(run(["diag", "--json"], password=PASSWORD).output)
    check = {r["id"]: r for r in got["results"]}["supervisor.outbox"]
    assert check["result"] == "skipped" and "enumerator" in check["detail"]


def test_diag_checks_the_supervisors_outbox(home: Path) -> None:
    supervisor_profile(home, FakeClock())
    result = run(["diag", "--json"], password=PASSWORD)
    _no_canary(result.output, "diag --json")
    check = {r["id"]: r for r in json.loads(result.output)["results"]}["supervisor.outbox"]
    assert check["result"] == "warn", check
    data = check["data"]
    assert (data["waiting"], data["decisions_waiting"], data["revisits_waiting"]) == (2, 1, 1)
    assert data["refused"] == 1 and data["cases_held"] == 2 and data["oldest_hours"] > 0
    assert "census-tui status" in check["remedy"]
    zh = run(["diag"], password=PASSWORD, lang="zh")
    line = next(x for x in zh.output.splitlines() if "supervisor.outbox" in x)
    assert "待发送的审核决定和复查 2 条" in line and "被服务器拒绝 1 条" in line
    _no_canary(zh.output, "diag zh")
    skipped = run(["diag", "--json"])  # no password: said, not failed
    check = {r["id"]: r for r in json.loads(skipped.output)["results"]}["supervisor.outbox"]
    assert check["result"] == "skipped"


def test_bundle_has_the_supervisors_counts_and_no_case(home: Path, tmp_path: Path) -> None:
    supervisor_profile(home, FakeClock())
    logs = paths.logs_dir()
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "census-tui.log").write_text(  # as if a log line had leaked what it must not
        f"2020-11-02 INFO census_tui.supervision queued return of {CASE_A}\n"
        f"2020-11-02 INFO census_tui.x leaked {CANARY['comment']} / {CANARY['revisit_name']}\n"
        f"2020-11-02 INFO census_tui.x leaked {CANARY['address']} {CANARY['enumerator_name']}\n",
        encoding="utf-8",
    )
    target = tmp_path / "bundle.zip"
    result = run(["diag", "bundle", str(target)], password=PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    with zipfile.ZipFile(target) as zf:
        members = {name: zf.read(name).decode("utf-8") for name in zf.namelist()}
    status = json.loads(members["status.json"])
    assert status["role"] == "supervisor"
    assert status["supervisor"] == {
        "cases_held": 2,
        "decisions_waiting": 1,
        "revisits_waiting": 1,
        "waiting_oldest": status["supervisor"]["waiting_oldest"],
        "sent": 1,
        "refused": 1,
        "progress_fetched_at": status["supervisor"]["progress_fetched_at"],
        "queue_fetched_at": status["supervisor"]["queue_fetched_at"],
    }
    assert status["supervisor"]["queue_fetched_at"] is not None
    diag = {d["id"]: d for d in json.loads(members["diag.json"])}
    assert diag["supervisor.outbox"]["data"]["refused"] == 1
    assert REFUSED_EN not in "".join(members.values())  # the reasons stay on the device
    assert f"queued return of {CASE_A}" in members["logs/census-tui.log"]
    for name, text in members.items():
        _no_canary(text, f"bundle member {name}")
