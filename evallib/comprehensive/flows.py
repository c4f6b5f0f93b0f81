"""Combined flows evaluators run: entropy-weighted TOPSIS, subjective + objective weights, and
membership matrices built from questionnaire answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputDataError, Problem
from ..weighting.objective import combine, critic, entropy
from .fuzzy import FuzzyResult, fuzzy_evaluate_levels
from .matrix import check_weights, decision_matrix
from .topsis import TopsisResult, topsis

__all__ = [
    "combined_weights",
    "entropy_topsis",
    "membership_from_answers",
    "objective_weights",
    "survey_fuzzy",
]


def objective_weights(
    matrix: Any, benefit: Any = None, *, method: str = "entropy", normalization: str = "minmax"
) -> pd.Series:
    """Entropy or CRITIC weights of the criteria of ``matrix`` (a Series summing to 1)."""
    m = decision_matrix(matrix, benefit)
    frame = m.frame()
    if method == "entropy":
        w = entropy(frame, m.directions, normalization)  # type: ignore[arg-type]
    elif method == "critic":
        w = critic(frame, m.directions, normalization)  # type: ignore[arg-type]
    else:
        raise ConfigError(
            f"未知的客观赋权方法 {method!r}", value=method, fix="可选：entropy（熵权法）、critic"
        )
    return pd.Series(np.asarray(w, dtype=float), index=m.columns, name="weight")


def combined_weights(
    subjective: Any,
    matrix: Any,
    benefit: Any = None,
    *,
    objective: str = "entropy",
    method: str = "linear",
    alpha: float = 0.5,
) -> pd.Series:
    """Subjective weights (e.g. AHP) combined with objective weights of ``matrix``:
    α·s + (1 − α)·o (``linear``) or s·o / Σs·o (``multiplicative``); see
    :func:`evallib.weighting.combine`."""
    o = objective_weights(matrix, benefit, method=objective)
    s = pd.Series(check_weights(subjective, list(o.index)), index=o.index)
    return combine(s, o, method=method, alpha=alpha)  # type: ignore[arg-type,return-value]


def entropy_topsis(
    matrix: Any,
    benefit: Any = None,
    *,
    normalize_method: str = "vector",
    weight_normalization: str = "minmax",
) -> TopsisResult:
    """熵权TOPSIS: entropy weights of the matrix (``weight_normalization``), then TOPSIS."""
    w = objective_weights(matrix, benefit, normalization=weight_normalization)
    return topsis(matrix, w, benefit, normalize_method=normalize_method)


def membership_from_answers(
    answers: pd.DataFrame, levels: Sequence[Any], *, names: Sequence[str] | None = None
) -> pd.DataFrame:
    """Membership matrix R from questionnaire answers: for each item (column), the share of
    valid answers at each level (rows = items, columns = levels, rows sum to 1).

    Blank answers are left out of the shares; an answer that is not one of ``levels`` is an
    error naming the column and the value.
    """
    if not isinstance(answers, pd.DataFrame) or answers.shape[1] == 0:
        raise InputDataError("答卷应为表格，每列一个题目", fix="传入 DataFrame")
    lv = list(levels)
    if len(lv) < 2 or len(set(map(str, lv))) != len(lv):
        raise ConfigError("评语等级应至少 2 个且不重复", value=lv)
    rows, probs = [], []
    for col in answers.columns:
        s = answers[col].dropna()
        s = s[s.astype(str).str.strip() != ""]
        key = s.map(lambda v: str(v).strip())
        bad = sorted(set(key) - {str(x) for x in lv})
        if bad:
            probs.append(
                Problem("答案不在评语等级中", column=str(col), value=bad[:5], fix=f"评语等级：{lv}")
            )
            continue
        if s.empty:
            probs.append(Problem("该题没有有效答案", column=str(col), fix="删除该题或补充答卷"))
            continue
        counts = key.value_counts()
        rows.append([counts.get(str(x), 0) / len(s) for x in lv])
    if probs:
        raise InputDataError(problems=probs)
    index = list(names) if names is not None else [str(c) for c in answers.columns]
    return pd.DataFrame(rows, index=index, columns=[str(x) for x in lv])


def survey_fuzzy(data: Any, cleaning: Any = None, operator: str = "M(·,⊕)") -> FuzzyResult:
    """Two-level fuzzy comprehensive evaluation of a satisfaction survey.

    Membership of each item = share of its valid answers at each scale level (reverse items
    mirrored; 不了解 and blanks left out); items are weighted by their ``weight`` within their
    dimension, dimensions by theirs (a single group "总体" when the spec has no dimensions);
    level scores are the scale's points, so ``score`` is on the survey's 100-point scale.

    Parameters
    ----------
    data : evallib.survey.SurveyData
    cleaning : evallib.survey.CleaningResult, optional
        Default: the spec's quality rules.
    operator : str
        Composition operator (see :data:`OPERATORS`).
    """
    from ..survey.frames import respondent_frame

    spec = data.spec
    labels = respondent_frame(data, cleaning, kind="labels", oriented=True)
    levels = [lv.label for lv in spec.scale]
    items = [it for it in spec.items if it.importance_of is None]
    dims = [d.name for d in spec.dimensions] or ["总体"]
    loose = [it.code for it in items if spec.dimensions and it.dimension not in dims]
    if loose:
        raise ConfigError(
            "模糊综合评价需要每个满意度题目归入一个维度",
            value=loose,
            fix="在问卷说明中为这些题目填写 dimension",
        )
    groups: dict[str, tuple[Any, Any]] = {}
    for d in dims:
        its = [it for it in items if not spec.dimensions or it.dimension == d]
        if not its:
            continue
        w = np.array([it.weight for it in its], dtype=float)
        names = [it.sub or it.text or it.code for it in its]
        r = membership_from_answers(
            labels[[it.code for it in its]].astype(object), levels, names=names
        )
        groups[d] = (w / w.sum(), r)
    dw = {d.name: d.weight for d in spec.dimensions} or {"总体": 1.0}
    top = np.array([dw[d] for d in groups], dtype=float)
    scores = [lv.points for lv in spec.scale]
    return fuzzy_evaluate_levels(top / top.sum(), groups, operator, scores=scores)
