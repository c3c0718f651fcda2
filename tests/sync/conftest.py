"""Fixtures of the sync tests (defined in ``support``): ``site``, ``proxy``, ``clock``."""

from tests.sync.support import clock, proxy, site

__all__ = ["clock", "proxy", "site"]
