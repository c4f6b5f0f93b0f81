"""Read goal sheets as budget systems export them and as units file them.

- **Long table** (CSV/XLSX, one row per 三级指标, the project columns repeated or merged):
  项目编码, 项目名称, 主管部门, 项目类型, 资金总额（万元）, 年度目标, 一级指标, 二级指标,
  三级指标 (or 指标内容/指标名称), 指标性质, 指标值, 度量单位, 指标值设定依据, 上年实际完成值 —
  only 项目名称, 三级指标 and 指标值 are required; blank or merged project and class cells are
  filled down.
- **Forms** (XLSX, one worksheet per project, the published 绩效目标申报表 layout): label cells
  (项目名称, 主管部门, 项目类型, 年度资金总额, 年度目标 …) with the value to their right, then the
  indicator table under its header row (一级指标 / 二级指标 / 三级指标 or 指标内容 / 指标值).  When
  a sheet has a 长期 and a 年度 table, the 年度 one is read.
- **YAML**: ``sheets: [{project, sheet_id, department, project_type, budget_wan, overall_goal,
  year, indicators: [{level1, level2, name, value, unit, nature, basis, last_actual}]}]``.

A money column must say its unit (万元 or 元) in its header: a bare 资金总额 could be either, so it
is refused rather than guessed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import EvalError, InputDataError
from ..fileio import read_yaml
from ..tables import ROW, blank_row, read_table
from .model import GoalIndicator, GoalSheet

__all__ = [
    "clean_cell",
    "fill_down_by_project",
    "find_column",
    "money_factor",
    "money_wan",
    "read_goal_forms",
    "read_goal_sheets",
    "read_goal_table",
    "read_goal_yaml",
]

COLUMNS: dict[str, tuple[str, ...]] = {
    "sheet_id": ("项目编码", "项目编号", "项目代码"),
    "project": ("项目名称",),
    "department": ("主管部门", "预算单位", "部门名称"),
    "project_type": ("项目类型", "项目类别"),
    "year": ("年度", "预算年度"),
    "overall_goal": ("年度目标", "年度绩效目标", "年度总体目标", "总体目标"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标内容", "指标名称"),
    "nature": ("指标性质",),
    "value": ("指标值", "年度指标值", "目标值"),
    "unit": ("度量单位", "计量单位", "单位"),
    "basis": ("指标值设定依据", "指标值说明", "备注"),
    "last_actual": ("上年实际完成值", "上年实际值", "上年完成值"),
}
BUDGET = ("资金总额", "年度资金总额", "预算金额", "项目资金", "预算资金")
_SPACE = re.compile(r"\s+")


def clean_cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _header_key(h: str) -> str:
    return _SPACE.sub("", str(h)).split("（")[0].split("(")[0]


def find_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    for c in columns:
        if _header_key(c) in names:
            return c
    return None


def fill_down_by_project(df: pd.DataFrame, columns: list[str], key: str) -> pd.DataFrame:
    """Blank (or merged) cells of ``columns`` filled from above *within* a project: a row whose
    ``key`` cell is filled starts a new project, whose blank cells are never taken from the
    previous one."""
    blank = df[columns].map(lambda v: clean_cell(v) == "")
    out = df.copy()
    out[columns] = df[columns].mask(blank).groupby((~blank[key]).cumsum()).ffill()
    return out


def money_factor(header: str, file: str, sheet: str | None) -> float:
    """万元 per unit of the money column: its header must say 万元 or 元."""
    if "万元" in header:
        return 1.0
    if "元" in header:
        return 1e-4
    raise EvalError(
        f"资金列「{header}」没有写单位，无法判断是元还是万元",
        file=file,
        sheet=sheet,
        column=header,
        fix="在列名中写明单位，如「资金总额（万元）」",
    )


def money_wan(v: Any, factor: float, where: dict[str, Any]) -> float | None:
    text = clean_cell(v).replace(",", "")
    if not text:
        return None
    found = re.findall(r"\d+(?:\.\d+)?\s*(?:万元|元)?", text)
    if len(found) == 1 and found[0] != text:  # 总额10606.7522万元: the one amount in the text
        text = found[0].replace(" ", "")
    if text.endswith("万元"):
        text, factor = text[:-2], 1.0
    elif text.endswith("元"):
        text, factor = text[:-1], 1e-4
    try:
        x = float(text)
    except ValueError:
        raise EvalError("资金总额不是数值", value=v, fix="填写数字，如 1200.5", **where) from None
    if not math.isfinite(x) or x < 0:
        raise EvalError("资金总额应为非负数", value=v, fix="填写数字，如 1200.5", **where)
    return x * factor


def read_goal_table(path: str | Path, *, sheet: str | int | None = None) -> list[GoalSheet]:
    """Goal sheets from a long table (one row per 三级指标)."""
    # python-calamine: a budget system's export holds plain values (merged cells are blanks,
    # filled down below), and openpyxl takes ~11 s on 60,000 rows where calamine takes ~1 s
    table = read_table(
        path, sheet=sheet, header_keywords=["三级指标", "指标内容", "指标名称"], fast=True
    )
    df = table.frame
    cols = {k: find_column(list(df.columns), names) for k, names in COLUMNS.items()}
    missing = [COLUMNS[k][0] for k in ("project", "name", "value") if cols[k] is None]
    if missing:
        raise EvalError(
            f"绩效目标表缺少列：{'、'.join(missing)}",
            file=table.file,
            sheet=table.sheet,
            row=table.header_row,
            fix="表头应含 项目名称、三级指标（或指标内容）、指标值",
        )
    bcol = find_column(list(df.columns), BUDGET)
    factor = money_factor(bcol, table.file, table.sheet) if bcol else 1.0
    fill = [
        cols[k]
        for k in ("sheet_id", "project", "department", "project_type", "year", "overall_goal")
        if cols[k]
    ]
    df = fill_down_by_project(df, fill, cols["sheet_id"] or cols["project"])
    sheets: dict[str, GoalSheet] = {}
    last: dict[str, tuple[str, str]] = {}
    for rec in df.to_dict("records"):
        where = {"file": table.file, "sheet": table.sheet, "row": int(rec[ROW])}
        project = clean_cell(rec[cols["project"]])
        if not project:
            raise EvalError(
                "项目名称为空", column=cols["project"], fix="每一行填写项目名称", **where
            )
        sid = clean_cell(rec[cols["sheet_id"]]) if cols["sheet_id"] else project
        gs = sheets.get(sid)
        if gs is None:
            gs = sheets[sid] = _new_sheet(sid, project, rec, cols, bcol, factor, where, table)
        l1 = _SPACE.sub("", clean_cell(rec[cols["level1"]])) if cols["level1"] else ""
        l2 = _SPACE.sub("", clean_cell(rec[cols["level2"]])) if cols["level2"] else ""
        p1, p2 = last.get(sid, ("", ""))
        l1, l2 = l1 or p1, l2 or (p2 if not l1 or l1 == p1 else "")
        last[sid] = (l1, l2)
        name = clean_cell(rec[cols["name"]])
        value = clean_cell(rec[cols["value"]])
        if not name and not value:
            continue
        gs.indicators.append(
            GoalIndicator(
                l1,
                l2,
                name,
                value,
                **{
                    k: clean_cell(rec[cols[k]])
                    for k in ("unit", "nature", "basis", "last_actual")
                    if cols[k]
                },
                row=int(rec[ROW]),
            )
        )
    return list(sheets.values())


def _new_sheet(
    sid: str,
    project: str,
    rec: dict[str, Any],
    cols: dict[str, str | None],
    bcol: str | None,
    factor: float,
    where: dict[str, Any],
    table: Any,
) -> GoalSheet:
    def get(k: str) -> str:
        return clean_cell(rec[cols[k]]) if cols[k] else ""

    year = get("year")
    return GoalSheet(
        sid,
        project,
        department=get("department"),
        project_type=get("project_type"),
        budget_wan=money_wan(rec[bcol], factor, {**where, "column": bcol}) if bcol else None,
        overall_goal=get("overall_goal") if cols["overall_goal"] else None,
        year=int(float(year)) if re.fullmatch(r"\d{4}(\.0)?", year) else None,
        file=table.file,
        sheet=table.sheet,
    )


# --------------------------------------------------------------------------- forms

_LABELS = {
    "project": ("项目名称",),
    "sheet_id": ("项目编码", "项目编号"),
    "department": ("主管部门",),
    "project_type": ("项目类型", "项目类别"),
    "overall_goal": ("年度目标", "年度绩效目标", "本年度目标", "年度总体目标"),
    "year": ("年度", "预算年度"),
}


def _label_values(rows: list[list[Any]]) -> dict[str, tuple[str, str, int]]:
    """label key → (value, label cell text, row) for the first labelled cell of each key."""
    out: dict[str, tuple[str, str, int]] = {}
    for r, row in enumerate(rows, 1):
        if blank_row(row):
            continue
        cells = [clean_cell(c) for c in row]
        for j, c in enumerate(cells):
            key = _SPACE.sub("", c).rstrip(":：")
            hit = next((k for k, names in _LABELS.items() if key in names), None)
            if hit is None and any(key.startswith(b) for b in BUDGET):
                hit = "budget"
            if hit is None or hit in out:
                continue
            value = next((v for v in cells[j + 1 :] if v and v != c), "")
            out[hit] = (value, c, r)
    return out


def _table_header(rows: list[list[Any]]) -> int | None:
    """Index of the indicator table's header row (the 年度 table when there are two)."""
    heads = [
        i
        for i, row in enumerate(rows)
        if not blank_row(row)
        and {"一级指标", "二级指标"} <= {_SPACE.sub("", clean_cell(c)) for c in row}
    ]
    if not heads:
        return None
    for i in heads:
        above = next(
            (
                " ".join(clean_cell(c) for c in r)
                for r in reversed(rows[:i])
                if any(clean_cell(c) for c in r)
            ),
            "",
        )
        if "年度" in above and "长期" not in above:
            return i
    return heads[-1]


def _form_sheet(path: Path, title: str, rows: list[list[Any]]) -> GoalSheet | None:
    labels = _label_values(rows)
    head = _table_header(rows)
    if head is None or "project" not in labels:
        return None
    where = {"file": str(path), "sheet": title}
    budget = None
    if "budget" in labels:
        value, label, r = labels["budget"]
        row_text = (
            " ".join(clean_cell(c) for c in rows[r - 1])
            + " "
            + " ".join(clean_cell(c) for c in rows[r - 2])
            if r >= 2
            else label
        )
        factor = 1.0 if "万元" in row_text or value.endswith("万元") else None
        if factor is None and not value.endswith("元"):
            raise EvalError(
                f"资金「{label}」没有写单位，无法判断是元还是万元",
                row=r,
                value=value,
                fix="在标签或数值中写明单位，如「年度资金总额（万元）」",
                **where,
            )
        budget = money_wan(value, factor or 1e-4, {**where, "row": r})
    header = [clean_cell(c) for c in rows[head]]
    cols = {
        k: next((j for j, h in enumerate(header) if _header_key(h) in names), None)
        for k, names in COLUMNS.items()
    }
    if cols["name"] is None or cols["value"] is None:
        raise EvalError(
            "指标表缺少「三级指标（指标内容）」或「指标值」列",
            row=head + 1,
            fix="表头写 一级指标、二级指标、三级指标、指标值",
            **where,
        )
    year = labels.get("year", ("", "", 0))[0]
    if not year:  # the title: 项目支出绩效目标申报表（2026年度）
        m = re.search(r"(\d{4})\s*年度", " ".join(clean_cell(c) for r in rows[:3] for c in r))
        year = m.group(1) if m else ""
    gs = GoalSheet(
        labels.get("sheet_id", (labels["project"][0], "", 0))[0] or title,
        labels["project"][0],
        department=labels.get("department", ("", "", 0))[0],
        project_type=labels.get("project_type", ("", "", 0))[0],
        budget_wan=budget,
        overall_goal=labels.get("overall_goal", ("", "", 0))[0] if "overall_goal" in labels else "",
        year=int(year[:4]) if re.match(r"\d{4}", year) else None,
        file=str(path),
        sheet=title,
    )
    _form_rows(gs, rows, head, cols)
    return gs


def _form_rows(
    gs: GoalSheet, rows: list[list[Any]], head: int, cols: dict[str, int | None]
) -> None:
    l1 = l2 = ""
    for r in range(head + 1, len(rows)):
        cells = [clean_cell(c) for c in rows[r]]
        text = "".join(cells)
        if not text or any(w in text for w in ("审核意见", "填报人", "填报说明")):
            break
        if {"一级指标", "二级指标"} <= {_SPACE.sub("", c) for c in cells}:
            break  # a second table starts

        def cell(k: str, cells: list[str] = cells) -> str:
            j = cols[k]
            return cells[j] if j is not None and j < len(cells) else ""

        n1, n2 = _SPACE.sub("", cell("level1")), _SPACE.sub("", cell("level2"))
        if n1 and n1 != l1:
            l1, l2 = n1, ""
        l2 = n2 or l2
        name, value = cell("name"), cell("value")
        if name or value:
            gs.indicators.append(
                GoalIndicator(
                    l1,
                    l2,
                    name,
                    value,
                    unit=cell("unit"),
                    nature=cell("nature"),
                    basis=cell("basis"),
                    last_actual=cell("last_actual"),
                    row=r + 1,
                )
            )


def read_goal_forms(path: str | Path) -> list[GoalSheet]:
    """Goal sheets from a workbook with one 绩效目标申报表 per worksheet (sheets without the
    layout — instructions, lists — are skipped; a workbook with none is an error)."""
    from ..fileio import read_bytes_bounded
    from ..workbooks import read_sheet, sheet_names

    path = Path(path)
    data = read_bytes_bounded(path)
    out = []
    for name in sheet_names(path, data):
        sh = read_sheet(path, name, data=data)
        gs = _form_sheet(path, sh.title, sh.rows)
        if gs is not None:
            out.append(gs)
    if not out:
        raise InputDataError(
            "工作簿中没有绩效目标申报表：找不到「项目名称」和「一级指标/二级指标」表头",
            file=str(path),
            fix="每个工作表一份申报表；长表（每行一个指标）不加 --forms",
        )
    return out


def read_goal_yaml(path: str | Path) -> list[GoalSheet]:
    """Goal sheets from YAML (see the module docstring)."""
    data = read_yaml(path)
    items = data.get("sheets") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise EvalError(
            "YAML 中没有 sheets 列表", file=str(path), fix="见 docs/goals.md 的 YAML 格式"
        )
    out = []
    for n, s in enumerate(items, 1):
        try:
            inds = [
                GoalIndicator(**{k: clean_cell(v) for k, v in i.items()})
                for i in s.get("indicators", [])
            ]
            gs = GoalSheet(
                clean_cell(s.get("sheet_id") or s["project"]),
                clean_cell(s["project"]),
                department=clean_cell(s.get("department")),
                project_type=clean_cell(s.get("project_type")),
                budget_wan=float(s["budget_wan"]) if s.get("budget_wan") is not None else None,
                overall_goal=clean_cell(s.get("overall_goal")) if "overall_goal" in s else None,
                year=int(s["year"]) if s.get("year") else None,
                file=str(path),
                indicators=inds,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise EvalError(
                f"第 {n} 份申报表格式有误：{exc}",
                file=str(path),
                value=n,
                fix="每份含 project 和 indicators（level1、level2、name、value……）",
            ) from None
        out.append(gs)
    return out


def read_goal_sheets(
    path: str | Path, *, forms: bool = False, sheet: str | None = None
) -> list[GoalSheet]:
    """Read goal sheets by the file's kind: YAML, a forms workbook (``forms``) or a long table."""
    p = Path(path)
    if p.suffix.lower() in (".yaml", ".yml"):
        return read_goal_yaml(p)
    if forms:
        return read_goal_forms(p)
    return read_goal_table(p, sheet=sheet)


def frame_of(sheets: list[GoalSheet]) -> pd.DataFrame:
    """All indicators as one table (for notebooks and outputs)."""
    rows = [
        {
            "项目编号": s.sheet_id,
            "项目名称": s.project,
            "行号": i.row,
            "一级指标": i.level1,
            "二级指标": i.level2,
            "三级指标": i.name,
            "指标值": i.written,
        }
        for s in sheets
        for i in s.indicators
    ]
    return pd.DataFrame(
        rows, columns=["项目编号", "项目名称", "行号", "一级指标", "二级指标", "三级指标", "指标值"]
    )
