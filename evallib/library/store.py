"""The results store (结果库): record evaluations, reviews and goal checks; query the history
of an indicator across projects and years (历史标准) and a portfolio across years.

A run is recorded once: the same kind, project and result-file SHA-256 again is recognised and
not duplicated.  Each indicator row keeps the published texts (年度指标值, 实际完成值) and their
numbers in the written unit (parsed by :func:`evallib.parsing.parse_value`, the parser scoring
uses); a row is linked to the library indicator whose name or alias it carries.

History statistics are computed per unit and never mix units: 公里 and 米 rows are reported as
two groups, with a note, rather than one wrong median.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa
from pydantic import ValidationError

from ..errors import EvalError
from ..fileio import read_json, sha256_file
from ..rounding import round_half_up
from . import db
from .grams import norm_key
from .model import ResultRow, RunRecord, validation_error
from .schema import indicator, result, run

if TYPE_CHECKING:
    from .catalog import Library

__all__ = [
    "History",
    "history",
    "last_actual",
    "portfolio",
    "record",
    "record_bundle",
    "record_review",
    "rows_from_evaluation",
]

GRADES = ["优", "良", "中", "差"]


def record(lib: Library, rec: RunRecord) -> tuple[int, bool]:
    """Store ``rec``; returns ``(run id, True)`` or, when already recorded, ``(id, False)``."""
    names = lib.name_map()
    with db.writing(lib.engine) as conn:
        old = conn.execute(
            sa.select(run.c.id).where(
                run.c.kind == rec.kind, run.c.sha256 == rec.sha256, run.c.project == rec.project
            )
        ).scalar()
        if old is not None:
            return int(old), False
        head = rec.model_dump(exclude={"rows"})
        head["recorded_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        head["evallib_version"] = _version()
        run_id = conn.execute(sa.insert(run).values(**head).returning(run.c.id)).scalar_one()
        rows = []
        for r in rec.rows:
            key = norm_key(r.name)
            rows.append(
                {
                    **r.model_dump(),
                    "run_id": run_id,
                    "name_key": key,
                    "library_code": names.get(key),
                }
            )
        if rows:
            conn.execute(sa.insert(result), rows)
    return int(run_id), True


def _version() -> str:
    try:
        return metadata.version("evallib")
    except metadata.PackageNotFoundError:
        return "unknown"


def rows_from_evaluation(indicators: list[dict[str, Any]]) -> list[ResultRow]:
    """Result rows from the ``indicators`` of an evaluation result (``result.json``)."""
    return [
        ResultRow(
            code=str(ind.get("code") or ""),
            name=str(ind["name"]),
            level1=str(ind.get("一级指标") or ""),
            level2=str(ind.get("二级指标") or ""),
            points=ind.get("points"),
            score=ind.get("score"),
            target=_text(ind.get("target")),
            actual=_text(ind.get("actual")),
        )
        for ind in indicators
    ]


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def record_bundle(
    lib: Library,
    path: str | Path,
    *,
    project: str | None = None,
    year: int | None = None,
    department: str | None = None,
) -> tuple[int, bool]:
    """Record a report bundle (``evallib report``) or a score folder (``evallib score``).

    The project, year and department come from the bundle's report metadata; a score folder has
    none, so they must be given.

    Raises
    ------
    EvalError
        No result.json, a result of another kind, or no project name.
    """
    folder = Path(path)
    file = folder / "result.json" if folder.is_dir() else folder
    data = read_json(file, what="评价结果 result.json")
    if not isinstance(data, dict):
        raise EvalError(
            "result.json 不是评价结果",
            file=str(file),
            fix="选择 evallib report 或 evallib score 的输出文件夹",
        )
    evaluation = data.get("evaluation", data)
    meta = data.get("report", {}) if isinstance(data.get("report"), dict) else {}
    if not isinstance(evaluation, dict) or not isinstance(evaluation.get("indicators"), list):
        raise EvalError(
            "result.json 中没有指标得分 (indicators)",
            file=str(file),
            fix="选择 evallib report 或 evallib score 的输出文件夹",
        )
    name = project or meta.get("project")
    if not name:
        raise EvalError(
            "结果中没有项目名称",
            file=str(file),
            fix="用 --project 给出项目名称（以及 --year、--department）",
        )
    try:
        rec = RunRecord(
            kind="report" if "evaluation" in data else "score",
            project=str(name),
            department=str(department or meta.get("department") or ""),
            year=year if year is not None else meta.get("year"),
            total=evaluation.get("total"),
            grade=str(evaluation.get("grade") or ""),
            bundle_path=str(folder.resolve()),
            sha256=sha256_file(file),
            rows=rows_from_evaluation(evaluation["indicators"]),
        )
    except ValidationError as exc:
        raise validation_error(exc, file=str(file)) from None
    return record(lib, rec)


def record_review(
    lib: Library,
    res: Any,
    *,
    sha256: str,
    source: str = "",
    year: int | None = None,
    department: str = "",
) -> list[tuple[int, bool]]:
    """Record each project of a review (:class:`evallib.review.ReviewResult`) as a ``review``
    run: the recomputed total and grade, and every indicator row with its recomputed score."""
    out = []
    summary = res.summary.set_index("project_id")
    for pid, rows in res.rows.groupby("project_id", sort=False):
        s = summary.loc[pid]
        items = []
        for r in rows.to_dict("records"):
            items.append(
                ResultRow(
                    name=str(r["level3"]),
                    level1=str(r.get("level1") or ""),
                    level2=str(r.get("level2") or ""),
                    points=_float(r.get("points")),
                    score=_float(r.get("recomputed")),
                    target=_text(r.get("target")),
                    actual=_text(r.get("actual")),
                )
            )
        rec = RunRecord(
            kind="review",
            project=str(pid),
            department=department,
            year=year,
            total=_float(s.get("recomputed_total")),
            grade=_text(s.get("recomputed_grade")),
            bundle_path=source,
            sha256=sha256,
            rows=items,
        )
        out.append(record(lib, rec))
    return out


def _float(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


# --------------------------------------------------------------------------- queries


@dataclass
class History:
    """History of one indicator across projects and years.

    Attributes
    ----------
    indicator : str
        What was asked; ``code`` the library indicator it resolved to (or None).
    rows : DataFrame
        年度, 项目, 部门, 指标名称, 年度指标值, 实际完成值, 实际值, 单位, 得分, 分值, 类型.
    by_year : DataFrame
        Per year and unit: 项目数, 最小值, 中位数, 最大值, 平均值 of the actual values.
    notes : list of str
        Units kept apart, rows without a number.
    """

    indicator: str
    code: str | None
    rows: pd.DataFrame
    by_year: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def standard(self, years: int = 3) -> pd.DataFrame:
        """历史标准 for a new target: over the last ``years`` years with data, per unit."""
        num = self.rows.dropna(subset=["实际值"])
        if num.empty:
            return pd.DataFrame(
                columns=["单位", "年份", "项目数", "最小值", "中位数", "最大值", "上年中位数"]
            )
        last = sorted(num["年度"].dropna().unique())[-years:]
        recent = num[num["年度"].isin(last)]
        out = []
        for unit, g in recent.groupby("单位", sort=True):
            top = g[g["年度"] == g["年度"].max()]
            out.append(
                {
                    "单位": unit,
                    "年份": f"{int(g['年度'].min())}–{int(g['年度'].max())}",
                    "项目数": int(g["项目"].nunique()),
                    "最小值": g["实际值"].min(),
                    "中位数": _r(g["实际值"].median()),
                    "最大值": g["实际值"].max(),
                    "上年中位数": _r(top["实际值"].median()),
                }
            )
        return pd.DataFrame(out)

    def standard_zh(self, years: int = 3) -> str:
        """The 历史标准 as a sentence for a goal sheet or report."""
        st = self.standard(years)
        if st.empty:
            return f"结果库中没有“{self.indicator}”的数值型实际完成值，无法给出历史标准。"
        parts = [
            f"{r['年份']}年 {r['项目数']} 个项目实际完成值中位数 {_fmt(r['中位数'])}{r['单位']}"
            f"（最小 {_fmt(r['最小值'])}{r['单位']}，最大 {_fmt(r['最大值'])}{r['单位']}），"
            "最近一年中位数 "
            f"{_fmt(r['上年中位数'])}{r['单位']}"
            for r in st.to_dict("records")
        ]
        return f"“{self.indicator}”的历史标准：" + "；".join(parts) + "。"


def _r(x: float) -> float:
    return round_half_up(float(x), 4)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _keys_for(lib: Library, name: str) -> tuple[str | None, set[str]]:
    """The library code ``name`` resolves to and every name key that means it."""
    with lib.engine.connect() as conn:
        row = conn.execute(
            sa.select(indicator.c.code, indicator.c.name, indicator.c.aliases).where(
                indicator.c.code == name
            )
        ).first()
    if row is None:
        code = lib.name_map().get(norm_key(name))
        if code is None:
            return None, {norm_key(name)}
        with lib.engine.connect() as conn:
            row = conn.execute(
                sa.select(indicator.c.code, indicator.c.name, indicator.c.aliases).where(
                    indicator.c.code == code
                )
            ).first()
    assert row is not None
    return row[0], {norm_key(row[1]), *(norm_key(a) for a in row[2] or [])}


def history(
    lib: Library,
    name: str,
    *,
    department: str | None = None,
    kinds: tuple[str, ...] = ("report", "score", "review"),
) -> History:
    """The recorded results of an indicator (library code, name or alias) across projects and
    years, with statistics per year and unit."""
    code, keys = _keys_for(lib, name)
    cond = result.c.name_key.in_(sorted(keys))
    if code is not None:
        cond = sa.or_(cond, result.c.library_code == code)
    # Only the indexed result columns in WHERE: the plan then starts from the result indexes
    # whatever the table statistics say (a run-side filter made PostgreSQL, with statistics not
    # yet gathered after a bulk load, loop over every run: 2 s instead of 12 ms).
    q = (
        sa.select(
            run.c.year,
            run.c.project,
            run.c.department,
            run.c.kind,
            result.c.name,
            result.c.target,
            result.c.actual,
            result.c.actual_value,
            result.c.unit,
            result.c.score,
            result.c.points,
            result.c.id,
        )
        .join(run, run.c.id == result.c.run_id)
        .where(cond)
    )
    names = ["年度", "项目", "部门", "类型", "指标名称", "年度指标值", "实际完成值", "实际值",
             "单位", "得分", "分值", "_id"]  # fmt: skip
    with lib.engine.connect() as conn:
        cols = list(zip(*conn.execute(q).all(), strict=True)) or [()] * len(names)
    rows = pd.DataFrame(dict(zip(names, map(list, cols), strict=True)))
    keep = rows["类型"].isin(kinds)
    if department:
        keep &= rows["部门"] == department
    rows = (
        rows[keep].sort_values(["年度", "项目", "_id"]).drop(columns="_id").reset_index(drop=True)
    )
    for c in ("实际值", "得分", "分值"):
        rows[c] = pd.to_numeric(rows[c]).astype(float)
    return History(name, code, rows, _by_year(rows), _notes(rows))


def _by_year(rows: pd.DataFrame) -> pd.DataFrame:
    num = rows.dropna(subset=["实际值"])
    if num.empty:
        return pd.DataFrame(
            columns=["年度", "单位", "项目数", "最小值", "中位数", "最大值", "平均值"]
        )
    g = num.groupby(["年度", "单位"], sort=True)["实际值"]
    out = g.agg(
        项目数="count", 最小值="min", 中位数="median", 最大值="max", 平均值="mean"
    ).reset_index()
    for c in ("中位数", "平均值"):
        out[c] = out[c].map(_r)
    return out


def _notes(rows: pd.DataFrame) -> list[str]:
    notes = []
    units = sorted(set(rows.dropna(subset=["实际值"])["单位"]))
    if len(units) > 1:
        notes.append(
            f"实际完成值有 {len(units)} 种单位（{'、'.join(u or '无单位' for u in units)}），"
            "按单位分别统计，不合并"
        )
    blank = int(rows["实际值"].isna().sum())
    if blank:
        notes.append(f"{blank} 行实际完成值不是数值（定性或空白），不计入统计")
    return notes


def last_actual(
    lib: Library, name: str, project: str, year: int, unit: str | None = None
) -> float | None:
    """The actual value of ``name`` recorded for ``project`` in ``year − 1`` (None if none; with
    ``unit``, only a value recorded in that unit) — what a goal check compares a new target
    with."""
    h = history(lib, name)
    rows = h.rows
    prev = rows[(rows["项目"] == project) & (rows["年度"] == year - 1)].dropna(subset=["实际值"])
    if unit is not None:
        prev = prev[prev["单位"] == unit]
    return None if prev.empty else float(prev["实际值"].iloc[-1])


def portfolio(lib: Library, *, department: str | None = None, kind: str = "report") -> pd.DataFrame:
    """Per year: 项目数, 平均总分, 中位总分 and the number of each grade (优/良/中/差)."""
    q = sa.select(run.c.year, run.c.project, run.c.total, run.c.grade).where(run.c.kind == kind)
    if department:
        q = q.where(run.c.department == department)
    with lib.engine.connect() as conn:
        df = pd.DataFrame.from_records(
            [tuple(r) for r in conn.execute(q)], columns=["年度", "项目", "总分", "等级"]
        )
    cols = ["年度", "项目数", "平均总分", "中位总分", *GRADES]
    if df.empty:
        return pd.DataFrame(columns=cols)
    g = df.groupby("年度", sort=True)
    out = g.agg(项目数=("项目", "count"), 平均总分=("总分", "mean"), 中位总分=("总分", "median"))
    for grade in GRADES:
        out[grade] = g["等级"].apply(lambda s, gr=grade: int((s == gr).sum()))
    out = out.reset_index()
    for c in ("平均总分", "中位总分"):
        out[c] = out[c].map(_r)
    return out[cols]
