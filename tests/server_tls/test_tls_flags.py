"""``census-tui server run --certfile/--keyfile`` refuses bad TLS files before it opens the
database or binds the port: a clear message in both languages, exit code 2, nothing created.

Everything here fails before the server would start, so the real CLI runs in-process; the
working server is tests/server_tls/test_server_run_tls.py.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import trustme
from cryptography.hazmat.primitives import serialization
from typer.testing import CliRunner

from census_tui.cli import build_app
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Lang, Msg
from census_tui.server import tls
from tests.server_tls.conftest import Pki


@pytest.fixture
def files(pki: Pki, tmp_path: Path) -> dict[str, Path]:
    junk = tmp_path / "junk.pem"
    junk.write_text("not PEM at all\n")
    ca = trustme.CA()
    old = ca.issue_cert(
        "127.0.0.1",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2020, 12, 31, tzinfo=dt.UTC),
    )
    old.cert_chain_pems[0].write_to_path(str(tmp_path / "old.crt"))
    old.private_key_pem.write_to_path(str(tmp_path / "old.key"))
    key = serialization.load_pem_private_key(pki.keyfile.read_bytes(), password=None)
    (tmp_path / "locked.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pass phrase"),
        )
    )
    return {
        "cert": pki.certfile,
        "key": pki.keyfile,
        "stray_key": pki.other_keyfile,
        "junk": junk,
        "missing": tmp_path / "nowhere.pem",
        "folder": tmp_path,
        "old_cert": tmp_path / "old.crt",
        "old_key": tmp_path / "old.key",
        "locked_key": tmp_path / "locked.key",
    }


CASES = [
    # (certfile, keyfile, the message)
    ("cert", None, tls.BOTH_NEEDED),
    (None, "key", tls.BOTH_NEEDED),
    ("missing", "key", tls.MISSING),
    ("cert", "missing", tls.MISSING),
    ("folder", "key", tls.UNREADABLE),
    ("cert", "folder", tls.UNREADABLE),
    ("junk", "key", tls.NOT_CERT),
    ("key", "key", tls.NOT_CERT),
    ("cert", "junk", tls.NOT_KEY),
    ("cert", "cert", tls.NOT_KEY),
    ("cert", "locked_key", tls.ENCRYPTED_KEY),
    ("cert", "stray_key", tls.MISMATCH),
    ("old_cert", "old_key", tls.EXPIRED),
]


def _fixed_text(msg: Msg, lang: Lang) -> str:
    """The longest part of a message without a placeholder (the file's path varies)."""
    return max(re.split(r"\{[a-z]+\}", msg(lang)), key=len).strip()


@pytest.mark.parametrize(("cert", "key", "msg"), CASES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_tls_files_are_refused_before_anything_starts(
    files: dict[str, Path], tmp_path: Path, cert: str | None, key: str | None, msg: Msg, lang: Lang
) -> None:
    db = tmp_path / "server.db"
    args = ["--lang", lang, "server", "run", "--db", str(db), "--port", "1"]
    if cert:
        args += ["--certfile", str(files[cert])]
    if key:
        args += ["--keyfile", str(files[key])]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert _fixed_text(msg, lang) in result.output
    assert "Traceback" not in result.output and "BEGIN" not in result.output
    assert not db.exists()  # refused before the database was opened (or the port bound)


def test_the_options_may_come_before_the_subcommand(files: dict[str, Path], tmp_path: Path) -> None:
    db = tmp_path / "server.db"
    args = ["server", "--db", str(db), "--certfile", str(files["cert"])]
    result = CliRunner().invoke(build_app(), ["--lang", "en", *args, "run"])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "--keyfile" in result.output and not db.exists()


def test_sound_files_pass_the_check(files: dict[str, Path]) -> None:
    assert tls.check_tls_files(files["cert"], files["key"]) == (
        str(files["cert"]),
        str(files["key"]),
    )
    assert tls.check_tls_files(None, None) is None
