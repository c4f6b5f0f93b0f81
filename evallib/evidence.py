"""Evidence: what was achieved, per indicator (实际完成值 and the evaluator's inputs).

Evidence comes as YAML (``indicators:`` keyed by indicator code or name, plus ``budget:`` and
``facts:``) or as a table (XLSX/CSV, one row per indicator).  See ``docs/formats.md``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from .errors import EvidenceError, InputDataError, Problem, ProblemCollector
from .fileio import read_yaml
from .parsing import normalize_text, parse_number
from .tables import ROW, read_table

__all__ = [
    "BUDGET_FIELDS",
    "Evidence",
    "EvidenceItem",
    "Finding",
    "SurveyRef",
    "load_evidence",
    "resolve_surveys",
]

# Canonical budget field -> accepted names (Chinese first).
BUDGET_FIELDS: dict[str, tuple[str, ...]] = {
    "initial_budget": ("年初预算数", "年初预算", "initial_budget"),
    "full_year_budget": ("全年预算数", "全年预算", "预算资金", "预算数", "full_year_budget"),
    "adjustment": ("调整数", "预算调整数", "adjustment"),
    "adjusted_budget": ("调整后预算数", "调整后预算", "adjusted_budget"),
    "spent": ("全年执行数", "执行数", "实际支出资金", "实际支出", "spent"),
    "funds_received": ("实际到位资金", "到位资金", "funds_received"),
}
_BUDGET_ALIAS = {normalize_text(a): k for k, names in BUDGET_FIELDS.items() for a in names}


def _alias(*names: str) -> Any:
    return Field(None, validation_alias=AliasChoices(*names))


class Finding(BaseModel):
    """One problem found for a deduction (扣分制) indicator."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    text: str = Field(validation_alias=AliasChoices("text", "问题", "内容"))
    points: float | None = Field(None, ge=0, validation_alias=AliasChoices("points", "扣分"))


class SurveyRef(BaseModel):
    """A satisfaction survey whose result is the indicator's actual value (RULES.md §8).

    Paths are relative to the evidence file.  ``metric``: ``rate`` (满意率) or ``score``
    (满意度得分).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    spec: str = Field(validation_alias=AliasChoices("spec", "问卷说明"))
    data: str = Field(validation_alias=AliasChoices("data", "数据"))
    metric: Literal["rate", "score"] = "rate"
    sheet: str | None = None


class EvidenceItem(BaseModel):
    """Evidence for one indicator.

    Attributes
    ----------
    actual : str or number or bool
        实际完成值 as written ("98%", "≧735人次", "达成年度指标", "是").
    target : str, optional
        年度指标值 overriding the system's (project-specific targets of a template).
    score : float, optional
        得分 chosen by the evaluator (qualitative tier point, manual score).
    tier : str, optional
        Qualitative tier (达成/部分达成/未达成) when not written in ``actual``.
    reason : str, optional
        评分理由 / 扣分原因 written by the evaluator.
    deduction : float, optional
        扣减分数 subtracted after the formula (floored at 0).
    findings : list of Finding, optional
        Problems found, for 扣分制 indicators.
    met : list of bool or dict, optional
        Which 评价要点 are met, for all-or-nothing criteria.
    budget : dict, optional
        Budget figures for the budget-execution indicator (年初预算数, 全年预算数, 全年执行数...).
    deviation : str, optional
        偏差原因分析及改进措施.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    actual: str | float | int | bool | None = _alias("actual", "实际完成值", "实际值", "完成值")
    target: str | float | int | None = _alias("target", "年度指标值", "指标值", "目标值")
    score: float | None = _alias("score", "得分", "评分")
    tier: str | None = _alias("tier", "档次", "完成档次", "等级")
    reason: str | None = _alias("reason", "评分理由", "理由", "扣分原因", "说明")
    deduction: float | None = Field(
        None, ge=0, validation_alias=AliasChoices("deduction", "扣减分数")
    )
    findings: list[Finding] | None = _alias("findings", "发现问题", "问题")
    met: list[bool] | dict[str, bool] | None = _alias("met", "评价要点符合情况", "符合情况")
    budget: dict[str, float] | None = _alias("budget", "预算", "预算执行")
    deviation: str | None = _alias("deviation", "偏差原因", "偏差原因分析及改进措施")
    survey: SurveyRef | None = _alias("survey", "满意度调查")
    row: int | None = Field(None, exclude=True)

    @field_validator("findings", mode="before")
    @classmethod
    def _findings_as_text(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"text": f} if isinstance(f, str) else f for f in v]
        return v


class Evidence(BaseModel):
    """All evidence for one evaluation.

    Attributes
    ----------
    indicators : dict of str -> EvidenceItem
        Keyed by indicator code (preferred) or name.
    budget : dict, optional
        Project budget figures (used by the budget-execution rule when its item has none).
    facts : dict, optional
        Named facts for caps and vetoes (e.g. ``重大违规: false``).
    source : str, optional
        File the evidence came from (for error messages).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    project: str | None = _alias("project", "项目名称")
    indicators: dict[str, EvidenceItem] = Field(
        default_factory=dict, validation_alias=AliasChoices("indicators", "指标")
    )
    budget: dict[str, float] | None = _alias("budget", "预算", "预算执行")
    facts: dict[str, float | bool | str] = Field(
        default_factory=dict, validation_alias=AliasChoices("facts", "事实")
    )
    source: str | None = Field(None, exclude=True)
    inputs: list[str] = Field(default_factory=list, exclude=True)
    _surveys: dict[tuple[str, str, Any], Any] = PrivateAttr(default_factory=dict)

    def survey_read(self, spec: Path, data: Path, sheet: Any = None) -> Any:
        """The :class:`~evallib.survey.SurveyData` this evidence read from ``data`` with the
        spec file ``spec`` (resolved paths) and ``sheet`` while resolving its survey items, or
        None — so that a report reading the same export does not read it twice."""
        return self._surveys.get((str(spec.resolve()), str(data.resolve()), sheet))

    def budget_figures(self, item: EvidenceItem | None = None) -> dict[str, float]:
        """Budget figures with canonical keys: the item's over the project's."""
        out: dict[str, float] = {}
        for d in (self.budget or {}, (item.budget if item else None) or {}):
            for k, v in d.items():
                out[_BUDGET_ALIAS.get(normalize_text(k), k)] = v
        return out


def _pydantic_problems(exc: ValidationError, file: str | None) -> list[Problem]:
    probs = []
    for e in exc.errors():
        loc = ".".join(str(p) for p in e["loc"])
        probs.append(
            Problem(
                f"字段格式不正确 (invalid field)：{e['msg']}",
                file=file,
                column=loc,
                value=e.get("input") if not isinstance(e.get("input"), dict) else None,
                fix="对照 docs/formats.md 中的证据文件 (evidence) 格式",
            )
        )
    return probs


_COLS = {
    "code": ("指标编码", "编码", "指标代码", "代码", "code"),
    "name": ("三级指标", "指标名称", "指标", "name", "indicator"),
    "actual": ("实际完成值", "实际值", "完成值", "actual"),
    "target": ("年度指标值", "指标值", "目标值", "target"),
    "score": ("得分", "评分", "score"),
    "tier": ("完成档次", "档次", "tier"),
    "reason": ("评分理由", "理由", "扣分原因", "说明", "reason"),
    "deduction": ("扣减分数", "deduction"),
    "findings": ("发现问题", "findings"),
    "met": ("评价要点符合情况", "符合情况", "met"),
    "deviation": ("偏差原因分析及改进措施", "偏差原因", "deviation"),
}
_TRUE = {"是", "1", "true", "√", "✓", "符合", "y", "yes"}
_FALSE = {"否", "0", "false", "×", "✗", "不符合", "n", "no"}


def _split_list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;；\n]|\d+[)）.、]", text) if p.strip()]


def _parse_met(text: str, **where: Any) -> list[bool]:
    s = normalize_text(text)
    parts = (
        [p for p in re.split(r"[,，、;；/]", s) if p] if re.search(r"[,，、;；/]", s) else list(s)
    )
    out = []
    for p in parts:
        low = p.lower()
        if low in _TRUE:
            out.append(True)
        elif low in _FALSE:
            out.append(False)
        else:
            raise EvidenceError(
                "评价要点符合情况 (met) 只能填 是/否、1/0 或 √/×",
                value=text,
                fix="按评价要点顺序逐项填写，如「是,是,否」",
                **where,
            )
    return out


def _from_table(path: Path, sheet: str | int | None) -> Evidence:
    keys = [k for names in (_COLS["code"], _COLS["name"], _COLS["actual"]) for k in names]
    table = read_table(path, sheet=sheet, header_keywords=keys)
    df = table.frame
    cols = {k: next((c for c in names if c in df.columns), None) for k, names in _COLS.items()}
    if cols["code"] is None and cols["name"] is None:
        raise InputDataError(
            "证据表缺少「指标编码」或「三级指标」列 (missing column)",
            **table.where(table.header_row),
            fix="增加「指标编码」列（与指标体系的编码一致）或「三级指标」列",
        )
    budget_cols = [c for c in df.columns if normalize_text(c) in _BUDGET_ALIAS]
    probs = ProblemCollector()
    items: dict[str, EvidenceItem] = {}
    for rec in df.to_dict("records"):
        row = int(rec[ROW])
        key_col = cols["code"] if rec.get(cols["code"] or "") is not None else cols["name"]
        key = rec.get(key_col) if key_col else None
        if key is None or not str(key).strip():
            probs.add("缺少指标编码或指标名称", **table.where(row, cols["code"] or cols["name"]))
            continue
        key = str(key).strip()
        if key in items:
            probs.add(
                "同一指标出现多行 (duplicate indicator)", value=key, **table.where(row, key_col)
            )
            continue
        data: dict[str, Any] = {}
        try:
            for field in ("actual", "target", "tier", "reason", "deviation"):
                c = cols[field]
                if c and rec.get(c) is not None:
                    data[field] = rec[c] if field == "actual" else str(rec[c])
            for field in ("score", "deduction"):
                c = cols[field]
                if c and rec.get(c) is not None:
                    data[field] = parse_number(rec[c], **table.where(row, c))
            if cols["findings"] and rec.get(cols["findings"]) is not None:
                data["findings"] = [{"text": t} for t in _split_list(str(rec[cols["findings"]]))]
            if cols["met"] and rec.get(cols["met"]) is not None:
                data["met"] = _parse_met(str(rec[cols["met"]]), **table.where(row, cols["met"]))
            budget = {
                c: parse_number(rec[c], **table.where(row, c))
                for c in budget_cols
                if rec.get(c) is not None
            }
            if budget:
                data["budget"] = budget
        except EvidenceError as exc:
            probs.extend(exc)
            continue
        except Exception as exc:  # TargetParseError and friends
            if hasattr(exc, "problems"):
                probs.extend(exc)  # type: ignore[arg-type]
                continue
            raise
        items[key] = EvidenceItem(**data, row=row)
    probs.raise_if_any(EvidenceError)
    return Evidence(indicators=items, source=str(path))


def resolve_surveys(evidence: Evidence, base: Path) -> Evidence:
    """Run the surveys referenced by evidence items and put their result in ``actual`` (and
    the sample size and interval in ``reason``).  Survey files are recorded in
    ``evidence.inputs`` for provenance."""
    refs = {k: it for k, it in evidence.indicators.items() if it.survey is not None}
    if not refs:
        return evidence
    from .survey import analyze, load_spec, read_survey

    items = dict(evidence.indicators)
    inputs = list(evidence.inputs)
    cache: dict[tuple[str, str, str | None], Any] = {}
    read: dict[tuple[str, str, str | None], Any] = {}
    for key, it in refs.items():
        ref = it.survey
        if ref is None:  # pragma: no cover - filtered above
            continue
        spec_p, data_p = (base / ref.spec).resolve(), (base / ref.data).resolve()
        ck = (str(spec_p), str(data_p), ref.sheet)
        if ck not in cache:
            read[ck] = read_survey(data_p, load_spec(spec_p), sheet=ref.sheet)
            cache[ck] = analyze(read[ck])
        info = cache[ck].evidence_item(ref.metric)
        items[key] = it.model_copy(
            update={"actual": info["actual"], "reason": it.reason or info["reason"]}
        )
        inputs += [str(spec_p), str(data_p)]
    out = evidence.model_copy(update={"indicators": items, "inputs": sorted(set(inputs))})
    out._surveys = read
    return out


def load_evidence(path: str | Path, *, sheet: str | int | None = None) -> Evidence:
    """Read evidence from YAML, XLSX or CSV.

    Raises
    ------
    InputDataError, EvidenceError
        With file, sheet, row and column of every problem found.
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        data = read_yaml(path)
        if not isinstance(data, dict):
            raise InputDataError(
                "证据文件 (evidence) 顶层应为映射 (mapping)，含 indicators、budget、facts",
                file=str(path),
            )
        try:
            ev = Evidence.model_validate(data)
        except ValidationError as exc:
            raise EvidenceError(problems=_pydantic_problems(exc, str(path))) from None
        ev = ev.model_copy(update={"source": str(path)})
        return resolve_surveys(ev, path.parent)
    return _from_table(path, sheet)
