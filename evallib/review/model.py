"""Self-evaluation forms (项目支出绩效自评表) as two tables: one row per indicator and one row per
project — read from the long table evaluators collect, or from per-project Excel forms.

Long table (CSV/XLSX), one row per indicator, Chinese or English column names::

    项目编号 project_id | 项目名称 project_name | 主管部门 department | 年度 year |
    一级指标 level1 | 二级指标 level2 | 三级指标 level3 | 年度指标值 target |
    实际完成值 actual | 分值 points | 得分 score | 偏差原因 deviation |
    年初预算数 initial_budget | 全年预算数 full_year_budget | 全年执行数 spent |
    执行率 execution_rate | 执行率分值 budget_points | 执行率得分 budget_score |
    总分 total | 自评等级 grade

The project columns may be repeated on every row or given on a separate sheet (预算 / 项目)
keyed by 项目编号.  Per-project forms: one sheet per project in the RULES.md §7 layout.
File-level problems raise :class:`~evallib.errors.InputDataError`; row-level problems
(inconsistent budgets of one project, unreadable numbers) become review flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputDataError
from ..fileio import read_bytes_bounded
from ..tables import ROW, read_table

__all__ = [
    "PROJECT_COLUMNS",
    "ROW_COLUMNS",
    "ReviewInput",
    "from_frames",
    "from_long_frame",
    "read_forms",
    "read_long_table",
]

ROW_ALIASES = {
    "project_id": ("项目编号", "项目代码", "project_id"),
    "level1": ("一级指标", "level1"),
    "level2": ("二级指标", "level2"),
    "level3": ("三级指标", "level3"),
    "target": ("年度指标值", "指标值", "目标值", "target"),
    "actual": ("实际完成值", "完成值", "actual"),
    "points": ("分值", "权重", "points"),
    "score": ("得分", "score"),
    "deviation": ("偏差原因分析及改进措施", "偏差原因", "未完成原因分析", "deviation"),
}
#: Forms that split the target into 指标性质 (operator) | 指标值 | 度量单位 (四川 and others).
SPLIT_TARGET = {
    "operator": ("指标性质", "运算符号", "operator"),
    "unit": ("度量单位", "计量单位", "unit"),
}
PROJECT_ALIASES = {
    "project_id": ("项目编号", "项目代码", "project_id"),
    "project_name": ("项目名称", "project_name"),
    "department": ("主管部门", "department"),
    "year": ("年度", "year"),
    "initial_budget": ("年初预算数", "initial_budget"),
    "full_year_budget": ("全年预算数", "full_year_budget"),
    "spent": ("全年执行数", "spent"),
    "execution_rate": ("执行率", "execution_rate"),
    "budget_points": ("执行率分值", "预算执行率分值", "budget_points"),
    "budget_score": ("执行率得分", "预算执行率得分", "budget_score"),
    "total": ("总分", "total"),
    "grade": ("自评等级", "评价等级", "grade"),
}
ROW_COLUMNS = [
    "project_id",
    "row",
    "level1",
    "level2",
    "level3",
    "target",
    "actual",
    "points",
    "score",
    "deviation",
]
PROJECT_COLUMNS = [
    "project_id",
    "project_name",
    "department",
    "year",
    "initial_budget",
    "full_year_budget",
    "spent",
    "execution_rate",
    "budget_points",
    "budget_score",
    "total",
    "grade",
    "source",
]
_NUMERIC = (
    "initial_budget",
    "full_year_budget",
    "spent",
    "execution_rate",
    "budget_points",
    "budget_score",
    "total",
)


@dataclass
class ReviewInput:
    """Forms to review.

    Attributes
    ----------
    rows : DataFrame
        ROW_COLUMNS; ``points`` and ``score`` numeric (NaN when unreadable).
    projects : DataFrame
        PROJECT_COLUMNS, one row per project.
    input_flags : list of dict
        Row-level input problems (project_id, row, code, message) found while reading.
    source : str
    """

    rows: pd.DataFrame
    projects: pd.DataFrame
    input_flags: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""


def _pick(df: pd.DataFrame, aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {k: next((c for c in names if c in df.columns), "") for k, names in aliases.items()}


def _num(s: pd.Series) -> pd.Series:
    """Numbers of a column as forms print them ("1,200", "95%", "10分"); the cleaning runs only
    on the cells that are not plain numbers already (a plain number has nothing to clean)."""
    out = pd.to_numeric(s, errors="coerce").astype(float)
    todo = out.isna().to_numpy() & s.notna().to_numpy()
    if todo.any():
        t = (
            s[todo]
            .astype("string")
            .str.replace(r"[,，%％\s]", "", regex=True)
            .str.replace("分", "", regex=False)
        )
        out[todo] = pd.to_numeric(t, errors="coerce").astype(float)
    return out


_PLACEHOLDER = r"(?:指标\d*[:：]?|…+|\.+|/|-|—)?"


def _not_an_indicator(rows: pd.DataFrame) -> pd.Series:
    """Rows a reviewer passes over: with neither 分值 nor 得分, either a 其中 breakdown of the
    row above (「其中桃树种植面积 1.5亩」 under 「补助各类瓜果蔬菜种植面积 29.5亩」, 萧县 2023)
    or an unfilled template line (「指标2：」, 「……」) with no value at all."""
    out = pd.Series(False, index=rows.index)
    unscored = rows["points"].isna() & rows["score"].isna()
    if not unscored.any():
        return out
    r = rows[unscored]  # the text tests run on the few rows without 分值 and 得分
    name = r["level3"].str.strip().str.lstrip("★☆*")
    empty = (r["target"].str.strip() == "") & (r["actual"].str.strip() == "")
    placeholder = name.str.fullmatch(_PLACEHOLDER) & empty
    out[unscored] = (name.str.startswith("其中") | placeholder).astype(bool)
    return out


def from_frames(rows: pd.DataFrame, projects: pd.DataFrame, source: str = "") -> ReviewInput:
    """Build a :class:`ReviewInput` from DataFrames with the English column names."""
    rows = rows.copy()
    for c in ROW_COLUMNS:
        if c not in rows.columns:
            rows[c] = "" if c not in ("points", "score", "row") else np.nan
    rows["project_id"] = rows["project_id"].astype(str)
    for c in ("level1", "level2", "level3", "target", "actual", "deviation"):
        rows[c] = rows[c].astype("string").fillna("")
    rows["points"] = _num(rows["points"]).astype(float)
    rows["score"] = _num(rows["score"]).astype(float)
    rows = rows[~_not_an_indicator(rows)]
    projects = projects.copy()
    for c in PROJECT_COLUMNS:
        if c not in projects.columns:
            projects[c] = np.nan if c in _NUMERIC else ""
    projects["project_id"] = projects["project_id"].astype(str)
    for c in _NUMERIC:
        projects[c] = _num(projects[c]).astype(float)
    projects["grade"] = projects["grade"].astype("string").fillna("").str.strip()
    return ReviewInput(
        rows[ROW_COLUMNS].reset_index(drop=True),
        projects[PROJECT_COLUMNS].reset_index(drop=True),
        [],
        source,
    )


def read_long_table(path: str | Path, *, sheet: str | int | None = None) -> ReviewInput:
    """Read the long table (see module docstring).

    Raises
    ------
    InputDataError
        Missing file or sheet, missing required columns (named, with the header row).
    """
    path = Path(path)
    keys = [k for names in (ROW_ALIASES["project_id"], ROW_ALIASES["level3"]) for k in names]
    table = read_table(path, sheet=sheet, header_keywords=keys)
    df = table.frame
    cols = _pick(df, ROW_ALIASES)
    missing = [
        ROW_ALIASES[k][0]
        for k in ("project_id", "level3", "target", "actual", "points", "score")
        if not cols[k]
    ]
    if missing:
        raise InputDataError(
            f"复核表缺少必需的列 (missing columns)：{'、'.join(missing)}",
            **table.where(table.header_row),
            fix="表头应包含 项目编号、一级指标、三级指标、年度指标值、实际完成值、分值、得分",
        )
    extra = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from ..workbooks import sheet_names

        names = sheet_names(path)
        name = next((n for n in ("预算", "项目", "项目信息", "projects") if n in names), None)
        if name and name != table.sheet:
            extra = read_table(
                path, sheet=name, header_keywords=PROJECT_ALIASES["project_id"]
            ).frame
    return from_long_frame(df, str(path), rows=df[ROW].to_numpy(), projects=extra)


def _join_split_target(df: pd.DataFrame, out: pd.DataFrame,
                       split: dict[str, str]) -> tuple[pd.Series, pd.Series]:  # fmt: skip
    """「≤ | 30 | 万元」 → "≤30万元"; a numeric 完成值 gets the unit too ("28" → "28万元")."""

    def col(name: str) -> pd.Series:
        c = split[name]
        return (df[c].astype("string").fillna("").str.strip() if c
                else pd.Series([""] * len(df), dtype="string"))  # fmt: skip

    op, unit = col("operator"), col("unit")
    op = op.where(~op.isin(["/", "-", "—", "定性"]), "")
    tgt = out["target"].astype("string").fillna("").str.strip()
    act = out["actual"].astype("string").fillna("").str.strip()
    numeric = lambda s: s.str.fullmatch(r"[+-]?\d+(?:\.\d+)?%?")  # noqa: E731
    has_op = tgt.str.match(r"^[≥≤=<>＝≧≦]")
    target = (op.where(~has_op.fillna(False), "") + tgt
              + unit.where(numeric(tgt).fillna(False), ""))  # fmt: skip
    actual = act + unit.where(numeric(act).fillna(False), "")
    return target.to_numpy(), actual.to_numpy()


def _stripped(col: pd.Series) -> pd.Series:
    """``col.astype("string").str.strip()``, stripping each distinct value once."""
    codes, uniq = pd.factorize(col.astype("string"), use_na_sentinel=True)
    clean = pd.array([*uniq.astype("string").str.strip(), pd.NA], dtype="string")
    return pd.Series(clean[codes], index=col.index, dtype="string")


def from_long_frame(
    df: pd.DataFrame,
    source: str = "",
    *,
    rows: np.ndarray | None = None,
    projects: pd.DataFrame | None = None,
) -> ReviewInput:
    """A :class:`ReviewInput` from the long table as a DataFrame (Chinese or English headers).

    Project columns repeated on every row are checked for consistency: a project whose budget
    figures differ between its rows gets an ``inconsistent_budget`` flag (the first row is
    used), never a crash.
    """
    cols = _pick(df, ROW_ALIASES)
    out = pd.DataFrame({k: df[c].to_numpy() if c else "" for k, c in cols.items()})
    split = _pick(df, SPLIT_TARGET)
    if split["operator"] or split["unit"]:
        out["target"], out["actual"] = _join_split_target(df, out, split)
    out["row"] = rows if rows is not None else np.arange(2, len(df) + 2)
    out["project_id"] = _stripped(out["project_id"])
    for c in ("project_id", "level1", "level2"):  # blank repeated cells are filled down
        out[c] = out[c].replace("", np.nan).ffill().fillna("")
    flags: list[dict[str, Any]] = []
    if projects is not None:
        pc = _pick(projects, PROJECT_ALIASES)
        proj = pd.DataFrame({k: projects[c].to_numpy() if c else np.nan for k, c in pc.items()})
    else:
        pcols = _pick(df, PROJECT_ALIASES)
        per_row = pd.DataFrame({k: df[c].to_numpy() if c else np.nan for k, c in pcols.items()})
        per_row["project_id"] = out["project_id"].to_numpy()
        num = [
            c for c in ("initial_budget", "full_year_budget", "spent", "budget_points") if pcols[c]
        ]
        if num:
            vals = per_row[["project_id"]].assign(**{c: _num(per_row[c]) for c in num})
            nun = vals.groupby("project_id", sort=False)[num].nunique()
            bad = nun[(nun > 1).any(axis=1)]
            first_row = out.groupby("project_id", sort=False)["row"].first()
            bad_vals = vals[vals["project_id"].isin(bad.index)]
            seen: dict[tuple[str, Any], list[float]] = {}  # values in order of appearance
            for c in num:
                firsts = bad_vals[["project_id", c]].dropna().drop_duplicates()
                for pid, v in zip(firsts["project_id"], firsts[c], strict=True):
                    seen.setdefault((c, pid), []).append(v)
            for pid, r in bad.iterrows():
                c = next(c for c in num if r[c] > 1)
                vs = seen.get((c, pid), [])
                flags.append(
                    {
                        "project_id": str(pid),
                        "row": int(first_row[pid]),
                        "code": "inconsistent_budget",
                        "message": f"同一项目编号的{PROJECT_ALIASES[c][0]}前后不一致："
                        f"{'、'.join(f'{v:g}' for v in vs)}，按首行计",
                    }
                )
        proj = per_row.groupby("project_id", sort=False).first().reset_index()
    proj["source"] = source
    inp = from_frames(out, proj, source)
    inp.input_flags = flags
    known = set(inp.projects["project_id"].unique())
    for pid in sorted(set(pd.unique(inp.rows["project_id"].to_numpy(object))) - known):
        inp.input_flags.append(
            {
                "project_id": pid,
                "row": None,
                "code": "missing_project",
                "message": "预算表中没有该项目编号",
            }
        )
    return inp


def _cell_right(row: list[Any], i: int) -> Any:
    for v in row[i + 1 :]:
        if v is not None and str(v).strip():
            return v
    return None


def _check_not_a_form(cells: list[list[Any]], path: Path, sheet: str) -> None:
    """A sheet without an indicator area is skipped, unless it looks like a form (then the
    form is damaged and skipping it would drop a project silently)."""
    texts = {str(v).strip() for row in cells[:60] for v in row if v is not None}
    if any("自评表" in t for t in texts) or {"项目名称", "三级指标"} & texts:
        raise InputDataError(
            "该工作表像是自评表，但找不到指标区域（表头含「三级指标」「得分」）",
            file=str(path), sheet=sheet,
            fix="检查表头是否被合并或删除；不是自评表的工作表请改名或删除其中的表名",
        )  # fmt: skip


_FUND_COLUMNS = (
    ("initial_budget", "年初预算数"), ("full_year_budget", "全年预算数"), ("spent", "全年执行数"),
    ("budget_points", "分值"), ("execution_rate", "执行率"), ("budget_score", "得分"),
)  # fmt: skip
_MONEY = ("initial_budget", "full_year_budget", "spent")


def _budget_from_subrow(info: dict[str, Any], row: list[Any], header: list[str], r: int) -> None:
    """Some platforms print an all-zero 年度资金总额 row and the money on 其中：本年财政拨款: take
    the figures from there (noted), never from a zero total."""

    def amount(v: Any) -> float:
        x = _num(pd.Series([v], dtype=object)).iloc[0]
        return 0.0 if pd.isna(x) else float(x)

    if any(amount(info.get(k)) != 0 for k in _MONEY):
        return
    got = {k: row[header.index(n)] for k, n in _FUND_COLUMNS[:3] if n in header}
    if any(amount(v) != 0 for v in got.values()):
        info.update(got)
        info["_budget_note"] = r


def read_forms(path: str | Path) -> ReviewInput:
    """Read per-project forms: one sheet per project, laid out as the 自评表 (RULES.md §7)."""
    from ..tables import _read_xlsx, blank_row
    from ..workbooks import sheet_names

    path = Path(path)
    data = read_bytes_bounded(path)
    names = sheet_names(path, data)
    all_rows, projects = [], []
    for sheet in names:
        cells, _ = _read_xlsx(path, data, sheet)
        n_before = len(all_rows)
        info: dict[str, Any] = {"project_id": sheet, "source": f"{path}#{sheet}"}
        header = None
        fund_header = None
        for r, row in enumerate(cells, 1):
            if blank_row(row):  # nothing to read (a far-away cell leaves a million of these)
                continue
            texts = ["" if v is None else str(v).strip() for v in row]
            for i, t in enumerate(texts):
                if t in ("项目名称",):
                    info["project_name"] = _cell_right(row, i)
                elif t == "主管部门":
                    info["department"] = _cell_right(row, i)
                elif t == "项目编号":
                    info["project_id"] = str(_cell_right(row, i))
                elif t == "年度":
                    info["year"] = _cell_right(row, i)
            if "全年预算数" in texts and "全年执行数" in texts:
                fund_header = texts
                continue
            if fund_header and texts and texts[0].startswith("年度资金总额"):
                for key, name in _FUND_COLUMNS:
                    if name in fund_header:
                        info[key] = row[fund_header.index(name)]
                continue
            if fund_header and texts and texts[0].startswith("其中") and "财政拨款" in texts[0]:
                _budget_from_subrow(info, row, fund_header, r)
                fund_header = None
                continue
            if "三级指标" in texts and "得分" in texts:
                header = texts
                continue
            if header is not None:
                first = texts[0] if texts else ""
                if first.startswith("总分"):
                    info["total"] = row[header.index("得分")] if "得分" in header else None
                    header = None
                    continue
                if not any(texts):
                    continue
                rec = {"row": r}
                for key, names_ in ROW_ALIASES.items():
                    if key == "project_id":
                        continue
                    name = next((n for n in names_ if n in header), None)
                    rec[key] = row[header.index(name)] if name else None
                all_rows.append((info, rec))
            elif texts and texts[0] in ("自评等级", "评价等级"):
                info["grade"] = _cell_right(row, 0)
        if len(all_rows) == n_before:
            _check_not_a_form(cells, path, sheet)
            continue  # a cover or notes sheet
        projects.append(info)
    if not all_rows:
        raise InputDataError(
            "未找到自评表的指标区域（表头含「三级指标」「得分」）",
            file=str(path),
            fix="每个工作表一个项目，按项目支出绩效自评表格式填写",
        )
    rows = pd.DataFrame([{**rec, "project_id": info["project_id"]} for info, rec in all_rows])
    for c in ("level1", "level2"):
        rows[c] = rows[c].replace("", np.nan).groupby(rows["project_id"]).ffill().fillna("")
    notes = [{"project_id": str(p["project_id"]), "row": p.pop("_budget_note"),
              "code": "budget_from_subrow",
              "message": "年度资金总额行为 0，预算数与执行数取自「其中：本年财政拨款」行"}
             for p in projects if "_budget_note" in p]  # fmt: skip
    inp = from_frames(rows, pd.DataFrame(projects), str(path))
    inp.input_flags.extend(notes)
    return inp
