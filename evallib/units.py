"""Units of measure (计量单位) found on performance-goal forms, and their conversion.

A unit belongs to a *dimension*; values in the same dimension convert by a factor to the
dimension's base unit (万元 → 元 × 10⁴, 亩 → 平方米 × 666.67).  Count units (个, 人, 人次, 项...)
are each their own dimension: 人 and 人次 are different things and never convert.  A unit we do
not know is accepted as its own count dimension, so it agrees only with itself — RULES.md §3 asks
for "a clear error, not a guess" when units cannot agree.

Chinese multipliers (十, 百, 千, 万, 十万, 百万, 千万, 亿) may prefix any unit: 1.2万人次 is
12 000 人次.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

__all__ = ["Unit", "compatible", "lookup_unit"]


@dataclass(frozen=True)
class Unit:
    """A unit as written, with its dimension and factor to the dimension's base unit."""

    symbol: str
    dimension: str
    factor: float = 1.0

    @property
    def base_symbol(self) -> str:
        return _BASE.get(self.dimension, self.dimension.partition(":")[2])


# dimension -> {symbol: factor}
_TABLE: dict[str, dict[str, float]] = {
    "money": {"元": 1.0, "千元": 1e3, "万元": 1e4, "百万元": 1e6, "千万元": 1e7, "亿元": 1e8},
    "percent": {"%": 1.0, "百分比": 1.0, "个百分点": 1.0, "百分点": 1.0, "‰": 0.1},
    "length": {"米": 1.0, "m": 1.0, "延米": 1.0, "千米": 1e3, "公里": 1e3, "km": 1e3},
    "area": {
        "平方米": 1.0,
        "m2": 1.0,
        "平米": 1.0,
        "亩": 10000.0 / 15.0,
        "公顷": 1e4,
        "平方公里": 1e6,
        "km2": 1e6,
    },
    "mass": {"克": 1e-3, "千克": 1.0, "公斤": 1.0, "kg": 1.0, "吨": 1e3},
    "days": {"天": 1.0, "日": 1.0, "个工作日": 1.0, "工作日": 1.0},
    "hours": {"小时": 1.0, "h": 1.0, "分钟": 1 / 60, "秒": 1 / 3600},
    "months": {"个月": 1.0, "月": 1.0},
    "years": {"年": 1.0},
}
_BASE = {
    "money": "元",
    "percent": "%",
    "length": "米",
    "area": "平方米",
    "mass": "千克",
    "days": "天",
    "hours": "小时",
    "months": "个月",
    "years": "年",
}
_INDEX: dict[str, Unit] = {
    sym: Unit(sym, dim, f) for dim, table in _TABLE.items() for sym, f in table.items()
}
_MULTIPLIERS = {"十": 10.0, "百": 100.0, "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6,
                "千万": 1e7, "亿": 1e8}  # fmt: skip
_PREFIXES = sorted(_MULTIPLIERS, key=len, reverse=True)  # longest first: 十万 before 十


@functools.lru_cache(maxsize=4096)
def lookup_unit(text: str) -> Unit:
    """Return the :class:`Unit` for a unit string (possibly with a Chinese multiplier prefix).

    Examples
    --------
    >>> lookup_unit("万元")
    Unit(symbol='万元', dimension='money', factor=10000.0)
    >>> lookup_unit("万人次")
    Unit(symbol='万人次', dimension='count:人次', factor=10000.0)
    >>> lookup_unit("")
    Unit(symbol='', dimension='count:', factor=1.0)
    """
    text = text.strip()
    if text in _INDEX:
        return _INDEX[text]
    for prefix in _PREFIXES:
        if text.startswith(prefix) and len(text) >= len(prefix):
            rest = text[len(prefix) :]
            base = _INDEX.get(rest)
            if base is not None:
                return Unit(text, base.dimension, base.factor * _MULTIPLIERS[prefix])
            if rest == "" or not rest[0].isdigit():
                return Unit(text, f"count:{rest}", _MULTIPLIERS[prefix])
    return Unit(text, f"count:{text}", 1.0)


def compatible(a: Unit, b: Unit) -> bool:
    """True when values in ``a`` and ``b`` can be compared after conversion."""
    return a.dimension == b.dimension
