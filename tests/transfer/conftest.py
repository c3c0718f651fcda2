"""Fixtures of the allocation tests: the supervisor's office of tests/supervisor (both
backends) for the server's routes, and the sync tests' server and devices (SQLite)."""

from tests.supervisor.conftest import office
from tests.sync.support import clock, site

__all__ = ["clock", "office", "site"]
