"""``diag``'s ``server.tls`` over real TLS on 127.0.0.1: it trusts what sync trusts (the CA file
pinned in the profile) and gives a clear remedy for an untrusted, expired or wrong-host
certificate, or a pinned CA file that went missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from census_tui.exitcodes import ExitCode
from census_tui.server.run import ServerThread
from census_tui.server.storage import ServerDB
from census_tui.store import META_SERVER_URL
from census_tui.sync.pins import META_CA_PEM
from tests.cli.conftest import PASSWORD, reopen, run
from tests.cli.tls_site import https_site, pki, server_db
from tests.sync.tls_support import Pki, ServerCert, tls_server

__all__ = ["https_site", "pki", "server_db"]


def _server_results(output: str) -> dict[str, dict[str, object]]:
    doc = json.loads(output)
    return {r["id"]: r for r in doc["results"] if str(r["id"]).startswith("server.")}


def _login(url: str, ca: Path) -> None:
    args = ["login", "--server", url, "--user", "alice", "--ca-file", str(ca)]
    result = run(args, password=PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output


def _diag_against(server_db: ServerDB, home: Path, cert: ServerCert, lang: str = "en") -> str:
    """``diag --json`` with the password, the profile pointed at a server with ``cert``."""
    with tls_server(server_db, cert) as server:
        with reopen(home) as store:
            store.set_meta(META_SERVER_URL, server.url)
        result = run(["diag", "--json"], password=PASSWORD, lang=lang)
    assert result.exit_code in (ExitCode.OK, ExitCode.FINDINGS), result.output
    return result.output


def test_tls_ok_with_the_profiles_ca(home: Path, pki: Pki, https_site: ServerThread) -> None:
    _login(https_site.url, pki.ca.pem)
    result = run(["diag", "--json"], password=PASSWORD)
    got = _server_results(result.output)
    assert got["server.reachable"]["result"] == "ok", got
    assert got["server.tls"]["result"] == "ok"
    assert got["server.tls"]["data"] == {"pinned": True}
    assert got["server.latency"]["result"] == "ok"
    assert got["server.clock_skew"]["result"] == "ok"


def test_without_the_ca_the_certificate_is_not_trusted(
    home: Path, https_site: ServerThread
) -> None:
    """``--server`` without a profile: the default trust, which lacks the office's CA."""
    result = run(["diag", "--json", "--server", https_site.url])
    assert result.exit_code == ExitCode.FINDINGS, result.output
    tls = _server_results(result.output)["server.tls"]
    assert tls["result"] == "fail"
    assert "not trusted" in str(tls["detail"]) and "--ca-file" in str(tls["remedy"])
    assert _server_results(result.output)["server.clock_skew"]["result"] == "skipped"


def test_expired_certificate_fails_with_a_date_remedy(
    home: Path, pki: Pki, server_db: ServerDB, https_site: ServerThread
) -> None:
    _login(https_site.url, pki.ca.pem)
    tls = _server_results(_diag_against(server_db, home, pki.expired))["server.tls"]
    assert tls["result"] == "fail" and "expired" in str(tls["detail"])
    assert "date and time" in str(tls["remedy"]) and "renewed" in str(tls["remedy"])
    zh = _server_results(_diag_against(server_db, home, pki.expired, "zh"))["server.tls"]
    assert "过期" in str(zh["detail"]) and "日期" in str(zh["remedy"])


def test_wrong_host_certificate_fails(
    home: Path, pki: Pki, server_db: ServerDB, https_site: ServerThread
) -> None:
    _login(https_site.url, pki.ca.pem)
    got = _server_results(_diag_against(server_db, home, pki.wrong_host))
    assert got["server.tls"]["result"] == "fail" and got["server.tls"]["remedy"]
    assert got["server.reachable"]["result"] == "ok"  # it answered; its certificate is wrong


def test_missing_pinned_ca_file_fails_without_contacting_the_server(
    home: Path, pki: Pki, https_site: ServerThread, tmp_path: Path
) -> None:
    ca = tmp_path / "office-ca.pem"
    shutil.copy(pki.ca.pem, ca)
    _login(https_site.url, ca)
    ca.unlink()
    # the profile pinned the CA's text at login: the file is no longer needed
    pinned = _server_results(run(["diag", "--json"], password=PASSWORD).output)
    assert pinned["server.tls"]["result"] == "ok" and pinned["server.tls"]["data"] == {
        "pinned": True
    }
    with reopen(home) as store:  # a profile from before the pin: only the file's path
        store.set_meta(META_CA_PEM, None)
    result = run(["diag", "--json"], password=PASSWORD)
    assert result.exit_code == ExitCode.FINDINGS, result.output
    got = _server_results(result.output)
    assert got["server.tls"]["result"] == "fail"
    assert "CA certificate file" in str(got["server.tls"]["detail"])
    assert "--ca-file" in str(got["server.tls"]["remedy"])
    assert got["server.reachable"]["result"] == "skipped"


def test_support_can_check_a_server_against_the_office_ca_without_a_profile(
    home: Path, pki: Pki, https_site: ServerThread
) -> None:
    """``diag --server URL --ca-file CA``: no password, no profile, the office's CA."""
    result = run(["diag", "--json", "--server", https_site.url, "--ca-file", str(pki.ca.pem)])
    got = _server_results(result.output)
    assert got["server.tls"]["result"] == "ok", got
    assert got["server.tls"]["data"] == {"pinned": True}
