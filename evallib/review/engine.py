"""Re-score published self-evaluation forms under every documented rule variant and flag what
no variant explains (RULES.md §3–§6, §9).

Every indicator is re-scored under each variant of :data:`VARIANTS` (formula for ≤ targets ×
rounding), qualitative scores are checked against the tier bands 80/60 and 80/50, and the budget
score against every budget variant (denominator, rate rounded first, cap, score rounding).  A
published number that some variant reproduces is "reproduced under X", not an error; a number no
documented variant explains stays an error.  All work is vectorised (numpy/pandas): each
distinct target or actual string is parsed once.

Flags (code, severity, meaning) are listed in :data:`FLAGS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import EvalError
from ..formulas import quantitative_score
from ..grading import get_grade_scale
from ..parsing import parse_series, parse_value
from ..rounding import round_array, round_score
from ..rules import budget_points, budget_rate, tier_bands, yes_no_answer
from .model import ReviewInput

__all__ = ["FLAGS", "VARIANTS", "ReviewResult", "review"]

#: (name, formula for ≤ targets, rounding) — national first.
VARIANTS: list[tuple[str, str, str]] = [
    ("national", "ratio", "2"),
    ("platform", "linear", "2"),
    ("integer", "ratio", "0"),
    ("one_decimal", "ratio", "1"),
    ("round_down", "ratio", "down2"),
    ("integer_down", "ratio", "down0"),
    ("platform_integer", "linear", "0"),
    ("platform_one_decimal", "linear", "1"),
]
VARIANT_ZH = {
    "national": "国家口径",
    "platform": "平台口径（反向指标线性计分）",
    "integer": "得分取整",
    "one_decimal": "得分保留一位小数",
    "round_down": "得分向下舍去",
    "integer_down": "得分向下取整",
    "platform_integer": "平台口径且得分取整",
    "platform_one_decimal": "平台口径且保留一位小数",
    "tiers_80_50": "定性分档 80/50",
    "budget_initial": "执行率以年初预算数为分母",
    "budget_no_cap": "预算执行率得分不封顶",
    "budget_rate_unrounded": "执行率不先取舍",
    "budget_rate_integer": "执行率先取整",
}

#: code → (severity, kind, Chinese description)
FLAGS: dict[str, tuple[str, str, str]] = {
    "total_mismatch": ("error", "arithmetic", "总分不等于各项得分之和"),
    "score_above_points": ("error", "arithmetic", "得分超过分值"),
    "negative_score": ("error", "arithmetic", "得分为负数"),
    "missing_score": ("unverifiable", "input", "得分缺失，无法核对"),
    "missing_points": ("unverifiable", "input", "表上没有分值，无法重新计分"),
    "score_unexplained": ("error", "rule", "得分与评分规则不符，任何口径均无法复现"),
    "full_marks_target_missed": ("error", "rule", "未完成年度指标却给满分"),
    "budget_score_mismatch": ("error", "rule", "预算执行率得分与执行率×分值不符"),
    "rate_mismatch": ("error", "rule", "填报的执行率与执行数/预算数不符"),
    "qualitative_outside_tier": ("error", "rule", "定性指标得分不在所评档次的分数区间内"),
    "weights_total": ("error", "structure", "分值合计不等于 100（或指标 90 + 预算执行率 10）"),
    "missing_level1": ("error", "structure", "缺少必需的一级指标（产出、效益）"),
    "grade_mismatch": ("error", "grade", "自评等级与总分不符"),
    "unparseable": ("unverifiable", "input",
                    "指标值或完成值无法按规则计分（空白、定性或无法识别）"),
    "unit_mismatch": ("unverifiable", "input", "完成值与指标值计量单位不一致，无法换算"),
    "inconsistent_budget": ("error", "input", "同一项目的预算数据前后不一致"),
    "missing_project": ("error", "input", "缺少项目预算信息"),
    "missing_satisfaction": ("warning", "structure", "缺少满意度指标"),
    "no_cost_indicator": ("warning", "structure", "没有成本指标"),
    "unquantified_target": ("warning", "structure", "数量、质量、时效、成本指标未量化"),
    "all_actual_equal_target": ("warning", "plausibility", "所有完成值均与指标值相同"),
    "all_100_percent": ("warning", "plausibility", "所有百分比完成值均为 100%"),
    "over_achievement_unexplained": ("warning", "plausibility", "超额完成 30% 以上但未说明原因"),
    "missing_deviation": ("warning", "plausibility", "未完成指标未填写偏差原因"),
    "rounding_full_marks": ("warning", "rule", "未完成指标因取整得满分"),
    "qualitative_unrecognized": ("unverifiable", "rule", "定性完成情况无法对应档次，未核对得分"),
    "grade_cap": ("warning", "grade", "预算执行率低于 85% 仍自评为优（部分地区规定）"),
}
_TOL = 0.005


def _round(x: np.ndarray, mode: str) -> np.ndarray:
    """A variant's rounding ("2", "1", "0" half-up; "down2", "down0" truncated) through the one
    rounding helper of the scoring core."""
    if mode.startswith("down"):
        return round_array(x, int(mode[4:]), "down")
    return round_array(x, int(mode), "half_up")


def _rate(spent: float, base: float, decimals: int | None) -> float:
    """Execution rate in percent by the core's :func:`budget_rate` (unrounded when
    ``decimals`` is None, a documented variant); 0 without a positive budget."""
    if not (pd.notna(base) and base > 0):
        return 0.0
    if decimals is None:
        return spent / base * 100
    return budget_rate({"spent": spent, "full_year_budget": base}, "full_year_budget", decimals)[0]


def _round_one(x: float, mode: str) -> float:
    if mode.startswith("down"):
        return round_score(x, int(mode[4:]), "down")
    return round_score(x, int(mode), "half_up")


def _bands(w: np.ndarray, bounds: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Lower limits of the 达成 and 部分达成 bands per row, from the core's :func:`tier_bands`."""
    uniq, inv = np.unique(np.nan_to_num(w), return_inverse=True)
    b = [tier_bands(float(x), bounds) for x in uniq]
    top = np.array([d["achieved"][0] for d in b])[inv]
    mid = np.array([d["partial"][0] for d in b])[inv]
    return top, mid


def _yes_no(actual: pd.Series) -> np.ndarray:
    """The core's 是/否 reading of each distinct actual (None where it gives neither)."""
    codes, uniq = pd.factorize(actual.astype("string").fillna(""))
    vals = []
    for u in uniq:
        try:
            vals.append(yes_no_answer(parse_value(u)))
        except EvalError:
            vals.append(None)
    return np.array([*vals, None], dtype=object)[codes]


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
        from .outputs import SUMMARY_ZH

        w = self.summary.sort_values(["errors", "unverifiable", "warnings", "difference"],
                                     ascending=False)  # fmt: skip
        return w.head(n).rename(columns=SUMMARY_ZH)

    def counts_by_code(self) -> pd.DataFrame:
        if self.flags.empty:
            return pd.DataFrame(columns=["code", "severity", "count", "说明"])
        c = self.flags.groupby(["code", "severity"]).size().rename("count").reset_index()
        c["说明"] = c["code"].map(lambda k: FLAGS[k][2])
        return c.sort_values("count", ascending=False, ignore_index=True)


def _flag(out: list[dict[str, Any]], pid: Any, row: Any, code: str, msg: str) -> None:
    sev, kind, _ = FLAGS[code]
    out.append(
        {
            "project_id": str(pid),
            "row": None if row is None or pd.isna(row) else int(row),
            "code": code,
            "severity": sev,
            "kind": kind,
            "message": msg,
        }
    )


def review(inp: ReviewInput, *, profile: str = "national", scale: str = "national") -> ReviewResult:
    """Re-score and flag every form; see the module docstring.

    Parameters
    ----------
    profile : {"national", "platform"}
        The variant used for ``recomputed`` and ``recomputed_total``.
    scale : str
        Grade scale for ``recomputed_grade`` (a published grade is accepted if it matches this
        scale or the self-evaluation preset 80/70/60).
    """
    rows = inp.rows.copy()
    n = len(rows)
    w = rows["points"].to_numpy(float)
    pub = rows["score"].to_numpy(float)
    tp = parse_series(rows["target"])
    ap = parse_series(rows["actual"])
    t_num = tp["num"].to_numpy(float)
    t_lo = np.where(tp["op"].to_numpy(object) == "range", tp["low"].to_numpy(float), t_num)
    t_hi = np.where(tp["op"].to_numpy(object) == "range", tp["high"].to_numpy(float), t_num)
    t_numeric = ~np.isnan(t_lo)
    a_numeric = ~np.isnan(ap["num"].to_numpy(float))
    both_units = tp["unit_written"].to_numpy(bool) & ap["unit_written"].to_numpy(bool)
    unit_bad = both_units & (tp["dim"].to_numpy(object) != ap["dim"].to_numpy(object))
    factor = np.where(
        both_units & ~unit_bad, ap["factor"].to_numpy(float) / tp["factor"].to_numpy(float), 1.0
    )
    a = np.clip(ap["num"].to_numpy(float) * factor, 0, None)
    op = tp["op"].to_numpy(object)
    op = np.where(pd.isna(op), ">=", op).astype(object)
    t_bool = tp["boolean"].to_numpy(object)
    yes_no_target = ~pd.isna(t_bool) & ~t_numeric
    a_bool = np.full(n, None, dtype=object)  # the core's 是/否 reading of the actual
    if yes_no_target.any():
        a_bool[yes_no_target] = _yes_no(rows["actual"][yes_no_target])
    is_bool = yes_no_target & ~pd.isna(a_bool)
    parse_err = tp["error"].notna().to_numpy() | (ap["error"].notna().to_numpy() & t_numeric)
    parse_err |= yes_no_target & pd.isna(a_bool)  # a 是/否 indicator whose actual says neither
    quant = t_numeric & a_numeric & ~unit_bad & ~parse_err
    a_tier = ap["tier"].to_numpy(object)
    qual = ~t_numeric & ~yes_no_target & ~parse_err
    unparse = (t_numeric & ~a_numeric & ~parse_err) | parse_err
    kind = np.where(
        quant,
        "quantitative",
        np.where(
            is_bool,
            "yes_no",
            np.where(qual, "qualitative", np.where(unit_bad, "unit_mismatch", "unparseable")),
        ),
    )
    # ---- quantitative: every variant
    scores = {}
    raws = {f: np.nan_to_num(quantitative_score(op, a, t_lo, w, high=t_hi, reverse=f))
            for f in ("ratio", "linear")}  # fmt: skip
    for name, formula, rnd in VARIANTS:
        scores[name] = _round(raws[formula], rnd)
    # yes/no rows score the same under every variant
    yn = np.where(is_bool & (a_bool == t_bool), w, 0.0)
    for name in scores:
        scores[name] = np.where(is_bool, yn, scores[name])
    # ---- qualitative: tier bands
    tier = a_tier
    known = qual & ~pd.isna(tier)

    def in_band(hi_b: float, lo_b: float) -> np.ndarray:
        top, mid = _bands(w, (hi_b, lo_b))
        return np.select(
            [tier == "achieved", tier == "partial", tier == "not_achieved"],
            [
                (pub >= top - 1e-9) & (pub <= w + 1e-9),
                (pub >= mid - 1e-9) & (pub < top - 1e-9),
                (pub >= -1e-9) & (pub < mid - 1e-9),
            ],
            False,
        )

    band_nat, band_5 = in_band(0.8, 0.6), in_band(0.8, 0.5)
    top6, mid6 = _bands(w, (0.8, 0.6))  # the core's default point: band top / midpoint
    default_pt = _round(np.select([tier == "achieved", tier == "partial"],
                                  [w, (mid6 + top6) / 2], mid6 / 2), "2")  # fmt: skip
    qual_score = np.where(band_nat | band_5, pub, default_pt)
    qual_score = np.where(qual & ~known, pub, qual_score)  # cannot judge: keep
    for name in scores:
        scores[name] = np.where(qual, qual_score, scores[name])
    # ---- reproduction
    reproduced = np.full(n, "", dtype=object)
    for name, _, _ in reversed(VARIANTS):  # first variant in the list wins
        hit = quant | is_bool
        reproduced = np.where(hit & (np.abs(scores[name] - pub) <= _TOL), name, reproduced)
    reproduced = np.where(
        known & band_nat, "national", np.where(known & band_5, "tiers_80_50", reproduced)
    )
    nat = "platform" if profile == "platform" else "national"
    recomputed = np.where(quant | is_bool | qual, scores[nat], np.nan)
    # ---- row flags
    missed = quant & np.select(
        [np.isin(op, ["<=", "<"]), op == "=", op == "range"],
        [a > t_lo + 1e-9, np.abs(a - t_lo) > 1e-9, (a < t_lo - 1e-9) | (a > t_hi + 1e-9)],
        a < t_lo - 1e-9,
    )
    dev_empty = (
        rows["deviation"].astype(str).str.strip().isin(["", "无", "/", "-", "nan"]).to_numpy()
    )
    above = pub > w + 1e-9
    negative = pub < -1e-9
    missing = np.isnan(pub) | np.isnan(w)
    special = above | negative | missing
    full_missed = missed & (np.abs(pub - w) <= _TOL) & ~special
    not_rep = (quant | is_bool) & (reproduced == "") & ~special
    flags: list[dict[str, Any]] = []
    pid_arr = rows["project_id"].to_numpy(object)
    row_arr = rows["row"].to_numpy(object)
    labels = rows["level3"].to_numpy(object)
    tgt, act = rows["target"].to_numpy(object), rows["actual"].to_numpy(object)
    t_err, a_err = tp["error"].to_numpy(object), ap["error"].to_numpy(object)

    def add(mask: np.ndarray, code: str, fmt: Any) -> None:
        for i in np.flatnonzero(mask):
            _flag(flags, pid_arr[i], row_arr[i], code, fmt(i))

    add(above, "score_above_points", lambda i: f"「{labels[i]}」得分 {pub[i]:g} 超过分值 {w[i]:g}")
    add(negative, "negative_score", lambda i: f"「{labels[i]}」得分为负数 {pub[i]:g}")
    pid_str = rows["project_id"].astype(str)
    no_points_form = pd.Series(np.isnan(w)).groupby(pid_str.to_numpy()).transform("all").to_numpy()
    add(np.isnan(pub) & ~np.isnan(w), "missing_score", lambda i: f"「{labels[i]}」得分缺失")
    add(np.isnan(w) & ~no_points_form, "missing_points",
        lambda i: f"「{labels[i]}」没有分值，无法重新计分")  # fmt: skip
    first_of_form = no_points_form & ~pid_str.duplicated().to_numpy()
    for i in np.flatnonzero(first_of_form):
        _flag(flags, pid_arr[i], None, "missing_points",
              "表上各项指标只有得分、没有分值：无法逐项重新计分，只核对合计")  # fmt: skip
    add(
        full_missed & not_rep,
        "full_marks_target_missed",
        lambda i: (
            f"「{labels[i]}」实际完成值 {act[i]} 未达到指标值 "
            f"{tgt[i]}，却得满分 {w[i]:g}；按国家口径应得 {scores['national'][i]:.2f} 分"
        ),
    )
    add(
        full_missed & ~not_rep,
        "rounding_full_marks",
        lambda i: f"「{labels[i]}」未达到指标值，按{VARIANT_ZH[reproduced[i]]}得满分",
    )
    add(
        not_rep & ~full_missed,
        "score_unexplained",
        lambda i: (
            f"「{labels[i]}」得分 {pub[i]:g}，按国家口径应为 {scores['national'][i]:.2f} 分，"
            "任何已知口径均无法复现"
        ),
    )
    add(
        known & ~band_nat & ~band_5 & ~special,
        "qualitative_outside_tier",
        lambda i: f"「{labels[i]}」评为「{act[i]}」，得分 {pub[i]:g} 不在该档分数区间",
    )
    add(
        qual & ~known & ~special,
        "qualitative_unrecognized",
        lambda i: f"「{labels[i]}」完成情况「{act[i]}」无法对应档次",
    )
    add(
        unparse & ~unit_bad,
        "unparseable",
        lambda i: (
            f"「{labels[i]}」指标值「{tgt[i]}」或完成值「{act[i]}」"
            f"无法识别：{t_err[i] or a_err[i] or '完成值应为数值'}"
        ),
    )
    add(
        unit_bad,
        "unit_mismatch",
        lambda i: f"「{labels[i]}」完成值「{act[i]}」与指标值「{tgt[i]}」单位不一致",
    )
    pos_op = ~np.isin(op, ["<=", "<", "=", "range"])
    with np.errstate(invalid="ignore"):
        over = quant & pos_op & (t_lo > 0) & (a >= 1.3 * t_lo)
    add(
        over & dev_empty,
        "over_achievement_unexplained",
        lambda i: f"「{labels[i]}」完成值 {act[i]} 超过指标值 {tgt[i]} 的 1.3 倍，未说明原因",
    )
    add(
        missed & dev_empty,
        "missing_deviation",
        lambda i: f"「{labels[i]}」未完成年度指标，未填写偏差原因",
    )
    lv2 = rows["level2"].astype(str).to_numpy(object)
    needs_q = pd.Series(lv2).str.contains("数量|质量|时效|成本", regex=True).to_numpy()
    add(
        needs_q & ~t_numeric & ~parse_err,
        "unquantified_target",
        lambda i: f"「{labels[i]}」属于{lv2[i]}，指标值「{tgt[i]}」未量化",
    )
    rows["kind"] = kind
    rows["recomputed"] = recomputed
    rows["reproduced_by"] = reproduced
    scorable = quant | is_bool | qual
    for name, _, _ in VARIANTS:
        rows[f"score_{name}"] = np.where(scorable, scores[name], np.nan)
        # a row that cannot be re-scored enters the totals as published (counted, listed)
        rows[f"total_{name}"] = np.where(scorable & ~np.isnan(w), scores[name], pub)
    rows["as_published"] = ~(scorable & ~np.isnan(w)) & ~np.isnan(pub)
    # ---- projects (vectorised group statistics; a plain loop over arrays for the budget)
    for f in inp.input_flags:
        _flag(flags, f["project_id"], f.get("row"), f["code"], f["message"])
    pid_s = rows["project_id"].astype(str)
    g = rows.groupby(pid_s, sort=False)
    agg = pd.DataFrame({"pub_sum": g["score"].sum(min_count=1), "points_sum": g["points"].sum(),
                        "no_points": g["points"].count() == 0,
                        "as_published": g["as_published"].sum()})  # fmt: skip
    for name, _, _ in VARIANTS:
        agg[f"sum_{name}"] = g[f"total_{name}"].sum()
    l1s, l2s = rows["level1"].astype(str), rows["level2"].astype(str)
    has = (
        pd.DataFrame(
            {
                "out": l1s.str.contains("产出"),
                "ben": l1s.str.contains("效益"),
                "sat": l1s.str.contains("满意") | l2s.str.contains("满意"),
                "cost": l2s.str.contains("成本"),
                "t5": reproduced == "tiers_80_50",
                "q": quant,
                "eq": quant & np.isclose(a, t_lo),
                "pct": quant & (ap["dim"] == "percent").to_numpy(),
                "p100": quant & (ap["dim"] == "percent").to_numpy() & np.isclose(a, 100),
            }
        )
        .groupby(pid_s.to_numpy(), sort=False)
        .sum()
    )
    eq_all = (has["q"] >= 3) & (has["eq"] == has["q"])
    all100 = (has["pct"] >= 3) & (has["p100"] == has["pct"])
    proj = inp.projects.drop_duplicates("project_id").set_index("project_id").reindex(agg.index)
    nat_scale = get_grade_scale(scale)
    self_scale = get_grade_scale("self_evaluation")
    budget_variants = _budget_variants()
    cols = {
        c: proj[c].to_numpy()
        for c in (
            "budget_points",
            "full_year_budget",
            "initial_budget",
            "spent",
            "budget_score",
            "execution_rate",
            "total",
            "grade",
        )
    }
    summary = []
    sums = {name: agg[f"sum_{name}"].to_numpy(float) for name, _, _ in VARIANTS}
    pub_sum = agg["pub_sum"].to_numpy(float)
    points_sum = agg["points_sum"].to_numpy(float)
    for k, pid in enumerate(agg.index):
        b_pts = float(cols["budget_points"][k]) if pd.notna(cols["budget_points"][k]) else 0.0
        full, init, spent = (
            cols["full_year_budget"][k],
            cols["initial_budget"][k],
            cols["spent"][k],
        )
        b_pub = float(cols["budget_score"][k]) if pd.notna(cols["budget_score"][k]) else 0.0
        b_scores: dict[str, float] = {}
        rate_true = np.nan
        b_nat = 0.0
        if b_pts > 0 and pd.notna(spent):
            for vname, denom, rate_round, cap, score_round in budget_variants:
                base = full if denom == "full" else init
                rate = _rate(spent, base, rate_round)
                sc = budget_points(rate, b_pts, cap=cap)
                b_scores[vname] = _round_one(sc, score_round)
            b_nat = b_scores["national"] if profile != "platform" else b_scores["budget_no_cap"]
            if not any(abs(v - b_pub) <= _TOL for v in b_scores.values()):
                _flag(
                    flags,
                    pid,
                    None,
                    "budget_score_mismatch",
                    f"预算执行率得分 {b_pub:g}，按执行率计应为 {b_scores['national']:.2f} 分",
                )
            rate_true = _rate(spent, full, 2)
            r_pub = cols["execution_rate"][k]
            if pd.notna(r_pub):
                r_pub = float(r_pub) * (100 if float(r_pub) <= 1.5 else 1)
                # a rate printed with fewer decimals (86% for 86.20%) is the same rate
                shown = {_rate(spent, b, d) for b in (full, init) if pd.notna(b) and b > 0
                         for d in (0, 1, 2)}  # fmt: skip
                if not any(abs(r_pub - x) <= _TOL for x in shown):
                    _flag(
                        flags,
                        pid,
                        None,
                        "rate_mismatch",
                        f"填报执行率 {r_pub:g}%，按全年执行数/全年预算数应为 {rate_true:.2f}%",
                    )
        pub_total = float(cols["total"][k]) if pd.notna(cols["total"][k]) else np.nan
        calc_pub = (pub_sum[k] if pd.notna(pub_sum[k]) else 0.0) + b_pub
        if pd.notna(pub_total) and abs(pub_total - calc_pub) > _TOL:
            _flag(
                flags,
                pid,
                None,
                "total_mismatch",
                f"总分 {pub_total:g} ≠ 各项得分之和 {calc_pub:.2f}",
            )
        rec_total = round_score(float(sums[nat][k]) + b_nat, 2)
        under = ""
        if pd.notna(pub_total):
            for name, _, _ in VARIANTS:
                bv = (
                    b_scores.get(
                        "budget_no_cap" if name.startswith("platform") else "national", 0.0
                    )
                    if b_scores
                    else 0.0
                )
                if abs(float(sums[name][k]) + bv - pub_total) <= _TOL:
                    under = name + ("+tiers_80_50" if has.loc[pid, "t5"] else "")
                    break
        tot_pts = float(points_sum[k]) + b_pts
        if abs(tot_pts - 100) > _TOL and not agg["no_points"].iloc[k]:
            _flag(
                flags,
                pid,
                None,
                "weights_total",
                f"分值合计 {tot_pts:g}（指标 {points_sum[k]:g} + 预算执行率 {b_pts:g}），应为 100",
            )
        h = has.loc[pid]
        if not (h["out"] and h["ben"]):
            miss = "、".join(x for x, ok in (("产出", h["out"]), ("效益", h["ben"])) if not ok)
            _flag(flags, pid, None, "missing_level1", f"缺少一级指标：{miss}指标")
        if not h["sat"]:
            _flag(flags, pid, None, "missing_satisfaction", "没有服务对象满意度指标")
        if not h["cost"]:
            _flag(
                flags,
                pid,
                None,
                "no_cost_indicator",
                "没有成本指标（基建、修缮、购置类项目必须设置）",
            )
        if eq_all[pid]:
            _flag(
                flags,
                pid,
                None,
                "all_actual_equal_target",
                "所有定量指标完成值均与指标值相同，疑似照抄",
            )
        if all100[pid]:
            _flag(flags, pid, None, "all_100_percent", "所有百分比完成值均为 100%")
        grade_v = cols["grade"][k]
        pub_grade = str(grade_v).strip() if pd.notna(grade_v) else ""
        # A grade consistent with the published total, or with the sum of the published scores
        # when the total itself is miscalculated (flagged as total_mismatch), is not a second
        # error; either preset (national 90/80/60, self-evaluation 80/70/60) is accepted.
        ok_grades = set()
        for tot in (pub_total, calc_pub):
            for sc_ in (nat_scale, self_scale):
                if pd.notna(tot) and tot >= 0:
                    ok_grades.add(sc_.assign(tot))
        if pub_grade and pd.notna(pub_total) and pub_grade not in ok_grades:
            expect = nat_scale.assign(pub_total) if pub_total >= 0 else "?"
            _flag(
                flags,
                pid,
                None,
                "grade_mismatch",
                f"自评等级「{pub_grade}」与总分 {pub_total:g} 不符（应为「{expect}」）",
            )
        if pub_grade == "优" and pd.notna(rate_true) and rate_true < 85:
            _flag(flags, pid, None, "grade_cap", f"预算执行率 {rate_true:.2f}% 低于 85% 仍自评为优")
        rec_grade = nat_scale.assign(rec_total) if rec_total >= 0 else None
        summary.append(
            (
                str(pid),
                pub_total,
                rec_total,
                round_score(rec_total - pub_total, 2) if pd.notna(pub_total) else np.nan,
                pub_grade,
                rec_grade or "",
                under,
            )
        )
    ftab = pd.DataFrame(flags, columns=["project_id", "row", "code", "severity", "kind", "message"])
    base_cols = ["project_id", "published_total", "recomputed_total", "difference",
                 "published_grade", "recomputed_grade"]  # fmt: skip
    summ = pd.DataFrame(summary, columns=[*base_cols, "reproduced_under"])
    sev = ftab["severity"].to_numpy()
    by_sev = pd.DataFrame({"project_id": ftab["project_id"], "e": sev == "error",
                           "u": sev == "unverifiable", "w": sev == "warning"})  # fmt: skip
    counts = by_sev.groupby("project_id").sum()
    codes = (
        ftab[["project_id", "code"]]
        .drop_duplicates()
        .sort_values(["project_id", "code"])
        .groupby("project_id")["code"]
        .agg(";".join)
    )
    summ["errors"] = summ["project_id"].map(counts["e"]).fillna(0).astype(int)
    summ["unverifiable"] = summ["project_id"].map(counts["u"]).fillna(0).astype(int)
    summ["warnings"] = summ["project_id"].map(counts["w"]).fillna(0).astype(int)
    summ["rows_as_published"] = summ["project_id"].map(agg["as_published"]).fillna(0).astype(int)
    summ["flags"] = summ["project_id"].map(codes).fillna("")
    summ = summ[[*base_cols, "errors", "unverifiable", "warnings", "reproduced_under",
                 "rows_as_published", "flags"]]  # fmt: skip
    rf = ftab.dropna(subset=["row"])
    row_codes = {}
    for pid_, r_, c_ in zip(rf["project_id"], rf["row"], rf["code"], strict=True):
        key = (pid_, int(r_))
        row_codes[key] = f"{row_codes[key]};{c_}" if key in row_codes else c_
    rows["flags"] = [
        row_codes.get((p_, int(r_)) if pd.notna(r_) else None, "")
        for p_, r_ in zip(pid_s, rows["row"], strict=True)
    ]
    return ReviewResult(rows, summ, ftab, inp.projects)


def _budget_variants() -> list[tuple[str, str, int | None, bool, str]]:
    """(name, denominator, rate decimals or None, cap, score rounding) — national first."""
    return [
        ("national", "full", 2, True, "2"),
        ("budget_no_cap", "full", 2, False, "2"),
        ("budget_initial", "initial", 2, True, "2"),
        ("budget_rate_unrounded", "full", None, True, "2"),
        ("budget_rate_integer", "full", 0, True, "2"),
        ("budget_score_integer", "full", 2, True, "0"),
        ("budget_score_one_decimal", "full", 2, True, "1"),
    ]
