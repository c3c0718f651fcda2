"""``login``, ``logout``, ``passwd``, ``recover`` against the real reference server."""

from __future__ import annotations

import base64
import socket
from pathlib import Path

import pytest

from census_tui.exitcodes import ExitCode
from census_tui.store import (
    META_TOKEN,
    META_TRAINING,
    WrongPassword,
    generate_recovery_keypair,
    profile_exists,
)
from tests.cli.conftest import (
    NEW_PASSWORD,
    PASSWORD,
    Site,
    offline_profile,
    online_profile,
    plant_canaries,
    reopen,
    run,
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_first_login_creates_the_profile_with_a_recovery_slot(home: Path, site: Site) -> None:
    # initial password, a new one (twice at the prompt), then the real-name check
    answers = f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n测试普查员\n310104198812240043\n"
    result = run(
        ["login", "--server", site.url, "--user", "newbie"], password="initial-1", input=answers
    )
    assert result.exit_code == ExitCode.OK, result.output
    assert NEW_PASSWORD not in result.output and "310104198812240043" not in result.output
    assert profile_exists("newbie", base=home)
    envelope = (home / "profiles" / "newbie" / "envelope.json").read_text()
    assert '"recovery": {' in envelope
    again = run(
        ["login", "--server", site.url, "--user", "newbie", "--json"], password=NEW_PASSWORD
    )
    assert again.exit_code == ExitCode.OK, again.output
    assert '"first_login": false' in again.output


def test_login_errors(home: Path, site: Site) -> None:
    wrong = run(["login", "--server", site.url, "--user", "alice"], password="wrong-pass-1")
    assert wrong.exit_code == ExitCode.AUTH
    assert not profile_exists("alice", base=home)
    gone = run(
        ["login", "--server", f"http://127.0.0.1:{_closed_port()}", "--user", "alice"],
        password=PASSWORD,
    )
    assert gone.exit_code == ExitCode.NETWORK, gone.output
    plain = run(
        ["login", "--server", "http://census.example.org", "--user", "alice"], password=PASSWORD
    )
    assert plain.exit_code == ExitCode.BAD_INPUT
    assert "https://" in plain.output


def test_logout_refuses_with_unsynced_work_and_says_how_much(home: Path, site: Site) -> None:
    store = online_profile(site, home)
    plant_canaries(store)
    store.close()
    refused = run(["logout"], password=PASSWORD)
    assert refused.exit_code == ExitCode.CONFLICT
    assert "1 item(s)" in refused.output
    with reopen(home) as s:
        assert s.get_meta(META_TOKEN)
    forced = run(["logout", "--force"], password=PASSWORD)
    assert forced.exit_code == ExitCode.OK, forced.output
    with reopen(home) as s:
        assert s.get_meta(META_TOKEN) is None and s.outbox_depth() == 1


def test_logout_without_unsynced_work_and_without_profile(home: Path, site: Site) -> None:
    assert run(["logout"], password=PASSWORD).exit_code == ExitCode.NO_PROFILE
    online_profile(site, home).close()
    assert run(["logout"], password="wrong-pass-1").exit_code == ExitCode.AUTH
    result = run(["logout"], password=PASSWORD, lang="zh")
    assert result.exit_code == ExitCode.OK and "已注销" in result.output


def test_passwd_changes_server_and_device(home: Path, site: Site) -> None:
    online_profile(site, home).close()
    result = run(["passwd"], password=PASSWORD, new_password=NEW_PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    reopen(home, NEW_PASSWORD).close()
    assert site.db.login("alice", NEW_PASSWORD) is not None
    weak = run(["passwd"], password=NEW_PASSWORD, new_password="short")
    assert weak.exit_code == ExitCode.BAD_INPUT
    reopen(home, NEW_PASSWORD).close()


def test_passwd_offline_is_refused_and_changes_nothing(home: Path, site: Site) -> None:
    store = online_profile(site, home)
    store.set_meta("server_url", f"http://127.0.0.1:{_closed_port()}")
    store.close()
    result = run(["passwd"], password=PASSWORD, new_password=NEW_PASSWORD)
    assert result.exit_code == ExitCode.NETWORK
    assert "nothing was changed" in result.output
    reopen(home, PASSWORD).close()


def test_recover_with_the_office_key_keeps_unsynced_work(
    home: Path, site: Site, tmp_path: Path
) -> None:
    store = online_profile(site, home)
    plant_canaries(store)
    store.close()
    key_file = tmp_path / "office.key"
    key_file.write_text(base64.b64encode(site.office_private_key()).decode())
    result = run(["recover", "--key", str(key_file)], new_password=NEW_PASSWORD)
    assert result.exit_code == ExitCode.OK, result.output
    with reopen(home, NEW_PASSWORD) as s:
        assert s.outbox_depth() == 1
    with pytest.raises(WrongPassword):
        reopen(home, PASSWORD)


def test_recover_refuses_without_the_office_key(home: Path, site: Site, tmp_path: Path) -> None:
    online_profile(site, home).close()
    other_private, _ = generate_recovery_keypair()
    wrong = tmp_path / "wrong.key"
    wrong.write_bytes(other_private)
    result = run(["recover", "--key", str(wrong)], new_password=NEW_PASSWORD)
    assert result.exit_code == ExitCode.AUTH
    reopen(home, PASSWORD).close()
    junk = tmp_path / "junk.key"
    junk.write_text("not a key")
    assert run(["recover", "--key", str(junk)], new_password=NEW_PASSWORD).exit_code == (
        ExitCode.BAD_INPUT
    )


def test_recover_without_a_recovery_slot(home: Path, tmp_path: Path) -> None:
    offline_profile(home).close()
    private, _ = generate_recovery_keypair()
    key_file = tmp_path / "k.key"
    key_file.write_bytes(private)
    result = run(["recover", "--key", str(key_file)], new_password=NEW_PASSWORD)
    assert result.exit_code == ExitCode.STORE
    assert "recovery slot" in result.output
    assert (
        run(
            ["recover", "--key", str(key_file), "--profile", "nobody"], new_password=NEW_PASSWORD
        ).exit_code
        == ExitCode.NO_PROFILE
    )


def test_login_again_to_a_server_of_the_other_mode_is_refused(home: Path, site: Site) -> None:
    """Issue 16 item 18: a real profile logging in again where a training server answers."""
    online_profile(site, home).close()
    site.db.set_training(True)
    refused = run(["login", "--server", site.url, "--user", "alice"], password=PASSWORD)
    assert refused.exit_code == ExitCode.CONFLICT, refused.output
    assert "training server" in refused.output
    zh = run(["login", "--server", site.url, "--user", "alice"], password=PASSWORD, lang="zh")
    assert "培训服务器" in zh.output
    with reopen(home) as store:
        assert store.get_meta(META_TRAINING) == "0"
