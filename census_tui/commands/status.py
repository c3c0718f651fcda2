"""``census-tui status``: profile, role, area, dwelling ids with case states, counts, outbox,
the last sync log entries; for a supervisor's profile, the cases held on the device, the
decisions and re-visits waiting to be sent, those refused with the server's reasons, and when
progress and the review queue were last fetched. No personal data (see
``census_tui.diagnostics.status``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from census_tui.commands._support import emit_json, guarded, lang_of, password, pick_profile, say
from census_tui.diagnostics.labels import SYNC_OPS, SYNC_RESULTS, state_label, sync_error, word
from census_tui.i18n import Lang, Msg
from census_tui.visit.states import CaseState

ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="Profile name (default: the only one here).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

LABELS = {
    "profile": Msg("档案", "Profile"),
    "role": Msg("身份", "Role"),
    "server": Msg("服务器", "Server"),
    "training": Msg("培训模式", "Training"),
    "area": Msg("普查小区", "Area"),
    "schema_version": Msg("数据库结构版本", "Schema version"),
    "dwellings": Msg("住房单元", "Dwellings"),
    "households": Msg("户（已开始登记）", "Households (interview begun)"),
    "outbox_depth": Msg("待上传", "Waiting to be sent"),
    "outbox_oldest": Msg("最早待上传", "Oldest waiting since"),
}
ROLES = {
    "enumerator": Msg("普查员", "enumerator"),
    "supervisor": Msg("普查指导员", "supervisor"),
}
SUP_LABELS = {
    "cases_held": Msg("本机保存的待审户", "Cases held on this device"),
    "decisions_waiting": Msg("待发送的审核决定", "Decisions waiting to be sent"),
    "revisits_waiting": Msg("待发送的复查", "Re-visits waiting to be sent"),
    "waiting_oldest": Msg("最早待发送", "Oldest waiting since"),
    "sent": Msg("已发送", "Sent"),
    "refused": Msg("被服务器拒绝", "Refused by the server"),
    "progress_fetched_at": Msg("进度获取时间", "Progress last fetched"),
    "queue_fetched_at": Msg("审核队列获取时间", "Review queue last fetched"),
}
SUP_KINDS = {
    "approve": Msg("通过", "approval"),
    "return": Msg("退回", "return"),
    "revisit": Msg("复查", "re-visit"),
}
NEVER = Msg("从未", "never")


def _by_state(counts: dict[str, int], lang: Lang) -> str:
    """``(listed 35, appointment 1)`` in words, in the language's own brackets and commas."""
    sep, left, right = ("，", "（", "）") if lang == "zh" else (", ", " (", ")")
    inside = sep.join(f"{state_label(s, lang)} {n}" for s, n in counts.items()) or "-"
    return f"{left}{inside}{right}"


def _head(report: dict[str, Any], keys: tuple[str, ...], lang: Lang) -> list[str]:
    lines = []
    for key in keys:
        value = report.get(key)
        if key == "training":
            value = Msg("是", "yes")(lang) if value else Msg("否", "no")(lang)
        elif key == "role":
            value = word(ROLES, str(value or "enumerator"), lang)
        lines.append(f"{LABELS[key](lang)}: {value if value is not None else '-'}")
    return lines


def render_supervisor(report: dict[str, Any], lang: Lang) -> str:
    """A supervisor's profile: what the device holds and waits to send, the server's reasons
    for what it refused, when progress and the queue were fetched (never a case's contents)."""
    lines = _head(report, ("profile", "role", "server", "training", "schema_version"), lang)
    sup = report["supervisor"]
    for key, label in SUP_LABELS.items():
        value = sup.get(key)
        if value is None:
            value = NEVER(lang) if key.endswith("_fetched_at") else "-"
        lines.append(f"{label(lang)}: {value}")
    refusals = sup.get("refusals") or []
    if refusals:
        lines.append(f"{Msg('服务器拒绝的原因', 'The server’s reasons')(lang)}:")
    for r in refusals:
        what = word(SUP_KINDS, r["kind"], lang)
        lines.append(f"  {r['at']} {what} {r['case_uuid']}: {r['reason'].get(lang) or '-'}")
    return "\n".join(lines)


def render(report: dict[str, Any], lang: Lang) -> str:
    """The human-readable status (plain text; the same facts as ``--json``, in words)."""
    if report.get("role") == "supervisor":
        return render_supervisor(report, lang)
    lines = _head(report, ("profile", "role", "server", "training", "area", "schema_version"), lang)
    lines.append(
        f"{LABELS['dwellings'](lang)}: {report['dwellings']}"
        f"{_by_state(report['dwellings_by_state'], lang)}"
    )
    lines.append(
        f"{LABELS['households'](lang)}: {report['households']}"
        f"{_by_state(report['households_by_state'], lang)}"
    )
    for key in ("outbox_depth", "outbox_oldest"):
        value = report.get(key)
        lines.append(f"{LABELS[key](lang)}: {value if value is not None else '-'}")
    lines.append(f"{Msg('各住房单元', 'Each dwelling')(lang)}:")
    for d in report["dwelling_cases"]:
        shown = ", ".join(state_label(c, lang) for c in d["cases"])
        lines.append(f"  {d['id']}: {shown or state_label(CaseState.LISTED, lang)}")
    lines.append(f"{Msg('最近同步记录', 'Last sync log entries')(lang)}:")
    if not report["sync_log"]:
        lines.append("  -")
    for e in report["sync_log"]:
        err = f" {sync_error(e['error'], lang)}" if e["error"] else ""
        op, result = word(SYNC_OPS, e["op"], lang), word(SYNC_RESULTS, e["result"], lang)
        counts = Msg("发送 {sent} 确认 {acked}", "sent {sent} acked {acked}").format(
            sent=e["sent"], acked=e["acked"]
        )(lang)
        lines.append(f"  {e['at']} {op} {result} {counts}{err}")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("status")
    def status_cmd(
        ctx: typer.Context, profile: ProfileOpt = None, as_json: JsonOpt = False
    ) -> None:
        """本机状态 / Profile, role, area, dwellings, counts by state, outbox, last sync entries.

        Shows ids, states and counts only, never personal data. Dwellings are counted by the
        state each shows; households only once their interview has begun (an appointment,
        a refusal or a vacant dwelling is not a household). On a supervisor's profile: cases
        held, decisions and re-visits waiting to be sent, refused ones with the server's
        reasons, when progress and the review queue were last fetched. Needs the password
        (CENSUS_TUI_PASSWORD, a prompt, or one line on standard input). --json keeps the
        internal state keys.
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
