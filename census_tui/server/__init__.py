"""The reference census server: the sync protocol of ``docs/protocol.md`` made real.

Shipped for training, demos and tests, and for a census office on its own PostgreSQL.
``storage`` (the interface and its SQLite backend), ``pg_storage`` (PostgreSQL, psycopg 3,
imported only for a ``postgresql://`` database), ``migrations`` and ``accounts`` have no web
dependency; ``app`` builds the Starlette application and ``run`` starts uvicorn. Only the
commands that run a server import ``app``/``run``, so the TUI never pays for Starlette.
"""
