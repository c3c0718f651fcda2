"""The one module that touches private Textual names; everything else uses the public API.

Each name has a reason, a test in ``tests/tui/test_tui_compat.py`` that fails loudly when a
Textual release changes it, and a fallback to Textual's own behaviour when it is gone:

* ``App._handle_exception``: the hook Textual calls with an exception nobody handled. Reason:
  Textual's own handler prints a traceback with local variables, which can hold answers; the app
  ends with one line instead (:meth:`QuietCrashApp.crash`, public API only). Fallback: if Textual
  stops calling it, its stock handler runs (the app still exits, with Textual's traceback).
* ``App._exception`` and ``App._exception_event``: where Textual's test harness (``run_test``,
  ``Pilot``) looks for that exception. Reason: tests see a crash as Textual reports it (raised
  from ``run_test``, Pilot's waits end). Fallback: skipped when absent (only tests notice).
"""

from __future__ import annotations

import inspect

from textual.app import App

PRIVATE_NAMES = ("_handle_exception", "_exception", "_exception_event")
"""Every private Textual name census_tui uses (all of them on ``App``)."""


def changed_private_names() -> list[str]:
    """The private names above that this Textual release no longer has as used here (empty
    when all are as expected): checked by the tests, so an upgrade that changes one fails."""
    app = App[None]()
    changed = [name for name in PRIVATE_NAMES if not hasattr(app, name)]
    hook = getattr(App, "_handle_exception", None)
    if hook is not None and list(inspect.signature(hook).parameters) != ["self", "error"]:
        changed.append("_handle_exception(self, error)")
    if getattr(app, "_exception", False) is not None:
        changed.append("_exception (None until a crash)")
    return changed


class QuietCrashApp(App[int]):
    """An App whose unhandled exceptions go to :meth:`crash`, never to Textual's traceback."""

    def crash(self, error: Exception) -> None:
        """End the app after an exception nobody handled (subclasses: public API only)."""
        self.exit(return_code=1)

    def _handle_exception(self, error: Exception) -> None:
        # Textual's hook for an unhandled exception (replaces its traceback printing).
        if getattr(self, "_exception", False) is None and hasattr(self, "_exception_event"):
            # Textual's test harness: run_test re-raises it, Pilot stops waiting.
            self._exception = error
            self._exception_event.set()
        self.crash(error)
