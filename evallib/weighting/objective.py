"""Objective weights from data (客观赋权): entropy (熵权法) and CRITIC, and their combination with
subjective weights.

Data: rows = alternatives (projects, regions, years), columns = criteria.  ``directions`` gives
"benefit" (越大越好) or "cost" (越小越好) per column (default: all benefit).

Normalisation (explicit, because the same data give different weights under each):

``minmax`` (default)
    benefit: (x − min) / (max − min); cost: (max − x) / (max − min).
``sum``
    proportion of the column sum, x / Σx (requires x ≥ 0); a cost column is first replaced by
    1 / x (requires x > 0).  This is the reading of the published entropy examples (Xu 2004;
    Zavadskas & Podvezko 2016; Ersoy 2021), reproduced in the tests.

Stated rules, never silent:

- 0 · ln 0 = 0 (entropy);
- a constant column carries no information: weight 0, with an :class:`EvalWarning`; CRITIC
  drops it before computing correlations; all columns constant is an error;
- negative values are fine for ``minmax``; with ``sum`` they are an error naming the cell;
- missing values are an error naming the cell.

Entropy (Shannon 1948; Zeleny 1982):

.. math::

    p_{ij} = x'_{ij} / \\sum_i x'_{ij}, \\quad
    e_j = -\\frac{1}{\\ln m} \\sum_i p_{ij} \\ln p_{ij}, \\quad
    w_j = \\frac{1 - e_j}{\\sum_k (1 - e_k)}

CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995, Computers & OR 22(7), 763-770):

.. math::

    C_j = σ_j \\sum_k (1 - r_{jk}), \\quad w_j = C_j / \\sum_k C_k

with σ the sample standard deviation of the normalised column and r Pearson's correlation.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputDataError
from ..normalization import as_frame, directions, normalize, numeric_matrix

__all__ = [
    "EvalWarning",
    "combine",
    "critic",
    "critic_table",
    "entropy",
    "entropy_table",
    "objective_table_zh",
]

Normalization = Literal["minmax", "sum"]


class EvalWarning(UserWarning):
    """A stated rule was applied to the user's data (e.g. a constant column got weight 0)."""


def _frame(data: Any) -> tuple[pd.DataFrame, bool]:
    return as_frame(data)


def _directions(
    cols: Sequence[Any], spec: Mapping[Any, str] | Sequence[str] | str | None
) -> list[str]:
    return directions(cols, spec)


def _normalise(
    df: pd.DataFrame, dirs: list[str], normalization: str
) -> tuple[np.ndarray, np.ndarray]:
    """Normalised matrix and a mask of informative (non-constant) columns."""
    if normalization not in ("minmax", "sum"):
        raise ConfigError(
            f"未知的标准化方式 (normalization) {normalization!r}", fix="可选：minmax、sum"
        )
    x = numeric_matrix(df, what="客观赋权")
    out, informative = normalize(x, dirs, normalization, list(df.columns))
    if not informative.any():
        raise InputDataError("所有指标在各评价对象上取值相同，无法计算客观权重")
    for j in np.where(~informative)[0]:
        msg = f"指标「{df.columns[j]}」各行取值相同，不含信息，权重记为 0 (constant column)"
        warnings.warn(msg, EvalWarning, stacklevel=3)
    return out, informative


def entropy_table(
    data: Any,
    directions: Mapping[Any, str] | Sequence[str] | str | None = None,
    normalization: Normalization = "minmax",
) -> pd.DataFrame:
    """Entropy weights with intermediate values: one row per criterion with columns
    ``entropy`` (e_j), ``divergence`` (d_j = 1 − e_j) and ``weight``."""
    df, _ = _frame(data)
    d = _directions(list(df.columns), directions)
    x, informative = _normalise(df, d, normalization)
    m = x.shape[0]
    sums = x.sum(axis=0)
    p = np.divide(x, sums, out=np.zeros_like(x), where=sums > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)  # 0·ln0 = 0
    e = -plogp.sum(axis=0) / np.log(m)
    e = np.where(informative, e, 1.0)
    div = 1 - e
    w = div / div.sum()
    return pd.DataFrame({"direction": d, "entropy": e, "divergence": div, "weight": w},
                        index=df.columns)


def entropy(
    data: Any,
    directions: Mapping[Any, str] | Sequence[str] | str | None = None,
    normalization: Normalization = "minmax",
) -> pd.Series | np.ndarray:
    """Entropy weights (熵权法).

    Returns
    -------
    Series indexed by criterion for DataFrame input, ndarray otherwise; sums to 1.

    Examples
    --------
    >>> X = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
    >>> entropy(X, normalization="sum").round(4).tolist()  # Xu (2004), EJOR 156, 530-532
    [0.463, 0.3992, 0.1378, 0.0]
    """
    df, is_frame = _frame(data)
    w = entropy_table(df, directions, normalization)["weight"]
    return w.rename("weight") if is_frame else w.to_numpy()


def critic_table(
    data: Any,
    directions: Mapping[Any, str] | Sequence[str] | str | None = None,
    normalization: Normalization = "minmax",
) -> pd.DataFrame:
    """CRITIC weights with intermediates: ``std`` (σ_j), ``conflict`` (Σ_k (1 − r_jk)),
    ``information`` (C_j) and ``weight``; constant columns get 0."""
    df, _ = _frame(data)
    d = _directions(list(df.columns), directions)
    x, informative = _normalise(df, d, normalization)
    sd = np.zeros(x.shape[1])
    conflict = np.zeros(x.shape[1])
    xi = x[:, informative]
    s = xi.std(axis=0, ddof=1)
    if xi.shape[1] == 1:
        c = np.array([0.0])
    else:
        r = np.corrcoef(xi, rowvar=False)
        c = (1 - r).sum(axis=0)
    sd[informative] = s
    conflict[informative] = c
    info = sd * conflict
    if info.sum() == 0:  # a single informative column
        info = informative.astype(float)
    w = info / info.sum()
    return pd.DataFrame({"direction": d, "std": sd, "conflict": conflict, "information": info,
                         "weight": w}, index=df.columns)


def critic(
    data: Any,
    directions: Mapping[Any, str] | Sequence[str] | str | None = None,
    normalization: Normalization = "minmax",
) -> pd.Series | np.ndarray:
    """CRITIC weights (Criteria Importance Through Intercriteria Correlation).

    Returns
    -------
    Series indexed by criterion for DataFrame input, ndarray otherwise; sums to 1.
    """
    df, is_frame = _frame(data)
    w = critic_table(df, directions, normalization)["weight"]
    return w.rename("weight") if is_frame else w.to_numpy()


def objective_table_zh(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`entropy_table` or :func:`critic_table` with Chinese headers and directions, one row
    per criterion (the criterion as the first column)."""
    zh = table.rename(columns={
        "direction": "方向", "entropy": "信息熵 e", "divergence": "差异系数 1-e", "std": "标准差 σ",
        "conflict": "冲突性 Σ(1-r)", "information": "信息量 C", "weight": "权重",
    })
    zh["方向"] = zh["方向"].map({"benefit": "正向", "cost": "负向"})
    return zh.reset_index(names="指标")


def combine(
    subjective: Any,
    objective: Any,
    method: Literal["linear", "multiplicative"] = "linear",
    alpha: float = 0.5,
) -> pd.Series | np.ndarray:
    """Combine subjective (e.g. AHP) and objective (e.g. entropy) weights (组合赋权).

    ``linear``: w = α·s + (1 − α)·o; ``multiplicative``: w = s·o / Σ s·o.  Both inputs are
    renormalised to sum 1 first; Series must have the same index.

    >>> combine([0.5, 0.3, 0.2], [0.2, 0.3, 0.5], alpha=0.5).tolist()
    [0.35, 0.3, 0.35]
    """
    if not 0 <= alpha <= 1:
        raise ConfigError(f"alpha 应在 0–1 之间，实际 {alpha}", value=alpha)
    is_series = isinstance(subjective, pd.Series)
    if is_series:
        o = pd.Series(objective)
        if set(o.index) != set(subjective.index):
            raise ConfigError(
                "主观权重与客观权重的指标不一致",
                value=f"{sorted(map(str, subjective.index))} vs {sorted(map(str, o.index))}",
            )
        s_arr = subjective.to_numpy(dtype=float)
        o_arr = o.reindex(subjective.index).to_numpy(dtype=float)
    else:
        s_arr = np.asarray(subjective, dtype=float)
        o_arr = np.asarray(objective, dtype=float)
        if s_arr.shape != o_arr.shape:
            raise ConfigError(f"权重长度不一致：{s_arr.shape} vs {o_arr.shape}")
    if (s_arr < 0).any() or (o_arr < 0).any():
        raise ConfigError("权重不能为负")
    s_arr, o_arr = s_arr / s_arr.sum(), o_arr / o_arr.sum()
    if method == "linear":
        w = alpha * s_arr + (1 - alpha) * o_arr
    elif method == "multiplicative":
        prod = s_arr * o_arr
        if prod.sum() == 0:
            raise ConfigError("乘法合成的权重全为 0：主观与客观权重没有共同的非零项")
        w = prod / prod.sum()
    else:
        raise ConfigError(f"未知的组合方式 {method!r}", fix="可选：linear、multiplicative")
    return pd.Series(w, index=subjective.index, name="weight") if is_series else w
