"""The key envelope: the database's random data key, wrapped, in ``envelope.json``.

Why: the database opens with a raw 256-bit key (no KDF at open, so opening is fast), while the
password only unwraps that key. Changing the password rewrites this small file atomically and
never rewrites the database.

Slots (both AES-256-GCM over the 32-byte data key, ``cryptography``'s ``AESGCM``):

* ``password``: the wrapping key is ``scrypt(password, salt, n, r, p)``. The parameters are
  stored in the file and checked against fixed bounds *before* use, so a tampered file cannot
  make us spend gigabytes or minutes. The associated data binds the format version, the profile
  name, the slot and the parameters.
* ``recovery`` (optional): sealed-box style to the census office's X25519 recovery public key:
  an ephemeral key pair, ECDH, HKDF-SHA256, AES-GCM. Support staff holding the office's private
  key can recover the data key of a device whose password was forgotten.

Integrity (format version 2): the file carries ``digest``, ``sha256:`` and the hex SHA-256 of
the canonical serialisation (:func:`canonical`) of every other field. It is checked at load,
before any KDF work and without the password, so a damaged file (a flipped bit in the wrapped
key, the nonce, the salt, the recovery slot, anything) is reported as damaged, with the offer to
restore from a backup, and never as a wrong password that would count towards the lockout. The
digest is not keyed: it catches damage, not a forger, who can recompute it; a forged file still
gains nothing, because the wrapped key is authenticated by AES-GCM and the password.

Version 1 files (no digest; written before the digest existed) are still read; their damage
cannot be told from a wrong password. :func:`needs_upgrade` tells the caller to rewrite such a
file as version 2 once it opened (same salt, nonce and wrapped key: no KDF work), and every
rewrap writes version 2 anyway. The wrapping itself (the AAD) did not change between versions.

Only a failed tag check means a wrong password (or recovery key); any other failure of the
cipher is reported as :data:`MSG_CIPHER_FAILED`, so that it never counts towards the lockout.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from census_tui.errors import StoreError
from census_tui.i18n import Msg
from census_tui.store.atomic import write_atomic
from census_tui.store.errors import MSG_ENVELOPE_DAMAGED

FORMAT = "census-tui-envelope"
VERSION = 2
"""The format written. Version 1 (no ``digest``) is read too."""
READABLE_VERSIONS = (1, 2)
WRAP_VERSION = 1
"""The version bound into the password slot's AAD: the wrapping is unchanged since version 1,
so a version 1 file upgrades without unwrapping and rewrapping."""
DIGEST_FIELD = "digest"
DIGEST_PREFIX = "sha256:"
_V2_FIELDS = frozenset({"format", "version", "profile", "password", "recovery", DIGEST_FIELD})
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16

# Bounds checked before any KDF work (memory = 128 * n * r bytes: at most 256 MiB).
N_MIN, N_MAX = 2**10, 2**17
R_MIN, R_MAX = 1, 16
P_MIN, P_MAX = 1, 4

_RECOVERY_ALG = "x25519-hkdf-sha256-aes256gcm"
_RECOVERY_INFO = b"census-tui recovery slot v1"


MSG_CIPHER_FAILED = Msg(
    "加密组件出错（不是密码错误），未做任何改动。请运行 census-tui diag 并联系技术支持。",
    "The encryption library failed (this is not a wrong password); nothing was changed. "
    "Run census-tui diag and call support.",
)


class WrongKey(Exception):
    """The password (or recovery key) does not open this slot. Internal: callers translate."""


def _encrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    """AES-256-GCM: the ciphertext followed by the 16-byte tag."""
    # imported here: a cold start to the login screen does not pay for cryptography's extension
    from cryptography.exceptions import InternalError
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).encrypt(nonce, data, aad)
    except (InternalError, ValueError, OverflowError) as exc:
        raise StoreError(MSG_CIPHER_FAILED) from exc


def _decrypt(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    """The plaintext; :class:`WrongKey` only when the tag check fails (a wrong key, or a slot
    changed), StoreError (:data:`MSG_CIPHER_FAILED`) for any other failure of the cipher."""
    from cryptography.exceptions import InternalError, InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise WrongKey from None
    except (InternalError, ValueError, OverflowError) as exc:
        raise StoreError(MSG_CIPHER_FAILED) from exc


@dataclass(frozen=True, slots=True)
class KdfParams:
    """scrypt cost parameters. ``DEFAULT_KDF`` takes about 0.25 s and 64 MiB on the dev box."""

    n: int = 2**16
    r: int = 8
    p: int = 1

    def check(self) -> None:
        """Raise StoreError (damaged envelope) unless the parameters are within bounds."""
        ok = (
            N_MIN <= self.n <= N_MAX
            and self.n & (self.n - 1) == 0
            and R_MIN <= self.r <= R_MAX
            and P_MIN <= self.p <= P_MAX
        )
        if not ok:
            raise StoreError(MSG_ENVELOPE_DAMAGED)

    def derive(self, password: str, salt: bytes) -> bytes:
        """The 32-byte wrapping key for ``password`` (NFC-normalised, UTF-8)."""
        self.check()
        secret = unicodedata.normalize("NFC", password).encode("utf-8")
        maxmem = 128 * self.n * self.r * (self.p + 1) + 2**20
        return hashlib.scrypt(
            secret, salt=salt, n=self.n, r=self.r, p=self.p, maxmem=maxmem, dklen=KEY_BYTES
        )


DEFAULT_KDF = KdfParams()
"""Measured here (2 cores): n=2^16, r=8, p=1 takes about 0.27 s; 2^17 about 0.54 s."""


@dataclass(slots=True)
class Envelope:
    """The parsed ``envelope.json``. ``recovery`` is ``None`` when the slot is absent."""

    profile: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes
    recovery: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    version: int = VERSION
    """The format version the file was read in (new envelopes: :data:`VERSION`)."""

    def aad(self) -> bytes:
        return _aad(self.profile, self.kdf)

    def to_json(self) -> bytes:
        """The file's bytes, always in the current format (with its digest)."""
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "profile": self.profile,
            "password": {
                "kdf": "scrypt",
                "n": self.kdf.n,
                "r": self.kdf.r,
                "p": self.kdf.p,
                "salt": _b64(self.salt),
                "nonce": _b64(self.nonce),
                "wrapped_key": _b64(self.wrapped),
            },
            "recovery": self.recovery,
        }
        doc[DIGEST_FIELD] = digest(doc)
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("ascii")


def canonical(doc: dict[str, Any]) -> bytes:
    """The canonical serialisation of ``doc`` without its digest: sorted keys, no whitespace,
    ASCII only. Whitespace and key order of the file do not matter; every value does."""
    rest = {k: v for k, v in doc.items() if k != DIGEST_FIELD}
    try:
        text = json.dumps(rest, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except ValueError:
        raise StoreError(MSG_ENVELOPE_DAMAGED) from None
    return text.encode("ascii")


def digest(doc: dict[str, Any]) -> str:
    """The ``digest`` field for ``doc``: ``sha256:`` and 64 hex digits."""
    return DIGEST_PREFIX + hashlib.sha256(canonical(doc)).hexdigest()


def _check_digest(doc: dict[str, Any]) -> None:
    """StoreError (damaged) unless a version 2 document is complete and its digest matches."""
    stored = doc.get(DIGEST_FIELD)
    if not isinstance(stored, str) or set(doc) != _V2_FIELDS:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    if not hmac.compare_digest(stored.encode("ascii", "replace"), digest(doc).encode("ascii")):
        raise StoreError(MSG_ENVELOPE_DAMAGED)


def needs_upgrade(env: Envelope) -> bool:
    """Whether the file was read in an older format (no digest) and should be rewritten."""
    return env.version < VERSION


def _aad(profile: str, kdf: KdfParams) -> bytes:
    return json.dumps(
        [FORMAT, WRAP_VERSION, profile, "password", "scrypt", kdf.n, kdf.r, kdf.p],
        separators=(",", ":"),
    ).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, length: int | None = None) -> bytes:
    if not isinstance(text, str):
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        raise StoreError(MSG_ENVELOPE_DAMAGED) from None
    if length is not None and len(data) != length:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    return data


def new_data_key() -> bytes:
    """A fresh random 256-bit database key."""
    return os.urandom(KEY_BYTES)


def seal(profile: str, data_key: bytes, password: str, kdf: KdfParams) -> Envelope:
    """A new envelope with the data key wrapped under ``password`` (fresh salt and nonce)."""
    kdf.check()
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    wrapped = _encrypt(kdf.derive(password, salt), nonce, data_key, _aad(profile, kdf))
    return Envelope(profile, kdf, salt, nonce, wrapped)


def open_with_password(env: Envelope, password: str) -> bytes:
    """The data key; raises :class:`WrongKey` if the password (or the file) is wrong."""
    key = _decrypt(env.kdf.derive(password, env.salt), env.nonce, env.wrapped, env.aad())
    if len(key) != KEY_BYTES:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    return key


def rewrap(
    env: Envelope, data_key: bytes, new_password: str, kdf: KdfParams | None = None
) -> Envelope:
    """The same envelope (recovery slot kept) with the key wrapped under a new password."""
    fresh = seal(env.profile, data_key, new_password, kdf or env.kdf)
    fresh.recovery = env.recovery
    return fresh


def parse(data: bytes) -> Envelope:
    """Parse and check ``envelope.json``; StoreError (damaged) on anything unexpected.

    A version 2 file's digest is checked first; a version 1 file must not have one (a digest
    that appears in a version 1 file means the version was changed)."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise StoreError(MSG_ENVELOPE_DAMAGED) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    version = doc.get("version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    if version >= 2:
        _check_digest(doc)
    elif DIGEST_FIELD in doc:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    slot = doc.get("password")
    profile = doc.get("profile")
    if not isinstance(slot, dict) or not isinstance(profile, str) or slot.get("kdf") != "scrypt":
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    n, r, p = (slot.get(k) for k in ("n", "r", "p"))
    if not (type(n) is int and type(r) is int and type(p) is int):
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    kdf = KdfParams(n, r, p)
    kdf.check()
    recovery = doc.get("recovery")
    if recovery is not None and not (
        isinstance(recovery, dict)
        and recovery.get("alg") == _RECOVERY_ALG
        and all(isinstance(v, str) for v in recovery.values())
    ):
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    return Envelope(
        profile=profile,
        kdf=kdf,
        salt=_unb64(slot.get("salt"), SALT_BYTES),
        nonce=_unb64(slot.get("nonce"), NONCE_BYTES),
        wrapped=_unb64(slot.get("wrapped_key"), KEY_BYTES + TAG_BYTES),
        recovery=recovery,
        version=version,
    )


def load(path: Path) -> Envelope:
    """Read and parse the envelope file (the caller checks that it exists)."""
    try:
        data = path.read_bytes()
    except OSError:
        raise StoreError(MSG_ENVELOPE_DAMAGED) from None
    if len(data) > 64 * 1024:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    return parse(data)


def save(path: Path, env: Envelope) -> None:
    """Write the envelope atomically (temp file, fsync, rename, fsync dir)."""
    write_atomic(path, env.to_json())


def upgrade(path: Path, env: Envelope) -> bool:
    """Rewrite an older-format file (``env``, as read and opened) in the current format, with
    its digest; True if it was rewritten. Only if the file still holds the same slots (another
    process may have changed the password since). Atomic: on DiskError the old file stays."""
    if not needs_upgrade(env):
        return False
    now = load(path)
    same = (now.profile, now.kdf, now.salt, now.nonce, now.wrapped, now.recovery) == (
        env.profile,
        env.kdf,
        env.salt,
        env.nonce,
        env.wrapped,
        env.recovery,
    )
    if not same or not needs_upgrade(now):
        return False
    save(path, now)
    return True


# --- recovery slot -------------------------------------------------------------------------
# X25519 and HKDF come from ``cryptography`` too, imported where used (as AESGCM is).


def generate_recovery_keypair() -> tuple[bytes, bytes]:
    """A new office key pair ``(private, public)``, 32 raw bytes each (tests, the office tool)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private.private_bytes_raw(), public


def _recovery_key(shared: bytes, epk: bytes, recipient: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=epk + recipient, info=_RECOVERY_INFO
    ).derive(shared)


def _key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def wrap_for_recovery(data_key: bytes, public_key_bytes: bytes) -> dict[str, str]:
    """The ``recovery`` slot: ``data_key`` sealed to the office's X25519 public key."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    try:
        recipient = X25519PublicKey.from_public_bytes(public_key_bytes)
    except ValueError:
        raise StoreError(MSG_ENVELOPE_DAMAGED) from None
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = _recovery_key(ephemeral.exchange(recipient), epk, public_key_bytes)
    nonce = os.urandom(NONCE_BYTES)
    aad = _RECOVERY_ALG.encode() + epk + public_key_bytes
    return {
        "alg": _RECOVERY_ALG,
        "key_id": _key_id(public_key_bytes),
        "epk": _b64(epk),
        "nonce": _b64(nonce),
        "wrapped_key": _b64(_encrypt(key, nonce, data_key, aad)),
    }


def unwrap_with_recovery(envelope: Envelope, private_key_bytes: bytes) -> bytes:
    """The data key from the recovery slot; WrongKey if the private key is not the office's
    (or the slot was changed); StoreError if there is no recovery slot."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    slot = envelope.recovery
    if slot is None:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    try:
        private = X25519PrivateKey.from_private_bytes(private_key_bytes)
    except ValueError:
        raise WrongKey from None
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    epk = _unb64(slot.get("epk"), 32)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(epk))
    except ValueError:
        raise StoreError(MSG_ENVELOPE_DAMAGED) from None
    key = _recovery_key(shared, epk, public)
    aad = _RECOVERY_ALG.encode() + epk + public
    data_key = _decrypt(
        key, _unb64(slot.get("nonce"), NONCE_BYTES), _unb64(slot.get("wrapped_key")), aad
    )
    if len(data_key) != KEY_BYTES:
        raise StoreError(MSG_ENVELOPE_DAMAGED)
    return data_key
