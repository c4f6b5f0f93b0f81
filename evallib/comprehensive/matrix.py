"""Inputs shared by the comprehensive-evaluation methods: a decision matrix with directions, and
weights that must add up to 1."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputDataError
from ..normalization import as_frame, numeric_matrix, positivize, split_directions

__all__ = ["WEIGHT_TOL", "Matrix", "check_weights", "decision_matrix", "rank_desc"]

#: Weights are accepted when they add up to 1 within this tolerance (weights printed with four
#: decimals for up to 20 criteria), then rescaled to sum exactly 1.
WEIGHT_TOL = 1e-3


@dataclass(frozen=True)
class Matrix:
    """A validated decision matrix: values, row and column labels, direction per column."""

    x: np.ndarray
    rows: list[str]
    columns: list[str]
    directions: list[str]
    targets: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def directions_record(self) -> dict[str, str]:
        """Column → "benefit" / "cost" / "middle(7)" / "interval(10~20)" as declared."""
        out = dict(zip(self.columns, self.directions, strict=True))
        for c, t in self.targets.items():
            out[c] = f"{t[0]}({'~'.join(f'{v:g}' for v in t[1:])})"
        return out

    def frame(self, values: np.ndarray | None = None) -> pd.DataFrame:
        v = self.x if values is None else values
        return pd.DataFrame(v, index=self.rows, columns=self.columns)


def decision_matrix(data: Any, benefit: Any = None, *, min_rows: int = 2) -> Matrix:
    """Validate ``data`` (rows = alternatives, columns = criteria) and its directions.

    ``benefit``: None (all benefit), a sequence of booleans (True = benefit) or of direction words
    ("benefit"/"cost", "正向"/"负向"), or a mapping column → direction.  A criterion may also be
    中间型 ``("middle", 7)`` / ``"middle:7"`` or 区间型 ``("interval", 10, 20)`` /
    ``"interval:10~20"``: its values are turned into benefit scores first
    (:func:`evallib.normalization.positivize`).
    """
    df, _ = as_frame(data)
    x = numeric_matrix(df, min_rows=min_rows, what="综合评价")
    rows = [str(i) for i in df.index]
    if len(set(rows)) != len(rows):
        dup = sorted({r for r in rows if rows.count(r) > 1})
        raise InputDataError("评价对象名称重复", value=dup, fix="每个评价对象一行，名称唯一")
    cols = [str(c) for c in df.columns]
    spec = {str(k): v for k, v in benefit.items()} if isinstance(benefit, Mapping) else benefit
    dirs, targets = split_directions(cols, spec)
    return Matrix(positivize(x, cols, targets), rows, cols, dirs, targets)


def check_weights(weights: Any, columns: Sequence[str], *, what: str = "指标") -> np.ndarray:
    """Weights as an array aligned with ``columns``: finite, ≥ 0, summing to 1 (± WEIGHT_TOL).

    None gives equal weights.  A mapping or Series must name exactly the columns.
    """
    n = len(columns)
    if weights is None:
        return np.full(n, 1.0 / n)
    if isinstance(weights, Mapping | pd.Series):
        w_map = {str(k): v for k, v in dict(weights).items()}
        missing = [c for c in columns if c not in w_map]
        extra = [k for k in w_map if k not in set(columns)]
        if missing or extra:
            raise ConfigError(
                f"权重与{what}不一致：缺少 {missing}，多出 {extra}",
                value=sorted(w_map),
                fix=f"为每个{what}给出权重：{list(columns)}",
            )
        raw = [w_map[c] for c in columns]
    else:
        raw = list(np.ravel(np.asarray(weights, dtype=object)))
        if len(raw) != n:
            raise ConfigError(
                f"权重有 {len(raw)} 个，{what}有 {n} 个",
                value=len(raw),
                fix=f"为每个{what}给出一个权重",
            )
    w = pd.to_numeric(pd.Series(raw, dtype=object), errors="coerce").to_numpy(dtype=float)
    for c, v, f in zip(columns, raw, w, strict=True):
        if not np.isfinite(f):
            raise ConfigError("权重应为数值", column=c, value=v, fix="填写 0–1 之间的小数")
        if f < 0:
            raise ConfigError("权重不能为负", column=c, value=v, fix="填写 0–1 之间的小数")
    total = float(w.sum())
    if abs(total - 1.0) > WEIGHT_TOL:
        raise ConfigError(
            f"权重之和应为 1，实际为 {total:.6g}",
            value=total,
            fix="检查权重（百分数请换算为小数），或先用 normalize_weights 归一化",
        )
    return w / total


def rank_desc(values: np.ndarray) -> np.ndarray:
    """Competition ranks, 1 = largest; values equal to 12 significant digits share a rank."""
    v = pd.Series(np.round(values, 12))
    return v.rank(method="min", ascending=False).astype(int).to_numpy()
