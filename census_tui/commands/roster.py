"""``census-tui roster import``: check an employer's name list and store it as a site's roster.

Thin wiring over :mod:`census_tui.roster`: read and check the file (preview), print the
columns found and every problem with its line number, then import all rows, or only the good
ones with ``--only-good``; ``--replace`` puts a corrected list in place of one imported before,
keeping the people already marked. Output holds line numbers, codes and counts, never names or ID
numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from census_tui.commands._support import (
    emit_json,
    fail,
    guarded,
    lang_of,
    password,
    pick_profile,
    say,
)
from census_tui.errors import BadInput, CensusError, ConflictError
from census_tui.i18n import Lang, Msg

FileArg = Annotated[Path, typer.Argument(help="The name list (CSV).", show_default=False)]
DwellingOpt = Annotated[
    str, typer.Option("--dwelling", help="Dwelling id, as shown on the dashboard and by status.")
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="utf-8, utf-8-sig or gb18030 (gbk); default: detected."),
]
OnlyGoodOpt = Annotated[
    bool, typer.Option("--only-good", help="Import the good rows and skip the bad ones.")
]
ReplaceOpt = Annotated[
    bool,
    typer.Option(
        "--replace",
        help="替换已导入的名册:未核对的人换成新名册,已标记和现场新增的人保留。 / "
        "Replace the list imported before: people not yet verified give way to the new list; "
        "people already marked, and people added on site, are kept.",
    ),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Check and show; store nothing.")]
ColumnOpt = Annotated[
    list[str] | None,
    typer.Option("--column", help="Map a header to a field: HEADER=FIELD (repeatable)."),
]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="Profile name (default: the only one here).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

M_HAS_ROSTER = Msg(
    "这个住房单元已经导入过名册;没有重复导入。要用改正后的名册替换,"
    "请加 --replace 再运行一次(已核对的人保留)。",
    "This dwelling already has a roster; it was not imported again. To use a corrected list "
    "instead, run again with --replace (people already marked are kept).",
)


def _columns(specs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in specs or []:
        header, sep, field = spec.partition("=")
        if not sep or not header.strip() or not field.strip():
            raise BadInput(
                Msg(
                    f"--column 应写成 表头=字段: {spec!r}",
                    f"--column must be HEADER=FIELD: {spec!r}",
                )
            )
        out[header.strip()] = field.strip()
    return out


def render_preview(summary: dict[str, object], lang: Lang) -> str:
    """The preview as text: encoding, columns, counts, and each problem with its line."""
    cols = summary["columns"]
    assert isinstance(cols, dict)
    lines = [
        f"{Msg('编码', 'Encoding')(lang)}: {summary['encoding']}   "
        f"{Msg('表头所在行', 'Header on line')(lang)}: {summary['header_line']}",
        f"{Msg('识别的列', 'Columns')(lang)}: " + ", ".join(f"{h} → {f}" for f, h in cols.items()),
    ]
    ignored = summary["ignored"]
    assert isinstance(ignored, list)
    if ignored:
        lines.append(f"{Msg('忽略的列', 'Ignored columns')(lang)}: {', '.join(ignored)}")
    lines.append(
        Msg(
            "共 {rows} 行:正确 {good},错误 {bad},重复 {duplicates},由身份号码补出性别/出生 {d}",
            "rows: {rows}; good: {good}; with errors: {bad}; duplicates: {duplicates}; "
            "sex/birth taken from the ID number: {d}",
        ).format(
            rows=summary["rows"],
            good=summary["good"],
            bad=summary["bad"],
            duplicates=summary["duplicates"],
            d=summary["derived_from_id"],
        )(lang)
    )
    issues = summary["issues"]
    assert isinstance(issues, list)
    for i in issues:
        level = Msg("错误", "error") if i["level"] == "error" else Msg("提示", "warning")
        lines.append(f"  {Msg('第', 'line ')(lang)}{i['line']}{Msg('行', '')(lang)} "
                     f"[{i['code']}] {level(lang)}: {i['message'][lang]}")  # fmt: skip
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    roster = typer.Typer(
        name="roster",
        help="名册核对 / Roster mode: verify a collective site against the employer's list.",
        no_args_is_help=True,
    )

    @roster.command("import")
    def import_cmd(
        ctx: typer.Context,
        file: FileArg,
        dwelling: DwellingOpt,
        encoding: EncodingOpt = None,
        only_good: OnlyGoodOpt = False,
        replace: ReplaceOpt = False,
        dry_run: DryRunOpt = False,
        column: ColumnOpt = None,
        profile: ProfileOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """导入名册 / Check a name list (CSV) and import it as the dwelling's roster.

        UTF-8, UTF-8 with BOM and GB18030/GBK are detected; headers in Chinese or English
        (姓名/name, 公民身份号码/id_number, 性别/sex, 出生年月/birth, 民族/ethnicity,
        宿舍/room, 部门/department, 工号/employee_no, 电话/phone). All or nothing unless
        --only-good. A dwelling imports one list; --replace puts a corrected one in its place
        (已核对的人保留 / people already marked are kept).
        """
        from census_tui.clock import SystemClock
        from census_tui.roster.preview import read_roster_file
        from census_tui.roster.service import RosterService
        from census_tui.store import unlock

        lang = lang_of(ctx)
        with guarded(lang):
            columns = _columns(column)
            name = pick_profile(profile)
            with unlock(name, password(lang), clock=SystemClock()) as store:
                svc = RosterService(store, actor=name)
                registered = svc.registered_ids(dwelling)
                preview = read_roster_file(
                    file, encoding=encoding, columns=columns, registered=registered
                )
                summary = preview.summary()
                result = None
                error: CensusError | None = None
                try:
                    if dry_run:
                        preview.selected(only_good)
                    else:
                        result = svc.import_preview(
                            dwelling, preview, only_good=only_good, replace=replace
                        )
                except ConflictError:
                    error = ConflictError(M_HAS_ROSTER)  # the command's own way to replace
                except CensusError as exc:
                    error = exc
        if as_json:
            emit_json(
                {
                    "preview": summary,
                    "result": result.to_dict() if result else None,
                    "error": {"zh": error.msg.zh, "en": error.msg.en} if error else None,
                }
            )
        else:
            say(render_preview(summary, lang))
            if result is not None:
                say(
                    Msg(
                        "已导入 {n} 人到住房单元 {d}(跳过 {s} 行)。",
                        "Imported {n} people into dwelling {d} ({s} rows skipped).",
                    ).format(n=result.imported, d=dwelling, s=result.skipped)(lang)
                )
                if replace:
                    say(
                        Msg(
                            "替换:保留已核对的 {k} 人,移除旧名册中未核对的 {r} 人。",
                            "Replaced: {k} people already marked kept; {r} not yet verified "
                            "from the old list removed.",
                        ).format(k=result.kept, r=result.replaced)(lang)
                    )
        if error is not None:
            fail(error, lang)

    app.add_typer(roster)
