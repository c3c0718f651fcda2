"""What a profile pins at its first login, inside its encrypted database: the census office's CA
and the office's recovery public key.

Why inside the database: a path to a CA file pins nothing (whoever can write that file can put
another CA there and receive the token), and a recovery key taken from whichever server answers
would let an impostor receive every later recovery slot. The CA certificate's text is stored
(``META_CA_PEM``) and is the only trust anchor of every later connection; the file's path is
kept for people reading ``diag`` (``META_CA_FILE``). The recovery public key (base64,
``META_RECOVERY_KEY``) is stored next to it, and a later login that offers another key is
refused.

Profiles made before the pin existed hold only the path: their first connection pins the file's
content as it is then (the best that can be done for them), and their recovery key is compared
with the envelope's recovery slot.
"""

from __future__ import annotations

import base64
import hashlib

from census_tui.errors import AuthError
from census_tui.i18n import Msg
from census_tui.store import Store
from census_tui.store import envelope as env_mod
from census_tui.sync.transport import read_ca_file

META_CA_FILE = "sync_ca_file"
"""The path given with ``--ca-file`` at the first login (shown by ``diag``; not trusted)."""
META_CA_PEM = "sync_ca_pem"
"""The CA certificate (PEM text) the profile's connections trust."""
META_RECOVERY_KEY = "recovery_public_key"
"""The office's X25519 recovery public key (base64) taken at the first login."""

MSG_RECOVERY_KEY_CHANGED = Msg(
    "服务器提供的恢复公钥与首次登录时记录的不同，已拒绝登录，未做任何改动"
    "（可能连到了冒充的服务器）。请联系技术支持。",
    "The server offered a different recovery key from the one recorded at the first login; "
    "the login is refused and nothing was changed (this may be an impostor server). Call "
    "support.",
)


def pinned_ca(store: Store, *, save: bool = True) -> str | None:
    """The CA text this profile's connections trust, or ``None`` (the system's trust store).

    A profile from before the pin has only the path: the file is read now and (``save``) pinned
    for good. BadInput if that file cannot be read."""
    pem = store.get_meta(META_CA_PEM)
    if pem:
        return pem
    path = store.get_meta(META_CA_FILE)
    if not path:
        return None
    pem = read_ca_file(path)
    if save:
        store.set_meta(META_CA_PEM, pem)
    return pem


def pin_at_first_login(
    store: Store, *, ca_pem: str | None, ca_file: str | None, recovery_key: str
) -> None:
    """Store the trust of the first login: the CA text (and its path), the recovery key."""
    store.set_meta(META_CA_FILE, ca_file)
    store.set_meta(META_CA_PEM, ca_pem)
    store.set_meta(META_RECOVERY_KEY, recovery_key)


def check_recovery_key(store: Store, offered: str) -> None:
    """AuthError unless ``offered`` (base64, from a later login) is the key pinned at the first
    login, or, for a profile from before the pin, the key of its envelope's recovery slot."""
    pinned = store.get_meta(META_RECOVERY_KEY)
    if pinned is not None:
        if offered != pinned:
            raise AuthError(MSG_RECOVERY_KEY_CHANGED)
        return
    slot = env_mod.load(store.envelope_path).recovery
    if slot is None:
        return  # nothing was ever wrapped to a key: there is nothing to keep it from
    try:
        raw = base64.b64decode(offered, validate=True)
    except ValueError:
        raise AuthError(MSG_RECOVERY_KEY_CHANGED) from None
    # the slot names its key by the first 16 hex digits of the key's SHA-256 (``key_id``)
    if slot.get("key_id") != hashlib.sha256(raw).hexdigest()[:16]:
        raise AuthError(MSG_RECOVERY_KEY_CHANGED)
    store.set_meta(META_RECOVERY_KEY, offered)


__all__ = [
    "META_CA_FILE",
    "META_CA_PEM",
    "META_RECOVERY_KEY",
    "MSG_RECOVERY_KEY_CHANGED",
    "check_recovery_key",
    "pin_at_first_login",
    "pinned_ca",
]
