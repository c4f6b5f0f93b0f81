"""Suggest indicators for a project from its type, name and description, ranked, with reasons.

Score of an indicator:

.. math::

   s = 2\\,[\\text{type matches}] + 0.5\\,[\\text{通用}] + 1.5\\,r

where :math:`r` is the share of the bigrams of the indicator's name (or of its best alias) that
the project's name and description contain — 能力提升培训 raises 参训人员能力提升率.  The list
then covers the classes a goal sheet needs (RULES.md §7, §12): at least one 数量, 质量 and
时效 indicator, a benefit and a 服务对象满意度 indicator, and — for works, major repair and
purchase projects (工程建设, 维修改造, 设备购置) — a cost indicator, each taken as the
best-scored indicator of the missing class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import EvalError
from ..rounding import round_half_up
from .grams import grams
from .model import LibraryIndicator
from .search import gram_bits, matches, ranked_table, search

if TYPE_CHECKING:
    from .catalog import Library

__all__ = ["COST_REQUIRED", "Suggestion", "suggest", "suggestions_table"]

#: project types that must have a cost indicator (郑州 practice, RULES.md §12)
COST_REQUIRED = ("工程建设", "维修改造", "设备购置")
GENERAL = "通用"
_REQUIRED = [
    ("数量指标", "产出须有数量指标"),
    ("质量指标", "产出须有质量指标"),
    ("时效指标", "产出须有时效指标"),
    ("效益指标", "效益指标必设"),
    ("服务对象满意度指标", "须有服务对象满意度指标"),
]


@dataclass
class Suggestion:
    """A suggested indicator with its score and the reasons (Chinese)."""

    indicator: LibraryIndicator
    score: float
    reasons: list[str]


def _class_of(ind: LibraryIndicator, cls: str) -> bool:
    return ind.level2 == cls or ind.level1 == cls


def _candidates(lib: Library, project_type: str, text: str) -> dict[str, Suggestion]:
    out: dict[str, Suggestion] = {}

    def add(ind: LibraryIndicator, score: float, why: str) -> None:
        s = out.setdefault(ind.code, Suggestion(ind, 0.0, []))
        s.score += score
        s.reasons.append(why)

    for h in search(lib, "", project_type=project_type, limit=500):
        add(h.indicator, 2.0, f"适用于{project_type}类项目")
    for h in search(lib, "", project_type=GENERAL, limit=500):
        add(h.indicator, 0.5, "通用指标")
    for iid, (score, held) in _text_relevance(lib, text).items():
        ind = lib.fetch(ids=[iid])[0]
        add(ind, 1.5 * score, f"项目名称/内容提到“{'”“'.join(sorted(held)[:4])}”")
    return out


def _text_relevance(lib: Library, text: str) -> dict[int, tuple[float, set[str]]]:
    """indicator id → (share of its name's or an alias's bigrams found in ``text``, those grams);
    only indicators with at least half of a name's bigrams in the text."""
    tg = grams(text[:500])
    if not tg:
        return {}
    found, keys = matches(lib, gram_bits(tg), [])
    out: dict[int, tuple[float, set[str]]] = {}
    for iid in found:
        best: tuple[float, set[str]] = (0.0, set())
        for label in (keys[iid][0], *keys[iid][1]):
            g = grams(label)
            held = g & tg
            if g and len(held) / len(g) > best[0]:
                best = (len(held) / len(g), held)
        if best[0] >= 0.5:
            out[iid] = best
    return out


def suggest(
    lib: Library, project_type: str, name: str = "", description: str = "", *, limit: int = 12
) -> list[Suggestion]:
    """Indicators for a project, best first, covering the classes a goal sheet needs.

    Parameters
    ----------
    lib : Library
    project_type : str
        One of the library's project types (``evallib library types``).
    name, description : str
        The project's name and content; their words raise related indicators.
    limit : int
        Number of suggestions (the required classes are always covered, so at least 5–6).

    Raises
    ------
    EvalError
        A project type the library does not know.
    """
    known = dict(lib.project_types())
    if project_type not in known:
        raise EvalError(
            f"指标库中没有项目类型 {project_type!r}",
            value=project_type,
            fix=f"可选：{'、'.join(t for t in known)}",
        )
    pool = _candidates(lib, project_type, f"{name} {description}".strip())
    ranked = sorted(pool.values(), key=lambda s: (-s.score, s.indicator.code))
    picked: list[Suggestion] = []
    required = list(_REQUIRED)
    if project_type in COST_REQUIRED:
        required.append(("成本指标", f"{project_type}类项目须设成本指标"))
    for cls, why in required:
        if any(_class_of(p.indicator, cls) for p in picked):
            continue
        best = next((s for s in ranked if _class_of(s.indicator, cls) and s not in picked), None)
        if best is not None:
            best.reasons.append(f"补足：{why}")
            picked.append(best)
    for s in ranked:
        if len(picked) >= limit:
            break
        if s not in picked:
            picked.append(s)
    for s in picked:
        s.score = round_half_up(s.score, 3)
    return sorted(picked, key=lambda s: (-s.score, s.indicator.code))


def suggestions_table(items: list[Suggestion]) -> pd.DataFrame:
    """Suggestions as a Chinese table."""
    return ranked_table([(s.indicator, s.score, s.reasons) for s in items], "推荐度", "推荐理由")
