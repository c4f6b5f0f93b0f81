"""Grey relational analysis (灰色关联分析).

Deng, J. (1982/1989). Introduction to grey system theory. *The Journal of Grey System* 1(1),
1–24; 刘思峰 等《灰色系统理论及其应用》(科学出版社).  With x₀ the reference sequence and xᵢ the
compared sequences after normalisation:

.. math::

    Δ_i(k) = |x_0(k) - x_i(k)|, \\quad
    ξ_i(k) = \\frac{\\min_i \\min_k Δ_i(k) + ρ \\max_i \\max_k Δ_i(k)}
                  {Δ_i(k) + ρ \\max_i \\max_k Δ_i(k)} \\in (0, 1], \\quad
    γ_i = \\sum_k w_k ξ_i(k)

ρ ∈ (0, 1] is the distinguishing coefficient (分辨系数, 0.5 by convention).  Two readings:

*evaluation* (综合评价, ``reference=None`` or values per criterion): each alternative (row) is a
sequence over the criteria, compared with the ideal (the best normalised value of each criterion,
or the given reference values); γ is weighted by the criteria weights (equal by default).

*factor analysis* (关联因素分析, ``reference="列名"``): each column is a sequence over the rows
(years, units); the named column is the reference (母序列) and every other column is compared with
it; γ is the plain mean over the rows.  Default normalisation here is ``mean`` (均值化).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..normalization import NORMALIZATIONS, normalize
from .matrix import Matrix, check_weights, decision_matrix, rank_desc

__all__ = ["GreyResult", "grey_relational"]


@dataclass(frozen=True)
class GreyResult:
    """Result of :func:`grey_relational`.

    Attributes
    ----------
    coefficients : DataFrame
        ξ: evaluation — rows = alternatives, columns = criteria; factor analysis — rows = points
        (the matrix rows), columns = compared factors.
    table : DataFrame
        Index = alternatives (evaluation) or factors; columns ``grade`` (γ) and ``rank``.
    reference : Series
        The normalised reference sequence.
    params : dict
        ``mode`` ("evaluation" or "factor"), ``rho``, ``normalize``, ``delta_min``, ``delta_max``.
    """

    coefficients: pd.DataFrame
    table: pd.DataFrame
    reference: pd.Series
    params: dict[str, Any] = field(default_factory=dict)

    def table_zh(self) -> pd.DataFrame:
        t = self.table.sort_values("rank", kind="stable")
        who = "评价对象" if self.params.get("mode") == "evaluation" else "比较因素"
        return pd.DataFrame(
            {who: t.index, "灰色关联度": t["grade"].to_numpy(), "排名": t["rank"].to_numpy()}
        )

    def summary_zh(self) -> str:
        """A paragraph for the report (Chinese)."""
        t = self.table.sort_values("rank", kind="stable")
        p = self.params
        order = " > ".join(f"{k}（{v:.4f}）" for k, v in t["grade"].items())
        if p["mode"] == "factor":
            return (
                f"以「{p['reference']}」为参考序列，采用{p['normalize_zh']}、分辨系数 ρ = "
                f"{p['rho']:g} 计算各因素的灰色关联度，由高到低依次为：{order}。"
                f"关联度越高，该因素与「{p['reference']}」的变化趋势越接近。"
            )
        return (
            f"以各指标最优值构成参考序列，采用{p['normalize_zh']}、分辨系数 ρ = {p['rho']:g} "
            f"计算各评价对象的灰色关联度，由高到低依次为：{order}。"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "grey_relational",
            "params": self.params,
            "grades": {
                str(k): {"grade": float(r["grade"]), "rank": int(r["rank"])}
                for k, r in self.table.iterrows()
            },
        }


def _coefficients(delta: np.ndarray, rho: float) -> tuple[np.ndarray, float, float]:
    lo, hi = float(delta.min()), float(delta.max())
    if hi == 0:  # every sequence equals the reference
        return np.ones_like(delta), lo, hi
    return (lo + rho * hi) / (delta + rho * hi), lo, hi


def _evaluation(m: Matrix, weights: Any, reference: Any, rho: float, method: str) -> GreyResult:
    w = check_weights(weights, m.columns)
    x = m.x
    if reference is not None:
        if m.targets:
            raise ConfigError(
                "给定参考值时不能同时使用中间型/区间型指标",
                value=sorted(m.targets),
                fix="先把这些指标换算为得分，或不给参考值",
            )
        if isinstance(reference, Mapping):
            missing = [c for c in m.columns if c not in {str(k) for k in reference}]
            if missing:
                raise ConfigError(
                    f"参考序列缺少指标 {missing}",
                    value=missing,
                    fix="为每个指标给出参考值（理想值）",
                )
            given = {str(k): v for k, v in reference.items()}
            ref_raw = np.array([float(given[c]) for c in m.columns])
        else:
            ref_raw = np.asarray(reference, dtype=float).ravel()
        if ref_raw.shape != (len(m.columns),) or not np.isfinite(ref_raw).all():
            raise ConfigError(
                "参考序列应为每个指标一个有限数值",
                value=list(ref_raw),
                fix=f"给出 {len(m.columns)} 个数值",
            )
        x = np.vstack([x, ref_raw])
    r, _ = normalize(x, m.directions, method, m.columns)
    ref = r[-1] if reference is not None else r.max(axis=0)
    r = r[:-1] if reference is not None else r
    xi, lo, hi = _coefficients(np.abs(r - ref), rho)
    grade = xi @ w
    table = pd.DataFrame({"grade": grade, "rank": rank_desc(grade)}, index=m.rows)
    params = {
        "mode": "evaluation",
        "rho": rho,
        "normalize": method,
        "normalize_zh": NORMALIZATIONS[method],
        "delta_min": lo,
        "delta_max": hi,
        "reference": "given" if reference is not None else "ideal",
        "weights": dict(zip(m.columns, map(float, w), strict=True)),
        "directions": m.directions_record(),
    }
    return GreyResult(m.frame(xi), table, pd.Series(ref, index=m.columns, name="reference"), params)


def _factor(m: Matrix, reference: str, rho: float, method: str) -> GreyResult:
    if reference not in m.columns:
        raise ConfigError(
            f"参考序列（母序列）列「{reference}」不存在",
            value=reference,
            fix=f"可用的列：{m.columns}",
        )
    r, _ = normalize(m.x, m.directions, method, m.columns)
    j0 = m.columns.index(reference)
    others = [c for c in m.columns if c != reference]
    if not others:
        raise ConfigError("关联因素分析至少需要一个比较序列（除母序列外的列）")
    comp = np.delete(r, j0, axis=1)
    xi, lo, hi = _coefficients(np.abs(comp - r[:, [j0]]), rho)
    grade = xi.mean(axis=0)
    table = pd.DataFrame({"grade": grade, "rank": rank_desc(grade)}, index=others)
    params = {
        "mode": "factor",
        "rho": rho,
        "normalize": method,
        "reference": reference,
        "normalize_zh": NORMALIZATIONS[method],
        "delta_min": lo,
        "delta_max": hi,
    }
    return GreyResult(
        pd.DataFrame(xi, index=m.rows, columns=others),
        table,
        pd.Series(r[:, j0], index=m.rows, name=reference),
        params,
    )


def grey_relational(
    matrix: Any,
    weights: Any = None,
    benefit: Any = None,
    reference: str | Sequence[float] | Mapping[str, float] | None = None,
    rho: float = 0.5,
    normalize_method: str | None = None,
) -> GreyResult:
    """Grey relational grades (灰色关联度) and their ranking.

    Parameters
    ----------
    matrix : DataFrame or 2-D array
        Rows = alternatives (or time points), columns = criteria (or factors).
    weights : optional
        Criteria weights summing to 1 (evaluation only; None = equal).
    benefit : optional
        Directions per criterion; None = all benefit.
    reference : None, str, sequence or mapping
        None: the ideal (best value of each criterion); values: a reference per criterion (raw
        units); a column name: factor analysis with that column as the reference sequence.
    rho : float
        Distinguishing coefficient in (0, 1].
    normalize_method : str, optional
        Default ``minmax`` (evaluation) or ``mean`` (factor analysis); also ``initial``,
        ``vector``, ``sum``, ``max``.

    Examples
    --------
    >>> r = grey_relational([[1, 4], [2, 2], [3, 1]], benefit=["benefit", "cost"])
    >>> r.coefficients.round(4).to_numpy().tolist()
    [[0.3333, 0.3333], [0.5, 0.6], [1.0, 1.0]]
    """
    if not (isinstance(rho, int | float) and 0 < rho <= 1):
        raise ConfigError("分辨系数 ρ (rho) 应在 (0, 1] 之内", value=rho, fix="通常取 0.5")
    m = decision_matrix(matrix, benefit)
    if isinstance(reference, str):
        if weights is not None:
            raise ConfigError(
                "关联因素分析（reference 为列名）不使用指标权重",
                fix="去掉 weights，或把 reference 设为 None 做综合评价",
            )
        return _factor(m, reference, rho, normalize_method or "mean")
    return _evaluation(m, weights, reference, rho, normalize_method or "minmax")
