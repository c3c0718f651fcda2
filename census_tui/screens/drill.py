"""The doubts drill (issue 8 §4): the census's three standard doubts played as practice.

In the simulated practice (模拟实操演练, FIELDWORK.md 疑虑与拒访) the trainee meets the three
doubts residents raise most (``census_tui.visit.scenarios.DOUBTS``) in random order. For each:
the resident's doubt is shown; the trainee says (and may type) an answer; Enter reveals the
standard reply and the key strategy (耐心解释、换位思考、灵活变通、真诚沟通); the trainee rates
themselves (1 said it, 2 partly, 3 missed) and goes on. A summary ends the round; ``r`` plays
another. The result stays on this screen: training only, nothing personal, nothing stored.

The order comes from ``rng`` (tests pass a seeded ``random.Random``) or else from a generator
seeded by the app's injectable clock, so a FakeClock gives a repeatable drill.
"""

from __future__ import annotations

import random
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input

from census_tui.i18n import Msg
from census_tui.screens.base import CensusScreen
from census_tui.visit.scenarios import DOUBTS
from census_tui.widgets.text import T, TButton

M_TITLE = Msg("疑虑应答演练", "Doubts drill")
M_PROGRESS = Msg("第 {n}/{total} 个疑虑", "Doubt {n} of {total}")
M_RESIDENT = Msg("住户说:“{doubt}”", "The resident says: “{doubt}”")
M_ANSWER = Msg("你的回答(可不填),回车看标准答复", "Your reply (optional); Enter shows the standard")
M_ASK_HINT = Msg("先说出你的回答,再按回车。Esc 退出", "Say your reply, then Enter. Esc leaves")
M_YOURS = Msg("你的回答:{text}", "You said: {text}")
M_STANDARD = Msg("标准答复:{reply}", "Standard reply: {reply}")
M_STRATEGY = Msg(
    "要诀:耐心解释、换位思考、灵活变通、真诚沟通",
    "Key: explain patiently, see their side, be flexible, be sincere",
)
M_RATE_HINT = Msg(
    "给自己打分:1 说到了 · 2 部分 · 3 没说到", "Rate yourself: 1 said it · 2 partly · 3 missed"
)
RATINGS: dict[int, Msg] = {
    1: Msg("说到了", "said it"),
    2: Msg("部分说到", "partly"),
    3: Msg("没说到", "missed"),
}
M_DONE = Msg("演练结束", "Drill complete")
M_TOTALS = Msg(
    "说到了 {said} · 部分 {partly} · 没说到 {missed}",
    "Said it {said} · partly {partly} · missed {missed}",
)
M_AGAIN = Msg("r 再练一轮 · 回车或 Esc 返回", "r another round · Enter or Esc back")
MARKS = {1: "✓", 2: "~", 3: "✗"}

Doubt = tuple[str, Msg, Msg]


class DrillScreen(CensusScreen):
    """Ask, reveal, rate, for each doubt in a random order; then a summary."""

    CSS_PATH = "drill.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("显示标准答复", "show the standard reply")),
        ("1 2 3", Msg("自评:说到了 / 部分 / 没说到", "rate: said it / partly / missed")),
        ("r", Msg("再练一轮(结束后)", "another round (at the end)")),
        ("Esc", Msg("退出演练", "leave the drill")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "leave", show=False),
        Binding("enter", "enter", "next", show=False),
        Binding("1", "rate(1)", show=False),
        Binding("2", "rate(2)", show=False),
        Binding("3", "rate(3)", show=False),
        Binding("r", "again", "again", show=False),
    ]

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__()
        self._rng = rng
        self.order: list[Doubt] = []
        self.index = 0
        self.stage = "ask"  # ask | rate | summary
        self.answers: list[str] = []
        self.results: list[tuple[str, int]] = []
        """(doubt key, rating 1–3) per doubt answered, in the order played."""

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="drill-box"):
            yield T(M_TITLE, id="drill-title", lang=self.lang)
            yield T(Msg("", ""), id="drill-progress", lang=self.lang)
            yield T(Msg("", ""), id="drill-doubt", lang=self.lang)
            yield T(Msg("", ""), id="drill-summary", lang=self.lang)
            yield Input(id="drill-answer", max_length=500)
            yield T(Msg("", ""), id="drill-yours", lang=self.lang)
            yield T(Msg("", ""), id="drill-reply", lang=self.lang)
            yield T(M_STRATEGY, id="drill-strategy", lang=self.lang)
            yield T(Msg("", ""), id="drill-hint", lang=self.lang)
            with Horizontal(id="drill-rate"):
                for n, msg in RATINGS.items():
                    yield TButton(
                        Msg(f"{n} {msg.zh}", f"{n} {msg.en}"), id=f"drill-rate-{n}", lang=self.lang
                    )

    def on_mount(self) -> None:
        if self._rng is None:
            seed = int(self.capp.clock.now().timestamp() * 1_000_000)
            self._rng = random.Random(seed)
        self.refresh_view()
        self._start_round()

    def refresh_view(self) -> None:
        self.query_one("#drill-answer", Input).placeholder = self.t(M_ANSWER)

    # ------------------------------------------------------------------ flow
    def _start_round(self) -> None:
        assert self._rng is not None
        self.order = self._rng.sample(list(DOUBTS), len(DOUBTS))
        self.index = 0
        self.results = []
        self.answers = []
        self._ask()

    def _set(self, widget_id: str, msg: Msg, show: bool = True) -> None:
        widget = self.query_one(f"#{widget_id}", T)
        widget.set_msg(msg)
        widget.display = show

    def _show(self, **parts: bool) -> None:
        for name, show in parts.items():
            self.query_one(f"#drill-{name}").display = show

    def _ask(self) -> None:
        self.stage = "ask"
        _key, doubt, _reply = self.order[self.index]
        self._set("drill-progress", M_PROGRESS.format(n=self.index + 1, total=len(self.order)))
        self._set(
            "drill-doubt",
            Msg(M_RESIDENT.zh.format(doubt=doubt.zh), M_RESIDENT.en.format(doubt=doubt.en)),
        )
        self._set("drill-hint", M_ASK_HINT)
        self._show(answer=True, yours=False, reply=False, strategy=False, rate=False, summary=False)
        answer = self.query_one("#drill-answer", Input)
        answer.value = ""
        answer.focus()
        self.query_one("#drill-box").scroll_home(animate=False)

    def _reveal(self) -> None:
        self.stage = "rate"
        _key, _doubt, reply = self.order[self.index]
        text = self.query_one("#drill-answer", Input).value.strip()
        self.answers.append(text)
        self._set("drill-yours", M_YOURS.format(text=text), show=bool(text))
        self._set(
            "drill-reply",
            Msg(M_STANDARD.zh.format(reply=reply.zh), M_STANDARD.en.format(reply=reply.en)),
        )
        self._set("drill-hint", M_RATE_HINT)
        self._show(answer=False, strategy=True, rate=True)
        self.query_one("#drill-box").focus()

    def _summary(self) -> None:
        self.stage = "summary"
        counts = {n: sum(1 for _, r in self.results if r == n) for n in RATINGS}
        lines_zh = [
            M_DONE.zh,
            M_TOTALS.zh.format(said=counts[1], partly=counts[2], missed=counts[3]),
        ]
        lines_en = [
            M_DONE.en,
            M_TOTALS.en.format(said=counts[1], partly=counts[2], missed=counts[3]),
        ]
        doubts = {key: doubt for key, doubt, _ in DOUBTS}
        for key, rating in self.results:
            mark = MARKS[rating]
            lines_zh.append(f"{mark} {doubts[key].zh} — {RATINGS[rating].zh}")
            lines_en.append(f"{mark} {doubts[key].en} — {RATINGS[rating].en}")
        self._set("drill-progress", Msg("", ""), show=False)
        self._set("drill-doubt", Msg("", ""), show=False)
        self._set("drill-summary", Msg("\n".join(lines_zh), "\n".join(lines_en)))
        self._set("drill-hint", M_AGAIN)
        self._show(answer=False, yours=False, reply=False, strategy=True, rate=False)
        self.query_one("#drill-box").focus()
        self.query_one("#drill-box").scroll_home(animate=False)

    # ------------------------------------------------------------------ keys
    @on(Input.Submitted, "#drill-answer")
    def _submitted(self) -> None:
        if self.stage == "ask":
            self._reveal()

    def action_enter(self) -> None:
        if self.stage == "ask":
            self._reveal()
        elif self.stage == "summary":
            self.action_leave()

    def action_rate(self, rating: int) -> None:
        if self.stage != "rate" or rating not in RATINGS:
            return
        self.results.append((self.order[self.index][0], rating))
        self.index += 1
        if self.index < len(self.order):
            self._ask()
        else:
            self._summary()

    @on(TButton.Pressed)
    def _pressed(self, event: TButton.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("drill-rate-"):
            self.action_rate(int(button_id.removeprefix("drill-rate-")))

    def action_again(self) -> None:
        if self.stage == "summary":
            self._start_round()

    def action_leave(self) -> None:
        self.app.pop_screen()
