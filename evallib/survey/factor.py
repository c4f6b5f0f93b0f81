"""Exploratory factor analysis (探索性因子分析) of questionnaire items, beside KMO and Bartlett.

Extraction (``method``):

``principal`` (主成分法, the default of SPSS and SPSSAU)
    loadings L = V·√Λ of the k largest eigenpairs of the correlation matrix R.
``pa`` / ``ml``
    iterated principal axis and maximum likelihood (statsmodels.multivariate.factor.Factor).

Number of factors: given, or Kaiser's rule (eigenvalues of R greater than 1).  Rotation
(``rotation``): ``varimax`` (default, with Kaiser normalisation as in SPSS: rows of L are scaled to
unit length before rotating and back after), ``quartimax``, ``oblimin`` (direct oblimin, δ = 0,
SPSS 直接斜交) or None, through statsmodels.multivariate.factor_rotation.  Signs are fixed so
that each factor's largest loading is positive; factors are ordered by the variance they explain.

Variance explained per factor = Σ loadings²; share = that / number of items; communality of an
item = Σ its loadings² (for oblique rotations the pattern matrix is reported and the shares are
those before rotation, as SPSS does).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputDataError
from ..weighting.objective import EvalWarning
from .reliability import KMOResult, bartlett_from_corr, kmo_from_corr

__all__ = ["FactorResult", "factor_analysis"]

ROTATIONS = ("varimax", "quartimax", "oblimin", None)


@dataclass(frozen=True)
class FactorResult:
    """Result of :func:`factor_analysis`.

    Attributes
    ----------
    loadings : DataFrame
        Items × factors (rotated when a rotation was asked).
    communalities : Series
    variance : DataFrame
        Per factor: ``eigenvalue`` (of R), ``ss_loadings``, ``share``, ``cumulative``.
    eigenvalues : Series
        All eigenvalues of R (for the scree plot).
    kmo : KMOResult
    bartlett : tuple of (chi2, df, p)
    params : dict
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    variance: pd.DataFrame
    eigenvalues: pd.Series
    kmo: KMOResult
    bartlett: tuple[float, int, float]
    params: dict[str, Any]

    def loadings_zh(self, blank_below: float = 0.0) -> pd.DataFrame:
        """Loadings with Chinese headers and the communality; |loading| < ``blank_below`` blank."""
        t = self.loadings.where(self.loadings.abs() >= blank_below)
        t.columns = [f"因子{i + 1}" for i in range(t.shape[1])]
        t["共同度"] = self.communalities
        t.index.name = "题目"
        return t.reset_index()

    def variance_zh(self) -> pd.DataFrame:
        v = self.variance
        return pd.DataFrame(
            {
                "因子": [f"因子{i + 1}" for i in range(len(v))],
                "特征根": v["eigenvalue"].to_numpy(),
                "旋转后方差": v["ss_loadings"].to_numpy(),
                "方差解释率": v["share"].to_numpy(),
                "累计方差解释率": v["cumulative"].to_numpy(),
            }
        )


def _principal(r: np.ndarray, k: int) -> np.ndarray:
    vals, vecs = np.linalg.eigh(r)
    order = np.argsort(vals)[::-1][:k]
    return vecs[:, order] * np.sqrt(np.clip(vals[order], 0, None))


def _statsmodels(r: np.ndarray, k: int, method: str, n: int) -> tuple[np.ndarray, bool]:
    """Loadings from statsmodels and whether the fit converged (no ConvergenceWarning)."""
    from statsmodels.multivariate.factor import Factor
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = Factor(corr=r, n_factor=k, method=method, nobs=n).fit()
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return np.asarray(res.loadings, dtype=float), converged


def _rotate(load: np.ndarray, rotation: str | None) -> np.ndarray:
    if rotation is None or load.shape[1] < 2:
        return load
    from statsmodels.multivariate.factor_rotation import rotate_factors

    h = np.sqrt((load**2).sum(axis=1, keepdims=True))
    h = np.where(h > 0, h, 1.0)
    if rotation == "oblimin":
        rotated, _ = rotate_factors(load / h, "oblimin", 0, "oblique")
    else:
        rotated, _ = rotate_factors(load / h, rotation)
    return np.asarray(rotated) * h


def _tidy(load: np.ndarray) -> np.ndarray:
    ss = (load**2).sum(axis=0)
    load = load[:, np.argsort(-ss, kind="stable")]
    signs = np.sign(load[np.abs(load).argmax(axis=0), range(load.shape[1])])
    return load * np.where(signs == 0, 1, signs)


def factor_analysis(
    items: pd.DataFrame,
    n_factors: int | None = None,
    *,
    method: str = "principal",
    rotation: str | None = "varimax",
    columns: Sequence[str] | None = None,
) -> FactorResult:
    """Exploratory factor analysis of item scores (complete answers only)."""
    if method not in ("principal", "pa", "ml"):
        raise ConfigError(f"未知的因子提取方法 {method!r}", fix="可选：principal（主成分）、pa、ml")
    if rotation not in ROTATIONS:
        raise ConfigError(
            f"未知的旋转方法 {rotation!r}", fix="可选：varimax、quartimax、oblimin、None"
        )
    df = items[list(columns)] if columns is not None else items
    x = df.apply(pd.to_numeric, errors="coerce").dropna()
    p = x.shape[1]
    if p < 3 or len(x) < p + 2:
        raise InputDataError(
            f"因子分析至少需要 3 个题目和多于题目数的完整答卷（现有 {p} 题、{len(x)} 份完整答卷）",
            fix="增加题目或样本",
        )
    sd = x.std(ddof=1)
    if (sd == 0).any():
        raise InputDataError(
            "有题目所有人答案相同，无法计算相关系数",
            value=list(sd[sd == 0].index),
            fix="去掉这些题目",
        )
    r = np.corrcoef(x.to_numpy(dtype=float), rowvar=False)
    eig = np.sort(np.linalg.eigvalsh(r))[::-1]
    k = int((eig > 1).sum()) if n_factors is None else int(n_factors)
    if not 1 <= k < p:
        raise ConfigError(f"因子数应在 1 到 {p - 1} 之间", value=k)
    raw, converged = (
        (_principal(r, k), True) if method == "principal" else _statsmodels(r, k, method, len(x))
    )
    if not converged:
        warnings.warn(
            f"因子提取（{method}）未收敛，载荷仅供参考；建议改用 principal（主成分法）或减少因子数",
            EvalWarning,
            stacklevel=2,
        )
    load = _tidy(_rotate(raw, rotation))
    names = [str(c) for c in df.columns]
    factors = [f"F{i + 1}" for i in range(k)]
    ss = (load**2).sum(axis=0)
    share = ss / p
    variance = pd.DataFrame(
        {"eigenvalue": eig[:k], "ss_loadings": ss, "share": share, "cumulative": np.cumsum(share)},
        index=factors,
    )
    comm = (raw**2).sum(axis=1)
    return FactorResult(
        loadings=pd.DataFrame(load, index=names, columns=factors),
        communalities=pd.Series(comm, index=names, name="communality"),
        variance=variance,
        eigenvalues=pd.Series(eig, index=range(1, p + 1), name="eigenvalue"),
        kmo=kmo_from_corr(r, names),
        bartlett=bartlett_from_corr(r, len(x)),
        params={
            "method": method,
            "rotation": rotation,
            "n_factors": k,
            "n": len(x),
            "rule": "given" if n_factors is not None else "kaiser_eigenvalue_gt_1",
            "converged": converged,
        },
    )
