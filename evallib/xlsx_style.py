"""One look for every table evallib writes to Excel (score sheet, survey, review, weights,
batch): a bold, shaded, frozen header repeated on every printed page; columns as wide as their
Chinese header and content (capped, long text wrapped); numbers kept numeric with a number
format (rates as 0.00%, indices below 1 — weights, closeness, CR — as 0.0000, other decimals
as 0.00); printed fit to one page wide, landscape when the table is wide.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .present import display_width, is_rate_column

__all__ = ["fit_print", "style_table"]

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_THIN = Side(style="thin", color="999999")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
MAX_WIDTH = 50  # characters; longer text wraps
_SAMPLE_ROWS = 2000  # rows looked at for widths


def _column_formats(ws: Any, header_row: int, headers: list[str]) -> list[str | None]:
    """One number format per column: 0.00% for rate columns; 0.0000 for indices whose values
    all lie within (−1, 1) (weights, closeness, relational grades, CR: two decimals would show
    0.0035 as 0.00); 0.00 where any value has decimals (so a column does not mix -2 and 0.17);
    none for whole numbers and text."""
    has_decimals = [False] * len(headers)
    is_number = [False] * len(headers)
    below_one = [True] * len(headers)
    last = min(ws.max_row, header_row + _SAMPLE_ROWS)
    for row in ws.iter_rows(min_row=header_row + 1, max_row=last, values_only=True):
        for j, v in enumerate(row[: len(headers)]):
            if isinstance(v, int | float) and not isinstance(v, bool):
                is_number[j] = True
                has_decimals[j] |= isinstance(v, float) and v != int(v)
                below_one[j] &= abs(v) < 1
    out: list[str | None] = []
    for h, num, dec, small in zip(headers, is_number, has_decimals, below_one, strict=True):
        if num and is_rate_column(h):
            out.append("0.00%")
        else:
            out.append(("0.0000" if small else "0.00") if dec else None)
    return out


def style_table(ws: Any, header_row: int = 1, *, widths: bool = True) -> None:
    """Style a worksheet holding one table whose header is on ``header_row``."""
    ncol = ws.max_column
    headers = [str(ws.cell(header_row, j).value or "") for j in range(1, ncol + 1)]
    for j in range(1, ncol + 1):
        c = ws.cell(header_row, j)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = BORDER
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    longest = [display_width(h) for h in headers]
    formats = _column_formats(ws, header_row, headers)
    last = min(ws.max_row, header_row + _SAMPLE_ROWS)
    for row in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row):
        for j, c in enumerate(row):
            if j >= ncol:
                break
            v = c.value
            if formats[j] and isinstance(v, int | float) and not isinstance(v, bool):
                if formats[j] != "0.00%" or abs(v) <= 1.0001:
                    c.number_format = formats[j]
            if c.row <= last and c.value is not None:
                shown = f"{c.value:.2f}" if isinstance(c.value, float) else c.value
                w = display_width(shown)
                longest[j] = max(longest[j], min(w, MAX_WIDTH))
                if w > MAX_WIDTH:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
    if widths:
        for j, w in enumerate(longest, 1):
            header_w = display_width(headers[j - 1])
            ws.column_dimensions[get_column_letter(j)].width = max(w, header_w) + 2
    _row_heights(ws, header_row, ncol)
    fit_print(ws, header_row)


def _row_heights(ws: Any, header_row: int, ncol: int) -> None:
    """Rows tall enough for their wrapped text (spreadsheet programs do not always grow them
    when opening a file, and wrapped lines then overlap)."""
    widths = [(ws.column_dimensions[get_column_letter(j)].width or 9) - 1
              for j in range(1, ncol + 1)]  # fmt: skip
    for row in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row):
        lines = 1
        for c in row[:ncol]:
            if c.value is not None and c.alignment is not None and c.alignment.wrap_text:
                per_line = max(int(widths[c.column - 1] * 0.85), 1)  # glyphs run wider
                lines = max(lines, -(-display_width(c.value) // per_line))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * min(lines, 20)


def fit_print(ws: Any, header_row: int | None = 1) -> None:
    """Print one page wide (landscape when wide), header rows repeated on every page."""
    total = sum((ws.column_dimensions[get_column_letter(j)].width or 9)
                for j in range(1, ws.max_column + 1))  # fmt: skip
    ws.page_setup.orientation = "landscape" if total > 100 else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row:
        ws.print_title_rows = f"1:{header_row}"
