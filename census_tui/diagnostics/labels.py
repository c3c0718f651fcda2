"""Words for the internal keys the support commands print (``status``, ``sync``, ``diag``):
case states (the visit's own labels), sync log steps and results, and the server's reasons for
refusing an item.

Only human-readable output goes through here; ``--json`` keeps the keys, which scripts rely on.
"""

from __future__ import annotations

from census_tui.i18n import Lang, Msg
from census_tui.sync.messages import REFUSALS
from census_tui.visit.states import STATE_LABELS, CaseState

SYNC_OPS = {
    "login": Msg("登录", "login"),
    "sync": Msg("同步", "sync"),
    "logout": Msg("注销", "logout"),
    "passwd": Msg("改密码", "password change"),
}
SYNC_RESULTS = {
    "ok": Msg("成功", "ok"),
    "partial": Msg("部分被拒", "partly refused"),
    "error": Msg("出错", "failed"),
}


def state_label(state: str, lang: Lang) -> str:
    """A case state in words (an unknown key as it is)."""
    try:
        return STATE_LABELS[CaseState(state)](lang)
    except ValueError:
        return state


def word(table: dict[str, Msg], key: str, lang: Lang) -> str:
    """``key`` in words from ``table``, or the key itself when the table does not know it."""
    found = table.get(key)
    return found(lang) if found is not None else key


def refusal(reason: str, lang: Lang) -> str:
    """One refusal as the sync log keeps it (``<status> [<http code> <server text> <rules>]``)
    with the status in words; the rest (codes, rule ids) stays as it is."""
    key, _, rest = reason.strip().partition(" ")
    label = REFUSALS.get(key)
    if label is None:
        return reason
    if key == "training_mismatch" or not rest.strip():
        return label(lang)
    return f"{label(lang)} ({rest.strip()})"


def is_refusal(error: str) -> bool:
    """Whether a sync log error is the server refusing items (not a network or login fault)."""
    return any(part.strip().partition(" ")[0] in REFUSALS for part in error.split("; "))


def sync_entry(op: str, result: str, error: str, lang: Lang) -> str:
    """One sync log entry in words: ``同步 部分被拒 练习数据与正式数据不能混传…``."""
    text = f"{word(SYNC_OPS, op, lang)} {word(SYNC_RESULTS, result, lang)}"
    return f"{text} {sync_error(error, lang)}" if error else text


def sync_error(error: str, lang: Lang) -> str:
    """A sync log entry's error in ``lang``: sync's own messages (stored in English) are found
    again; refusals (``; ``-separated) get their status in words."""
    from census_tui.sync import messages

    for value in vars(messages).values():
        if isinstance(value, Msg) and value.en == error:
            return value(lang)
    sep = "；" if lang == "zh" else "; "
    return sep.join(refusal(part, lang) for part in error.split("; "))
