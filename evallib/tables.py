"""Read the tables evaluators hand us: CSV in any of the encodings Chinese Excel writes, and XLSX
with title rows above the header and merged cells.

:func:`read_table` returns a DataFrame of cell values (strings for CSV, native types for XLSX)
with a ``_row`` column holding the row number as the user sees it in Excel or a text editor, so
that every later error can name its row.  Merged cells are filled with the top-left value, which
is what a reader of the sheet sees.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import limits
from .errors import InputDataError

__all__ = ["Table", "detect_encoding", "read_table"]

ROW = "_row"
# Invisible control characters (not tab/newline) carry no meaning and cannot be written to XLSX.
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Table:
    """A table read from a file, with where it came from."""

    frame: pd.DataFrame
    file: str
    sheet: str | None
    header_row: int

    def where(self, row: int | None = None, column: str | None = None) -> dict[str, Any]:
        """Location keywords for :class:`~evallib.errors.Problem`."""
        return {"file": self.file, "sheet": self.sheet, "row": row, "column": column}


def detect_encoding(data: bytes) -> str:
    """Return the encoding of CSV bytes: UTF-8 (with or without BOM) or GB18030 (a superset of
    GBK and GB2312, which Chinese Excel writes).  Raises ValueError when neither decodes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for enc in ("utf-8", "gb18030"):
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    raise ValueError("undecodable")


def _check_file(path: Path) -> bytes:
    from .fileio import read_bytes_bounded

    data = read_bytes_bounded(path)
    if not data.strip():
        raise InputDataError(
            "文件为空 (empty file)", file=str(path), fix="检查是否导出了正确的文件"
        )
    return data


def _find_header(rows: Sequence[Sequence[Any]], keywords: Iterable[str]) -> int | None:
    keys = list(keywords)
    for i, row in enumerate(rows[:30]):
        cells = {_clean_header(c) for c in row if c is not None}
        if any(k in cells for k in keys):
            return i
    return None


def _clean_header(c: Any) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKC", str(c)).strip()
    return "".join(s.split())


def _frame(rows: list[list[Any]], header_idx: int, first_row_no: int) -> pd.DataFrame:
    header = [_clean_header(c) if c is not None else "" for c in rows[header_idx]]
    body = rows[header_idx + 1 :]
    width = len(header)
    # Unnamed columns get a positional name; duplicates get a suffix so nothing is lost.
    seen: dict[str, int] = {}
    names = []
    for j, h in enumerate(header):
        h = h or f"列{j + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h}.{seen[h]}"
        else:
            seen[h] = 0
        names.append(h)
    first = first_row_no + header_idx + 1
    keep = [i for i, r in enumerate(body)
            if not blank_row(r[:width]) and any(_filled(v) for v in r[:width])]  # fmt: skip
    data = [list(body[i][:width]) + [None] * (width - len(body[i])) for i in keep]
    frame = pd.DataFrame(data, columns=names, dtype=object)
    frame.attrs["original_headers"] = dict(zip(names, header, strict=True))
    frame[ROW] = [first + i for i in keep]  # rows entirely empty are dropped
    return frame


_BLANK = frozenset({None, ""})


def blank_row(row: list[Any]) -> bool:
    """True when every cell is None or "" (a set test in C: a sheet with one far-away cell has
    a million such rows, which this skips in a fraction of a second).  Cells holding only
    spaces are not blank here; callers that care test those themselves."""
    return _BLANK.issuperset(row)


def _filled(v: Any) -> bool:
    return v is not None and not (isinstance(v, str) and not v.strip())


def _read_xlsx(path: Path, data: bytes, sheet: str | int | None) -> tuple[list[list[Any]], str]:
    from .workbooks import read_sheet

    sh = read_sheet(path, sheet, data=data)
    return sh.rows, sh.title


def _csv_rows(path: Path, data: bytes, sep: str | None) -> list[list[Any]]:
    """Rows of a CSV file, refusing undecodable, oversized and truncated files."""
    import csv

    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputDataError("CSV 文件含有空字符 (NUL)，可能不是文本文件或已损坏",
                             file=str(path), fix="确认导出的是 CSV 文本文件")  # fmt: skip
    try:
        enc = detect_encoding(data)
        text = data.decode(enc)
    except (ValueError, UnicodeDecodeError):
        raise InputDataError(
            "无法识别文件编码 (encoding)：既不是 UTF-8 也不是 GBK/GB18030",
            file=str(path),
            fix="在 Excel 中另存为「CSV UTF-8」或 XLSX",
        ) from None
    if "\x00" in text:
        raise InputDataError("CSV 文件含有空字符 (NUL)，可能不是文本文件或已损坏",
                             file=str(path), fix="确认导出的是 CSV 文本文件")  # fmt: skip
    if sep is None:
        try:
            sep = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|").delimiter
        except csv.Error:
            sep = ","
    max_rows, max_cols = limits.get("max_rows"), limits.get("max_columns")
    rows: list[list[Any]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        for rec in reader:
            if len(rows) >= max_rows:
                raise InputDataError(f"CSV 行数超过{limits.describe('max_rows')}", file=str(path),
                                     fix="拆分文件或调高该上限")  # fmt: skip
            if len(rec) > max_cols:
                raise InputDataError(f"CSV 列数超过{limits.describe('max_columns')}",
                                     file=str(path), row=len(rows) + 1)  # fmt: skip
            rows.append([None if v == "" else _CONTROL.sub("", v) for v in rec])
    except csv.Error as exc:
        raise InputDataError(
            f"CSV 格式有误 (malformed CSV)：{exc}；文件可能被截断 (truncated)",
            file=str(path), row=reader.line_num, fix="检查引号是否成对；重新导出完整文件",
        ) from None  # fmt: skip
    _check_truncated(path, text, rows)
    return rows


def _check_truncated(path: Path, text: str, rows: list[list[Any]]) -> None:
    """A CSV cut off half-way ends without a newline on a row shorter than the ones above it."""
    if len(rows) < 3 or text.endswith(("\n", "\r")):
        return
    width = max(len(r) for r in rows[:-1])
    full = sum(len(r) == width for r in rows[:-1])
    if len(rows[-1]) < width and full >= (len(rows) - 1) * 0.9:
        raise InputDataError(
            f"CSV 最后一行只有 {len(rows[-1])} 列（其余行 {width} 列），且没有换行结尾："
            "文件可能被截断 (truncated)",
            file=str(path), row=len(rows), fix="重新导出或下载完整的文件",
        )  # fmt: skip


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_keywords: Iterable[str] = (),
    fast: bool = False,
) -> Table:
    """Read a CSV or XLSX file into a :class:`Table`.

    Parameters
    ----------
    path : str or Path
    sheet : str or int, optional
        XLSX worksheet by name or 0-based index (default: the first).
    header_keywords : iterable of str
        Column names one of which the header row contains; rows above it (titles) are skipped.
        When none is found, the first row is the header.
    fast : bool
        Read XLSX through python-calamine and accept legacy XLS (xlrd), see
        :mod:`evallib.fastsheets` — for large exports whose cells are plain values.

    Raises
    ------
    InputDataError
        Missing or empty file, undecodable CSV, unreadable XLSX, unknown sheet, header only.
    """
    path = Path(path)
    data = _check_file(path)
    suffix = path.suffix.lower()
    if fast and suffix in (".xlsx", ".xlsm", ".xls"):
        from .fastsheets import read_sheet_fast

        sh = read_sheet_fast(path, sheet, data=data)
        rows, sheet_name = sh.rows, sh.title
    elif suffix in (".xlsx", ".xlsm"):
        rows, sheet_name = _read_xlsx(path, data, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = _csv_rows(path, data, "\t" if suffix == ".tsv" else None)
        sheet_name = None
    elif suffix == ".xls":
        raise InputDataError(
            "不支持旧版 Excel (.xls) 文件", file=str(path), fix="用 Excel 另存为 .xlsx 后再试"
        )
    else:
        raise InputDataError(
            f"不支持的文件类型 (file type) {suffix or '（无扩展名）'}",
            file=str(path),
            fix="使用 .xlsx、.csv 或 .yaml 文件",
        )
    if not rows:
        raise InputDataError("表格为空 (empty sheet)", file=str(path), sheet=sheet_name)
    keys = list(header_keywords)
    hdr = _find_header(rows, keys)
    if hdr is None:
        if keys:
            raise InputDataError(
                f"找不到表头 (header)：前 30 行中没有「{'」「'.join(keys[:4])}」等列名",
                file=str(path),
                sheet=sheet_name,
                fix="确认选择了正确的工作表，且表头使用标准列名（见 docs/formats.md）",
            )
        hdr = 0
    frame = _frame(rows, hdr, 1)
    if frame.empty:
        raise InputDataError(
            "只有表头，没有数据行 (header only)", file=str(path), sheet=sheet_name, row=hdr + 1
        )
    return Table(frame, str(path), sheet_name, hdr + 1)
