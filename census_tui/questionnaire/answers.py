"""Field-level parsing: what the enumerator typed into one answer value (docs/form.md encodings).

``parse_answer(item, text)`` returns the value to store (``int`` for codes and integers,
``"YYYY-MM"`` for year-months, ``str`` for text and ID numbers) or raises :class:`BadInput` with
a bilingual message. It never raises anything else, whatever the string (tested with
hypothesis). Messages never repeat what was typed: it may be personal data.

Only the shape of one answer is checked here. Whether the answer fits the rest of the household
(ID checksum, birth month against the ID, ages, …) is the validation module's job (FACTS §7).
"""

from __future__ import annotations

import re
import unicodedata

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import Value
from census_tui.questionnaire.form import DEFAULT_MAX_LENGTH, Item

MAX_INPUT = 1000
"""Longer input is refused before any other work (no answer of the form is that long)."""

MAX_SPAN = 60
"""A code list whose codes take more characters than this is not spelt out in the error."""

NO_ID_WORDS = frozenset({"无", "没有", "无身份号码", "none", "no", "-"})
"""Typed into D3 (idnumber), these record the explicit "no ID number" answer ``""``."""

_INT = re.compile(r"-?[0-9]{1,30}")
_YM_PLAIN = re.compile(r"([0-9]{4})([0-9]{2})")
_YM_SEP = re.compile(r"([0-9]{4})\s*(?:[-./年]|\s)\s*([0-9]{1,2})\s*月?")
_ID_CHARS = re.compile(r"[0-9X]{1,18}")


def _bad(zh: str, en: str) -> BadInput:
    return BadInput(Msg(zh, en))


def _nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII; surrounding space removed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_answer(item: Item, text: str) -> Value:
    """The stored value for ``text`` typed as the answer to ``item``; :class:`BadInput` if not."""
    if not isinstance(text, str):
        raise _bad("答案应为文字", "the answer must be text")
    if len(text) > MAX_INPUT:
        raise _bad("输入太长", "the input is too long")
    if item.type == "integer":
        return _integer(item, text)
    if item.type == "code":
        return _code(item, text)
    if item.type == "yearmonth":
        return parse_yearmonth(text)
    if item.type == "idnumber":
        return normalise_idnumber(text)
    return _text(item, text)


def _empty() -> BadInput:
    return _bad("请输入答案", "please enter an answer")


def _integer(item: Item, text: str) -> int:
    s = _nfkc(text)
    if not s:
        raise _empty()
    if not _INT.fullmatch(s):
        raise _bad("请输入整数", "please enter a whole number")
    value = int(s)
    lo, hi = item.min, item.max
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        lo_s = "" if lo is None else str(lo)
        hi_s = "" if hi is None else str(hi)
        raise _bad(f"应在 {lo_s}–{hi_s} 之间", f"must be between {lo_s} and {hi_s}")
    return value


def _code(item: Item, text: str) -> int:
    s = _nfkc(text)
    if not s:
        raise _empty()
    if _INT.fullmatch(s):
        value = int(s)
        if item.has_code(value):
            return value
    else:
        # FACTS §5.2: D6 by name, old alias (毛难族, 崩龙族) or short name ("汉", "蒙古")
        found = item.code_by_name(s)
        if found is not None:
            return found
    span = _spans(sorted(c.value for c in item.codes))
    if len(span) > MAX_SPAN:  # the country list: 249 codes with gaps
        raise _bad("没有这个代码; 请输入代码或名称", "not one of the codes: type a code or a name")
    raise _bad(f"没有这个代码; 可选: {span}", f"not one of the codes: {span}")


def _spans(values: list[int]) -> str:
    """``[1, 2, 3, 5, 97, 98]`` → ``"1–3, 5, 97, 98"``: the codes on offer, briefly."""
    parts: list[str] = []
    start = prev = values[0]
    for v in [*values[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        if prev - start >= 2:
            parts.append(f"{start}–{prev}")
        else:
            parts.extend(str(x) for x in range(start, prev + 1))
        if v is not None:
            start = prev = v
    return ", ".join(parts)


def parse_yearmonth(text: str) -> str:
    """``"1990-03"``, ``"199003"``, ``"1990.3"``, ``"1990/3"``, ``"1990年3月"`` → ``"1990-03"``."""
    s = _nfkc(text)
    if not s:
        raise _empty()
    m = _YM_PLAIN.fullmatch(s) or _YM_SEP.fullmatch(s)
    if m is None:
        raise _bad("请按 年-月 输入,如 1990-03", "enter year and month, e.g. 1990-03")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise _bad("月份应为 1–12", "the month must be 1 to 12")
    return f"{year:04d}-{month:02d}"


def normalise_idnumber(text: str) -> str:
    """An ID number as typed → its stored form: no spaces, ASCII, upper-case X.

    One of :data:`NO_ID_WORDS` gives ``""``, the explicit "no ID number" answer (docs/form.md).
    Length and check character are validated elsewhere (GB 11643; FACTS §6).
    """
    s = "".join(_nfkc(text).split())
    if not s:
        raise _empty()
    if s.casefold() in NO_ID_WORDS:
        return ""
    s = s.replace("x", "X")
    if len(s) > 18:
        raise _bad("公民身份号码最多 18 位", "an ID number has at most 18 characters")
    if not _ID_CHARS.fullmatch(s):
        raise _bad("公民身份号码只含数字和 X", "an ID number holds only digits and X")
    return s


def clean_text(text: str) -> str:
    """Control characters to spaces, runs of white space to one space, ends stripped."""
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cs":  # lone surrogates cannot be stored as UTF-8
            continue
        out.append(" " if cat == "Cc" or cat in ("Zl", "Zp") else ch)
    return " ".join("".join(out).split())


def _text(item: Item, text: str) -> str:
    s = clean_text(text)
    if not s:
        raise _empty()
    limit = item.max_length or DEFAULT_MAX_LENGTH
    if len(s) > limit:
        raise _bad(f"最多 {limit} 个字", f"at most {limit} characters")
    return s
