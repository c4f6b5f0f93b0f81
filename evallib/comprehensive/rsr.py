"""Rank-sum ratio (秩和比法, RSR).

田凤调《秩和比法及其应用》(中国统计出版社, 1993); 孙振球、徐勇勇《医学统计学》(人民卫生出版社),
"综合评价" chapter.  With n alternatives, m criteria and R_ij the rank of alternative i on
criterion j (1 = worst):

* integer ranks (整次秩和比法): benefit criteria ranked ascending, cost criteria descending, ties
  get the average rank;
* non-integer ranks (非整次秩和比法): R_ij = 1 + (n − 1)(x_ij − min_j)/(max_j − min_j) for benefit,
  1 + (n − 1)(max_j − x_ij)/(max_j − min_j) for cost.

.. math::

    RSR_i = \\frac{1}{mn} \\sum_j R_{ij}, \\qquad WRSR_i = \\frac{1}{n} \\sum_j w_j R_{ij}

Distribution: the distinct RSR values in ascending order with their frequency f, cumulative
frequency, average rank R̄ and cumulative proportion p = R̄/n (the last corrected to 1 − 1/(4n));
Probit = 5 + Φ⁻¹(p).  The regression RSR = a + b·Probit (ordinary least squares, statsmodels) gives
the fitted RSR used for grading; tiers are cut at fixed Probit values (3 tiers: 4, 6; 4 tiers:
3.5, 5, 6.5; 5 tiers: 3.2, 4.4, 5.6, 6.8 — the percentiles P15.866/P84.134 etc. of the textbook
table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ConfigError, InputDataError
from ..present import p_text
from .matrix import check_weights, decision_matrix, rank_desc

__all__ = ["PROBIT_CUTS", "TIER_LABELS", "RSRResult", "rank_sum_ratio"]

PROBIT_CUTS: dict[int, list[float]] = {3: [4.0, 6.0], 4: [3.5, 5.0, 6.5], 5: [3.2, 4.4, 5.6, 6.8]}
#: Tier labels from worst to best.
TIER_LABELS: dict[int, list[str]] = {
    3: ["下", "中", "上"],
    4: ["下", "中下", "中上", "上"],
    5: ["下", "中下", "中", "中上", "上"],
}


@dataclass(frozen=True)
class RSRResult:
    """Result of :func:`rank_sum_ratio`.

    Attributes
    ----------
    ranks : DataFrame
        R_ij.
    table : DataFrame
        Index = alternatives; ``rsr`` (RSR or WRSR), ``rank`` (1 = best), ``probit``,
        ``fitted`` (a + b·Probit), ``tier`` (1 = best tier) and ``tier_label``.
    distribution : DataFrame
        ``rsr``, ``f``, ``cum_f``, ``mean_rank``, ``p``, ``probit`` per distinct RSR value.
    regression : dict
        ``intercept`` a, ``slope`` b, ``r2``, ``f``, ``p_value``.
    cutoffs : DataFrame
        ``tier``, ``label``, ``probit_from``, ``rsr_from`` (fitted RSR at the Probit cut).
    params : dict
    """

    ranks: pd.DataFrame
    table: pd.DataFrame
    distribution: pd.DataFrame
    regression: dict[str, float]
    cutoffs: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    def table_zh(self) -> pd.DataFrame:
        t = self.table.sort_values("rank", kind="stable")
        name = "WRSR" if self.params.get("weighted") else "RSR"
        return pd.DataFrame(
            {
                "评价对象": t.index,
                name: t["rsr"].to_numpy(),
                "Probit": t["probit"].to_numpy(),
                f"{name} 估计值": t["fitted"].to_numpy(),
                "排名": t["rank"].to_numpy(),
                "分档": t["tier_label"].to_numpy(),
            }
        )

    def distribution_zh(self) -> pd.DataFrame:
        """The RSR distribution table with Chinese headers (累计频率 as a rate)."""
        d = self.distribution
        name = "WRSR" if self.params.get("weighted") else "RSR"
        return pd.DataFrame(
            {
                name: d["rsr"],
                "频数": d["f"],
                "累计频数": d["cum_f"],
                "平均秩次": d["mean_rank"],
                "累计频率": d["p"],
                "Probit": d["probit"],
            }
        )

    def summary_zh(self) -> str:
        """A paragraph for the report (Chinese)."""
        g = self.regression
        name = "WRSR" if self.params.get("weighted") else "RSR"
        kind = "整次" if self.params["method"] == "integer" else "非整次"
        tiers = "；".join(
            f"{lab}档：" + "、".join(self.table.index[self.table["tier_label"] == lab])
            for lab in reversed(TIER_LABELS[self.params["tiers"]])
            if (self.table["tier_label"] == lab).any()
        )
        return (
            f"采用{kind}秩和比法，回归方程为 {name} = {g['intercept']:.4f} + "
            f"{g['slope']:.4f} × Probit（R² = {g['r2']:.4f}，F = {g['f']:.2f}，"
            f"{p_text(g['p_value'])}），"
            f"按 Probit 值分为 {self.params['tiers']} 档。{tiers}。"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "rsr",
            "params": self.params,
            "regression": self.regression,
            "alternatives": {
                str(k): {
                    "rsr": float(r["rsr"]),
                    "rank": int(r["rank"]),
                    "probit": float(r["probit"]),
                    "fitted": float(r["fitted"]),
                    "tier": int(r["tier"]),
                }
                for k, r in self.table.iterrows()
            },
        }


def _ranks(x: np.ndarray, dirs: list[str], method: str) -> np.ndarray:
    n = x.shape[0]
    out = np.empty_like(x, dtype=float)
    for j, d in enumerate(dirs):
        col = x[:, j] if d == "benefit" else -x[:, j]
        if method == "integer":
            out[:, j] = stats.rankdata(col, method="average")
        else:
            lo, hi = col.min(), col.max()
            out[:, j] = 1 + (n - 1) * ((col - lo) / (hi - lo) if hi > lo else 0.5)
    return out


def _distribution(rsr: np.ndarray) -> pd.DataFrame:
    n = len(rsr)
    vals, f = np.unique(np.round(rsr, 12), return_counts=True)
    cum = np.cumsum(f)
    mean_rank = cum - (f - 1) / 2
    p = mean_rank / n
    p[-1] = 1 - 1 / (4 * n)
    return pd.DataFrame(
        {
            "rsr": vals,
            "f": f,
            "cum_f": cum,
            "mean_rank": mean_rank,
            "p": p,
            "probit": 5 + stats.norm.ppf(p),
        }
    )


def _regression(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    import statsmodels.api as sm

    fit = sm.OLS(y, sm.add_constant(x)).fit()
    return {
        "intercept": float(fit.params[0]),
        "slope": float(fit.params[1]),
        "r2": float(fit.rsquared),
        "f": float(fit.fvalue),
        "p_value": float(fit.f_pvalue),
    }


def rank_sum_ratio(
    matrix: Any,
    weights: Any = None,
    benefit: Any = None,
    *,
    method: str = "integer",
    tiers: int = 3,
) -> RSRResult:
    """Rank-sum ratio with Probit regression and tiering (分档).

    Parameters
    ----------
    matrix : DataFrame or 2-D array
        Rows = alternatives, columns = criteria.
    weights : optional
        Criteria weights summing to 1 → WRSR; None → RSR (equal weights, the same ordering).
    benefit : optional
        Directions; None = all benefit.
    method : {"integer", "non-integer"}
        整次 or 非整次 ranks.
    tiers : {3, 4, 5}
        Number of tiers.

    Examples
    --------
    >>> r = rank_sum_ratio([[1, 9], [2, 7], [3, 8], [4, 6]], benefit=["benefit", "cost"])
    >>> r.table["rsr"].tolist(), r.table["rank"].tolist(), r.table["tier_label"].tolist()
    ([0.25, 0.625, 0.625, 1.0], [4, 2, 2, 1], ['中', '中', '中', '上'])
    """
    if method not in ("integer", "non-integer"):
        raise ConfigError(
            f"未知的编秩方式 {method!r}",
            value=method,
            fix="可选：integer（整次）、non-integer（非整次）",
        )
    if tiers not in PROBIT_CUTS:
        raise ConfigError(f"分档数 {tiers!r} 无效", value=tiers, fix="可选：3、4、5")
    m = decision_matrix(matrix, benefit, min_rows=3)
    weighted = weights is not None
    w = check_weights(weights, m.columns)
    ranks = _ranks(m.x, m.directions, method)
    n = len(m.rows)
    rsr = ranks @ w / n
    dist = _distribution(rsr)
    if len(dist) < 3:
        raise InputDataError(
            f"秩和比只有 {len(dist)} 个不同的值，Probit 回归至少需要 3 个，无法分档",
            value=sorted(set(np.round(rsr, 4).tolist())),
            fix="增加评价对象或指标；只需排序时直接看 RSR 排名",
        )
    reg = _regression(dist["probit"].to_numpy(), dist["rsr"].to_numpy())
    probit = dist.set_index("rsr")["probit"].reindex(np.round(rsr, 12)).to_numpy()
    fitted = reg["intercept"] + reg["slope"] * probit
    cuts = PROBIT_CUTS[tiers]
    tier_up = np.searchsorted(np.array(cuts), probit, side="right")  # 0 = worst
    labels = TIER_LABELS[tiers]
    table = pd.DataFrame(
        {
            "rsr": rsr,
            "rank": rank_desc(rsr),
            "probit": probit,
            "fitted": fitted,
            "tier": tiers - tier_up,
            "tier_label": [labels[t] for t in tier_up],
        },
        index=m.rows,
    )
    cutoffs = pd.DataFrame(
        {
            "tier": list(range(tiers, 0, -1)),
            "label": labels,
            "probit_from": [-np.inf, *cuts],
            "rsr_from": [-np.inf, *(reg["intercept"] + reg["slope"] * np.array(cuts))],
        }
    )
    params = {
        "method": method,
        "tiers": tiers,
        "weighted": weighted,
        "weights": dict(zip(m.columns, map(float, w), strict=True)),
        "directions": m.directions_record(),
    }
    return RSRResult(m.frame(ranks), table, dist, reg, cutoffs, params)
