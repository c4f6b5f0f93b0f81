"""Review flags: what a careful reviewer notes on a published form, one function per family.

Severity (docs/review.md): *error* = provably inconsistent (sums that do not add up, a score
above 分值, a score no documented variant explains when target, actual and 分值 are all on the
form, a grade contradicting the total or the caps); *unverifiable* = cannot be re-scored from
what the form shows (listed, not an error); *warning* = plausibility.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..grading import GradeScale, capped_grade, preset_cap
from .layouts import Layout
from .rescore import TOL, VARIANT_ZH, Rescored, rate_of, round_one

__all__ = ["FLAGS", "FlagSink", "budget_checks", "grade_checks", "row_flags", "structure_checks",
           "total_check"]  # fmt: skip

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
    "budget_score_missing": ("unverifiable", "input", "预算执行率得分未填写"),
    "spent_over_budget": ("warning", "plausibility", "全年执行数超过全年预算数"),
    "total_not_recomputable": ("unverifiable", "input",
                               "有指标既未填得分也无法按表上信息复算，复核总分不予给出"),
    "rate_mismatch": ("error", "rule", "填报的执行率与执行数/预算数不符"),
    "qualitative_outside_tier": ("error", "rule", "定性指标得分不在所评档次的分数区间内"),
    "weights_total": ("error", "structure", "分值合计不等于 100（或指标 90 + 预算执行率 10）"),
    "missing_level1": ("error", "structure", "缺少版式要求的一级指标（如产出、效益）"),
    "grade_mismatch": ("error", "grade", "自评等级与总分不符"),
    "unparseable": ("unverifiable", "input",
                    "指标值或完成值无法按规则计分（空白、定性或无法识别）"),
    "unit_mismatch": ("unverifiable", "input", "完成值与指标值计量单位不一致，无法换算"),
    "inconsistent_budget": ("error", "input", "同一项目的预算数据前后不一致"),
    "missing_project": ("error", "input", "缺少项目预算信息"),
    "budget_from_subrow": ("warning", "input",
                           "年度资金总额行为 0，预算数取自其中：本年财政拨款行"),
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


@dataclass
class FlagSink:
    """Collects flags as dicts (project_id, row, code, severity, kind, message)."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, pid: Any, row: Any, code: str, msg: str) -> None:
        sev, kind, _ = FLAGS[code]
        self.items.append({
            "project_id": str(pid), "row": None if row is None or pd.isna(row) else int(row),
            "code": code, "severity": sev, "kind": kind, "message": msg,
        })  # fmt: skip

    def rows(self, mask: np.ndarray, code: str, fmt: Callable[[int], str], pid: np.ndarray,
             row: np.ndarray) -> None:  # fmt: skip
        for i in np.flatnonzero(mask):
            self.add(pid[i], row[i], code, fmt(i))


def _arithmetic(sink: FlagSink, rows: pd.DataFrame, rs: Rescored, ids: tuple) -> None:
    pub, w, lab = rs.pub, rs.w, rows["level3"].to_numpy(object)
    sink.rows(pub > w + 1e-9, "score_above_points",
              lambda i: f"「{lab[i]}」得分 {pub[i]:g} 超过分值 {w[i]:g}", *ids)  # fmt: skip
    sink.rows(pub < -1e-9, "negative_score", lambda i: f"「{lab[i]}」得分为负数 {pub[i]:g}", *ids)
    pid_str = rows["project_id"].astype(str)
    no_points = pd.Series(np.isnan(w)).groupby(pid_str.to_numpy()).transform("all").to_numpy()
    sink.rows(np.isnan(pub) & ~np.isnan(w), "missing_score",
              lambda i: f"「{lab[i]}」得分缺失", *ids)  # fmt: skip
    sink.rows(np.isnan(w) & ~no_points, "missing_points",
              lambda i: f"「{lab[i]}」没有分值，无法重新计分", *ids)  # fmt: skip
    for i in np.flatnonzero(no_points & ~pid_str.duplicated().to_numpy()):
        sink.add(ids[0][i], None, "missing_points",
                 "表上各项指标只有得分、没有分值：无法逐项重新计分，只核对合计")  # fmt: skip


def _special(rs: Rescored) -> np.ndarray:
    return (rs.pub > rs.w + 1e-9) | (rs.pub < -1e-9) | np.isnan(rs.pub) | np.isnan(rs.w)


def _rule(sink: FlagSink, rows: pd.DataFrame, rs: Rescored, ids: tuple) -> None:
    pub, w, nat, rep = rs.pub, rs.w, rs.scores["national"], rs.reproduced
    lab, tgt, act = (rows[c].to_numpy(object) for c in ("level3", "target", "actual"))
    special = _special(rs)
    full_missed = rs.missed & (np.abs(pub - w) <= TOL) & ~special
    not_rep = (rs.quant | rs.is_bool) & (rep == "") & ~special
    sink.rows(full_missed & not_rep, "full_marks_target_missed", lambda i: (
        f"「{lab[i]}」实际完成值 {act[i]} 未达到指标值 {tgt[i]}，却得满分 {w[i]:g}；"
        f"按国家口径应得 {nat[i]:.2f} 分"), *ids)  # fmt: skip
    sink.rows(full_missed & ~not_rep, "rounding_full_marks",
              lambda i: f"「{lab[i]}」未达到指标值，按{VARIANT_ZH[rep[i]]}得满分",
              *ids)  # fmt: skip
    sink.rows(not_rep & ~full_missed, "score_unexplained", lambda i: (
        f"「{lab[i]}」得分 {pub[i]:g}，按国家口径应为 {nat[i]:.2f} 分，任何已知口径均无法复现"),
        *ids)  # fmt: skip
    sink.rows(rs.known & ~rs.band_nat & ~rs.band_5 & ~special, "qualitative_outside_tier",
              lambda i: f"「{lab[i]}」评为「{act[i]}」，得分 {pub[i]:g} 不在该档分数区间",
              *ids)  # fmt: skip
    sink.rows(rs.qual & ~rs.known & ~special, "qualitative_unrecognized",
              lambda i: f"「{lab[i]}」完成情况「{act[i]}」无法对应档次", *ids)  # fmt: skip


def _input(sink: FlagSink, rows: pd.DataFrame, rs: Rescored, ids: tuple) -> None:
    lab, tgt, act = (rows[c].to_numpy(object) for c in ("level3", "target", "actual"))
    unparsed = rs.unparse & ~rs.unit_bad
    blank = np.zeros(len(tgt), dtype=bool)  # neither 指标值 nor 完成值: only unparsed rows tested
    idx = np.flatnonzero(unparsed)
    blank[idx] = [not str(tgt[i]).strip() and not str(act[i]).strip() for i in idx]
    sink.rows(unparsed & ~blank, "unparseable", lambda i: (
        f"「{lab[i]}」指标值「{tgt[i]}」或完成值「{act[i]}」无法识别："
        f"{rs.t_err[i] or rs.a_err[i] or '完成值应为数值'}"), *ids)  # fmt: skip
    sink.rows(blank, "unparseable", lambda i: (
        f"「{lab[i]}」表上没有指标值和完成值，无法复算"), *ids)  # fmt: skip
    sink.rows(rs.unit_bad, "unit_mismatch",
              lambda i: f"「{lab[i]}」完成值「{act[i]}」与指标值「{tgt[i]}」单位不一致", *ids)


def _plausibility(sink: FlagSink, rows: pd.DataFrame, rs: Rescored, ids: tuple) -> None:
    lab, tgt, act = (rows[c].to_numpy(object) for c in ("level3", "target", "actual"))
    dev_empty = rows["deviation"].astype(str).str.strip().isin(["", "无", "/", "-", "nan"])
    dev_empty = dev_empty.to_numpy()
    pos_op = ~np.isin(rs.op, ["<=", "<", "=", "range"])
    with np.errstate(invalid="ignore"):
        over = rs.quant & pos_op & (rs.t_lo > 0) & (rs.a >= 1.3 * rs.t_lo)
    sink.rows(over & dev_empty, "over_achievement_unexplained",
              lambda i: f"「{lab[i]}」完成值 {act[i]} 超过指标值 {tgt[i]} 的 1.3 倍，未说明原因",
              *ids)  # fmt: skip
    sink.rows(rs.missed & dev_empty, "missing_deviation",
              lambda i: f"「{lab[i]}」未完成年度指标，未填写偏差原因", *ids)  # fmt: skip
    lv2 = rows["level2"].astype(str).to_numpy(object)
    needs_q = pd.Series(lv2).str.contains("数量|质量|时效|成本", regex=True).to_numpy()
    sink.rows(needs_q & ~rs.t_numeric & ~rs.parse_err, "unquantified_target",
              lambda i: f"「{lab[i]}」属于{lv2[i]}，指标值「{tgt[i]}」未量化", *ids)  # fmt: skip


def row_flags(sink: FlagSink, rows: pd.DataFrame, rs: Rescored) -> None:
    """Every row-level flag, family by family."""
    ids = (rows["project_id"].to_numpy(object), rows["row"].to_numpy(object))
    for family in (_arithmetic, _rule, _input, _plausibility):
        family(sink, rows, rs, ids)


# ---------------------------------------------------------------------------- projects


def budget_variants() -> list[tuple[str, str, int | None, bool, str]]:
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


def budget_checks(sink: FlagSink, pid: Any, p: dict[str, Any]) -> tuple[dict[str, float], float]:
    """Budget score under every budget variant, flagged when none gives the published one;
    the published rate checked against the figures.  Returns the variant scores and the true
    execution rate (NaN without figures)."""
    from ..rules import budget_points

    b_pts, b_pub = p["budget_points"], p["budget_score"]
    full, init, spent = p["full_year_budget"], p["initial_budget"], p["spent"]
    if not (b_pts > 0 and pd.notna(spent)):
        return {}, np.nan
    memo: dict[tuple[Any, Any], float] = {}

    def rate(base: float, decimals: int | None) -> float:
        if (base, decimals) not in memo:
            memo[(base, decimals)] = rate_of(spent, base, decimals)
        return memo[(base, decimals)]

    scores = {}
    for name, denom, rate_round, cap, score_round in budget_variants():
        r = rate(full if denom == "full" else init, rate_round)
        scores[name] = round_one(budget_points(r, b_pts, cap=cap), score_round)
    if pd.isna(b_pub):  # a blank cell is not a published 0
        msg = f"预算执行率得分未填写（按执行率计应为 {scores['national']:.2f} 分）"
        sink.add(pid, None, "budget_score_missing", msg)
    elif not any(abs(v - b_pub) <= TOL for v in scores.values()):
        msg = f"预算执行率得分 {b_pub:g}，按执行率计应为 {scores['national']:.2f} 分"
        sink.add(pid, None, "budget_score_mismatch", msg)
    rate_true = rate(full, 2)
    if pd.notna(full) and full > 0 and spent > full + TOL:
        msg = (f"全年执行数 {spent:g} 超过全年预算数 {full:g}（执行率 {rate_true:.2f}%），"
               "请核实是否有预算调整或其他资金")  # fmt: skip
        sink.add(pid, None, "spent_over_budget", msg)
    r_pub = p["execution_rate"]
    if pd.notna(r_pub):
        r_pub = float(r_pub) * (100 if float(r_pub) <= 1.5 else 1)
        # a rate printed with fewer decimals (86% for 86.20%) is the same rate
        shown = {rate(b, d) for b in (full, init) if pd.notna(b) and b > 0
                 for d in (0, 1, 2)}  # fmt: skip
        if not any(abs(r_pub - x) <= TOL for x in shown):
            msg = f"填报执行率 {r_pub:g}%，按全年执行数/全年预算数应为 {rate_true:.2f}%"
            sink.add(pid, None, "rate_mismatch", msg)
    return scores, rate_true


def total_check(sink: FlagSink, pid: Any, pub_total: float, calc_pub: float) -> None:
    if pd.notna(pub_total) and abs(pub_total - calc_pub) > TOL:
        sink.add(pid, None, "total_mismatch", f"总分 {pub_total:g} ≠ 各项得分之和 {calc_pub:.2f}")


def structure_checks(sink: FlagSink, pid: Any, points_sum: float, b_pts: float,
                     no_points: bool, has: dict[str, Any], level1: str,
                     layout: Layout) -> None:  # fmt: skip
    """分值 adding to 100, the 一级 groups the layout requires, satisfaction and cost
    indicators, and the plausibility of the whole form (actuals copied from targets, all
    100 %)."""
    tot_pts = points_sum + b_pts
    if abs(tot_pts - 100) > TOL and not no_points:
        sink.add(pid, None, "weights_total",
                 f"分值合计 {tot_pts:g}（指标 {points_sum:g} + 预算执行率 {b_pts:g}），应为 100")
    miss = ["/".join(words) for words in layout.required_level1
            if not any(w in level1 for w in words)]  # fmt: skip
    if miss:
        sink.add(pid, None, "missing_level1",
                 f"缺少一级指标：{'、'.join(miss)}（按{layout.name_zh}）")  # fmt: skip
    if not has["sat"]:
        sink.add(pid, None, "missing_satisfaction", "没有服务对象满意度指标")
    if not has["cost"]:
        sink.add(pid, None, "no_cost_indicator", "没有成本指标（基建、修缮、购置类项目必须设置）")
    if has["q"] >= 3 and has["eq"] == has["q"]:
        sink.add(pid, None, "all_actual_equal_target", "所有定量指标完成值均与指标值相同，疑似照抄")
    if has["pct"] >= 3 and has["p100"] == has["pct"]:
        sink.add(pid, None, "all_100_percent", "所有百分比完成值均为 100%")


def grade_checks(sink: FlagSink, pid: Any, pub_grade: str, totals: tuple[float, float],
                 rate_true: float, scales: tuple[GradeScale, GradeScale]) -> None:  # fmt: skip
    """A grade consistent with the published total, or with the sum of the published scores
    when the total itself is miscalculated (flagged as total_mismatch), is not a second error;
    either preset (national 90/80/60, self-evaluation 80/70/60) is accepted.  The regional
    85 % cap (grading preset ``budget_rate_85``) is a warning."""
    pub_total = totals[0]
    nat_scale = scales[0]
    ok = {sc.assign(t) for t in totals for sc in scales if pd.notna(t) and t >= 0}
    if pub_grade and pd.notna(pub_total) and pub_grade not in ok:
        expect = nat_scale.assign(pub_total) if pub_total >= 0 else "?"
        sink.add(pid, None, "grade_mismatch",
                 f"自评等级「{pub_grade}」与总分 {pub_total:g} 不符（应为「{expect}」）")
    if pub_grade and pd.notna(rate_true) and pub_grade in nat_scale.labels:
        cap = preset_cap("budget_rate_85")
        capped, applied = capped_grade(pub_grade, [cap], {"预算执行率": rate_true}, nat_scale)
        if applied:
            sink.add(pid, None, "grade_cap",
                     f"预算执行率 {rate_true:.2f}% 低于 85% 仍自评为「{pub_grade}」"
                     f"（部分地区规定最高为「{capped}」）")  # fmt: skip
