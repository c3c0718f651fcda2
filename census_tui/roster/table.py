"""CSV text to records with their line numbers, and the header row found.

Line numbers are the file's physical lines (1-based) where a record starts, as the user sees
them in a text editor; a quoted cell may span lines. Title rows above the header (a company
name, a date — common in exported spreadsheets) are skipped: the header is the first of the
top rows that names known columns.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.roster.mapping import header_key, recognised

DELIMITERS = (",", "\t", ";", "|")


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record: the line it starts on and its cells."""

    line: int
    cells: list[str]


@dataclass(frozen=True, slots=True)
class Table:
    """The header record and the data records after it (blank records dropped)."""

    delimiter: str
    header: Record
    records: list[Record]
    blank: int


def _delimiter(text: str) -> str:
    head = text[:4096].splitlines()[:10]
    best, best_count = ",", 0
    for d in DELIMITERS:
        count = max((line.count(d) for line in head), default=0)
        if count > best_count:
            best, best_count = d, count
    return best


def _blank(cells: list[str]) -> bool:
    return all(not c.strip() for c in cells)


def read_table(
    text: str, *, max_rows: int, header_search: int = 10, extra: frozenset[str] = frozenset()
) -> Table:
    """Split ``text`` into header and records; :class:`BadInput` for every unusable file.

    Stops reading as soon as more than ``max_rows`` data records are seen, so a huge file is
    refused quickly and nothing is half-read. ``extra`` are header texts the user mapped
    by hand (``--column``); they count as known when looking for the header row.
    """
    known = frozenset(header_key(h) for h in extra)
    if not text.strip():
        raise BadInput(Msg("名册文件是空的。", "The name list is empty."))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: Record | None = None
    records: list[Record] = []
    blank = 0
    seen = 0
    try:
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if _blank(cells):
                blank += 1
                continue
            if header is None:
                seen += 1
                if recognised(cells) > 0 or any(header_key(c) in known for c in cells):
                    header = Record(line, cells)
                elif seen >= header_search:
                    break
                continue
            records.append(Record(line, cells))
            if len(records) > max_rows:
                raise BadInput(
                    Msg(
                        f"名册超过 {max_rows} 行,不予导入。一个普查小区一般不超过 2000 人;"
                        "请按楼栋或部门拆分名册后分别导入。",
                        f"The list has more than {max_rows} rows and was not imported. An "
                        "enumeration area holds at most about 2,000 people; split the list "
                        "by building or department and import each part.",
                    )
                )
    except csv.Error as exc:
        raise BadInput(
            Msg(
                f"第 {reader.line_num} 行不是有效的 CSV({exc})。",
                f"Line {reader.line_num} is not valid CSV ({exc}).",
            )
        ) from None
    if header is None:
        raise BadInput(
            Msg(
                "找不到可识别的表头。第一行应是列名,如:姓名,公民身份号码,性别,出生年月,民族,"
                "宿舍。若表头是乱码,请用 --encoding 指定文件编码。",
                "No recognisable header. The first row should name the columns, e.g. "
                "name,id_number,sex,birth,ethnicity,room. If the header looks garbled, name the "
                "file's encoding with --encoding.",
            )
        )
    return Table(delimiter, header, records, blank)
