"""Per-respondent sums over the satisfaction items: the one pass over the answer matrix that
the dimension scores, the overall index and 满意率, and the complete-case covariance (for
Cronbach's α, KMO and Bartlett) are built from.

The matrix is read in blocks of rows small enough to stay in the processor cache; each block
is turned into three float32 matrices — valid answer (1/0), satisfied answer (1/0) and the
answer's *value* — and multiplied by the item-weight and membership matrices of the
dimensions.  The complete-case covariance is accumulated block by block from the values.

Exact covariance on a grid
--------------------------
On the usual scales the level points lie on a grid, ``points = offset + step × v`` with v a
small integer (100/80/60/40/20: step 20, v = 2, 1, 0, −1, −2).  Then every product and every
block sum of the cross-product matrix is an integer below 2²⁴, which float32 holds exactly,
so the block's matrix product is exact in any order of summation; the blocks are added in
float64 (exact below 2⁵³) and

.. math:: C = \\mathrm{step}^2 \\; \\frac{G - t\\,t^T / n}{n - 1},
   \\qquad G = \\sum_i v_i v_i^T,\\; t = \\sum_i v_i

is as accurate as float64 allows.  Scales off a grid (or too wide for it) take the float64
route of :func:`evallib.survey.reliability.complete_case_cov`; both agree with ``np.cov``
(tests/test_survey_statistics.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .reliability import CovAccumulator

__all__ = ["AnswerGrid", "RespondentSums", "answer_grid", "respondent_sums"]

_EXACT = 1 << 24  # float32 holds every integer of magnitude up to 2**24 exactly
_BLOCK = 1 << 15  # rows per block: ~4 MB of float32 for 30 items


@dataclass(frozen=True)
class AnswerGrid:
    """How a scale position becomes the value multiplied in the sums.

    Attributes
    ----------
    level_values : ndarray (k,)
        Value of positions 1..k: float32 when exact, else float64 (the points).
    offset, step : float
        ``points = offset + step × value``.
    exact : bool
        The values are integers and blocks of ``block`` rows keep every cross-product sum
        below 2²⁴ (exact in float32).
    block : int
        Rows per block.
    positional : bool
        The values are the positions themselves (no table look-up needed).
    """

    level_values: np.ndarray
    offset: float
    step: float
    exact: bool
    block: int
    positional: bool


def answer_grid(points: Sequence[float], block: int = _BLOCK) -> AnswerGrid:
    """Write the level points as ``offset + step × v`` with small integers v.

    Points equally spaced over the positions (100/80/60/40/20, 5…1) take v = the position
    itself (no look-up).  Otherwise the step is the greatest common divisor of the
    differences from the lowest point, in exact rational arithmetic of the floats as stored,
    and v the centred multiples of it; when those are too large for exact float32 blocks
    (or the points have no common step) the values are the points themselves (offset 0,
    step 1, ``exact=False``).
    """
    p = [Fraction(x) for x in points]
    k = len(p)
    step = (p[1] - p[0]) if k > 1 else Fraction(0)
    if all(p[i] == p[0] + step * i for i in range(k)) and step != 0:
        rows = min(block, _EXACT // (k * k))
        if rows >= 1024:
            return AnswerGrid(np.arange(1, k + 1, dtype=np.float32), float(p[0] - step),
                              float(step), True, rows, True)  # fmt: skip
    low = min(p)
    diffs = [x - low for x in p]
    den = math.lcm(*(d.denominator for d in diffs))
    ints = [int(d * den) for d in diffs]
    g = math.gcd(*ints)
    if g == 0:  # every level the same number of points
        q, step = [0] * k, Fraction(1)
    else:
        q, step = [i // g for i in ints], Fraction(g, den)
    mid = (max(q) + min(q)) // 2
    v = [x - mid for x in q]
    bound = max(1, max(abs(x) for x in v))
    rows = min(block, _EXACT // (bound * bound))
    if rows >= 1024:
        return AnswerGrid(np.array(v, dtype=np.float32), float(low + step * mid), float(step),
                          True, rows, False)  # fmt: skip
    return AnswerGrid(np.array(points, dtype=np.float64), 0.0, 1.0, False, block, False)


@dataclass(frozen=True)
class RespondentSums:
    """Per respondent (rows) and dimension (columns), over the satisfaction items.

    Counts are float32 holding exact integers (sum them with ``dtype=np.float64``).

    Attributes
    ----------
    value, weight : ndarray (n, D)
        Σ item weight × value (float32 on an exact grid, else float64) and Σ item weight
        (float32) over the valid answers (points = offset + step × value, see
        :func:`answer_grid`).
    n_valid, n_satisfied : ndarray of float32 (n, D)
        Valid answers; answers among the top ``satisfied_top`` levels.
    valid_total, satisfied_total : ndarray of float32 (n,)
        The same over all satisfaction items (those outside any dimension included).
    offset, step : float
    cov : ndarray (m, m)
        Covariance (ddof = 1) of the items' points over the complete cases (NaN if < 2).
    n_complete : int
        Respondents with a valid answer to every satisfaction item.
    """

    value: np.ndarray
    weight: np.ndarray
    n_valid: np.ndarray
    n_satisfied: np.ndarray
    valid_total: np.ndarray
    satisfied_total: np.ndarray
    offset: float
    step: float
    cov: np.ndarray
    n_complete: int

    def mean_points(self, d: int) -> np.ndarray:
        """Each respondent's item-weighted mean points in dimension d (float64; NaN without
        a valid answer there): offset + step × value / weight."""
        den = self.weight[:, d].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, self.offset + self.step * (self.value[:, d] / den), np.nan)


def _lookup(grid: AnswerGrid) -> np.ndarray | None:
    """Value of each code byte (0 off the scale); None when the value is the position."""
    if grid.positional:
        return None
    lut = np.zeros(256, dtype=grid.level_values.dtype)
    lut[1 : 1 + grid.level_values.size] = grid.level_values
    return lut


def _values(c: np.ndarray, valid: np.ndarray, lut: np.ndarray | None) -> np.ndarray:
    """Value of each answer of a block, 0 where the answer is not valid."""
    if lut is None:
        return np.where(valid, c, np.int8(0)).astype(np.float32)
    return np.where(valid, lut[c.view(np.uint8)], 0).astype(lut.dtype, copy=False)


def respondent_sums(
    codes: np.ndarray,
    k: int,
    top: int,
    points: Sequence[float],
    item_weight: np.ndarray,
    membership: np.ndarray,
    block: int = _BLOCK,
) -> RespondentSums:
    """Sums of each respondent's valid answers per dimension, and the complete-case covariance.

    Parameters
    ----------
    codes : ndarray of int8 (n, m)
        Oriented positions of the satisfaction items (1 = best; reverse items mirrored),
        special codes ≤ 0.
    k, top : int
        Scale length; levels counted as satisfied (1..top).
    points : sequence of float (k,)
        Points of positions 1..k.
    item_weight : ndarray (m,)
        Item weights.
    membership : ndarray of bool (m, D)
        Which dimension each item belongs to.
    block : int
        Most rows per block (fewer when the scale needs it for exactness).

    Notes
    -----
    With V, S, X the blocks' valid, satisfied and value matrices, M the membership and
    W = M × item weight: weight = V W, n_valid = V M, n_satisfied = S M, value = X W; a
    respondent's mean points in a dimension is offset + step × value / weight.
    """
    n, m = codes.shape
    grid = answer_grid(points, block)
    member = membership.astype(np.float32)
    w = member * np.asarray(item_weight, dtype=np.float32)[:, None]
    wx = w.astype(grid.level_values.dtype)
    d = member.shape[1]
    ones = np.ones((m, 1), dtype=np.float32)
    on_valid = np.hstack([w, member, ones])
    on_sat = np.hstack([member, ones])
    out_v = np.empty((n, 2 * d + 1), dtype=np.float32)
    out_s = np.empty((n, d + 1), dtype=np.float32)
    out_x = np.empty((n, d), dtype=grid.level_values.dtype)
    acc = CovAccumulator(m, exact=grid.exact)
    lut = _lookup(grid)
    for start in range(0, n, grid.block):
        c = codes[start : start + grid.block]
        valid = (c >= 1) & (c <= k)
        x = _values(c, valid, lut)
        vv = np.matmul(valid.astype(np.float32), on_valid, out=out_v[start : start + len(c)])
        np.matmul(((c >= 1) & (c <= top)).astype(np.float32), on_sat,
                  out=out_s[start : start + len(c)])  # fmt: skip
        np.matmul(x, wx, out=out_x[start : start + len(c)])
        acc.add(x[vv[:, -1] == m])
    return RespondentSums(
        value=out_x,
        weight=out_v[:, :d],
        n_valid=out_v[:, d : 2 * d],
        n_satisfied=out_s[:, :d],
        valid_total=out_v[:, -1],
        satisfied_total=out_s[:, -1],
        offset=grid.offset,
        step=grid.step,
        cov=acc.covariance() * grid.step**2,
        n_complete=acc.count,
    )
