"""The quantitative scoring formulas (RULES.md §3), once, on arrays.

Both the scoring core (:mod:`evallib.rules`, one indicator at a time) and review
(:mod:`evallib.review.engine`, 150,000 published rows at a time) call :func:`quantitative_score`;
neither has its own copy of the arithmetic.

=========== =================================================================================
operator    unrounded score for actual ``a`` ≥ 0, target ``t``, points ``w``
=========== =================================================================================
≥ > (none)  ``w`` if t ≤ 0 or a ≥ t, else a / t · w  (positive, by completion ratio)
=           as positive; if t = 0: ``w`` when a ≤ 0, else 0
≤ <         ``w`` if a ≤ t; 0 if t ≤ 0; else t / a · w (``ratio``, national) or
            (2 − a / t) · w, 0 from a ≥ 2t (``linear``, platform variant)
range       below the low bound as positive against it, above the high bound as ≤ against it,
            ``w`` inside
=========== =================================================================================

Sources (RULES.md §3, docs/rules.md): the national self-evaluation form notes (正向指标按完成
比例记分; 反向 "按完成值与指标值的比例记分", printed on local forms as "按 B/A 或 A/B × 该指标分值
记分") and the budget platform's linear reverse reading; negative actuals are clamped to 0 and a
score never exceeds its points.
"""

from __future__ import annotations

import numpy as np

__all__ = ["OPERATOR_KIND", "quantitative_score"]

#: Target operator → formula family (anything else is positive).
OPERATOR_KIND = {"=": "equal", "<=": "reverse", "<": "reverse", "range": "range"}


def _positive(a: np.ndarray, t: np.ndarray, w: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((t <= 0) | (a >= t), w, a / t * w)


def _reverse(a: np.ndarray, t: np.ndarray, w: np.ndarray, reverse: str) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if reverse in ("linear", "reverse_linear"):
            over = np.where(a >= 2 * t, 0.0, (2 - a / t) * w)
        else:
            over = t / a * w
        return np.where(a <= t, w, np.where(t <= 0, 0.0, over))


def quantitative_score(
    op: np.ndarray,
    a: np.ndarray,
    t: np.ndarray,
    w: np.ndarray,
    *,
    high: np.ndarray | None = None,
    reverse: str = "ratio",
) -> np.ndarray:
    """Unrounded quantitative scores, element by element (table in the module docstring).

    Parameters
    ----------
    op : array of str
        Target operator per row: ">=", ">", "<=", "<", "=", "range" or "" / None (positive).
    a, t, w : array of float
        Actual (clamped at 0 here), target (the low bound for a range) and points.
    high : array of float, optional
        High bound of a range target (default: ``t``).
    reverse : {"ratio", "linear"}
        Formula above a ≤ target: t/a·w (national) or (2 − a/t)·w (platform).

    Returns
    -------
    ndarray of float
        In [0, w]; NaN where a, t or w is NaN.

    Examples
    --------
    >>> quantitative_score(np.array([">=", "<=", "<="]), np.array([90.0, 35, 35]),
    ...                    np.array([95.0, 30, 30]), np.array([10.0, 10, 10])).round(4)
    array([9.4737, 8.5714, 8.5714])
    >>> quantitative_score(np.array(["<="]), np.array([35.0]), np.array([30.0]),
    ...                    np.array([10.0]), reverse="linear").round(4)
    array([8.3333])
    """
    op = np.asarray(op, dtype=object)
    a = np.clip(np.asarray(a, dtype=float), 0, None)
    t = np.asarray(t, dtype=float)
    w = np.asarray(w, dtype=float)
    hi = t if high is None else np.where(np.isnan(high), t, np.asarray(high, dtype=float))
    kind = np.full(op.shape, "positive", dtype=object)  # one comparison per operator word
    for word, k in OPERATOR_KIND.items():
        kind[op == word] = k
    pos = _positive(a, t, w)
    eq = np.where(t == 0, np.where(a <= 0, w, 0.0), pos)
    rev = _reverse(a, t, w, reverse)
    rng = np.where(a < t, pos, np.where(a > hi, _reverse(a, hi, w, reverse), w))
    out = np.select([kind == "equal", kind == "reverse", kind == "range"], [eq, rev, rng], pos)
    bad = np.isnan(a) | np.isnan(t) | np.isnan(w)
    return np.where(bad, np.nan, np.clip(out, 0, w))
