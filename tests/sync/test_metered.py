"""Metered networks (census_tui/sync/metered.py): NetworkManager's global ``Metered`` read with
``busctl`` (a real program run: a stand-in ``busctl`` on PATH answers as NetworkManager would),
"yes" and "guessed yes" metered, anything else, a failure or no ``busctl`` at all not; and the
policy: a metered pause counts as a run for the idle interval and leaves work and backoff alone.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.sync.auto import IDLE, WORK, AutoPolicy, AutoSync
from census_tui.sync.metered import is_metered, parse_metered


@pytest.mark.parametrize(
    ("output", "metered"),
    [
        ("u 1\n", True),  # yes
        ("u 3\n", True),  # guessed yes
        ("u 0\n", False),  # unknown
        ("u 2\n", False),  # no
        ("u 4\n", False),  # guessed no
        ("", False),
        ('s "yes"\n', False),
        ("u ３\n", False),  # not an ASCII digit
        ("u 1 2\n", False),
    ],
)
def test_what_counts_as_metered(output: str, metered: bool) -> None:
    assert parse_metered(output) is metered


def fake_busctl(bin_dir: Path, answer: str, status: int = 0) -> None:
    """A ``busctl`` that checks it is asked for NetworkManager's ``Metered`` and answers."""
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "busctl"
    script.write_text(
        "#!/bin/sh\n"
        '[ "$*" = "--system get-property org.freedesktop.NetworkManager'
        ' /org/freedesktop/NetworkManager org.freedesktop.NetworkManager Metered" ]'
        " || exit 64\n"
        f"printf '{answer}'\n"
        f"exit {status}\n"
    )
    script.chmod(0o755)


@pytest.mark.parametrize(
    ("answer", "status", "metered"),
    [("u 1\\n", 0, True), ("u 4\\n", 0, False), ("u 1\\n", 1, False)],
)
def test_networkmanager_is_asked_with_busctl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str, status: int, metered: bool
) -> None:
    fake_busctl(tmp_path / "bin", answer, status)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    assert is_metered() is metered


def test_without_busctl_the_network_is_not_metered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing there
    assert is_metered() is False


def test_a_metered_pause_waits_an_idle_interval_and_keeps_the_work_rule() -> None:
    clock = FakeClock()
    a = AutoSync(clock, AutoPolicy(idle_interval=300, quiet=5), random.Random(7))
    clock.advance(10)
    assert a.may_start(0.0) and a.reason(0, idle=True) == IDLE
    a.started()
    a.metered_pause()
    assert not a.running and a.failures == 0
    clock.advance(299)
    assert a.may_start(0.0) and a.reason(0, idle=True) is None  # not again before the interval
    assert a.reason(1, idle=True) == WORK  # completed work still goes
    clock.advance(1)
    assert a.reason(0, idle=True) == IDLE
