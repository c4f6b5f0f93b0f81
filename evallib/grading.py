"""Grades (评价等级): scales as data, presets, caps and vetoes.

RULES.md §2.  A :class:`GradeScale` is a list of bands, best first, each with its own bounds and
inclusivity, so that every variant seen in deployed systems is data rather than code:

=================  ==========================================================================
preset             bands
=================  ==========================================================================
national           优 ≥ 90, 良 [80, 90), 中 [60, 80), 差 < 60 (财预〔2020〕10号; default)
strict_90          优 > 90, 良 [80, 90), 中 [60, 80), 差 < 60; exactly 90 gets no grade [platform]
integer_bands      优 90–100, 良 80–89, 中 60–79, 差 0–59, integer bounds; 89.5 gets no grade
self_evaluation    优 ≥ 80, 良 [70, 80), 中 [60, 70), 差 < 60 (自评结论) [platform]
ex_ante            予以支持 ≥ 90, 调整完善后予以支持 [70, 90), 不予支持 < 70 [platform]
ex_ante_pass_85    予以支持 ≥ 85, 不予支持 < 85 (single pass mark) [local]
=================  ==========================================================================

A total that matches no band is a :class:`~evallib.errors.GradeError` unless the scale says
``unmatched: none`` (the platform presets, which really do leave such totals ungraded).

Caps (RULES.md §2, local): a condition on a fact → highest grade allowed, e.g. 预算执行率 < 85
→ at most 良.  Vetoes (一票否决): a condition → a grade (default: the lowest) and optionally a
maximum total.
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from .errors import ConfigError, GradeError

__all__ = [
    "GRADE_SCALES",
    "CapOutcome",
    "CapRule",
    "Condition",
    "GradeBand",
    "GradeScale",
    "VetoRule",
    "apply_caps",
    "capped_grade",
    "get_grade_scale",
    "preset_cap",
    "register_grade_scale",
]


class GradeBand(BaseModel):
    """One grade: ``label`` for totals between ``lower`` and ``upper`` (None = unbounded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    lower: float | None = None
    upper: float | None = None
    lower_inclusive: bool = True
    upper_inclusive: bool = False
    consequence: str | None = None

    def contains(self, x: Any) -> Any:
        """Whether the band holds total x (a number, or an array: elementwise)."""
        v = np.asarray(x, dtype=float)
        out = np.ones(v.shape, dtype=bool)
        if self.lower is not None:
            out &= ~((v < self.lower) | ((v == self.lower) & (not self.lower_inclusive)))
        if self.upper is not None:
            out &= ~((v > self.upper) | ((v == self.upper) & (not self.upper_inclusive)))
        return bool(out) if out.ndim == 0 else out

    def describe(self) -> str:
        lo = "" if self.lower is None else f"{self.lower:g}{'≤' if self.lower_inclusive else '<'}"
        hi = "" if self.upper is None else f"{'≤' if self.upper_inclusive else '<'}{self.upper:g}"
        return f"{self.label}: {lo}总分{hi}"


def _overlap(a: GradeBand, b: GradeBand) -> bool:
    """True when two bands share at least one point."""

    def lo(g: GradeBand) -> tuple[float, int]:
        return (-float("inf"), 0) if g.lower is None else (g.lower, 0 if g.lower_inclusive else 1)

    def hi(g: GradeBand) -> tuple[float, int]:
        return (float("inf"), 0) if g.upper is None else (g.upper, 0 if g.upper_inclusive else -1)

    return max(lo(a), lo(b)) <= min(hi(a), hi(b))


class GradeScale(BaseModel):
    """A grade scale: bands listed best first.

    Attributes
    ----------
    name : str
    bands : list of GradeBand
        Best grade first; rank 0 is the best.
    unmatched : {"error", "none"}
        What a total outside every band gives: an error (default) or no grade.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "custom"
    description: str = ""
    bands: list[GradeBand] = Field(min_length=1)
    unmatched: Literal["error", "none"] = "error"

    @model_validator(mode="after")
    def _check(self) -> GradeScale:
        labels = [b.label for b in self.bands]
        dup = {x for x in labels if labels.count(x) > 1}
        if dup:
            raise ValueError(f"duplicate grade labels: {sorted(dup)}")
        for i, a in enumerate(self.bands):
            for b in self.bands[i + 1 :]:
                if _overlap(a, b):
                    raise ValueError(f"grade bands {a.label!r} and {b.label!r} overlap")
            if a.lower is not None and a.upper is not None and a.lower > a.upper:
                raise ValueError(f"grade band {a.label!r}: lower > upper")
        return self

    @property
    def labels(self) -> list[str]:
        return [b.label for b in self.bands]

    def rank(self, label: str) -> int:
        """0 for the best grade; a :class:`ConfigError` for an unknown label."""
        try:
            return self.labels.index(label)
        except ValueError:
            raise ConfigError(
                f"等级「{label}」不在评价等级 (grade scale) {self.name} 中",
                value=label,
                fix=f"可选等级：{'、'.join(self.labels)}",
            ) from None

    def band(self, label: str) -> GradeBand:
        return self.bands[self.rank(label)]

    def assign(self, total: float) -> str | None:
        """Grade of ``total``.

        Raises
        ------
        GradeError
            When no band contains ``total`` and ``unmatched`` is ``"error"``.

        Examples
        --------
        >>> s = get_grade_scale("national")
        >>> s.assign(90.0), s.assign(89.99), s.assign(59.99)
        ('优', '良', '差')
        """
        for b in self.bands:
            if b.contains(total):
                return b.label
        if self.unmatched == "none":
            return None
        self._unmatched(total)
        return None

    def assign_array(self, totals: np.ndarray) -> np.ndarray:
        """:meth:`assign` of every total (object array, None for NaN), raising as :meth:`assign`
        does for a total outside every band."""
        t = np.asarray(totals, dtype=float)
        out = np.full(t.shape, None, dtype=object)
        todo = ~np.isnan(t)
        for b in self.bands:
            hit = todo & b.contains(t)
            out[hit] = b.label
            todo &= ~hit
        if todo.any() and self.unmatched == "error":
            self._unmatched(float(t[todo][0]))
        return out

    def _unmatched(self, total: float) -> None:
        raise GradeError(
            f"总分 {total:g} 不在评价等级 (grade scale)「{self.name}」的任何区间内",
            value=total,
            fix="检查等级区间是否连续覆盖 0–100；" + "；".join(b.describe() for b in self.bands),
        )


_OPS = {"<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge, "==": op.eq, "!=": op.ne}


class Condition(BaseModel):
    """A comparison on a named fact: ``{fact: 预算执行率, op: "<", value: 85}``.

    Facts are looked up in the evidence's ``facts``, then in metrics exported by rules
    (``预算执行率``), then in indicator actual values by code or name.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    fact: str
    op: Literal["<", "<=", ">", ">=", "==", "!="] = "=="
    value: float | bool | str = True

    def holds(self, x: Any) -> bool:
        try:
            return bool(_OPS[self.op](x, self.value))
        except TypeError:
            return False

    def describe(self) -> str:
        v = self.value
        shown = f"{v:g}" if isinstance(v, float) and not isinstance(v, bool) else v
        return f"{self.fact} {self.op} {shown}"


class CapRule(BaseModel):
    """Cap: when ``when`` holds, the grade is at most ``max_grade`` (RULES.md §2, 赣州 2019)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    when: Condition
    max_grade: str = Field(validation_alias=AliasChoices("max_grade", "最高等级"))
    reason: str = ""


class VetoRule(BaseModel):
    """Veto (一票否决): when ``when`` holds, the grade becomes ``grade`` (default: the lowest
    band) and the total is capped at ``max_total`` if given."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    when: Condition
    grade: str | None = None
    max_total: float | None = Field(None, ge=0)
    reason: str = ""


@dataclass
class CapOutcome:
    """What the caps did: final grade, the caps applied as (cap, fact value, grade before),
    the tightest ceiling whose condition holds, and the facts no data was found for."""

    grade: str | None
    applied: list[tuple[CapRule, Any, str | None]]
    ceiling: str | None
    missing: list[str]


def apply_caps(
    grade: str | None, caps: Sequence[CapRule], lookup: Callable[[str], tuple[bool, Any]],
    scale: GradeScale,
) -> CapOutcome:  # fmt: skip
    """Apply grade caps (RULES.md §2): when a cap's condition holds, the grade is at most its
    ``max_grade``.  The one implementation used by ``evaluate()`` and by review.

    ``lookup(fact)`` returns (found, value).
    """
    applied: list[tuple[CapRule, Any, str | None]] = []
    missing: list[str] = []
    ceiling: str | None = None
    for cap in caps:
        found, val = lookup(cap.when.fact)
        if not found:
            missing.append(cap.when.fact)
            continue
        if not cap.when.holds(val):
            continue
        if ceiling is None or scale.rank(cap.max_grade) > scale.rank(ceiling):
            ceiling = cap.max_grade
        if grade is not None and scale.rank(grade) < scale.rank(cap.max_grade):
            applied.append((cap, val, grade))
            grade = cap.max_grade
    return CapOutcome(grade, applied, ceiling, missing)


def capped_grade(grade: str | None, caps: Sequence[CapRule], facts: dict[str, Any],
                 scale: GradeScale) -> tuple[str | None, bool]:  # fmt: skip
    """:func:`apply_caps` with facts from a mapping: (grade after caps, whether any applied)."""
    out = apply_caps(grade, caps, lambda f: (f in facts, facts.get(f)), scale)
    return out.grade, bool(out.applied)


#: Caps used by regional rules, by name (RULES.md §2).
PRESET_CAPS: dict[str, CapRule] = {}


def preset_cap(name: str) -> CapRule:
    """A named cap preset, e.g. ``budget_rate_85``: 预算执行率 < 85 → at most 良."""
    return PRESET_CAPS[name]


GRADE_SCALES: dict[str, GradeScale] = {}


def register_grade_scale(scale: GradeScale) -> GradeScale:
    GRADE_SCALES[scale.name] = scale
    return scale


def get_grade_scale(name: str | GradeScale | None) -> GradeScale:
    """Grade scale by name (None → ``national``); unknown names list the choices."""
    if isinstance(name, GradeScale):
        return name
    key = name or "national"
    try:
        return GRADE_SCALES[key]
    except KeyError:
        raise ConfigError(
            f"未知的评价等级标准 (grade scale) {key!r}",
            value=key,
            fix=f"可选：{', '.join(sorted(GRADE_SCALES))}",
        ) from None


def _scale(
    name: str, desc: str, spec: list[tuple[str, float | None, float | None]], **kw: Any
) -> None:
    register_grade_scale(
        GradeScale(
            name=name,
            description=desc,
            bands=[GradeBand(label=lab, lower=lo, upper=hi) for lab, lo, hi in spec],
            **kw,
        )
    )


_scale("national", "国家标准：优≥90，良80-90，中60-80，差<60（财预〔2020〕10号）",
       [("优", 90, None), ("良", 80, 90), ("中", 60, 80), ("差", None, 60)])  # fmt: skip
register_grade_scale(
    GradeScale(
        name="strict_90",
        description="平台口径：优>90（恰为90分不定级）",
        bands=[
            GradeBand(label="优", lower=90, lower_inclusive=False),
            GradeBand(label="良", lower=80, upper=90),
            GradeBand(label="中", lower=60, upper=80),
            GradeBand(label="差", upper=60),
        ],
        unmatched="none",
    )
)
register_grade_scale(
    GradeScale(
        name="integer_bands",
        description="整数区间：优90-100，良80-89，中60-79，差0-59（89.5等不定级）",
        bands=[
            GradeBand(label="优", lower=90, upper=100, upper_inclusive=True),
            GradeBand(label="良", lower=80, upper=89, upper_inclusive=True),
            GradeBand(label="中", lower=60, upper=79, upper_inclusive=True),
            GradeBand(label="差", lower=0, upper=59, upper_inclusive=True),
        ],
        unmatched="none",
    )
)
_scale("self_evaluation", "自评结论：优≥80，良70-80，中60-70，差<60",
       [("优", 80, None), ("良", 70, 80), ("中", 60, 70), ("差", None, 60)])  # fmt: skip
_scale("ex_ante", "事前绩效评估结论：≥90予以支持，70-90调整完善后予以支持，<70不予支持",
       [("予以支持", 90, None), ("调整完善后予以支持", 70, 90),
        ("不予支持", None, 70)])  # fmt: skip
_scale("ex_ante_pass_85", "事前绩效评估（单一合格线85分）",
       [("予以支持", 85, None), ("不予支持", None, 85)])  # fmt: skip


PRESET_CAPS["budget_rate_85"] = CapRule(
    when=Condition(fact="预算执行率", op="<", value=85.0), max_grade="良",
    reason="预算执行率低于 85% 的，评价等级最高为良（部分地区规定，如赣州 2019）",
)  # fmt: skip
