"""Fixtures of the CLI's TLS tests: throwaway certificates (tests.sync.tls_support) and the
real reference server over HTTPS on 127.0.0.1 with alice's ready account. Nothing is mocked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from tests.cli.conftest import AREA, PASSWORD
from tests.sync.tls_support import Pki, make_pki, tls_server


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def server_db(tmp_path: Path) -> Iterator[ServerDB]:
    db = ServerDB(tmp_path / "server.db")
    add_enumerator(db, "alice", PASSWORD, AREA, dwellings=3, ready=True)
    yield db
    db.close()


@pytest.fixture
def https_site(pki: Pki, server_db: ServerDB) -> Iterator[ServerThread]:
    """The server with the good certificate (office CA; 127.0.0.1 and localhost)."""
    with tls_server(server_db, pki.good) as server:
        yield server
