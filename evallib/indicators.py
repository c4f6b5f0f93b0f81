"""Indicator systems (指标体系): a tree of indicators with 分值 and, on each leaf, a scoring rule.

Read from YAML (:func:`load_system`, English keys or their Chinese aliases) or from the Excel
layout evaluators use (one row per 三级指标, columns 一级指标/二级指标/三级指标/分值/指标解释/
评分标准/年度指标值/评分方法, merged or blank parent cells filled down).  Validation reports every
problem at once: 分值 sums, declared total, unique codes, rules and their parameters, operator
and target consistency.  See ``docs/formats.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from . import limits
from .errors import (
    EvalError,
    IndicatorSystemError,
    InputDataError,
    Problem,
    ProblemCollector,
)
from .fileio import load_yaml_text, read_yaml
from .grading import CapRule, GradeScale, VetoRule
from .parsing import ParsedValue, parse_number, parse_value
from .rounding import round_half_up
from .rules import RULES, RuleDef, resolve_rule_name
from .tables import ROW, read_table

__all__ = [
    "CompiledLeaf",
    "GradingSpec",
    "Indicator",
    "IndicatorSystem",
    "RuleSpec",
    "load_system",
    "read_system_excel",
    "system_from_dict",
]

LEVEL_NAMES = ["一级指标", "二级指标", "三级指标", "四级指标", "五级指标"]
_TOL = 1e-6


def _alias(*names: str, default: Any = None) -> Any:
    return Field(default, validation_alias=AliasChoices(*names))


class RuleSpec(BaseModel):
    """A leaf's scoring rule: ``type`` plus the rule's parameters (validated per rule)."""

    model_config = ConfigDict(extra="allow")
    type: str

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Indicator(BaseModel):
    """An indicator (指标) at any level.

    Attributes
    ----------
    code : str
        Unique code; generated as "1", "1.2", "1.2.3" when absent.
    name : str
        名称.
    points : float
        分值 (≥ 0); a parent's equals the sum of its children's.
    explanation, criterion : str, optional
        指标解释 and 评分标准 texts.
    target : str, optional
        年度指标值 ("≥95%"); evidence may override it per project.
    rule : RuleSpec, optional
        Scoring rule, required on leaves.  ``rule: positive`` is short for ``{type: positive}``.
    children : list of Indicator
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    code: str | None = _alias("code", "编码", "指标编码")
    name: str = Field(validation_alias=AliasChoices("name", "名称", "指标名称"), min_length=1)
    points: float = Field(float("nan"), validation_alias=AliasChoices("points", "分值"), ge=0)
    weight: float | None = Field(
        None, validation_alias=AliasChoices("weight", "权重", "权重%"), gt=0, le=100,
        description="percent of the parent's 分值 (of the total for 一级); children keep their "
        "own scale (often out of 100) and are converted: points = weight × 分值 / 下级合计",
    )  # fmt: skip
    explanation: str | None = _alias("explanation", "指标解释")
    criterion: str | None = _alias("criterion", "评分标准")
    target: str | float | None = _alias("target", "年度指标值", "指标值")
    rule: RuleSpec | None = _alias("rule", "评分规则", "评分方法")
    children: list[Indicator] = Field(
        default_factory=list, validation_alias=AliasChoices("children", "下级指标")
    )
    row: int | None = Field(None, exclude=True)
    #: internal 分值 → points (weight-in-percent layout); evidence scores are converted by it
    points_factor: float = Field(1.0, exclude=True)

    @field_validator("code", mode="before")
    @classmethod
    def _code_str(cls, v: Any) -> Any:
        return None if v is None else str(v)

    @field_validator("weight", mode="before")
    @classmethod
    def _percent(cls, v: Any) -> Any:
        """ "20%", "20％" or 20 → 20.0 (percent); 0.2 is refused as ambiguous."""
        if isinstance(v, str):
            t = v.strip().replace("％", "%")
            if not t.endswith("%"):
                raise ValueError(f"权重 (weight) {v!r} 应写成百分数，如 20%")
            v = t[:-1]
        if v is not None and not isinstance(v, bool) and float(v) < 1:
            raise ValueError(f"权重 (weight) {v!r} 小于 1：请写成百分数（如 20%），不要写小数")
        return v

    @model_validator(mode="after")
    def _points_or_weight(self) -> Indicator:
        if math.isnan(self.points) and self.weight is None:
            raise ValueError("缺少分值 (points)：填写 分值，或在上级指标填写 权重%")
        return self

    @field_validator("rule", mode="before")
    @classmethod
    def _rule_shorthand(cls, v: Any) -> Any:
        v = {"type": v} if isinstance(v, str) else v
        if isinstance(v, dict) and isinstance(v.get("type"), str):
            v = {**v, "type": resolve_rule_name(v["type"])}  # 正向 → positive
        return v

    @property
    def is_leaf(self) -> bool:
        return not self.children


class GradingSpec(BaseModel):
    """Grade scale (name or inline), caps and vetoes of a system."""

    model_config = ConfigDict(extra="forbid")
    scale: str | GradeScale | None = None
    caps: list[CapRule] = Field(default_factory=list)
    vetoes: list[VetoRule] = Field(default_factory=list)


@dataclass(frozen=True)
class CompiledLeaf:
    """A validated leaf ready for scoring: its path, parsed target, rule and parameters."""

    code: str
    name: str
    path: tuple[str, ...]
    points: float
    target: ParsedValue | None
    rule: RuleDef
    params: Any
    indicator: Indicator


class IndicatorSystem(BaseModel):
    """An indicator system (指标体系).

    Attributes
    ----------
    name : str
    kind : str, optional
        key_project, self_evaluation, department_overall, ex_ante, performance_goals...
    total : float
        Declared total; the top-level 分值 must add up to it (100, or 90 when the budget is
        unscored).
    profile : str, optional
        Default rule profile (:mod:`evallib.profiles`).
    grading : GradingSpec
    indicators : list of Indicator
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = _alias("name", "名称", default="指标体系")
    kind: str | None = _alias("kind", "类型")
    description: str | None = _alias("description", "说明")
    total: float = Field(100.0, validation_alias=AliasChoices("total", "总分"), gt=0)
    profile: str | None = _alias("profile", "评分口径")
    grading: GradingSpec = Field(default_factory=GradingSpec)
    indicators: list[Indicator] = Field(
        validation_alias=AliasChoices("indicators", "指标"), min_length=1
    )
    source: str | None = Field(None, exclude=True)
    _leaves: list[CompiledLeaf] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _apply_weights(self) -> IndicatorSystem:
        """Weight-in-percent layout (一级 权重 %, children scored out of their own sum, often
        100): a weighted node gets weight % of its parent's 分值 (of ``total`` at the top) and
        every descendant is scaled by that / the children's sum — points = weight × score / 100
        for children out of 100."""

        def scale(n: Indicator, f: float) -> None:
            n.points = n.points * f
            n.points_factor *= f
            for c in n.children:
                scale(c, f)

        def visit(nodes: list[Indicator], parent_points: float) -> None:
            for n in nodes:
                if n.weight is not None:
                    target = parent_points * n.weight / 100
                    own = [c for c in n.children if c.weight is None]
                    inner = sum(c.points for c in own)
                    for c in own:
                        scale(c, target / inner if inner > 0 else 0.0)
                    n.points = target
                visit(n.children, n.points)

        if any(n.weight is not None for _, n in self.walk()):
            visit(self.indicators, self.total)
        return self

    @model_validator(mode="after")
    def _assign_codes(self) -> IndicatorSystem:
        def walk(nodes: list[Indicator], prefix: str) -> None:
            for i, n in enumerate(nodes, 1):
                if n.code is None:
                    n.code = f"{prefix}{i}"
                walk(n.children, f"{n.code}.")

        walk(self.indicators, "")
        return self

    # ----------------------------------------------------------------- traversal
    def walk(self) -> Iterator[tuple[tuple[Indicator, ...], Indicator]]:
        """Yield ``(ancestors, node)`` depth-first."""

        def rec(nodes: list[Indicator], anc: tuple[Indicator, ...]) -> Iterator[Any]:
            for n in nodes:
                yield anc, n
                yield from rec(n.children, (*anc, n))

        yield from rec(self.indicators, ())

    @property
    def depth(self) -> int:
        return max(len(anc) + 1 for anc, _ in self.walk())

    def leaves(self) -> list[CompiledLeaf]:
        """Compiled leaves (validates the system on first use)."""
        if not self._leaves:
            self.validate_all()
        return self._leaves

    def find(self, code: str) -> Indicator:
        for _, n in self.walk():
            if n.code == code:
                return n
        raise KeyError(code)

    # ----------------------------------------------------------------- validation
    def validate_all(self) -> IndicatorSystem:
        """Check the whole system and compile its leaves; raise every problem together.

        Raises
        ------
        IndicatorSystemError
        """
        probs = ProblemCollector()
        file = self.source

        def where(n: Indicator, column: str | None = None, value: Any = None) -> dict[str, Any]:
            ident = f"指标 {n.code}「{n.name}」"
            return {"file": file, "row": n.row, "value": value,
                    "column": f"{ident} → {column}" if column else ident}  # fmt: skip

        seen: dict[str, Indicator] = {}
        leaves: list[CompiledLeaf] = []
        for anc, n in self.walk():
            assert n.code is not None
            if n.code in seen:
                probs.add("指标编码重复 (duplicate code)", **where(n, "code", n.code),
                          fix="每个指标使用唯一的编码")  # fmt: skip
            seen[n.code] = n
            if n.children:
                s = sum(c.points for c in n.children)
                if abs(s - n.points) > _TOL:
                    probs.add(
                        f"下级指标分值之和 {s:g} 不等于本级分值 {n.points:g} "
                        "(points do not add up)",
                        **where(n, "分值 (points)", n.points),
                        fix="调整下级指标分值或本级分值，使之相等",
                    )
                if n.rule is not None:
                    probs.add("非末级指标不应设置评分规则 (rule on a parent)", **where(n, "rule"),
                              fix="把评分规则放到末级指标上")  # fmt: skip
                continue
            leaf = self._compile_leaf(anc, n, probs, where)
            if leaf is not None:
                leaves.append(leaf)
        top = sum(n.points for n in self.indicators)
        if abs(top - self.total) > _TOL:
            probs.add(
                f"一级指标分值之和 {top:g} 不等于声明的总分 {self.total:g} (total mismatch)",
                file=file,
                column="total (总分)",
                value=top,
                fix="调整一级指标分值，或修改 total（如预算执行率不计分时为 90）",
            )
        scale = self.grading.scale
        if not isinstance(scale, GradeScale):
            from .grading import get_grade_scale
            from .profiles import get_profile

            try:
                scale = get_grade_scale(scale or get_profile(self.profile).grade_scale)
            except EvalError as exc:
                probs.extend(exc.with_file(file or ""))
                scale = None
        if isinstance(scale, GradeScale):
            for rule in [*self.grading.caps, *self.grading.vetoes]:
                grade = rule.max_grade if isinstance(rule, CapRule) else rule.grade
                if grade is not None and grade not in scale.labels:
                    probs.add(f"等级「{grade}」不在评价等级 {scale.name} 中", file=file,
                              column="grading", value=grade,
                              fix=f"可选：{'、'.join(scale.labels)}")  # fmt: skip
        probs.raise_if_any(IndicatorSystemError)
        self._leaves = leaves
        return self

    def _compile_leaf(
        self,
        anc: tuple[Indicator, ...],
        n: Indicator,
        probs: ProblemCollector,
        where: Any,
    ) -> CompiledLeaf | None:
        if n.rule is None:
            probs.add("末级指标缺少评分规则 (rule)", **where(n, "rule"),
                      fix=f"设置 rule，可选：{', '.join(sorted(RULES))}")  # fmt: skip
            return None
        name = resolve_rule_name(n.rule.type)
        rule = RULES.get(name)
        if rule is None:
            probs.add(f"未知的评分规则 (unknown rule) {n.rule.type!r}",
                      **where(n, "rule", n.rule.type),
                      fix=f"可选：{', '.join(sorted(RULES))}")  # fmt: skip
            return None
        try:
            params = rule.params.model_validate(n.rule.params)
        except ValidationError as exc:
            for e in exc.errors():
                loc = ".".join(str(x) for x in e["loc"])
                probs.add(f"评分规则 {name} 的参数 {loc} 无效：{e['msg']}",
                          **where(n, f"rule.{loc}"))  # fmt: skip
            return None
        target = None
        if n.target is not None and str(n.target).strip():
            try:
                target = parse_value(n.target)
            except EvalError as exc:
                probs.add(f"年度指标值 (target) 无法解析：{exc.problems[0].message}",
                          **where(n, "target", n.target), fix=exc.problems[0].fix)  # fmt: skip
                return None
        ok = True
        if target is not None and rule.operators is not None and target.is_numeric:
            if target.operator not in rule.operators:
                sym = {">=": "≥", "<=": "≤"}.get(
                    target.operator or "", target.operator
                ) or "无运算符"
                probs.add(
                    f"指标值运算符「{sym}」与评分规则 {name}（{rule.label}）不一致 "
                    "(operator/rule mismatch)",
                    **where(n, "target", n.target),
                    fix="正向指标用 ≥，反向指标用 ≤，或将规则改为 auto 按运算符自动选择",
                )
                ok = False
        if target is not None and rule.needs_target and not target.is_numeric:
            probs.add(f"定量规则 {name} 的年度指标值应为数值，如 ≥95%",
                      **where(n, "target", n.target),
                      fix="填写数值型指标值，或改用 qualitative 规则")  # fmt: skip
            ok = False
        if rule.check is not None:
            for msg, fix in rule.check(n.points, target, params):
                probs.add(msg, **where(n, "rule"), fix=fix)
                ok = False
        if not ok:
            return None
        path = (*(a.name for a in anc), n.name)
        assert n.code is not None
        return CompiledLeaf(n.code, n.name, path, n.points, target, rule, params, n)

    # ----------------------------------------------------------------- I/O
    def to_dict(self) -> dict[str, Any]:
        def node(n: Indicator) -> dict[str, Any]:
            # weight-in-percent layout: the written 分值 (own scale) and the weight, so that
            # loading the text back converts exactly as the original did
            d: dict[str, Any] = {"code": n.code, "name": n.name,
                                 "points": round_half_up(n.points / n.points_factor, 10)}
            if n.weight is not None:
                d["weight"] = f"{n.weight:g}%"
            for k in ("explanation", "criterion", "target"):
                v = getattr(n, k)
                if v is not None:
                    d[k] = v
            if n.rule is not None:
                d["rule"] = {"type": n.rule.type, **n.rule.params}
            if n.children:
                d["children"] = [node(c) for c in n.children]
            return d

        out: dict[str, Any] = {"name": self.name}
        for k in ("kind", "description", "profile"):
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        out["total"] = self.total
        g = self.grading.model_dump(mode="json", exclude_defaults=True)
        if g:
            out["grading"] = g
        out["indicators"] = [node(n) for n in self.indicators]
        return out

    def to_yaml(self) -> str:
        """YAML text an evaluator can edit and load back with :func:`load_system`."""
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)


def _loc_text(data: Any, loc: tuple[Any, ...]) -> str:
    """Readable path of a pydantic error location, naming indicators by their names."""
    parts = []
    cur = data
    for key in loc:
        if isinstance(cur, list) and isinstance(key, int) and key < len(cur):
            cur = cur[key]
            name = cur.get("name") or cur.get("名称") if isinstance(cur, dict) else None
            parts.append(f"「{name}」" if name else f"[{key}]")
        elif isinstance(cur, dict):
            cur = cur.get(key)
            if key not in ("indicators", "children", "指标", "下级指标"):
                parts.append(str(key))
        else:
            parts.append(str(key))
    return " → ".join(parts)


def system_from_dict(data: Any, *, source: str | None = None) -> IndicatorSystem:
    """Build and validate a system from a mapping (as loaded from YAML)."""
    if not isinstance(data, dict):
        raise IndicatorSystemError(
            "指标体系文件顶层应为映射 (mapping)，含 name、total、indicators",
            file=source,
            fix="参考 evallib templates show key_project 的格式",
        )
    try:
        system = IndicatorSystem.model_validate(data)
    except ValidationError as exc:
        probs = []
        for e in exc.errors():
            inp = e.get("input")
            probs.append(
                Problem(
                    f"字段无效 (invalid field)：{e['msg']}",
                    file=source,
                    column=_loc_text(data, e["loc"]),
                    value=None if isinstance(inp, dict | list) else inp,
                    fix="对照 docs/formats.md 修改该字段",
                )
            )
        raise IndicatorSystemError(problems=probs) from None
    system.source = source
    n = sum(1 for _ in system.walk())
    if n > limits.get("max_indicators"):
        raise IndicatorSystemError(
            f"指标体系有 {n:,} 个指标：超过{limits.describe('max_indicators')}", file=source,
            fix="检查文件是否为指标体系",
        )  # fmt: skip
    return system.validate_all()


# --------------------------------------------------------------------------- Excel layout

_XL_COLS = {
    "code": ("指标编码", "编码", "code"),
    "points": ("分值", "指标分值", "权重", "points"),
    "explanation": ("指标解释", "指标说明", "explanation"),
    "criterion": ("评分标准", "评分细则", "criterion"),
    "target": ("年度指标值", "指标值", "目标值", "target"),
    "rule": ("评分方法", "评分规则", "计分方法", "rule"),
    "params": ("规则参数", "参数", "params"),
}
_POINTS_IN_NAME = re.compile(r"^(.*?)[(（]\s*(?:权重)?\s*(\d+(?:\.\d+)?)\s*(分|%|％)?\s*[)）]$")
_TOTAL_NAMES = {"合计", "总分", "总计", "小计"}


def _split_name(text: str) -> tuple[str, float | str | None]:
    """「决策（15分）」 → ("决策", 15.0); 「决策（20%）」 → ("决策", "20%") (a weight)."""
    m = _POINTS_IN_NAME.match(text.strip())
    if m:
        if m.group(3) in ("%", "％"):
            return m.group(1).strip(), f"{m.group(2)}%"
        return m.group(1).strip(), float(m.group(2))
    return text.strip(), None


def _parse_params(text: str, **where: Any) -> dict[str, Any]:
    s = text.strip()
    try:
        if s.startswith("{"):
            val = load_yaml_text(s)
            if isinstance(val, dict):
                return val
        else:
            out: dict[str, Any] = {}
            for part in re.split(r"[;；]", s):
                if part.strip():
                    k, sep, v = part.partition("=")
                    if not sep:
                        raise ValueError(part)
                    out[k.strip()] = load_yaml_text(v.strip())
            return out
    except (ValueError, InputDataError):
        pass
    raise IndicatorSystemError(
        "规则参数 (params) 格式无效", value=text,
        fix="写成 key=value; key2=value2，或 YAML 映射 {per_finding: 1}", **where,
    )  # fmt: skip


def _infer_rule(name: str, target: ParsedValue | None) -> str | None:
    if "预算执行率" in name:
        return "budget_execution"
    if target is None:
        return None
    if target.is_numeric:
        return "from_survey" if "满意" in name else "auto"
    if target.boolean is not None:
        return "yes_no"
    return "qualitative"


def read_system_excel(path: str | Path, *, sheet: str | int | None = None) -> IndicatorSystem:
    """Read an indicator system from the Excel layout evaluators use.

    One row per leaf (三级指标); columns 一级指标, 二级指标, 三级指标 (四级… allowed), 分值,
    and optionally 指标编码, 指标解释, 评分标准, 年度指标值, 评分方法, 规则参数.  Merged and
    blank parent cells are filled down.  A parent's 分值 may be written in its name ("决策（15分）")
    and is then checked against its children.  A 合计 row declares the total (default 100).
    Without 评分方法, the rule is inferred from the target (≥/≤/= → auto, 是/否 → yes_no,
    qualitative words → qualitative; 预算执行率 → budget_execution; 满意… with a number →
    from_survey).

    Raises
    ------
    InputDataError, IndicatorSystemError
    """
    path = Path(path)
    table = read_table(path, sheet=sheet, header_keywords=LEVEL_NAMES[:3])
    df = table.frame
    levels = [c for c in LEVEL_NAMES if c in df.columns]
    if len(levels) < 2:
        raise InputDataError(
            "指标体系表至少需要「一级指标」和「二级指标」两列 (missing level columns)",
            **table.where(table.header_row),
            fix="表头使用 一级指标、二级指标、三级指标、分值 等列名",
        )
    cols = {k: next((c for c in names if c in df.columns), None) for k, names in _XL_COLS.items()}
    if cols["points"] is None:
        raise InputDataError("指标体系表缺少「分值」列 (missing column)",
                             **table.where(table.header_row), fix="增加「分值」列")  # fmt: skip
    probs = ProblemCollector()
    roots: list[dict[str, Any]] = []
    index: dict[tuple[str, ...], dict[str, Any]] = {}
    last: list[str | None] = [None] * len(levels)
    declared_total: float | None = None
    for rec in df.to_dict("records"):
        row = int(rec[ROW])
        cells = [None if rec.get(c) is None else str(rec[c]).strip() or None for c in levels]
        first = cells[0] or ""
        if first in _TOTAL_NAMES or (cells[0] is None and any(
                (v or "") in _TOTAL_NAMES for v in cells)):  # fmt: skip
            if rec.get(cols["points"]) is not None:
                try:
                    declared_total = parse_number(rec[cols["points"]],
                                                  **table.where(row, cols["points"]))  # fmt: skip
                except EvalError as exc:
                    probs.extend(exc)
            continue
        # Fill parents down (merged or blank repeated cells); the leaf level is never filled.
        depth = max((i for i, v in enumerate(cells) if v is not None), default=-1)
        if depth < 0:
            continue
        for i in range(depth):
            if cells[i] is None:
                cells[i] = last[i]
            if cells[i] is None:
                probs.add(f"缺少{levels[i]}名称 (missing parent)", **table.where(row, levels[i]),
                          fix="填写上级指标名称")  # fmt: skip
        if any(c is None for c in cells[: depth + 1]):
            continue
        last = cells[: depth + 1] + [None] * (len(levels) - depth - 1)
        key: tuple[str, ...] = ()
        siblings = roots
        for i in range(depth):
            name, pts = _split_name(cells[i])  # type: ignore[arg-type]
            key = (*key, name)
            node = index.get(key)
            if node is None:
                node = {"name": name, "children": [], "_declared": pts, "row": row}
                index[key] = node
                siblings.append(node)
            siblings = node["children"]
        leaf_name, _ = _split_name(cells[depth])  # type: ignore[arg-type]
        if (*key, leaf_name) in index:
            probs.add("同一指标出现两次 (duplicate indicator)", value=leaf_name,
                      **table.where(row, levels[depth]))  # fmt: skip
            continue
        try:
            points = parse_number(rec.get(cols["points"]), **table.where(row, cols["points"]))
        except EvalError as exc:
            probs.extend(exc)
            continue
        leaf: dict[str, Any] = {"name": leaf_name, "points": points, "row": row}
        for k in ("code", "explanation", "criterion", "target"):
            c = cols[k]
            if c and rec.get(c) is not None and str(rec[c]).strip():
                leaf[k] = str(rec[c]).strip()
        rule_name = (
            str(rec[cols["rule"]]).strip() if cols["rule"] and rec.get(cols["rule"]) else None
        )
        params: dict[str, Any] = {}
        if cols["params"] and rec.get(cols["params"]):
            try:
                params = _parse_params(str(rec[cols["params"]]), **table.where(row, cols["params"]))
            except EvalError as exc:
                probs.extend(exc)
        if rule_name is None:
            try:
                tgt = parse_value(leaf["target"]) if "target" in leaf else None
            except EvalError:
                tgt = None  # reported by validation with its location
            rule_name = _infer_rule(leaf_name, tgt)
        if rule_name is not None:
            leaf["rule"] = {"type": rule_name, **params}
        index[(*key, leaf_name)] = leaf
        siblings.append(leaf)
    probs.raise_if_any(IndicatorSystemError)

    def finish(node: dict[str, Any]) -> dict[str, Any]:
        if "children" not in node:
            return node
        kids = [finish(c) for c in node["children"]]
        s = sum(k["points"] for k in kids)
        declared = node.pop("_declared")
        if isinstance(declared, str):  # 「决策（20%）」: weight-in-percent layout
            return {**node, "children": kids, "points": s, "weight": declared}
        return {**node, "children": kids, "points": declared if declared is not None else s}

    data = {
        "name": path.stem,
        "total": declared_total if declared_total is not None else 100.0,
        "indicators": [finish(r) for r in roots],
    }
    try:
        return system_from_dict(data, source=str(path))
    except IndicatorSystemError as exc:
        raise exc.with_file(str(path), table.sheet) from None


def load_system(source: str | Path, *, sheet: str | int | None = None) -> IndicatorSystem:
    """Load a system from a YAML or XLSX file, or a shipped template name.

    Examples
    --------
    >>> load_system("key_project").total
    100.0
    """
    s = str(source)
    p = Path(s)
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".csv"):
        return read_system_excel(p, sheet=sheet)
    if p.suffix.lower() in (".yaml", ".yml"):
        return system_from_dict(read_yaml(p), source=s)
    from . import templates

    if s in templates.names():
        return templates.load(s)
    if p.exists():
        raise InputDataError(
            f"不支持的指标体系文件类型 {p.suffix or '（无扩展名）'}",
            file=s,
            fix="使用 .yaml 或 .xlsx",
        )
    raise InputDataError(
        "找不到指标体系文件或模板 (system file or template not found)",
        file=s,
        fix=f"检查路径，或使用模板名：{', '.join(templates.names())}",
    )
