"""Rounding as published forms do it.

RULES.md §3: indicator scores are rounded to 2 decimals *half away from zero* (Chinese 四舍五入,
Oracle ``ROUND``).  Python's :func:`round` rounds half to even *and* works on the binary float
(``round(2.675, 2) == 2.67``), so it reproduces neither.  We round the decimal value the user
wrote: the float's shortest ``repr`` is converted to :class:`decimal.Decimal` and quantized.

Modes seen on published forms (for review, not defaults): ``half_up`` (default), ``down``
(truncate toward zero), ``floor``, ``ceiling``, ``half_even``.
"""

from __future__ import annotations

import math
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
)
from typing import Literal

import numpy as np

from .errors import ConfigError

__all__ = ["ROUNDING_MODES", "RoundingMode", "round_array", "round_half_up", "round_score"]

RoundingMode = Literal["half_up", "down", "floor", "ceiling", "half_even"]

ROUNDING_MODES: dict[str, str] = {
    "half_up": ROUND_HALF_UP,  # half away from zero for Decimal
    "down": ROUND_DOWN,
    "floor": ROUND_FLOOR,
    "ceiling": ROUND_CEILING,
    "half_even": ROUND_HALF_EVEN,
}


def round_score(x: float, decimals: int = 2, mode: str = "half_up") -> float:
    """Round ``x`` to ``decimals`` places with a named mode, on its decimal representation.

    Parameters
    ----------
    x : float
        Value to round.  NaN and infinities are returned unchanged.
    decimals : int
        Number of decimal places (0 for integers; negative rounds to tens, hundreds...).
    mode : {"half_up", "down", "floor", "ceiling", "half_even"}
        ``half_up`` is half away from zero (RULES.md §3 default).

    Returns
    -------
    float

    Notes
    -----
    The float is first written with 15 significant digits (Excel's precision), so that both a
    typed ``2.145`` (stored as 2.14499999...) and a computed ``112.6 / 120 * 15`` (stored as
    14.074999999999999, true value 14.075) round as the user reads them, as Excel's ``ROUND``
    and Oracle's decimal ``ROUND`` do: ``round_score(2.145) == 2.15``,
    ``round_score(0.125) == 0.13``, ``round_score(112.6 / 120 * 15) == 14.08``.

    Examples
    --------
    >>> round_score(2.145), round_score(0.125), round_score(-2.5, 0)
    (2.15, 0.13, -3.0)
    >>> round_score(7.99, 0, "down")
    7.0
    """
    if isinstance(x, bool) or not math.isfinite(x):
        return x
    try:
        rmode = ROUNDING_MODES[mode]
    except KeyError:
        raise ConfigError(
            f"未知的舍入方式 (rounding mode) {mode!r}",
            fix=f"可选：{', '.join(ROUNDING_MODES)}",
        ) from None
    if abs(x) >= 1e15:  # beyond float's decimal precision: nothing to round
        return float(x)
    q = Decimal(1).scaleb(-decimals)
    out = float(Decimal(format(float(x), ".15g")).quantize(q, rounding=rmode))
    return out + 0.0  # turn -0.0 into 0.0


def round_half_up(x: float, decimals: int = 2) -> float:
    """Round half away from zero (四舍五入) to ``decimals`` places; see :func:`round_score`."""
    return round_score(x, decimals, "half_up")


def round_array(x: np.ndarray, decimals: int = 2, mode: str = "half_up") -> np.ndarray:
    """:func:`round_score` over an array, with the same result for every element.

    Values at least 10⁻⁶ (in units of the last kept decimal) away from a rounding boundary are
    rounded in numpy: the 15-significant-digit reading :func:`round_score` uses moves them by
    less than 10⁻⁸ of that unit (|x|·10^decimals < 10⁶), so both round the same way, and
    n / 10^decimals is the double nearest to the decimal result, as ``float(Decimal)`` is.
    The others (near ties, large values, other modes, negative ``decimals``) go through
    :func:`round_score` itself, once per distinct value.

    >>> round_array(np.array([2.145, 7.244999999094375, -2.5, np.nan]))
    array([ 2.15,  7.24, -2.5 ,   nan])
    """
    shape = np.shape(x)
    arr = np.asarray(x, dtype=float).reshape(-1)  # 1-d inside (a 0-d array comes back 0-d)
    out = np.full(arr.shape, np.nan)
    slow = ~np.isfinite(arr)
    if mode in ("half_up", "down") and decimals >= 0:
        scale = 10.0**decimals
        y = np.abs(np.where(np.isfinite(arr), arr, 0.0)) * scale
        frac = y - np.floor(y)
        if mode == "half_up":
            near = np.abs(frac - 0.5) < 1e-6
            n = np.floor(y + 0.5)
        else:
            near = (frac < 1e-6) | (frac > 1 - 1e-6)
            n = np.floor(y)
        slow |= near | (y >= 1e6)
        out = np.copysign(n, arr) / scale + 0.0
    else:
        slow[:] = True
    idx = np.flatnonzero(slow & np.isfinite(arr))
    if idx.size:
        uniq, inv = np.unique(arr.flat[idx], return_inverse=True)
        done = np.array([round_score(float(u), decimals, mode) for u in uniq], dtype=float)
        out.flat[idx] = done[inv]
    out[~np.isfinite(arr)] = arr[~np.isfinite(arr)]
    return (out + 0.0).reshape(shape)
