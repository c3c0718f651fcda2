"""Shared plumbing of the support commands (account, status, diag, backup): language,
passwords, profile choice, printing and mapping :class:`CensusError` to exit codes.

Passwords: ``CENSUS_TUI_PASSWORD`` (scripts) or a prompt without echo. A new password (passwd,
recover) comes from ``CENSUS_TUI_NEW_PASSWORD`` or a prompt asked twice. Without a terminal
(a script, cron, a pipe) every prompt reads one line of standard input instead; when there is
none the command says how to give the value and ends with ``BAD_INPUT`` (never a Python warning
and ``Aborted!``).
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
MSG_NO_TERMINAL = Msg(
    "没有终端可以输入{what}，标准输入中也没有。{how}",
    "There is no terminal to type the {what} on, and none came on standard input. {how}",
)
HOW_PASSWORD = Msg(
    f"请设置环境变量 {ENV_PASSWORD}，或从标准输入送入一行"
    f"（例如 printf '%s\\n' \"$密码\" | census-tui status）。",
    f"Set the environment variable {ENV_PASSWORD}, or send it as one line on standard input"
    f" (for example printf '%s\\n' \"$PASSWORD\" | census-tui status).",
)
HOW_NEW_PASSWORD = Msg(
    f"请设置环境变量 {ENV_NEW_PASSWORD}，或从标准输入送入两行（新密码输入两次）。",
    f"Set the environment variable {ENV_NEW_PASSWORD}, or send it twice, one line each, on"
    " standard input.",
)
HOW_ANSWER = Msg(
    "请在终端里运行，或从标准输入逐行送入回答。",
    "Run it in a terminal, or send the answers one line each on standard input.",
)
WHAT_PASSWORD = Msg("密码", "password")
WHAT_NEW_PASSWORD = Msg("新密码", "new password")
WHAT_ANSWER = Msg("回答", "answer")


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


def has_terminal() -> bool:
    """Whether prompts can be typed: standard input is a terminal."""
    stdin = sys.stdin
    return stdin is not None and not stdin.closed and stdin.isatty()


def ask(
    lang: Lang,
    prompt: Msg,
    *,
    hidden: bool = False,
    what: Msg = WHAT_ANSWER,
    how: Msg = HOW_ANSWER,
) -> str:
    """One answer: typed at a prompt (without echo when ``hidden``), or, with no terminal, one
    line of standard input. Nothing there: :class:`BadInput` saying ``how`` to give it."""
    if has_terminal():
        return str(typer.prompt(prompt(lang), hide_input=hidden))
    stdin = sys.stdin
    line = stdin.readline() if stdin is not None and not stdin.closed else ""
    value = line.rstrip("\r\n")
    if not value:
        raise BadInput(
            Msg(
                MSG_NO_TERMINAL.zh.format(what=what.zh, how=how.zh),
                MSG_NO_TERMINAL.en.format(what=what.en, how=how.en),
            )
        )
    return value


def password(lang: Lang, prompt: Msg | None = None) -> str:
    """The current password: ``CENSUS_TUI_PASSWORD``, a hidden prompt, or (no terminal) one
    line of standard input. Raises :class:`BadInput` when there is none (call it inside
    :func:`guarded`)."""
    value = os.environ.get(ENV_PASSWORD)
    if value:
        return value
    text = prompt or Msg("密码", "Password")
    return ask(lang, text, hidden=True, what=WHAT_PASSWORD, how=HOW_PASSWORD)


def new_password(lang: Lang) -> str:
    """A new password: ``CENSUS_TUI_NEW_PASSWORD``, a hidden prompt asked twice, or (no
    terminal) two lines of standard input."""
    value = os.environ.get(ENV_NEW_PASSWORD)
    if value:
        return value
    first = ask(
        lang,
        Msg("新密码", "New password"),
        hidden=True,
        what=WHAT_NEW_PASSWORD,
        how=HOW_NEW_PASSWORD,
    )
    second = ask(
        lang,
        Msg("再次输入新密码", "Repeat the new password"),
        hidden=True,
        what=WHAT_NEW_PASSWORD,
        how=HOW_NEW_PASSWORD,
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
