"""A real CA made for the test by ``trustme`` (the census office's CA), an unrelated CA, and the
server's certificate and key as PEM files, as an office would hand them to
``census-tui server run --certfile/--keyfile``. Nothing is mocked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme


@dataclass(frozen=True)
class Pki:
    ca_pem: Path
    """The office CA's certificate: what a device pins at its first login (``--ca-file``)."""
    other_ca_pem: Path
    """An unrelated CA (an impostor's, or a mistake)."""
    certfile: Path
    """The server's certificate for 127.0.0.1 and localhost, issued by the office CA."""
    keyfile: Path
    """Its private key."""
    other_keyfile: Path
    """The key of another certificate (does not belong to ``certfile``)."""


@pytest.fixture(scope="package")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("trustme")
    office, other = trustme.CA(organization_name="census office"), trustme.CA()
    server = office.issue_cert("127.0.0.1", "localhost")
    stray = office.issue_cert("census.example.org")
    office.cert_pem.write_to_path(str(d / "office-ca.pem"))
    other.cert_pem.write_to_path(str(d / "other-ca.pem"))
    for i, blob in enumerate(server.cert_chain_pems):
        blob.write_to_path(str(d / "server.crt"), append=i > 0)
    server.private_key_pem.write_to_path(str(d / "server.key"))
    stray.private_key_pem.write_to_path(str(d / "stray.key"))
    for key in ("server.key", "stray.key"):
        (d / key).chmod(0o600)
    return Pki(
        d / "office-ca.pem", d / "other-ca.pem", d / "server.crt", d / "server.key", d / "stray.key"
    )
