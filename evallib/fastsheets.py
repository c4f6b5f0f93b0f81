"""Fast, bounded reading of large worksheets: XLSX through python-calamine, legacy XLS through
xlrd.

Survey exports run to 100,000 rows; openpyxl's XML parser takes over a minute on them.
calamine (Rust) reads them in seconds but allocates a dense grid sized by the cells'
coordinates, so one hostile cell at XFD1048576 would exhaust memory.  Before handing an XLSX to
calamine the worksheet XML is scanned (C-speed byte searches, no parsing) for the largest row
and column actually used; sizes are checked against :mod:`evallib.limits`.  A sheet holding
formulas or merged cells — where openpyxl's careful path matters (uncached formulas are
refused, merged ranges filled) — goes to :func:`evallib.workbooks.read_sheet` instead.

Legacy ``.xls`` (BIFF, an OLE2 container) is read with xlrd, whose rows are sparse.  A file
named ``.xls`` that really is an XLSX is read as XLSX; one that is HTML or text (some platforms
export those under an .xls name) is refused with what to do.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from . import limits
from .errors import InputDataError
from .workbooks import Sheet, _check_zip, _too_big, read_sheet, sheet_index

__all__ = ["read_sheet_fast"]

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ROW_RE = re.compile(rb'row\b[^>]*? r="(\d+)"')
_CHUNK = 4 << 20
# Formulas, merged cells, and cells or rows without a reference (position implied by order):
# the careful openpyxl reader handles those.
_CAREFUL = (b"<f", b"mergeCell", b"<c>", b"<row>")
_PREFIXED = re.compile(rb"<(\w+):worksheet\b")  # namespace-prefixed XML: the careful reader


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _sheet_part(zf: zipfile.ZipFile, index: int) -> str | None:
    """Zip part of the index-th worksheet (workbook order), from the workbook relationships."""
    try:
        wb = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    rids = re.findall(rb'<(?:\w+:)?sheet\b[^>]*?\sr:id="([^"]+)"', wb)
    if index >= len(rids):
        return None
    for m in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        rid = re.search(rb'\sId="([^"]+)"', tag)
        tgt = re.search(rb'\sTarget="([^"]+)"', tag)
        if rid and tgt and rid.group(1) == rids[index]:
            t = tgt.group(1).decode("utf-8", "replace").lstrip("/")
            return t if t.startswith("xl/") else f"xl/{t}"
    return None


def _above(m: int) -> bytes:
    """Regular expression for the whole numbers greater than ``m`` (no leading zeros): more
    digits, or as many digits and larger at the first digit that differs.

    >>> import re; p = re.compile(_above(2345) + rb"$")
    >>> [bool(p.match(x)) for x in (b"2345", b"2346", b"2400", b"9999", b"10000", b"999")]
    [False, True, True, True, True, False]
    """
    d = str(m).encode()
    alts = [rb"[1-9]\d{%d,}" % len(d)]
    for i, ch in enumerate(d):
        if ch < ord("9"):
            alts.append(d[:i] + b"[%c-9]" % (ch + 1) + rb"\d{%d}" % (len(d) - i - 1))
    return b"(?:" + b"|".join(alts) + b")"


def _letters(n: int) -> bytes:
    out = b""
    while n:
        n, r = divmod(n - 1, 26)
        out = bytes([65 + r]) + out
    return out


def _above_letters(n: int) -> bytes:
    """Regular expression for the column letters after column ``n`` (any when n = 0).

    >>> import re; p = re.compile(_above_letters(40) + rb"$")  # AN
    >>> [bool(p.match(x)) for x in (b"AN", b"AO", b"B", b"BA", b"AAA", b"Z")]
    [False, True, False, True, True, False]
    """
    if n <= 0:
        return rb"[A-Z]+"
    d = _letters(n)
    alts = [rb"[A-Z]{%d,}" % (len(d) + 1)]
    for i, ch in enumerate(d):
        if ch < ord("Z"):
            alts.append(d[:i] + b"[%c-Z]" % (ch + 1) + rb"[A-Z]{%d}" % (len(d) - i - 1))
    return b"(?:" + b"|".join(alts) + b")"


def _scan(zf: zipfile.ZipFile, part: str) -> tuple[int, int, bool]:
    """Largest row and column used, and whether formulas or merges (or cells without a
    reference) make the careful reader necessary."""
    max_row = max_col = 0
    careful = False
    tail = b""
    with zf.open(part) as fh:
        while True:
            block = fh.read(_CHUNK)
            if not block:
                break
            buf = tail + block
            cut = buf.rfind(b">") + 1 or len(buf)
            body, tail = buf[:cut], buf[cut:]
            if not careful and (any(m in body for m in _CAREFUL)
                                or (max_row == 0 and _PREFIXED.search(body[:4096]))):
                careful = True
            rows = _ROW_RE.findall(body)
            if rows:
                max_row = max(max_row, *map(int, rows))
            # calamine places a cell by its own reference: a cell "A1048576" inside <row r="1">
            # counts.  Only references to rows beyond the largest so far are collected.
            far = re.findall(rb' r="[A-Z]+(' + _above(max_row) + rb')"', body)
            if far:
                max_row = max(max_row, *map(int, far))
            # likewise only columns beyond the widest so far
            cols = set(re.findall(rb' r="(' + _above_letters(max_col) + rb')\d', body))
            if cols:
                max_col = max(max_col, *map(_col_number, cols))
    return max_row, max_col, careful


def _tidy(v: Any) -> Any:
    """xlrd numbers as openpyxl gives them: whole floats as int, '' as None."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    if isinstance(v, str) and v == "":
        return None
    return v


def _read_xlsx(path: Path, data: bytes, sheet: str | int | None) -> Sheet:
    import python_calamine

    _check_zip(path, data)
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine's errors on a damaged workbook
        raise InputDataError(
            f"无法作为 Excel (XLSX) 文件打开：{type(exc).__name__}", file=str(path),
            fix="用 Excel 打开后另存为 .xlsx",
        ) from None  # fmt: skip
    idx = sheet_index(names, sheet, path)
    title = names[idx]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        part = _sheet_part(zf, idx)
        if part is None or part not in zf.namelist():
            return read_sheet(path, sheet, data=data)
        max_row, max_col, careful = _scan(zf, part)
    if careful:
        return read_sheet(path, sheet, data=data)
    if max_row > limits.get("max_rows"):
        raise _too_big(path, title, f"第 {max_row:,} 行有内容", "max_rows")
    if max_col > limits.get("max_columns"):
        raise _too_big(path, title, f"第 {max_col:,} 列有内容", "max_columns")
    if max_row * max_col > limits.get("max_cells"):
        raise _too_big(path, title, f"已用范围 {max_row:,} 行 × {max_col:,} 列", "max_cells")
    try:
        rows = wb.get_sheet_by_index(idx).to_python(skip_empty_area=False)
    except Exception as exc:
        raise InputDataError(
            f"工作表内容已损坏，无法读取：{type(exc).__name__}", file=str(path), sheet=title,
            fix="用 Excel 打开后另存为 .xlsx",
        ) from None  # fmt: skip
    return Sheet(rows, title)  # values as calamine gives them (numbers as float, "" empty)


def _read_xls(path: Path, data: bytes, sheet: str | int | None) -> Sheet:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct errors on damage
        raise InputDataError(
            f"无法作为旧版 Excel (.xls) 文件打开：{type(exc).__name__}", file=str(path),
            fix="用 Excel 或 WPS 打开后另存为 .xlsx",
        ) from None  # fmt: skip
    try:
        names = book.sheet_names()
        idx = sheet_index(names, sheet, path)
        sh = book.sheet_by_index(idx)
        if sh.nrows > limits.get("max_rows"):
            raise _too_big(path, sh.name, f"{sh.nrows:,} 行", "max_rows")
        if sh.nrows * sh.ncols > limits.get("max_cells"):
            raise _too_big(path, sh.name, f"{sh.nrows:,} 行 × {sh.ncols:,} 列", "max_cells")
        rows = [_xls_row(book, sh, r) for r in range(sh.nrows)]
        return Sheet(rows, sh.name)
    finally:
        book.release_resources()


def _xls_row(book: Any, sh: Any, r: int) -> list[Any]:
    import xlrd

    out: list[Any] = []
    for c in range(sh.ncols):
        cell = sh.cell(r, c)
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                out.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                out.append(cell.value)
        elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            out.append(None)
        elif cell.ctype == xlrd.XL_CELL_ERROR:
            out.append(None)
        else:
            out.append(_tidy(cell.value))
    return out


def read_sheet_fast(path: str | Path, sheet: str | int | None = None, *, data: bytes) -> Sheet:
    """Read one worksheet of an XLSX or XLS file quickly, within the limits.

    The file type is decided by its bytes (zip → XLSX, OLE2 → XLS), not by its name.

    Raises
    ------
    InputDataError
        HTML or text saved under an Excel name, damaged or oversized files, unknown sheet.
    """
    path = Path(path)
    if data[:8] == OLE2:
        return _read_xls(path, data, sheet)
    if data[:2] == b"PK":
        return _read_xlsx(path, data, sheet)
    head = data[:512].lstrip().lower()
    kind = "网页 (HTML)" if head.startswith((b"<", b"\xef\xbb\xbf<")) else "文本"
    raise InputDataError(
        f"文件扩展名是 Excel，但内容是{kind}，不是 Excel 工作簿", file=str(path),
        fix="用 Excel 或 WPS 打开该文件并另存为 .xlsx；或从平台重新导出 CSV/XLSX",
    )  # fmt: skip
