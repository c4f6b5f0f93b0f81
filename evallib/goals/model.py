"""Goal sheets (绩效目标申报表) as evallib reads them.

A sheet is a project (or a department's) filing: name, department, type, budget, the year's
overall goal, and the indicators — 一级 / 二级 / 三级 (指标内容), 指标值 as written, 度量单位,
指标值设定依据 and, when the budget system exports it, last year's actual value.  Values are kept
as written; checks parse them with the scoring parser (:func:`evallib.parsing.parse_value`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["GoalIndicator", "GoalSheet"]


@dataclass
class GoalIndicator:
    """One indicator row of a goal sheet.

    Attributes
    ----------
    level1, level2, name : str
        一级指标, 二级指标, 三级指标 (指标内容).
    value : str
        指标值 as written (``≥600人次``, ``100%``, ``按时完成``).
    unit : str
        度量单位 column ("" when the layout has none or it is blank).
    nature : str
        指标性质 column (≥, ≤, =, 定性; "" when absent).
    basis : str
        指标值设定依据 / 指标值说明.
    last_actual : str
        上年实际完成值 when the export carries it.
    row : int or None
        Row in the source file (1-based).
    """

    level1: str
    level2: str
    name: str
    value: str = ""
    unit: str = ""
    nature: str = ""
    basis: str = ""
    last_actual: str = ""
    row: int | None = None

    @property
    def written(self) -> str:
        """The target as a reader sees it: 指标性质 + 指标值 + 度量单位 when split over columns."""
        text = self.value.strip()
        nature = self.nature.strip()
        if (
            nature
            and nature not in ("定性", "定量")
            and not text.startswith(("≥", "≤", ">", "<", "="))
        ):
            text = nature + text
        if self.unit and text and not text.endswith(self.unit.strip()):
            text += self.unit.strip()
        return text


@dataclass
class GoalSheet:
    """One goal sheet: the project and its indicators.

    Attributes
    ----------
    sheet_id : str
        项目编码, or the project name when there is no code.
    project, department, project_type : str
        项目名称, 主管部门, 项目类型 (工程建设, 维修改造, 设备购置, 培训 …; "" when not given).
    budget_wan : float or None
        资金总额 in 万元.
    overall_goal : str or None
        年度总体目标 text; None when the layout has no such field (a long table).
    year : int or None
    file, sheet : str or None
        Where it was read from.
    indicators : list of GoalIndicator
    """

    sheet_id: str
    project: str
    department: str = ""
    project_type: str = ""
    budget_wan: float | None = None
    overall_goal: str | None = None
    year: int | None = None
    file: str | None = None
    sheet: str | None = None
    indicators: list[GoalIndicator] = field(default_factory=list)
