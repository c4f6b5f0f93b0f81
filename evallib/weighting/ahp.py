"""Analytic Hierarchy Process (层次分析法, AHP) for one pairwise comparison matrix (判断矩阵).

Methods (all compute λmax from A·w, so CI and CR are comparable across methods):

``eigen``
    Principal right eigenvector (Saaty 1980), computed by power iteration on the positive
    matrix (Perron–Frobenius) to 1e-12.
``geometric`` (方根法)
    Normalised geometric means of the rows (Crawford & Williams 1985).
``normalized_columns`` (和积法)
    Row means of the column-normalised matrix.

.. math::

    λ_{max} = \\frac{1}{n}\\sum_i \\frac{(Aw)_i}{w_i}, \\quad
    CI = \\frac{λ_{max} - n}{n - 1}, \\quad CR = \\frac{CI}{RI_n}

Random-index tables (:data:`RI_TABLES`) are named data with their sources; the default is
Saaty (1980).  Matrices with n ≤ 2 are always consistent (CR = 0).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import ConfigError, InconsistentJudgementError, Problem

__all__ = [
    "DEFAULT_RI",
    "RI_TABLES",
    "SAATY_SCALE",
    "AHPResult",
    "Adjustment",
    "ahp",
    "diagnose",
    "parse_judgement",
    "random_index",
    "to_matrix",
]

Method = Literal["eigen", "geometric", "normalized_columns"]

# Random consistency index RI by matrix size n (index 1..15).
RI_TABLES: dict[str, dict[str, Any]] = {
    "saaty1980": {
        "source": "Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill (500 random "
        "matrices per n; extended table n = 11..15)",
        "values": [
            0,
            0,
            0.58,
            0.90,
            1.12,
            1.24,
            1.32,
            1.41,
            1.45,
            1.49,
            1.51,
            1.48,
            1.56,
            1.57,
            1.59,
        ],
    },
    "saaty2005": {
        "source": "Saaty, T. L. (2005). Theory and Applications of the Analytic Network Process. "
        "RWS Publications, p. 31",
        "values": [
            0,
            0,
            0.52,
            0.89,
            1.11,
            1.25,
            1.35,
            1.40,
            1.45,
            1.49,
            1.52,
            1.54,
            1.56,
            1.58,
            1.59,
        ],
    },
    "chinese": {
        "source": "Table common in Chinese AHP software and textbooks (e.g. SPSSAU): differs "
        "from Saaty (2005) at n = 5-9",
        "values": [
            0,
            0,
            0.52,
            0.89,
            1.12,
            1.26,
            1.36,
            1.41,
            1.46,
            1.49,
            1.52,
            1.54,
            1.56,
            1.58,
            1.59,
        ],
    },
    "alonso_lamata": {
        "source": "Alonso, J. A., & Lamata, M. T. (2006). Consistency in the analytic hierarchy "
        "process: a new approach. Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems, "
        "14(4), 445-459 (500,000 matrices per n)",
        "values": [
            0,
            0,
            0.5245,
            0.8815,
            1.1086,
            1.2479,
            1.3417,
            1.4056,
            1.4499,
            1.4854,
            1.5141,
            1.5365,
            1.5551,
            1.5713,
            1.5838,
        ],
    },
    "donegan_dodd": {
        "source": "Donegan, H. A., & Dodd, F. J. (1991). A note on Saaty's random indexes. "
        "Mathematical and Computer Modelling, 15(10), 135-137",
        "values": [
            0,
            0,
            0.4914,
            0.8286,
            1.0591,
            1.1797,
            1.2519,
            1.3171,
            1.3733,
            1.4055,
            1.4213,
            1.4497,
            1.4643,
            1.4822,
            1.4969,
        ],
    },
}
DEFAULT_RI = "saaty1980"

#: Saaty's 1–9 scale and reciprocals.
SAATY_SCALE: tuple[Fraction, ...] = tuple(
    sorted({Fraction(k) for k in range(1, 10)} | {Fraction(1, k) for k in range(2, 10)})
)


def random_index(n: int, table: str = DEFAULT_RI) -> float:
    """RI for an n×n matrix from a named table.

    Raises
    ------
    ConfigError
        Unknown table, or n beyond the table (n > 15).
    """
    try:
        values = RI_TABLES[table]["values"]
    except KeyError:
        raise ConfigError(
            f"未知的随机一致性指标表 (RI table) {table!r}", value=table,
            fix=f"可选：{', '.join(RI_TABLES)}",
        ) from None  # fmt: skip
    if not 1 <= n <= len(values):
        raise ConfigError(
            f"判断矩阵阶数 n = {n} 超出 RI 表 {table} 的范围 (1–{len(values)})",
            value=n,
            fix="把指标分组，使每组下级指标不超过 15 个",
        )
    return float(values[n - 1])


_FRACTION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")


def parse_judgement(value: Any) -> float:
    """Parse one judgement: a number, or text such as "3", "1/3", "１／３".

    Raises ValueError for anything else (text, empty, non-positive).
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, int | float):
        x = float(value)
    else:
        s = unicodedata.normalize("NFKC", str(value)).strip()
        m = _FRACTION.match(s)
        x = float(m.group(1)) / float(m.group(2)) if m else float(s)
    if not math.isfinite(x) or x <= 0:
        raise ValueError(value)
    return x


def _on_scale(x: float, tol: float = 1e-3) -> bool:
    return any(abs(x - float(f)) <= tol * max(1.0, float(f)) for f in SAATY_SCALE)


def to_matrix(
    data: Any,
    *,
    labels: Sequence[str] | None = None,
    tol: float = 0.01,
    scale: bool = True,
    where: Mapping[str, Any] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Validate a pairwise comparison matrix; report every problem at once.

    Parameters
    ----------
    data : array-like, DataFrame or dict
        Square array; a DataFrame (its index gives the labels); or an upper-triangle dict
        ``{(a, b): value}`` meaning "a compared with b".
    labels : sequence of str, optional
        Criterion names (default "1", "2", ...).
    tol : float
        Relative tolerance for reciprocity a_ji · a_ij = 1 (values such as 0.33 for 1/3 pass).
    scale : bool
        Require every judgement to be on Saaty's 1–9 scale (incl. 1/2 … 1/9).
    where : mapping, optional
        Location (file, sheet) for error messages.

    Returns
    -------
    (matrix, labels)

    Raises
    ------
    InconsistentJudgementError
        Not square, non-numeric, zero or negative, diagonal ≠ 1, not reciprocal, off scale.
    """
    loc = dict(where or {})
    if isinstance(data, Mapping):
        names: list[str] = list(labels or [])
        for a, b in data:
            for x in (a, b):
                if x not in names:
                    names.append(x)
        n = len(names)
        raw: list[list[Any]] = [[None] * n for _ in range(n)]
        for i in range(n):
            raw[i][i] = 1
        for (a, b), v in data.items():
            i, j = names.index(a), names.index(b)
            raw[i][j] = v
            try:
                raw[j][i] = 1 / parse_judgement(v)
            except (ValueError, ZeroDivisionError):
                raw[j][i] = None
        lab = names
    elif isinstance(data, pd.DataFrame):
        raw = data.to_numpy(dtype=object).tolist()
        lab = [str(x) for x in (labels or data.index)]
    else:
        arr = np.asarray(data, dtype=object)
        if arr.ndim != 2:
            msg = f"判断矩阵应为二维方阵 (square)，实际维数为 {arr.ndim}"
            raise InconsistentJudgementError(msg, **loc)
        raw = arr.tolist()
        lab = [str(x) for x in (labels or range(1, len(raw) + 1))]
    n = len(raw)
    if n == 0 or any(len(r) != n for r in raw):
        raise InconsistentJudgementError(
            f"判断矩阵必须是方阵 (square)：{n} 行，各行列数 {[len(r) for r in raw]}",
            fix="每个指标与其他所有指标各比较一次", **loc,
        )  # fmt: skip
    if len(lab) != n:
        raise InconsistentJudgementError(f"标签数 {len(lab)} 与矩阵阶数 {n} 不符", **loc)
    probs: list[Problem] = []
    a = np.ones((n, n))
    for i in range(n):
        for j in range(n):
            cell = f"{lab[i]} 对 {lab[j]}"
            try:
                a[i, j] = parse_judgement(raw[i][j])
            except (ValueError, TypeError, ZeroDivisionError):
                probs.append(Problem(
                    "判断值必须是正数，如 3 或 1/3 (positive number)", column=cell,
                    value=raw[i][j], fix="按 1–9 标度填写", **loc))  # fmt: skip
                a[i, j] = np.nan
    for i in range(n):
        if np.isfinite(a[i, i]) and abs(a[i, i] - 1) > 1e-9:
            probs.append(Problem("对角线元素必须为 1 (diagonal)", column=f"{lab[i]} 对 {lab[i]}",
                                 value=raw[i][i], **loc))  # fmt: skip
        for j in range(i + 1, n):
            x, y = a[i, j], a[j, i]
            if not (np.isfinite(x) and np.isfinite(y)):
                continue
            if abs(x * y - 1) > tol:
                probs.append(Problem(
                    f"不满足互反性 (not reciprocal)：a[{lab[i]},{lab[j]}] × a[{lab[j]},{lab[i]}]"
                    f" = {x * y:.4g}，应为 1", column=f"{lab[i]} 对 {lab[j]}", value=raw[i][j],
                    fix="下三角应为上三角对应值的倒数", **loc))  # fmt: skip
            if scale and not _on_scale(x, max(tol, 1e-3)):
                probs.append(Problem(
                    "判断值不在 Saaty 1–9 标度上 (off scale)", column=f"{lab[i]} 对 {lab[j]}",
                    value=raw[i][j], fix="使用 1–9 或 1/2–1/9", **loc))  # fmt: skip
    if probs:
        raise InconsistentJudgementError(problems=probs)
    # Make exactly reciprocal from the upper triangle (0.33 → 1/3 effects are below tol).
    upper = np.triu(a, 1)
    a = upper + np.tril(1.0 / upper.T.clip(min=1e-300), -1) * (np.tril(np.ones((n, n)), -1) > 0)
    np.fill_diagonal(a, 1.0)
    return a, lab


def _weights(a: np.ndarray, method: str) -> tuple[np.ndarray, int]:
    n = len(a)
    if method == "geometric":
        g = np.exp(np.log(a).mean(axis=1))
        return g / g.sum(), 0
    if method == "normalized_columns":
        return (a / a.sum(axis=0)).mean(axis=1), 0
    if method == "eigen":
        w = np.full(n, 1.0 / n)
        for it in range(1, 100_001):
            nxt = a @ w
            nxt /= nxt.sum()
            if np.abs(nxt - w).max() < 1e-15:
                return nxt, it
            w = nxt
        return w, 100_000  # pragma: no cover - positive matrices converge
    raise ConfigError(
        f"未知的 AHP 计算方法 (method) {method!r}", value=method,
        fix="可选：eigen（特征向量法）、geometric（方根法）、normalized_columns（和积法）",
    )  # fmt: skip


@dataclass(frozen=True)
class Adjustment:
    """A judgement that contributes most to inconsistency, with a suggested revision."""

    row: str
    col: str
    current: float
    implied: float
    suggested: str
    deviation: float


@dataclass(frozen=True)
class AHPResult:
    """Result of :func:`ahp`.

    Attributes
    ----------
    weights : Series
        Priorities indexed by label, summing to 1.
    lambda_max, ci, cr, ri : float
    consistent : bool
        cr < threshold (always True for n ≤ 2).
    method, ri_table : str
    threshold : float
    matrix : DataFrame
        The validated (exactly reciprocal) matrix.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    ri: float
    consistent: bool
    method: str
    ri_table: str
    threshold: float
    matrix: pd.DataFrame = field(repr=False)

    @property
    def n(self) -> int:
        return len(self.weights)

    def diagnose(self, top: int = 3) -> list[Adjustment]:
        """See :func:`diagnose`."""
        return diagnose(self, top)

    def to_dict(self) -> dict[str, Any]:
        return {
            "weights": {k: float(v) for k, v in self.weights.items()},
            "lambda_max": self.lambda_max, "ci": self.ci, "cr": self.cr, "ri": self.ri,
            "consistent": self.consistent, "method": self.method, "ri_table": self.ri_table,
            "threshold": self.threshold,
        }  # fmt: skip


def ahp(
    matrix: Any,
    method: Method = "eigen",
    *,
    labels: Sequence[str] | None = None,
    ri_table: str = DEFAULT_RI,
    threshold: float = 0.10,
    scale: bool = True,
    where: Mapping[str, Any] | None = None,
) -> AHPResult:
    """Priorities and consistency of a pairwise comparison matrix.

    Parameters
    ----------
    matrix : array-like, DataFrame or dict
        See :func:`to_matrix`.
    method : {"eigen", "geometric", "normalized_columns"}
        特征向量法, 方根法, 和积法.
    ri_table : str
        Key of :data:`RI_TABLES` (default ``saaty1980``).
    threshold : float
        CR below which the matrix is acceptably consistent (Saaty: 0.10).

    Returns
    -------
    AHPResult

    Notes
    -----
    Checked against Saaty (1990), "How to make a decision", EJOR 48, 9-26 (house example:
    λmax = 9.669, CI = 0.238, CR = 0.169) and against numpy's eigenvectors on random reciprocal
    matrices (tests/test_ahp.py).

    Examples
    --------
    >>> r = ahp([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> from evallib.rounding import round_half_up
    >>> r.weights.round(4).tolist(), round_half_up(r.cr, 4), r.consistent
    ([0.637, 0.2583, 0.1047], 0.0332, True)
    """
    a, lab = to_matrix(matrix, labels=labels, scale=scale, where=where)
    n = len(a)
    ri = random_index(n, ri_table)
    w, _ = _weights(a, method)
    lam = float(np.mean((a @ w) / w))
    ci = 0.0 if n <= 2 else max((lam - n) / (n - 1), 0.0)
    cr = 0.0 if n <= 2 or ri == 0 else ci / ri
    return AHPResult(
        weights=pd.Series(w, index=lab, name="weight"),
        lambda_max=lam if n > 2 else float(n),
        ci=ci,
        cr=cr,
        ri=ri,
        consistent=bool(n <= 2 or cr < threshold),
        method=method,
        ri_table=ri_table,
        threshold=threshold,
        matrix=pd.DataFrame(a, index=lab, columns=lab),
    )


def _nearest_scale(x: float) -> str:
    f = min(SAATY_SCALE, key=lambda s: abs(math.log(float(s)) - math.log(x)))
    return str(f.numerator) if f.denominator == 1 else f"1/{f.denominator}"


def diagnose(result: AHPResult, top: int = 3) -> list[Adjustment]:
    """Judgements that contribute most to inconsistency, with a suggested value.

    For each upper-triangle judgement a_ij the implied ratio w_i / w_j is computed; judgements
    are ranked by the log-deviation |ln a_ij − ln(w_i / w_j)| (symmetric in a_ij and its
    reciprocal, unlike |a_ij − w_i/w_j|), and the suggestion is the value of Saaty's scale
    nearest to w_i / w_j (Saaty 2003, "Decision-making with the AHP: Why is the principal
    eigenvector necessary", EJOR 145, §5).

    Returns
    -------
    list of Adjustment
        At most ``top``, largest deviation first.
    """
    a = result.matrix.to_numpy()
    w = result.weights.to_numpy()
    lab = list(result.weights.index)
    out = []
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            implied = w[i] / w[j]
            dev = abs(math.log(a[i, j]) - math.log(implied))
            out.append(Adjustment(lab[i], lab[j], float(a[i, j]), float(implied),
                                  _nearest_scale(implied), dev))  # fmt: skip
    out.sort(key=lambda x: -x.deviation)
    return out[:top]
