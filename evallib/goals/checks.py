"""The goal-sheet checks (绩效目标审核), each registered with its source and severity.

Severity ``return`` (退回修改): the sheet cannot pass as filed — a required class is missing, a
target is missing, unmeasurable where a number is expected, contradicts its own indicator, is a
placeholder or a duplicate.  Severity ``advise`` (修改建议): the sheet may pass but should be
improved.  A sheet with any ``return`` finding is returned (RULES.md §12: review covers
完整性、相关性、适当性、可行性; one city returned 4.1 % of 8,496 sheets).

Each check is a function ``(sheet, ctx) -> list[Finding]`` registered in :data:`CHECKS`; the
driver (:mod:`evallib.goals.audit`) only runs them in order.  Sources are cited in
``docs/goals.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import EvalError
from ..parsing import ParsedValue, normalize_text, parse_value
from .model import GoalIndicator, GoalSheet

__all__ = ["CHECKS", "COST_TYPES", "CheckDef", "Context", "Finding", "register"]

MOF_2021 = "财预〔2021〕101号：绩效目标含成本、产出、效益、满意度指标；指标应细化、量化，可衡量"
MOF_2015 = "财预〔2015〕88号：审核完整性、相关性、适当性、可行性；指标应清晰、可衡量"
ZZ = "地方做法（郑州）：工程、大型修缮、购置类项目须设成本指标；效益指标必设；能量化的须量化"

#: project types that must carry a cost indicator (words found in 项目类型)
COST_TYPES = (
    "工程建设",
    "基本建设",
    "基础设施",
    "工程",
    "维修改造",
    "维修",
    "修缮",
    "改造",
    "设备购置",
    "购置",
    "采购",
)
_VAGUE = re.compile(
    r"较好|良好|有效|明显|显著|进一步|逐步|大幅|较大|一定程度|基本|稳步|积极|"
    r"加强|提高|提升|改善|增强|优化|完善|充分"
)
_NUMERIC_NAME = re.compile(
    r"(率|比例|占比|数|数量|人次|面积|里程|长度|金额|成本|费用|造价|天数|时长|户数|个数|次数|"
    r"满意度|覆盖面)$"
)
_PLACEHOLDER = re.compile(r"\*|＊|[xX×]{2,}|待定|待填|^…+$|^\.\.\.$")


@dataclass(frozen=True)
class Finding:
    """One problem of one sheet."""

    sheet_id: str
    check: str
    severity: str
    message: str
    fix: str
    row: int | None = None
    indicator: str = ""


@dataclass(frozen=True)
class CheckDef:
    """A registered check: id, Chinese title, severity, aspect (完整性 …) and source."""

    id: str
    title: str
    severity: str
    aspect: str
    source: str
    func: Callable[[GoalSheet, Context], list[Finding]]


@dataclass
class Context:
    """What checks may use beyond the sheet.

    Attributes
    ----------
    unit_costs : dict
        Unit symbol → (min, max) budget in 万元 per unit of a 数量 target (公里: (30, 1500)).
    last_actual : callable, optional
        ``(sheet, indicator) -> float | None`` — last year's actual, in the target's unit, from
        the results store when the sheet does not carry it.
    """

    unit_costs: dict[str, tuple[float, float]] = field(default_factory=dict)
    last_actual: Callable[[GoalSheet, GoalIndicator], float | None] | None = None


CHECKS: dict[str, CheckDef] = {}


def register(id_: str, title: str, severity: str, aspect: str, source: str) -> Callable:  # type: ignore[type-arg]
    def deco(func: Callable[[GoalSheet, Context], list[Finding]]) -> Callable:  # type: ignore[type-arg]
        CHECKS[id_] = CheckDef(id_, title, severity, aspect, source, func)
        return func

    return deco


def _f(
    sheet: GoalSheet,
    check: str,
    message: str,
    fix: str,
    ind: GoalIndicator | None = None,
    severity: str | None = None,
) -> Finding:
    return Finding(
        sheet.sheet_id,
        check,
        severity or CHECKS[check].severity,
        message,
        fix,
        ind.row if ind else None,
        ind.name if ind else "",
    )


@lru_cache(maxsize=65536)
def parsed(text: str) -> ParsedValue | None:
    """The target as the scoring parser reads it; None when it cannot be read."""
    if not text.strip():
        return None
    try:
        return parse_value(text)
    except EvalError:
        return None


def _has(sheet: GoalSheet, *words: str) -> bool:
    return any(w in i.level1 or w in i.level2 for i in sheet.indicators for w in words)


def expects_number(ind: GoalIndicator) -> bool:
    """A number is expected: the name ends like a measure (率, 人次, 面积 …) or the class is
    数量, 成本 or 满意度."""
    return bool(_NUMERIC_NAME.search(ind.name)) or any(
        w in ind.level2 or w in ind.level1 for w in ("数量", "成本", "满意度")
    )


def _number_of(ind: GoalIndicator) -> ParsedValue | None:
    v = parsed(ind.written)
    if v is None or (v.number is None and v.low is None):
        return None
    return v


# --------------------------------------------------------------------------- sheet-level checks


@register("overall_goal_missing", "未填写年度总体目标", "return", "完整性", MOF_2015)
def _overall_goal(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    if sheet.overall_goal is not None and not sheet.overall_goal.strip():
        return [
            _f(
                sheet,
                "overall_goal_missing",
                "申报表未填写年度总体目标",
                "概括填写本年度要完成的任务和达到的效果，与下列指标对应",
            )
        ]
    return []


def _class_required(id_: str, title: str, severity: str, source: str, words: tuple[str, ...],
                    message: str, fix: str) -> None:  # fmt: skip
    """Register a completeness check: the sheet has an indicator under one of ``words``."""

    @register(id_, title, severity, "完整性", source)
    def _check(sheet: GoalSheet, ctx: Context) -> list[Finding]:
        return [] if _has(sheet, *words) else [_f(sheet, id_, message, fix)]


_OUTPUT_WORDS = ("产出", "数量", "质量", "时效")
_class_required("output_missing", "缺少产出指标", "return", MOF_2021, _OUTPUT_WORDS,
                "没有产出指标（数量、质量、时效）",
                "按项目任务设置产出指标：数量、质量、时效至少各一项")  # fmt: skip


@register("output_class_missing", "产出指标类别不全", "advise", "完整性", MOF_2021)
def _output_classes(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    if not _has(sheet, *_OUTPUT_WORDS):
        return []
    lacking = [c for c in ("数量", "质量", "时效") if not _has(sheet, c)]
    if not lacking:
        return []
    examples = {"数量": "完成数量", "质量": "验收合格率", "时效": "按期完成率"}
    return [
        _f(
            sheet,
            "output_class_missing",
            f"产出指标缺少{'、'.join(lacking)}指标",
            "补充" + "、".join(f"{c}指标（如{examples[c]}）" for c in lacking),
        )
    ]


_class_required("benefit_missing", "缺少效益指标", "return", ZZ, ("效益", "可持续影响"),
                "没有效益指标（经济、社会、生态效益或可持续影响）",
                "设置反映项目效果的效益指标，如受益人数、使用率、长效机制")  # fmt: skip
_class_required("satisfaction_missing", "缺少满意度指标", "advise", MOF_2021, ("满意",),
                "没有服务对象满意度指标",
                "有明确服务对象的项目设置服务对象满意度（如 ≥90%）；"
                "确无服务对象的说明理由")  # fmt: skip


@register("cost_missing", "工程、修缮、购置类项目缺少成本指标", "return", "完整性", ZZ)
def _cost(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    if not any(t in sheet.project_type for t in COST_TYPES) or _has(sheet, "成本"):
        return []
    return [
        _f(
            sheet,
            "cost_missing",
            f"项目类型为「{sheet.project_type}」，未设成本指标",
            "设置成本指标，如单位造价、单价控制率、成本控制率（与预算标准或定额对比）",
        )
    ]


# --------------------------------------------------------------------------- indicator checks


@register("target_missing", "指标值为空", "return", "完整性", MOF_2015)
def _target_missing(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    return [
        _f(
            sheet,
            "target_missing",
            f"「{i.name}」没有填写指标值",
            "填写年度指标值（含运算符和单位）",
            i,
        )
        for i in sheet.indicators
        if not i.value.strip()
    ]


@register("placeholder", "指标名称或指标值是占位符", "return", "完整性", MOF_2015)
def _placeholder(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    out = []
    for i in sheet.indicators:
        name_bad = not i.name.strip() or re.fullmatch(r"[\d.\s%]+", i.name) is not None
        if name_bad or _PLACEHOLDER.search(i.value) or _PLACEHOLDER.search(i.name):
            out.append(
                _f(
                    sheet,
                    "placeholder",
                    f"指标「{i.name or '（空）'}」/ 指标值「{i.value}」是占位符或数字，"
                    "不是可考核的指标",
                    "写出指标内容（如 培训人次）和具体指标值（如 ≥600人次）",
                    i,
                )
            )
    return out


@register("duplicate", "指标重复", "return", "相关性", MOF_2015)
def _duplicate(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    seen: dict[str, GoalIndicator] = {}
    out = []
    for i in sheet.indicators:
        key = re.sub(r"\s+", "", i.name)
        if key and key in seen:
            out.append(
                _f(
                    sheet,
                    "duplicate",
                    f"「{i.name}」与第 {seen[key].row} 行重复",
                    "删除重复的指标，或改为考核不同内容的指标",
                    i,
                )
            )
        seen.setdefault(key, i)
    return out


@register("vague_wording", "指标值用语模糊", "return", "相关性", MOF_2021)
def _vague(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    out = []
    for i in sheet.indicators:
        if not i.value.strip() or _number_of(i) is not None or not _VAGUE.search(i.value):
            continue
        sev = "return" if expects_number(i) else "advise"
        out.append(
            _f(
                sheet,
                "vague_wording",
                f"「{i.name}」的指标值「{i.value}」用语模糊（{_VAGUE.search(i.value).group(0)}），无法考核",
                "写成可核验的数值或标准，如 ≥95%、≥600人次、通过验收",
                i,
                sev,
            )
        )
    return out


@register("not_quantified", "应量化的指标未量化", "return", "相关性", MOF_2021)
def _not_quantified(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    out = []
    for i in sheet.indicators:
        if not i.value.strip() or _PLACEHOLDER.search(i.value) or _VAGUE.search(i.value):
            continue  # reported by target_missing / placeholder / vague_wording
        if expects_number(i) and _number_of(i) is None:
            out.append(
                _f(
                    sheet,
                    "not_quantified",
                    f"「{i.name}」是定量指标，指标值「{i.value}」没有数值",
                    "填写数值和单位，如 ≥95%、≥120公里",
                    i,
                )
            )
    return out


@register("unit_missing", "指标值缺少单位", "advise", "相关性", MOF_2021)
def _unit_missing(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    out = []
    for i in sheet.indicators:
        v = _number_of(i)
        if v is not None and not v.unit_written and not i.unit.strip():
            out.append(
                _f(
                    sheet,
                    "unit_missing",
                    f"「{i.name}」的指标值「{i.value}」没有单位",
                    "写明度量单位，如 %、人次、公里、万元",
                    i,
                )
            )
    return out


def expected_dimension(name: str) -> tuple[str, str] | None:
    """(dimension, Chinese) the indicator's name implies, or None."""
    n = re.sub(r"[（(].*?[)）]", "", name)
    if re.search(r"(率|比例|占比|覆盖面)$", n):
        return "percent", "百分比"
    if re.search(r"面积$", n):
        return "area", "面积单位"
    if re.search(r"(里程|长度)$", n):
        return "length", "长度单位"
    if re.search(r"(金额|资金|费用|造价)$", n) and "单位" not in n and "人均" not in n:
        return "money", "金额单位"
    if re.search(r"(天数|工期|时限|时长)$", n):
        return "time", "时间单位"
    return None


@register("unit_inconsistent", "单位与指标不一致", "return", "相关性", MOF_2021)
def _unit_inconsistent(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    out = []
    for i in sheet.indicators:
        v, want = _number_of(i), expected_dimension(i.name)
        if v is None or want is None or not (v.unit_written or i.unit.strip()):
            continue
        dim = v.unit.dimension
        ok = dim == want[0] or (want[0] == "time" and dim in ("days", "hours", "months", "years"))
        if not ok:
            out.append(
                _f(
                    sheet,
                    "unit_inconsistent",
                    f"「{i.name}」应以{want[1]}计，指标值「{i.written}」的单位是「{v.unit.symbol}」",
                    f"改用{want[1]}，或改正指标名称使之与单位一致",
                    i,
                )
            )
    return out


@register("unit_cost_range", "目标与预算不匹配（单位成本超出区间）", "advise", "适当性", MOF_2015)
def _unit_cost(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    if not ctx.unit_costs or not sheet.budget_wan:
        return []
    out = []
    bands = {normalize_text(k): b for k, b in ctx.unit_costs.items()}  # 台（套） = 台(套)
    for i in sheet.indicators:
        v = _number_of(i)
        if v is None or v.number is None or v.number <= 0 or "数量" not in (i.level2 + i.level1):
            continue
        band = bands.get(v.unit.symbol)
        if band is None:
            continue
        cost = sheet.budget_wan / v.number
        if not band[0] <= cost <= band[1]:
            out.append(
                _f(
                    sheet,
                    "unit_cost_range",
                    f"资金 {sheet.budget_wan:g} 万元 ÷「{i.name}」{v.number:g}{v.unit.symbol} = "
                    f"{cost:.4g} 万元/{v.unit.symbol}，不在常见区间 {band[0]:g}–{band[1]:g}",
                    "核实数量目标或预算：目标偏低或资金偏多时调整（适当性）",
                    i,
                )
            )
    return out


def _last(ind: GoalIndicator, sheet: GoalSheet, ctx: Context) -> tuple[float | None, str]:
    if ind.last_actual.strip():
        v = parsed(
            ind.last_actual
            if any(c.isalpha() or c in "%" for c in ind.last_actual)
            else ind.last_actual + (ind.unit or "")
        )
        return (
            (v.number, "申报表所列上年实际完成值")
            if v is not None and v.number is not None
            else (None, "")
        )
    if ctx.last_actual is not None:
        return ctx.last_actual(sheet, ind), "结果库中的上年实际完成值"
    return None, ""


@register("below_last_year", "指标值低于上年实际完成值", "return", "适当性", MOF_2015)
def _below_last_year(sheet: GoalSheet, ctx: Context) -> list[Finding]:
    out = []
    for i in sheet.indicators:
        v = _number_of(i)
        if v is None or v.number is None:
            continue
        last, where = _last(i, sheet, ctx)
        if last is None:
            continue
        lower_better = v.operator in ("<=", "<")
        if (v.number > last) if lower_better else (v.number < last):
            sev = "advise" if i.basis.strip() else "return"
            word = "高于" if lower_better else "低于"
            out.append(
                _f(
                    sheet,
                    "below_last_year",
                    f"「{i.name}」指标值 {i.written} {word}{where} {last:g}，"
                    f"目标偏{'松' if lower_better else '低'}",
                    "按历史标准调高（反向指标调低）指标值，或在指标值设定依据中说明理由",
                    i,
                    sev,
                )
            )
    return out
