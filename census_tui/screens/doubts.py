"""Doubts and replies (疑虑与拒访, FIELDWORK.md): the census's three standard replies, and the
outcome recorded through an attempt (appointment, telephone registration, refusal). Reachable
from every screen of a visit."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll

from census_tui.i18n import Msg
from census_tui.screens.base import CensusModal
from census_tui.widgets.text import T, TButton

STANDARD_REPLIES: list[tuple[str, Msg, Msg]] = [
    (
        "tax",
        Msg("“普查是不是查房产要收税?”", "“Is the census checking property to tax it?”"),
        Msg(
            "人口普查只登记人口,与房产税无关。普查数据严格保密,只用于统计,不提供给任何其他部门。",
            "The census counts people only; it has nothing to do with property tax. Census data"
            " are strictly confidential, used only for statistics, and never given to any other"
            " department.",
        ),
    ),
    (
        "detail",
        Msg("“为什么要提供这么详细的信息?”", "“Why such detailed information?”"),
        Msg(
            "详细的人口数据帮助政府规划学校、医院等公共服务,最终每个人都受益。",
            "Detailed population data help the government plan public services such as schools"
            " and hospitals; in the end everyone benefits.",
        ),
    ),
    (
        "busy",
        Msg("“我很忙,没时间配合。”", "“I'm busy, no time.”"),
        Msg(
            "登记只需5到10分钟。可以约一个您方便的时间,也可以电话登记。",
            "Registration takes only 5–10 minutes. We can book a time that suits you, or"
            " register by telephone.",
        ),
    ),
]
M_STRATEGY = Msg(
    "耐心解释、换位思考、灵活变通、真诚沟通。",
    "Explain patiently, see it from their side, be flexible, be sincere.",
)
M_APPT = Msg("1 预约", "1 Appointment")
M_PHONE = Msg("2 电话登记", "2 Telephone registration")
M_REFUSE = Msg("3 拒访", "3 Refusal")


class DoubtsScreen(CensusModal):
    """The replies to read out, and three outcome buttons opening the attempt form preset."""

    CSS_PATH = "doubts.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("1", Msg("记录预约", "record an appointment")),
        ("2", Msg("记录电话登记", "record telephone registration")),
        ("3", Msg("记录拒访", "record a refusal")),
        ("Esc", Msg("关闭", "close")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close", show=False),
        Binding("1", "outcome('appointment')", show=False),
        Binding("2", "outcome('phone_registration')", show=False),
        Binding("3", "outcome('refused')", show=False),
    ]

    def __init__(self, dwelling_id: str) -> None:
        super().__init__()
        self.dwelling_id = dwelling_id

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="doubts-box"):
            for key, doubt, reply in STANDARD_REPLIES:
                yield T(doubt, classes="doubt", id=f"doubt-{key}", lang=self.lang)
                yield T(reply, classes="reply", lang=self.lang)
            yield T(M_STRATEGY, id="doubts-strategy", lang=self.lang)
            with Horizontal(id="doubts-buttons"):
                yield TButton(M_APPT, id="outcome-appointment", lang=self.lang)
                yield TButton(M_PHONE, id="outcome-phone_registration", lang=self.lang)
                yield TButton(M_REFUSE, id="outcome-refused", lang=self.lang)

    @on(TButton.Pressed)
    def _pressed(self, event: TButton.Pressed) -> None:
        button_id = event.button.id or ""
        self.action_outcome(button_id.removeprefix("outcome-"))

    def action_outcome(self, outcome: str) -> None:
        from census_tui.screens.attempt import AttemptScreen

        self.dismiss(None)
        self.app.push_screen(AttemptScreen(self.dwelling_id, outcome=outcome))

    def action_close(self) -> None:
        self.dismiss(None)
