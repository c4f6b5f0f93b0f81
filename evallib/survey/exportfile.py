"""Load a survey export into a frame of strings/values with its header as written: CSV
(UTF-8/GBK), XLSX and legacy XLS (fast readers), SPSS ``.sav`` with its value labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputDataError
from ..tables import ROW, read_table
from .decode import by_unique

__all__ = ["ExportFrame", "load_export"]


@dataclass
class ExportFrame:
    """An export as read.

    Attributes
    ----------
    frame : DataFrame
        One column per export column (unique names; repeated headers get ".1", ".2").
    headers : dict
        Column name → header as written.
    rows : ndarray
        File row of each response (for messages).
    value_labels : dict
        SPSS: column name → {code: label}.
    variables : dict
        SPSS: column name → variable name (Q5_1).
    """

    frame: pd.DataFrame
    headers: dict[str, str]
    rows: np.ndarray
    sheet: str | None = None
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)


def load_export(path: Path, sheet: str | int | None = None) -> ExportFrame:
    """Read any supported export (by extension; Excel files by content)."""
    if path.suffix.lower() == ".sav":
        return _read_sav(path)
    table = read_table(path, sheet=sheet, fast=True)
    df = table.frame
    headers = {c: df.attrs.get("original_headers", {}).get(c) or c for c in df.columns}
    rows = df[ROW].to_numpy()
    df = df.drop(columns=[ROW])
    headers.pop(ROW, None)
    for c in df.columns:  # the fast readers give numbers as float: 1.0 → 1, "" → None
        df[c] = _tidy_column(df[c])
    return ExportFrame(df, headers, rows, table.sheet)


def _tidy_column(col: pd.Series) -> pd.Series:
    kind = pd.api.types.infer_dtype(col, skipna=True)
    if kind in ("string", "empty"):
        arr = col.to_numpy(dtype=object)
        empty = arr == ""
        if not empty.any():
            return col
        arr = arr.copy()
        arr[empty] = None
        return pd.Series(arr, index=col.index, dtype=object)
    if kind in ("floating", "integer", "mixed-integer-float"):
        f = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        out = np.array(col.tolist(), dtype=object)
        out[np.isnan(f)] = None
        whole = np.isfinite(f) & (f == np.floor(f)) & (np.abs(f) < 2**53)
        out[whole] = f[whole].astype(np.int64).tolist()
        return pd.Series(out, index=col.index, dtype=object)
    return by_unique(col, _tidy)


def _tidy(v: Any) -> Any:
    if isinstance(v, float):
        if np.isnan(v):
            return None
        return int(v) if v.is_integer() and abs(v) < 2**53 else v
    return None if isinstance(v, str) and not v.strip() else v


def _read_sav(path: Path) -> ExportFrame:
    import pyreadstat

    from .. import limits
    from ..fileio import read_bytes_bounded

    data = read_bytes_bounded(path)  # missing, a folder, over the size limit
    if not data:
        raise InputDataError("文件为空 (empty file)", file=str(path))
    try:
        _, head = pyreadstat.read_sav(str(path), metadataonly=True)
        if head.number_rows is not None and head.number_rows > limits.get("max_rows"):
            raise InputDataError(f"SPSS 文件行数超过{limits.describe('max_rows')}",
                                 file=str(path))  # fmt: skip
        df, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except InputDataError:
        raise
    except Exception as exc:  # pyreadstat's ReadstatError and friends on a damaged file
        raise InputDataError(
            f"无法作为 SPSS (.sav) 文件读取：{exc}", file=str(path),
            fix="在 SPSS 中重新保存，或另存为 CSV/XLSX 后导入",
        ) from None  # fmt: skip
    # SPSS variable names are short (Q5_1); the question texts are the variable labels.
    # Repeated labels (two variables labelled alike) keep their variable name beside.
    varnames = list(df.columns)
    labels = [lab or name for name, lab in zip(varnames, meta.column_labels or varnames,
                                                 strict=False)]  # fmt: skip
    labels += varnames[len(labels) :]
    counts = pd.Series(labels).value_counts()
    names = [lab if counts[lab] == 1 else f"{lab}[{var}]" for lab, var in
             zip(labels, varnames, strict=True)]  # fmt: skip
    seen: dict[str, int] = {}
    for i, n in enumerate(names):  # a label equal to another's "label[var]" form
        seen[n] = seen.get(n, -1) + 1
        if seen[n]:
            names[i] = f"{n}.{seen[n]}"
    df.columns = names
    vl = meta.variable_value_labels or {}
    value_labels = {n: vl[v] for n, v in zip(names, varnames, strict=True) if v in vl}
    headers = dict(zip(names, labels, strict=True))
    return ExportFrame(
        df.astype(object), headers, np.arange(2, len(df) + 2), None, value_labels,
        dict(zip(names, varnames, strict=True)),
    )  # fmt: skip
