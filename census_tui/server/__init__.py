"""The reference census server: the sync protocol of ``docs/protocol.md`` made real.

Shipped for training, demos and tests. ``storage`` (stdlib sqlite3) and ``accounts`` have no
web dependency; ``app`` builds the Starlette application and ``run`` starts uvicorn. Only the
commands that run a server import ``app``/``run``, so the TUI never pays for Starlette.
"""
