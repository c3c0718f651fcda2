"""Architecture contracts: domain code never imports textual or typer; the CLI stays lean."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import census_tui

DOMAIN = (
    "store",
    "questionnaire",
    "validation",
    "sync",
    "visit",
    "roster",
    "diagnostics",
    "security",
    "supervision",
)
PKG_DIR = Path(census_tui.__file__).parent


def _domain_modules() -> list[str]:
    found = []
    for pkg in DOMAIN:
        if not (PKG_DIR / pkg).is_dir():
            continue
        found.append(f"census_tui.{pkg}")
        for info in pkgutil.walk_packages([str(PKG_DIR / pkg)], prefix=f"census_tui.{pkg}."):
            found.append(info.name)
    return found


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_domain_packages_do_not_import_ui_frameworks() -> None:
    modules = _domain_modules()
    assert "census_tui.store" in modules and "census_tui.validation" in modules
    loaded = _loaded_after_import(modules)
    assert not {m for m in loaded if m.split(".")[0] in {"textual", "typer"}}


def test_domain_packages_do_not_import_the_server_stack() -> None:
    loaded = _loaded_after_import(_domain_modules())
    assert not {m for m in loaded if m.split(".")[0] in {"starlette", "uvicorn"}}


def test_cli_help_does_not_import_textual_or_server() -> None:
    code = (
        "import sys\n"
        "from census_tui.cli import build_app\n"
        "build_app()\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    top = {m.split(".")[0] for m in out.split()}
    assert "textual" not in top
    assert "starlette" not in top and "uvicorn" not in top


def test_opening_a_profile_loads_no_http_client() -> None:
    """The gate and both sessions load without httpx: the first screen after login shows the
    device's copy, and the HTTP client is imported when the server is first called
    (bench/bench_supervisor.py measured ~100 ms of imports on the login path otherwise)."""
    loaded = _loaded_after_import(
        ["census_tui.visit.gate", "census_tui.supervision.service", "census_tui.visit.service"]
    )
    assert "census_tui.supervision.service" in loaded
    assert "httpx" not in loaded and "census_tui.sync.supervisor" not in loaded


def test_status_does_not_load_the_supervisor_session() -> None:
    """``census-tui status`` (and diagnostics) read a supervisor's profile by its counts: the
    session with its view models (~45 ms of imports) is not loaded for that."""
    loaded = _loaded_after_import(["census_tui.diagnostics.status"])
    assert "census_tui.diagnostics.status" in loaded
    assert "census_tui.supervision.service" not in loaded
