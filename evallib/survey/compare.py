"""Group comparisons of item scores (差异分析): do 满意度 scores differ between groups of
respondents (town, age band, user type)?

Two groups: Student's t (equal variances) and Welch's t (scipy.stats.ttest_ind), with Cohen's d
(pooled SD) and Levene's test (scipy.stats.levene, centre = mean, as SPSS) telling which t to
read.  More groups: one-way ANOVA (scipy.stats.f_oneway) with η² = SS_between / SS_total and
ω² = (SS_b − (k − 1)·MS_w) / (SS_t + MS_w); Welch's ANOVA (statsmodels anova_oneway,
use_var="unequal").  Always: Kruskal–Wallis H (scipy.stats.kruskal) with
ε² = H / ((n² − 1)/(n + 1)) (Tomczak & Tomczak 2014).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ConfigError, InputDataError
from ..present import fmt_p

__all__ = ["GroupComparison", "compare_groups"]


@dataclass(frozen=True)
class GroupComparison:
    """Result of :func:`compare_groups`: one row per item in ``table``.

    Columns: ``item``, ``groups`` (k), ``n``, ``means`` (dict group → mean), ``levene_p``,
    and per test statistic and p — ``t``/``p_t``/``welch_t``/``p_welch``/``cohens_d`` (two
    groups) or ``f``/``p_anova``/``welch_f``/``p_welch``/``eta2``/``omega2`` (more), and
    ``h``/``p_kruskal``/``epsilon2`` always; ``recommended`` names the test to read.
    """

    table: pd.DataFrame
    group: str
    names: dict[str, str] = field(default_factory=dict)

    def table_zh(self) -> pd.DataFrame:
        """One row per item: its name, the mean of each group (one column per group), the test to
        read (Levene decides), its p (<0.001 style), effect size, Kruskal–Wallis p, verdict."""
        rows = []
        for _, r in self.table.iterrows():
            rec = r["recommended"]
            p = r[
                {"t": "p_t", "welch": "p_welch", "anova": "p_anova", "welch_anova": "p_welch"}[rec]
            ]
            name = {
                "t": "t 检验",
                "welch": "Welch t 检验",
                "anova": "方差分析",
                "welch_anova": "Welch 方差分析",
            }[rec]
            eff = f"d = {r['cohens_d']:.3f}" if r["groups"] == 2 else f"η² = {r['eta2']:.3f}"
            means = {f"{g}均分": m for g, m in r["means"].items()}
            rows.append(
                {
                    "题目": self.names.get(r["item"], r["item"]),
                    **means,
                    "检验方法": name,
                    "p 值": fmt_p(p),
                    "效应量": eff,
                    "Kruskal-Wallis p": fmt_p(r["p_kruskal"]),
                    "结论": "显著" if p < 0.05 else "不显著",
                }
            )
        return pd.DataFrame(rows)


def _levels(s: pd.Series) -> list[Any]:
    """Group levels present in ``s``: category order for categoricals, else sorted."""
    present = set(s.unique())
    if isinstance(s.dtype, pd.CategoricalDtype):
        return [c for c in s.cat.categories if c in present]
    return sorted(present, key=str)


def _excel_row(label: Any) -> int | None:
    return int(label) + 2 if isinstance(label, int | np.integer) else None


def _effects(groups: list[np.ndarray]) -> dict[str, float]:
    allv = np.concatenate(groups)
    n, k = len(allv), len(groups)
    ss_t = float(((allv - allv.mean()) ** 2).sum())
    ss_b = float(sum(len(g) * (g.mean() - allv.mean()) ** 2 for g in groups))
    ms_w = (ss_t - ss_b) / (n - k)
    eta2 = ss_b / ss_t if ss_t > 0 else 0.0
    omega2 = (ss_b - (k - 1) * ms_w) / (ss_t + ms_w) if ss_t > 0 else 0.0
    return {"eta2": eta2, "omega2": omega2}


def _one_item(item: str, groups: dict[Any, np.ndarray]) -> dict[str, Any]:
    from statsmodels.stats.oneway import anova_oneway

    vals = list(groups.values())
    n = int(sum(len(v) for v in vals))
    row: dict[str, Any] = {
        "item": item,
        "groups": len(vals),
        "n": n,
        "means": {str(g): float(v.mean()) for g, v in groups.items()},
    }
    with warnings.catch_warnings():  # no spread inside any group: Levene is undefined (NaN)
        warnings.simplefilter("ignore", RuntimeWarning)
        row["levene_p"] = float(stats.levene(*vals, center="mean").pvalue)
    equal = bool(row["levene_p"] >= 0.05)  # NaN → read the Welch test
    if len(vals) == 2:
        a, b = vals
        t = stats.ttest_ind(a, b, equal_var=True)
        w = stats.ttest_ind(a, b, equal_var=False)
        sp = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (n - 2))
        row.update(
            {
                "t": float(t.statistic),
                "p_t": float(t.pvalue),
                "welch_t": float(w.statistic),
                "p_welch": float(w.pvalue),
                "cohens_d": float((a.mean() - b.mean()) / sp) if sp > 0 else 0.0,
                "recommended": "t" if equal else "welch",
            }
        )
    else:
        f = stats.f_oneway(*vals)
        wf = anova_oneway(vals, use_var="unequal")
        row.update(
            {
                "f": float(f.statistic),
                "p_anova": float(f.pvalue),
                "welch_f": float(wf.statistic),
                "p_welch": float(wf.pvalue),
                **_effects(vals),
                "recommended": "anova" if equal else "welch_anova",
            }
        )
    h = stats.kruskal(*vals)
    row.update(
        {
            "h": float(h.statistic),
            "p_kruskal": float(h.pvalue),
            "epsilon2": float(h.statistic * (n + 1) / (n**2 - 1)),
        }
    )
    return row


def compare_groups(
    data: pd.DataFrame,
    items: Sequence[str],
    group: str,
    *,
    min_group: int = 2,
    names: dict[str, str] | None = None,
) -> GroupComparison:
    """Compare the scores of ``items`` between the groups in column ``group``.

    Respondents with a blank group or item are left out of that item's comparison; groups with
    fewer than ``min_group`` answers are refused (name them, or merge them first).  Groups keep
    the column's category order (as the questionnaire lists them); ``names`` maps item codes
    to the names shown in :meth:`GroupComparison.table_zh`.
    """
    for c in [*items, group]:
        if c not in data.columns:
            raise ConfigError(f"列「{c}」不存在", value=c, fix=f"可用的列：{list(data.columns)}")
    rows = []
    for item in items:
        sub = data[[group, item]].dropna()
        y = pd.to_numeric(sub[item], errors="coerce")
        bad = sub[item][y.isna()]
        if not bad.empty:
            raise InputDataError(
                "得分应为数值 (number)",
                column=item,
                value=bad.iloc[0],
                row=_excel_row(bad.index[0]),
                fix="比较的是得分列，不是文字答案",
            )
        groups = {g: y[sub[group] == g].to_numpy(dtype=float) for g in _levels(sub[group])}
        small = {str(g): len(v) for g, v in groups.items() if len(v) < min_group}
        if small or len(groups) < 2:
            raise InputDataError(
                f"「{item}」按「{group}」分组后有效组不足或组内样本过少",
                value=small or len(groups),
                fix=f"每组至少 {min_group} 份答卷；合并小组后再比较",
            )
        if np.ptp(np.concatenate(list(groups.values()))) == 0:
            raise InputDataError(
                f"「{item}」所有答卷得分相同，无法做差异检验",
                column=item,
                fix="去掉该题，或在报告中直接说明各组一致",
            )
        if all(np.ptp(v) == 0 for v in groups.values()):
            means = {str(g): float(v[0]) for g, v in groups.items()}
            raise InputDataError(
                f"「{item}」每组内部得分完全相同，检验统计量无定义",
                column=item,
                value=means,
                fix="在报告中直接列出各组得分，不做检验",
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            rows.append(_one_item(item, groups))
    return GroupComparison(pd.DataFrame(rows), group, dict(names or {}))
