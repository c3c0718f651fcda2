"""Logging to a rotating file in the data directory. Never personal data.

Log records carry ids (case UUIDs, dwelling ids), counts, states and timings only. A filter
masks anything that looks like an ID number or a phone number as a last line of defence.
"""

from __future__ import annotations

import logging
import os
import re

from census_tui import paths

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


class RotatingLog(logging.FileHandler):
    """A log file kept under ``max_bytes``: when a record would pass it, the file becomes
    ``.1`` (``.1`` becomes ``.2``, … up to ``backups``) and a new one starts. The standard
    library's RotatingFileHandler does the same but brings sockets, pickling and queues into
    the TUI's memory on a handheld (``logging.handlers``)."""

    def __init__(self, path: os.PathLike[str] | str, *, max_bytes: int, backups: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8")
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full(record):
                self._rotate()
        except Exception:
            self.handleError(record)
            return
        super().emit(record)

    def _full(self, record: logging.LogRecord) -> bool:
        if self.stream is None:  # closed by a rotation that failed half-way: reopen
            self.stream = self._open()
        size = self.stream.tell()
        return size > 0 and size + len(self.format(record).encode("utf-8")) + 1 > self.max_bytes

    def _rotate(self) -> None:
        self.close()
        for n in range(self.backups - 1, 0, -1):
            older = f"{self.baseFilename}.{n}"
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{n + 1}")
        if self.backups > 0:
            os.replace(self.baseFilename, f"{self.baseFilename}.1")
        else:
            os.truncate(self.baseFilename, 0)
        self.stream = self._open()


def setup_logging(*, verbose: bool = False) -> None:
    """Attach the rotating file handler once; a read-only data dir just means no log file."""
    root = logging.getLogger("census_tui")
    if any(isinstance(h, RotatingLog) for h in root.handlers):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
    try:
        directory = paths.logs_dir()
        directory.mkdir(parents=True, exist_ok=True)
        handler = RotatingLog(directory / "census-tui.log", max_bytes=512_000, backups=3)
    except OSError:
        root.addHandler(logging.NullHandler())
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactFilter())
    root.addHandler(handler)
