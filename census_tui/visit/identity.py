"""Who is working: the enumerator's card, the resident's check code, the identity shown at the
door, and the idle lock."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from urllib.parse import urlencode

from census_tui.store import META_CARD_KEY, META_ENUMERATOR_CARD, META_SERVER_URL, unlock
from census_tui.sync.card_code import CHECK_PATH, census_day, code_for, decode_key
from census_tui.visit.api import EnumeratorCard
from census_tui.visit.core import SessionCore

_log = logging.getLogger(__name__)


def check_address(session: object) -> str:
    """The identity check's address of ``session`` (:meth:`IdentityMixin.verification_url`),
    "" for a session without one (the screens hold a ``Session`` protocol)."""
    return session.verification_url() if isinstance(session, IdentityMixin) else ""


def card_expired(card: EnumeratorCard, today: date) -> bool:
    """The card's validity (``valid_to``, ISO date) ended before ``today``. A card without a
    readable end date is not called expired: the screen shows the date as issued."""
    try:
        return date.fromisoformat(card.valid_to) < today
    except ValueError:
        return False


class IdentityMixin(SessionCore):
    """The card, the verification code, identity presentation, lock and unlock."""

    def card(self) -> EnumeratorCard:
        raw = self.store.get_meta(META_ENUMERATOR_CARD) or "{}"
        data = json.loads(raw)
        d = data if isinstance(data, dict) else {}

        def g(key: str) -> str:
            v = d.get(key, "")
            return v if isinstance(v, str) else ""

        return EnumeratorCard(
            name=g("name"),
            work_id=g("work_id"),
            area_id=g("area_id"),
            area_name=g("area_name"),
            office=g("issuing_office"),
            valid_from=g("valid_from"),
            valid_to=g("valid_until"),
        )

    def verification_code(self) -> str:
        """Today's identity code (核验码, 8 digits) for the resident to check, or "" when this
        device has none.

        Derived from the card key the server gave at login (``sync/card_code.py``: HMAC of
        the work ID and the census's date, Beijing time), so it changes every day and the
        server's open check (``GET /api/v1/card-check``) computes the same. A practice profile
        made without a server gets a practice code nobody can check; a real profile whose
        last login predates card keys gets none (it shows how to get one).
        """
        key = decode_key(self.store.get_meta(META_CARD_KEY) or "")
        if key is None and self.training and not self.store.get_meta(META_SERVER_URL):
            key = hashlib.sha256(f"practice|{self.account}".encode()).digest()
        if key is None:
            return ""
        return code_for(key, self.card().work_id, census_day(self.clock.now()))

    def verification_url(self) -> str:
        """The check address with the work ID and today's code (what the QR code holds), or ""
        without a code or a server address."""
        code, url = self.verification_code(), self.store.get_meta(META_SERVER_URL) or ""
        if not code or not url:
            return ""
        query = urlencode({"work_id": self.card().work_id, "code": code})
        return f"{url.rstrip('/')}{CHECK_PATH}?{query}"

    def record_identity_shown(self, dwelling_id: str, checklist: dict[str, bool]) -> None:
        self.store.dwelling(dwelling_id)
        self.store.log_event(
            "identity_shown",
            actor=self.account,
            data={"dwelling": dwelling_id, "checklist": {k: bool(v) for k, v in checklist.items()}},
        )

    def lock(self) -> None:
        _log.info("session locked")
        self.locked = True
        self.store.log_event("lock", actor=self.account)

    def unlock_again(self, password: str) -> None:
        """The password again after an idle lock: checked through the store's lockout."""
        unlock(self.profile, password, base=self.base, clock=self.clock).close()
        self.locked = False
        self.store.log_event("unlock", actor=self.account)

    def close(self) -> None:
        """Finish the writes already queued (each is a committed answer), then close."""
        self.writer.close()
        self.store.close()
