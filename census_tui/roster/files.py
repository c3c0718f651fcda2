"""Where name lists are found on the device: the files the import dialog offers to pick.

An enumerator on a handheld rarely knows a file's full path. The lists copied into the data
directory (where the demo writes its practice list) and the current directory are offered as
choices, newest first; a path can still be typed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

LIST_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
"""What a name list is saved as (the reader takes delimited text: CSV, tab or semicolon)."""
MOST_OFFERED = 30


def name_lists(dirs: Iterable[Path]) -> list[Path]:
    """Delimited-text files directly in ``dirs`` (not below them), newest first; a missing or
    unreadable directory is passed over."""
    found: dict[Path, float] = {}
    for folder in dirs:
        with contextlib.suppress(OSError):
            for path in folder.iterdir():
                if path.suffix.lower() in LIST_SUFFIXES:
                    with contextlib.suppress(OSError):
                        if path.is_file():
                            found[path.resolve()] = path.stat().st_mtime
    return sorted(found, key=lambda p: (-found[p], p.name))[:MOST_OFFERED]
