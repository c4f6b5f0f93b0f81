"""In-year monitoring of many projects: read the monitoring table, light every project and
indicator, list the projects to correct with their reasons, write the outputs.

Input: a long table (CSV/XLSX, one row per 三级指标, project cells on the first row of each
project or repeated) with 项目编码, 项目名称, 主管部门, 全年预算数（万元）, 执行数（万元）
(also 累计支出 / 实际支出), 一级指标, 二级指标, 三级指标, 年度指标值, 实际完成值 (also 累计完成值 /
截至目前完成值), 计划进度 (optional, %), 偏差原因 (optional).  Money headers must say 万元 or 元.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import EvalError
from ..fileio import atomic_write_bytes
from ..goals.read import clean_cell, fill_down_by_project, find_column, money_factor, money_wan
from ..inert import frames_xlsx
from ..parsing import parse_value
from ..results import Provenance, _clean
from ..rules import budget_rate
from ..tables import ROW, read_table
from ..units import compatible
from .lights import LIGHT_ZH, Thresholds, light, progress_ratio, time_progress

__all__ = ["MonitorResult", "monitor", "read_monitor_table", "write_outputs"]

COLUMNS = {
    "sheet_id": ("项目编码", "项目编号"),
    "project": ("项目名称",),
    "department": ("主管部门", "预算单位"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标内容", "指标名称"),
    "target": ("年度指标值", "指标值", "目标值"),
    "actual": ("实际完成值", "累计完成值", "截至目前完成值", "当前完成值"),
    "planned": ("计划进度", "计划完成进度"),
    "reason": ("偏差原因", "偏差原因分析", "偏差原因及纠偏措施"),
}
BUDGET = ("全年预算数", "年度预算数", "预算数")
SPENT = ("执行数", "累计支出", "实际支出", "支出数")
_WORST = {"红灯": 0, "黄灯": 1, "绿灯": 2}


@dataclass
class MonitorResult:
    """Lights of every project and indicator.

    Attributes
    ----------
    month : int
    projects : DataFrame
        项目编号, 项目名称, 主管部门, 全年预算数, 执行数, 预算执行率, 时间进度, 执行进度比,
        预算灯, 指标红灯数, 指标黄灯数, 总体, 原因.
    indicators : DataFrame
        项目编号, 行号, 一级/二级/三级指标, 年度指标值, 实际完成值, 完成率, 计划进度, 进度比,
        灯, 偏差原因.
    """

    month: int
    projects: pd.DataFrame
    indicators: pd.DataFrame

    @property
    def to_correct(self) -> pd.DataFrame:
        """Projects with a red or yellow light, worst first, with their reasons."""
        p = self.projects[self.projects["总体"].isin(["红灯", "黄灯"])]
        return p.sort_values("总体", key=lambda s: s.map({"红灯": 0, "黄灯": 1}), kind="stable")

    def counts(self) -> dict[str, int]:
        """Number of projects per overall light."""
        return {v: int((self.projects["总体"] == v).sum()) for v in ("红灯", "黄灯", "绿灯")}


def read_monitor_table(path: str | Path, *, sheet: str | None = None) -> tuple[pd.DataFrame, Any]:
    """The table with its project cells filled down, and where it came from."""
    table = read_table(path, sheet=sheet, header_keywords=["三级指标", "指标内容"], fast=True)
    df = table.frame.copy()
    cols = {k: find_column(list(df.columns), names) for k, names in COLUMNS.items()}
    money = {
        k: find_column(list(df.columns), names)
        for k, names in (("budget", BUDGET), ("spent", SPENT))
    }
    missing = [COLUMNS[k][0] for k in ("project", "name", "target", "actual") if cols[k] is None]
    missing += [names[0] for k, names in (("budget", BUDGET), ("spent", SPENT)) if money[k] is None]
    if missing:
        raise EvalError(
            f"监控表缺少列：{'、'.join(missing)}",
            file=table.file,
            sheet=table.sheet,
            row=table.header_row,
            fix="表头应含 项目名称、全年预算数（万元）、执行数（万元）、"
            "三级指标、年度指标值、实际完成值",
        )
    fill = [
        c
        for c in (
            cols["sheet_id"],
            cols["project"],
            cols["department"],
            money["budget"],
            money["spent"],
            cols["level1"],
            cols["level2"],
        )
        if c
    ]
    df = fill_down_by_project(df, fill, cols["sheet_id"] or cols["project"])
    return df, (table, cols, money)


def _number(text: str, where: dict[str, Any]) -> Any:
    if not text:
        return None
    try:
        return parse_value(text, **where)
    except EvalError:
        return None


def _indicator(
    rec: dict[str, Any],
    cols: dict[str, str | None],
    t: float,
    th: Thresholds,
    where: dict[str, Any],
) -> dict[str, Any]:
    def get(k: str) -> str:
        return clean_cell(rec[cols[k]]) if cols[k] else ""

    target, actual = get("target"), get("actual")
    tv = _number(target, {**where, "column": cols["target"]})
    av = _number(actual, {**where, "column": cols["actual"]})
    done = planned = v = None
    kind = "定性"
    if tv is not None and av is not None and tv.number and av.number is not None:
        if av.unit_written and tv.unit_written and not compatible(av.unit, tv.unit):
            raise EvalError(
                f"实际完成值的单位「{av.unit.symbol}」与年度指标值的单位「{tv.unit.symbol}」不一致",
                value=actual,
                column=cols["actual"],
                fix="改用与年度指标值相同的单位",
                **where,
            )
        a = av.number * (
            av.unit.factor / tv.unit.factor if av.unit_written and tv.unit_written else 1
        )
        exact = a / tv.number * 100
        done = progress_ratio(a, tv.number)
        if tv.operator in ("<=", "<"):
            kind, v = "上限", (100.0 if a <= tv.number else 0.0)  # red once exceeded
        elif tv.unit.dimension == "percent" or "满意" in get("name"):
            kind, planned, v = "比率", 100.0, done  # a rate or level does not accumulate
        else:
            kind = "累计"
            p = get("planned").rstrip("%")
            planned = float(p) if p else t
            v = progress_ratio(exact, planned) if planned > 0 else None
    return {
        "行号": where["row"],
        "一级指标": get("level1"),
        "二级指标": get("level2"),
        "三级指标": get("name"),
        "指标类型": kind,
        "年度指标值": target,
        "实际完成值": actual,
        "完成率": done,
        "计划进度": planned,
        "进度比": v,
        "灯": LIGHT_ZH[light(v, th)],
        "偏差原因": get("reason"),
    }


def _project(
    sid: str, g: pd.DataFrame, head: dict[str, Any], month: int, th: Thresholds
) -> dict[str, Any]:
    t_exact = month / 12 * 100
    budget, spent = head["budget"], head["spent"]
    reasons = []
    if not budget:
        rate = v = None
        lamp = "黄灯"
        reasons.append("全年预算数为 0 或空白，无法计算预算执行率")
    else:
        rate = budget_rate({"spent": spent or 0.0, "full_year_budget": budget}, "full_year_budget")[
            0
        ]
        v = progress_ratio(rate, t_exact)
        lamp = LIGHT_ZH[light(v, th)]
        if lamp != "绿灯":
            reasons.append(
                f"预算执行率 {rate:.2f}%，时间进度 {time_progress(month):.2f}%，"
                f"执行进度比 {v:.2f}（{lamp}）"
            )
    for r in g.itertuples(index=False):
        if r.灯 in ("红灯", "黄灯"):
            why = f"；偏差原因：{r.偏差原因}" if r.偏差原因 else "；未说明偏差原因"
            reasons.append(
                f"「{r.三级指标}」完成率 {r.完成率:.2f}%，计划进度 {r.计划进度:.2f}%，"
                f"进度比 {r.进度比:.2f}（{r.灯}）{why}"
            )
    cum = g[g["指标类型"] == "累计"]["完成率"].dropna()
    if rate is not None and len(cum) and cum.mean() > rate * 1.05:
        reasons.append(
            f"目标完成进度（平均 {cum.mean():.2f}%）明显快于预算执行（{rate:.2f}%），"
            "核实支出是否滞后入账"
        )
    lights = [x for x in (lamp, *g["灯"]) if x in _WORST]
    overall = min(lights, key=_WORST.__getitem__, default="绿灯")
    return {
        "项目编号": sid,
        "项目名称": head["project"],
        "主管部门": head["department"],
        "全年预算数": budget,
        "执行数": spent,
        "预算执行率": rate,
        "时间进度": time_progress(month),
        "执行进度比": v,
        "预算灯": lamp,
        "指标红灯数": int((g["灯"] == "红灯").sum()),
        "指标黄灯数": int((g["灯"] == "黄灯").sum()),
        "总体": overall,
        "原因": "；".join(reasons),
    }


def monitor(
    path: str | Path, month: int, *, thresholds: Thresholds | None = None, sheet: str | None = None
) -> MonitorResult:
    """Monitor every project of the table at the end of ``month``."""
    th = thresholds or Thresholds()
    time_progress(month)  # validates the month
    df, (table, cols, money) = read_monitor_table(path, sheet=sheet)
    bf, sf = (money_factor(money[k], table.file, table.sheet) for k in ("budget", "spent"))
    t = month / 12 * 100
    rows, heads = [], {}
    for rec in df.to_dict("records"):
        where = {"file": table.file, "sheet": table.sheet, "row": int(rec[ROW])}
        project = clean_cell(rec[cols["project"]])
        sid = clean_cell(rec[cols["sheet_id"]]) if cols["sheet_id"] else project
        if not project:  # a stray cell below the table must not become a project
            raise EvalError(
                "这一行没有项目名称，无法归入任何项目", column=cols["project"],
                value=sid or None, fix="补填项目名称，或删除表格下方多余的单元格", **where,
            )  # fmt: skip
        if sid not in heads:
            heads[sid] = {
                "project": project,
                "department": clean_cell(rec[cols["department"]]) if cols["department"] else "",
                "budget": money_wan(rec[money["budget"]], bf, {**where, "column": money["budget"]}),
                "spent": money_wan(rec[money["spent"]], sf, {**where, "column": money["spent"]}),
            }
        if clean_cell(rec[cols["name"]]):
            rows.append({"项目编号": sid, **_indicator(rec, cols, t, th, where)})
    ind = pd.DataFrame(
        rows,
        columns=[
            "项目编号",
            "行号",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标类型",
            "年度指标值",
            "实际完成值",
            "完成率",
            "计划进度",
            "进度比",
            "灯",
            "偏差原因",
        ],
    )
    projects = [
        _project(sid, ind[ind["项目编号"] == sid], h, month, th) for sid, h in heads.items()
    ]
    return MonitorResult(month, pd.DataFrame(projects), ind)


#: percent columns → their Excel header; values become fractions shown as 0.00% (24 → 24.00%)
_EXCEL_PERCENT = {"预算执行率": "预算执行率", "时间进度": "时间进度比例", "完成率": "完成率",
                  "计划进度": "计划进度比例"}  # fmt: skip


def excel_view(df: pd.DataFrame) -> pd.DataFrame:
    """The table for Excel: percent columns as fractions under rate headers, so the cells hold
    numbers that Excel shows as percentages."""
    out = df.copy()
    for col in (c for c in _EXCEL_PERCENT if c in out.columns):
        out[col] = out[col].astype(float) / 100
    return out.rename(columns=_EXCEL_PERCENT)


def write_outputs(
    res: MonitorResult, out: str | Path, *, provenance: Provenance | None = None
) -> list[Path]:
    """Write 绩效监控结果.xlsx (项目监控, 指标监控, 纠偏清单) and monitor.json (byte-identical)."""
    out = Path(out)
    payload = {
        "month": res.month,
        "time_progress": time_progress(res.month),
        "counts": res.counts(),
        "projects": res.projects.to_dict("records"),
        "indicators": res.indicators.to_dict("records"),
        "provenance": (provenance or Provenance()).to_dict(),
    }
    js = (json.dumps(_clean(payload), ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    book = frames_xlsx(
        {
            "项目监控": excel_view(res.projects),
            "指标监控": excel_view(res.indicators),
            "纠偏清单": res.to_correct[["项目编号", "项目名称", "主管部门", "总体", "原因"]],
        }
    )
    return [
        atomic_write_bytes(out / "绩效监控结果.xlsx", book),
        atomic_write_bytes(out / "monitor.json", js),
    ]
