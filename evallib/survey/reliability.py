"""Reliability and validity of a scale (信度与效度).

Cronbach's alpha (Cronbach 1951):

.. math:: α = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i s_i^2}{s_T^2}\\right)

with a Feldt (1965) confidence interval (Feldt, Woodruff & Salih 1987):

.. math::

    [1 - (1 - α) F_{1-γ/2},\\ 1 - (1 - α) F_{γ/2}], \\quad F \\sim F(n - 1, (n - 1)(k - 1))

Standardised alpha k r̄ / (1 + (k − 1) r̄) from the mean inter-item correlation; corrected
item-total correlation (item vs. the sum of the other items); alpha if the item is deleted.

KMO (Kaiser 1970, 1974): Σ r² / (Σ r² + Σ a²) over off-diagonal pairs, with a the
anti-image (partial) correlations −P_ij / √(P_ii P_jj), P = R⁻¹; per item likewise.
Bartlett's test of sphericity (Bartlett 1950): χ² = −(n − 1 − (2p + 5)/6) ln|R|,
df = p (p − 1)/2.

Listwise deletion (rows with any missing item are dropped) by default, as in SPSS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special  # F and χ² tails without importing scipy.stats (0.5 s)

from ..errors import InputDataError

__all__ = [
    "AlphaResult",
    "CovAccumulator",
    "KMOResult",
    "alpha_from_cov",
    "bartlett_from_corr",
    "bartlett_sphericity",
    "complete_case_cov",
    "cronbach_alpha",
    "kmo",
    "kmo_from_corr",
]


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with its confidence interval and item statistics.

    Attributes
    ----------
    alpha, ci_low, ci_high : float
    n, k : int
        Complete cases used and number of items.
    standardized : float
    item_total : Series
        Corrected item-total correlation per item.
    alpha_if_deleted : Series
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    standardized: float
    item_total: pd.Series
    alpha_if_deleted: pd.Series
    confidence: float = 0.95

    def table_zh(self) -> pd.DataFrame:
        """Item statistics with Chinese headers."""
        return pd.DataFrame(
            {"校正的项总计相关性": self.item_total, "删除该项后的 α": self.alpha_if_deleted}
        )


def _matrix(items: Any) -> tuple[np.ndarray, list[str]]:
    if isinstance(items, pd.DataFrame):
        names = [str(c) for c in items.columns]
        x = items.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    else:
        x = np.asarray(items, dtype=float)
        if x.ndim != 2:
            raise InputDataError("量表数据应为二维（行=受访者，列=题目）")
        names = [str(i + 1) for i in range(x.shape[1])]
    return x, names


def _alpha_from_cov(c: np.ndarray) -> float:
    k = c.shape[0]
    total = c.sum()
    if total <= 0:
        return float("nan")
    return k / (k - 1) * (1 - np.trace(c) / total)


def cronbach_alpha(items: Any, *, ci: float = 0.95, nan_policy: str = "listwise") -> AlphaResult:
    """Cronbach's alpha, Feldt CI, standardised alpha, corrected item-total correlations and
    alpha if item deleted.

    Parameters
    ----------
    items : DataFrame or 2-D array (respondents × items)
    ci : float
        Confidence level of the Feldt interval.
    nan_policy : {"listwise"}
        Rows with any missing value are dropped.

    Raises
    ------
    InputDataError
        Fewer than 2 items or 2 complete cases.

    Examples
    --------
    >>> r = cronbach_alpha([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]])
    >>> from evallib.rounding import round_half_up
    >>> round_half_up(r.alpha, 4), r.n, r.k
    (0.9825, 4, 3)
    """
    if nan_policy != "listwise":
        raise InputDataError(f"nan_policy 仅支持 listwise，实际 {nan_policy!r}")
    x, names = _matrix(items)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if k < 2 or n < 2:
        raise InputDataError(
            f"计算 Cronbach α 至少需要 2 个题目和 2 份完整答卷，实际 {k} 题、{n} 份"
        )
    return alpha_from_cov(np.cov(x, rowvar=False, ddof=1), n, names, ci)


def _f_isf(q: float, dfn: float, dfd: float) -> float:
    """Upper-tail quantile of the F distribution, computed as ``scipy.stats.f.isf`` does
    (the quantile of 1 − q), so the Feldt interval is the same to the last bit."""
    return float(special.fdtri(dfn, dfd, 1.0 - q))


class CovAccumulator:
    """Cross products of row blocks, added up for a covariance matrix (ddof = 1).

    ``exact=True``: the blocks hold integers whose cross-product sums per block stay below
    2²⁴, so the float32 matrix product is exact and the float64 totals are too:

    .. math:: C = \\frac{G - t\\,t^T / n}{n - 1}, \\qquad G = \\sum_i x_i x_i^T,\\;
       t = \\sum_i x_i

    ``exact=False``: the blocks are turned to float64 and taken about a shift s (the first
    block's column means, for accuracy):

    .. math:: C = \\frac{\\sum_i (x_i - s)(x_i - s)^T - n\\,(\\bar x - s)(\\bar x - s)^T}{n - 1}

    Both equal the textbook two-pass formula in real arithmetic (expand
    :math:`\\sum (x_i - \\bar x)(x_i - \\bar x)^T`) and agree with ``np.cov`` to ~1e-12
    relative (test_survey_statistics checks both).
    """

    def __init__(self, k: int, *, exact: bool = False) -> None:
        self.exact = exact
        self.gram = np.zeros((k, k))
        self.total = np.zeros(k)
        self.count = 0
        self._shift: np.ndarray | None = None

    def add(self, block: np.ndarray) -> None:
        """Add the rows of ``block`` (r × k)."""
        if block.shape[0] == 0:
            return
        if self.exact:
            self.gram += block.T @ block
        else:
            block = block.astype(np.float64)
            if self._shift is None:
                self._shift = block.mean(axis=0)
            block -= self._shift
            self.gram += block.T @ block
        if self.exact:  # integer column sums below 2**24: exact as a float32 product
            self.total += np.ones(block.shape[0], dtype=block.dtype) @ block
        else:
            self.total += block.sum(axis=0)
        self.count += block.shape[0]

    def covariance(self) -> np.ndarray:
        """The covariance matrix of the rows added (NaN when fewer than two)."""
        n = self.count
        if n < 2:
            return np.full(self.gram.shape, np.nan)
        if self.exact:
            return (self.gram - np.outer(self.total, self.total) / n) / (n - 1)
        d = self.total / n
        return (self.gram - n * np.outer(d, d)) / (n - 1)


def complete_case_cov(x: np.ndarray, rows: np.ndarray, chunk: int = 1 << 17) -> np.ndarray:
    """Covariance matrix (ddof = 1) of the rows ``x[rows]``, as :func:`numpy.cov` gives it,
    without copying those rows to float64 at once (:class:`CovAccumulator`, float64 route).

    Parameters
    ----------
    x : ndarray (n × k)
        float32 or float64 values (no NaN in the selected rows).
    rows : ndarray of bool (n,)
        The rows to use (the complete cases).
    """
    acc = CovAccumulator(x.shape[1])
    for start in range(0, x.shape[0], chunk):
        acc.add(x[start : start + chunk][rows[start : start + chunk]])
    return acc.covariance()


def alpha_from_cov(c: np.ndarray, n: int, names: list[str], ci: float = 0.95) -> AlphaResult:
    """:func:`cronbach_alpha` from the items' covariance matrix (ddof = 1) of n complete cases.

    Every statistic follows from the covariance matrix C: with row sums s_j = Σ_k C_jk and
    S = Σ C, the corrected item-total correlation is (s_j − C_jj) / √(C_jj (S − 2 s_j + C_jj))
    and alpha-if-deleted is alpha of C without row and column j.
    """
    k = c.shape[0]
    alpha = _alpha_from_cov(c)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lo = 1 - (1 - alpha) * _f_isf((1 - ci) / 2, df1, df2)
    hi = 1 - (1 - alpha) * _f_isf(1 - (1 - ci) / 2, df1, df2)
    d = np.diag(c)
    sd = np.sqrt(d)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = c / np.outer(sd, sd)
        rbar = (r.sum() - np.trace(r)) / (k * (k - 1))
        std_alpha = k * rbar / (1 + (k - 1) * rbar)
        s_j = c.sum(axis=1)
        total = c.sum()
        itc = (s_j - d) / np.sqrt(d * (total - 2 * s_j + d))
    itc = np.where(d > 0, itc, np.nan)
    aid = []
    for j in range(k):
        keep = [i for i in range(k) if i != j]
        aid.append(_alpha_from_cov(c[np.ix_(keep, keep)]) if k > 2 else np.nan)
    return AlphaResult(
        float(alpha),
        float(lo),
        float(hi),
        n,
        k,
        float(std_alpha),
        pd.Series(itc, index=names, name="item_total"),
        pd.Series(aid, index=names, name="alpha_if_deleted"),
        ci,
    )


@dataclass(frozen=True)
class KMOResult:
    overall: float
    per_item: pd.Series


def _corr(items: Any) -> tuple[np.ndarray, list[str], int]:
    x, names = _matrix(items)
    x = x[~np.isnan(x).any(axis=1)]
    if x.shape[0] < 3 or x.shape[1] < 2:
        raise InputDataError("KMO / Bartlett 检验至少需要 2 个题目和 3 份完整答卷")
    return np.corrcoef(x, rowvar=False), names, x.shape[0]


def kmo(items: Any) -> KMOResult:
    """Kaiser–Meyer–Olkin measure of sampling adequacy (overall and per item)."""
    r, names, _ = _corr(items)
    return kmo_from_corr(r, names)


def kmo_from_corr(r: np.ndarray, names: list[str]) -> KMOResult:
    """:func:`kmo` from a correlation matrix."""
    try:
        p = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        p = np.linalg.pinv(r)
    d = np.sqrt(np.outer(np.diag(p), np.diag(p)))
    a = -p / d
    np.fill_diagonal(a, 0.0)
    r0 = r.copy()
    np.fill_diagonal(r0, 0.0)
    r2, a2 = r0**2, a**2
    overall = r2.sum() / (r2.sum() + a2.sum())
    per = r2.sum(axis=0) / (r2.sum(axis=0) + a2.sum(axis=0))
    return KMOResult(float(overall), pd.Series(per, index=names, name="kmo"))


def bartlett_sphericity(items: Any) -> tuple[float, int, float]:
    """Bartlett's test that the correlation matrix is an identity: (chi2, df, p_value)."""
    r, _, n = _corr(items)
    return bartlett_from_corr(r, n)


def bartlett_from_corr(r: np.ndarray, n: int) -> tuple[float, int, float]:
    """:func:`bartlett_sphericity` from a correlation matrix of n complete cases."""
    p = r.shape[0]
    sign, logdet = np.linalg.slogdet(r)
    if sign <= 0:
        return float("inf"), p * (p - 1) // 2, 0.0
    chi2 = -(n - 1 - (2 * p + 5) / 6) * logdet
    df = p * (p - 1) // 2
    return float(chi2), df, float(special.chdtrc(df, chi2))  # = stats.chi2.sf
