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

__all__ = ["display_width", "is_rate_column"]

_RATE_WORDS = ("率", "比例", "占比", "share")


def is_rate_column(name: Any) -> bool:
    """A column of ratios in [0, 1] shown as percentages (满意率, 执行率, 得分率, 比例), not a
    score column (满意度得分)."""
    s = str(name)
    return any(w in s for w in _RATE_WORDS) and "得分" not in s.replace("得分率", "")


def display_width(text: Any) -> int:
    """Columns ``text`` takes in a monospace grid: wide (CJK, full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))
