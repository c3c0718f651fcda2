"""Encodings: UTF-8, UTF-8 with BOM and GB18030 detected; others refused with advice."""

from __future__ import annotations

import codecs

import pytest

from census_tui.errors import BadInput
from census_tui.roster.decode import decode, looks_like_text, normalise_encoding
from tests.roster.lists import csv_text

TEXT = csv_text(20)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
    ],
)
def test_detected(data: bytes, expected: str) -> None:
    text, used = decode(data)
    assert used == expected
    assert text == TEXT  # the BOM is gone, every character back


def test_override_reads_what_detection_would_not() -> None:
    text, used = decode(TEXT.encode("gb18030"), "GBK")
    assert (text, used) == (TEXT, "gb18030")


def test_wrong_override_is_a_clear_error() -> None:
    with pytest.raises(BadInput) as err:
        decode(TEXT.encode("gb18030"), "utf-8")
    assert "--encoding" in err.value.msg.en and "utf-8" in err.value.msg.zh


def test_unknown_override_is_refused() -> None:
    with pytest.raises(BadInput):
        normalise_encoding("latin-1")


def test_big5_is_not_taken_for_gb18030() -> None:
    # A Traditional-Chinese list saved as Big5 decodes as GB18030 into nonsense.
    trad = "姓名,身份證號碼,性別,宿舍\r\n陳大文,110101199003070011,男,A-101\r\n黃麗華,,女,B-2\r\n"
    with pytest.raises(BadInput) as err:
        decode(trad.encode("big5"))
    assert "--encoding" in err.value.msg.en


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00" * 100,
        b"\xd0\xcf\x11\xe0" + b"\x00" * 100,
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        b"\x00\x01\x02binary",
    ],
)
def test_not_csv_files_are_named(data: bytes) -> None:
    with pytest.raises(BadInput) as err:
        decode(data)
    assert err.value.msg.zh and err.value.msg.en


def test_looks_like_text_accepts_a_few_rare_name_characters() -> None:
    assert looks_like_text("王堃,李玥,张喆,刘强,陈伟,杨洋,黄磊,赵敏,吴静,周杰")
