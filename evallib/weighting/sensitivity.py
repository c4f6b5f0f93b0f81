"""How robust is a grade to the weights?  A seeded Monte Carlo of totals and grades.

Each indicator keeps its achievement ratio r_i = 得分_i / 分值_i; only the weights move.  For
each draw the leaf 分值 are perturbed and the total recomputed as Σ r_i · p_i, graded with the
result's scale, and capped by the caps whose conditions held in the evaluation (a veto fixes
the grade).  Weight uncertainty comes either from a relative spread (each 分值 × U(1−x, 1+x),
renormalised to the total) or from explicit samples, e.g. bootstrap resamples of the expert
panel (:func:`evallib.weighting.workbook.bootstrap_leaf_points`).

The seed and the number of draws are recorded in the result; the same seed gives the same
numbers.  Totals are not rounded inside the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..results import EvaluationResult

__all__ = ["SensitivityResult", "sensitivity"]


@dataclass(frozen=True)
class SensitivityResult:
    """Probability of each grade and the distribution of the total.

    Attributes
    ----------
    probabilities : Series
        Grade label (and "未定级" if any) → share of draws, in the scale's order.
    total_mean, total_low, total_high : float
        Mean and central interval of the simulated totals.
    baseline_total, baseline_grade
        The evaluation's own values.
    stability : float
        Share of draws giving the baseline grade.
    n, seed : int
    method : str
        ``spread±x`` or ``samples``.
    level : float
        Interval coverage (default 0.95).
    """

    probabilities: pd.Series
    total_mean: float
    total_low: float
    total_high: float
    baseline_total: float
    baseline_grade: str | None
    stability: float
    n: int
    seed: int
    method: str
    level: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "probabilities": {str(k): float(v) for k, v in self.probabilities.items()},
            "total_mean": self.total_mean, "total_low": self.total_low,
            "total_high": self.total_high, "baseline_total": self.baseline_total,
            "baseline_grade": self.baseline_grade, "stability": self.stability, "n": self.n,
            "seed": self.seed, "method": self.method, "level": self.level,
        }  # fmt: skip

    def summary_zh(self) -> str:
        """One Chinese sentence for the report."""
        p = self.probabilities.get(self.baseline_grade, 0.0) if self.baseline_grade else 0.0
        return (
            f"在权重扰动（{self.method}，{self.n} 次模拟，随机种子 {self.seed}）下，总分的 "
            f"{self.level:.0%} 区间为 {self.total_low:.2f}–{self.total_high:.2f}，"
            f"维持「{self.baseline_grade or '未定级'}」等级的概率为 {p:.1%}。"
        )


def sensitivity(
    result: EvaluationResult,
    *,
    spread: float | None = 0.10,
    weight_samples: Any = None,
    n: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> SensitivityResult:
    """Monte Carlo of the total and grade under weight uncertainty.

    Parameters
    ----------
    result : EvaluationResult
    spread : float, optional
        Relative perturbation of each leaf 分值 (0.10 = ±10 %), used when ``weight_samples``
        is None.
    weight_samples : DataFrame or array, optional
        Draws of leaf 分值 (or weights, rescaled to the total): rows = draws, columns = leaf
        codes (DataFrame) or leaves in result order (array).
    n, seed : int
        Number of draws (spread mode) and random seed (recorded).
    """
    ind = result.indicators
    codes = ind["code"].tolist()
    pts = ind["points"].to_numpy(dtype=float)
    ratio = np.divide(ind["score"].to_numpy(dtype=float), pts, out=np.zeros_like(pts),
                      where=pts > 0)  # fmt: skip
    total_points = float(pts.sum())
    rng = np.random.default_rng(seed)
    if weight_samples is not None:
        if isinstance(weight_samples, pd.DataFrame):
            missing = set(codes) - set(map(str, weight_samples.columns))
            if missing:
                raise ConfigError(f"权重样本缺少指标：{', '.join(sorted(missing))}")
            draws = weight_samples[codes].to_numpy(dtype=float)
        else:
            draws = np.asarray(weight_samples, dtype=float)
        if draws.ndim != 2 or draws.shape[1] != len(codes):
            raise ConfigError(f"权重样本应为 (次数 × {len(codes)}) 的矩阵，实际 {draws.shape}")
        method = "samples"
    else:
        if spread is None or not 0 <= spread < 1:
            raise ConfigError(f"spread 应在 [0, 1) 内，实际 {spread}")
        draws = pts * rng.uniform(1 - spread, 1 + spread, size=(n, len(pts)))
        method = f"spread±{spread:.0%}"
    draws = draws / draws.sum(axis=1, keepdims=True) * total_points
    totals = draws @ ratio
    scale = result.grade_scale
    ceiling = result.grade_ceiling
    veto = result.vetoes_applied[-1]["grade_after"] if result.vetoes_applied else None
    labels = []
    for t in totals:
        if veto is not None:
            labels.append(veto)
            continue
        g = scale.assign(float(t)) if scale.unmatched == "none" else _assign(scale, float(t))
        if g is not None and ceiling is not None and scale.rank(g) < scale.rank(ceiling):
            g = ceiling
        labels.append(g or "未定级")
    counts = pd.Series(labels).value_counts(normalize=True)
    order = [*scale.labels, "未定级"]
    probs = pd.Series({k: float(counts.get(k, 0.0)) for k in order if k in counts.index or
                       k in scale.labels}, name="probability")  # fmt: skip
    tail = (1 - level) / 2
    return SensitivityResult(
        probabilities=probs,
        total_mean=float(totals.mean()),
        total_low=float(np.quantile(totals, tail)),
        total_high=float(np.quantile(totals, 1 - tail)),
        baseline_total=result.total,
        baseline_grade=result.grade,
        stability=float(counts.get(result.grade, 0.0)) if result.grade else 0.0,
        n=len(totals),
        seed=seed,
        method=method,
        level=level,
    )


def _assign(scale: Any, total: float) -> str | None:
    from ..errors import GradeError

    try:
        return scale.assign(total)
    except GradeError:
        return None
