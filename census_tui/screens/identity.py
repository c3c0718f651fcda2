"""Identity presentation (身份核实, FIELDWORK.md step 2): the enumerator's card as the server
issued it, a verification code the resident can check, also as a QR code where it fits (the
server's check address with the work ID and the code, so a phone opens the answer; at 40x16 the
code as text only), and the checklist recorded in the event log."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message

from census_tui.i18n import Msg
from census_tui.screens.base import CensusScreen
from census_tui.visit.identity import card_expired, check_address
from census_tui.widgets.checkbox import TickBox
from census_tui.widgets.text import T, TButton

if TYPE_CHECKING:
    from census_tui.visit.api import EnumeratorCard

CHECKS: dict[str, Msg] = {
    "work_id": Msg("已出示普查员证", "Work ID shown"),
    "letter": Msg("已出示介绍信", "Introduction letter shown"),
    "purpose": Msg("已说明普查目的和保密规定", "Purpose & confidentiality stated"),
}
M_CODE = Msg("核验码:{code}", "Verification code: {code}")
M_NO_CODE = Msg(
    "本机尚无核验码:请联网重新登录一次(census-tui login)后再出示。",
    "No verification code on this device yet: log in again online once (census-tui login).",
)
M_RECORD = Msg("记录 (Ctrl+S)", "Record (Ctrl+S)")
M_RECORDED = Msg("身份核实已记录。", "Identity presentation recorded.")
M_EXPIRED = Msg(
    "普查员证已过有效期({date}),请勿出示,请联系普查办换发。",
    "This enumerator card expired on {date}: do not show it; ask the census office for a new one.",
)
CARD_MIN = 32
"""Columns the card keeps beside the QR code; narrower, the QR code is left out."""


def card_text(card: EnumeratorCard) -> Msg:
    zh = (
        f"普查员证\n姓名:{card.name}\n证号:{card.work_id}\n普查小区:{card.area_name}"
        f" ({card.area_id})\n发证机关:{card.office}\n有效期:{card.valid_from} — {card.valid_to}"
    )
    en = (
        f"Enumerator card\nName: {card.name}\nWork ID: {card.work_id}\nArea: {card.area_name}"
        f" ({card.area_id})\nIssued by: {card.office}\nValid: {card.valid_from} — {card.valid_to}"
    )
    return Msg(zh, en)


class IdentityScreen(CensusScreen):
    """Card, code, QR, checklist."""

    CSS_PATH = "identity.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("1 2 3", Msg("勾选清单", "tick the checklist")),
        ("Ctrl+S", Msg("记录", "record")),
        ("Esc", Msg("返回", "back")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tick(0)", show=False),
        Binding("2", "tick(1)", show=False),
        Binding("3", "tick(2)", show=False),
        Binding("ctrl+s", "record", "record", show=False),
        Binding("escape", "back", "back", show=False),
    ]

    class Recorded(Message):
        pass

    def __init__(self, dwelling_id: str) -> None:
        super().__init__()
        self.dwelling_id = dwelling_id

    def compose_body(self) -> ComposeResult:
        card = self.session.card()
        code = self.session.verification_code()
        # the QR code holds the check address with the work ID and code (a phone opens the
        # server's page), or only the code for a profile without a server address
        qr = (check_address(self.session) or code) if code else ""
        with Horizontal(id="identity-row"):
            with VerticalScroll(id="identity-left"):
                yield T(card_text(card), id="identity-card", lang=self.lang)
                if card_expired(card, self.capp.clock.now().astimezone().date()):
                    expired = M_EXPIRED.format(date=card.valid_to)
                    yield T(expired, id="identity-expired", lang=self.lang)
                shown = M_CODE.format(code=code) if code else M_NO_CODE
                yield T(shown, id="identity-code", lang=self.lang)
                for key, msg in CHECKS.items():
                    yield TickBox(msg(self.capp.lang), id=f"check-{key}")
                yield TButton(M_RECORD, id="identity-record", variant="primary", lang=self.lang)
            with Vertical(id="identity-qr"):
                if qr:
                    from census_tui.widgets.qr import QrCode, qr_lines

                    lines = qr_lines(qr)
                    width, height = len(lines[0]) + 2 + CARD_MIN, len(lines) + 1
                    if self.app.size.width >= width and self.app.size.height >= height:
                        yield QrCode(qr)

    def refresh_view(self) -> None:
        for key, msg in CHECKS.items():
            self.query_one(f"#check-{key}", TickBox).label = msg(self.capp.lang)

    def action_tick(self, index: int) -> None:
        """Tick or untick an item, scrolled into view (at 40x16 the list is below the card)."""
        box = self.query_one(f"#check-{list(CHECKS)[index]}", TickBox)
        box.value = not box.value
        box.scroll_visible()

    def action_back(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self) -> None:
        self.action_record()

    def action_record(self) -> None:
        checklist = {k: self.query_one(f"#check-{k}", TickBox).value for k in CHECKS}
        self._record(checklist)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _record(self, checklist: dict[str, bool]) -> None:
        self.session.record_identity_shown(self.dwelling_id, checklist)
        self.post_message(self.Recorded())

    def on_identity_screen_recorded(self) -> None:
        self.notify(self.t(M_RECORDED))
        self.dismiss(None)
