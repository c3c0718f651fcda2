"""Crash output without personal data.

An unexpected exception must not print names or ID numbers: Python's and Textual's tracebacks
show the exception's message and (Textual) local variables, either of which can hold answers.
Here a crash becomes one bilingual line for the user and, in the log, the exception's type and
the code locations (file, line, function) only: enough for support, nothing about people.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from census_tui.i18n import Msg

CRASHED = Msg(
    "程序出现意外错误已退出;已保存的数据不受影响。请重新启动,如仍有问题请联系技术支持"
    "(census-tui diag bundle 文件名)。",
    "The program hit an unexpected error and closed; saved data is unaffected. Start it again; "
    "if it happens again, call support (census-tui diag bundle FILE).",
)


def crash_summary(error: BaseException) -> str:
    """``TypeName at file.py:12 in func <- …``: the type and where, never the message."""
    frames = traceback.extract_tb(error.__traceback__)[-8:]
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"{type(error).__name__} at {where or '?'}"


def log_crash(error: BaseException) -> None:
    logging.getLogger("census_tui.crash").error("crash: %s", crash_summary(error))
