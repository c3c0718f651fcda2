"""The diagnostics framework: a check result, the context checks run in, and the runner.

Why a framework: support staff on the hotline read the same list of checks whatever went wrong,
each with a stable id, a result, a detail and a remedy in the caller's language, and scripts read
the same list as JSON. Check results carry counts, states, versions and timings only, never
personal data (DESIGN: diagnostics never print personal data).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from census_tui.clock import Clock, SystemClock
from census_tui.crash import crash_summary
from census_tui.i18n import Lang, Msg

log = logging.getLogger(__name__)

Scalar = str | int | float | bool | None


class Result(StrEnum):
    """The outcome of one check. Only ``fail`` makes ``diag`` exit non-zero."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One line of the diagnostics report.

    ``data`` holds machine-readable facts behind the detail (numbers, versions, booleans); it
    must never hold personal data.
    """

    id: str
    result: Result
    detail: Msg
    remedy: Msg | None = None
    data: dict[str, Scalar] = field(default_factory=dict)

    def to_json(self, lang: Lang) -> dict[str, Any]:
        """The JSON form in one language (``--json``)."""
        return {
            "id": self.id,
            "result": self.result.value,
            "detail": self.detail(lang),
            "remedy": self.remedy(lang) if self.remedy else "",
            "data": dict(self.data),
        }

    def to_json_both(self) -> dict[str, Any]:
        """The JSON form in both languages (the support bundle: the reader's language unknown)."""
        return {
            "id": self.id,
            "result": self.result.value,
            "detail": {"zh": self.detail.zh, "en": self.detail.en},
            "remedy": {"zh": self.remedy.zh, "en": self.remedy.en} if self.remedy else None,
            "data": dict(self.data),
        }


def ok(check_id: str, detail: Msg, **data: Scalar) -> CheckResult:
    return CheckResult(check_id, Result.OK, detail, None, data)


def warn(check_id: str, detail: Msg, remedy: Msg, **data: Scalar) -> CheckResult:
    return CheckResult(check_id, Result.WARN, detail, remedy, data)


def fail(check_id: str, detail: Msg, remedy: Msg, **data: Scalar) -> CheckResult:
    return CheckResult(check_id, Result.FAIL, detail, remedy, data)


def skipped(check_id: str, why: Msg, remedy: Msg | None = None) -> CheckResult:
    return CheckResult(check_id, Result.SKIPPED, why, remedy, {})


@dataclass(frozen=True, slots=True)
class Terminal:
    """What the terminal check looks at; the CLI fills it from the real process."""

    term: str
    colorterm: str
    no_color: bool
    columns: int
    lines: int
    is_tty: bool


@dataclass(slots=True)
class DiagContext:
    """Everything the checks may look at. ``password`` and ``server`` are optional: checks that
    need a missing one report themselves skipped with the reason."""

    home: Path
    terminal: Terminal
    versions: dict[str, str]
    """From ``census_tui.commands.version.versions()``, passed in (that module imports typer)."""
    profile: str | None = None
    password: str | None = None
    server: str | None = None
    ca_file: str | None = None
    """The CA file the server is pinned to (given to diag, or the profile's path, for the
    report); ``None`` with no ``ca_pem``: the default trust, as the sync client uses it."""
    ca_pem: str | None = None
    """The CA text the profile pinned at login (read with the password): what sync trusts, so
    what the probe trusts when it is set."""
    clock: Clock = field(default_factory=SystemClock)
    timeout: float = 5.0
    cache: dict[str, Any] = field(default_factory=dict)
    """Shared between checks of one run (an opened store, a server probe), closed by ``run``."""


Check = Callable[[DiagContext], Iterable[CheckResult]]

MSG_CRASHED = Msg("检查程序自身出错（{kind}）。", "The check itself failed unexpectedly ({kind}).")
REMEDY_CRASHED = Msg(
    "请用 diag bundle 生成诊断包并发给技术支持。",
    "Make a support bundle with `diag bundle` and send it to support.",
)


def run(ctx: DiagContext, checks: Iterable[Check], *, close: bool = True) -> list[CheckResult]:
    """Run every check in order. A check that crashes becomes a ``fail`` line naming only the
    exception type (its message might quote data), so one broken check never hides the rest.
    With ``close=False`` the caller uses what the checks opened, then calls ``close_cached``."""
    results: list[CheckResult] = []
    try:
        for check in checks:
            name = getattr(check, "__name__", "check")
            try:
                results.extend(check(ctx))
            except Exception as exc:
                # type and code locations only, as a crash is logged: a message may quote data
                log.error("diag check %s crashed: %s", name, crash_summary(exc))
                results.append(
                    fail(
                        f"internal.{name}",
                        MSG_CRASHED.format(kind=type(exc).__name__),
                        REMEDY_CRASHED,
                    )
                )
    finally:
        if close:
            close_cached(ctx)
    return results


def close_cached(ctx: DiagContext) -> None:
    """Close whatever checks opened and left in the cache (a store)."""
    for value in ctx.cache.values():
        close = getattr(value, "close", None)
        if callable(close):
            try:
                close()
            except Exception as exc:  # closing is best effort at the end of a report
                log.debug("closing a cached diag resource failed: %s", crash_summary(exc))
    ctx.cache.clear()


def worst(results: Iterable[CheckResult]) -> Result:
    """``fail`` if any failed, else ``warn`` if any warned, else ``ok``."""
    seen = {r.result for r in results}
    if Result.FAIL in seen:
        return Result.FAIL
    if Result.WARN in seen:
        return Result.WARN
    return Result.OK
