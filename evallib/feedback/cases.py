"""What a result-feedback letter needs from a report bundle (运行包).

From ``result.json``: project, department, year, total, grade and every indicator that lost
points with its reason; from the bundle's copy of the project file (``inputs/project.yaml``):
the implementer, 支出类型, this year's budget (全年预算数 of the first funds row), the problems
(存在的问题) and suggestions (有关建议) written by the evaluators, and the agency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvalError
from ..fileio import read_json, read_yaml, sha256_file

__all__ = ["FeedbackCase", "read_case", "split_items"]

_ITEM = re.compile(r"(?:^|[；;。\s])\s*(?:[一二三四五六七八九十]+是|\d+[.、)）](?!\d))\s*")


def split_items(text: str) -> list[str]:
    """Numbered items of a paragraph (一是…；二是…, 1. … 2. …), else its sentences.

    >>> split_items("一是预算执行率偏低；二是部分路段延期完工。")
    ['预算执行率偏低', '部分路段延期完工']
    """
    text = re.sub(r"\s*\n\s*", "", (text or "").strip())  # lines of a YAML block: one text
    if not text:
        return []
    parts = _ITEM.split(text) if _ITEM.search(text) else re.split(r"[；;。\n]", text)
    return [p.strip(" ；;。，,\n") for p in parts if p.strip(" ；;。，,\n")]


@dataclass
class FeedbackCase:
    """One evaluated project as the feedback letter shows it."""

    bundle: str
    sha256: str
    project: str
    department: str
    implementer: str
    year: int | None
    total: float | None
    grade: str | None
    expenditure_type: str
    budget_wan: float | None
    agency: str
    problems: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)


def _project_file(folder: Path) -> dict[str, Any]:
    f = folder / "inputs" / "project.yaml"
    data = read_yaml(f) if f.is_file() else {}
    return data if isinstance(data, dict) else {}


def read_case(path: str | Path) -> FeedbackCase:
    """The feedback case of one report bundle folder."""
    from ..project import Evaluator, ProjectInfo, Texts

    folder = Path(path)
    file = folder / "result.json"
    data = read_json(file, what="评价结果 result.json") if file.is_file() else None
    if not isinstance(data, dict) or not isinstance(data.get("evaluation"), dict):
        raise EvalError(
            "不是评价报告运行包：没有 result.json 或其中没有评价结果",
            file=str(file),
            fix="选择 evallib report（或 evallib batch 每个项目）的输出文件夹",
        )
    ev, meta, raw = data["evaluation"], data.get("report") or {}, _project_file(folder)
    try:
        info = ProjectInfo.model_validate(raw["project"]) if "project" in raw else None
        texts = Texts.model_validate(raw.get("texts") or {})
        agency = Evaluator.model_validate(raw["evaluator"]).agency if "evaluator" in raw else ""
    except Exception as exc:  # a damaged copy is named, not a traceback
        raise EvalError(
            f"运行包中的项目文件无法读取：{exc}",
            file=str(folder / "inputs" / "project.yaml"),
            fix="用 evallib reproduce 检查运行包是否完整",
        ) from None
    funds = info.funds if info else []
    lost = [
        {
            "指标": i["name"],
            "分值": i.get("points"),
            "得分": i.get("score"),
            "扣分": i.get("lost"),
            "扣分原因": i.get("reason") or "",
        }
        for i in ev.get("indicators", [])
        if (i.get("lost") or 0) > 0
    ]
    return FeedbackCase(
        bundle=str(folder),
        sha256=sha256_file(file),
        project=str(meta.get("project") or (info.name if info else folder.name)),
        department=str(meta.get("department") or ""),
        implementer=info.implementer if info else "",
        year=meta.get("year"),
        total=ev.get("total"),
        grade=ev.get("grade"),
        expenditure_type=info.expenditure_type if info else "",
        budget_wan=funds[0].full_year_budget if funds else None,
        agency=agency or str(meta.get("agency") or ""),
        problems=split_items(texts.problems),
        suggestions=split_items(texts.suggestions),
        lost=lost,
    )
