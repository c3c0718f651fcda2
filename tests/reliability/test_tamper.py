"""Tampering (issue 9 item 4): seeded random bit flips in the database and in the key envelope.

Each trial starts from a pristine copy of a profile with entered households, flips one bit at
a random offset and unlocks. Every outcome must be one of:

* a refusal as damaged with one clear zh/en line (StoreError), never another exception, and
  never "wrong password": the envelope's digest tells a flipped wrapped key, nonce or salt from
  a wrong password before the password is tried, so no flip counts towards the lockout;
* an unlock, after which every read returns exactly the pristine data or raises StoreError,
  and, for a database flip, ``cipher_integrity_check`` reports the damage (never silent); for
  an envelope flip only where the file still means the same envelope (JSON layout).

Refusals of a damaged database or key file offer the remedy ``census-tui restore PATH``, also
through the CLI (``census-tui status`` in a child process: the message, exit code 5, no
traceback).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import AuthError, CensusError, StoreError
from census_tui.exitcodes import ExitCode
from census_tui.store import DB_FILE, ENVELOPE_FILE, LOCKOUT_FILE, Store, unlock
from census_tui.store.envelope import parse as parse_envelope
from tests.reliability.conftest import PASSWORD, PROFILE, practice

TRIALS = 200
REMEDY_EN = "restore from a backup: census-tui restore PATH"
REMEDY_ZH = "从备份恢复：census-tui restore PATH"
ROOT = Path(__file__).resolve().parents[2]


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a screen or a sync could read back."""
    cases = store.cases()
    return {
        "meta": store.meta(),
        "areas": store.areas(),
        "dwellings": store.dwellings(),
        "cases": cases,
        "households": [store.household(c.uuid) for c in cases],
        "outbox": store.outbox_pending(1000),
        "events": [(e.kind, e.household_uuid, e.data) for e in store.events()],
    }


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    base = tmp_path_factory.mktemp("pristine") / "home"
    s = practice(base, FakeClock(), households=3)
    before = snapshot(s.store)
    s.close()
    return base, before


def flip(path: Path, rng: random.Random) -> int:
    data = bytearray(path.read_bytes())
    offset = rng.randrange(len(data))
    data[offset] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    return offset


def clear(err: CensusError) -> None:
    for text in (err.msg.zh, err.msg.en):
        assert text and "\n" not in text and "Traceback" not in text


def compare_reads(store: Store, before: dict[str, Any]) -> str:
    """'same' if every read equals the pristine one, 'refused' if a read raised StoreError."""
    try:
        after = snapshot(store)
    except StoreError as err:
        clear(err)
        assert "census-tui restore PATH" in err.msg.en, err.msg.en
        return "refused"
    n = len(before["events"])
    assert after["events"][:n] == before["events"], "silent wrong data in the event log"
    after["events"] = after["events"][:n]
    for key, value in before.items():
        assert after[key] == value, f"silent wrong data in {key}"
    return "same"


@pytest.mark.parametrize("target", [DB_FILE, ENVELOPE_FILE])
def test_random_bit_flips_are_detected(
    target: str, pristine: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    source, before = pristine
    pristine_envelope = parse_envelope((source / "profiles" / PROFILE / ENVELOPE_FILE).read_bytes())
    rng = random.Random(f"tamper-{target}")
    outcomes: Counter[str] = Counter()
    for _ in range(TRIALS):
        base = tmp_path / "home"
        shutil.rmtree(base, ignore_errors=True)
        shutil.copytree(source, base)
        directory = base / "profiles" / PROFILE
        offset = flip(directory / target, rng)
        try:
            store = unlock(PROFILE, PASSWORD, base=base, clock=FakeClock())
        except StoreError as err:
            clear(err)
            assert "census-tui restore PATH" in err.msg.en, err.msg.en
            assert "census-tui restore PATH" in err.msg.zh
            assert not (directory / LOCKOUT_FILE).exists(), f"flip at {offset} was counted"
            outcomes["refused: damaged"] += 1
            continue
        except AuthError as err:
            raise AssertionError(f"a {target} flip at {offset} read as {err.msg.en!r}") from None
        if target == ENVELOPE_FILE:
            flipped = parse_envelope((directory / target).read_bytes())
            assert flipped == pristine_envelope, f"flip at {offset} changed the key file"
        with store:
            result = compare_reads(store, before)
            outcomes[f"opened, reads {result}"] += 1
            if target == DB_FILE:
                try:
                    noticed = store.integrity_check()[0] is False
                except StoreError:
                    noticed = True
                assert noticed, f"flip at {offset} went unnoticed by cipher_integrity_check"
    assert sum(outcomes.values()) == TRIALS
    print(target, dict(outcomes))


def _status(base: Path, lang: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CENSUS_TUI_HOME": str(base), "CENSUS_TUI_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "census_tui", "--lang", lang, "status"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("target", [DB_FILE, ENVELOPE_FILE])
def test_cli_on_a_tampered_profile_offers_restore(
    target: str, pristine: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    source, _ = pristine
    base = tmp_path / "home"
    shutil.copytree(source, base)
    path = base / "profiles" / PROFILE / target
    data = bytearray(path.read_bytes())
    at = 100 if target == DB_FILE else data.index(b"{") + 1  # a page body; the JSON itself
    data[at] ^= 0x20
    path.write_bytes(bytes(data))
    for lang, remedy in (("en", REMEDY_EN), ("zh", REMEDY_ZH)):
        done = _status(base, lang)
        assert done.returncode == ExitCode.STORE, (done.stdout, done.stderr)
        assert remedy in done.stderr, done.stderr
        assert "Traceback" not in done.stderr + done.stdout
        assert done.stdout == ""
