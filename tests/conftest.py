"""Fixtures shared by every test package, and the test tiers.

Every test gets exactly one tier marker at collection, so `./test.sh -m unit` (or tui, pty,
integration, reliability) picks a tier; the README's "Tests" section lists them with timings.
A test may name its tier itself (`@pytest.mark.pty`, or `pytestmark` in its module); otherwise
the first rule of :func:`tier_of` that matches decides.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.mounts import tmpfs
from tests.pg import pg_cluster, pg_url

__all__ = ["pg_cluster", "pg_url", "tmpfs"]

TIERS = ("unit", "tui", "pty", "integration", "reliability")

# Fixtures that run the reference server on loopback or a PostgreSQL cluster (anything
# requesting them, directly or through another fixture, is an integration test).
SERVER_FIXTURES = frozenset({"site", "server", "https_site", "proxy", "pg_cluster", "pg_url"})
# Names that start the server; a test module referring to one is an integration test.
SERVER_NAMES = frozenset(
    {
        ("census_tui.server.run", "ServerThread"),
        ("census_tui.demo", "start_demo"),
        ("tests.sync.tls_support", "tls_server"),
    }
)


def _origins(module: ModuleType | None) -> set[tuple[str, str]]:
    """(defining module, name) of every class, function or module a test module refers to."""
    found: set[tuple[str, str]] = set()
    for value in vars(module).values() if module is not None else ():
        if isinstance(value, ModuleType):
            found.add((value.__name__, ""))
        else:
            found.add((str(getattr(value, "__module__", "")), str(getattr(value, "__name__", ""))))
    return found


def tier_of(item: pytest.Item) -> str:
    """The tier of a test without an explicit tier marker; see the README for what each means."""
    path = item.path.as_posix()
    origins = _origins(getattr(item, "module", None))
    modules = {name for name, _ in origins}
    if "/tests/reliability/" in path:
        return "reliability"  # storms, kills, full and read-only disks, tampering
    if "tests.tui.ptyterm" in modules:
        return "pty"  # the real program in a pseudo-terminal
    if "/tests/tui/" in path:
        return "tui"  # the App in-process, driven by Textual's Pilot
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & SERVER_FIXTURES or origins & SERVER_NAMES:
        return "integration"  # the reference server on loopback
    if any(m == "textual" or m.startswith(("textual.", "census_tui.screens")) for m in modules):
        return "tui"  # Pilot tests kept beside their package (roster)
    return "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give each test its tier, and refuse to run a test with two."""
    doubled = []
    for item in items:
        named = {m.name for m in item.iter_markers() if m.name in TIERS}
        if not named:
            item.add_marker(getattr(pytest.mark, tier_of(item)))
        elif len(named) > 1:
            doubled.append(f"{item.nodeid}: {sorted(named)}")
    if doubled:
        raise pytest.UsageError("tests with more than one tier marker:\n" + "\n".join(doubled))
