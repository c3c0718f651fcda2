"""Logging to a rotating file in the data directory. Never personal data.

Log records carry ids (case UUIDs, dwelling ids), counts, states and timings only. A filter
masks anything that looks like an ID number or a phone number as a last line of defence.
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler

from census_tui import paths

LOG_FILE = "census-tui.log"
MAX_BYTES = 512_000
BACKUPS = 3
"""At most about 2 MB of log: the file and three older ones (``.1`` is the newest)."""

_ID_OR_PHONE = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")


class RedactFilter(logging.Filter):
    """Masks 15/18-digit ID numbers and mobile numbers in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _ID_OR_PHONE.sub("[redacted]", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def redact(text: str) -> str:
    """The same masking for text that leaves the device in a diagnostics bundle."""
    return _ID_OR_PHONE.sub("[redacted]", text)


def setup_logging(*, verbose: bool = False) -> None:
    """Attach the rotating file handler once; a read-only data dir just means no log file."""
    root = logging.getLogger("census_tui")
    if any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
    try:
        directory = paths.logs_dir()
        directory.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            directory / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        root.addHandler(logging.NullHandler())
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactFilter())
    root.addHandler(handler)
