"""Fixtures of the storage tests: ``storage`` (an empty server database on each backend, SQLite
and PostgreSQL), and the sync fixtures (``site``, ``proxy``, ``clock``) for the representative
sync tests run on PostgreSQL. The PostgreSQL cluster is the session's throwaway one
(``tests/pg.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui.server.storage import Storage
from tests.server_security.conftest import BACKENDS, open_backend
from tests.sync.support import clock, proxy, site

__all__ = ["clock", "proxy", "site", "storage"]


@pytest.fixture(params=BACKENDS)
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    db = open_backend(request, tmp_path)
    yield db
    db.close()
