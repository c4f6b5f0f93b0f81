"""Cross-tabulation of two questions (交叉分析) with the test of independence.

Pearson's χ² without continuity correction (as SPSS "Pearson 卡方" and SPSSAU report it;
scipy.stats.chi2_contingency with ``correction=False``).  Cochran's rule decides when χ² is not
trusted: more than 20 % of the cells with an expected count below 5, or any below 1.  Then
Fisher's exact test is reported instead (scipy.stats.fisher_exact: exact for 2×2, a seeded Monte
Carlo over tables with the observed margins for larger tables; the seed and number of draws are
recorded).  Effect size: Cramér's V = √(χ² / (n · (min(r, c) − 1))) (scipy.stats.contingency.
association).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import association

from ..errors import ConfigError, InputDataError
from ..present import p_text

__all__ = ["CrosstabResult", "crosstab"]

MONTE_CARLO_DRAWS = 10_000


@dataclass(frozen=True)
class CrosstabResult:
    """Result of :func:`crosstab`.

    Attributes
    ----------
    counts : DataFrame
        Rows = levels of ``row``, columns = levels of ``col`` (no margins).
    expected : DataFrame
        Expected counts under independence.
    chi2, dof, p_chi2 : float, int, float
        Pearson χ², degrees of freedom and its p-value.
    cramers_v : float
    p_fisher : float or None
        Fisher's exact p when Cochran's rule fails (or when asked).
    test : {"chi2", "fisher", "fisher_monte_carlo"}
        The test whose p-value is reported as ``p``.
    p : float
    n : int
        Respondents with both answers.
    params : dict
        row, col, small-expected share, seed and draws for Monte Carlo.
    """

    counts: pd.DataFrame
    expected: pd.DataFrame
    chi2: float
    dof: int
    p_chi2: float
    cramers_v: float
    p_fisher: float | None
    test: str
    p: float
    n: int
    params: dict[str, Any] = field(default_factory=dict)

    def percent(self, by: str = "row") -> pd.DataFrame:
        """Shares within each row (``by="row"``) or column (``by="col"``), 0–1."""
        c = self.counts
        return c.div(c.sum(axis=1), axis=0) if by == "row" else c.div(c.sum(axis=0), axis=1)

    def table_zh(self) -> pd.DataFrame:
        """Counts with row percentages as "12 (34.5%)" and totals (问卷星 交叉分析 layout)."""
        c, pct = self.counts, self.percent("row")
        out = c.astype(int).astype(str) + " (" + (pct * 100).map(lambda v: f"{v:.1f}%") + ")"
        out["小计"] = c.sum(axis=1).astype(int)
        out.columns = [str(x) for x in out.columns]
        out.index = [str(x) for x in out.index]
        return out.reset_index(names=f"{self.params['row']} \\ {self.params['col']}")

    def summary_zh(self) -> str:
        name = {
            "chi2": "Pearson χ² 检验",
            "fisher": "Fisher 精确检验",
            "fisher_monte_carlo": "Fisher 精确检验（蒙特卡罗模拟）",
        }[self.test]
        why = "" if self.test == "chi2" else "（期望频数小于 5 的格子过多，χ² 检验不适用）"
        sig = "存在显著关联" if self.p < 0.05 else "未见显著关联"
        return (
            f"「{self.params['row']}」与「{self.params['col']}」交叉分析（有效样本 {self.n}）："
            f"χ² = {self.chi2:.3f}，自由度 {self.dof}；采用{name}{why}，{p_text(self.p)}，"
            f"Cramér's V = {self.cramers_v:.3f}；在 0.05 水平上{sig}。"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "chi2": self.chi2,
            "dof": self.dof,
            "p_chi2": self.p_chi2,
            "cramers_v": self.cramers_v,
            "p_fisher": self.p_fisher,
            "test": self.test,
            "p": self.p,
            "params": self.params,
            "counts": {
                str(k): {str(c): int(v) for c, v in r.items()} for k, r in self.counts.iterrows()
            },
        }


def _counts(df: pd.DataFrame, row: str, col: str, order: dict[str, list[Any]]) -> pd.DataFrame:
    for c in (row, col):
        if c not in df.columns:
            raise ConfigError(f"题目列「{c}」不存在", value=c, fix=f"可用的列：{list(df.columns)}")
    both = df[[row, col]].dropna()
    both = both[
        (both[row].astype(str).str.strip() != "") & (both[col].astype(str).str.strip() != "")
    ]
    counts = pd.crosstab(both[row], both[col], dropna=False)
    for axis, name in ((0, row), (1, col)):
        dtype = df[name].dtype
        if isinstance(dtype, pd.CategoricalDtype) and name not in order:
            counts = counts.reindex(list(dtype.categories), axis=axis, fill_value=0)
    for axis, name in ((0, row), (1, col)):
        if name in order:
            levels = list(order[name])
            seen = counts.index if axis == 0 else counts.columns
            unknown = [v for v in seen if v not in levels]
            if unknown:
                raise InputDataError(
                    "答案不在给定的选项中", column=name, value=unknown[:5], fix=f"选项：{levels}"
                )
            counts = counts.reindex(levels, axis=axis, fill_value=0)
    counts = counts.loc[counts.sum(axis=1) > 0, counts.sum(axis=0) > 0]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        raise InputDataError(
            f"「{row}」与「{col}」至少各需 2 个有人选择的选项才能交叉分析",
            value=list(counts.shape),
            fix="换一个题目，或合并后再分析",
        )
    return counts


def crosstab(
    answers: pd.DataFrame,
    row: str,
    col: str,
    *,
    order: dict[str, list[Any]] | None = None,
    exact: str = "auto",
    seed: int = 20240601,
) -> CrosstabResult:
    """Cross-tabulate two questions and test their independence.

    Parameters
    ----------
    answers : DataFrame
        One row per respondent.
    row, col : str
        The two question columns.
    order : dict, optional
        Level order per column (levels never chosen are kept as zero rows, then dropped from the
        test).
    exact : {"auto", "always", "never"}
        When to compute Fisher's exact test ("auto": Cochran's rule).
    seed : int
        Seed of the Monte Carlo draws for tables larger than 2×2.
    """
    if exact not in ("auto", "always", "never"):
        raise ConfigError(f"exact 参数无效：{exact!r}", fix="可选：auto、always、never")
    counts = _counts(answers, row, col, order or {})
    table = counts.to_numpy()
    chi2, p_chi2, dof, expected = stats.chi2_contingency(table, correction=False)
    small = float((expected < 5).mean())
    cochran_ok = small <= 0.2 and expected.min() >= 1
    v = float(association(table, method="cramer"))
    p_fisher, test, params = None, "chi2", {"row": row, "col": col, "small_expected_share": small}
    if exact == "always" or (exact == "auto" and not cochran_ok):
        if table.shape == (2, 2):
            p_fisher, test = float(stats.fisher_exact(table).pvalue), "fisher"
        else:
            method = stats.MonteCarloMethod(
                n_resamples=MONTE_CARLO_DRAWS, rng=np.random.default_rng(seed)
            )
            p_fisher = float(stats.fisher_exact(table, method=method).pvalue)
            test = "fisher_monte_carlo"
            params.update({"seed": seed, "draws": MONTE_CARLO_DRAWS})
    p = p_chi2 if test == "chi2" else p_fisher
    return CrosstabResult(
        counts=counts,
        expected=pd.DataFrame(expected, index=counts.index, columns=counts.columns),
        chi2=float(chi2),
        dof=int(dof),
        p_chi2=float(p_chi2),
        cramers_v=v,
        p_fisher=p_fisher,
        test=test,
        p=float(p),
        n=int(table.sum()),
        params=params,
    )
