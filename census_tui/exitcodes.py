"""The one set of exit codes every command uses (documented in docs/exit-codes.md).

Scripts and support staff rely on these numbers; never reuse one for another meaning.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of every ``census-tui`` command."""

    OK = 0
    """Success."""
    FINDINGS = 1
    """The command ran and found problems: validation errors, a failed diag check."""
    BAD_INPUT = 2
    """Unreadable or malformed input: a file, an argument, a CSV, JSON."""
    AUTH = 3
    """Wrong password, locked out, token refused by the server."""
    NO_PROFILE = 4
    """No enumerator profile on this device (log in first)."""
    STORE = 5
    """The local database or its key envelope is damaged, unreadable or tampered with."""
    NETWORK = 6
    """The server could not be reached or answered nonsense; nothing was lost."""
    CONFLICT = 7
    """Refused to avoid losing data: unsynced work, a newer schema, an existing profile."""
    DISK = 8
    """No space left or the data directory is read-only."""
    INTERNAL = 70
    """An unexpected error (a bug); details without personal data are in the log."""
    INTERRUPTED = 130
    """Stopped by the user (Ctrl+C)."""


NO_PASSWORD = "no password given and no terminal to ask for it"
"""Why a command that needs the password ends with BAD_INPUT when it cannot ask for one."""

_SUPERVISE: tuple[tuple[ExitCode, str], ...] = (
    (ExitCode.OK, "done"),
    (ExitCode.BAD_INPUT, f"a bad option or --server without --account, or {NO_PASSWORD}"),
    (ExitCode.AUTH, "wrong password, login refused, not a supervisor, or outside your scope"),
    (ExitCode.NO_PROFILE, "no profile (log in first, or give --server and --account)"),
    (ExitCode.STORE, "damaged profile"),
    (ExitCode.NETWORK, "server unreachable (nothing changed)"),
)
"""What every ``supervise`` subcommand can end with (each adds its own below)."""

COMMAND_EXITS: dict[str, tuple[tuple[ExitCode, str], ...]] = {
    "login": (
        (ExitCode.OK, "logged in"),
        (ExitCode.BAD_INPUT, f"bad server address (http:// only to loopback), or {NO_PASSWORD}"),
        (ExitCode.AUTH, "wrong account or password"),
        (ExitCode.NETWORK, "server unreachable"),
        (ExitCode.CONFLICT, "the profile exists in a conflicting state"),
        (ExitCode.DISK, "data directory read-only"),
    ),
    "logout": (
        (ExitCode.OK, "logged out"),
        (ExitCode.BAD_INPUT, NO_PASSWORD),
        (ExitCode.AUTH, "wrong password or locked out"),
        (ExitCode.NO_PROFILE, "no profile"),
        (ExitCode.CONFLICT, "unsynced work (without --force)"),
    ),
    "passwd": (
        (ExitCode.OK, "changed"),
        (ExitCode.BAD_INPUT, f"new password too weak or the two differ, or {NO_PASSWORD}"),
        (ExitCode.AUTH, "wrong password or login expired"),
        (ExitCode.NO_PROFILE, "no profile"),
        (ExitCode.STORE, "local save failed after the server change"),
        (ExitCode.NETWORK, "offline (nothing changed)"),
    ),
    "recover": (
        (ExitCode.OK, "new password set"),
        (ExitCode.BAD_INPUT, f"unreadable key file, or {NO_PASSWORD}"),
        (ExitCode.AUTH, "not the census office's key"),
        (ExitCode.NO_PROFILE, "no profile"),
        (ExitCode.STORE, "no recovery slot or damaged profile"),
    ),
    "status": (
        (ExitCode.OK, "shown"),
        (ExitCode.BAD_INPUT, NO_PASSWORD),
        (ExitCode.AUTH, "wrong password or locked out"),
        (ExitCode.NO_PROFILE, "no profile"),
        (ExitCode.STORE, "damaged store"),
    ),
    "sync": (
        (ExitCode.OK, "everything acknowledged"),
        (ExitCode.FINDINGS, "items refused by the server (kept on the device, see status)"),
        (ExitCode.BAD_INPUT, NO_PASSWORD),
        (ExitCode.AUTH, "wrong password, locked out, or login refused"),
        (ExitCode.NO_PROFILE, "no profile or not logged in"),
        (ExitCode.NETWORK, "network trouble (nothing lost)"),
        (ExitCode.CONFLICT, "training and real data kept apart"),
    ),
    "diag": (
        (ExitCode.OK, "no check failed"),
        (ExitCode.FINDINGS, "a check failed"),
        (ExitCode.BAD_INPUT, f"a bad option, or {NO_PASSWORD} (--password)"),
    ),
    "diag bundle": (
        (ExitCode.OK, "written"),
        (ExitCode.BAD_INPUT, f"file exists or folder missing, or {NO_PASSWORD} (--password)"),
        (ExitCode.DISK, "no space or read-only target"),
    ),
    "backup": (
        (ExitCode.OK, "written"),
        (ExitCode.BAD_INPUT, f"file exists or folder missing, or {NO_PASSWORD}"),
        (ExitCode.AUTH, "wrong password or locked out"),
        (ExitCode.NO_PROFILE, "no profile"),
        (ExitCode.STORE, "damaged store or failed self-check (file removed)"),
        (ExitCode.DISK, "no space or read-only target"),
    ),
    "restore": (
        (ExitCode.OK, "restored"),
        (ExitCode.BAD_INPUT, f"not a backup, damaged or truncated, or {NO_PASSWORD}"),
        (ExitCode.AUTH, "wrong password or locked out"),
        (ExitCode.CONFLICT, "a profile exists (without --replace) or a newer schema"),
        (ExitCode.DISK, "no space or read-only data directory"),
    ),
    "roster import": (
        (ExitCode.OK, "imported (or checked with --dry-run)"),
        (ExitCode.BAD_INPUT, f"bad file or bad rows (nothing imported), or {NO_PASSWORD}"),
        (ExitCode.AUTH, "wrong password or locked out"),
        (ExitCode.NO_PROFILE, "no profile"),
        (ExitCode.CONFLICT, "already imported (import a corrected list with --replace)"),
    ),
    "validate": (
        (ExitCode.OK, "no errors"),
        (ExitCode.FINDINGS, "an error, or an overridable error without a current confirmation"),
        (ExitCode.BAD_INPUT, "unreadable input"),
    ),
    "server": (
        (ExitCode.OK, "stopped"),
        (ExitCode.BAD_INPUT, "bad arguments (no --db), or an unusable TLS certificate or key"),
    ),
    "server run": (
        (ExitCode.OK, "stopped"),
        (ExitCode.BAD_INPUT, "bad arguments (no --db), or an unusable TLS certificate or key"),
    ),
    "server return": (
        (ExitCode.OK, "returned"),
        (ExitCode.BAD_INPUT, "bad arguments: no --db, no such case, an item it does not have"),
    ),
    "server approve": (
        (ExitCode.OK, "approved"),
        (ExitCode.BAD_INPUT, "bad arguments: no --db, no such case"),
    ),
    "server backup": (
        (ExitCode.OK, "backed up"),
        (ExitCode.BAD_INPUT, "bad arguments: no --db, no database, the backup file exists"),
    ),
    "server import-areas": (
        (ExitCode.OK, "imported"),
        (ExitCode.BAD_INPUT, "no --db, an unreadable file, or problems in it (nothing imported)"),
    ),
    "server import-dwellings": (
        (ExitCode.OK, "imported"),
        (ExitCode.BAD_INPUT, "no --db, an unreadable file, or problems in it (nothing imported)"),
    ),
    "server import-accounts": (
        (ExitCode.OK, "imported; initial passwords written"),
        (
            ExitCode.BAD_INPUT,
            "no --db, an unreadable file, problems in it, an existing account or passwords file"
            " (nothing imported)",
        ),
    ),
    "server list-areas": ((ExitCode.OK, "listed"), (ExitCode.BAD_INPUT, "no --db")),
    "server list-dwellings": ((ExitCode.OK, "listed"), (ExitCode.BAD_INPUT, "no --db")),
    "server list-accounts": ((ExitCode.OK, "listed"), (ExitCode.BAD_INPUT, "no --db")),
    "server reset-password": (
        (ExitCode.OK, "reset"),
        (ExitCode.BAD_INPUT, "no --db, no such account, the passwords file exists"),
    ),
    "server draw-sample": (
        (ExitCode.OK, "drawn; the seed is recorded with each area"),
        (ExitCode.BAD_INPUT, "no --db, an area not on the server, a listed HMT dwelling unknown"),
    ),
    "server disable-account": (
        (ExitCode.OK, "disabled"),
        (ExitCode.BAD_INPUT, "no --db, no such account"),
    ),
    "supervise": ((ExitCode.OK, "help shown (the subcommands do the work)"),),
    "supervise progress": _SUPERVISE,
    "supervise queue": _SUPERVISE,
    "supervise show": (*_SUPERVISE[:3], (ExitCode.BAD_INPUT, "no such case"), *_SUPERVISE[3:]),
    "supervise approve": (
        *_SUPERVISE,
        (ExitCode.BAD_INPUT, "no such case"),
        (
            ExitCode.CONFLICT,
            "the case has a newer revision than the one reviewed, or the"
            " decision id was used for another decision",
        ),
    ),
    "supervise return": (
        *_SUPERVISE,
        (ExitCode.BAD_INPUT, "no such case, or an item the case does not have"),
        (
            ExitCode.CONFLICT,
            "the case has a newer revision than the one reviewed, or the"
            " decision id was used for another decision",
        ),
    ),
    "supervise sample": (
        *_SUPERVISE,
        (
            ExitCode.BAD_INPUT,
            "more households asked of an area than it has completed, or none to draw",
        ),
    ),
    "supervise samples": _SUPERVISE,
    "supervise assign": (
        *_SUPERVISE,
        (
            ExitCode.BAD_INPUT,
            "no such dwelling, a bad range, or ids mixed with a range",
        ),
        (
            ExitCode.CONFLICT,
            "the current holder's device may hold work the server has not seen (--confirm"
            " moves it anyway)",
        ),
    ),
    "demo": (
        (ExitCode.OK, "ended"),
        (ExitCode.NETWORK, "the training server could not be reached"),
        (ExitCode.DISK, "no space or the demo directory is read-only"),
    ),
    "tui": ((ExitCode.OK, "ended"),),
    "version": ((ExitCode.OK, "shown"),),
}
"""The exit codes each command can end with, and why: the one table that ``--help`` (see
:func:`help_epilog`) and docs/exit-codes.md (see :func:`markdown_by_command`) are made from.
Every command may also end with 70 (a bug) or 130 (Ctrl+C)."""

EVERY_COMMAND = "70 an unexpected error (a bug), 130 stopped with Ctrl+C"


def help_epilog(command: str) -> str:
    """The "Exit codes" block of ``command``'s ``--help`` (``\\b`` keeps click from rewrapping
    it)."""
    lines = ["\b", "Exit codes / 退出码 (docs/exit-codes.md):"]
    lines += [f"  {int(code):>3}  {why}" for code, why in COMMAND_EXITS[command]]
    lines.append(f"  also {EVERY_COMMAND}")
    return "\n".join(lines)


def markdown_by_command() -> str:
    """The per-command table of docs/exit-codes.md (a test checks the file holds exactly it)."""
    rows = ["| command | exit codes |", "|---|---|"]
    for command, codes in COMMAND_EXITS.items():
        cell = "; ".join(f"{int(code)} {why}" for code, why in codes)
        rows.append(f"| `{command}` | {cell} |")
    return "\n".join(rows)


DOC_BEGIN = "<!-- begin exit codes by command -->\n"
DOC_END = "<!-- end exit codes by command -->"


def with_table(doc: str) -> str:
    """``doc`` (docs/exit-codes.md) with its per-command table made from :data:`COMMAND_EXITS`.

    ``python -m census_tui.exitcodes docs/exit-codes.md`` rewrites the file with it."""
    head, sep, rest = doc.partition(DOC_BEGIN)
    _old, sep2, tail = rest.partition(DOC_END)
    if not sep or not sep2:
        raise ValueError("the exit-code table markers are missing")
    return f"{head}{DOC_BEGIN}{markdown_by_command()}\n{DOC_END}{tail}"


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    import sys
    from pathlib import Path

    target = Path(sys.argv[1])
    target.write_text(with_table(target.read_text(encoding="utf-8")), encoding="utf-8")
