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
from census_tui.errors import AuthError, BadInput, ConflictError
from census_tui.i18n import Msg
from census_tui.store import (
    META_ACCOUNT,
    META_AREA,
    META_CARD_KEY,
    META_ENUMERATOR_CARD,
    META_ROLE,
    META_SERVER_URL,
    META_TOKEN,
    META_TRAINING,
    KdfParams,
    Store,
    create_profile,
)
from census_tui.sync import messages as m
from census_tui.sync.api import SyncApi
from census_tui.sync.pins import check_recovery_key, pin_at_first_login, pinned_ca
from census_tui.sync.schema import BadAnswer, Card, LoginAnswer
from census_tui.sync.transport import RetryPolicy, read_ca_file

MSG_REAL_PROFILE = Msg(
    "这个档案用于正式普查，但该服务器是培训服务器：已拒绝登录，未做任何改动。"
    "请检查服务器地址；练习请使用单独的练习档案。",
    "This profile is for real census work, but this server is a training server: the login "
    "is refused and nothing was changed. Check the server address; practise in a separate "
    "practice profile.",
)
MSG_TRAINING_PROFILE = Msg(
    "这个档案用于培训练习，但该服务器是正式服务器：已拒绝登录，未做任何改动。"
    "请检查服务器地址；正式工作请用正式账户首次登录建立新档案。",
    "This profile is for training, but this server is a real census server: the login is "
    "refused and nothing was changed. Check the server address; for real work, log in with "
    "the real account to create its own profile.",
)


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
        ca_pem: str | None,
    ) -> None:
        self._api = api
        self._answer = answer
        self._account = account
        self._password = password
        self._clock = clock
        self._base = base
        self._kdf = kdf
        self._ca_file = ca_file
        self._ca_pem = ca_pem
        self.must_change_password = answer.must_change_password
        self.must_verify_identity = not answer.verified
        self.training = answer.training
        self.card: Card = answer.card

    @property
    def role(self) -> str:
        """``enumerator`` or ``supervisor``: which session the profile opens."""
        return self._answer.role

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
                save_login(store, self._api.base_url, self._answer)
                # the profile's mode is set once, here; a later login never changes it
                store.set_meta(META_TRAINING, "1" if self._answer.training else "0")
                pin_at_first_login(
                    store,
                    ca_pem=self._ca_pem,
                    ca_file=self._ca_file,
                    recovery_key=self._answer.recovery_public_key,
                )
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


def save_login(store: Store, url: str, answer: LoginAnswer) -> None:
    """Token, server, card, card key and role into the encrypted store (meta). Not the training
    flag nor the pins: those are set once, at the first login (:meth:`FirstLogin.finish`)."""
    store.set_meta(META_ACCOUNT, answer.account)
    store.set_meta(META_SERVER_URL, url)
    store.set_meta(META_TOKEN, answer.token)
    store.set_meta(META_ENUMERATOR_CARD, json.dumps(answer.card.to_dict(), ensure_ascii=False))
    store.set_meta(META_ROLE, answer.role)
    # the identity code's key: replaced by each login's; none in the answer (another role, an
    # older server) leaves none, so the device never shows a code the server would not accept
    store.set_meta(META_CARD_KEY, answer.card_key or None)
    if answer.card.area_id and not store.get_meta(META_AREA):
        store.set_meta(META_AREA, answer.card.area_id)


def check_mode(store: Store, server_training: bool) -> None:
    """ConflictError unless the server is of the profile's mode (training or real): real data
    must never go to a training server, nor practice to a real one."""
    profile_training = store.get_meta(META_TRAINING) == "1"
    if server_training != profile_training:
        raise ConflictError(MSG_REAL_PROFILE if not profile_training else MSG_TRAINING_PROFILE)


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
    # The CA file is read once: the text used for this login is the text pinned in the profile.
    ca_pem = read_ca_file(ca_file) if ca_file else None
    api = SyncApi(server_url, clock=clock, ca_pem=ca_pem, policy=policy)
    try:
        answer = api.login(account, password)
    except BaseException:
        api.close()
        raise
    return FirstLogin(
        api,
        answer,
        account,
        password,
        clock=clock,
        base=base,
        kdf=kdf,
        ca_file=ca_file,
        ca_pem=ca_pem,
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
    """Log in again (online) with the profile's password when the server refused the token.

    Over the CA pinned at the first login. Refused, with nothing changed, when the server is of
    the other mode (asked before the password is sent, and checked again in the answer) or
    offers another recovery key than the one pinned."""
    url, account = store.get_meta(META_SERVER_URL), store.get_meta(META_ACCOUNT)
    if not url or not account:
        raise AuthError(m.NOT_LOGGED_IN)
    with SyncApi(url, clock=clock, policy=policy, ca_pem=pinned_ca(store)) as api:
        check_mode(store, api.info().training)
        answer = api.login(account, password)
        if answer.must_change_password or not answer.verified:
            raise AuthError(m.MUST_CHANGE if answer.must_change_password else m.MUST_VERIFY)
        check_mode(store, answer.training)
        check_recovery_key(store, answer.recovery_public_key)
        save_login(store, url, answer)
