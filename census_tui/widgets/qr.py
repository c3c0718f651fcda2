"""A QR code drawn with half-block characters (▀▄█), readable by a phone off the screen.

segno encodes; we only turn its module matrix into text, two module rows per terminal row, so
a version-1 code with its quiet zone takes 29 columns by 15 rows. The Linux console font has
these characters, so it works under TERM=linux too.
"""

from __future__ import annotations

from textual.widgets import Static


def qr_lines(data: str, border: int = 2) -> list[str]:
    """The code as text lines: dark modules as blocks on a light (space-free) background."""
    import segno

    code = segno.make(data, micro=False, error="m")
    rows = [list(row) for row in code.matrix_iter(scale=1, border=border)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    # The app's themes have a dark background: light modules (and the quiet zone) are drawn as
    # lit blocks, dark modules as background, so the code reads the right way round.
    glyph = {(1, 1): " ", (1, 0): "▄", (0, 1): "▀", (0, 0): "█"}
    return [
        "".join(glyph[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
        for i in range(0, len(rows), 2)
    ]


class QrCode(Static):
    """Shows ``data`` as a QR code."""

    DEFAULT_CSS = "QrCode { width: auto; height: auto; }"

    def __init__(self, data: str, **kw: object) -> None:
        super().__init__("\n".join(qr_lines(data)), markup=False, **kw)  # type: ignore[arg-type]
