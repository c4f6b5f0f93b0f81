"""Group AHP: combine several experts' judgements (专家群决策).

``aij`` (aggregation of individual judgements)
    Element-wise weighted geometric mean of the experts' matrices, then AHP on the result
    (Aczél & Saaty 1983; the geometric mean is the only aggregation that keeps reciprocity).
``aip`` (aggregation of individual priorities)
    Weighted geometric mean of the experts' priority vectors, normalised (Forman & Peniwati
    1998, EJOR 108, 165-169).

Each expert's CR is reported; inconsistent experts (CR ≥ threshold) may be excluded.
Consensus is measured two ways:

- per expert, the geometric compatibility index of their judgements with the group priorities
  (Aguarón & Moreno-Jiménez 2003, EJOR 147, 137-145):
  GCOMPI_k = Σ_{i<j} (ln a^k_ij − ln w_i + ln w_j)² · 2 / ((n−1)(n−2)), 0 = full agreement;
- overall, Kendall's W of the experts' priority rankings (0 = none, 1 = full agreement) with
  its chi-square test (:func:`evallib.weighting.delphi.kendall_w`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InconsistentJudgementError, Problem
from .ahp import DEFAULT_RI, AHPResult, Method, ahp
from .delphi import KendallResult, kendall_w

__all__ = ["GroupAHPResult", "group_ahp"]


@dataclass(frozen=True)
class GroupAHPResult:
    """Result of :func:`group_ahp`.

    Attributes
    ----------
    weights : Series
        Group priorities (sum 1).
    aggregate : {"aij", "aip"}
    experts : DataFrame
        One row per expert: cr, consistent, included, weight, gcompi.
    individual : dict of str -> AHPResult
    combined : AHPResult or None
        For AIJ: AHP of the aggregated matrix (its CR is the group matrix's CR).
    consensus : KendallResult or None
        Kendall's W over the included experts' priorities (None with fewer than 2 experts).
    """

    weights: pd.Series
    aggregate: str
    experts: pd.DataFrame
    individual: dict[str, AHPResult]
    combined: AHPResult | None
    consensus: KendallResult | None

    @property
    def cr(self) -> float | None:
        return None if self.combined is None else self.combined.cr


def _gcompi(a: np.ndarray, w: np.ndarray) -> float:
    n = len(a)
    if n <= 2:
        return 0.0
    lw = np.log(w)
    dev = np.log(a) - (lw[:, None] - lw[None, :])
    iu = np.triu_indices(n, 1)
    return float(2 * (dev[iu] ** 2).sum() / ((n - 1) * (n - 2)))


def group_ahp(
    matrices: Mapping[str, Any] | Sequence[Any],
    *,
    aggregate: str = "aij",
    method: Method = "eigen",
    expert_weights: Mapping[str, float] | Sequence[float] | None = None,
    exclude_inconsistent: bool = False,
    threshold: float = 0.10,
    ri_table: str = DEFAULT_RI,
    labels: Sequence[str] | None = None,
    where: Mapping[str, Any] | None = None,
) -> GroupAHPResult:
    """Aggregate several experts' pairwise comparison matrices.

    Parameters
    ----------
    matrices : mapping of expert name -> matrix, or a sequence of matrices
    aggregate : {"aij", "aip"}
    expert_weights : optional
        Relative weight of each expert (renormalised over the included experts).
    exclude_inconsistent : bool
        Drop experts whose CR ≥ ``threshold`` before aggregating.

    Raises
    ------
    InconsistentJudgementError
        A matrix is invalid (with the expert named), or every expert is excluded.
    """
    if not isinstance(matrices, Mapping):
        matrices = {f"专家{i}": m for i, m in enumerate(matrices, 1)}
    names = list(matrices)
    if not names:
        raise InconsistentJudgementError(
            "没有专家判断矩阵 (no expert matrices)", **dict(where or {})
        )
    if aggregate not in ("aij", "aip"):
        raise InconsistentJudgementError(
            f"未知的群决策集结方式 (aggregate) {aggregate!r}", fix="可选：aij、aip"
        )
    if expert_weights is None:
        ew = dict.fromkeys(names, 1.0)
    elif isinstance(expert_weights, Mapping):
        ew = {k: float(expert_weights.get(k, 0.0)) for k in names}
    else:
        ew = dict(zip(names, map(float, expert_weights), strict=True))
    probs: list[Problem] = []
    individual: dict[str, AHPResult] = {}
    for name in names:
        loc = {**dict(where or {}), "sheet": (where or {}).get("sheet") or name}
        try:
            individual[name] = ahp(matrices[name], method, labels=labels, ri_table=ri_table,
                                   threshold=threshold, where=loc)  # fmt: skip
        except InconsistentJudgementError as exc:
            probs.extend(exc.problems)
    if probs:
        raise InconsistentJudgementError(problems=probs)
    lab = list(next(iter(individual.values())).weights.index)
    for name, r in individual.items():
        if list(r.weights.index) != lab:
            raise InconsistentJudgementError(
                f"专家 {name} 的指标 {list(r.weights.index)} 与其他专家 {lab} 不一致", sheet=name
            )
    included = [
        k for k in names if ew[k] > 0 and (individual[k].consistent or not exclude_inconsistent)
    ]
    if not included:
        crs = "、".join(f"{k}: CR={individual[k].cr:.3f}" for k in names)
        raise InconsistentJudgementError(
            f"所有专家的判断矩阵均未通过一致性检验 (CR ≥ {threshold})：{crs}",
            fix="请专家按诊断建议修改判断，或不排除不一致专家",
        )
    lam = np.array([ew[k] for k in included])
    lam = lam / lam.sum()
    combined = None
    if aggregate == "aij":
        logs = np.stack([np.log(individual[k].matrix.to_numpy()) for k in included])
        agg = np.exp(np.tensordot(lam, logs, axes=1))
        combined = ahp(agg, method, labels=lab, ri_table=ri_table, threshold=threshold,
                       scale=False)  # fmt: skip
        w = combined.weights.to_numpy()
    else:
        logs = np.stack([np.log(individual[k].weights.to_numpy()) for k in included])
        g = np.exp(lam @ logs)
        w = g / g.sum()
    weights = pd.Series(w, index=lab, name="weight")
    rows = []
    for k in names:
        r = individual[k]
        rows.append({
            "expert": k, "cr": r.cr, "consistent": r.consistent, "included": k in included,
            "weight": float(lam[included.index(k)]) if k in included else 0.0,
            "gcompi": _gcompi(r.matrix.to_numpy(), w),
        })  # fmt: skip
    consensus = None
    if len(included) >= 2 and len(lab) >= 2:
        ratings = pd.DataFrame({k: individual[k].weights for k in included})
        consensus = kendall_w(ratings.T)
    return GroupAHPResult(
        weights=weights,
        aggregate=aggregate,
        experts=pd.DataFrame(rows).set_index("expert"),
        individual=individual,
        combined=combined,
        consensus=consensus,
    )
