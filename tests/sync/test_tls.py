"""Sync over real TLS on 127.0.0.1: the reference server behind uvicorn's own TLS, throwaway CAs.

What must hold (issue 4, docs/protocol.md): verification always on; pinned to the office's CA
the first login and a push work over https; an untrusted, foreign-CA, expired or wrong-host
certificate is refused at once (no retries) with a clear message in both languages, and the
outbox is left exactly as it was. (``http://`` to another host is refused before any
connection by ``check_server_url``: tests/sync/test_bad_answers.py, tests/cli/test_account.py.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import BadInput, NetworkError
from census_tui.i18n import Msg
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.store import META_SERVER_URL, Store, profile_exists
from census_tui.sync import messages as m
from census_tui.sync.engine import sync_store
from census_tui.sync.login import begin_first_login, renew_token
from census_tui.sync.pins import META_CA_FILE, META_CA_PEM
from census_tui.sync.transport import CA_FILE_BAD, TLS_DATE
from tests.sync.support import (
    AREA_A,
    CHEAP_KDF,
    FAST,
    PASSWORD_A,
    assert_exactly_once,
    enqueue_households,
)
from tests.sync.tls_support import (
    LOOPBACK_NAMES,
    Pki,
    ServerCert,
    make_pki,
    make_server_cert,
    tls_server,
)

NEWBIE_AREA = "110105001001009"
NEWBIE_NAME, NEWBIE_ID = "新来普查员", "110101199003070011"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ServerDB]:
    server_db = ServerDB(tmp_path / "server.db")
    yield server_db
    server_db.close()


@pytest.fixture
def dwellings(db: ServerDB) -> list[str]:
    add_enumerator(
        db, "newbie", "initial-1", NEWBIE_AREA, dwellings=3, name=NEWBIE_NAME, id_number=NEWBIE_ID
    )
    return add_enumerator(db, "alice", PASSWORD_A, AREA_A, dwellings=5, ready=True)


def _profile(url: str, base: Path, clock: FakeClock, ca: Path) -> Store:
    flow = begin_first_login(
        url,
        "alice",
        PASSWORD_A,
        clock=clock,
        base=base,
        kdf=CHEAP_KDF,
        ca_file=str(ca),
        policy=FAST,
    )
    return flow.finish()


def _outbox(store: Store) -> list[tuple[int, str, int, bytes, int, str]]:
    return [
        (i.id, i.case_uuid, i.revision, i.payload, i.attempts, i.last_error)
        for i in store.outbox_pending(1000)
    ]


def _says_certificate(msg: Msg) -> None:
    assert "证书" in msg.zh and "certificate" in msg.en


def test_pinned_first_login_and_push_over_https(
    pki: Pki, db: ServerDB, dwellings: list[str], tmp_path: Path
) -> None:
    clock = FakeClock()
    with tls_server(db, pki.good) as server:
        # The whole first login (initial password changed, real name checked) over TLS.
        flow = begin_first_login(
            server.url,
            "newbie",
            "initial-1",
            clock=clock,
            base=tmp_path / "newbie-home",
            kdf=CHEAP_KDF,
            ca_file=str(pki.ca.pem),
            policy=FAST,
        )
        assert flow.must_change_password and flow.must_verify_identity
        flow.change_password("newbie-pass-9")
        flow.verify_identity(NEWBIE_NAME, NEWBIE_ID)
        newbie = flow.finish()
        assert newbie.get_meta(META_CA_FILE) == str(pki.ca.pem)
        assert newbie.get_meta(META_CA_PEM) == pki.ca.pem.read_text()
        assert sync_store(newbie, clock=clock, policy=FAST).error is None
        assert len(newbie.dwellings()) == 3
        newbie.close()
        # A push of completed households, acknowledged, exactly once on the server.
        store = _profile(server.url, tmp_path / "home", clock, pki.ca.pem)
        sent = enqueue_households(store, dwellings, 4)
        summary = sync_store(store, clock=clock, policy=FAST)
        assert summary.error is None and summary.acked == 4, summary.to_dict()
        assert store.outbox_depth() == 0
        store.close()
    assert_exactly_once(db, sent)


def test_localhost_name_is_verified_too(pki: Pki, db: ServerDB, dwellings: list[str]) -> None:
    from census_tui.sync.api import SyncApi

    with tls_server(db, pki.good) as server:
        url = f"https://localhost:{server.port}"
        with SyncApi(url, clock=FakeClock(), ca_file=str(pki.ca.pem), policy=FAST) as api:
            assert api.info().api_version == 1


@pytest.mark.parametrize(
    ("cert", "ca", "message"),
    [
        ("good", None, m.TLS),  # httpx's default trust: the office CA is not in it
        ("good", "other_ca", m.TLS),  # pinned to an unrelated CA
        ("expired", "ca", TLS_DATE),
        ("wrong_host", "ca", m.TLS),
    ],
)
def test_untrusted_certificate_refuses_first_login(
    pki: Pki,
    db: ServerDB,
    dwellings: list[str],
    tmp_path: Path,
    cert: str,
    ca: str | None,
    message: Msg,
) -> None:
    clock = FakeClock()
    server_cert: ServerCert = getattr(pki, cert)
    ca_file = str(getattr(pki, ca).pem) if ca else None
    before = clock.monotonic()
    with tls_server(db, server_cert) as server, pytest.raises(NetworkError) as refused:
        begin_first_login(
            server.url,
            "alice",
            PASSWORD_A,
            clock=clock,
            base=tmp_path / "home",
            kdf=CHEAP_KDF,
            ca_file=ca_file,
            policy=FAST,
        )
    assert refused.value.msg == message
    _says_certificate(refused.value.msg)
    assert clock.monotonic() == before  # refused at once: no backoff, no retries
    assert not profile_exists("alice", base=tmp_path / "home")
    assert db.households() == []


@pytest.mark.parametrize(
    ("cert", "ca", "message"),
    [
        ("good", None, m.TLS),
        ("good", "other_ca", m.TLS),
        ("expired", "ca", TLS_DATE),
        ("wrong_host", "ca", m.TLS),
    ],
)
def test_untrusted_certificate_refuses_sync_and_keeps_the_outbox(
    pki: Pki,
    db: ServerDB,
    dwellings: list[str],
    tmp_path: Path,
    cert: str,
    ca: str | None,
    message: Msg,
) -> None:
    """A profile made against the good certificate; then the server (or the pin) changes: a
    network that intercepts, a certificate left to expire, the wrong host behind the name."""
    clock = FakeClock()
    with tls_server(db, pki.good) as server:
        store = _profile(server.url, tmp_path / "home", clock, pki.ca.pem)
    enqueue_households(store, dwellings, 3)
    before = _outbox(store)
    # the pin is the CA text inside the encrypted database (the file's path is not trusted)
    store.set_meta(META_CA_PEM, getattr(pki, ca).pem.read_text() if ca else None)
    store.set_meta(META_CA_FILE, None)
    bad: ServerCert = getattr(pki, cert)
    with tls_server(db, bad) as server:
        store.set_meta(META_SERVER_URL, server.url)  # a new port each start
        summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.error == message, summary.to_dict()
    _says_certificate(summary.error)
    assert summary.sent == 0 and summary.acked == 0
    assert _outbox(store) == before
    assert "certificate" in store.sync_log(1)[0].error
    store.close()
    assert db.households() == []


def test_expired_message_points_at_the_date() -> None:
    assert "过期" in TLS_DATE.zh and "日期" in TLS_DATE.zh
    assert "expired" in TLS_DATE.en and "date" in TLS_DATE.en


def test_missing_or_bad_ca_file_is_bad_input_not_a_crash(
    pki: Pki, db: ServerDB, dwellings: list[str], tmp_path: Path
) -> None:
    clock = FakeClock()
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with tls_server(db, pki.good) as server:
        for ca in (tmp_path / "missing.pem", junk):
            with pytest.raises(BadInput) as refused:
                begin_first_login(
                    server.url, "alice", PASSWORD_A, clock=clock, ca_file=str(ca), policy=FAST
                )
            assert refused.value.msg == CA_FILE_BAD
        store = _profile(server.url, tmp_path / "home", clock, pki.ca.pem)
        enqueue_households(store, dwellings, 2)
        before = _outbox(store)
        # a profile from before the pin (only the path), whose CA file has gone
        store.set_meta(META_CA_PEM, None)
        store.set_meta(META_CA_FILE, str(tmp_path / "moved-away.pem"))
        summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.error == CA_FILE_BAD
    assert _outbox(store) == before
    store.close()
    assert db.households() == []


@pytest.fixture
def impostor(pki: Pki, tmp_path: Path) -> ServerCert:
    """A server certificate for 127.0.0.1 from the unrelated CA: an impostor's server."""
    now = dt.datetime.now(dt.UTC)
    (tmp_path / "impostor").mkdir()
    return make_server_cert(
        tmp_path / "impostor",
        "impostor",
        pki.other_ca,
        names=LOOPBACK_NAMES,
        not_before=now - dt.timedelta(hours=1),
        not_after=now + dt.timedelta(days=1),
    )


def test_overwriting_the_ca_file_does_not_move_the_pin(
    pki: Pki, db: ServerDB, dwellings: list[str], tmp_path: Path, impostor: ServerCert
) -> None:
    """Issue 16 item 19: the pinned CA file is overwritten with the impostor's CA; sync and a
    renewed login refuse the impostor's server, so the token and the password never reach it."""
    clock = FakeClock()
    ca_copy = tmp_path / "office-ca.pem"
    ca_copy.write_bytes(pki.ca.pem.read_bytes())
    with tls_server(db, pki.good) as server:
        store = _profile(server.url, tmp_path / "home", clock, ca_copy)
    enqueue_households(store, dwellings, 2)
    before = _outbox(store)
    ca_copy.write_bytes(pki.other_ca.pem.read_bytes())  # the file now names the impostor's CA
    impostor_db = ServerDB(tmp_path / "impostor.db")
    add_enumerator(impostor_db, "alice", PASSWORD_A, AREA_A, dwellings=2, ready=True)
    try:
        with tls_server(impostor_db, impostor) as server:
            store.set_meta(META_SERVER_URL, server.url)
            summary = sync_store(store, clock=clock, policy=FAST)
            assert summary.error == m.TLS, summary.to_dict()
            with pytest.raises(NetworkError) as refused:
                renew_token(store, PASSWORD_A, clock=clock, policy=FAST)
            assert refused.value.msg == m.TLS
        assert _outbox(store) == before
        assert impostor_db.households() == []
    finally:
        store.close()
        impostor_db.close()


def test_a_profile_from_before_the_pin_pins_its_file_at_the_next_connection(
    pki: Pki, db: ServerDB, dwellings: list[str], tmp_path: Path
) -> None:
    clock = FakeClock()
    ca_copy = tmp_path / "office-ca.pem"
    ca_copy.write_bytes(pki.ca.pem.read_bytes())
    with tls_server(db, pki.good) as server:
        store = _profile(server.url, tmp_path / "home", clock, ca_copy)
        store.set_meta(META_CA_PEM, None)  # as an older version left it: only the path
        assert sync_store(store, clock=clock, policy=FAST).error is None
        assert store.get_meta(META_CA_PEM) == pki.ca.pem.read_text()
        ca_copy.write_bytes(pki.other_ca.pem.read_bytes())
        assert sync_store(store, clock=clock, policy=FAST).error is None  # still the office CA
    store.close()
