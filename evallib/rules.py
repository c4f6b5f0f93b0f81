"""Scoring rules (评分规则): registered, pure functions from evidence to an unrounded score.

Each rule receives a :class:`RuleInput` (indicator, parsed target, validated parameters, evidence,
profile) and returns a :class:`RuleOutcome` (score before rounding, the reason for lost points in
Chinese, flags, exported metrics).  The scoring core (:mod:`evallib.scoring`) then clamps to
[0, 分值], rounds half away from zero and applies any 扣减分数 — the same for every rule.

Notation (RULES.md §3): a = actual, t = target, w = 分值.

=================  ==========================================================  =================
name               formula                                                     source
=================  ==========================================================  =================
positive           a ≥ t → w; else a/t·w; t = 0 → w if a ≥ 0 (flagged)         §3 national
equal              t = 0 → (a ≤ 0 → w, else 0); t > 0 → positive               §3 platform
reverse_ratio      a ≤ t → w; else t/a·w                                       §3 national
reverse_linear     a ≤ t → w; t < a < 2t → (2 − a/t)·w; a ≥ 2t → 0             §3 platform
reverse            reverse_ratio or reverse_linear as the profile says         §3
range              lo ≤ a ≤ hi → w; a < lo → a/lo·w; a > hi → reverse on hi    practice
auto               by the target's operator: ≥ > none → positive, = → equal,   §3
                   ≤ < → reverse, range → range
qualitative        three tiers 0.8w–w / 0.6w–0.8w / 0–0.6w (bounds a param)    §4
banded             table of [low, high) → points or fraction of w              §5
yes_no             expected answer → w, else 0                                 §5
deduction          w − Σ deductions, floored at 0                              §5
criteria           Σ points of the 评价要点 met                                §5
manual             evaluator's score, reason mandatory                         §5
budget_execution   rate = 执行数/预算数·100 (2 dp); w·rate/100, capped at w     §6
from_survey        min(rate/target, 1)·w or a banded table                     §8
=================  ==========================================================  =================
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import EvidenceError, RuleError
from .evidence import EvidenceItem
from .formulas import quantitative_score
from .parsing import ParsedValue, align, parse_value, tier_of_text
from .profiles import Profile
from .rounding import round_array, round_half_up

__all__ = [
    "RULES",
    "Band",
    "Criterion",
    "RuleDef",
    "RuleInput",
    "RuleOutcome",
    "budget_points",
    "budget_rate",
    "execution_rate",
    "get_rule",
    "register_rule",
    "resolve_rule_name",
    "tier_bands",
    "yes_no_answer",
]

TIER_LABELS = {
    "achieved": "达成年度指标",
    "partial": "部分达成年度指标并具有一定效果",
    "not_achieved": "未达成年度指标且效果较差",
}


@dataclass(frozen=True)
class RuleInput:
    """Everything a rule may look at."""

    code: str
    name: str
    points: float
    target: ParsedValue | None
    params: Any
    item: EvidenceItem
    profile: Profile
    budget: dict[str, float] = field(default_factory=dict)
    where: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleOutcome:
    """What a rule returns (before clamping and rounding by the core).

    Attributes
    ----------
    score : float
        Unrounded score.
    actual : str
        Actual value as shown in the score sheet.
    reason : str
        How the score was obtained when points are lost (Chinese sentence, no final 。).
    flags : list of str
        Flag codes (see :data:`evallib.scoring.FLAG_TEXT`).
    metrics : dict
        Values other rules, caps and vetoes may use (e.g. ``预算执行率``).
    cap : bool
        Clamp the score to 分值 (False only for the uncapped budget variant).
    """

    score: float
    actual: str = ""
    reason: str = ""
    flags: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    cap: bool = True


class NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


RuleFunc = Callable[[RuleInput], RuleOutcome]
CheckFunc = Callable[[float, ParsedValue | None, Any], list[tuple[str, str]]]


@dataclass(frozen=True)
class RuleDef:
    """A registered rule: function, parameter schema, label and validation hook."""

    name: str
    func: RuleFunc
    params: type[BaseModel]
    label: str
    needs_target: bool = False
    operators: frozenset[str | None] | None = None
    check: CheckFunc | None = None


RULES: dict[str, RuleDef] = {}

# Chinese names accepted in Excel systems (评分方法 column).
RULE_ALIASES: dict[str, str] = {
    "正向": "positive", "正向指标": "positive", "等于": "equal", "反向": "reverse",
    "反向指标": "reverse", "反向比例": "reverse_ratio", "反向线性": "reverse_linear",
    "区间指标": "range", "自动": "auto", "定量": "auto", "定性": "qualitative",
    "定性指标": "qualitative", "区间": "banded", "分档": "banded", "是否": "yes_no",
    "扣分": "deduction", "扣分制": "deduction", "要点": "criteria", "评价要点": "criteria",
    "人工": "manual", "专家打分": "manual", "预算执行率": "budget_execution",
    "满意度": "from_survey", "满意度调查": "from_survey",
}  # fmt: skip


def register_rule(
    name: str,
    *,
    label: str,
    params: type[BaseModel] = NoParams,
    needs_target: bool = False,
    operators: set[str | None] | None = None,
    check: CheckFunc | None = None,
) -> Callable[[RuleFunc], RuleFunc]:
    """Decorator registering a scoring rule under ``name``."""

    def deco(func: RuleFunc) -> RuleFunc:
        RULES[name] = RuleDef(
            name, func, params, label, needs_target,
            frozenset(operators) if operators is not None else None, check,
        )  # fmt: skip
        return func

    return deco


def resolve_rule_name(name: str) -> str:
    """Map a Chinese alias to the rule name (unknown names are returned unchanged)."""
    return RULE_ALIASES.get(name.strip(), name.strip())


def get_rule(name: str) -> RuleDef:
    """Look up a rule; an unknown name lists the available ones."""
    try:
        return RULES[resolve_rule_name(name)]
    except KeyError:
        raise RuleError(
            f"未知的评分规则 (unknown rule) {name!r}",
            value=name,
            fix=f"可选：{', '.join(sorted(RULES))}",
        ) from None


# --------------------------------------------------------------------------- helpers


def _n(x: float) -> str:
    """Short number for sentences: 95, 92.5, 0.33."""
    return f"{round_half_up(x, 4):.10g}"


def _actual(inp: RuleInput) -> ParsedValue:
    if inp.item.actual is None:
        raise EvidenceError(
            f"指标「{inp.name}」缺少实际完成值 (actual)",
            fix="在证据文件中填写该指标的实际完成值",
            **inp.where,
        )
    return parse_value(inp.item.actual, **inp.where)


def _numbers(inp: RuleInput) -> tuple[float, float, str, str, list[str]]:
    """Aligned (a, t) with display strings and flags; a < 0 clamped to 0 (RULES.md §3)."""
    if inp.target is None or not inp.target.is_numeric:
        raise EvidenceError(
            f"指标「{inp.name}」没有数值型年度指标值 (numeric target)",
            value=None if inp.target is None else inp.target.raw,
            fix="在指标体系或证据中填写年度指标值，如 ≥95%",
            **inp.where,
        )
    act = _actual(inp)
    if not act.is_numeric or act.is_range:
        raise EvidenceError(
            f"指标「{inp.name}」为定量指标，实际完成值应为数值 (number)",
            value=act.raw,
            fix="填写数值，如 96% 或 735人次；定性评价请改用 qualitative 规则",
            **inp.where,
        )
    a, t, unit = align(act, inp.target, **inp.where)
    flags = []
    if a < 0:
        a = 0.0
        flags.append("negative_actual_clamped")
    if unit.dimension == "percent" and not act.unit_written and 0 < a <= 1 and t > 1:
        flags.append("possible_fraction_percent")
    return a, t, f"{_n(a)}{unit.symbol}", inp.target.display(), flags


def _positive_why(a: float, t: float, over: float) -> tuple[str, list[str]]:
    if t <= 0:
        return "", ["target_zero"]
    if a >= t:
        return "", (["over_achievement"] if a >= over * t else [])
    return f"未达到年度指标值，按完成比例（{_n(a)}/{_n(t)}）计分", []


def _reverse_why(a: float, t: float, variant: str) -> tuple[str, list[str]]:
    if a <= t:
        return "", []
    if t <= 0:
        return f"指标值为 {_n(t)}，实际完成值超过指标值，不得分", ["target_zero"]
    if variant == "reverse_linear":
        if a >= 2 * t:
            return "实际完成值达到指标值的 2 倍及以上，不得分（线性计分）", []
        return f"超过年度指标值，按（2 − {_n(a)}/{_n(t)}）线性计分", []
    return f"超过年度指标值，按指标值与实际值之比（{_n(t)}/{_n(a)}）计分", []


#: rule kind → target operator of the one formula (:func:`evallib.formulas.quantitative_score`)
_KIND_OP = {"positive": ">=", "equal": "=", "reverse_ratio": "<=", "reverse_linear": "<=",
            "range": "range"}  # fmt: skip


def _quant_outcome(inp: RuleInput, kind: str) -> RuleOutcome:
    a, t, a_disp, t_disp, flags = _numbers(inp)
    w = inp.points
    over = inp.profile.over_achievement
    if kind == "auto":
        op = inp.target.operator if inp.target else None
        kind = {"=": "equal", "<=": "reverse", "<": "reverse", "range": "range"}.get(
            op or "", "positive"
        )
    if kind == "reverse":
        kind = inp.profile.reverse
    hi = inp.target.high if inp.target and inp.target.high is not None else t
    reverse = kind if kind in ("reverse_ratio", "reverse_linear") else inp.profile.reverse
    if kind in ("positive", "equal"):
        why, f = _positive_why(a, t, over)
        if kind == "equal" and t == 0:
            why, f = ("", []) if a <= 0 else ("指标值为 0，实际完成值不为 0，不得分", [])
    elif kind in ("reverse_ratio", "reverse_linear"):
        why, f = _reverse_why(a, t, kind)
    elif a < t:  # range, below
        why, f = "低于区间下限，按完成比例计分", _positive_why(a, t, over)[1]
    elif a > hi:
        why, f = _reverse_why(a, hi, reverse)
        why = "高于区间上限，" + why
    else:
        why, f = "", []
    s = float(quantitative_score(
        np.array([_KIND_OP[kind]], dtype=object), np.array([a]), np.array([t]), np.array([w]),
        high=np.array([hi]), reverse="linear" if reverse == "reverse_linear" else "ratio",
    )[0])  # fmt: skip
    reason = f"实际完成值 {a_disp}，年度指标值 {t_disp}，{why}" if why else ""
    return RuleOutcome(s, a_disp, reason, flags + f)


def _check_target_number(
    w: float, target: ParsedValue | None, params: Any
) -> list[tuple[str, str]]:
    if target is not None and target.number is not None and target.number < 0:
        return [("年度指标值为负数", "检查指标值")]
    return []


_POS_OPS = {">=", ">", None}
_REV_OPS = {"<=", "<"}

for _name, _label, _ops in (
    ("positive", "正向指标（按完成比例）", _POS_OPS),
    ("equal", "等于型指标", {"=", None}),
    ("reverse_ratio", "反向指标（比例计分）", _REV_OPS),
    ("reverse_linear", "反向指标（线性计分）", _REV_OPS),
    ("reverse", "反向指标（按评分口径）", _REV_OPS),
    ("range", "区间指标", {"range"}),
    ("auto", "按指标值运算符自动选择", {">=", ">", "<=", "<", "=", "range", None}),
):

    def _make(kind: str) -> RuleFunc:
        def rule(inp: RuleInput) -> RuleOutcome:
            return _quant_outcome(inp, kind)

        rule.__name__ = f"score_{kind}"
        rule.__doc__ = f"Quantitative rule ``{kind}`` — formula in the module table (RULES.md §3)."
        return rule

    register_rule(
        _name, label=_label, needs_target=True, operators=_ops, check=_check_target_number
    )(_make(_name))


# --------------------------------------------------------------------------- qualitative


class QualitativeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tier_bounds: tuple[float, float] | None = None


def tier_bands(w: float, bounds: tuple[float, float]) -> dict[str, tuple[float, float]]:
    """Score bands of the three qualitative tiers, limits rounded to 2 decimals (RULES.md §4).

    >>> tier_bands(5, (0.8, 0.6))
    {'achieved': (4.0, 5.0), 'partial': (3.0, 4.0), 'not_achieved': (0.0, 3.0)}
    """
    hi, lo = bounds
    top, mid = round_half_up(hi * w, 2), round_half_up(lo * w, 2)
    return {"achieved": (top, float(w)), "partial": (mid, top), "not_achieved": (0.0, mid)}


def _tier_of_score(s: float, bands: dict[str, tuple[float, float]]) -> str:
    if s >= bands["achieved"][0]:
        return "achieved"
    if s >= bands["partial"][0]:
        return "partial"
    return "not_achieved"


@register_rule("qualitative", label="定性指标（三档）", params=QualitativeParams)
def score_qualitative(inp: RuleInput) -> RuleOutcome:
    """Qualitative three-tier scoring (RULES.md §4).

    Tiers and bands (defaults 80/60; 80/50 under ``tiers_80_50``)::

        达成年度指标                      0.8·w ≤ s ≤ w
        部分达成年度指标并具有一定效果     0.6·w ≤ s < 0.8·w
        未达成年度指标且效果较差           0 ≤ s < 0.6·w

    The evaluator's score ``s`` must fall in its tier's band (limits rounded to 2 decimals).
    Without ``s``, the profile's default point is used (band top for 达成, midpoint otherwise)
    and flagged ``default_tier_point``.
    """
    w = inp.points
    bounds = inp.params.tier_bounds or inp.profile.tier_bounds
    bands = tier_bands(w, bounds)
    text = inp.item.tier or (str(inp.item.actual) if inp.item.actual is not None else None)
    tier = tier_of_text(text) if text else None
    if inp.item.tier and tier is None:
        raise EvidenceError(
            f"无法识别定性档次 (tier)「{inp.item.tier}」",
            value=inp.item.tier,
            fix="填写 达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差",
            **inp.where,
        )
    s = inp.item.score
    flags: list[str] = []
    if s is not None:
        if not 0 <= s <= w:
            raise EvidenceError(
                f"得分 {_n(s)} 超出 0–{_n(w)} 分 (score out of range)",
                value=s, fix=f"填写 0 到 {_n(w)} 之间的得分", **inp.where,
            )  # fmt: skip
        if tier is None:
            tier = _tier_of_score(s, bands)
        lo, hi = bands[tier]
        inside = lo <= s <= hi if tier == "achieved" else lo <= s < hi
        if not inside:
            raise EvidenceError(
                f"得分 {_n(s)} 不在「{TIER_LABELS[tier]}」档的分数区间 "
                f"[{_n(lo)}, {_n(hi)}{']' if tier == 'achieved' else ')'} 内 (score outside tier)",
                value=s,
                fix="调整得分或档次，使二者一致",
                **inp.where,
            )
    else:
        if tier is None:
            raise EvidenceError(
                f"定性指标「{inp.name}」既没有档次 (tier) 也没有得分 (score)",
                value=text,
                fix="填写完成档次（达成/部分达成/未达成）或得分",
                **inp.where,
            )
        lo, hi = bands[tier]
        mode = inp.profile.qualitative_default
        if mode == "bottom":
            s = lo
        elif mode == "top_mid" and tier == "achieved":
            s = hi
        else:
            s = (lo + hi) / 2
        flags.append("default_tier_point")
    actual = str(inp.item.actual) if inp.item.actual is not None else TIER_LABELS[tier]
    reason = ""
    if s < w:
        reason = f"评定为「{TIER_LABELS[tier]}」档（{_n(bands[tier][0])}–{_n(bands[tier][1])} 分）"
        if inp.item.reason:
            reason += f"：{inp.item.reason}"
        else:
            flags.append("reason_missing")
    return RuleOutcome(s, actual, reason, flags)


# --------------------------------------------------------------------------- banded


class Band(BaseModel):
    """One row of a banded table: value in [low, high) → points or fraction of 分值."""

    model_config = ConfigDict(extra="forbid")
    low: float | None = None
    high: float | None = None
    points: float | None = Field(None, ge=0)
    fraction: float | None = Field(None, ge=0, le=1)

    @model_validator(mode="after")
    def _one_value(self) -> Band:
        if (self.points is None) == (self.fraction is None):
            raise ValueError("each band needs exactly one of points or fraction")
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise ValueError(f"band low {self.low} must be below high {self.high}")
        return self

    def contains(self, x: float) -> bool:
        return (self.low is None or x >= self.low) and (self.high is None or x < self.high)

    def value(self, w: float) -> float:
        return self.points if self.points is not None else (self.fraction or 0.0) * w

    def label(self) -> str:
        lo = "−∞" if self.low is None else _n(self.low)
        hi = "+∞" if self.high is None else _n(self.high)
        return f"[{lo}, {hi})"


class BandedParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bands: list[Band] = Field(min_length=1)


def _check_bands(bands: list[Band], w: float) -> list[tuple[str, str]]:
    out = []
    for b in bands:
        if b.points is not None and b.points > w + 1e-9:
            msg = f"区间 {b.label()} 的得分 {_n(b.points)} 超过分值 {_n(w)}"
            out.append((msg, "降低该档得分"))
    ordered = sorted(bands, key=lambda b: -float("inf") if b.low is None else b.low)
    for x, y in itertools.pairwise(ordered):
        x_hi = float("inf") if x.high is None else x.high
        y_lo = -float("inf") if y.low is None else y.low
        if y_lo < x_hi:
            out.append(
                (f"区间 {x.label()} 与 {y.label()} 重叠 (overlapping bands)", "调整区间上下限")
            )
    return out


def _check_banded(w: float, target: ParsedValue | None, params: Any) -> list[tuple[str, str]]:
    return _check_bands(params.bands, w)


def _band_score(inp: RuleInput, x: float, bands: list[Band], what: str, disp: str) -> RuleOutcome:
    w = inp.points
    for b in bands:
        if b.contains(x):
            s = b.value(w)
            reason = f"{what} {disp} 落在区间 {b.label()}，得 {_n(s)} 分" if s < w else ""
            return RuleOutcome(s, disp, reason)
    raise EvidenceError(
        f"{what} {disp} 不在任何区间 (no band matches)",
        value=x,
        fix="补全指标体系中的区间表 (bands)，使其覆盖所有可能的取值",
        **inp.where,
    )


@register_rule("banded", label="区间对照表计分", params=BandedParams, check=_check_banded)
def score_banded(inp: RuleInput) -> RuleOutcome:
    """Banded table (区间, RULES.md §5): the band [low, high) containing a gives its points or
    fraction·w.  The actual is converted to the target's unit when a target is set."""
    act = _actual(inp)
    if not act.is_numeric or act.number is None:
        raise EvidenceError("区间计分需要数值型实际完成值", value=act.raw, **inp.where)
    x = act.number
    if inp.target is not None and inp.target.is_numeric:
        x, _, _ = align(act, inp.target, **inp.where)
    return _band_score(inp, x, inp.params.bands, "实际完成值", f"{_n(x)}{act.unit.symbol}")


# --------------------------------------------------------------------------- yes/no


class YesNoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected: bool = True


def yes_no_answer(act: ParsedValue) -> bool | None:
    """The 是/否 an actual gives: a yes/no word, or a short 达成 / 未达成 / 部分达成 (达成 is yes);
    None when it says neither (RULES.md §5)."""
    b = act.boolean
    if b is None and act.tier is not None and act.text and len(act.text) <= 4:
        b = act.tier == "achieved"
    return b


@register_rule("yes_no", label="是否指标", params=YesNoParams)
def score_yes_no(inp: RuleInput) -> RuleOutcome:
    """Yes/no (是否, RULES.md §5): the expected answer → w, otherwise 0."""
    act = _actual(inp)
    b = yes_no_answer(act)
    if b is None:
        raise EvidenceError(
            "是否指标的实际完成值应为「是」或「否」",
            value=act.raw,
            fix="填写 是 或 否",
            **inp.where,
        )
    ok = b == inp.params.expected
    want = "是" if inp.params.expected else "否"
    return RuleOutcome(
        inp.points if ok else 0.0, act.raw, "" if ok else f"应为「{want}」，实际为「{act.raw}」"
    )


# --------------------------------------------------------------------------- deduction


class DeductionParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    per_finding: float | None = Field(None, gt=0)


@register_rule("deduction", label="扣分制", params=DeductionParams)
def score_deduction(inp: RuleInput) -> RuleOutcome:
    """Deduction (扣分制, RULES.md §5): w − Σ deductions, floored at 0 by the core.

    Each finding carries its own points or takes ``per_finding``; a bare number of findings in
    ``actual`` is multiplied by ``per_finding``.
    """
    per = inp.params.per_finding
    findings = inp.item.findings
    if findings is None:
        if inp.item.actual is None:
            findings = []
        else:
            act = parse_value(inp.item.actual, **inp.where)
            if act.number is None or act.number < 0 or act.number != int(act.number):
                raise EvidenceError(
                    "扣分制指标的实际完成值应为发现问题的个数（非负整数）或问题清单",
                    value=act.raw, **inp.where,
                )  # fmt: skip
            if per is None:
                raise EvidenceError(
                    "只给出问题个数时，指标体系需设置每个问题扣分 (per_finding)", **inp.where
                )
            total = act.number * per
            s = inp.points - total
            reason = f"发现问题 {int(act.number)} 个，每个扣 {_n(per)} 分" if total else ""
            return RuleOutcome(s, f"{int(act.number)} 个问题", reason)
    parts = []
    total = 0.0
    for i, f in enumerate(findings, 1):
        pts = f.points if f.points is not None else per
        if pts is None:
            raise EvidenceError(
                f"问题 {i}「{f.text}」没有扣分值，指标体系也未设置 per_finding",
                fix="为每个问题填写扣分，或在规则中设置 per_finding",
                **inp.where,
            )
        total += pts
        parts.append(f"{i}) {f.text}（扣 {_n(pts)} 分）")
    reason = "发现问题：" + "；".join(parts) if parts else ""
    return RuleOutcome(inp.points - total, f"{len(parts)} 个问题", reason)


# --------------------------------------------------------------------------- criteria


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    points: float = Field(ge=0)


class CriteriaParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    criteria: list[Criterion] = Field(min_length=1)


def _check_criteria(w: float, target: ParsedValue | None, params: Any) -> list[tuple[str, str]]:
    total = sum(c.points for c in params.criteria)
    if abs(total - w) > 1e-6:
        return [(f"评价要点 (criteria) 分值之和 {_n(total)} 不等于指标分值 {_n(w)}",
                 "调整各评价要点的分值，使之合计等于指标分值")]  # fmt: skip
    return []


@register_rule("criteria", label="评价要点逐项计分", params=CriteriaParams, check=_check_criteria)
def score_criteria(inp: RuleInput) -> RuleOutcome:
    """All-or-nothing criteria (符合得满分，不符合不得分, RULES.md §5): each 评价要点 met gives
    its points; the score is their sum."""
    crit = inp.params.criteria
    met = inp.item.met
    if met is None:
        raise EvidenceError(
            f"指标「{inp.name}」缺少评价要点符合情况 (met)",
            fix=f"按顺序填写 {len(crit)} 个评价要点是否符合，如 是,是,否",
            **inp.where,
        )
    if isinstance(met, dict):
        unknown = [k for k in met if k not in {c.text for c in crit}]
        if unknown:
            raise EvidenceError(f"未知的评价要点：{'、'.join(unknown)}", **inp.where)
        flags = [met.get(c.text) for c in crit]
    else:
        flags = list(met)
    if len(flags) != len(crit) or any(f is None for f in flags):
        raise EvidenceError(
            f"评价要点符合情况应有 {len(crit)} 项，实际 {len(flags)} 项",
            value=met if not isinstance(met, dict) else None,
            fix="逐项填写每个评价要点",
            **inp.where,
        )
    s = sum(c.points for c, ok in zip(crit, flags, strict=True) if ok)
    missed = [
        f"「{c.text}」（{_n(c.points)} 分）" for c, ok in zip(crit, flags, strict=True) if not ok
    ]
    reason = "不符合评价要点：" + "；".join(missed) if missed else ""
    if missed and inp.item.reason:
        reason += f"。{inp.item.reason}"
    return RuleOutcome(s, f"符合 {sum(map(bool, flags))}/{len(crit)} 项", reason)


# --------------------------------------------------------------------------- manual


@register_rule("manual", label="评价人员打分（须说明理由）")
def score_manual(inp: RuleInput) -> RuleOutcome:
    """Evaluator judgement (RULES.md §5): the evaluator's score, with a mandatory reason."""
    s = inp.item.score
    if s is None:
        raise EvidenceError(
            f"人工评分指标「{inp.name}」缺少得分 (score)", fix="填写得分和评分理由", **inp.where
        )
    if not inp.item.reason or not inp.item.reason.strip():
        raise EvidenceError(
            f"人工评分指标「{inp.name}」必须填写评分理由 (reason)",
            value=s,
            fix="填写评分理由，说明得分依据",
            **inp.where,
        )
    if not 0 <= s <= inp.points:
        raise EvidenceError(
            f"得分 {_n(s)} 超出 0–{_n(inp.points)} 分 (score out of range)", value=s, **inp.where
        )
    actual = str(inp.item.actual) if inp.item.actual is not None else "评价人员评定"
    return RuleOutcome(s, actual, inp.item.reason.strip() if s < inp.points else "")


# --------------------------------------------------------------------------- budget execution


class BudgetParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    denominator: (
        Literal["full_year_budget", "adjusted_budget", "initial_plus_adjustment", "funds_received"]
        | None
    ) = None
    cap: bool | None = None


DENOMINATOR_LABEL = {
    "full_year_budget": "全年预算数",
    "adjusted_budget": "调整后预算数",
    "initial_plus_adjustment": "年初预算数+调整数",
    "funds_received": "实际到位资金",
}


def budget_rate(
    figures: dict[str, float], denominator: str, decimals: int = 2, **where: Any
) -> tuple[float, float, float]:
    """Budget execution rate in percent (RULES.md §6), rounded half-up to ``decimals``.

    rate = 全年执行数 / denominator × 100, with denominator 全年预算数 (default), 调整后预算数,
    年初预算数 + 调整数, or 实际到位资金 (key-evaluation framework).

    Returns
    -------
    (rate, spent, base) : tuple of float
    """
    if "spent" not in figures:
        raise EvidenceError(
            "缺少全年执行数 (spent)", fix="在证据的 budget 中填写 全年执行数", **where
        )
    if denominator == "initial_plus_adjustment":
        need = ("initial_budget", "adjustment")
    else:
        need = (denominator,)
    missing = [DENOMINATOR_LABEL.get(k, k) for k in need if k not in figures]
    if missing:
        label = {"initial_budget": "年初预算数", "adjustment": "调整数"}
        names = [label.get(k, DENOMINATOR_LABEL.get(k, k)) for k in need if k not in figures]
        raise EvidenceError(
            f"缺少预算数据：{'、'.join(names)}",
            fix=f"在证据的 budget 中填写 {'、'.join(names)}",
            **where,
        )
    base = sum(figures[k] for k in need)
    spent = figures["spent"]
    return float(execution_rate(spent, base, decimals)), spent, base


def execution_rate(spent: Any, base: Any, decimals: int | None = 2) -> Any:
    """Execution rate in percent (RULES.md §6), for numbers or arrays alike.

    .. math:: rate = round\\_half\\_up(spent / base × 100, decimals)

    0 where the base is not positive (or missing); unrounded when ``decimals`` is None (a
    variant seen on published forms).  Arrays are rounded by :func:`~evallib.rounding.round_array`,
    which gives :func:`~evallib.rounding.round_half_up`'s result for every element.
    """
    sp, b = np.asarray(spent, dtype=float), np.asarray(base, dtype=float)
    ok = b > 0
    raw = np.where(ok, sp / np.where(ok, b, 1.0) * 100, 0.0)
    out = raw if decimals is None else np.where(ok, round_array(raw, decimals), 0.0)
    return float(out) if out.ndim == 0 else out


def budget_points(rate: Any, w: Any, *, cap: bool = True) -> Any:
    """Budget execution score s = rate / 100 · w, at most w when ``cap`` (RULES.md §6); numbers
    or arrays."""
    s = np.asarray(rate, dtype=float) / 100 * np.asarray(w, dtype=float)
    out = np.minimum(s, w) if cap else s
    return float(out) if np.ndim(out) == 0 else out


@register_rule("budget_execution", label="预算执行率", params=BudgetParams)
def score_budget_execution(inp: RuleInput) -> RuleOutcome:
    """Budget execution (预算执行率, RULES.md §6).

    .. math:: rate = round\\_half\\_up(spent / budget × 100, 2), \\quad s = rate / 100 · w

    capped at w by default ("最高不得超过分值上限"); the platform preset has no cap.  Budget 0 →
    rate 0, score 0, flagged ``budget_zero``; rate > 100 flagged ``rate_above_100``.  The rate
    may be given directly as the actual ("92.5%").
    """
    prof = inp.profile
    denom = inp.params.denominator or prof.budget_denominator
    cap = prof.budget_cap if inp.params.cap is None else inp.params.cap
    flags: list[str] = []
    if inp.budget:
        rate, spent, base = budget_rate(inp.budget, denom, prof.rate_decimals, **inp.where)
        detail = f"（全年执行数 {_n(spent)} / {DENOMINATOR_LABEL[denom]} {_n(base)}）"
        if base <= 0:
            flags.append("budget_zero")
    else:
        act = _actual(inp)
        if act.number is None:
            raise EvidenceError(
                "预算执行率指标需要预算数据 (budget) 或执行率数值", value=act.raw, **inp.where
            )
        rate = round_half_up(act.number * (100 if act.number <= 1 and not act.unit_written else 1),
                             prof.rate_decimals)  # fmt: skip
        detail = ""
    if rate > 100:
        flags.append("rate_above_100")
    if rate < 0:
        rate = 0.0
        flags.append("negative_actual_clamped")
    s = budget_points(rate, inp.points, cap=False)  # the cap is applied by the core (out.cap)
    if not cap and s > inp.points:
        flags.append("uncapped_score")
    reason = f"预算执行率 {_n(rate)}%{detail}，按执行率计分" if s < inp.points else ""
    return RuleOutcome(
        s, f"{_n(rate)}%", reason, flags,
        metrics={"预算执行率": rate, "budget_execution_rate": rate}, cap=cap,
    )  # fmt: skip


# --------------------------------------------------------------------------- from survey


class SurveyParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    metric: Literal["rate", "score"] = "rate"
    method: Literal["ratio", "bands"] = "ratio"
    bands: list[Band] | None = None

    @model_validator(mode="after")
    def _bands_given(self) -> SurveyParams:
        if self.method == "bands" and not self.bands:
            raise ValueError("method 'bands' needs a bands table")
        return self


def _check_survey(w: float, target: ParsedValue | None, params: Any) -> list[tuple[str, str]]:
    out = []
    if params.method == "ratio" and (target is None or target.number is None):
        out.append(("按比例计分的满意度指标需要年度指标值，如 ≥90%", "填写年度指标值 (target)"))
    if params.bands:
        out += _check_bands(params.bands, w)
    return out


@register_rule("from_survey", label="满意度调查结果计分", params=SurveyParams, check=_check_survey)
def score_from_survey(inp: RuleInput) -> RuleOutcome:
    """Satisfaction indicator from survey results (RULES.md §8).

    ``ratio``: min(x / t, 1) · w where x is the 满意率 (%) or 满意度得分 (0–100) and t the target;
    ``bands``: the banded table on x.
    """
    what = "满意率" if inp.params.metric == "rate" else "满意度得分"
    act = _actual(inp)
    if act.number is None:
        raise EvidenceError(f"{what}应为数值", value=act.raw, **inp.where)
    x = act.number
    if inp.params.metric == "rate" and not act.unit_written and 0 <= x <= 1:
        x *= 100  # 0.93 given as a fraction
    disp = f"{_n(x)}{'%' if inp.params.metric == 'rate' else '分'}"
    if inp.params.method == "bands":
        return _band_score(inp, x, inp.params.bands or [], f"服务对象{what}", disp)
    if inp.target is None or inp.target.number is None:
        raise EvidenceError(
            "按比例计分需要数值型年度指标值 (target)，如 ≥90%", fix="填写年度指标值", **inp.where
        )
    t = inp.target.number
    s = inp.points if t <= 0 else min(x / t, 1.0) * inp.points
    reason = (
        f"服务对象{what} {disp}，未达到年度指标值 {inp.target.display()}，按比例计分"
        if s < inp.points
        else ""
    )
    if reason and inp.item.reason:
        reason += f"（{inp.item.reason}）"
    return RuleOutcome(s, disp, reason, metrics={f"{what}": x})
