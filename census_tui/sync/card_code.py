"""The identity code (核验码) an enumerator shows at the door, as the device and the server
both derive it (docs/protocol.md, "Checking an enumerator's identity code").

At login the server gives an enumerator's device a **card key** (32 random-looking bytes,
base64; the login answer's ``card_key``), kept in the encrypted profile. The code of a day is
``HMAC-SHA256(card key, "<work id>|<YYYY-MM-DD>")`` read as a number modulo 10⁸ (8 digits), the
day being the census's calendar day (UTC+8, :data:`CENSUS_TZ`), so the code changes every day
at midnight Beijing time on every device whatever its own time zone. The server derives the same
key and so the same code; the office replacing the key (a password reset, a disabled account)
makes every earlier code fail.

Plain stdlib: both the client (``visit/identity.py``) and the reference server
(``server/verify.py``) import it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import date, datetime, timedelta, timezone

CENSUS_TZ = timezone(timedelta(hours=8), "UTC+8")
"""The census's time zone (Beijing time): the code's day is the calendar day here."""
CHECK_PATH = "/api/v1/card-check"
"""The server's open route that checks a code (``?work_id=…&code=…``)."""
CODE_DIGITS = 8
KEY_BYTES = 32


def census_day(now: datetime) -> date:
    """The census's calendar day at ``now`` (timezone-aware)."""
    return now.astimezone(CENSUS_TZ).date()


def code_for(key: bytes, work_id: str, day: date) -> str:
    """The 8-digit code of ``work_id`` on ``day`` under ``key``."""
    mac = hmac.new(key, f"{work_id}|{day.isoformat()}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(mac[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def decode_key(text: str) -> bytes | None:
    """The raw card key of its base64 text, or None when it is not base64 of 32 bytes."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    return raw if len(raw) == KEY_BYTES else None


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")
