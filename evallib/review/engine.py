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
from ..rounding import round_score
from .flags import (
    FLAGS,
    FlagSink,
    budget_checks,
    grade_checks,
    row_flags,
    structure_checks,
    total_check,
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


def _aggregates(rows: pd.DataFrame, rs: Rescored) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-project sums and the facts the structure checks need."""
    pid_s = rows["project_id"].astype(str)
    g = rows.groupby(pid_s, sort=False)
    agg = pd.DataFrame({"pub_sum": g["score"].sum(min_count=1), "points_sum": g["points"].sum(),
                        "no_points": g["points"].count() == 0,
                        "as_published": g["as_published"].sum(),
                        "unknown": g["unknown"].sum()})  # fmt: skip
    for name, _, _ in VARIANTS:
        agg[f"sum_{name}"] = g[f"total_{name}"].sum()
    l1s, l2s = rows["level1"].astype(str), rows["level2"].astype(str)
    pct = rs.quant & (rs.a_dim == "percent")
    # each project's 一级 names in order of first appearance (one pass, not a lambda per group)
    firsts = pd.DataFrame({"pid": pid_s.to_numpy(), "l1": l1s.to_numpy()}).drop_duplicates()
    agg["level1"] = firsts.groupby("pid", sort=False)["l1"].agg("｜".join).reindex(agg.index)
    facts = pd.DataFrame({
        "out": l1s.str.contains("产出"), "ben": l1s.str.contains("效益"),
        "sat": l1s.str.contains("满意") | l2s.str.contains("满意"),
        "cost": l2s.str.contains("成本"), "t5": rs.reproduced == "tiers_80_50", "q": rs.quant,
        "eq": rs.quant & np.isclose(rs.a, rs.t_lo), "pct": pct,
        "p100": pct & np.isclose(rs.a, 100),
    })  # fmt: skip
    has = facts.groupby(pid_s.to_numpy(), sort=False).sum()
    return agg, has


def _project_values(inp: ReviewInput, index: pd.Index) -> list[dict[str, Any]]:
    proj = inp.projects.drop_duplicates("project_id").set_index("project_id").reindex(index)
    out = []
    for r in proj.to_dict("records"):
        num = {"budget_points": float(r["budget_points"]) if pd.notna(r["budget_points"]) else 0.0,
               "budget_score": float(r["budget_score"]) if pd.notna(r["budget_score"])
               else np.nan}  # fmt: skip
        out.append({**r, **num, "grade": str(r["grade"]).strip() if pd.notna(r["grade"]) else "",
                    "total": float(r["total"]) if pd.notna(r["total"]) else np.nan})  # fmt: skip
    return out


def _total_variant(sums: dict[str, float], b_scores: dict[str, float], pub_total: float,
                   tiers_80_50: bool) -> str:  # fmt: skip
    """The first variant whose total (indicators + budget) gives the published total."""
    if pd.isna(pub_total):
        return ""
    for name, _, _ in VARIANTS:
        key = "budget_no_cap" if name.startswith("platform") else "national"
        bv = b_scores.get(key, 0.0) if b_scores else 0.0
        if abs(sums[name] + bv - pub_total) <= TOL:
            return name + ("+tiers_80_50" if tiers_80_50 else "")
    return ""


def _project(
    sink: FlagSink, pid: str, p: dict[str, Any], a: dict[str, Any], h: dict[str, Any],
    profile: str, scales: tuple[Any, Any], forced: Layout | None,
) -> tuple[Any, ...]:  # fmt: skip
    """Checks of one project; its summary row."""
    layout = forced or detect_layout(a["level1"].split("｜"), not a["no_points"],
                                     p["budget_points"])  # fmt: skip
    b_scores, rate_true = budget_checks(sink, pid, p)
    b_nat = (b_scores.get("budget_no_cap" if profile == "platform" else "national", 0.0)
             if b_scores else 0.0)  # fmt: skip
    b_pub = p["budget_score"] if pd.notna(p["budget_score"]) else 0.0
    calc_pub = (a["pub_sum"] if pd.notna(a["pub_sum"]) else 0.0) + b_pub
    total_check(sink, pid, p["total"], calc_pub)
    structure_checks(sink, pid, float(a["points_sum"]), p["budget_points"],
                     bool(a["no_points"]), h, a["level1"], layout)  # fmt: skip
    grade_checks(sink, pid, p["grade"], (p["total"], calc_pub), rate_true, scales)
    sums = {name: float(a[f"sum_{name}"]) for name, _, _ in VARIANTS}
    nat = "platform" if profile == "platform" else "national"
    rec_total = round_score(sums[nat] + b_nat, 2)
    if a["unknown"]:  # a row with neither a score nor a way to compute one: no total to give
        sink.add(pid, None, "total_not_recomputable",
                 f"{int(a['unknown'])} 项指标未填得分且无法按表上信息复算，复核总分不予给出")
        rec_total = np.nan
    under = _total_variant(sums, b_scores, p["total"], bool(h["t5"]))
    rec_grade = scales[0].assign(rec_total) if pd.notna(rec_total) and rec_total >= 0 else None
    diff = (round_score(rec_total - p["total"], 2)
            if pd.notna(p["total"]) and pd.notna(rec_total) else np.nan)
    return (pid, p["total"], rec_total, diff, p["grade"], rec_grade or "", under, layout.key)


SUMMARY_COLUMNS = ["project_id", "published_total", "recomputed_total", "difference",
                   "published_grade", "recomputed_grade", "errors", "unverifiable", "warnings",
                   "reproduced_under", "rows_as_published", "layout", "flags"]  # fmt: skip


def _summary(records: list[tuple[Any, ...]], ftab: pd.DataFrame, agg: pd.DataFrame) -> pd.DataFrame:
    summ = pd.DataFrame(records, columns=[*SUMMARY_COLUMNS[:6], "reproduced_under", "layout"])
    sev = ftab["severity"].to_numpy()
    by_sev = pd.DataFrame({"project_id": ftab["project_id"], "e": sev == "error",
                           "u": sev == "unverifiable", "w": sev == "warning"})  # fmt: skip
    counts = by_sev.groupby("project_id").sum()
    codes = (ftab[["project_id", "code"]].drop_duplicates().sort_values(["project_id", "code"])
             .groupby("project_id")["code"].agg(";".join))  # fmt: skip
    for col, key in (("errors", "e"), ("unverifiable", "u"), ("warnings", "w")):
        summ[col] = summ["project_id"].map(counts[key]).fillna(0).astype(int)
    summ["rows_as_published"] = summ["project_id"].map(agg["as_published"]).fillna(0).astype(int)
    summ["flags"] = summ["project_id"].map(codes).fillna("")
    return summ[SUMMARY_COLUMNS]


def _row_flag_codes(rows: pd.DataFrame, ftab: pd.DataFrame) -> list[str]:
    rf = ftab.dropna(subset=["row"])
    codes: dict[tuple[str, int], str] = {}
    for pid_, r_, c_ in zip(rf["project_id"], rf["row"], rf["code"], strict=True):
        key = (pid_, int(r_))
        codes[key] = f"{codes[key]};{c_}" if key in codes else c_
    pids = rows["project_id"].astype(str)
    return [codes.get((p_, int(r_)), "") if pd.notna(r_) else ""
            for p_, r_ in zip(pids, rows["row"], strict=True)]  # fmt: skip


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
    values = _project_values(inp, agg.index)
    a_rec, h_rec = agg.to_dict("index"), has.to_dict("index")
    records = [_project(sink, str(pid), p, a_rec[pid], h_rec[pid], profile, scales, forced)
               for pid, p in zip(agg.index, values, strict=True)]  # fmt: skip
    ftab = pd.DataFrame(sink.items,
                        columns=["project_id", "row", "code", "severity", "kind", "message"])
    rows["flags"] = _row_flag_codes(rows, ftab)
    return ReviewResult(rows, _summary(records, ftab, agg), ftab, inp.projects)
