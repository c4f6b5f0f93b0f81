"""Self-evaluation form layouts as data: which 一级 groups a form has, how the 100 points split
between the budget row and the indicators, whether 分值 is printed and whether the budget row is
scored.  Recognised per form from what it shows; ``--layout`` / ``review(layout=...)`` forces one.

Sources: RULES.md §7 (national 项目支出绩效自评表), and the provincial variants described in
docs/review.md (湖北 prints only 得分; 宁夏 产出 40 / 效益 40 / 满意度 20 with the budget row
unscored; 四川 预算执行 10 + 指标 90; evaluation tables 决策 / 过程 / 产出 / 效益).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LAYOUTS", "Layout", "detect_layout", "get_layout"]


@dataclass(frozen=True)
class Layout:
    """One form layout.

    Attributes
    ----------
    budget_points : float or None
        分值 of the budget-execution row (None: whatever the form prints).
    budget_scored : bool
        Whether the budget row enters the total.
    points_printed : bool
        Whether the form prints 分值 per indicator.
    required_level1 : tuple of tuple of str
        一级 groups the form must have; each is a tuple of accepted words.
    """

    key: str
    name_zh: str
    budget_points: float | None
    budget_scored: bool
    points_printed: bool
    required_level1: tuple[tuple[str, ...], ...]


LAYOUTS: dict[str, Layout] = {
    lay.key: lay
    for lay in (
        Layout("national", "全国通用（预算执行率 10 + 指标 90）", 10, True, True,
               (("产出",), ("效益",))),
        Layout("hubei", "湖北（预算执行 20 + 年度绩效目标 80，只列得分）", 20, True, False,
               (("产出",), ("效益",))),
        Layout("ningxia", "宁夏（产出 40 / 效益 40 / 满意度 20，预算执行率不计分）", 0, False, True,
               (("产出",), ("效益",), ("满意",))),
        Layout("sichuan", "四川（预算执行 10 + 指标 90）", 10, True, True, (("产出",), ("效益",))),
        Layout("evaluation", "评价表（决策 / 过程 / 产出 / 效益）", None, False, True,
               (("决策", "投入", "规划"), ("过程", "管理", "执行"),
                ("产出", "效益", "绩效", "效果"))),
    )
}  # fmt: skip


def get_layout(key: str) -> Layout:
    """A layout by key or Chinese name; KeyError when unknown."""
    for lay in LAYOUTS.values():
        if key in (lay.key, lay.name_zh):
            return lay
    raise KeyError(key)


#: 一级 words that only evaluation tables use (a self-evaluation form's 一级 are 产出 / 效益 /
#: 满意度): 决策, 投入 (its name in the 2013 department framework, e.g. Hunan's 部门整体支出
#: tables: 投入 / 过程 / 产出 / 效益), 规划 (Anhui's 部门整体支出 tables: 规划 / 执行 / ...).
EVALUATION_WORDS = ("决策", "投入", "规划")


def detect_layout(level1: list[str], points_printed: bool, budget_points: float) -> Layout:
    """The layout a form shows: a 决策, 投入 or 规划 group → evaluation table; no 分值 → 湖北;
    no scored budget row with indicators worth 100 → 宁夏; otherwise national (四川's 10 + 90
    reads the same)."""
    text = "".join(level1)
    if any(w in text for w in EVALUATION_WORDS):
        return LAYOUTS["evaluation"]
    if not points_printed:
        return LAYOUTS["hubei"]
    if budget_points <= 0:
        return LAYOUTS["ningxia"]
    return LAYOUTS["national"]
