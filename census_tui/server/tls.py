"""The server's TLS certificate and key, checked before anything is opened or bound.

``census-tui server run --certfile F --keyfile F`` serves HTTPS with uvicorn's own TLS. A file
that is missing, unreadable, not PEM, an encrypted key (uvicorn would stop and prompt for its
pass phrase), a key that does not belong to the certificate, or a certificate past its end date
is refused here with a bilingual message, before the database is opened and before the port is
bound: the server never starts half-configured. The messages name the option and never quote
the files' contents.
"""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

from census_tui.errors import BadInput
from census_tui.i18n import Msg

MAX_PEM = 1024 * 1024
"""Largest certificate (chain) or key file read (a PEM chain is a few KiB)."""

BOTH_NEEDED = Msg(
    "--certfile 与 --keyfile 须同时给出（证书与其私钥）。",
    "Give both --certfile and --keyfile (the certificate and its private key).",
)
MISSING = Msg("找不到 {option} 指定的文件：{path}", "{option}: no such file: {path}")
UNREADABLE = Msg(
    "无法读取 {option} 指定的文件（不是普通文件、无权限或过大）：{path}",
    "{option}: cannot read the file (not a regular file, no permission, or too large): {path}",
)
NOT_CERT = Msg(
    "--certfile 不是 PEM 格式的证书：{path}",
    "--certfile is not a PEM certificate: {path}",
)
NOT_KEY = Msg(
    "--keyfile 不是 PEM 格式的私钥：{path}",
    "--keyfile is not a PEM private key: {path}",
)
ENCRYPTED_KEY = Msg(
    "--keyfile 的私钥有口令保护，服务器无法无人值守启动；请提供未加密的私钥（权限 0600）。",
    "--keyfile holds a pass-phrase protected key, which cannot start unattended; give an "
    "unencrypted key (mode 0600).",
)
MISMATCH = Msg(
    "--keyfile 的私钥与 --certfile 的证书不匹配。",
    "The --keyfile key does not belong to the --certfile certificate.",
)
EXPIRED = Msg(
    "--certfile 的证书已于 {date} 过期，设备会拒绝连接；请换新证书。",
    "The --certfile certificate expired on {date}; devices would refuse it. Renew it.",
)


def _read(option: str, path: Path) -> bytes:
    try:
        if not path.exists():
            raise BadInput(MISSING.format(option=option, path=str(path)))
        if not path.is_file() or path.stat().st_size > MAX_PEM:
            raise BadInput(UNREADABLE.format(option=option, path=str(path)))
        return path.read_bytes()
    except OSError:
        raise BadInput(UNREADABLE.format(option=option, path=str(path))) from None


def check_tls_files(
    certfile: Path | None, keyfile: Path | None, *, now: dt.datetime | None = None
) -> tuple[str, str] | None:
    """``(certfile, keyfile)`` as strings for uvicorn when both are sound, ``None`` when neither
    is given (plain HTTP); :class:`BadInput` with the reason otherwise."""
    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        raise BadInput(BOTH_NEEDED)
    from cryptography import x509

    cert_pem = _read("--certfile", certfile)
    key_pem = _read("--keyfile", keyfile)
    try:
        cert = x509.load_pem_x509_certificates(cert_pem)[0]
    except ValueError:
        raise BadInput(NOT_CERT.format(path=str(certfile))) from None
    if b"ENCRYPTED" in key_pem:
        raise BadInput(ENCRYPTED_KEY)
    if b"PRIVATE KEY-----" not in key_pem:
        raise BadInput(NOT_KEY.format(path=str(keyfile)))
    when = now or dt.datetime.now(dt.UTC)
    if cert.not_valid_after_utc < when:
        raise BadInput(EXPIRED.format(date=cert.not_valid_after_utc.date().isoformat()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        # what uvicorn does at start-up; the callback refuses to prompt for a pass phrase
        context.load_cert_chain(str(certfile), str(keyfile), password=_no_pass_phrase)
    except ssl.SSLError as exc:
        reason = (exc.reason or "").upper()
        if "KEY_VALUES_MISMATCH" in reason or "MISMATCH" in reason:
            raise BadInput(MISMATCH) from None
        raise BadInput(NOT_KEY.format(path=str(keyfile))) from None
    except OSError:
        raise BadInput(UNREADABLE.format(option="--keyfile", path=str(keyfile))) from None
    return str(certfile), str(keyfile)


def _no_pass_phrase() -> str:
    raise ssl.SSLError("pass phrase protected key")


__all__ = ["check_tls_files"]
