"""Spreadsheet and CSV outputs that cannot run anything (CSV/formula injection).

Indicator names, answers and ids come from the units being evaluated.  Text that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel and WPS when the
file is opened (OWASP, "CSV Injection"; CWE-1236).  Every XLSX and CSV evallib writes goes
through this module:

- **XLSX**: such a text is stored as a string cell with Excel's ``quotePrefix`` style (what Excel
  itself does for text typed after an apostrophe): it shows literally and is never evaluated.
  evallib writes no formulas of its own.
- **CSV**: OWASP's advice — the field is prefixed with a single quote ``'`` (and quoted by the
  CSV writer).  Plain numbers written as text (``-5``, ``+3.2``, ``-12%``) are left as they are:
  a spreadsheet reads them as numbers, never as formulas.

Sheet names are made valid (no ``[]:*?/\\``, at most 31 characters, unique).
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping
from typing import Any

import pandas as pd

__all__ = [
    "csv_bytes",
    "frames_xlsx",
    "inert_frame",
    "inert_text",
    "is_dangerous",
    "neutralise_workbook",
    "restore_frame",
    "safe_sheet_name",
    "workbook_bytes",
]

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?$")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def is_dangerous(value: Any) -> bool:
    """True for text a spreadsheet would take as a formula.

    >>> is_dangerous("=1+1"), is_dangerous("-5"), is_dangerous("@SUM(A1)"), is_dangerous("道路")
    (True, False, True, False)
    """
    return (
        isinstance(value, str)
        and value.startswith(TRIGGERS)
        and not _PLAIN_NUMBER.match(value.strip())
    )


def inert_text(value: Any) -> Any:
    """A CSV field made inert: dangerous text gets a leading ``'``; anything else unchanged.

    >>> inert_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    """
    return "'" + value if is_dangerous(value) else value


def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def inert_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names are inert (for CSV)."""
    out = df.copy()
    out.columns = [inert_text(c) for c in out.columns]
    for col in out.columns:
        if _is_text(out[col]):
            out[col] = out[col].map(inert_text)
    return out


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`inert_frame` when evallib reads back a CSV it wrote (a leading ``'`` that
    guards formula-like text is removed).

    >>> restore_frame(pd.DataFrame({"id": ["'=1+1", "'引号", "A"]}))["id"].tolist()
    ['=1+1', "'引号", 'A']
    """
    out = df.copy()
    for col in out.columns:
        if _is_text(out[col]):
            out[col] = out[col].map(
                lambda v: v[1:] if isinstance(v, str) and v.startswith("'")
                and is_dangerous(v[1:]) else v
            )
    return out


def csv_bytes(df: pd.DataFrame, *, index: bool = False) -> bytes:
    """CSV for Chinese Excel (UTF-8 with BOM, ``\\n`` line ends), every field inert."""
    return (
        inert_frame(df).to_csv(index=index, lineterminator="\n").encode("utf-8-sig")
    )


def neutralise_workbook(wb: Any, own_formulas: Collection[tuple[str, str]] = ()) -> int:
    """Turn every formula or formula-like text cell of an openpyxl workbook into literal text
    shown as typed (string cell + ``quotePrefix``).  Returns the number of cells changed.

    ``own_formulas`` lists (sheet title, coordinate) of formulas evallib itself built from cell
    references only (the reciprocal cells of the expert template); they stay formulas.
    """
    keep = set(own_formulas)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if keep and (ws.title, cell.coordinate) in keep:
                    continue
                v = cell.value
                if cell.data_type == "f" or is_dangerous(v):
                    cell.value = str(v)
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    n += 1
    return n


def workbook_bytes(wb: Any, own_formulas: Collection[tuple[str, str]] = ()) -> bytes:
    """Bytes of an openpyxl workbook: neutralised, saved, with fixed zip timestamps."""
    from .fileio import deterministic_zip

    neutralise_workbook(wb, own_formulas)
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_zip(buf.getvalue())


def safe_sheet_name(name: Any, taken: set[str] | None = None) -> str:
    """A valid, unique worksheet name for ``name``.

    >>> safe_sheet_name("a/b:c[1]"), safe_sheet_name("x" * 40, {"x" * 31})
    ('a_b_c_1_', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxx~2')
    """
    base = _BAD_SHEET.sub("_", str(name)).strip("'") or "Sheet"
    taken = taken if taken is not None else set()
    cand = base[:31]
    k = 2
    while cand.lower() in {t.lower() for t in taken}:
        suffix = f"~{k}"
        cand = base[: 31 - len(suffix)] + suffix
        k += 1
    taken.add(cand)
    return cand


def _xml_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Remove characters XML (and so XLSX) cannot hold from text cells."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    out = df.copy()
    for col in out.columns:
        if _is_text(out[col]):
            out[col] = out[col].map(
                lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
            )
    return out


def frames_xlsx(
    sheets: Mapping[str, pd.DataFrame], *, index: bool | Mapping[str, bool] = False
) -> bytes:
    """An XLSX workbook with one sheet per DataFrame, every cell inert, every sheet in the one
    table look of :func:`evallib.xlsx_style.style_table`; deterministic bytes.

    Parameters
    ----------
    sheets : mapping of sheet name → DataFrame
        Names are made valid and unique with :func:`safe_sheet_name`.
    index : bool or mapping of sheet name → bool
        Write the index (all sheets, or per sheet).
    """
    from .xlsx_style import style_table

    buf = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in sheets.items():
            sheet = safe_sheet_name(name, taken)
            with_index = index.get(name, False) if isinstance(index, Mapping) else index
            _xml_safe(df).to_excel(xw, sheet_name=sheet, index=with_index)
            style_table(xw.sheets[sheet], 1)
        neutralise_workbook(xw.book)
    from .fileio import deterministic_zip

    return deterministic_zip(buf.getvalue())
