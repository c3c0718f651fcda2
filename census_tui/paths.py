"""Where files live. The one module that knows the data directory.

``CENSUS_TUI_HOME`` overrides the platform data directory (tests, several profiles, the demo).
Layout::

    <home>/profiles/<profile>/census.db        SQLCipher database
    <home>/profiles/<profile>/envelope.json    wrapped data key
    <home>/profiles/<profile>/lockout.json     wrong-password counter (no personal data)
    <home>/restore-lockout/<profile>.json      the counter of restores of a profile not here
    <home>/logs/census-tui.log                 rotating log, no personal data
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ENV_HOME = "CENSUS_TUI_HOME"
APP_NAME = "census-tui"
_PROFILE_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
"""Matched with ``fullmatch``: ``$`` would accept a trailing newline (``"demo\n"``)."""


def home() -> Path:
    """The data directory (not created here)."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def profiles_dir(base: Path | None = None) -> Path:
    return (base or home()) / "profiles"


def safe_profile_name(name: str) -> str:
    """A profile name usable as a directory name; account names are mapped onto it."""
    if _PROFILE_RE.fullmatch(name) and name not in {".", ".."}:
        return name
    raise ValueError("profile name must be 1-64 letters, digits, '.', '_' or '-'")


def profile_dir(name: str, base: Path | None = None) -> Path:
    return profiles_dir(base) / safe_profile_name(name)


def logs_dir(base: Path | None = None) -> Path:
    return (base or home()) / "logs"


def list_profiles(base: Path | None = None) -> list[str]:
    """Names of the profiles that have an envelope, sorted."""
    root = profiles_dir(base)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "envelope.json").is_file())
