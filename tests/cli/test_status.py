"""``census-tui status`` as a support person and a script use it (issue 16 items 12, 13):

* with no terminal and no password it says how to give one, in the user's language, and ends
  with 2 (BAD_INPUT), not a Python warning and ``Aborted!`` with 1 ("found problems");
  one line on standard input is the password;
* ``--lang`` after the command works;
* households are cases whose interview has begun: an appointment, a refusal or a vacant
  dwelling is a dwelling's state, not a household, and is not shown as ``listed``;
* states and the server's refusal reasons are in words of the chosen language; ``--json``
  keeps the keys.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from census_tui.exitcodes import ExitCode
from census_tui.store import Area, Dwelling
from census_tui.visit.states import CaseState
from tests.cli.conftest import AREA, PASSWORD, offline_profile, run

ROOT = Path(__file__).resolve().parents[2]


def _child(home: Path, *args: str, stdin: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CENSUS_TUI_")}
    env["CENSUS_TUI_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "census_tui", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_no_terminal_and_no_password_says_how_and_exits_2(home: Path) -> None:
    offline_profile(home).close()
    for lang, words in (("zh", "没有终端"), ("en", "no terminal")):
        done = _child(home, "--lang", lang, "status", stdin=None)
        assert done.returncode == ExitCode.BAD_INPUT, done.stderr
        assert words in done.stderr and "CENSUS_TUI_PASSWORD" in done.stderr
        assert "printf" in done.stderr  # how to send it on standard input
        for noise in ("GetPassWarning", "Aborted", ".py", "Traceback"):
            assert noise not in done.stderr + done.stdout, noise
    piped = _child(home, "status", "--lang", "en", stdin=f"{PASSWORD}\n")
    assert piped.returncode == ExitCode.OK, piped.stderr
    assert "Profile: alice" in piped.stdout
    wrong = _child(home, "status", stdin="not-the-password\n")
    assert wrong.returncode == ExitCode.AUTH, wrong.stderr


def test_lang_after_the_command(home: Path) -> None:
    offline_profile(home).close()
    result = run(["status", "--lang", "zh"], password=PASSWORD, lang="en")
    assert result.exit_code == ExitCode.OK, result.output
    assert "待上传" in result.output and "Waiting to be sent" not in result.output
    back = run(["status", "--lang", "en"], password=PASSWORD, lang="zh")
    assert "Waiting to be sent" in back.output


def _site(home: Path) -> None:
    """Six dwellings: an appointment only, refused, vacant, untouched, one being interviewed,
    one completed; a sync step the server partly refused."""
    store = offline_profile(home)
    store.upsert_area(Area(AREA, "测试小区"))
    states = {
        "901": CaseState.APPOINTMENT,
        "902": CaseState.REFUSED,
        "903": CaseState.VACANT,
        "904": None,
        "905": CaseState.INTERVIEWING,
        "906": CaseState.COMPLETED,
    }
    for suffix, state in states.items():
        store.upsert_dwelling(Dwelling(f"{AREA}-{suffix}", AREA))
        if state is not None:
            store.create_household(f"{AREA}-{suffix}", state=state.value)
    store.add_sync_log("sync", "partial", sent=2, acked=1, error="training_mismatch (kept)")
    store.close()


def test_status_counts_households_and_dwellings_in_their_own_state(home: Path) -> None:
    _site(home)
    doc = json.loads(run(["status", "--json"], password=PASSWORD).output)
    assert doc["households"] == 2
    assert doc["households_by_state"] == {"interviewing": 1, "completed": 1}
    assert doc["dwellings_by_state"] == {
        "listed": 1,
        "appointment": 1,
        "refused": 1,
        "vacant": 1,
        "interviewing": 1,
        "completed": 1,
    }
    assert doc["cases"] == 5  # every case, as before (scripts rely on it)
    en = run(["status"], password=PASSWORD)
    assert en.exit_code == ExitCode.OK, en.output
    assert "Households (interview begun): 2 (in progress 1, completed 1)" in en.output
    assert (
        "Dwellings: 6 (listed 1, appointment 1, refused 1, vacant 1, in progress 1, completed 1)"
        in en.output
    )
    assert f"{AREA}-902: refused" in en.output and f"{AREA}-904: listed" in en.output


def test_chinese_status_names_states_and_reasons_in_chinese(home: Path) -> None:
    _site(home)
    zh = run(["status"], password=PASSWORD, lang="zh")
    assert zh.exit_code == ExitCode.OK, zh.output
    assert "户（已开始登记）: 2（登记中 1，已完成 1）" in zh.output
    assert "已预约 1" in zh.output and "拒访 1" in zh.output and "空户 1" in zh.output
    assert "练习数据与正式数据不能混传" in zh.output
    for key in ("appointment", "completed", "refused", "training_mismatch", "partial"):
        assert key not in zh.output, key
    en = run(["status"], password=PASSWORD)
    assert "practice and real data cannot mix" in en.output
    assert "training_mismatch" not in en.output
    doc = json.loads(run(["status", "--json"], password=PASSWORD, lang="zh").output)
    assert doc["sync_log"][0]["error"] == "training_mismatch (kept)"  # keys stay for scripts
    assert doc["cases_by_state"]["appointment"] == 1
