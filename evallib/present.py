"""Presentation rules shared by every output (report tables, Excel): which columns are rates
(shown as percentages) and how wide Chinese text is on screen and paper.

>>> is_rate_column("满意率"), is_rate_column("得分率"), is_rate_column("满意度得分")
(True, True, False)
>>> display_width("预算执行率 95%")
14
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = [
    "console_table",
    "display_width",
    "fmt_p",
    "is_rate_column",
    "p_text",
    "styled",
]

_RATE_WORDS = ("率", "比例", "占比", "share")


def is_rate_column(name: Any) -> bool:
    """A column of ratios in [0, 1] shown as percentages (满意率, 执行率, 得分率, 比例), not a
    score column (满意度得分)."""
    s = str(name)
    return any(w in s for w in _RATE_WORDS) and "得分" not in s.replace("得分率", "")


def display_width(text: Any) -> int:
    """Columns ``text`` takes in a monospace grid: wide (CJK, full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def fmt_p(p: float) -> str:
    """A p-value as printed in reports: 「<0.001」 below 0.001, else three decimals.

    >>> fmt_p(4.24e-140), fmt_p(0.0312), fmt_p(0.5)
    ('<0.001', '0.031', '0.500')
    """
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _shown_as_percent(name: Any, s: Any) -> bool:
    """A float column named as a rate whose values are ratios (≤ 1): shown as a percentage."""
    import pandas as pd

    return bool(pd.api.types.is_float_dtype(s) and is_rate_column(name)
                and s.dropna().abs().le(1.0001).all())  # fmt: skip


def styled(df: Any, decimals: int = 4) -> Any:
    """A table as a notebook shows it to a reader: no index, rates as percentages (49.74%),
    other decimals fixed, missing values as —; a pandas Styler (rendered to HTML/PDF)."""
    import pandas as pd

    fmt = {c: ("{:.2%}" if _shown_as_percent(c, df[c]) else f"{{:.{decimals}f}}")
           for c in df.columns if pd.api.types.is_float_dtype(df[c])}  # fmt: skip
    return df.style.hide(axis="index").format(fmt, na_rep="—")


def p_text(p: float) -> str:
    """A p-value in a sentence: "p < 0.001" or "p = 0.034" (from :func:`fmt_p`).

    >>> p_text(1e-9), p_text(0.0341)
    ('p < 0.001', 'p = 0.034')
    """
    f = fmt_p(p)
    return f"p < {f[1:]}" if f.startswith("<") else f"p = {f}"


def console_table(df: Any, decimals: int = 4) -> str:
    """A DataFrame as a console table: rate columns as percentages (89.33%), other decimals
    rounded, columns aligned by display width (Chinese counts double), no index."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s):
            if _shown_as_percent(col, s):
                out[col] = s.map(lambda v: "" if pd.isna(v) else f"{v:.2%}")
            else:
                out[col] = s.round(decimals)
    with pd.option_context("display.width", 200, "display.max_columns", 30,
                           "display.unicode.east_asian_width", True):  # fmt: skip
        return out.to_string(index=False, na_rep="—")
