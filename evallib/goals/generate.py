"""Goal sheets for tests, benchmarks and demos, in the shapes budget systems and units use.

:func:`generate_sheets` makes clean sheets of several project types (each with a total goal,
数量/质量/时效/成本/效益/满意度 indicators, units, numeric targets, a budget that fits the unit
costs of :data:`UNIT_COSTS`, last year's actuals below the targets) and plants exactly one
problem of a given check kind in the others (:data:`PLANTS`).  Writers lay them out as a long
table (one row per indicator, the project cells only on the first row — as budget systems
export) or as a forms workbook (one 绩效目标申报表 per worksheet, label cells, merged class
cells, a 长期 and a 年度 indicator table).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..rounding import round_half_up
from .model import GoalIndicator, GoalSheet

__all__ = ["PLANTS", "UNIT_COSTS", "generate_sheets", "write_forms", "write_long_table"]

#: 万元 per unit of a 数量 target considered plausible in the generated sheets
UNIT_COSTS = {"公里": (50.0, 800.0), "人次": (0.02, 0.5), "台（套）": (0.2, 20.0)}

# type → (name stem, budget 万元 per unit, [(level1, level2, name, value, unit, last)])
_TYPES: dict[str, tuple[str, float, list[tuple[str, str, str, float | str, str, float | None]]]] = {
    "培训": (
        "乡村教师能力提升培训",
        0.12,
        [
            ("产出指标", "数量指标", "培训人次", "≥{q}", "人次", None),
            ("产出指标", "质量指标", "培训合格率", "≥95", "%", 93.0),
            ("产出指标", "时效指标", "培训计划按期完成率", "100", "%", None),
            ("成本指标", "经济成本指标", "人均培训成本", "≤1200", "元/人·天", None),
            ("效益指标", "社会效益指标", "参训人员能力提升率", "≥80", "%", 75.0),
            ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90", "%", 88.0),
        ],
    ),
    "工程建设": (
        "农村公路提档升级工程",
        250.0,
        [
            ("产出指标", "数量指标", "农村公路改造里程", "≥{q}", "公里", None),
            ("产出指标", "质量指标", "工程验收合格率", "100", "%", None),
            ("产出指标", "时效指标", "工程按期完工率", "≥95", "%", 90.0),
            ("成本指标", "经济成本指标", "工程造价控制率", "≤100", "%", None),
            ("效益指标", "社会效益指标", "受益人口数量", "≥{q2}", "人", None),
            ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90", "%", 86.0),
        ],
    ),
    "设备购置": (
        "基层医疗设备购置",
        3.0,
        [
            ("产出指标", "数量指标", "设备购置数量", "≥{q}", "台（套）", None),
            ("产出指标", "质量指标", "设备验收合格率", "100", "%", None),
            ("产出指标", "时效指标", "设备按期交付率", "100", "%", None),
            ("成本指标", "经济成本指标", "采购资金节约率", "≥3", "%", 2.0),
            ("效益指标", "社会效益指标", "设备使用率", "≥90", "%", None),
            ("满意度指标", "服务对象满意度指标", "设备使用人员满意度", "≥90", "%", None),
        ],
    ),
}
_DEPARTMENTS = {"培训": "县教育局", "工程建设": "县交通运输局", "设备购置": "县卫生健康委"}
_PLACES = ["城关镇", "河口乡", "新华镇", "白沙乡", "石门镇", "东风乡", "青龙镇", "柳林乡"]


def _clean_sheet(k: int, rng: np.random.Generator) -> GoalSheet:
    ptype = list(_TYPES)[k % len(_TYPES)]
    stem, per_unit, rows = _TYPES[ptype]
    q = int(rng.integers(3, 30)) * (100 if ptype == "培训" else 10 if ptype == "设备购置" else 4)
    q2 = q * 150
    budget = round_half_up(q * per_unit * float(rng.uniform(0.9, 1.1)), 2)
    place = _PLACES[k % len(_PLACES)]
    inds = []
    for l1, l2, name, value, unit, last in rows:
        inds.append(
            GoalIndicator(
                l1,
                l2,
                name,
                str(value).format(q=q, q2=q2),
                unit,
                last_actual=f"{last:g}" if last is not None else "",
            )
        )
    return GoalSheet(
        f"G{k + 1:05d}",
        f"{place}{stem}",
        department=_DEPARTMENTS[ptype],
        project_type=ptype,
        budget_wan=budget,
        year=2026,
        overall_goal=f"2026年完成{place}{stem}，{rows[0][2]}达到"
        f"{str(rows[0][3]).format(q=q, q2=q2)}{rows[0][4]}，服务对象满意度达到90%以上。",
        indicators=inds,
    )


def _by_name(s: GoalSheet, word: str) -> GoalIndicator:
    return next(i for i in s.indicators if word in i.level2 or word in i.level1)


def _drop(s: GoalSheet, word: str) -> None:
    s.indicators = [i for i in s.indicators if word not in i.level1 and word not in i.level2]


def _set(word: str, **kw: str) -> Callable[[GoalSheet], None]:
    def f(s: GoalSheet) -> None:
        ind = _by_name(s, word)
        for k, v in kw.items():
            setattr(ind, k, v)

    return f


def _no_goal(s: GoalSheet) -> None:
    s.overall_goal = ""


def _dup(s: GoalSheet) -> None:
    s.indicators.append(copy.copy(_by_name(s, "质量")))


def _unit_cost(s: GoalSheet) -> None:
    s.budget_wan = (s.budget_wan or 0) * 40


def _low(s: GoalSheet) -> None:
    ind = _by_name(s, "满意度")
    ind.last_actual = "96"


#: check id → how to plant exactly that problem in a clean sheet
PLANTS: dict[str, Callable[[GoalSheet], None]] = {
    "overall_goal_missing": _no_goal,
    "output_missing": lambda s: _drop(s, "产出"),
    "output_class_missing": lambda s: _drop(s, "时效"),
    "benefit_missing": lambda s: _drop(s, "效益"),
    "satisfaction_missing": lambda s: _drop(s, "满意度"),
    "cost_missing": lambda s: _drop(s, "成本"),
    "target_missing": _set("质量", value="", unit=""),
    "placeholder": _set("时效", value="**", unit="%"),
    "duplicate": _dup,
    "vague_wording": _set("质量", value="明显提高", unit=""),
    "not_quantified": _set("质量", value="合格", unit=""),
    "unit_missing": _set("效益", unit=""),
    "unit_inconsistent": _set("质量", unit="公里"),
    "unit_cost_range": _unit_cost,
    "below_last_year": _low,
}


def generate_sheets(
    n: int, *, seed: int = 0, problem_share: float = 0.5
) -> tuple[list[GoalSheet], dict[str, str]]:
    """``n`` sheets; about ``problem_share`` of them carry one planted problem, cycling through
    every kind of :data:`PLANTS`.  Returns the sheets and sheet id → planted check id."""
    rng = np.random.default_rng(seed)
    kinds = list(PLANTS)
    sheets, truth = [], {}
    for k in range(n):
        s = _clean_sheet(k, rng)
        if rng.random() < problem_share or (k < 2 * len(kinds) and k % 2 == 1):
            kind = kinds[len(truth) % len(kinds)]
            if kind == "output_missing" and s.project_type in ("工程建设", "设备购置"):
                s.project_type = "培训"  # keep one problem per sheet: cost check stays quiet
            if kind == "cost_missing" and s.project_type == "培训":
                s.project_type = "维修改造"  # the rule applies to works, repairs and purchases
            PLANTS[kind](s)
            truth[s.sheet_id] = kind
        sheets.append(s)
    return sheets, truth


LONG_COLUMNS = [
    "项目编码",
    "项目名称",
    "主管部门",
    "项目类型",
    "资金总额（万元）",
    "年度",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "上年实际完成值",
]


def long_rows(sheets: list[GoalSheet]) -> list[list[object]]:
    """Rows of the long table: project cells and 一级/二级 only where they change."""
    out: list[list[object]] = []
    for s in sheets:
        prev1 = prev2 = None
        for n, i in enumerate(s.indicators):
            head = (
                [
                    s.sheet_id,
                    s.project,
                    s.department,
                    s.project_type,
                    s.budget_wan,
                    s.year,
                    s.overall_goal,
                ]
                if n == 0
                else [None] * 7
            )
            nature = i.value[0] if i.value[:1] in ("≥", "≤") else ""
            value = i.value[1:] if i.value[:1] in ("≥", "≤") else i.value
            out.append(
                [
                    *head,
                    i.level1 if i.level1 != prev1 else None,
                    i.level2 if (i.level2, i.level1) != (prev2, prev1) else None,
                    *[i.name, nature, value, i.unit, i.last_actual or None],
                ]
            )
            prev1, prev2 = i.level1, i.level2
    return out


def write_long_table(sheets: list[GoalSheet], path: str | Path) -> Path:
    """The sheets as one long table (.xlsx or .csv in UTF-8 with BOM)."""
    import pandas as pd

    from ..fileio import atomic_write_bytes
    from ..inert import csv_bytes, frames_xlsx

    df = pd.DataFrame(long_rows(sheets), columns=LONG_COLUMNS)
    path = Path(path)
    data = csv_bytes(df) if path.suffix.lower() == ".csv" else frames_xlsx({"绩效目标": df})
    return atomic_write_bytes(path, data)


def _form(ws: object, s: GoalSheet) -> None:
    """One 绩效目标申报表 on a worksheet, laid out as the published reference template."""
    rows: list[list[object]] = [
        [f"项目支出绩效目标申报表（{s.year}年度）"],
        ["项目名称", s.project, None, "项目编码", s.sheet_id],
        ["主管部门", s.department, None, "项目类型", s.project_type],
        ["资金情况（万元）", "年度资金总额", s.budget_wan, "其中：财政拨款", s.budget_wan],
        ["年度目标", s.overall_goal],
        ["长期绩效指标"],
        ["一级指标", "二级指标", "三级指标", "指标值", "备注"],
        ["产出指标", "数量指标", "（长期）完成建设任务", "100%", None],
        ["年度绩效指标"],
        ["一级指标", "二级指标", "三级指标", "指标值", "度量单位", "上年实际完成值"],
    ]
    for i in s.indicators:
        rows.append([i.level1, i.level2, i.name, i.value, i.unit, i.last_actual or None])
    rows.append(["审核意见"])
    for r in rows:
        ws.append(r)  # type: ignore[attr-defined]


def write_forms(sheets: list[GoalSheet], path: str | Path) -> Path:
    """The sheets as a workbook, one 申报表 per worksheet (named by the project code)."""
    from openpyxl import Workbook

    from ..fileio import atomic_write_bytes
    from ..inert import workbook_bytes

    wb = Workbook()
    wb.remove(wb.active)
    wb.create_sheet("填报说明").append(["每个工作表为一个项目的绩效目标申报表。"])
    for s in sheets:
        _form(wb.create_sheet(s.sheet_id), s)
    return atomic_write_bytes(path, workbook_bytes(wb))
