"""``census-tui status``: profile, area, dwelling ids with case states, counts, outbox, the
last sync log entries. No personal data (see ``census_tui.diagnostics.status``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from census_tui.commands._support import emit_json, guarded, lang_of, password, pick_profile, say
from census_tui.i18n import Lang, Msg

ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="Profile name (default: the only one here).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

LABELS = {
    "profile": Msg("档案", "Profile"),
    "server": Msg("服务器", "Server"),
    "training": Msg("培训模式", "Training"),
    "area": Msg("普查小区", "Area"),
    "schema_version": Msg("数据库结构版本", "Schema version"),
    "dwellings": Msg("住房单元", "Dwellings"),
    "cases": Msg("户", "Households"),
    "outbox_depth": Msg("待上传", "Waiting to be sent"),
    "outbox_oldest": Msg("最早待上传", "Oldest waiting since"),
}


def render(report: dict[str, Any], lang: Lang) -> str:
    """The human-readable status (plain text; the same facts as ``--json``)."""
    lines = []
    for key in (
        "profile",
        "server",
        "training",
        "area",
        "schema_version",
        "cases",
        "outbox_depth",
        "outbox_oldest",
    ):
        value = report.get(key)
        if key == "training":
            value = Msg("是", "yes")(lang) if value else Msg("否", "no")(lang)
        lines.append(f"{LABELS[key](lang)}: {value if value is not None else '-'}")
    states = ", ".join(f"{s} {n}" for s, n in report["cases_by_state"].items()) or "-"
    lines.append(f"{Msg('各状态户数', 'Households by state')(lang)}: {states}")
    lines.append(f"{LABELS['dwellings'](lang)} ({report['dwellings']}):")
    for d in report["dwelling_cases"]:
        lines.append(f"  {d['id']}: {', '.join(d['cases']) or '-'}")
    lines.append(f"{Msg('最近同步记录', 'Last sync log entries')(lang)}:")
    if not report["sync_log"]:
        lines.append("  -")
    for e in report["sync_log"]:
        err = f" {e['error']}" if e["error"] else ""
        lines.append(
            f"  {e['at']} {e['op']} {e['result']} sent={e['sent']} acked={e['acked']}{err}"
        )
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("status")
    def status_cmd(
        ctx: typer.Context, profile: ProfileOpt = None, as_json: JsonOpt = False
    ) -> None:
        """本机状态 / Profile, area, dwellings, counts by state, outbox, last sync entries.

        Shows ids, states and counts only, never personal data. Needs the password
        (CENSUS_TUI_PASSWORD or a prompt). Exit codes: 0 ok, 3 wrong password or locked out,
        4 no profile, 5 damaged store.
        """
        from census_tui.clock import SystemClock
        from census_tui.diagnostics.status import status
        from census_tui.store import unlock

        lang = lang_of(ctx)
        with guarded(lang):
            name = pick_profile(profile)
            with unlock(name, password(lang), clock=SystemClock()) as store:
                report = status(store)
        if as_json:
            emit_json(report)
        else:
            say(render(report, lang))
