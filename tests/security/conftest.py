"""Fixtures of the security tests: the real reference server on 127.0.0.1 (``site``) and a
fake clock, as the sync tests have them."""

from tests.sync.support import clock, site

__all__ = ["clock", "site"]
