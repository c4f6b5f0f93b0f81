"""TOPSIS (逼近理想解排序法, 优劣解距离法).

Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and Applications*,
Springer, pp. 128–140.  Steps, with r the normalised matrix (every column "larger is better", see
:mod:`evallib.normalization`) and w the weights (Σw = 1):

.. math::

    v_{ij} = w_j r_{ij}, \\quad
    v^+_j = \\max_i v_{ij}, \\quad v^-_j = \\min_i v_{ij}, \\\\
    D^+_i = \\sqrt{\\sum_j (v_{ij} - v^+_j)^2}, \\quad
    D^-_i = \\sqrt{\\sum_j (v_{ij} - v^-_j)^2}, \\quad
    C_i = \\frac{D^-_i}{D^+_i + D^-_i} \\in [0, 1].

The ideal and anti-ideal are the best and worst observed values (relative ideal), as in the
original method and in SPSSAU.  Alternatives are ranked by C, 1 = best; equal C share a rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputDataError
from ..normalization import NORMALIZATIONS, normalize
from .matrix import check_weights, decision_matrix, rank_desc

__all__ = ["TopsisResult", "topsis"]


@dataclass(frozen=True)
class TopsisResult:
    """Result of :func:`topsis`.

    Attributes
    ----------
    table : DataFrame
        Index = alternatives; columns ``d_plus`` (D⁺), ``d_minus`` (D⁻), ``closeness`` (C) and
        ``rank`` (1 = best).
    normalized, weighted : DataFrame
        r and v.
    ideal, anti_ideal : Series
        v⁺ and v⁻ per criterion.
    weights : Series
        The weights used (sum 1).
    params : dict
        ``normalize`` and the directions.
    """

    table: pd.DataFrame
    normalized: pd.DataFrame
    weighted: pd.DataFrame
    ideal: pd.Series
    anti_ideal: pd.Series
    weights: pd.Series
    params: dict[str, Any] = field(default_factory=dict)

    def table_zh(self) -> pd.DataFrame:
        """The result with Chinese headers, best first."""
        t = self.table.sort_values(["rank"], kind="stable")
        return pd.DataFrame(
            {
                "评价对象": t.index,
                "正理想解距离 D+": t["d_plus"].to_numpy(),
                "负理想解距离 D-": t["d_minus"].to_numpy(),
                "相对贴近度 C": t["closeness"].to_numpy(),
                "排名": t["rank"].to_numpy(),
            }
        )

    def summary_zh(self) -> str:
        """A paragraph for the report (Chinese)."""
        t = self.table.sort_values("rank", kind="stable")
        best, worst = t.index[0], t.index[-1]
        return (
            f"采用 TOPSIS 法（{self.params['normalize_zh']}）对 {len(t)} 个评价对象、"
            f"{len(self.weights)} 项指标进行综合评价。相对贴近度越接近 1 表示越接近最优状态："
            f"「{best}」最高（{t['closeness'].iloc[0]:.4f}），「{worst}」最低"
            f"（{t['closeness'].iloc[-1]:.4f}），平均 {t['closeness'].mean():.4f}。"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "topsis",
            "params": self.params,
            "weights": {k: float(v) for k, v in self.weights.items()},
            "alternatives": {
                str(k): {
                    "d_plus": float(r["d_plus"]),
                    "d_minus": float(r["d_minus"]),
                    "closeness": float(r["closeness"]),
                    "rank": int(r["rank"]),
                }
                for k, r in self.table.iterrows()
            },
        }


def topsis(
    matrix: Any, weights: Any = None, benefit: Any = None, *, normalize_method: str = "vector"
) -> TopsisResult:
    """Rank alternatives by their relative closeness to the ideal solution.

    Parameters
    ----------
    matrix : DataFrame or 2-D array
        Rows = alternatives, columns = criteria (raw values).
    weights : sequence, mapping or Series, optional
        One per criterion, summing to 1; None = equal weights.
    benefit : optional
        Directions (see :func:`evallib.comprehensive.matrix.decision_matrix`); None = all benefit.
    normalize_method : {"vector", "minmax", "sum", "max"}
        Normalisation (default ``vector``, Hwang & Yoon 1981).

    Returns
    -------
    TopsisResult

    Raises
    ------
    EvalError
        Non-numeric cells, wrong shapes, weights not summing to 1, every criterion constant.

    Examples
    --------
    Opricovic & Tzeng (2004), EJOR 156(2) 445–455, two criteria, min-max normalisation:

    >>> r = topsis([[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], ["cost", "benefit"],
    ...            normalize_method="minmax")
    >>> r.table["closeness"].round(3).tolist(), r.table["rank"].tolist()
    ([0.5, 0.617, 0.5], [2, 1, 2])
    """
    m = decision_matrix(matrix, benefit)
    if normalize_method not in ("vector", "minmax", "sum", "max"):
        raise InputDataError(
            f"TOPSIS 不支持标准化方式 {normalize_method!r}",
            value=normalize_method,
            fix="可选：vector（默认）、minmax、sum、max",
        )
    w = check_weights(weights, m.columns)
    r, informative = normalize(m.x, m.directions, normalize_method, m.columns)
    if not informative.any():
        raise InputDataError(
            "所有指标在各评价对象上取值相同，无法区分评价对象", fix="检查数据是否填错"
        )
    v = r * w
    best, worst = v.max(axis=0), v.min(axis=0)
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    c = d_minus / (d_plus + d_minus)
    table = pd.DataFrame(
        {"d_plus": d_plus, "d_minus": d_minus, "closeness": c, "rank": rank_desc(c)}, index=m.rows
    )
    table.index.name = "alternative"
    params = {
        "normalize": normalize_method,
        "normalize_zh": NORMALIZATIONS[normalize_method],
        "directions": m.directions_record(),
    }
    return TopsisResult(
        table=table,
        normalized=m.frame(r),
        weighted=m.frame(v),
        ideal=pd.Series(best, index=m.columns, name="ideal"),
        anti_ideal=pd.Series(worst, index=m.columns, name="anti_ideal"),
        weights=pd.Series(w, index=m.columns, name="weight"),
        params=params,
    )
