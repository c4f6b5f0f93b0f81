"""Review of published self-evaluation forms: re-score every row under every documented rule
variant through the scoring core (:mod:`.rescore`), then flag what no variant explains
(:mod:`.flags`) — RULES.md §3–§6, §9.

A published number that some variant reproduces is "reproduced under X", not an error; a number
no documented variant explains is an error; a row the form does not let anyone re-score is
"unverifiable" and enters the totals as published.  :func:`review` only sequences the steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..grading import get_grade_scale
from ..rounding import round_array
from .flags import (
    FLAGS,
    BudgetReview,
    FlagSink,
    budget_checks,
    grades_of,
    project_checks,
    row_flags,
)
from .layouts import LAYOUTS, Layout, detect_layout, get_layout
from .model import ReviewInput
from .rescore import TOL, VARIANT_ZH, VARIANTS, Rescored, rescore

__all__ = ["FLAGS", "VARIANTS", "VARIANT_ZH", "ReviewResult", "review"]



@dataclass
class ReviewResult:
    """Review of many forms.

    Attributes
    ----------
    rows : DataFrame
        Every indicator: input columns plus ``kind`` (quantitative / qualitative / yes_no /
        unparseable), ``recomputed`` (national), ``reproduced_by`` (variant name or ""),
        ``flags`` (semicolon-separated codes).
    summary : DataFrame
        One row per project with the fixed English columns project_id, published_total,
        recomputed_total, difference, published_grade, recomputed_grade, errors, unverifiable,
        warnings, reproduced_under, rows_as_published (rows that cannot be re-scored and enter
        the totals as published), flags.  Severity: *error* = provably inconsistent;
        *unverifiable* = cannot be re-scored from what the form shows (listed, not an error);
        *warning* = plausibility.
    flags : DataFrame
        One row per flag: project_id, row, code, severity, kind, message (Chinese).
    """

    rows: pd.DataFrame
    summary: pd.DataFrame
    flags: pd.DataFrame
    projects: pd.DataFrame

    def counts_by_kind(self) -> pd.DataFrame:
        """Flag counts by kind and severity (for the review report)."""
        if self.flags.empty:
            return pd.DataFrame(columns=["kind", "severity", "count"])
        return (
            self.flags.groupby(["kind", "severity"])
            .size()
            .rename("count")
            .reset_index()
            .sort_values("count", ascending=False, ignore_index=True)
        )

    def summary_zh(self) -> str:
        """A paragraph for the review report (Chinese)."""
        s = self.summary
        n, bad = len(s), int((s["errors"] > 0).sum())
        rep = int((s["reproduced_under"] != "").sum())
        top = self.counts_by_code()
        top = top[top["severity"] == "error"].head(3)
        text = (
            f"本次复核自评表 {n} 份、指标 {len(self.rows)} 项。{rep} 份的自评总分可按某一已知"
            f"评分口径完整复现；{bad} 份存在错误，共 {int(s['errors'].sum())} 处；"
            f"无法按表上信息核对 {int(s['unverifiable'].sum())} 处（已列出，不计为错误）；"
            f"另有提示 {int(s['warnings'].sum())} 处。"
        )
        if not top.empty:
            text += (
                "错误最多的类型为："
                + "、".join(f"{r.说明}（{r.count} 处）" for r in top.itertuples(index=False))
                + "。"
            )
        return text

    def worst(self, n: int = 10) -> pd.DataFrame:
        """The projects with the most errors (Chinese headers)."""
        from .outputs import summary_zh

        w = self.summary.sort_values(["errors", "unverifiable", "warnings", "difference"],
                                     ascending=False)  # fmt: skip
        return summary_zh(w.head(n))

    def counts_by_code(self) -> pd.DataFrame:
        if self.flags.empty:
            return pd.DataFrame(columns=["code", "severity", "count", "说明"])
        c = self.flags.groupby(["code", "severity"]).size().rename("count").reset_index()
        c["说明"] = c["code"].map(lambda k: FLAGS[k][2])
        return c.sort_values("count", ascending=False, ignore_index=True)




def _row_columns(rows: pd.DataFrame, rs: Rescored, profile: str) -> None:
    """Per-row results; a row that cannot be re-scored enters the totals as published."""
    nat = "platform" if profile == "platform" else "national"
    scored = rs.scorable & ~np.isnan(rs.w)  # no 分值 (湖北): nothing to re-score against
    rows["kind"] = rs.kind
    rows["recomputed"] = np.where(scored, rs.scores[nat], np.nan)
    rows["reproduced_by"] = rs.reproduced
    for name, _, _ in VARIANTS:
        rows[f"score_{name}"] = np.where(scored, rs.scores[name], np.nan)
        rows[f"total_{name}"] = np.where(scored, rs.scores[name], rs.pub)
    rows["as_published"] = ~scored & ~np.isnan(rs.pub)
    rows["unknown"] = ~scored & np.isnan(rs.pub)


def _contains(values: pd.Series, words: list[str]) -> list[np.ndarray]:
    """``values.str.contains(word)`` (literal) for each word, tested once per distinct
    value."""
    codes, uniq = pd.factorize(values)
    texts = [str(u) for u in uniq]
    return [np.array([w in t for t in texts], dtype=bool)[codes] for w in words]


def _joined_per_project(codes: np.ndarray, n: int, values: np.ndarray) -> list[str]:
    """Per project (codes 0..n-1), its values "｜"-joined in order."""
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=n))[:-1]
    return ["｜".join(part) for part in np.split(values[order], bounds)]


def _aggregates(rows: pd.DataFrame, rs: Rescored) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-project sums and the facts the structure checks need (projects in order of first
    appearance)."""
    codes, pids = pd.factorize(rows["project_id"].astype(str))
    sums = ["score", "points", "as_published", "unknown", *(f"total_{n}" for n, _, _ in VARIANTS)]
    g = rows[sums].groupby(codes, sort=True)  # codes number the projects in order
    tot = g.sum()
    agg = pd.DataFrame({"pub_sum": g["score"].sum(min_count=1).to_numpy(),
                        "points_sum": tot["points"].to_numpy(),
                        "no_points": g["points"].count().to_numpy() == 0,
                        "as_published": tot["as_published"].to_numpy(),
                        "unknown": tot["unknown"].to_numpy()}, index=pids)  # fmt: skip
    for name, _, _ in VARIANTS:
        agg[f"sum_{name}"] = tot[f"total_{name}"].to_numpy()
    l1s, l2s = rows["level1"].astype(str), rows["level2"].astype(str)
    pct = rs.quant & (rs.a_dim == "percent")
    # each project's 一级 names in order of first appearance
    firsts = pd.DataFrame({"pid": codes, "l1": l1s.to_numpy()}).drop_duplicates()
    agg["level1"] = _joined_per_project(firsts["pid"].to_numpy(), len(pids),
                                        firsts["l1"].to_numpy(object))  # fmt: skip
    out, ben, sat1 = _contains(l1s, ["产出", "效益", "满意"])
    sat2, cost = _contains(l2s, ["满意", "成本"])
    facts = pd.DataFrame({
        "out": out, "ben": ben, "sat": sat1 | sat2, "cost": cost,
        "t5": rs.reproduced == "tiers_80_50", "q": rs.quant,
        "eq": rs.quant & np.isclose(rs.a, rs.t_lo), "pct": pct,
        "p100": pct & np.isclose(rs.a, 100),
    })  # fmt: skip
    has = facts.groupby(codes, sort=True).sum().set_axis(pids)
    return agg, has


def _recomputed_totals(agg: pd.DataFrame, budget: BudgetReview, published: pd.Series,
                       profile: str) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Recomputed total (indicators + budget, 2 decimals; NaN when a row has neither a score
    nor a way to compute one) and its difference from the published total."""
    nat = "platform" if profile == "platform" else "national"
    b_key = "budget_no_cap" if profile == "platform" else "national"
    b_nat = np.where(budget.active, budget.scores[b_key], 0.0)
    rec = round_array(agg[f"sum_{nat}"].to_numpy(float) + b_nat, 2)
    rec = np.where(agg["unknown"].to_numpy() > 0, np.nan, rec)
    pub = pd.to_numeric(published, errors="coerce").to_numpy(float)
    return rec, round_array(rec - pub, 2)


def _total_variants(agg: pd.DataFrame, budget: BudgetReview, pub_total: np.ndarray,
                    tiers_80_50: np.ndarray) -> np.ndarray:  # fmt: skip
    """Per project, the first variant whose total (indicators + budget) gives the published
    total ("" when none or no total)."""
    out = np.full(len(agg), "", dtype=object)
    todo = ~np.isnan(pub_total)
    suffix = np.where(tiers_80_50, "+tiers_80_50", "")
    for name, _, _ in VARIANTS:
        key = "budget_no_cap" if name.startswith("platform") else "national"
        bv = np.where(budget.active, budget.scores[key], 0.0)
        hit = todo & (np.abs(agg[f"sum_{name}"].to_numpy(float) + bv - pub_total) <= TOL)
        out[hit] = [name + x for x in suffix[hit]]
        todo &= ~hit
    return out


def _projects(sink: FlagSink, agg: pd.DataFrame, has: pd.DataFrame, proj: pd.DataFrame,
              budget: BudgetReview, recomputed: tuple[np.ndarray, np.ndarray],
              scales: tuple[Any, Any], forced: Layout | None) -> list[tuple[Any, ...]]:  # fmt: skip
    """Whole-form checks of every project (flags added in the order budget, form, totals);
    one summary record per project."""
    total = pd.to_numeric(proj["total"], errors="coerce").to_numpy(float)
    grade = proj["grade"].astype("string").fillna("").str.strip().to_numpy(object)
    b_pts = np.nan_to_num(pd.to_numeric(proj["budget_points"], errors="coerce").to_numpy(float))
    b_pub = np.nan_to_num(pd.to_numeric(proj["budget_score"], errors="coerce").to_numpy(float))
    no_points = agg["no_points"].to_numpy(bool)
    layouts = [forced or detect_layout(l1.split("｜"), not nop, bp)
               for l1, nop, bp in zip(agg["level1"], no_points, b_pts, strict=True)]  # fmt: skip
    frame = has.reindex(agg.index).reset_index(drop=True).assign(
        total=total, calc_pub=np.nan_to_num(agg["pub_sum"].to_numpy(float)) + b_pub,
        points_sum=agg["points_sum"].to_numpy(float), budget_points=b_pts, no_points=no_points,
        level1=agg["level1"].to_numpy(object), grade=grade,
    )  # fmt: skip
    msgs = project_checks(frame, layouts, budget.rate_true, scales)
    unknown = agg["unknown"].to_numpy()
    rec, diff = recomputed
    under = _total_variants(agg, budget, total, frame["t5"].to_numpy() > 0)
    rec_grade = grades_of(scales[0], rec)
    pids = [str(p) for p in agg.index]
    for i, pid in enumerate(pids):
        for code, msg in (*budget.messages[i], *msgs[i]):
            sink.add(pid, None, code, msg)
        if unknown[i]:  # a row with neither a score nor a way to compute one: no total to give
            sink.add(pid, None, "total_not_recomputable",
                     f"{int(unknown[i])} 项指标未填得分且无法按表上信息复算，复核总分不予给出")
    return list(zip(pids, total, rec, diff, grade, [g or "" for g in rec_grade], under,
                    [lay.key for lay in layouts], strict=True))  # fmt: skip


SUMMARY_COLUMNS = ["project_id", "published_total", "recomputed_total", "difference",
                   "published_grade", "recomputed_grade", "errors", "unverifiable", "warnings",
                   "reproduced_under", "rows_as_published", "layout", "flags"]  # fmt: skip


def _summary(records: list[tuple[Any, ...]], ftab: pd.DataFrame, agg: pd.DataFrame) -> pd.DataFrame:
    summ = pd.DataFrame(records, columns=[*SUMMARY_COLUMNS[:6], "reproduced_under", "layout"])
    sev = ftab["severity"].to_numpy()
    by_sev = pd.DataFrame({"project_id": ftab["project_id"], "e": sev == "error",
                           "u": sev == "unverifiable", "w": sev == "warning"})  # fmt: skip
    counts = by_sev.groupby("project_id").sum()
    pairs = ftab[["project_id", "code"]].drop_duplicates().sort_values(["project_id", "code"])
    joined: dict[str, list[str]] = {}
    for pid, code in zip(pairs["project_id"], pairs["code"], strict=True):
        joined.setdefault(pid, []).append(code)
    codes = pd.Series({pid: ";".join(c) for pid, c in joined.items()}, dtype=object)
    for col, key in (("errors", "e"), ("unverifiable", "u"), ("warnings", "w")):
        summ[col] = summ["project_id"].map(counts[key]).fillna(0).astype(int)
    summ["rows_as_published"] = summ["project_id"].map(agg["as_published"]).fillna(0).astype(int)
    summ["flags"] = summ["project_id"].map(codes).fillna("")
    return summ[SUMMARY_COLUMNS]


def _row_flag_codes(rows: pd.DataFrame, ftab: pd.DataFrame) -> list[str]:
    """Each row's flag codes, ";"-joined in the order raised ("" for none)."""
    rf = ftab.dropna(subset=["row"])
    codes: dict[tuple[str, float], str] = {}
    for pid_, r_, c_ in zip(rf["project_id"], rf["row"], rf["code"], strict=True):
        key = (str(pid_), float(r_))
        codes[key] = f"{codes[key]};{c_}" if key in codes else c_
    if not codes:
        return [""] * len(rows)
    table = pd.DataFrame(list(codes), columns=["project_id", "row"])
    table["flags"] = list(codes.values())
    left = pd.DataFrame({"project_id": rows["project_id"].astype(str).to_numpy(),
                         "row": pd.to_numeric(rows["row"], errors="coerce").to_numpy(float)})
    merged = left.merge(table, how="left", on=["project_id", "row"])  # keeps the rows' order
    return merged["flags"].fillna("").tolist()


def review(
    inp: ReviewInput, *, profile: str = "national", scale: str = "national",
    layout: str | None = None,
) -> ReviewResult:  # fmt: skip
    """Re-score and flag every form; see the module docstring.

    Parameters
    ----------
    profile : {"national", "platform"}
        The variant used for ``recomputed`` and ``recomputed_total``.
    scale : str
        Grade scale for ``recomputed_grade`` (a published grade is accepted if it matches this
        scale or the self-evaluation preset 80/70/60).
    layout : str, optional
        Form layout (:data:`~evallib.review.layouts.LAYOUTS` key); recognised per form when
        not given.

    Raises
    ------
    ConfigError
        Unknown layout.
    """
    forced = None
    if layout is not None:
        try:
            forced = get_layout(layout)
        except KeyError:
            raise ConfigError(
                f"未知的自评表版式 (layout)「{layout}」", value=layout,
                fix=f"可选：{'、'.join(f'{k}（{v.name_zh}）' for k, v in LAYOUTS.items())}",
            ) from None  # fmt: skip
    rows = inp.rows.copy()
    rs = rescore(rows)
    sink = FlagSink()
    row_flags(sink, rows, rs)
    _row_columns(rows, rs, profile)
    for f in inp.input_flags:
        sink.add(f["project_id"], f.get("row"), f["code"], f["message"])
    agg, has = _aggregates(rows, rs)
    scales = (get_grade_scale(scale), get_grade_scale("self_evaluation"))
    proj = inp.projects.drop_duplicates("project_id").set_index("project_id").reindex(agg.index)
    budget = budget_checks(proj)
    recomputed = _recomputed_totals(agg, budget, proj["total"], profile)
    records = _projects(sink, agg, has, proj, budget, recomputed, scales, forced)
    ftab = pd.DataFrame(sink.items,
                        columns=["project_id", "row", "code", "severity", "kind", "message"])
    rows["flags"] = _row_flag_codes(rows, ftab)
    return ReviewResult(rows, _summary(records, ftab, agg), ftab, inp.projects)
