"""The result of an evaluation, with provenance, as JSON (byte-identical for identical inputs)
and as the Excel score sheet (评分表)."""

from __future__ import annotations

import json
import math
import platform
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pandas as pd

from .grading import GradeScale
from .profiles import Profile
from .rounding import round_half_up

__all__ = ["EvaluationResult", "Provenance", "collect_versions"]

SCHEMA_VERSION = 1
_DEPS = ("numpy", "pandas", "pydantic", "openpyxl", "PyYAML")


def collect_versions(packages: Iterable[str] = ("evallib", *_DEPS)) -> dict[str, str]:
    """Versions of Python and ``packages`` (default: evallib and the dependencies that affect
    results); a package that is not installed is recorded as ``"unknown"``."""
    out = {"python": platform.python_version()}
    for pkg in packages:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "unknown"
    return out


@dataclass
class Provenance:
    """Where a result came from: input files' SHA-256, parameters, versions.

    No timestamps: they would break byte-identical output (RULES.md §11 working papers keep
    timestamps apart, in the run manifest).
    """

    inputs: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=collect_versions)

    def to_dict(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "params": self.params, "versions": self.versions}


def _clean(x: Any) -> Any:
    """JSON-ready value with fixed float formatting (6 decimals, half-up; NaN → null)."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x
    if hasattr(x, "item"):  # numpy scalar
        x = x.item()
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        if not math.isfinite(x):
            return None
        return round_half_up(x, 6)
    return str(x)


COLUMNS_ZH = {
    "code": "指标编码",
    "name": "三级指标",
    "points": "分值",
    "target": "年度指标值",
    "actual": "实际完成值",
    "rule_label": "评分规则",
    "score": "得分",
    "lost": "扣分",
    "reason": "扣分原因",
    "flags": "提示",
}


@dataclass
class EvaluationResult:
    """Scores, total, grade and their provenance.

    Attributes
    ----------
    indicators : DataFrame
        One row per leaf: code, 一级指标/二级指标 (parents), name, points (分值), target,
        actual, rule, rule_label, raw_score (before clamping/rounding), score (得分), lost
        (扣分), reason (扣分原因), flags (semicolon-separated codes), deviation, level.
    subtotals : DataFrame
        One row per parent: code, name, level, points, score, lost.
    total : float
        Total after vetoes (= ``computed_total`` unless a veto caps it).
    grade : str or None
        Final grade after caps and vetoes; ``grade_before_caps`` is the band's grade.
    caps_applied, vetoes_applied : list of dict
        Each with condition, value, grade before/after, reason.
    """

    system_name: str
    system_kind: str | None
    declared_total: float
    profile: Profile
    grade_scale: GradeScale
    indicators: pd.DataFrame
    subtotals: pd.DataFrame
    total: float
    computed_total: float
    grade: str | None
    grade_before_caps: str | None
    grade_ceiling: str | None
    caps_applied: list[dict[str, Any]]
    vetoes_applied: list[dict[str, Any]]
    warnings: list[str]
    facts: dict[str, Any]
    consequence: str | None
    provenance: Provenance
    decimals: int = 2

    # ------------------------------------------------------------------ views
    def level_scores(self, level: int = 1) -> pd.DataFrame:
        """Subtotals at one level (1 = 一级), in system order."""
        cols = ["code", "name", "points", "score", "lost"]
        parts = [self.subtotals.loc[self.subtotals["level"] == level, cols],
                 self.indicators.loc[self.indicators["level"] == level, cols]]  # fmt: skip
        out = pd.concat([p for p in parts if not p.empty]) if any(
            not p.empty for p in parts) else parts[0]  # fmt: skip
        key = out["code"].map(lambda c: tuple(int(x) if x.isdigit() else x
                                              for x in str(c).split(".")))  # fmt: skip
        return out.iloc[key.argsort(kind="stable")].reset_index(drop=True)

    def score_sheet(self) -> pd.DataFrame:
        """The 评分表 as a DataFrame with Chinese headers."""
        parents = [c for c in self.indicators.columns if c.endswith("级指标")]
        cols = [*parents, "name", "points", "target", "actual", "score", "reason"]
        out = self.indicators[cols].rename(columns=COLUMNS_ZH)
        if parents:
            out = out.rename(columns={"三级指标": f"{'一二三四五'[len(parents)]}级指标"})
        return out

    def to_dict(self) -> dict[str, Any]:
        ind = self.indicators.drop(columns=["raw_score"]).to_dict("records")
        return _clean(
            {
                "schema": SCHEMA_VERSION,
                "system": {
                    "name": self.system_name,
                    "kind": self.system_kind,
                    "total": self.declared_total,
                },
                "profile": self.profile.model_dump(mode="json"),
                "grade_scale": self.grade_scale.model_dump(mode="json"),
                "indicators": ind,
                "subtotals": self.subtotals.to_dict("records"),
                "total": self.total,
                "computed_total": self.computed_total,
                "grade": self.grade,
                "grade_before_caps": self.grade_before_caps,
                "grade_ceiling": self.grade_ceiling,
                "consequence": self.consequence,
                "caps_applied": self.caps_applied,
                "vetoes_applied": self.vetoes_applied,
                "facts": self.facts,
                "warnings": self.warnings,
                "provenance": self.provenance.to_dict(),
            }
        )

    def to_json(self) -> str:
        """Deterministic JSON: sorted keys, floats rounded half-up to 6 decimals, UTF-8 text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\n"

    def to_excel_bytes(self) -> bytes:
        """The 评分表 workbook as bytes (see :meth:`to_excel`)."""
        from .scoresheet import score_workbook

        return score_workbook(self)

    def to_excel(self, path: Any) -> None:
        """Write the 评分表 (Chinese headers, merged parent cells, total and grade rows) to
        ``path`` atomically."""
        from .fileio import atomic_write_bytes

        atomic_write_bytes(path, self.to_excel_bytes())

    def summary_text(self) -> str:
        """Plain-text score sheet for the terminal (Chinese)."""
        d = self.decimals
        lines = [f"指标体系：{self.system_name}    评分口径：{self.profile.description}"]
        lines.append(f"{'编码':<8}{'指标':<20}{'分值':>8}{'得分':>8}  扣分原因")
        for r in self.indicators.itertuples(index=False):
            name = r.name if len(r.name) <= 18 else r.name[:17] + "…"
            lines.append(f"{r.code:<8}{name:<20}{r.points:>8.{d}f}{r.score:>8.{d}f}  {r.reason}")
        lines.append("")
        for r in self.level_scores(1).itertuples(index=False):
            lines.append(f"  {r.name}：{r.score:.{d}f} / {r.points:g}")
        lines.append(f"总分：{self.total:.{d}f} / {self.declared_total:g}")
        lines.append(f"评价等级：{self.grade or '未定级'}")
        for c in self.caps_applied:
            lines.append(f"  等级封顶：{c['reason']}（{c['grade_before']} → {c['grade_after']}）")
        for v in self.vetoes_applied:
            lines.append(f"  一票否决：{v['reason']}（{v['grade_before']} → {v['grade_after']}）")
        if self.consequence:
            lines.append(f"结果应用：{self.consequence}")
        for w in self.warnings:
            lines.append(f"提示：{w}")
        return "\n".join(lines)
