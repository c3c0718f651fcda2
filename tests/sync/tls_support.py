"""Throwaway certificates and the real reference server over HTTPS on 127.0.0.1.

Made fresh per test session with ``cryptography`` (EC P-256 keys: fast to generate):

* ``ca``: the census office's CA (what a profile pins with ``ca_file``);
* ``good``: a server certificate from ``ca`` for 127.0.0.1 (IP SAN) and ``localhost`` (DNS SAN);
* ``other_ca``: an unrelated CA (pinning to it must refuse ``good``);
* ``expired``: from ``ca``, right names, validity ended yesterday;
* ``wrong_host``: from ``ca``, valid, but only for ``census.example.org``.

Nothing is mocked: :func:`tls_server` runs :class:`ServerThread` with uvicorn's own TLS.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from census_tui.server.run import ServerThread
from census_tui.server.storage import ServerDB

LOOPBACK_NAMES: list[x509.GeneralName] = [
    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    x509.DNSName("localhost"),
]


@dataclass(frozen=True)
class Issuer:
    """A CA: its certificate (PEM file) and key, to sign server certificates."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    pem: Path


@dataclass(frozen=True)
class ServerCert:
    """A server certificate and its key as PEM files (what uvicorn loads)."""

    cert: Path
    key: Path


@dataclass(frozen=True)
class Pki:
    ca: Issuer
    other_ca: Issuer
    good: ServerCert
    expired: ServerCert
    wrong_host: ServerCert


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "census_tui tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_ca(directory: Path, label: str) -> Issuer:
    """A self-signed CA valid from an hour ago for a day, written to ``<label>.pem``."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{label} CA"))
        .issuer_name(_name(f"{label} CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = directory / f"{label}.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Issuer(cert, key, pem)


def make_server_cert(
    directory: Path,
    label: str,
    issuer: Issuer,
    *,
    names: list[x509.GeneralName],
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> ServerCert:
    """A TLS server certificate signed by ``issuer``, written as ``<label>.crt``/``.key``."""
    key = ec.generate_private_key(ec.SECP256R1())
    ski = issuer.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(label))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(issuer.key, hashes.SHA256())
    )
    crt, key_path = directory / f"{label}.crt", directory / f"{label}.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ServerCert(crt, key_path)


def make_pki(directory: Path) -> Pki:
    """Both CAs and the three server certificates described in the module docstring."""
    directory.mkdir(parents=True, exist_ok=True)
    ca, other = make_ca(directory, "office-ca"), make_ca(directory, "other-ca")
    now = _now()
    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    return Pki(
        ca=ca,
        other_ca=other,
        good=make_server_cert(
            directory, "good", ca, names=LOOPBACK_NAMES, not_before=now - hour, not_after=now + day
        ),
        expired=make_server_cert(
            directory,
            "expired",
            ca,
            names=LOOPBACK_NAMES,
            not_before=now - 3 * day,
            not_after=now - day,
        ),
        wrong_host=make_server_cert(
            directory,
            "wrong-host",
            ca,
            names=[x509.DNSName("census.example.org")],
            not_before=now - hour,
            not_after=now + day,
        ),
    )


@contextmanager
def tls_server(db: ServerDB, cert: ServerCert) -> Iterator[ServerThread]:
    """The real reference server over HTTPS on 127.0.0.1 (``server.url`` is ``https://…``)."""
    with ServerThread(db, ssl_certfile=str(cert.cert), ssl_keyfile=str(cert.key)) as server:
        assert server.url.startswith("https://127.0.0.1:")
        yield server
