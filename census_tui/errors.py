"""The project's error type: a bilingual message plus the exit code a command should end with.

Domain code raises :class:`CensusError` (or a subclass) for every failure a user can meet; the
CLI and the TUI show ``err.msg(lang)`` and never a traceback. Messages never carry personal data.
"""

from __future__ import annotations

from census_tui.exitcodes import ExitCode
from census_tui.i18n import Lang, Msg


class CensusError(Exception):
    """A failure explained to the user in their language."""

    exit_code: ExitCode = ExitCode.FINDINGS

    def __init__(self, msg: Msg, exit_code: ExitCode | None = None) -> None:
        super().__init__(msg.en)
        self.msg = msg
        if exit_code is not None:
            self.exit_code = exit_code

    def text(self, lang: Lang) -> str:
        return self.msg(lang)


class BadInput(CensusError):
    exit_code = ExitCode.BAD_INPUT


class AuthError(CensusError):
    exit_code = ExitCode.AUTH


class LoginExpired(AuthError):
    """The server no longer takes the device's token (401: expired, logged out, or the password
    changed elsewhere): the password renews the login. Other ``AuthError`` s (a refusal of the
    account or the role, a changed recovery key) are not mended by a password."""


class NoProfile(CensusError):
    exit_code = ExitCode.NO_PROFILE


class StoreError(CensusError):
    """The database or envelope cannot be used: damaged, tampered, not a database."""

    exit_code = ExitCode.STORE


class DiskError(CensusError):
    """No space or a read-only data directory. Nothing was changed."""

    exit_code = ExitCode.DISK


class NetworkError(CensusError):
    exit_code = ExitCode.NETWORK


class ConflictError(CensusError):
    exit_code = ExitCode.CONFLICT
