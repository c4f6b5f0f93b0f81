"""Interval estimates and sample size for survey figures (RULES.md §8).

Finite population correction (FPC): with population N and sample n, the variance of a mean or
proportion is multiplied by (N − n) / (N − 1).  For the Wilson interval this is applied through
the effective sample size n* = n (N − 1) / (N − n) (a census, n = N, has no sampling error).

- Wilson score interval (Wilson 1927), checked against statsmodels' ``proportion_confint``.
- t interval for a mean.
- Cochran's sample size n₀ = z² p (1 − p) / e² with FPC n = n₀ / (1 + (n₀ − 1) / N), rounded
  up; checked against Krejcie & Morgan (1970), Table 1.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special  # the quantile functions alone: scipy.stats costs 0.5 s more to import

__all__ = ["margin_of_error", "required_sample_size", "t_interval", "wilson_interval"]


def _z(confidence: float) -> float:
    return float(special.ndtri(0.5 + confidence / 2))  # = scipy.stats.norm.ppf


def _n_eff(n: np.ndarray, population: float | None) -> np.ndarray:
    n = np.asarray(n, dtype=float)
    if population is None:
        return n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n >= population, np.inf, n * (population - 1) / (population - n))


def wilson_interval(
    successes: np.ndarray | float,
    n: np.ndarray | float,
    confidence: float = 0.95,
    population: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion, with optional FPC.

    Returns ``(low, high)`` as proportions (NaN where n = 0).

    >>> from evallib.rounding import round_half_up
    >>> [round_half_up(float(x), 4) for x in wilson_interval(81, 100)]
    [0.7222, 0.8749]
    """
    x = np.asarray(successes, dtype=float)
    nn = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / nn
        ne = _n_eff(nn, population)
        z = _z(confidence)
        z2 = z * z
        denom = 1 + z2 / ne
        center = (p + z2 / (2 * ne)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / ne + z2 / (4 * ne * ne))
        low = np.where(nn > 0, np.clip(center - half, 0, 1), np.nan)
        high = np.where(nn > 0, np.clip(center + half, 0, 1), np.nan)
    return low, high


def t_interval(
    mean: np.ndarray | float,
    sd: np.ndarray | float,
    n: np.ndarray | float,
    confidence: float = 0.95,
    population: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """t interval for a mean, with optional FPC; NaN where n < 2."""
    m = np.asarray(mean, dtype=float)
    s = np.asarray(sd, dtype=float)
    nn = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        tq = special.stdtrit(np.maximum(nn - 1, 1), 0.5 + confidence / 2)  # = stats.t.ppf
        fpc = (
            1.0
            if population is None
            else np.sqrt(np.clip((population - nn) / (population - 1), 0, 1))
        )
        half = tq * s / np.sqrt(nn) * fpc
        ok = nn >= 2
        return np.where(ok, m - half, np.nan), np.where(ok, m + half, np.nan)


def margin_of_error(
    n: int, population: int | None = None, confidence: float = 0.95, p: float = 0.5
) -> float:
    """Half-width of the normal interval for a proportion p from n responses (with FPC)."""
    if n <= 0:
        return float("nan")
    fpc = 1.0 if population is None else math.sqrt(max(population - n, 0) / (population - 1))
    return _z(confidence) * math.sqrt(p * (1 - p) / n) * fpc


def required_sample_size(
    population: int | None, margin: float = 0.05, confidence: float = 0.95, p: float = 0.5
) -> int:
    """Cochran's sample size with finite population correction, rounded up.

    >>> required_sample_size(1000), required_sample_size(None)
    (278, 385)
    """
    n0 = _z(confidence) ** 2 * p * (1 - p) / margin**2
    if population is None:
        return math.ceil(n0 - 1e-9)
    return math.ceil(n0 / (1 + (n0 - 1) / population) - 1e-9)
