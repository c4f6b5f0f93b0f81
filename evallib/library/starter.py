"""The starter library (起步指标库) that a new library is seeded with.

``starter/starter.yaml`` holds indicators by project type in a compact row format, the synonym
groups and the sources; the 一级 class of each indicator follows from its 二级 class through
:data:`GOAL_CLASSES` — the 4 一级 and their 二级 classes of 财预〔2021〕101号 (the 10 classes
named in local practice plus 可持续影响指标, kept by many provinces).
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ..errors import EvalError
from ..fileio import load_yaml_text
from .model import LibraryIndicator

if TYPE_CHECKING:
    from .catalog import Library

__all__ = ["GOAL_CLASSES", "LEVEL1_OF", "load_starter", "starter_indicators"]

#: 一级指标 → its 二级 classes (财预〔2021〕101号)
GOAL_CLASSES: dict[str, list[str]] = {
    "成本指标": ["经济成本指标", "社会成本指标", "生态环境成本指标"],
    "产出指标": ["数量指标", "质量指标", "时效指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}
LEVEL1_OF = {l2: l1 for l1, l2s in GOAL_CLASSES.items() for l2 in l2s}
_ROW = ["code", "name", "level2", "unit", "direction", "rule", "target", "explanation", "aliases"]


def _starter_data() -> dict[str, Any]:
    text = (files("evallib.library") / "starter" / "starter.yaml").read_text(encoding="utf-8")
    return load_yaml_text(text, file="starter.yaml")


def starter_indicators() -> tuple[list[LibraryIndicator], list[list[str]], str]:
    """The starter indicators, synonym groups and version."""
    data = _starter_data()
    sources = data["sources"]
    out = []
    for group in data["groups"]:
        for row in group["indicators"]:
            item = dict(zip(_ROW, row, strict=True))
            item["level1"] = group.get("level1", LEVEL1_OF).get(item["level2"])
            if item["level1"] is None:
                raise EvalError(
                    f"起步指标库二级指标 {item['level2']!r} 不在分类表中", value=item["code"]
                )
            item["project_types"] = group["project_types"]
            item["category"] = group.get("category", "")
            item["sector"] = group.get("sector", "")
            item["source"] = sources[group["source"]]
            out.append(LibraryIndicator.model_validate(item))
    return out, data["synonyms"], str(data["version"])


def load_starter(lib: Library) -> int:
    """Add the starter library to ``lib`` (codes already present are updated)."""
    from . import db

    items, synonyms, version = starter_indicators()
    lib.add(items, replace=True)
    with db.writing(lib.engine) as conn:
        lib.set_synonyms(synonyms, conn)
        lib.set_info("starter", version, conn)
    return len(items)
