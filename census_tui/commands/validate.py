"""``census-tui validate FILE``: run the logic checks on households in the JSON form.

FILE holds one household document or a list of them (docs/household-json.md, versions 1 and 2);
``-`` reads standard input. Each household is checked on its own form (short2020, long2020,
hmt2020), death records included. Exit codes: ``COMMAND_EXITS["validate"]`` in
census_tui/exitcodes.py. Output never quotes answers (personal data): only rule ids, item ids,
person and death-record UUIDs and the rules' messages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from census_tui.errors import BadInput
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Lang, Msg, detect_lang


def _read(file: str) -> Any:
    """The parsed JSON of ``file``; :class:`BadInput` with line and column when malformed."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = type(exc).__name__
        raise BadInput(Msg(f"无法读取文件({reason})", f"cannot read the file ({reason})")) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            Msg(
                f"JSON 格式错误:第 {exc.lineno} 行第 {exc.colno} 列:{exc.msg}",
                f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            )
        ) from None


def validate_documents(obj: Any) -> tuple[list[dict[str, Any]], bool]:
    """Findings per household as plain data, and whether any household has blocking errors."""
    from census_tui.validation.engine import check_household, completion_status
    from census_tui.validation.findings import Severity
    from census_tui.validation.household_json import parse_many

    results: list[dict[str, Any]] = []
    failed = False
    for doc in parse_many(obj):
        hh = doc.household
        findings = check_household(hh)
        status = completion_status(hh, findings)
        confirmed = {id(f) for f in status.confirmed}
        blocking = bool(status.errors) or any(
            f.severity is Severity.OVERRIDABLE for f in status.unconfirmed
        )
        failed = failed or blocking
        positions = {p.uuid: i for i, p in enumerate(hh.persons)}
        deaths = {d.uuid: i for i, d in enumerate(hh.deaths)}
        rows = []
        for f in findings:
            row = f.to_dict()
            row["position"] = positions.get(f.person_uuid)
            row["death_position"] = deaths.get(f.person_uuid)
            row["confirmed"] = id(f) in confirmed
            rows.append(row)
        results.append(
            {
                "case_uuid": hh.uuid,
                "revision": hh.revision,
                "form_id": hh.form_id,
                "may_complete": status.may_complete,
                "errors": len(status.errors),
                "unconfirmed": len(status.unconfirmed),
                "findings": rows,
            }
        )
    return results, failed


_DEATH = Msg("死亡", "death")


def _print_table(results: list[dict[str, Any]], lang: Lang) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from census_tui.validation.findings import Severity

    console = Console()
    heads = {
        "zh": ("户", "人", "规则", "级别", "题目", "已确认", "说明"),
        "en": ("household", "person", "rule", "severity", "items", "confirmed", "message"),
    }[lang]
    styles = {"error": "bold red", "overridable": "magenta", "warning": "yellow"}
    for res in results:
        title = escape(f"{res['case_uuid']} (rev {res['revision']}, {res['form_id']})")
        if not res["findings"]:
            console.print(f"{title}: " + Msg("未发现问题", "no findings")(lang))
            continue
        table = Table(title=title, show_lines=False)
        for h in heads[1:]:
            table.add_column(h)
        for row in res["findings"]:
            sev = Severity(row["severity"])
            pos, died = row["position"], row["death_position"]
            who = "-"
            if pos is not None:
                who = escape(f"#{pos + 1} {row['person_uuid'][:8]}")
            elif died is not None:
                who = escape(f"{_DEATH(lang)} #{died + 1} {row['person_uuid'][:8]}")
            table.add_row(
                who,
                row["rule_id"],
                f"[{styles[sev.value]}]{sev.label(lang)}[/]",
                ",".join(row["items"]),
                Msg("是", "yes")(lang) if row["confirmed"] else "",
                row["message"][lang],
            )
        console.print(table)
        console.print(
            Msg("可以完成", "may be completed")(lang)
            if res["may_complete"]
            else Msg(
                f"不能完成:错误 {res['errors']} 项,待确认 {res['unconfirmed']} 项",
                f"cannot be completed: {res['errors']} errors, {res['unconfirmed']} unconfirmed",
            )(lang)
        )


def register(app: typer.Typer) -> None:
    """Add ``validate`` to ``app``."""

    @app.command("validate")
    def validate_cmd(
        ctx: typer.Context,
        file: Annotated[
            str, typer.Argument(help="Household JSON file (one or a list); - = stdin.")
        ],
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
        lang: Annotated[str | None, typer.Option("--lang", help="zh or en.")] = None,
    ) -> None:
        """逻辑审核 / Run the logic checks on households in the household JSON form."""
        parent = ctx.obj.get("lang") if isinstance(ctx.obj, dict) else None
        language = detect_lang(lang or parent)
        try:
            results, failed = validate_documents(_read(file))
        except BadInput as err:
            typer.echo(err.text(language), err=True)
            raise typer.Exit(int(ExitCode.BAD_INPUT)) from None
        if as_json:
            out = {"households": results, "ok": not failed}
            typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            _print_table(results, language)
        raise typer.Exit(int(ExitCode.FINDINGS if failed else ExitCode.OK))
