"""The supervisor's decision dialogs: approve (an optional comment) and return (a comment is
required; the questions marked in the case view are listed, they are what the enumerator's
device will open at). Each dismisses with the comment typed, or None (Esc)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input

from census_tui.i18n import Msg
from census_tui.screens.base import CensusModal
from census_tui.widgets.text import T

M_APPROVE = Msg("审核通过 {case}?", "Approve {case}?")
M_APPROVE_COMMENT = Msg("说明(可不填)", "Comment (optional)")
M_APPROVE_HINT = Msg("回车通过,Esc 取消", "Enter approves, Esc cancels")
M_RETURN = Msg("退回 {case}", "Return {case}")
M_RETURN_ITEMS = Msg("退回这 {n} 题:", "Return at these {n} questions:")
M_NO_ITEMS = Msg(
    "没有选择题目(在案例中按空格选择);整户退回。",
    "No question marked (Space in the case marks one): the whole household is returned.",
)
M_RETURN_COMMENT = Msg("退回说明(必填)", "Comment for the enumerator (required)")
M_RETURN_HINT = Msg("回车退回,Esc 取消", "Enter returns, Esc cancels")
M_NEED_COMMENT = Msg("请写明退回原因。", "Say why the case goes back.")
MAX_COMMENT = 500


class ApproveDialog(CensusModal):
    """Approve a case: Enter with an optional comment."""

    CSS_PATH = "sup_decide.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("审核通过", "approve")),
        ("Esc", Msg("取消", "cancel")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", show=False)]

    def __init__(self, case: str) -> None:
        super().__init__()
        self.case = case

    def compose_body(self) -> ComposeResult:
        with Vertical(id="decide-box"):
            yield T(M_APPROVE.format(case=self.case), id="decide-title", lang=self.lang)
            yield Input(
                id="decide-comment",
                max_length=MAX_COMMENT,
                placeholder=M_APPROVE_COMMENT.both(),
            )
            yield T(M_APPROVE_HINT, id="decide-hint", lang=self.lang)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReturnDialog(CensusModal):
    """Return a case at the marked questions: Enter with a comment (required)."""

    CSS_PATH = "sup_decide.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("退回", "return")),
        ("Esc", Msg("取消", "cancel")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel", show=False)]

    def __init__(self, case: str, items: Sequence[Msg]) -> None:
        super().__init__()
        self.case = case
        self.items = list(items)

    def compose_body(self) -> ComposeResult:
        with Vertical(id="decide-box"):
            yield T(M_RETURN.format(case=self.case), id="decide-title", lang=self.lang)
            if self.items:
                yield T(M_RETURN_ITEMS.format(n=len(self.items)), lang=self.lang)
                with VerticalScroll(id="decide-items"):
                    for item in self.items:
                        yield T(
                            Msg(f"· {item.zh}", f"· {item.en}"),
                            classes="decide-item",
                            lang=self.lang,
                        )
            else:
                yield T(M_NO_ITEMS, id="decide-no-items", lang=self.lang)
            yield Input(
                id="decide-comment",
                max_length=MAX_COMMENT,
                placeholder=M_RETURN_COMMENT.both(),
            )
            yield T(M_RETURN_HINT, id="decide-hint", lang=self.lang)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        comment = event.value.strip()
        if not comment:
            self.query_one("#decide-hint", T).set_msg(M_NEED_COMMENT)
            return
        self.dismiss(comment)

    def action_cancel(self) -> None:
        self.dismiss(None)
