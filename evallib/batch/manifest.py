"""Batch manifest: which projects to run, one per row (CSV, XLSX or YAML).

Columns: ``project`` (path to a project file, relative to the manifest), optional ``id``
(default: the project file's stem; must be unique) and optional parameter overrides ``seed``
and ``formats`` (``pdf``, ``docx``, ``html``; several separated by ``;`` or spaces, or a quoted
``"pdf,docx"`` in CSV)::

    project,id,seed,formats
    项目A/project.yaml,A,,pdf
    项目B/project.yaml,B,7,pdf;docx

YAML: a list of mappings with the same keys, or ``{projects: [...]}``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import limits
from ..errors import InputDataError, Problem
from ..fileio import read_yaml
from ..outdir import check_name
from ..report.render import PDF_ENGINES
from ..tables import ROW, read_table

__all__ = ["BatchItem", "read_manifest"]

_ALIASES = {"project": ("project", "项目文件", "项目"), "id": ("id", "编号", "项目编号"),
            "seed": ("seed", "随机种子"), "formats": ("formats", "格式"),
            "pdf_engine": ("pdf_engine", "PDF引擎")}  # fmt: skip


@dataclass(frozen=True)
class BatchItem:
    """One project of a batch (plain data: it is sent to Dask workers)."""

    id: str
    project: str
    seed: int | None = None
    formats: tuple[str, ...] = ("pdf", "docx", "html")
    row: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    pdf_engine: str | None = None


def _records(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() in (".yaml", ".yml"):
        data = read_yaml(path)
        if isinstance(data, dict):
            data = data.get("projects", data.get("项目"))
        if not isinstance(data, list):
            raise InputDataError("批量清单 (manifest) 应为项目列表", file=str(path),
                                 fix="写成 - project: 项目A/project.yaml 的列表")  # fmt: skip
        return [{**d, ROW: None} if isinstance(d, dict) else {"project": d, ROW: None}
                for d in data]  # fmt: skip
    return read_table(path, header_keywords=_ALIASES["project"]).frame.to_dict("records")


def _given(raw: Any) -> bool:
    """A cell that holds something (not None, not a blank string, not a pandas NaN)."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return False
    return bool(str(raw).strip())


def _seed(raw: Any) -> int | None:
    """An integer seed in [0, 2³²) from a cell, or None (NaN, inf, 1.5, text, negative)."""
    try:
        x = float(str(raw).strip())
    except ValueError:
        return None
    if not math.isfinite(x) or x != int(x) or not 0 <= x < 2**32:
        return None
    return int(x)


def read_manifest(path: str | Path) -> list[BatchItem]:
    """Read and check a manifest: every problem (missing column, duplicate id, bad seed) is
    reported together; project files that do not exist are left for the batch to report per
    project."""
    path = Path(path)
    recs = _records(path)
    if not recs:
        raise InputDataError("批量清单为空 (empty manifest)", file=str(path))
    if len(recs) > limits.get("max_batch_projects"):
        raise InputDataError(
            f"批量清单有 {len(recs):,} 个项目：超过{limits.describe('max_batch_projects')}",
            file=str(path), fix="拆分为多个清单",
        )  # fmt: skip
    cols = {k: next((c for c in names if c in recs[0]), None) for k, names in _ALIASES.items()}
    if cols["project"] is None:
        raise InputDataError("批量清单缺少 project 列 (missing column)", file=str(path),
                             fix="第一行写 project,id（可选 seed、formats）")  # fmt: skip
    probs: list[Problem] = []
    items: list[BatchItem] = []
    seen: dict[str, int | None] = {}
    for rec in recs:
        row = rec.get(ROW)
        proj = rec.get(cols["project"])
        if proj is None or (isinstance(proj, float) and pd.isna(proj)) or not str(proj).strip():
            probs.append(Problem("缺少项目文件路径", file=str(path), row=row, column="project"))
            continue
        proj_path = (path.parent / str(proj).strip()).resolve()
        raw_id = rec.get(cols["id"]) if cols["id"] else None
        pid = str(raw_id).strip() if raw_id is not None and str(raw_id).strip() and not (
            isinstance(raw_id, float) and pd.isna(raw_id)) else proj_path.stem  # fmt: skip
        try:
            check_name(pid, what="项目编号 (id)", file=str(path), row=row, column="id")
        except InputDataError as exc:
            probs.extend(exc.problems)
            continue
        if pid in seen:
            probs.append(Problem(f"项目编号 (id)「{pid}」重复", file=str(path), row=row,
                                 column="id", fix="为每个项目指定不同的 id"))  # fmt: skip
            continue
        seen[pid] = row
        seed = None
        raw_seed = rec.get(cols["seed"]) if cols["seed"] else None
        if _given(raw_seed):
            seed = _seed(raw_seed)
            if seed is None:
                probs.append(Problem("随机种子 (seed) 应为 0 到 4294967295 之间的整数",
                                     file=str(path), row=row, column="seed", value=raw_seed,
                                     fix="例如 20261122，或留空用默认值"))  # fmt: skip
                continue
        formats: tuple[str, ...] = ("pdf", "docx", "html")
        raw_f = rec.get(cols["formats"]) if cols["formats"] else None
        if _given(raw_f):
            formats = tuple(f for f in re.split(r"[,，;；、\s]+", str(raw_f)) if f)
            bad = [f for f in formats if f not in ("pdf", "docx", "html")]
            if bad:
                probs.append(Problem(f"未知的报告格式 {', '.join(bad)}", file=str(path), row=row,
                                     column="formats", fix="可选 pdf、docx、html"))  # fmt: skip
                continue
        engine = rec.get(cols["pdf_engine"]) if cols["pdf_engine"] else None
        engine = str(engine).strip().lower() if _given(engine) else None
        if engine is not None and engine not in PDF_ENGINES:
            fix = f"可选 {'、'.join(PDF_ENGINES)}，或留空用默认（typst）"
            probs.append(Problem(f"未知的 PDF 引擎「{engine}」", file=str(path), row=row,
                                 column="pdf_engine", value=engine, fix=fix))  # fmt: skip
            continue
        items.append(BatchItem(pid, str(proj_path), seed, formats, row, pdf_engine=engine))
    if probs:
        raise InputDataError(problems=probs)
    return items
