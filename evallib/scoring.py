"""The scoring core: indicator system + evidence → points, totals, grade, reasons.

:func:`evaluate` applies each leaf's rule, then the same steps for every rule (RULES.md §3):

1. clamp the rule's score to [0, 分值] (the uncapped budget variant may exceed 分值, flagged);
2. round half away from zero to the profile's decimals (2);
3. subtract any 扣减分数 and floor at 0;
4. sum the rounded scores exactly (``decimal``) into subtotals and the total;
5. grade the total, then apply caps and vetoes (RULES.md §2).

Every lost point gets a Chinese 扣分原因 sentence.  All evidence problems are collected and
raised together.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from .errors import EvalError, EvidenceError, ProblemCollector
from .evidence import Evidence, EvidenceItem
from .grading import CapRule, GradeScale, VetoRule, apply_caps, get_grade_scale
from .indicators import LEVEL_NAMES, CompiledLeaf, IndicatorSystem
from .parsing import parse_value
from .profiles import Profile, get_profile
from .results import EvaluationResult, Provenance
from .rounding import round_score
from .rules import RuleInput, RuleOutcome

__all__ = ["FLAG_TEXT", "evaluate"]

FLAG_TEXT = {
    "over_achievement": "实际完成值超过指标值 1.3 倍及以上，请核实指标值是否设置偏低并说明原因",
    "negative_actual_clamped": "实际完成值为负数，已按 0 计分",
    "target_zero": "指标值为 0，设置不合理",
    "possible_fraction_percent": "实际完成值疑似以小数填写百分比（如 0.95 应为 95%）",
    "default_tier_point": "定性指标未给出具体得分，按档次默认分值计分",
    "reason_missing": "扣分但未填写评分理由",
    "rate_above_100": "预算执行率超过 100%，请核实",
    "budget_zero": "预算数为 0，执行率按 0 计",
    "uncapped_score": "得分超过分值（平台口径不封顶）",
    "score_converted_by_weight": "按权重换算的得分（权重 × 得分 / 下级合计）",
    "target_from_evidence": "年度指标值取自证据文件",
    "deduction_applied": "已扣减分数",
}


def _exact_sum(xs: list[float]) -> float:
    return float(sum((Decimal(repr(x)) for x in xs), Decimal(0)))


def _match_evidence(
    system: IndicatorSystem, evidence: Evidence, probs: ProblemCollector
) -> dict[str, EvidenceItem]:
    leaves = system.leaves()
    by_code = {lf.code: lf for lf in leaves}
    by_name: dict[str, list[CompiledLeaf]] = {}
    for lf in leaves:
        by_name.setdefault(lf.name, []).append(lf)
    out: dict[str, EvidenceItem] = {}
    for key, item in evidence.indicators.items():
        where = {"file": evidence.source, "row": item.row, "column": "指标", "value": key}
        if key in by_code:
            lf = by_code[key]
        elif key in by_name and len(by_name[key]) == 1:
            lf = by_name[key][0]
        elif key in by_name:
            probs.add(
                f"指标名称「{key}」在指标体系中出现多次，无法确定对应哪一个 (ambiguous name)",
                fix="改用指标编码：" + "、".join(x.code for x in by_name[key]),
                **where,
            )
            continue
        else:
            probs.add(
                "证据中的指标在指标体系中不存在 (unknown indicator)",
                fix="检查指标编码或名称是否与指标体系一致",
                **where,
            )
            continue
        if lf.code in out:
            probs.add("同一指标的证据出现两次 (duplicate evidence)", **where)
            continue
        out[lf.code] = item
    for lf in leaves:
        if lf.code not in out and lf.rule.name == "budget_execution" and evidence.budget:
            out[lf.code] = EvidenceItem()  # scored from the project's budget figures
        elif lf.code not in out:
            probs.add(
                f"缺少指标 {lf.code}「{lf.name}」的证据 (missing evidence)",
                file=evidence.source,
                fix="在证据文件中补充该指标的实际完成值或评分",
            )
    return out


def _score_leaf(
    lf: CompiledLeaf, item: EvidenceItem, evidence: Evidence, prof: Profile
) -> tuple[dict[str, Any], RuleOutcome]:
    where = {
        "file": evidence.source,
        "row": item.row,
        "column": f"指标 {lf.code}「{lf.name}」",
    }
    target = lf.target
    flags: list[str] = []
    f = lf.indicator.points_factor
    if f != 1.0 and (item.score is not None or item.deduction):
        # weight-in-percent layout: scores are written out of the indicator's own 分值
        item = item.model_copy(update={
            "score": None if item.score is None else item.score * f,
            "deduction": item.deduction * f if item.deduction else item.deduction,
        })  # fmt: skip
        flags.append("score_converted_by_weight")
    if item.target is not None and str(item.target).strip():
        target = parse_value(item.target, **where)
        flags.append("target_from_evidence")
    inp = RuleInput(
        code=lf.code,
        name=lf.name,
        points=lf.points,
        target=target,
        params=lf.params,
        item=item,
        profile=prof,
        budget=evidence.budget_figures(item) if lf.rule.name == "budget_execution" else {},
        where=where,
    )
    out = lf.rule.func(inp)
    w = lf.points
    raw = out.score
    s = max(raw, 0.0)
    if out.cap:
        s = min(s, w)
    s = round_score(s, prof.decimals, prof.rounding)
    reasons = [out.reason] if out.reason else []
    if item.deduction:
        s = max(round_score(s - item.deduction, prof.decimals, prof.rounding), 0.0)
        flags.append("deduction_applied")
        own_reason = lf.rule.name in ("manual", "qualitative", "criteria")
        why = f"（{item.reason}）" if item.reason and not own_reason else ""
        reasons.append(f"扣减 {item.deduction:g} 分{why}")
    lost = round_score(max(w - s, 0.0), prof.decimals, prof.rounding)
    # No points lost (e.g. 94.99/95·10 rounds to 10.00): no 扣分原因.
    reason = f"{'；'.join(reasons)}，扣 {lost:.{prof.decimals}f} 分" if lost > 0 and reasons else ""
    all_flags = sorted(set(flags + out.flags))
    row = {
        "code": lf.code,
        "path": lf.path,
        "name": lf.name,
        "points": w,
        "target": "" if target is None else target.raw,
        "actual": out.actual,
        "rule": lf.rule.name,
        "rule_label": lf.rule.label,
        "raw_score": raw,
        "score": s,
        "lost": lost,
        "reason": reason,
        "flags": ";".join(all_flags),
        "deviation": item.deviation or "",
    }
    return row, out


def _fact(name: str, facts: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[bool, Any]:
    if name in facts:
        return True, facts[name]
    for r in rows:
        if name in (r["code"], r["name"]):
            try:
                v = parse_value(r["actual"])
            except EvalError:
                return True, r["actual"]
            return True, v.number if v.number is not None else (
                v.boolean if v.boolean is not None else r["actual"]
            )
    return False, None


def evaluate(
    system: IndicatorSystem,
    evidence: Evidence,
    *,
    profile: str | Profile | None = None,
    grade_scale: str | GradeScale | None = None,
    provenance: Provenance | None = None,
) -> EvaluationResult:
    """Score an indicator system against evidence.

    Parameters
    ----------
    system : IndicatorSystem
        Validated system (:func:`~evallib.indicators.load_system`, :func:`evallib.templates.load`).
    evidence : Evidence
        Per-indicator evidence (:func:`~evallib.evidence.load_evidence`).
    profile : str or Profile, optional
        Rule profile; default: the system's, else ``national``.
    grade_scale : str or GradeScale, optional
        Grade scale; default: the system's, else the profile's.
    provenance : Provenance, optional
        Input hashes and parameters to record in the result.

    Returns
    -------
    EvaluationResult

    Raises
    ------
    EvidenceError
        Every missing, unknown or unusable piece of evidence, together.

    Examples
    --------
    >>> from evallib import Evidence
    >>> from evallib.indicators import system_from_dict
    >>> system = system_from_dict({"name": "示例", "total": 10, "indicators": [
    ...     {"code": "1", "name": "完成率", "points": 6, "target": "≥95%", "rule": "positive"},
    ...     {"code": "2", "name": "办理时限", "points": 4, "target": "≤30天", "rule": "auto"}]})
    >>> ev = Evidence(indicators={"1": {"actual": "90%"}, "2": {"actual": "40天"}})
    >>> res = evaluate(system, ev)
    >>> res.indicators[["code", "score", "lost"]].values.tolist()
    [['1', 5.68, 0.32], ['2', 3.0, 1.0]]
    >>> res.total
    8.68
    """
    prof = get_profile(profile or system.profile)
    scale = get_grade_scale(grade_scale or system.grading.scale or prof.grade_scale)
    probs = ProblemCollector()
    items = _match_evidence(system, evidence, probs)
    rows: list[dict[str, Any]] = []
    metrics: dict[str, float] = {}
    for lf in system.leaves():
        item = items.get(lf.code)
        if item is None:
            continue
        try:
            row, out = _score_leaf(lf, item, evidence, prof)
        except EvalError as exc:
            probs.extend(exc)
            continue
        rows.append(row)
        metrics.update(out.metrics)
    probs.raise_if_any(EvidenceError, "证据 (evidence) 有误")

    depth = system.depth
    table = pd.DataFrame(rows)
    for i in range(depth - 1):
        table[LEVEL_NAMES[i]] = [p[i] if len(p) > i + 1 else "" for p in table["path"]]
    table["level"] = [len(p) for p in table["path"]]
    table = table.drop(columns=["path"])

    # Subtotals: exact sums of the rounded leaf scores.
    score_of = dict(zip(table["code"], table["score"], strict=True))
    subtotals = []

    def subtotal(node: Any, level: int) -> float:
        if not node.children:
            return score_of[node.code]
        s = _exact_sum([subtotal(c, level + 1) for c in node.children])
        subtotals.append({"code": node.code, "name": node.name, "level": level,
                          "points": node.points, "score": s,
                          "lost": float(Decimal(repr(node.points)) - Decimal(repr(s))),
                          })  # fmt: skip
        return s

    top_scores = [subtotal(n, 1) for n in system.indicators]
    total = _exact_sum(top_scores)
    sub = pd.DataFrame(subtotals, columns=["code", "name", "level", "points", "score", "lost"])
    sub = sub.sort_values("code", key=lambda c: c.map(_code_key)).reset_index(drop=True)

    grade_before = scale.assign(total)
    grade = grade_before
    warnings: list[str] = []
    caps_applied: list[dict[str, Any]] = []
    vetoes_applied: list[dict[str, Any]] = []
    facts = {**metrics, **evidence.facts}
    caps = apply_caps(grade, system.grading.caps, lambda f: _fact(f, facts, rows), scale)
    warnings += [f"封顶规则的条件「{f}」没有数据，未检查该规则" for f in caps.missing]
    caps_applied += [_rule_record(c, v, before, c.max_grade) for c, v, before in caps.applied]
    grade, ceiling = caps.grade, caps.ceiling  # ceiling: tightest cap (used by sensitivity)
    final_total = total
    for veto in system.grading.vetoes:
        found, val = _fact(veto.when.fact, facts, rows)
        if not found:
            warnings.append(f"一票否决条件「{veto.when.fact}」没有数据，未检查该规则")
            continue
        if veto.when.holds(val):
            new = veto.grade or scale.labels[-1]
            vetoes_applied.append(_rule_record(veto, val, grade, new))
            grade = new
            if veto.max_total is not None and final_total > veto.max_total:
                final_total = veto.max_total
    if grade is None:
        warnings.append(f"总分 {total:g} 不在评价等级「{scale.name}」的任何区间内，未定级")
    for code, flags in zip(table["code"], table["flags"], strict=True):
        for f in filter(None, flags.split(";")):
            if f in ("over_achievement", "possible_fraction_percent", "reason_missing",
                     "rate_above_100", "budget_zero", "target_zero", "uncapped_score"):  # fmt: skip
                warnings.append(f"指标 {code}：{FLAG_TEXT[f]}")
    consequence = scale.band(grade).consequence if grade in scale.labels else None
    return EvaluationResult(
        system_name=system.name,
        system_kind=system.kind,
        declared_total=system.total,
        profile=prof,
        grade_scale=scale,
        indicators=table,
        subtotals=sub,
        total=final_total,
        computed_total=total,
        grade=grade,
        grade_before_caps=grade_before,
        grade_ceiling=ceiling,
        caps_applied=caps_applied,
        vetoes_applied=vetoes_applied,
        warnings=warnings,
        facts={k: facts[k] for k in sorted(facts)},
        consequence=consequence,
        provenance=provenance or Provenance(),
        decimals=prof.decimals,
    )


def _code_key(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in str(code).split("."))


def _rule_record(
    rule: CapRule | VetoRule, value: Any, before: str | None, after: str
) -> dict[str, Any]:
    d: dict[str, Any] = {
        "condition": rule.when.describe(),
        "value": value,
        "grade_before": before,
        "grade_after": after,
        "reason": rule.reason or rule.when.describe(),
    }
    if isinstance(rule, VetoRule):
        d["name"] = rule.name
        d["max_total"] = rule.max_total
    return d
