"""Bytes of a name list to text: UTF-8, UTF-8 with BOM or GB18030, detected or chosen.

Spreadsheets in China save CSV as GB18030/GBK ("CSV (逗号分隔)") or as UTF-8 with a BOM
("CSV UTF-8"). Detection without a dependency: a strict UTF-8 decode almost never succeeds on
GB18030 text with Chinese in it, so try ``utf-8-sig`` first, then ``gb18030``. GB18030 decodes
nearly any byte string, so a GB18030 result is accepted only if it looks like text: mostly
common CJK, ASCII and CJK punctuation. Anything else (a workbook renamed .csv, UTF-16, Big5)
gets a clear message and an ``--encoding`` override.
"""

from __future__ import annotations

import codecs
from typing import Literal

from census_tui.errors import BadInput
from census_tui.i18n import Msg

Encoding = Literal["utf-8", "utf-8-sig", "gb18030"]
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "gb18030")
"""Encodings a user may choose with ``--encoding`` (``gbk``/``gb2312`` are read as GB18030)."""
_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
}
_MIN_TEXT_SHARE = 0.97
"""Share of characters that must be 'plausible' for a GB18030 guess to be accepted."""
_MIN_COMMON_SHARE = 0.85
"""Share of the Chinese characters that must be in GB2312 for a GB18030 guess."""


def _plausible(ch: str) -> bool:
    o = ord(ch)
    return (
        0x20 <= o < 0x7F
        or ch in "\r\n\t"
        or 0x4E00 <= o <= 0x9FFF  # CJK unified ideographs (basic block)
        or 0x3000 <= o <= 0x303F  # CJK punctuation
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or o in (0xB7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026)
    )


def _common_hanzi(ch: str) -> bool:
    """In GB2312, the everyday set: real names are mostly in it, mis-decoded bytes are not."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def looks_like_text(text: str) -> bool:
    """Whether ``text`` is mostly what a Chinese name list holds (used to accept GB18030).

    Big5 or other bytes read as GB18030 give characters outside the everyday GB2312 set or
    outside CJK altogether; a real list has a few rare name characters at most.
    """
    sample = text[:20000]
    if not sample:
        return True
    good = sum(1 for ch in sample if _plausible(ch))
    if good / len(sample) < _MIN_TEXT_SHARE:
        return False
    hanzi = [ch for ch in sample if 0x4E00 <= ord(ch) <= 0x9FFF]
    if not hanzi:
        return True
    common = sum(1 for ch in hanzi if _common_hanzi(ch))
    return common / len(hanzi) >= _MIN_COMMON_SHARE


def _not_csv(data: bytes) -> Msg | None:
    if data.startswith(b"PK\x03\x04"):
        return Msg(
            "这是 Excel 工作簿(.xlsx),不是 CSV。请在 Excel 中“另存为 CSV”后再导入。",
            "This is an Excel workbook (.xlsx), not a CSV file. Save it as CSV in the "
            "spreadsheet program and import that.",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return Msg(
            "这是旧版 Excel 工作簿(.xls),不是 CSV。请另存为 CSV 后再导入。",
            "This is an old Excel workbook (.xls), not a CSV file. Save it as CSV and import that.",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Msg(
            "文件是 UTF-16 编码(Excel 的“Unicode 文本”)。请另存为“CSV UTF-8”或“CSV(逗号分隔)”。",
            "The file is UTF-16 (Excel's 'Unicode Text'). Save it as 'CSV UTF-8' or "
            "'CSV (Comma delimited)'.",
        )
    if b"\x00" in data[:4096]:
        return Msg(
            "文件含有二进制内容,不是 CSV 文本文件。",
            "The file holds binary data; it is not a CSV text file.",
        )
    return None


def normalise_encoding(name: str) -> str:
    """The canonical name of a user-chosen encoding; :class:`BadInput` if unsupported."""
    key = name.strip().lower().replace("_", "-")
    if key not in _ALIASES:
        raise BadInput(
            Msg(
                f"不支持的编码 {name!r}。可选: utf-8, utf-8-sig, gb18030 (gbk)。",
                f"Unsupported encoding {name!r}. Choose utf-8, utf-8-sig or gb18030 (gbk).",
            )
        )
    return _ALIASES[key]


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a name list; returns ``(text, encoding used)``.

    With ``encoding`` given, decode strictly with it (a BOM is dropped either way). Without,
    detect as the module docstring says. Raises :class:`BadInput` with advice otherwise.
    """
    problem = _not_csv(data)
    if problem is not None:
        raise BadInput(problem)
    if encoding is not None:
        enc = normalise_encoding(encoding)
        try:
            text = data.decode("utf-8-sig" if enc.startswith("utf-8") else enc, errors="strict")
        except UnicodeDecodeError as exc:
            raise BadInput(
                Msg(
                    f"文件不是 {enc} 编码(第 {exc.start} 字节处无法解码)。"
                    "可不指定 --encoding 让程序自动识别。",
                    f"The file is not {enc} (undecodable at byte {exc.start}). "
                    "Leave out --encoding to detect it.",
                )
            ) from None
        return text, enc
    try:
        text = data.decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError:
        pass
    else:
        return text, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        text = data.decode("gb18030", errors="strict")
    except UnicodeDecodeError:
        text = ""
    else:
        if looks_like_text(text):
            return text, "gb18030"
    raise BadInput(
        Msg(
            "无法识别文件编码:既不是 UTF-8 也不是 GB18030/GBK。请在表格软件中另存为"
            "“CSV UTF-8”,或用 --encoding 指定编码。",
            "Cannot tell the file's encoding: it is neither UTF-8 nor GB18030/GBK. Save it as "
            "'CSV UTF-8' in the spreadsheet program, or name the encoding with --encoding.",
        )
    )
