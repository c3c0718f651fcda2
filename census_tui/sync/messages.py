"""What sync says to the user, in both languages. No personal data, ever."""

from __future__ import annotations

from census_tui.i18n import Msg

KEPT = Msg("未上传的数据仍保存在本机。", "Unsent data is still on this device.")


def _kept(zh: str, en: str) -> Msg:
    return Msg(f"{zh}{KEPT.zh}", f"{en} {KEPT.en}")


PLAIN_HTTP = Msg(
    "服务器地址必须以 https:// 开头（仅本机测试可用 http://）",
    "the server address must start with https:// (http:// only for this machine)",
)
BAD_URL = Msg("服务器地址无效", "invalid server address")
UNREACHABLE = _kept("无法连接服务器，请检查网络。", "Cannot reach the server; check the network.")
TIMEOUT = _kept("服务器响应超时。", "The server did not answer in time.")
DEADLINE = _kept(
    "同步超过时限，已停止，稍后重试。", "Sync ran out of time and stopped; try again later."
)
TLS = Msg(
    "服务器证书无法验证，已拒绝连接（可能是网络被劫持）",
    "the server's certificate could not be verified; connection refused (the network may be"
    " intercepted)",
)
CAPTIVE = _kept(
    "网络返回了一个网页而不是服务器应答（可能需要先在浏览器中登录 Wi-Fi）。",
    "The network answered with a web page instead of the server (a Wi-Fi login page?).",
)
BAD_ANSWER = _kept("服务器应答无法识别。", "The server's answer could not be understood.")
UNKNOWN_FORM = _kept(
    "服务器分派了本软件不认识的普查表（{form}），住房单元清单未更新：请先更新普查软件再同步。",
    "The server assigned a form this version does not know ({form}); the dwelling list was "
    "not updated: update census-tui, then sync again.",
)
TOO_BIG = _kept("服务器应答过大，已丢弃。", "The server's answer was too large and was dropped.")
SERVER_ERROR = _kept(
    "服务器暂时出错（HTTP {status}）。", "The server had an error (HTTP {status})."
)
REFUSED = Msg(
    "服务器拒绝了请求（HTTP {status}）：{reason}", "the server refused (HTTP {status}): {reason}"
)
TOKEN_REFUSED = Msg("登录已失效，请重新登录", "the login has expired; please log in again")
BAD_CREDENTIALS = Msg("账号或密码错误", "wrong account or password")
MUST_CHANGE = Msg("首次登录须修改初始密码", "the initial password must be changed at first login")
MUST_VERIFY = Msg("首次登录须完成实名认证", "real-name verification is required at first login")
VERIFY_FAILED = Msg("实名信息与账号登记不符", "the name and ID number do not match the account")
WEAK_PASSWORD = Msg(
    "新密码至少 8 位，须含字母和数字", "the new password needs 8+ characters, letters and digits"
)
TRAINING_TO_REAL = Msg(
    "这是练习数据，不能上传到正式服务器", "this is practice data; it cannot go to a real server"
)
REAL_TO_TRAINING = Msg(
    "这是正式数据，不能上传到培训服务器", "this is real data; it cannot go to a training server"
)
NOT_LOGGED_IN = Msg("本机尚未登录服务器", "this device has not logged in to a server")

REFUSALS = {
    "conflict": Msg("与服务器上的版本冲突", "conflicts with the server's copy"),
    "rejected": Msg("未通过服务器审核", "rejected by the server's checks"),
    "invalid": Msg("服务器认为格式无效", "the server found it malformed"),
    "forbidden": Msg("不在本账号的任务范围内", "outside this account's assignment"),
    "training_mismatch": Msg(
        "练习数据与正式数据不能混传（保留在本机）",
        "practice and real data cannot mix (kept on the device)",
    ),
}
"""The server's item statuses that refuse an item (docs/protocol.md), in words."""

CALL_SUPERVISOR = Msg(
    "数据仍保存在本机，请勿删除；请联系督导员处理。",
    "The data is kept on this device; do not delete it, call your supervisor.",
)
REFUSAL_ADVICE = {
    "conflict": Msg(
        "请打开该户核对后再同步；仍被拒请联系督导员。",
        "Open the household, check it and sync again; if refused again, call your supervisor.",
    ),
    "rejected": Msg(
        "请打开该户按审核意见改正后再同步。",
        "Open the household, correct what the checks found, then sync again.",
    ),
}
"""What to do about a refusal; anything else (malformed, outside the assignment, practice and
real data mixed) only the office can sort out: :data:`CALL_SUPERVISOR`."""


def refusal_key(reason: str) -> str:
    """The status a stored refusal starts with (``training_mismatch (kept on device)`` →
    ``training_mismatch``)."""
    return reason.strip().partition(" ")[0]


def refusal_advice(reason: str) -> Msg:
    """What the enumerator should do about one refusal, in words."""
    return REFUSAL_ADVICE.get(refusal_key(reason), CALL_SUPERVISOR)


REFUSED_BY_SERVER = Msg("服务器拒收", "refused by the server")


def refusal_words(reason: str) -> Msg:
    """One stored refusal's status in words (without the server's codes)."""
    return REFUSALS.get(refusal_key(reason), REFUSED_BY_SERVER)
