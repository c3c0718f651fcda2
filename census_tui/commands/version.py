"""``census-tui version``: package, Python and SQLCipher versions."""

from __future__ import annotations

import json
import platform
from typing import Annotated

import typer


def versions() -> dict[str, str]:
    """Versions a support person asks for first (no personal data)."""
    from importlib.metadata import PackageNotFoundError, version

    from census_tui import __version__

    out = {"census_tui": __version__, "python": platform.python_version()}
    for pkg in ("textual", "rich", "typer", "httpx", "sqlcipher3"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    try:
        import sqlcipher3

        row = sqlcipher3.connect(":memory:").execute("PRAGMA cipher_version").fetchone()
        out["sqlcipher"] = str(row[0]) if row else "unknown"
    except Exception as exc:  # a broken install is exactly what support needs to see
        out["sqlcipher"] = f"error: {type(exc).__name__}"
    return out


def register(app: typer.Typer) -> None:
    @app.command("version")
    def version_cmd(
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """版本信息 / Show versions of the client and its libraries."""
        data = versions()
        if as_json:
            typer.echo(json.dumps(data, ensure_ascii=False))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(show_header=False, box=None)
        for key, value in data.items():
            table.add_row(key, value)
        Console().print(table)
