"""Read XLSX worksheets from untrusted files with bounded time and memory.

openpyxl's normal mode builds an object for every cell of every merged range and its
read-only mode trusts the declared ``<dimension>``: a 2 kB file whose merged range or dimension
covers a million rows exhausts memory.  Here a sheet is streamed with openpyxl's own
``WorkSheetParser`` (values, dates and shared strings exactly as openpyxl reads them), only cells
that hold a value are kept, and the grid is sized by the real used range.  Merged ranges are
clipped to that range; every size is checked against :mod:`evallib.limits`.

Formula cells without a cached value (a file written by a program that does not calculate,
never opened in Excel) would read as blanks: they are refused, naming the cells.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import limits
from .errors import InputDataError

__all__ = ["Sheet", "load_workbook_bounded", "read_sheet", "sheet_index", "sheet_names"]


@dataclass
class Sheet:
    """Cell values of one worksheet (row-major, 0-based lists; ``None`` for empty cells)."""

    rows: list[list[Any]]
    title: str
    uncached_formulas: list[str] = field(default_factory=list)

    def cell(self, row: int, col: int) -> Any:
        """Value at 1-based ``row``, ``col`` (``None`` outside the used range)."""
        if 1 <= row <= len(self.rows) and 1 <= col <= len(self.rows[row - 1]):
            return self.rows[row - 1][col - 1]
        return None

    @property
    def max_row(self) -> int:
        return len(self.rows)


def _check_zip(path: Path, data: bytes) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputDataError(
            "无法作为 Excel (XLSX) 文件打开：文件不是有效的 XLSX（zip 结构损坏或文件被截断）",
            file=str(path), fix="用 Excel 打开后另存为 .xlsx；确认文件完整下载",
        ) from None  # fmt: skip
    if total > limits.get("max_unzipped_bytes"):
        raise InputDataError(
            f"XLSX 解压后过大（{total:,} 字节）：超过{limits.describe('max_unzipped_bytes')}",
            file=str(path), fix="检查文件来源；确需读取时调高该上限",
        )  # fmt: skip


def load_workbook_bounded(path: str | Path, data: bytes | None = None) -> Any:
    """Open an XLSX read-only (nothing is materialised yet), after size and zip checks."""
    import openpyxl

    from .fileio import read_bytes_bounded

    path = Path(path)
    if data is None:
        data = read_bytes_bounded(path)
    if not data:
        raise InputDataError(
            "文件为空 (empty file)", file=str(path), fix="检查是否导出了正确的文件"
        )
    if path.suffix.lower() == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputDataError(
            "不支持旧版 Excel (.xls) 文件", file=str(path), fix="用 Excel 另存为 .xlsx 后再试"
        )
    _check_zip(path, data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any parser failure on a damaged or hostile file
        raise InputDataError(
            f"无法作为 Excel (XLSX) 文件打开：{type(exc).__name__}",
            file=str(path), fix="用 Excel 打开后另存为 .xlsx；老式 .xls 文件请先另存为 .xlsx",
        ) from None  # fmt: skip


def sheet_names(path: str | Path, data: bytes | None = None) -> list[str]:
    """Worksheet names of an XLSX file (hidden ones included)."""
    wb = load_workbook_bounded(path, data)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def sheet_index(names: list[str], sheet: str | int | None, path: Path) -> int:
    """Position of the wanted sheet (name or 0-based index; default the first) among ``names``,
    or an InputDataError listing the sheets there are."""
    if not names:
        raise InputDataError("工作簿中没有工作表 (no sheet)", file=str(path))
    if sheet is None:
        return 0
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputDataError(
                f"工作表序号 (sheet index) {sheet} 超出范围", file=str(path),
                fix=f"已有工作表：{', '.join(names)}",
            )  # fmt: skip
        return sheet
    if sheet not in names:
        raise InputDataError(
            f"找不到工作表 (sheet)「{sheet}」", file=str(path), sheet=str(sheet),
            fix=f"已有工作表：{', '.join(names)}",
        )  # fmt: skip
    return names.index(sheet)


def _pick(wb: Any, path: Path, sheet: str | int | None) -> Any:
    names = list(wb.sheetnames)
    return wb[names[sheet_index(names, sheet, path)]]


def _parser_class() -> type:
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class _Parser(WorkSheetParser):
        """openpyxl's parser, noting formula cells that carry no cached value."""

        uncached: list[str]

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            # No <v>, or an empty <v> on a non-string result (what openpyxl and other writers
            # that do not calculate leave); Excel writes t="str" for an empty-string result.
            if element.find(FORMULA_TAG) is not None and (
                element.find(VALUE_TAG) is None
                or (not element.findtext(VALUE_TAG) and element.get("t") != "str")
            ):
                self.uncached.append(element.get("r") or f"R{cell['row']}C{cell['column']}")
            return cell

    return _Parser


def _too_big(path: Path, title: str, what: str, name: str) -> InputDataError:
    return InputDataError(
        f"工作表过大：{what}，超过{limits.describe(name)}", file=str(path), sheet=title,
        fix="删除多余的行列，或只保留需要的数据另存；确需读取时调高该上限",
    )  # fmt: skip


def _stream_cells(ws: Any, path: Path) -> tuple[dict[int, dict[int, Any]], list[str], Any]:
    """Cells that hold a value, by row and column (1-based), with the parser's merge list."""
    max_rows, max_cols = limits.get("max_rows"), limits.get("max_columns")
    max_cells = limits.get("max_cells")
    wb = ws.parent
    parser = _parser_class()(
        ws._get_source(), ws._shared_strings, data_only=True, epoch=wb.epoch,
        date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats,
    )  # fmt: skip
    parser.uncached = []
    cells: dict[int, dict[int, Any]] = {}
    n = 0
    for idx, row in parser.parse():
        if idx > max_rows:
            raise _too_big(path, ws.title, f"第 {idx:,} 行有内容", "max_rows")
        kept = {c["column"]: c["value"] for c in row if c["value"] is not None}
        if not kept:
            continue
        if max(kept) > max_cols:
            raise _too_big(path, ws.title, f"第 {max(kept):,} 列有内容", "max_columns")
        n += len(kept)
        if n > max_cells:
            raise _too_big(path, ws.title, f"超过 {max_cells:,} 个非空单元格", "max_cells")
        cells[idx] = kept
    return cells, parser.uncached, parser.merged_cells


def _fill_merged(rows: list[list[Any]], merged: Any, path: Path, title: str) -> None:
    """Fill merged ranges with their top-left value, clipped to the used range."""
    from openpyxl.utils.cell import range_boundaries

    if not merged:
        return
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    budget = limits.get("max_cells")
    for m in getattr(merged, "mergeCell", []):
        try:
            c0, r0, c1, r1 = range_boundaries(m.ref)
        except (ValueError, TypeError):
            continue  # a damaged merge reference merges nothing
        if r0 > n_rows or c0 > n_cols:
            continue
        r1, c1 = min(r1, n_rows), min(c1, n_cols)
        budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
        if budget < 0:
            raise _too_big(path, title, "合并单元格 (merged cells) 覆盖范围过大", "max_cells")
        top = rows[r0 - 1][c0 - 1]
        for r in range(r0 - 1, r1):
            row = rows[r]
            for c in range(c0 - 1, c1):
                row[c] = top


def read_sheet(
    path: str | Path, sheet: str | int | None = None, *, data: bytes | None = None,
    allow_uncached: bool = False,
) -> Sheet:  # fmt: skip
    """Read one worksheet's values within the limits of :mod:`evallib.limits`.

    Parameters
    ----------
    path : str or Path
    sheet : str or int, optional
        Name or 0-based index (default: the first sheet).
    data : bytes, optional
        The file's bytes when already read.
    allow_uncached : bool
        Return formula cells without a cached value as empty instead of refusing.

    Raises
    ------
    InputDataError
        Unreadable or oversized file, unknown sheet, formula cells without cached values.
    """
    path = Path(path)
    wb = load_workbook_bounded(path, data)
    try:
        ws = _pick(wb, path, sheet)
        try:
            cells, uncached, merged = _stream_cells(ws, path)
        except InputDataError:
            raise
        except Exception as exc:  # damaged sheet XML, bad shared-string index, …
            raise InputDataError(
                f"工作表内容已损坏，无法读取：{type(exc).__name__}", file=str(path),
                sheet=ws.title, fix="用 Excel 打开后另存为 .xlsx",
            ) from None  # fmt: skip
        title = ws.title
    finally:
        wb.close()
    if uncached and not allow_uncached:
        shown = "、".join(uncached[:10]) + (f" 等 {len(uncached)} 个" if len(uncached) > 10 else "")
        raise InputDataError(
            f"公式单元格没有计算结果 (formula without cached value)：{shown}",
            file=str(path), sheet=title, column=uncached[0],
            fix="用 Excel 或 WPS 打开该文件并保存（让公式算出结果）后再导入",
        )  # fmt: skip
    n_rows = max(cells, default=0)
    n_cols = max((max(r) for r in cells.values()), default=0)
    if n_rows * n_cols > limits.get("max_cells"):
        raise _too_big(path, title, f"已用范围 {n_rows:,} 行 × {n_cols:,} 列", "max_cells")
    rows = [[None] * n_cols for _ in range(n_rows)]
    for r, kept in cells.items():
        row = rows[r - 1]
        for c, v in kept.items():
            row[c - 1] = v
    _fill_merged(rows, merged, path, title)
    return Sheet(rows, title, uncached)
