"""Fixtures of the event tests: the sync tests' ``site``, ``proxy`` and ``clock``, and the
supervisor tests' ``office`` (both backends)."""

from tests.supervisor.conftest import office
from tests.sync.support import clock, proxy, site

__all__ = ["clock", "office", "proxy", "site"]
