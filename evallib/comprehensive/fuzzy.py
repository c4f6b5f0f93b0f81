"""Fuzzy comprehensive evaluation (模糊综合评价).

汪培庄《模糊集合论及其应用》(上海科学技术出版社, 1983); 李洪兴、汪群、段钦治、汪培庄《工程模糊
数学方法及应用》(天津科学技术出版社, 1993).  Factors U = {u₁…uₙ} with weights A (ΣA = 1), comment
levels V = {v₁…vₘ} (e.g. 很满意…很不满意), membership matrix R (r_ij = membership of factor i in
level j, each row usually the share of respondents choosing each level).  B = A ∘ R with one of the
four classic operators:

=========  ================================  ==========================================
operator   b_j                               character
=========  ================================  ==========================================
M(∧,∨)     max_i min(a_i, r_ij)              main factor decides (主因素决定型)
M(·,∨)     max_i a_i · r_ij                  main factor prominent (主因素突出型)
M(∧,⊕)     min(1, Σ_i min(a_i, r_ij))        bounded sum of minima
M(·,⊕)     min(1, Σ_i a_i · r_ij)            weighted average (加权平均型, the default)
=========  ================================  ==========================================

B is normalised to B' = B / ΣB.  Verdicts: maximum membership (最大隶属度原则: the level with the
largest b'_j; two levels tied → no verdict, stated) and the weighted score S = Σ_j b'_j s_j when a
score per level is given (e.g. 100/80/60/40).  Multi-level evaluation (多级模糊综合评价): each group
of factors is evaluated first; the groups' B' form the rows of the next level's R.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputDataError, Problem
from ..normalization import as_frame, numeric_matrix
from .matrix import check_weights

__all__ = ["OPERATORS", "FuzzyResult", "fuzzy_evaluate", "fuzzy_evaluate_levels"]

_Op = Callable[[np.ndarray, np.ndarray], np.ndarray]
OPERATORS: dict[str, _Op] = {
    "M(∧,∨)": lambda a, r: np.minimum(a[:, None], r).max(axis=0),
    "M(·,∨)": lambda a, r: (a[:, None] * r).max(axis=0),
    "M(∧,⊕)": lambda a, r: np.minimum(1.0, np.minimum(a[:, None], r).sum(axis=0)),
    "M(·,⊕)": lambda a, r: np.minimum(1.0, a @ r),
}
_ALIASES = {
    "M(^,v)": "M(∧,∨)",
    "M(*,v)": "M(·,∨)",
    "M(^,+)": "M(∧,⊕)",
    "M(*,+)": "M(·,⊕)",
    "zadeh": "M(∧,∨)",
    "weighted_average": "M(·,⊕)",
    "加权平均": "M(·,⊕)",
}
ROW_TOL = 1e-3


@dataclass(frozen=True)
class FuzzyResult:
    """Result of :func:`fuzzy_evaluate`.

    Attributes
    ----------
    b : Series
        B = A ∘ R per level (before normalisation).
    b_normalized : Series
        B' = B / ΣB.
    verdict : str or None
        Level with the largest membership (None when two levels tie for it).
    score : float or None
        Σ b'_j s_j when level scores were given.
    operator : str
    membership : DataFrame
        R as used (rows = factors or groups, columns = levels).
    weights : Series
    children : dict of str -> FuzzyResult
        First-level results in a multi-level evaluation.
    """

    b: pd.Series
    b_normalized: pd.Series
    verdict: str | None
    score: float | None
    operator: str
    membership: pd.DataFrame
    weights: pd.Series
    children: dict[str, FuzzyResult] = field(default_factory=dict)

    def table_zh(self) -> pd.DataFrame:
        """One row per evaluated object (groups first, then the whole) with B' and verdicts."""
        rows = [(k, c) for k, c in self.children.items()] + [("综合", self)]
        out = []
        for name, r in rows:
            d: dict[str, Any] = {"评价对象": name}
            d.update({str(k): float(v) for k, v in r.b_normalized.items()})
            d["最大隶属度评语"] = r.verdict or "无法判定（并列）"
            if r.score is not None:
                d["综合得分"] = r.score
            out.append(d)
        return pd.DataFrame(out)

    def summary_zh(self) -> str:
        """A paragraph for the report (Chinese)."""
        b = "、".join(f"{k} {v:.2%}" for k, v in self.b_normalized.items())
        verdict = (
            f"按最大隶属度原则，综合评价结果为「{self.verdict}」"
            if self.verdict
            else "有两个评语的隶属度并列最高，最大隶属度原则无法给出结论"
        )
        score = (
            f"；按各评语分值加权，综合得分 {self.score:.2f} 分" if self.score is not None else ""
        )
        levels = f"{len(self.children)} 个因素组两级" if self.children else "单级"
        return (
            f"采用{levels}模糊综合评价，合成算子 {self.operator}。综合隶属度为：{b}。"
            f"{verdict}{score}。"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "operator": self.operator,
            "b": {str(k): float(v) for k, v in self.b.items()},
            "b_normalized": {str(k): float(v) for k, v in self.b_normalized.items()},
            "verdict": self.verdict,
            "score": self.score,
            "weights": {str(k): float(v) for k, v in self.weights.items()},
            "children": {k: c.to_dict() for k, c in self.children.items()},
        }


def _operator(name: str) -> str:
    key = _ALIASES.get(name.strip(), name.strip()) if isinstance(name, str) else name
    if key not in OPERATORS:
        raise ConfigError(
            f"未知的模糊合成算子 (operator) {name!r}",
            value=name,
            fix="可选：" + "、".join(OPERATORS),
        )
    return key


def _membership(membership: Any, check_rows: bool) -> pd.DataFrame:
    df, is_frame = as_frame(membership)
    r = numeric_matrix(df, min_rows=1, what="模糊综合评价")
    probs = [
        Problem(
            "隶属度应在 0 与 1 之间",
            row=int(i) + 2,
            column=str(df.columns[j]),
            value=float(r[i, j]),
            fix="隶属度为 0–1 的比例（如 0.35 表示 35%）",
        )
        for i, j in zip(*np.where((r < 0) | (r > 1)), strict=True)
    ]
    if check_rows and not probs:
        for i, s in enumerate(r.sum(axis=1)):
            if abs(s - 1) > ROW_TOL:
                probs.append(
                    Problem(
                        f"隶属度行之和应为 1，实际为 {s:.6g}",
                        row=i + 2,
                        column=str(df.index[i]),
                        value=float(s),
                        fix="每行为各评语所占比例，合计 1；一般模糊关系请设 check_rows=False",
                    )
                )
    if probs:
        raise InputDataError(problems=probs)
    if not is_frame:
        return pd.DataFrame(
            r,
            index=[f"因素{i + 1}" for i in range(r.shape[0])],
            columns=[f"评语{j + 1}" for j in range(r.shape[1])],
        )
    return pd.DataFrame(r, index=[str(i) for i in df.index], columns=[str(c) for c in df.columns])


def _verdict(bn: np.ndarray, levels: list[str]) -> str | None:
    top = np.flatnonzero(np.isclose(bn, bn.max(), rtol=0, atol=1e-12))
    return levels[int(top[0])] if len(top) == 1 else None


def _score(bn: np.ndarray, scores: Any, levels: list[str]) -> float | None:
    if scores is None:
        return None
    if isinstance(scores, Mapping):
        missing = [lv for lv in levels if lv not in scores]
        if missing:
            raise ConfigError(f"评语分值缺少 {missing}", value=missing, fix="为每个评语给出分值")
        s = np.array([float(scores[lv]) for lv in levels])
    else:
        s = np.asarray(scores, dtype=float).ravel()
    if s.shape != bn.shape or not np.isfinite(s).all():
        raise ConfigError(f"评语分值应为 {len(levels)} 个数值", value=list(np.ravel(scores)))
    return float(bn @ s)


def fuzzy_evaluate(
    weights: Any,
    membership: Any,
    operator: str = "M(·,⊕)",
    *,
    scores: Sequence[float] | Mapping[str, float] | None = None,
    check_rows: bool = True,
) -> FuzzyResult:
    """One-level fuzzy comprehensive evaluation B = A ∘ R.

    Parameters
    ----------
    weights : sequence, mapping or Series
        A, one weight per factor (row of R), summing to 1.
    membership : DataFrame or 2-D array
        R, rows = factors, columns = comment levels, values in [0, 1].
    operator : {"M(∧,∨)", "M(·,∨)", "M(∧,⊕)", "M(·,⊕)"}
        Composition operator (ASCII aliases "M(^,v)", "M(*,v)", "M(^,+)", "M(*,+)").
    scores : optional
        Score of each level for the weighted-score verdict.
    check_rows : bool
        Require each row of R to sum to 1 (shares of respondents); False for general relations.

    Examples
    --------
    >>> R = [[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]]
    >>> r = fuzzy_evaluate([0.4, 0.6], R, scores=[90, 75, 60])
    >>> r.b.round(2).tolist(), r.verdict, f"{r.score:.1f}"
    ([0.44, 0.38, 0.18], '评语1', '78.9')
    """
    op = _operator(operator)
    r = _membership(membership, check_rows)
    a = check_weights(weights, list(r.index), what="因素")
    b = OPERATORS[op](a, r.to_numpy())
    total = float(b.sum())
    if total <= 0:
        raise InputDataError("合成结果 B 全为 0，无法归一化", fix="检查隶属度矩阵与权重")
    bn = b / total
    levels = list(r.columns)
    return FuzzyResult(
        b=pd.Series(b, index=levels, name="b"),
        b_normalized=pd.Series(bn, index=levels, name="b_normalized"),
        verdict=_verdict(bn, levels),
        score=_score(bn, scores, levels),
        operator=op,
        membership=r,
        weights=pd.Series(a, index=r.index, name="weight"),
    )


def fuzzy_evaluate_levels(
    weights: Any,
    groups: Mapping[str, tuple[Any, Any]],
    operator: str = "M(·,⊕)",
    *,
    scores: Sequence[float] | Mapping[str, float] | None = None,
    check_rows: bool = True,
) -> FuzzyResult:
    """Two-level evaluation: each group ``name -> (weights, membership)`` is evaluated, its B'
    becomes one row of the top-level R, weighted by ``weights`` (one per group)."""
    if not groups:
        raise ConfigError("多级模糊综合评价至少需要一个因素组")
    children = {
        str(k): fuzzy_evaluate(w, r, operator, scores=scores, check_rows=check_rows)
        for k, (w, r) in groups.items()
    }
    levels = [list(c.b.index) for c in children.values()]
    if any(lv != levels[0] for lv in levels):
        raise ConfigError("各因素组的评语集不一致", value=levels, fix="所有组使用相同的评语等级")
    top = pd.DataFrame([c.b_normalized for c in children.values()], index=list(children))
    res = fuzzy_evaluate(weights, top, operator, scores=scores, check_rows=True)
    return FuzzyResult(
        res.b,
        res.b_normalized,
        res.verdict,
        res.score,
        res.operator,
        res.membership,
        res.weights,
        children,
    )
