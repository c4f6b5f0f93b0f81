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
from .rescore import TOL, VARIANT_ZH, Rescored, round_variant

__all__ = ["FLAGS", "BudgetReview", "FlagSink", "budget_checks", "grades_of", "project_checks",
           "row_flags"]  # fmt: skip

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
            "project_id": str(pid), "row": None if row is None or row != row else int(row),
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


@dataclass
class BudgetReview:
    """Budget execution of every project at once (arrays aligned with the projects).

    Attributes
    ----------
    active : ndarray of bool
        The project has a budget 分值 and a 全年执行数 (else nothing is checked).
    scores : dict of str → ndarray
        Budget score under each budget variant (:func:`budget_variants`).
    rate_true : ndarray
        全年执行数 / 全年预算数 in percent, rounded to 2 decimals (NaN when not active).
    messages : list of list of (code, message)
        The flags of each project, in the order they are raised.
    """

    active: np.ndarray
    scores: dict[str, np.ndarray]
    rate_true: np.ndarray
    messages: list[list[tuple[str, str]]]

    def scores_of(self, i: int) -> dict[str, float]:
        """Project i's variant scores ({} when not active)."""
        return {k: float(v[i]) for k, v in self.scores.items()} if self.active[i] else {}


def budget_checks(proj: pd.DataFrame) -> BudgetReview:
    """Budget score under every budget variant, flagged when none gives the published one;
    the published rate checked against the figures — for all projects at once, through the
    core's :func:`~evallib.rules.execution_rate` and :func:`~evallib.rules.budget_points`.

    ``proj`` has the columns budget_points, budget_score, full_year_budget, initial_budget,
    spent and execution_rate (one row per project).
    """
    from ..rules import budget_points, execution_rate

    col = {c: pd.to_numeric(proj[c], errors="coerce").to_numpy(float) for c in (
        "budget_points", "budget_score", "full_year_budget", "initial_budget", "spent",
        "execution_rate")}  # fmt: skip
    b_pts, b_pub, spent = col["budget_points"], col["budget_score"], col["spent"]
    base = {"full": col["full_year_budget"], "initial": col["initial_budget"]}
    active = (np.nan_to_num(b_pts) > 0) & ~np.isnan(spent)
    rates = {(d, n): execution_rate(spent, base[d], n)
             for d in base for n in (None, 0, 1, 2)}  # fmt: skip
    scores = {name: round_variant(budget_points(rates[denom, r], b_pts, cap=cap), s_round)
              for name, denom, r, cap, s_round in budget_variants()}  # fmt: skip
    rate_true = np.where(active, rates["full", 2], np.nan)
    explained = np.zeros(len(proj), dtype=bool)
    for v in scores.values():
        explained |= np.abs(v - b_pub) <= TOL
    r_pub = col["execution_rate"]
    r_pub = r_pub * np.where(r_pub <= 1.5, 100, 1)
    shown = np.zeros(len(proj), dtype=bool)
    for d, b in base.items():
        for n in (0, 1, 2):
            shown |= (np.nan_to_num(b) > 0) & (np.abs(r_pub - rates[d, n]) <= TOL)
    over = np.nan_to_num(base["full"]) > 0
    over &= spent > base["full"] + TOL
    messages: list[list[tuple[str, str]]] = [[] for _ in range(len(proj))]
    for i in np.flatnonzero(active):
        nat, msgs = scores["national"][i], messages[i]
        if np.isnan(b_pub[i]):  # a blank cell is not a published 0
            msgs.append(("budget_score_missing",
                         f"预算执行率得分未填写（按执行率计应为 {nat:.2f} 分）"))  # fmt: skip
        elif not explained[i]:
            msgs.append(("budget_score_mismatch",
                         f"预算执行率得分 {b_pub[i]:g}，按执行率计应为 {nat:.2f} 分"))  # fmt: skip
        if over[i]:
            msgs.append(("spent_over_budget",
                         f"全年执行数 {spent[i]:g} 超过全年预算数 {base['full'][i]:g}（执行率 "
                         f"{rate_true[i]:.2f}%），请核实是否有预算调整或其他资金"))  # fmt: skip
        if not np.isnan(r_pub[i]) and not shown[i]:
            msgs.append(("rate_mismatch", f"填报执行率 {r_pub[i]:g}%，按全年执行数/全年预算数应为 "
                         f"{rate_true[i]:.2f}%"))  # fmt: skip
    return BudgetReview(active, scores, rate_true, messages)


def grades_of(scale: GradeScale, totals: np.ndarray) -> np.ndarray:
    """Grade of each total ≥ 0 (None for NaN and negative totals)."""
    return scale.assign_array(np.where(totals >= 0, totals, np.nan))


def project_checks(
    frame: pd.DataFrame, layouts: list[Layout], rate_true: np.ndarray,
    scales: tuple[GradeScale, GradeScale],
) -> list[list[tuple[str, str]]]:  # fmt: skip
    """Whole-form checks of every project at once; each project's (code, message) list in the
    order raised.

    - 总分 equal to the sum of the published scores (budget included);
    - 分值 adding to 100, the 一级 groups the layout requires, satisfaction and cost indicators,
      actuals copied from targets, all 100 %;
    - a grade consistent with the published total, or with the sum of the published scores
      when the total itself is miscalculated (flagged as total_mismatch), is not a second
      error; either preset (national 90/80/60, self-evaluation 80/70/60) is accepted.  The
      regional 85 % cap (grading preset ``budget_rate_85``) is a warning.

    ``frame`` (one row per project, aligned with ``layouts`` and ``rate_true``) has total,
    calc_pub (sum of published scores), points_sum, budget_points, no_points, level1, grade
    and the counts sat, cost, q, eq, pct, p100.
    """
    col = {c: frame[c].to_numpy() for c in frame.columns}
    total, calc = col["total"].astype(float), col["calc_pub"].astype(float)
    points, b_pts = col["points_sum"].astype(float), col["budget_points"].astype(float)
    n = len(frame)
    bad_total = ~np.isnan(total) & (np.abs(total - calc) > TOL)
    bad_weights = (np.abs(points + b_pts - 100) > TOL) & ~col["no_points"].astype(bool)
    copied = (col["q"] >= 3) & (col["eq"] == col["q"])
    all100 = (col["pct"] >= 3) & (col["p100"] == col["pct"])
    grade = col["grade"]
    nat = scales[0]
    ok = np.zeros(n, dtype=bool)
    for sc in scales:
        for t in (total, calc):
            ok |= grades_of(sc, t) == grade
    expect = grades_of(nat, total)
    bad_grade = (grade != "") & ~np.isnan(total) & ~ok
    cap = preset_cap("budget_rate_85")
    labels = set(nat.labels)
    may_cap = np.zeros(n, dtype=bool)  # the cap's condition holds (else it cannot apply)
    for i in np.flatnonzero(~np.isnan(rate_true)):
        may_cap[i] = grade[i] in labels and cap.when.holds(rate_true[i])
    out: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    for i in range(n):
        msgs, lv1 = out[i], col["level1"][i]
        if bad_total[i]:
            msgs.append(("total_mismatch", f"总分 {total[i]:g} ≠ 各项得分之和 {calc[i]:.2f}"))
        if bad_weights[i]:
            msgs.append(("weights_total", f"分值合计 {points[i] + b_pts[i]:g}（指标 "
                         f"{points[i]:g} + 预算执行率 {b_pts[i]:g}），应为 100"))  # fmt: skip
        miss = ["/".join(words) for words in layouts[i].required_level1
                if not any(w in lv1 for w in words)]  # fmt: skip
        if miss:
            msgs.append(("missing_level1",
                         f"缺少一级指标：{'、'.join(miss)}（按{layouts[i].name_zh}）"))  # fmt: skip
        if not col["sat"][i]:
            msgs.append(("missing_satisfaction", "没有服务对象满意度指标"))
        if not col["cost"][i]:
            msgs.append(("no_cost_indicator", "没有成本指标（基建、修缮、购置类项目必须设置）"))
        if copied[i]:
            msgs.append(("all_actual_equal_target", "所有定量指标完成值均与指标值相同，疑似照抄"))
        if all100[i]:
            msgs.append(("all_100_percent", "所有百分比完成值均为 100%"))
        if bad_grade[i]:
            msgs.append(("grade_mismatch", f"自评等级「{grade[i]}」与总分 {total[i]:g} 不符"
                         f"（应为「{expect[i] or '?'}」）"))  # fmt: skip
        if may_cap[i]:
            capped, applied = capped_grade(grade[i], [cap], {"预算执行率": rate_true[i]}, nat)
            if applied:
                msgs.append(("grade_cap", f"预算执行率 {rate_true[i]:.2f}% 低于 85% 仍自评为"
                             f"「{grade[i]}」（部分地区规定最高为「{capped}」）"))  # fmt: skip
    return out
