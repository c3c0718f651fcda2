"""``census-tui login --ca-file`` over real TLS on 127.0.0.1, and ``sync`` using the stored pin.

The office's CA is not in the default trust, so a sync that succeeds afterwards proves the CA
file stored in the profile is what the client trusts.
"""

from __future__ import annotations

from pathlib import Path

from census_tui.exitcodes import ExitCode
from census_tui.server.run import ServerThread
from census_tui.server.storage import ServerDB
from census_tui.store import profile_exists
from census_tui.sync.engine import META_CA_FILE
from tests.cli.conftest import AREA, PASSWORD, reopen, run
from tests.cli.tls_site import https_site, pki, server_db
from tests.sync.support import assert_exactly_once, enqueue_households
from tests.sync.tls_support import Pki

__all__ = ["https_site", "pki", "server_db"]


def _login(url: str, ca: Path | None) -> list[str]:
    args = ["login", "--server", url, "--user", "alice"]
    return [*args, "--ca-file", str(ca)] if ca else args


def test_login_with_ca_file_then_sync_uses_it(
    home: Path, pki: Pki, server_db: ServerDB, https_site: ServerThread
) -> None:
    result = run(_login(https_site.url, pki.ca.pem), password=PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    store = reopen(home)
    assert store.get_meta(META_CA_FILE) == str(pki.ca.pem)
    store.close()
    first = run(["sync", "--json"], password=PASSWORD)
    assert first.exit_code == ExitCode.OK, first.output
    store = reopen(home)
    dwellings = [d.id for d in store.dwellings()]
    sent = enqueue_households(store, dwellings, 2)
    store.close()
    second = run(["sync", "--json"], password=PASSWORD)
    assert second.exit_code == ExitCode.OK, second.output
    with reopen(home) as store:
        assert store.outbox_depth() == 0
    assert_exactly_once(server_db, sent)


def test_login_without_ca_file_is_refused_with_a_certificate_message(
    home: Path, https_site: ServerThread
) -> None:
    for lang, word in (("en", "certificate"), ("zh", "证书")):
        result = run(_login(https_site.url, None), password=PASSWORD, lang=lang)
        assert result.exit_code == ExitCode.NETWORK, result.output
        assert word in result.output
        assert "Traceback" not in result.output
    assert not profile_exists("alice", base=home)


def test_login_pinned_to_another_ca_or_a_missing_file_is_refused(
    home: Path, pki: Pki, https_site: ServerThread, tmp_path: Path
) -> None:
    other = run(_login(https_site.url, pki.other_ca.pem), password=PASSWORD)
    assert other.exit_code == ExitCode.NETWORK and "certificate" in other.output
    missing = run(_login(https_site.url, tmp_path / "nowhere.pem"), password=PASSWORD)
    assert missing.exit_code == ExitCode.BAD_INPUT, missing.output
    assert "--ca-file" in missing.output and "Traceback" not in missing.output
    assert not profile_exists("alice", base=home)


def test_sync_refuses_when_the_server_certificate_changes(
    home: Path, pki: Pki, server_db: ServerDB, https_site: ServerThread
) -> None:
    """After login the network starts presenting an expired certificate: sync says so."""
    from census_tui.store import META_SERVER_URL
    from tests.sync.tls_support import tls_server

    assert run(_login(https_site.url, pki.ca.pem), password=PASSWORD).exit_code == ExitCode.OK
    with reopen(home) as store:
        enqueue_households(store, [f"{AREA}-001"], 2)
        before = [(i.id, i.attempts, i.payload) for i in store.outbox_pending()]
    with tls_server(server_db, pki.expired) as bad:
        with reopen(home) as store:
            store.set_meta(META_SERVER_URL, bad.url)
        result = run(["sync"], password=PASSWORD)
        in_chinese = run(["sync"], password=PASSWORD, lang="zh")
    assert result.exit_code == ExitCode.NETWORK, result.output
    assert "expired" in result.output and "certificate" in result.output
    assert "过期" in in_chinese.output and "证书" in in_chinese.output
    with reopen(home) as store:
        assert [(i.id, i.attempts, i.payload) for i in store.outbox_pending()] == before
    assert server_db.households() == []
