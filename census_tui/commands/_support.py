"""Shared plumbing of the support commands (account, status, diag, backup): language,
passwords, profile choice, printing and mapping :class:`CensusError` to exit codes.

Passwords: ``CENSUS_TUI_PASSWORD`` (scripts) or a prompt without echo. A new password (passwd,
recover) comes from ``CENSUS_TUI_NEW_PASSWORD`` or a prompt asked twice.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer

from census_tui import paths
from census_tui.errors import BadInput, CensusError, NoProfile
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Lang, Msg, detect_lang

ENV_PASSWORD = "CENSUS_TUI_PASSWORD"
ENV_NEW_PASSWORD = "CENSUS_TUI_NEW_PASSWORD"

MSG_NO_PROFILE = Msg(
    "本机没有档案，请先联网登录：census-tui login。",
    "There is no profile on this device; log in online first: census-tui login.",
)
MSG_SEVERAL = Msg(
    "本机有多个档案（{names}），请用 --profile 指定。",
    "There are several profiles here ({names}); name one with --profile.",
)
MSG_PASSWORDS_DIFFER = Msg("两次输入的密码不一致。", "The two passwords differ.")


def lang_of(ctx: typer.Context) -> Lang:
    """The language chosen by the root ``--lang`` (or the locale)."""
    obj = ctx.find_root().obj
    if isinstance(obj, dict) and obj.get("lang") in ("zh", "en"):
        lang: Lang = obj["lang"]
        return lang
    return detect_lang()


def say(text: str) -> None:
    typer.echo(text)


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


def fail(err: CensusError, lang: Lang) -> NoReturn:
    """Print the error in the user's language on stderr and exit with its code."""
    typer.echo(err.msg(lang), err=True)
    raise typer.Exit(int(err.exit_code))


@contextmanager
def guarded(lang: Lang) -> Iterator[None]:
    """Turn a CensusError into its message and exit code (never a traceback)."""
    try:
        yield
    except CensusError as err:
        fail(err, lang)


def password(lang: Lang, prompt: Msg | None = None) -> str:
    """The current password: ``CENSUS_TUI_PASSWORD`` or a hidden prompt."""
    value = os.environ.get(ENV_PASSWORD)
    if value:
        return value
    text = (prompt or Msg("密码", "Password"))(lang)
    return str(typer.prompt(text, hide_input=True))


def new_password(lang: Lang) -> str:
    """A new password: ``CENSUS_TUI_NEW_PASSWORD`` or a hidden prompt asked twice."""
    value = os.environ.get(ENV_NEW_PASSWORD)
    if value:
        return value
    first = str(typer.prompt(Msg("新密码", "New password")(lang), hide_input=True))
    second = str(
        typer.prompt(Msg("再次输入新密码", "Repeat the new password")(lang), hide_input=True)
    )
    if first != second:
        fail(BadInput(MSG_PASSWORDS_DIFFER), lang)
    return first


def pick_profile(name: str | None) -> str:
    """The profile named, else the only one on this device."""
    if name:
        try:
            return paths.safe_profile_name(name)
        except ValueError:
            raise BadInput(Msg("档案名称无效。", "Invalid profile name.")) from None
    found = paths.list_profiles()
    if not found:
        raise NoProfile(MSG_NO_PROFILE)
    if len(found) > 1:
        raise BadInput(MSG_SEVERAL.format(names=", ".join(found)))
    return found[0]


def is_tty() -> bool:
    return sys.stdout.isatty()


OK = ExitCode.OK
