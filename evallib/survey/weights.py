"""Survey weights (加权): post-stratification and raking to known margins, trimming, design
effect.

- Post-stratification: w_h = (N_h / N) / (n_h / n) for every respondent in cell h.
- Raking (iterative proportional fitting, Deming & Stephan 1940): adjust the weights to each
  margin in turn until every weighted margin matches its target within ``tol``.
- Trimming is explicit (``trim=(lower, upper)``): raking and clipping to [lower, upper] × mean
  alternate (Izrael, Hoaglin & Battaglia 2000), ending on the clip so the bounds hold; the
  result says how many weights were trimmed and how far the margins are then off target
  (``margin_error``, largest absolute share difference).
- Kish (1965) design effect deff = n Σw² / (Σw)², effective sample size n / deff.

Weights are scaled to mean 1 (they sum to the number of respondents).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputDataError

__all__ = ["WeightResult", "kish", "poststratify", "rake"]


@dataclass(frozen=True)
class WeightResult:
    """Weights with diagnostics."""

    weights: np.ndarray
    iterations: int
    converged: bool
    trimmed: int
    deff: float
    n_effective: float
    margin_error: float = 0.0


def kish(w: np.ndarray) -> tuple[float, float]:
    """Kish design effect and effective sample size: (deff, n_eff).

    >>> from evallib.rounding import round_half_up
    >>> [round_half_up(x, 4) for x in kish(np.array([1.0, 1.0, 2.0, 2.0]))]
    [1.1111, 3.6]
    """
    w = np.asarray(w, dtype=float)
    n = len(w)
    s1, s2 = w.sum(), (w * w).sum()
    deff = n * s2 / (s1 * s1)
    return float(deff), float(n / deff)


def _shares(target: Mapping[str, float]) -> pd.Series:
    s = pd.Series(dict(target), dtype=float)
    if (s < 0).any() or s.sum() <= 0:
        raise InputDataError("加权目标 (margins) 必须为非负数且不全为 0", value=dict(target))
    return s / s.sum()


def _check_levels(col: pd.Series, target: pd.Series, name: str) -> None:
    present = set(col.astype(str).unique())
    missing = present - set(target.index)
    if missing:
        raise InputDataError(
            f"分组「{name}」中的取值在加权目标中没有对应：{'、'.join(sorted(missing))}",
            fix="在 margins 中补充这些取值的总体数",
        )
    empty = [lv for lv in target.index if lv not in present and target[lv] > 0]
    if empty:
        raise InputDataError(
            f"分组「{name}」中以下取值没有样本，无法加权：{'、'.join(empty)}",
            fix="合并小类别或从 margins 中删除",
        )


def poststratify(groups: pd.Series, target: Mapping[str, float]) -> WeightResult:
    """Post-stratification weights for one grouping variable.

    ``target`` gives the population count (or share) of each level.
    """
    col = groups.astype(str)
    t = _shares(target)
    _check_levels(col, t, str(groups.name))
    sample = col.value_counts(normalize=True)
    w = col.map(t / sample).to_numpy(dtype=float)
    w = w / w.mean()
    d, ne = kish(w)
    return WeightResult(w, 1, True, 0, d, ne)


def _clip_to_bounds(w: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Clip to [lo, hi] × mean, repeating until the mean (which clipping moves) is stable."""
    for _ in range(200):
        m = w.mean()
        c = np.clip(w, lo * m, hi * m)
        if np.allclose(c, w, rtol=1e-12, atol=0):
            break
        w = c
    return w


def rake(
    data: pd.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    *,
    max_iter: int = 200,
    tol: float = 1e-8,
    trim: tuple[float, float] | None = None,
) -> WeightResult:
    """Raking to several margins (iterative proportional fitting).

    Parameters
    ----------
    data : DataFrame
        One column per margin variable.
    margins : mapping
        Variable → {level: population count or share}.
    trim : (lower, upper), optional
        Clip weights to [lower, upper] × mean after convergence and rake again (repeated up
        to 20 times); the number trimmed in the final pass is reported.
    """
    cols = {v: data[v].astype(str).to_numpy() for v in margins}
    targets = {v: _shares(t) for v, t in margins.items()}
    for v in margins:
        _check_levels(data[v], targets[v], v)
    n = len(data)
    w = np.ones(n)
    codes = {v: pd.Categorical(cols[v], categories=list(targets[v].index)).codes for v in margins}
    tshare = {v: targets[v].to_numpy() for v in margins}

    def ipf(w: np.ndarray) -> tuple[np.ndarray, int, bool]:
        for it in range(1, max_iter + 1):
            worst = 0.0
            for v in margins:
                tot = np.bincount(codes[v], weights=w, minlength=len(tshare[v]))
                cur = tot / tot.sum()
                with np.errstate(divide="ignore", invalid="ignore"):
                    f = np.where(cur > 0, tshare[v] / cur, 1.0)
                w = w * f[codes[v]]
                worst = max(worst, float(np.abs(cur - tshare[v]).max()))
            if worst < tol:
                return w, it, True
        return w, max_iter, False

    w, it, ok = ipf(w)
    was_trimmed = np.zeros(n, bool)
    if trim is not None:
        lo, hi = trim
        for _ in range(50):
            m = w.mean()
            clipped = np.clip(w, lo * m, hi * m)
            hit = ~np.isclose(clipped, w)
            was_trimmed |= hit
            if not hit.any():
                break
            w, it2, ok = ipf(clipped)
            it += it2
        w = _clip_to_bounds(w, lo, hi)  # end on the trim: the bounds hold
    trimmed = int(was_trimmed.sum())
    w = w / w.mean()
    err = 0.0
    for v in margins:
        tot = np.bincount(codes[v], weights=w, minlength=len(tshare[v]))
        err = max(err, float(np.abs(tot / tot.sum() - tshare[v]).max()))
    d, ne = kish(w)
    return WeightResult(w, it, ok, trimmed, d, ne, err)
