"""``recover``: set a new password on a device whose password was forgotten.

At the first login the data key is also sealed to the census office's X25519 recovery public
key (the envelope's second slot, ``store.envelope.wrap_for_recovery``). Support staff holding
the office's private key unseal it here and wrap it under a new password. The database is not
touched, so unsynced work survives; without that private key nothing can be recovered (the
password slot needs the password and scrypt makes guessing slow).

The store does the rewrap (``census_tui.store.recover``); this module reads the office's key
file and explains a missing slot. This changes the local password only. The server account's
password is reset by the census office through its own procedure; the token stored in the
profile keeps sync working meanwhile.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from census_tui.errors import BadInput, StoreError
from census_tui.i18n import Msg
from census_tui.store import envelope as env_mod
from census_tui.store.store import ENVELOPE_FILE

MAX_KEY_FILE = 16 * 1024

MSG_KEY_FILE_UNREADABLE = Msg(
    "无法读取私钥文件，或其格式不对（应为 32 字节 X25519 私钥：原始、Base64、十六进制或 PEM）。",
    "The private key file cannot be read or has the wrong form (an X25519 private key: raw "
    "32 bytes, Base64, hex or PEM).",
)
MSG_NO_RECOVERY_SLOT = Msg(
    "这个档案没有恢复槽（首次登录时服务器未提供恢复公钥），无法恢复。",
    "This profile has no recovery slot (the server sent no recovery key at the first login), "
    "so it cannot be recovered.",
)


def read_private_key(path: Path) -> bytes:
    """The 32 raw bytes of an X25519 private key from a file in any of the usual forms."""
    try:
        data = path.expanduser().read_bytes()
    except OSError:
        raise BadInput(MSG_KEY_FILE_UNREADABLE) from None
    if len(data) > MAX_KEY_FILE:
        raise BadInput(MSG_KEY_FILE_UNREADABLE)
    if len(data) == 32:
        return data
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        try:
            key = serialization.load_pem_private_key(text, password=None)
        except (ValueError, TypeError):
            raise BadInput(MSG_KEY_FILE_UNREADABLE) from None
        if not isinstance(key, X25519PrivateKey):
            raise BadInput(MSG_KEY_FILE_UNREADABLE)
        return key.private_bytes_raw()
    for decode in (bytes.fromhex, _b64):
        try:
            raw = decode(text.decode("ascii"))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            continue
        if len(raw) == 32:
            return raw
    raise BadInput(MSG_KEY_FILE_UNREADABLE)


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def check_recovery_slot(directory: Path) -> None:
    """Raise a clear StoreError when the profile's envelope has no recovery slot (the store
    would otherwise call the envelope damaged). Missing files are left to the store."""
    envelope_path = directory / ENVELOPE_FILE
    if not envelope_path.is_file():
        return
    if env_mod.load(envelope_path).recovery is None:
        raise StoreError(MSG_NO_RECOVERY_SLOT)
