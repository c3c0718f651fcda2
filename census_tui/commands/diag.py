"""``census-tui diag`` and ``census-tui diag bundle PATH``: checks with remedies, and the zip a
support person can receive. Thin wiring over ``census_tui.diagnostics``."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from census_tui.commands._support import emit_json, guarded, lang_of, password, say
from census_tui.diagnostics.checks import CheckResult, DiagContext, Result, Terminal
from census_tui.errors import BadInput
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Lang, Msg

ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="Profile name (default: the only one here).")
]
ServerOpt = Annotated[
    str | None,
    typer.Option("--server", help="Server URL to check (default: the profile's, with password)."),
]
AskOpt = Annotated[
    bool,
    typer.Option(
        "--password",
        help="Ask for the password (or set CENSUS_TUI_PASSWORD) to run the database checks.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Seconds to wait for the server.")]
CaFileOpt = Annotated[
    Path | None,
    typer.Option("--ca-file", help="Census office CA certificate (PEM) to check --server against."),
]

MARK = {Result.OK: "ok  ", Result.WARN: "warn", Result.FAIL: "FAIL", Result.SKIPPED: "skip"}
MSG_BUNDLE_WRITTEN = Msg(
    "诊断包已写入：{path}（不含个人信息）。", "Support bundle written: {path} (no personal data)."
)


def terminal() -> Terminal:
    """The real terminal of this process."""
    size = shutil.get_terminal_size(fallback=(0, 0))
    return Terminal(
        term=os.environ.get("TERM", ""),
        colorterm=os.environ.get("COLORTERM", ""),
        no_color=bool(os.environ.get("NO_COLOR")),
        columns=size.columns,
        lines=size.lines,
        is_tty=sys.stdout.isatty(),
    )


def make_context(
    lang: Lang,
    profile: str | None,
    server: str | None,
    ask: bool,
    timeout: float,
    ca_file: Path | None = None,
) -> DiagContext:
    from census_tui import paths
    from census_tui.commands._support import ENV_PASSWORD
    from census_tui.commands.version import versions

    secret: str | None = os.environ.get(ENV_PASSWORD) or None
    if secret is None and ask:
        secret = password(lang)
    return DiagContext(
        home=paths.home(),
        terminal=terminal(),
        versions=versions(),
        profile=profile,
        password=secret,
        server=server,
        timeout=timeout,
        ca_file=str(ca_file.resolve()) if ca_file else None,
    )


def render(results: list[CheckResult], lang: Lang) -> str:
    lines = []
    for r in results:
        lines.append(f"[{MARK[r.result]}] {r.id}: {r.detail(lang)}")
        if r.remedy and r.result is not Result.OK:
            lines.append(f"       → {r.remedy(lang)}")
    return "\n".join(lines)


def exit_code(results: list[CheckResult]) -> int:
    return int(ExitCode.FINDINGS if any(r.result is Result.FAIL for r in results) else ExitCode.OK)


def register(app: typer.Typer) -> None:
    diag_app = typer.Typer(
        help="诊断 / Diagnostics: checks with remedies, and a support bundle.",
        invoke_without_command=True,
        rich_markup_mode=None,
    )

    @diag_app.callback()
    def diag_cmd(
        ctx: typer.Context,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        ask: AskOpt = False,
        as_json: JsonOpt = False,
        timeout: TimeoutOpt = 5.0,
        ca_file: CaFileOpt = None,
    ) -> None:
        """诊断 / Run the checks: versions, terminal, data dir, disk, database, outbox, server.

        Each check has an id, a result (ok, warn, fail, skipped), a detail and a remedy. The
        database checks need the password (CENSUS_TUI_PASSWORD or --password); without it they
        are reported skipped.
        """
        if ctx.invoked_subcommand is not None:
            return
        from census_tui.diagnostics import run_all

        lang = lang_of(ctx)
        with guarded(lang):
            results = run_all(make_context(lang, profile, server, ask, timeout, ca_file))
        if as_json:
            emit_json(
                {
                    "results": [r.to_json(lang) for r in results],
                    "failed": sum(r.result is Result.FAIL for r in results),
                }
            )
        else:
            say(render(results, lang))
        raise typer.Exit(exit_code(results))

    @diag_app.command("bundle")
    def bundle_cmd(
        ctx: typer.Context,
        path: Annotated[Path, typer.Argument(help="Where to write the zip (a new file).")],
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        ask: AskOpt = False,
        timeout: TimeoutOpt = 5.0,
        ca_file: CaFileOpt = None,
    ) -> None:
        """诊断包 / Write a support bundle (zip): checks, versions, counts, redacted logs.

        The bundle holds no personal data: no names, ID numbers, phone numbers, addresses or
        notes. With the password it also holds the database counts.
        """
        from census_tui import paths
        from census_tui.diagnostics import all_checks
        from census_tui.diagnostics.bundle import profile_secrets, write_bundle
        from census_tui.diagnostics.checks import close_cached, run
        from census_tui.diagnostics.status import counts
        from census_tui.diagnostics.store_checks import open_store
        from census_tui.store import Store

        lang = lang_of(ctx)
        target = path.expanduser()
        with guarded(lang):
            if target.exists():
                raise BadInput(
                    Msg(
                        "目标文件已存在，未覆盖。",
                        "The target file already exists; it was not overwritten.",
                    )
                )
            if not target.parent.is_dir():
                raise BadInput(Msg("目标文件夹不存在。", "The target folder does not exist."))
            dctx = make_context(lang, profile, server, ask, timeout, ca_file)
            try:
                results = run(dctx, all_checks(), close=False)
                opened = open_store(dctx) if dctx.profile else None
                store = opened if isinstance(opened, Store) else None
                write_bundle(
                    target,
                    results=results,
                    versions=dctx.versions,
                    status=counts(store) if store else None,
                    logs_dir=paths.logs_dir(),
                    clock=dctx.clock,
                    secrets=profile_secrets(store) if store else (),
                )
            finally:
                close_cached(dctx)
        say(MSG_BUNDLE_WRITTEN.format(path=str(target))(lang))

    app.add_typer(diag_app, name="diag")
