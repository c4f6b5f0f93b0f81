"""Delphi expert rating rounds (德尔菲法) and Kendall's coefficient of concordance.

Per indicator and round: number of ratings, mean, standard deviation, coefficient of variation
(CV = sd / mean), full-mark frequency (share of ratings at the top of the scale).  Consensus
thresholds are parameters; the defaults (mean ≥ 3.5 on a 5-point scale, CV ≤ 0.25) are the
ones most often stated in Chinese Delphi studies [practice; no national rule].

Kendall's W (Kendall & Babington Smith 1939) with tie correction:

.. math::

    W = \\frac{12 S}{m^2 (n^3 - n) - m \\sum_k T_k}, \\quad
    S = \\sum_i (R_i - \\bar R)^2, \\quad T_k = \\sum (t^3 - t),
    \\quad χ^2 = m (n - 1) W,\\ df = n - 1

for m raters (experts) and n items (indicators).  χ² equals Friedman's tie-corrected statistic
(checked against :func:`scipy.stats.friedmanchisquare` in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputDataError

__all__ = ["DelphiResult", "KendallResult", "delphi", "kendall_w"]


@dataclass(frozen=True)
class KendallResult:
    """Kendall's W with its chi-square test."""

    w: float
    chi2: float
    df: int
    p_value: float
    m: int
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"w": self.w, "chi2": self.chi2, "df": self.df, "p_value": self.p_value,
                "m": self.m, "n": self.n}  # fmt: skip


def kendall_w(ratings: pd.DataFrame | np.ndarray) -> KendallResult:
    """Kendall's coefficient of concordance.

    Parameters
    ----------
    ratings : DataFrame or array, shape (m raters, n items)
        Scores (higher = more important); each rater's scores are ranked, ties averaged.
        Raters with any missing value are dropped (listwise).

    Examples
    --------
    >>> r = kendall_w([[1, 2, 3], [1, 2, 3], [1, 2, 3]])
    >>> from evallib.rounding import round_half_up
    >>> round_half_up(r.w, 6), r.df
    (1.0, 2)
    """
    x = pd.DataFrame(ratings).dropna(axis=0, how="any").to_numpy(dtype=float)
    m, n = x.shape
    if m < 2 or n < 2:
        raise InputDataError(f"Kendall W 至少需要 2 位专家和 2 个指标，实际 {m} 位专家、{n} 个指标")
    ranks = np.apply_along_axis(stats.rankdata, 1, x)
    r_sum = ranks.sum(axis=0)
    s = float(((r_sum - r_sum.mean()) ** 2).sum())
    ties = 0.0
    for row in x:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts**3 - counts).sum())
    denom = m**2 * (n**3 - n) - m * ties
    w = 1.0 if denom == 0 else 12 * s / denom
    chi2 = m * (n - 1) * w
    p = float(stats.chi2.sf(chi2, n - 1))
    return KendallResult(float(w), float(chi2), n - 1, p, m, n)


@dataclass(frozen=True)
class DelphiResult:
    """Result of :func:`delphi`.

    Attributes
    ----------
    table : DataFrame
        One row per (round, indicator): n, mean, sd, cv, full_mark, passed, reasons.
    concordance : DataFrame
        One row per round: w, chi2, df, p_value, m, n.
    thresholds : dict
    """

    table: pd.DataFrame
    concordance: pd.DataFrame
    thresholds: dict[str, Any]

    def failing(self, round_: Any | None = None) -> list[str]:
        """Indicators failing the thresholds in ``round_`` (default: the last round)."""
        t = self.table
        r = t["round"].max() if round_ is None else round_
        sel = t[(t["round"] == r) & ~t["passed"]]
        return sel["indicator"].tolist()


def delphi(
    ratings: pd.DataFrame,
    *,
    indicator: str = "indicator",
    expert: str = "expert",
    rating: str = "rating",
    round_col: str = "round",
    scale_max: float = 5,
    min_mean: float = 3.5,
    max_cv: float = 0.25,
    min_full_mark: float | None = None,
) -> DelphiResult:
    """Summarise Delphi rating rounds.

    Parameters
    ----------
    ratings : DataFrame
        Long table with columns for round, expert, indicator and rating (a missing round column
        means a single round 1).
    scale_max : float
        Top of the rating scale (full mark), e.g. 5 or 10.
    min_mean, max_cv, min_full_mark : float
        Consensus thresholds; an indicator passes when all hold.

    Raises
    ------
    InputDataError
        Missing columns, non-numeric or out-of-range ratings (all listed).
    """
    df = ratings.copy()
    if round_col not in df.columns:
        df[round_col] = 1
    missing = [c for c in (indicator, expert, rating) if c not in df.columns]
    if missing:
        raise InputDataError(
            f"专家评分表缺少列 (missing columns)：{', '.join(missing)}",
            fix=f"需要列 {indicator}、{expert}、{rating}（可选 {round_col}）",
        )
    vals = pd.to_numeric(df[rating], errors="coerce")
    bad = df[vals.isna() | (vals < 0) | (vals > scale_max)]
    if not bad.empty:
        from ..errors import Problem

        raise InputDataError(problems=[
            Problem(f"评分应为 0–{scale_max:g} 的数值", row=int(i) + 2, column=rating,
                    value=v) for i, v in bad[rating].items()])  # fmt: skip
    df[rating] = vals
    rows = []
    conc = []
    for rnd, g in df.groupby(round_col, sort=True):
        for ind, h in g.groupby(indicator, sort=False):
            x = h[rating].to_numpy(dtype=float)
            mean = float(x.mean())
            sd = float(x.std(ddof=1)) if len(x) > 1 else 0.0
            cv = sd / mean if mean else float("inf")
            full = float((x >= scale_max).mean())
            reasons = []
            if mean < min_mean:
                reasons.append(f"均值 {mean:.2f} < {min_mean:g}")
            if cv > max_cv:
                reasons.append(f"变异系数 {cv:.3f} > {max_cv:g}")
            if min_full_mark is not None and full < min_full_mark:
                reasons.append(f"满分频率 {full:.2f} < {min_full_mark:g}")
            rows.append({"round": rnd, "indicator": ind, "n": len(x), "mean": mean, "sd": sd,
                         "cv": cv, "full_mark": full, "passed": not reasons,
                         "reasons": "；".join(reasons)})  # fmt: skip
        wide = g.pivot_table(index=expert, columns=indicator, values=rating, aggfunc="mean")
        if wide.shape[0] >= 2 and wide.shape[1] >= 2:
            conc.append({"round": rnd, **kendall_w(wide).to_dict()})
    return DelphiResult(
        table=pd.DataFrame(rows),
        concordance=pd.DataFrame(conc),
        thresholds={
            "min_mean": min_mean,
            "max_cv": max_cv,
            "min_full_mark": min_full_mark,
            "scale_max": scale_max,
        },
    )
