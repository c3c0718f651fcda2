"""Diagnostics for support staff: checks with remedies, status counts, the support bundle.

Plain Python (no typer, no textual). Entry points::

    run_all(ctx: DiagContext) -> list[CheckResult]   # env, profile, store, server checks
    worst(results) -> Result
    status.status(store) / status.counts(store)
    bundle.write_bundle(path, results=..., versions=..., status=..., logs_dir=..., clock=...)
"""

from __future__ import annotations

from census_tui.diagnostics.checks import (
    Check,
    CheckResult,
    DiagContext,
    Result,
    Terminal,
    run,
    worst,
)

__all__ = [
    "Check",
    "CheckResult",
    "DiagContext",
    "Result",
    "Terminal",
    "all_checks",
    "run_all",
    "worst",
]


def all_checks() -> list[Check]:
    """Every check in report order. The profile/store checks run before the server checks
    because the server address may come from the opened profile."""
    from census_tui.diagnostics.env_checks import ENV_CHECKS
    from census_tui.diagnostics.server_checks import SERVER_CHECKS
    from census_tui.diagnostics.store_checks import STORE_CHECKS

    return [*ENV_CHECKS, *STORE_CHECKS, *SERVER_CHECKS]


def run_all(ctx: DiagContext) -> list[CheckResult]:
    """Run :func:`all_checks` (closing the store they opened)."""
    return run(ctx, all_checks())
