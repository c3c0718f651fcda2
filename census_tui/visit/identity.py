"""Who is working: the enumerator's card, the resident's check code, the identity shown at the
door, and the idle lock."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import date

from census_tui.store import META_ENUMERATOR_CARD, META_TOKEN, unlock
from census_tui.visit.api import EnumeratorCard
from census_tui.visit.core import SessionCore

_log = logging.getLogger(__name__)


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
        """A short code for the resident to check with the census office's hotline.

        HMAC of the work ID and today's date under the login token: the server, which issued
        the token, computes the same code; anyone who copied a card cannot.
        """
        token = (self.store.get_meta(META_TOKEN) or self.account).encode()
        day = self.clock.now().astimezone(self.tz).date().isoformat()
        mac = hmac.new(token, f"{self.card().work_id}|{day}".encode(), hashlib.sha256)
        return f"{int.from_bytes(mac.digest()[:5], 'big') % 10**8:08d}"

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
