"""The online first login (首次登录), shared by ``census-tui login`` and the TUI.

FIELDWORK.md: log in with the assigned account and initial password, change the initial
password, pass real-name verification (实名认证), then work. DESIGN.md Accounts: the profile is
created only at the end, under the account's (new) password, with the server's token and the
enumerator's card stored inside the encrypted database, and the envelope's recovery slot wrapped
to the census office's public key. Later unlocks are offline (``store.unlock``).

Usage (the TUI asks between the steps; the CLI uses :func:`first_login` with callbacks)::

    flow = begin_first_login(url, account, password, clock=clock)
    if flow.must_change_password: flow.change_password(new)
    if flow.must_verify_identity: flow.verify_identity(name, id_number)
    store = flow.finish()
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from pathlib import Path

from census_tui import paths
from census_tui.clock import Clock
from census_tui.errors import AuthError, BadInput
from census_tui.store import (
    META_ACCOUNT,
    META_AREA,
    META_ENUMERATOR_CARD,
    META_SERVER_URL,
    META_TOKEN,
    META_TRAINING,
    KdfParams,
    Store,
    create_profile,
)
from census_tui.sync import messages as m
from census_tui.sync.api import SyncApi
from census_tui.sync.engine import META_CA_FILE
from census_tui.sync.schema import BadAnswer, Card, LoginAnswer
from census_tui.sync.transport import RetryPolicy


class FirstLogin:
    """A first login in progress. Matches ``census_tui.visit.api.FirstLogin`` (``finish``
    returns the :class:`Store`; the visit layer wraps it in a session)."""

    def __init__(
        self,
        api: SyncApi,
        answer: LoginAnswer,
        account: str,
        password: str,
        *,
        clock: Clock,
        base: Path | None,
        kdf: KdfParams | None,
        ca_file: str | None,
    ) -> None:
        self._api = api
        self._answer = answer
        self._account = account
        self._password = password
        self._clock = clock
        self._base = base
        self._kdf = kdf
        self._ca_file = ca_file
        self.must_change_password = answer.must_change_password
        self.must_verify_identity = not answer.verified
        self.training = answer.training
        self.card: Card = answer.card

    def change_password(self, new_password: str) -> None:
        """Change the initial password on the server (online). Safe to call again after a lost
        answer: if the server already took the new password, logging in with it proves it."""
        try:
            self._api.change_password(self._password, new_password)
        except AuthError:
            try:
                self._answer = self._api.login(self._account, new_password)
            except AuthError:
                raise AuthError(m.BAD_CREDENTIALS) from None
        self._password = new_password
        self.must_change_password = False

    def verify_identity(self, name: str, id_number: str) -> None:
        """Real-name verification: the server compares with the account's record."""
        self._api.verify_real_name(name, id_number)
        self.must_verify_identity = False

    def finish(self) -> Store:
        """Create the profile under the account's current password and store the login in it."""
        if self.must_change_password:
            raise AuthError(m.MUST_CHANGE)
        if self.must_verify_identity:
            raise AuthError(m.MUST_VERIFY)
        try:
            recovery = base64.b64decode(self._answer.recovery_public_key, validate=True)
        except (binascii.Error, ValueError):
            raise BadAnswer("login: recovery_public_key") from None
        if len(recovery) != 32:
            raise BadAnswer("login: recovery_public_key")
        store = create_profile(
            profile_name(self._account),
            self._password,
            base=self._base,
            clock=self._clock,
            kdf=self._kdf,
            recovery_public_key=recovery,
        )
        try:
            with store.transaction():
                save_login(store, self._api.base_url, self._answer, ca_file=self._ca_file)
                store.add_sync_log("login", "ok")
        except BaseException:
            store.close()
            raise
        self._api.close()
        return store

    def close(self) -> None:
        self._api.close()


def profile_name(account: str) -> str:
    """The local profile name for an account."""
    try:
        return paths.safe_profile_name(account)
    except ValueError:
        raise BadInput(m.BAD_CREDENTIALS) from None


def save_login(store: Store, url: str, answer: LoginAnswer, *, ca_file: str | None) -> None:
    """Token, server, card and training flag into the encrypted store (meta)."""
    store.set_meta(META_ACCOUNT, answer.account)
    store.set_meta(META_SERVER_URL, url)
    store.set_meta(META_TOKEN, answer.token)
    store.set_meta(META_ENUMERATOR_CARD, json.dumps(answer.card.to_dict(), ensure_ascii=False))
    store.set_meta(META_TRAINING, "1" if answer.training else "0")
    if answer.card.area_id and not store.get_meta(META_AREA):
        store.set_meta(META_AREA, answer.card.area_id)
    store.set_meta(META_CA_FILE, ca_file)


def begin_first_login(
    server_url: str,
    account: str,
    password: str,
    *,
    clock: Clock,
    base: Path | None = None,
    kdf: KdfParams | None = None,
    ca_file: str | None = None,
    policy: RetryPolicy | None = None,
) -> FirstLogin:
    """Log in online with the assigned account; the steps still due are on the result."""
    profile_name(account)
    api = SyncApi(server_url, clock=clock, ca_file=ca_file, policy=policy)
    try:
        answer = api.login(account, password)
    except BaseException:
        api.close()
        raise
    return FirstLogin(
        api, answer, account, password, clock=clock, base=base, kdf=kdf, ca_file=ca_file
    )


def first_login(
    server_url: str,
    account: str,
    password: str,
    *,
    ask_new_password: Callable[[], str],
    ask_real_name: Callable[[], tuple[str, str]],
    clock: Clock,
    base: Path | None = None,
    kdf: KdfParams | None = None,
    ca_file: str | None = None,
    policy: RetryPolicy | None = None,
) -> Store:
    """The whole first login with callbacks for the two questions (the CLI's form)."""
    flow = begin_first_login(
        server_url,
        account,
        password,
        clock=clock,
        base=base,
        kdf=kdf,
        ca_file=ca_file,
        policy=policy,
    )
    try:
        if flow.must_change_password:
            flow.change_password(ask_new_password())
        if flow.must_verify_identity:
            name, id_number = ask_real_name()
            flow.verify_identity(name, id_number)
        return flow.finish()
    finally:
        flow.close()


def renew_token(
    store: Store, password: str, *, clock: Clock, policy: RetryPolicy | None = None
) -> None:
    """Log in again (online) with the profile's password when the server refused the token."""
    url, account = store.get_meta(META_SERVER_URL), store.get_meta(META_ACCOUNT)
    if not url or not account:
        raise AuthError(m.NOT_LOGGED_IN)
    with SyncApi(
        url, clock=clock, policy=policy, ca_file=store.get_meta(META_CA_FILE) or None
    ) as api:
        answer = api.login(account, password)
        if answer.must_change_password or not answer.verified:
            raise AuthError(m.MUST_CHANGE if answer.must_change_password else m.MUST_VERIFY)
        save_login(store, url, answer, ca_file=store.get_meta(META_CA_FILE))
