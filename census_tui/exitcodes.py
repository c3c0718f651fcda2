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
