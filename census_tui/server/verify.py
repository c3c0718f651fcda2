"""Checking an enumerator's identity code without logging in (issue 20 §5, docs/protocol.md).

``GET /api/v1/card-check?work_id=…&code=…`` answers whether the 8-digit code (核验码) shown at
the door belongs to a current enumerator card of that work id: on a match the card's name, work
id, area name and validity, nothing else; otherwise ``{"valid": false}``, the same answer for a
wrong code, an unknown work id, an expired card, a disabled or reset account, a card whose
first login is unfinished, and another role's work id. A browser (``Accept: text/html``) gets
the same result as a small bilingual page, which is what a phone scanning the identity screen's
QR code opens.

**Keys.** A card key is ``HMAC-SHA256(card secret, account NUL nonce)``, the card secret being
derived from the office's key file (``Storage.recovery_private_key``, kept apart from the
database) and the nonce random per account (table ``card_keys``, made at the first login after
the office issued or replaced it; a password reset or disabling deletes it). So a copy of
the database alone forges no code, as it hands out no session (tokens are stored hashed). The
device gets its key in the login answer (``card_key``) and derives the day's code with
:mod:`census_tui.sync.card_code`.

**Time.** A code is good while the server's time, give or take :data:`CHECK_SKEW` (12 hours),
falls on its day in Beijing time: from 12:00 the day before to 12:00 the day after, so a code
shown just before midnight, or by a device whose clock is hours off, still checks.

**No hint.** Every check does the same work whatever the outcome: one read of the work id's
accounts, one key derived (from a dummy nonce for an unknown work id), the three days' codes
computed and each compared in constant time, and one failure counted. Malformed input (a code
that is not 8 ASCII digits, a work id outside ``[A-Za-z0-9_.-]{1,64}``) is refused with 400
before any of it.

**Rate limit.** Failed checks count against the client's address in the database
(``throttle.py``: shared by every worker), at most :data:`CHECK_FAILS` in 15 minutes, then 429
with ``Retry-After``. Checks that match count nothing, so a hotline checking many codes from
one office address is not stopped; guessing is (a guess hits one of three valid codes with a
chance of 3 in 10⁸). Behind a reverse proxy every client shares the proxy's address (as for
logins).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from starlette.responses import HTMLResponse, JSONResponse, Response

from census_tui.i18n import Msg
from census_tui.server.storage import Storage
from census_tui.server.throttle import Key, Throttle
from census_tui.server.wire import Refused
from census_tui.sync.card_code import CHECK_PATH, census_day, code_for

PATH = CHECK_PATH
CHECK_FAILS = 30
"""Failed checks allowed per client address in any ``throttle.FAIL_WINDOW`` (15 minutes)."""
CHECK_SKEW = timedelta(hours=12)
"""A code is accepted while the server's time ± this falls on its day (Beijing time)."""
WORK_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
CODE = re.compile(r"[0-9]{8}")
ENUMERATOR = "enumerator"
_LABEL = b"census-tui card keys v1"
_DUMMY_ROW: Mapping[str, Any] = {
    "account": "",
    "role": "",
    "name": "",
    "work_id": "",
    "valid_from": "",
    "valid_until": "",
    "verified": 0,
    "must_change": 1,
    "card_nonce": "-",
    "disabled": 1,
    "area_name": "",
}
"""What an unknown work id is checked as: the same steps, never a match."""

BAD_CHECK = Msg(
    "证号或核验码格式不对(核验码为8位数字)",
    "malformed work ID or code (the code is 8 digits)",
)
TOO_MANY = Msg("核验次数过多，请稍后再试", "too many checks; try again later")


def by_client(address: str) -> Key:
    """Failed checks from one client address (counted once they fail, as a login's address)."""
    return Key(f"card-check:{address}", CHECK_FAILS, lenient=True)


class CardKeys:
    """The card keys of a server: derived from the office's key file (read once, lazily, in a
    worker thread) and each account's nonce."""

    def __init__(self, db: Storage) -> None:
        self._db = db
        self._secret: bytes | None = None
        self._lock = threading.Lock()

    def _card_secret(self) -> bytes:
        with self._lock:
            if self._secret is None:
                office = self._db.recovery_private_key()
                self._secret = hmac.new(office, _LABEL, hashlib.sha256).digest()
            return self._secret

    def key(self, account: str, nonce: str) -> bytes:
        msg = account.encode() + b"\x00" + nonce.encode()
        return hmac.new(self._card_secret(), msg, hashlib.sha256).digest()

    def for_login(self, account: str) -> bytes:
        """The key the login answer hands the account's device (its nonce made if needed)."""
        return self.key(account, self._db.card_nonce(account))


@dataclass(frozen=True, slots=True)
class Checked:
    """A check's result: ``card`` (name, work id, area name, validity) on a match, else None;
    ``wait`` > 0 when the client's address had too many failures (nothing was checked)."""

    card: dict[str, str] | None = None
    wait: int = 0

    def body(self) -> dict[str, Any]:
        return {"valid": True, **self.card} if self.card is not None else {"valid": False}


def parse(query: Any) -> tuple[str, str]:
    """``(work_id, code)`` of the query string, each given once and well formed; else 400."""
    work_ids, codes = query.getlist("work_id"), query.getlist("code")
    ok = (
        len(work_ids) == 1
        and len(codes) == 1
        and WORK_ID.fullmatch(work_ids[0]) is not None
        and CODE.fullmatch(codes[0]) is not None
    )
    if not ok:
        raise Refused(400, "bad_request", BAD_CHECK, fields=["work_id", "code"])
    return str(work_ids[0]), str(codes[0])


def _within(row: Mapping[str, Any], today: date) -> bool:
    """The card's validity covers ``today`` (unreadable dates: not valid)."""
    try:
        start = date.fromisoformat(str(row["valid_from"]))
        end = date.fromisoformat(str(row["valid_until"]))
    except ValueError:
        return False
    return start <= today <= end


def _days(now: datetime) -> tuple[date, date, date]:
    return census_day(now - CHECK_SKEW), census_day(now), census_day(now + CHECK_SKEW)


def check(
    db: Storage, keys: CardKeys, throttle: Throttle, address: str, work_id: str, code: str
) -> Checked:
    """Check ``code`` for ``work_id`` (in a worker thread: it reads and writes the database)."""
    attempt = throttle.begin(by_client(address))
    if attempt.wait:
        return Checked(wait=attempt.wait)
    now = db.clock.now()
    days, today = _days(now), census_day(now)
    rows: list[Any] = list(db.cards_of_work_id(work_id)) or [_DUMMY_ROW]
    found: Any = None
    for row in rows:
        nonce = str(row["card_nonce"])
        key = keys.key(str(row["account"]), nonce or "-")
        hit = False
        for day in days:  # every day compared, in constant time: no early exit
            hit |= hmac.compare_digest(code_for(key, work_id, day), code)
        current = (
            row["role"] == ENUMERATOR
            and bool(nonce)
            and not row["disabled"]
            and bool(row["verified"])
            and not row["must_change"]
            and _within(row, today)
        )
        if hit and current and found is None:
            found = row
    if found is None:
        throttle.failed(attempt)
        return Checked()
    card = {k: str(found[k]) for k in ("name", "work_id", "area_name", "valid_from", "valid_until")}
    return Checked(card=card)


# -- answers ---------------------------------------------------------------------------------
_NO_STORE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
_PAGE_HEADERS = {
    **_NO_STORE,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}


def wants_html(accept: str) -> bool:
    """True when the client prefers an HTML page to JSON (a browser): ``text/html`` is asked
    for with a higher weight than ``application/json`` (``*/*`` alone means JSON)."""
    weights = {"html": 0.0, "json": 0.0}
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media in ("text/html", "application/xhtml+xml"):
            weights["html"] = max(weights["html"], q)
        elif media == "application/json":
            weights["json"] = max(weights["json"], q)
    return weights["html"] > weights["json"]


def json_answer(checked: Checked) -> Response:
    return JSONResponse(checked.body(), headers=_NO_STORE)


T_TITLE = Msg("普查员身份核验", "Enumerator identity check")
T_TRAINING = Msg(
    "这是培训服务器:核验结果只用于练习,不代表正式普查员。",
    "This is a training server: the result is for practice, not a real census enumerator.",
)
T_VALID = Msg(
    "核验通过:这是一张有效的普查员证。请核对姓名、证号与普查员出示的证件是否一致。",
    "Valid: this is a current enumerator card. Check that the name and work ID match the card"
    " the enumerator shows you.",
)
T_INVALID = Msg(
    "核验未通过:证号与核验码不符,或该证件已过期、已停用。请不要提供个人信息,并联系当地普查"
    "机构核实。",
    "Not valid: the code does not match a current enumerator card of this work ID (wrong code,"
    " expired or withdrawn card). Do not give personal information; ask the local census office.",
)
T_BAD = Msg(
    "证号或核验码格式不对:核验码为8位数字。请重新扫描或输入。",
    "The work ID or the code is not in the right form: the code is 8 digits. Scan or type it"
    " again.",
)
T_WAIT = Msg(
    "核验次数过多,请 {seconds} 秒后再试。",
    "Too many checks from this network; try again in {seconds} seconds.",
)
T_FIELDS = {
    "name": Msg("姓名", "Name"),
    "work_id": Msg("证号", "Work ID"),
    "area_name": Msg("普查小区", "Enumeration area"),
    "valid": Msg("有效期", "Valid"),
}

_STYLE = (
    "body{font-family:sans-serif;max-width:34em;margin:1em auto;padding:0 1em;line-height:1.5}"
    ".ok{color:#0a6b1f}.bad{color:#a31212}.train{background:#fff3c4;padding:.4em}"
    "dt{font-weight:bold}dd{margin:0 0 .5em 0}small{color:#555}"
)


def _both(msg: Msg, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{html.escape(msg.zh)}<br><small>{html.escape(msg.en)}</small></p>"


def page(
    checked: Checked | None, *, training: bool, status: int = 200, message: Msg | None = None
) -> Response:
    """The bilingual page of a check (``checked``), or of a refusal (``message``)."""
    parts = [
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{html.escape(T_TITLE.zh)} / {html.escape(T_TITLE.en)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(T_TITLE.zh)}<br><small>{html.escape(T_TITLE.en)}</small></h1>",
    ]
    if training:
        parts.append(_both(T_TRAINING, "train"))
    if message is not None:
        parts.append(_both(message, "bad"))
    elif checked is not None and checked.card is not None:
        card = checked.card
        parts.append(_both(T_VALID, "ok"))
        parts.append("<dl>")
        rows = [
            ("name", card["name"]),
            ("work_id", card["work_id"]),
            ("area_name", card["area_name"]),
            ("valid", f"{card['valid_from']} — {card['valid_until']}"),
        ]
        for field, value in rows:
            label = T_FIELDS[field]
            parts.append(
                f"<dt>{html.escape(label.zh)} / {html.escape(label.en)}</dt>"
                f"<dd>{html.escape(value)}</dd>"
            )
        parts.append("</dl>")
    else:
        parts.append(_both(T_INVALID, "bad"))
    parts.append("</body></html>")
    headers = dict(_PAGE_HEADERS)
    if status == 429 and message is not None and checked is not None:
        headers["Retry-After"] = str(checked.wait)
    return HTMLResponse("".join(parts), status_code=status, headers=headers)


def refused_page(refused: Refused, *, training: bool) -> Response:
    """A 400 or 429 of the check as a page, for a browser."""
    if refused.status == 429:
        wait = int(refused.headers.get("Retry-After", "1"))
        return page(
            Checked(wait=wait),
            training=training,
            status=429,
            message=T_WAIT.format(seconds=wait),
        )
    return page(None, training=training, status=refused.status, message=T_BAD)


def throttled(wait: int) -> Refused:
    return Refused(429, "too_many_attempts", TOO_MANY, headers={"Retry-After": str(wait)})
