"""Run every benchmark and print the tables the README shows.

Each ``bench/bench_*.py`` is a plain script (not a test) that measures its figure next to a
baseline in the same run (a bare Textual app, raw SQLite, a raw httpx loop) and prints a
Markdown table. This runner runs them one after another in fresh processes, so that one's
memory or threads do not colour the next, and prints the machine they ran on.

    .venv/bin/python bench/run_all.py            # all, output also in bench/results.md
    .venv/bin/python bench/run_all.py sync tui   # only those whose name contains a word
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        mem = "?"
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem} RAM, Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def main(words: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if words:
        scripts = [s for s in scripts if any(w in s.stem for w in words)]
    out = [f"# Benchmarks\n\nMachine: {machine()}\n"]
    print(out[0])
    failed = 0
    for script in scripts:
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True
        )
        took = time.perf_counter() - started
        block = f"## {script.stem}  ({took:.0f} s)\n\n{proc.stdout.strip()}\n"
        if proc.returncode != 0:
            failed += 1
            block += f"\n**failed** (exit {proc.returncode}):\n```\n{proc.stderr[-2000:]}\n```\n"
        print(block, flush=True)
        out.append(block)
    (HERE / "results.md").write_text("\n".join(out), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
