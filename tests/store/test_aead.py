"""AES-256-GCM of the envelope: OpenSSL through ctypes, checked against cryptography's AESGCM."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from census_tui.store import aead
from tests.store.conftest import CHEAP_KDF, PASSWORD

OPENSSL = aead.find_openssl()
REFERENCE = aead.CryptographyBackend()
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="no shared libcrypto in this Python")


def test_this_machine_uses_openssl() -> None:
    """Python here links a shared libcrypto: the light back end must be the one in use (the
    memory budget of the TUI depends on it)."""
    assert aead._loaded_libcrypto(), "hashlib did not map a libcrypto"
    assert OPENSSL is not None
    assert aead.backend().name == "openssl"


@pytest.mark.parametrize("backend", [OPENSSL, REFERENCE], ids=["openssl", "cryptography"])
def test_published_vector(backend: aead.Backend | None) -> None:
    """McGrew and Viega test case 16 (AES-256, 96-bit IV, AAD), both ways."""
    if backend is None:
        pytest.skip("no shared libcrypto")
    key, nonce, data, aad, sealed = aead._KAT
    assert backend.encrypt(key, nonce, data, aad) == sealed
    assert backend.decrypt(key, nonce, sealed, aad) == data
    assert sealed[-16:].hex() == "76fc6ece0f4e1768cddf8853bb2d551b"


@needs_openssl
def test_differential_against_cryptography() -> None:
    """Random keys, nonces, lengths 0..300 and AADs: identical output and round trips."""
    assert OPENSSL is not None
    rng = random.Random(20201101)
    for length in range(0, 301, 7):
        key, nonce = rng.randbytes(32), rng.randbytes(12)
        data, aad = rng.randbytes(length), rng.randbytes(length % 41)
        sealed = OPENSSL.encrypt(key, nonce, data, aad)
        assert sealed == REFERENCE.encrypt(key, nonce, data, aad)
        assert len(sealed) == length + aead.TAG_BYTES
        assert OPENSSL.decrypt(key, nonce, sealed, aad) == data
        assert REFERENCE.decrypt(key, nonce, sealed, aad) == data


@needs_openssl
def test_any_change_is_refused() -> None:
    """Every flipped bit of the sealed bytes, the key, the nonce or the AAD: refused."""
    assert OPENSSL is not None
    key, nonce, _, aad, sealed = aead._KAT
    for name, value in (("sealed", sealed), ("key", key), ("nonce", nonce), ("aad", aad)):
        for i in range(len(value)):
            bad = bytearray(value)
            bad[i] ^= 1 << (i % 8)
            args = {"sealed": sealed, "key": key, "nonce": nonce, "aad": aad, name: bytes(bad)}
            with pytest.raises(aead.AuthenticationFailed):
                OPENSSL.decrypt(args["key"], args["nonce"], args["sealed"], args["aad"])
    with pytest.raises(aead.AuthenticationFailed):
        OPENSSL.decrypt(key, nonce, sealed[:15], aad)  # shorter than a tag
    with pytest.raises(aead.AuthenticationFailed):
        OPENSSL.decrypt(key, nonce, sealed[:-1], aad)  # truncated
    with pytest.raises(ValueError):
        OPENSSL.decrypt(key[:16], nonce, sealed, aad)


def test_a_library_that_fails_the_vector_is_not_used() -> None:
    """The self-test compares with the published vector, not only a round trip."""

    class Wrong(aead.OpenSSLBackend):
        def __init__(self) -> None:
            pass

        def encrypt(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
            return data + bytes(16)  # round-trips with decrypt below, but is not AES-GCM

        def decrypt(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
            return data[:-16]

    assert not aead._self_test(Wrong())
    if OPENSSL is not None:
        assert aead._self_test(OPENSSL)


def test_unlocking_does_not_load_cryptography(tmp_path: Path) -> None:
    """Unlocking a profile (the TUI's login) stays off the 7 MiB cryptography extension; the
    recovery slot (created here, in this process) is what still needs it."""
    from census_tui.clock import FakeClock
    from census_tui.store import create_profile

    base = tmp_path / "home"
    create_profile("enum01", PASSWORD, base=base, clock=FakeClock(), kdf=CHEAP_KDF).close()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from census_tui.clock import SystemClock\n"
        "from census_tui.store import unlock\n"
        f"s = unlock('enum01', {PASSWORD!r}, base=Path({str(base)!r}), clock=SystemClock())\n"
        "s.close()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('cryptography', '_cffi'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
