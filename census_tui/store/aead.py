"""AES-256-GCM for the key envelope, from the OpenSSL that Python's ``hashlib`` already loaded.

Why not ``cryptography`` everywhere: its extension module costs about 7 MiB of resident memory,
a fifth of what the whole TUI needs on a low-spec handheld, and unlocking the store needs only
one AES-GCM decryption of 48 bytes. Python's ``hashlib`` (which gives us scrypt) is backed by
OpenSSL's ``libcrypto``, so that library is already mapped into the process: this module calls
its EVP AES-GCM functions through ``ctypes`` (about 0.35 MiB). Nothing here is home-made
cryptography: key schedule, GHASH and the constant-time tag check are OpenSSL's.

If no usable ``libcrypto`` is found (a Python built without a shared OpenSSL), the same
functions fall back to ``cryptography``'s AESGCM, which is a declared dependency anyway (the
recovery slot's X25519 needs it). Both back ends give byte-identical results; the tests check
them against each other and against published test vectors.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache
from typing import Protocol

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16

_EVP_CTRL_GCM_SET_IVLEN = 0x9
_EVP_CTRL_GCM_GET_TAG = 0x10
_EVP_CTRL_GCM_SET_TAG = 0x11


class AuthenticationFailed(Exception):
    """The key, nonce, associated data or ciphertext is not the one that was sealed."""


class Backend(Protocol):
    name: str

    def encrypt(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes: ...

    def decrypt(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes: ...


def _check(key: bytes, nonce: bytes) -> None:
    if len(key) != KEY_BYTES or len(nonce) != NONCE_BYTES:
        raise ValueError("AES-256-GCM takes a 32-byte key and a 12-byte nonce")


class OpenSSLBackend:
    """EVP AES-256-GCM of a shared ``libcrypto`` (OpenSSL 1.1 or 3) through ctypes."""

    name = "openssl"

    def __init__(self, lib: ctypes.CDLL) -> None:
        c_int, c_void_p, c_char_p = ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p
        int_p = ctypes.POINTER(c_int)
        lib.EVP_CIPHER_CTX_new.restype = c_void_p
        lib.EVP_CIPHER_CTX_new.argtypes = []
        lib.EVP_CIPHER_CTX_free.restype = None
        lib.EVP_CIPHER_CTX_free.argtypes = [c_void_p]
        lib.EVP_aes_256_gcm.restype = c_void_p
        lib.EVP_aes_256_gcm.argtypes = []
        lib.EVP_CipherInit_ex.restype = c_int
        lib.EVP_CipherInit_ex.argtypes = [c_void_p, c_void_p, c_void_p, c_char_p, c_char_p, c_int]
        lib.EVP_CIPHER_CTX_ctrl.restype = c_int
        lib.EVP_CIPHER_CTX_ctrl.argtypes = [c_void_p, c_int, c_int, c_void_p]
        lib.EVP_CipherUpdate.restype = c_int
        lib.EVP_CipherUpdate.argtypes = [c_void_p, c_void_p, int_p, c_char_p, c_int]
        lib.EVP_CipherFinal_ex.restype = c_int
        lib.EVP_CipherFinal_ex.argtypes = [c_void_p, c_void_p, int_p]
        lib.ERR_clear_error.restype = None
        lib.ERR_clear_error.argtypes = []
        self._lib = lib

    def _run(
        self, encrypt: bool, key: bytes, nonce: bytes, data: bytes, aad: bytes, tag: bytes | None
    ) -> tuple[bytes, bytes]:
        """One EVP pass: (output, the tag when encrypting). A refused tag: AuthenticationFailed."""
        lib = self._lib
        ctx = lib.EVP_CIPHER_CTX_new()
        if not ctx:
            raise MemoryError("EVP_CIPHER_CTX_new")
        try:
            enc = 1 if encrypt else 0
            out = ctypes.create_string_buffer(len(data) + TAG_BYTES)
            n = ctypes.c_int(0)
            tail = ctypes.c_int(0)
            tag_buf = ctypes.create_string_buffer(tag or b"", TAG_BYTES)
            ctrl, update = lib.EVP_CIPHER_CTX_ctrl, lib.EVP_CipherUpdate
            steps: tuple[Callable[[], object], ...] = (
                lambda: lib.EVP_CipherInit_ex(ctx, lib.EVP_aes_256_gcm(), None, None, None, enc),
                lambda: ctrl(ctx, _EVP_CTRL_GCM_SET_IVLEN, NONCE_BYTES, None),
                lambda: lib.EVP_CipherInit_ex(ctx, None, None, key, nonce, enc),
                lambda: update(ctx, None, ctypes.byref(n), aad, len(aad)),
                lambda: update(ctx, out, ctypes.byref(n), data, len(data)),
                lambda: encrypt or ctrl(ctx, _EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag_buf),
                lambda: lib.EVP_CipherFinal_ex(ctx, ctypes.byref(out, n.value), ctypes.byref(tail)),
                lambda: not encrypt or ctrl(ctx, _EVP_CTRL_GCM_GET_TAG, TAG_BYTES, tag_buf),
            )
            for step in steps:
                if step() != 1:  # True (a skipped step) == 1
                    lib.ERR_clear_error()
                    if encrypt:
                        raise RuntimeError("OpenSSL AES-GCM encryption failed")
                    raise AuthenticationFailed
            return out.raw[: n.value + tail.value], tag_buf.raw
        finally:
            lib.EVP_CIPHER_CTX_free(ctx)

    def encrypt(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        _check(key, nonce)
        body, tag = self._run(True, key, nonce, data, aad, None)
        return body + tag

    def decrypt(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        _check(key, nonce)
        if len(data) < TAG_BYTES:
            raise AuthenticationFailed
        body, _ = self._run(False, key, nonce, data[:-TAG_BYTES], aad, data[-TAG_BYTES:])
        return body


class CryptographyBackend:
    """``cryptography``'s AESGCM: the fallback, and the reference the tests compare with."""

    name = "cryptography"

    def encrypt(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        _check(key, nonce)
        return AESGCM(key).encrypt(nonce, data, aad)

    def decrypt(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        _check(key, nonce)
        try:
            return AESGCM(key).decrypt(nonce, data, aad)
        except InvalidTag:
            raise AuthenticationFailed from None


def _loaded_libcrypto() -> list[str]:
    """Paths of the libcrypto this process has mapped (hashlib's), most likely first."""
    import _hashlib  # noqa: F401  (maps libcrypto if Python links it dynamically)

    found: list[str] = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.rstrip("\n").split(maxsplit=5)[-1]
                if "/libcrypto" in path and path not in found:
                    found.append(path)
    except OSError:
        pass
    return found


def find_openssl() -> OpenSSLBackend | None:
    """The OpenSSL back end, if a libcrypto with the EVP AES-GCM functions can be loaded."""
    for path in _loaded_libcrypto():
        try:
            lib = ctypes.CDLL(path)
            lib.EVP_aes_256_gcm  # noqa: B018  (the attribute lookup is the check)
        except (OSError, AttributeError):
            continue
        backend = OpenSSLBackend(lib)
        if _self_test(backend):
            return backend
    return None


_KAT = tuple(
    bytes.fromhex(h)
    for h in (
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
        "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        "76fc6ece0f4e1768cddf8853bb2d551b",
    )
)
"""Test case 16 of McGrew and Viega, "The Galois/Counter Mode of Operation" (AES-256, 96-bit
IV, with AAD): key, nonce, plaintext, AAD, ciphertext followed by the tag."""


def _self_test(backend: OpenSSLBackend) -> bool:
    """The published vector, its decryption, a flipped tag refused: else the library is not used."""
    key, nonce, data, aad, want = _KAT
    try:
        sealed = backend.encrypt(key, nonce, data, aad)
        if sealed != want or backend.decrypt(key, nonce, sealed, aad) != data:
            return False
        try:
            backend.decrypt(key, nonce, sealed[:-1] + bytes([sealed[-1] ^ 1]), aad)
        except AuthenticationFailed:
            return True
        return False
    except (OSError, RuntimeError, MemoryError, ctypes.ArgumentError):
        return False


@cache
def backend() -> Backend:
    """The back end in use (found once per process)."""
    return find_openssl() or CryptographyBackend()


def encrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    """AES-256-GCM: ciphertext followed by the 16-byte tag."""
    return backend().encrypt(key, nonce, data, aad)


def decrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    """The plaintext; :class:`AuthenticationFailed` if anything was changed or the key is wrong."""
    return backend().decrypt(key, nonce, data, aad)
