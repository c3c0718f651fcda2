"""Starting the TUI without Typer: ``census-tui`` with no command comes straight here.

Only Textual and what the login screen needs are imported; the other screens load when first
shown, so the login screen appears quickly on a slow handheld.
"""

from __future__ import annotations

import os

from census_tui.exitcodes import ExitCode

ENV_IDLE = "CENSUS_TUI_IDLE_MINUTES"
"""Minutes of inactivity before the idle lock (default 5; 0 turns it off, for demos only)."""


def idle_minutes() -> float:
    try:
        return max(0.0, float(os.environ.get(ENV_IDLE, "5")))
    except ValueError:
        return 5.0


def run_tui(lang: str) -> int:
    """Run the app on the profiles of the data directory; return the process exit code."""
    from census_tui.app import make_app
    from census_tui.clock import SystemClock
    from census_tui.visit.gate import open_gate

    app = make_app(
        open_gate(clock=SystemClock()),
        lang="zh" if lang == "zh" else "en",
        idle_minutes=idle_minutes(),
    )
    result = app.run()
    if app.return_code:  # an unexpected error ended it (one line shown, the log has where)
        return int(ExitCode.INTERNAL)
    return int(result) if result is not None else int(ExitCode.OK)
