"""The library's indicator model (指标库指标) and the records of the results store.

An indicator of the library carries what an indicator system's leaf carries (name, unit,
指标解释, 评分标准, a registered scoring rule and its parameters, a typical 年度指标值) plus what
finding it needs: its place in the goal classes (一级/二级), class and sector, the project types
it suits, aliases, and its source.  The rule and its parameters are validated by the same
registry as indicator systems (:mod:`evallib.rules`), so a library pick drops into a system.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..errors import EvalError, Problem
from ..rules import RULES, get_rule, resolve_rule_name

__all__ = [
    "DIRECTIONS",
    "LibraryIndicator",
    "ResultRow",
    "RunRecord",
    "number_and_unit",
    "validation_error",
]

#: 指标方向: 正向 (larger is better), 反向 (smaller is better), 区间 (within a range), 定性
DIRECTIONS = {
    "正向": "正向",
    "positive": "正向",
    "benefit": "正向",
    "反向": "反向",
    "negative": "反向",
    "reverse": "反向",
    "cost": "反向",
    "区间": "区间",
    "interval": "区间",
    "middle": "区间",
    "适度": "区间",
    "定性": "定性",
    "qualitative": "定性",
    "": "",
}
_CODE = re.compile(r"^[^\s；;,，]{1,64}$")
_LIST_SEP = re.compile(r"[；;\n]")


def _f(*names: str, default: Any = "", **kw: Any) -> Any:
    return Field(default, validation_alias=AliasChoices(*names), **kw)


def _as_list(v: Any) -> Any:
    if v is None:
        return []
    if isinstance(v, str):
        return [p.strip() for p in _LIST_SEP.split(v) if p.strip()]
    return v


class LibraryIndicator(BaseModel):
    """One indicator of the library.

    Attributes
    ----------
    code : str
        Unique key (编码), no spaces or list separators.
    name : str
        指标名称.
    level1, level2 : str
        一级 / 二级 class (成本指标 / 经济成本指标 …, 财预〔2021〕101号).
    category, sector : str
        类别 (培训类, 会议类 …) and 行业 (交通运输, 教育 …).
    project_types : list of str
        Project types it suits (培训, 工程建设 …; 通用 for every project).
    unit, direction : str
        计量单位 and 指标方向 (正向 / 反向 / 区间 / 定性).
    rule : str
        Registered scoring rule (``positive``, ``qualitative`` …; Chinese names accepted).
    params : dict
        The rule's parameters, validated by the rule.
    target : str
        Typical 年度指标值 (``≥95%``).
    explanation, criterion, source : str
        指标解释, 评分标准 and where the indicator comes from.
    aliases : list of str
        Other names (别名) it is found by.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    code: str = Field(validation_alias=AliasChoices("code", "编码", "指标编码"))
    name: str = Field(
        validation_alias=AliasChoices("name", "指标名称", "名称"), min_length=1, max_length=200
    )
    level1: str = _f("level1", "一级指标", max_length=50)
    level2: str = _f("level2", "二级指标", max_length=50)
    category: str = _f("category", "类别", max_length=100)
    sector: str = _f("sector", "行业", max_length=100)
    project_types: list[str] = _f("project_types", "适用项目类型", default=[])
    unit: str = _f("unit", "计量单位", "单位", max_length=50)
    direction: str = _f("direction", "指标方向", max_length=20)
    rule: str = _f("rule", "评分规则", max_length=50)
    params: dict[str, Any] = _f("params", "规则参数", default={})
    target: str = _f("target", "参考指标值", "年度指标值", max_length=200)
    explanation: str = _f("explanation", "指标解释", max_length=2000)
    criterion: str = _f("criterion", "评分标准", max_length=2000)
    aliases: list[str] = _f("aliases", "别名", default=[])
    source: str = _f("source", "来源", max_length=500)

    @field_validator(
        "level1",
        "level2",
        "category",
        "sector",
        "unit",
        "direction",
        "rule",
        "target",
        "explanation",
        "criterion",
        "source",
        mode="before",
    )
    @classmethod
    def _blank(cls, v: Any) -> Any:
        if v is None:
            return ""
        if isinstance(v, int | float) and not isinstance(v, bool):
            return str(v)
        return v

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v: Any) -> Any:
        v = str(v).strip() if v is not None else ""
        if not _CODE.match(v):
            raise ValueError("编码须为 1–64 个字符，不含空格、逗号、分号")
        return v

    @field_validator("project_types", "aliases", mode="before")
    @classmethod
    def _lists(cls, v: Any, info: ValidationInfo) -> Any:
        items = _as_list(v)
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            raise ValueError("应为文字列表，多个用“；”分隔")
        out: list[str] = []
        for x in (s.strip() for s in items):
            if not x or len(x) > 100 or _LIST_SEP.search(x):
                raise ValueError(f"列表项 {x!r} 为空、过长或含分隔符")
            if x not in out:
                out.append(x)
        return sorted(out) if info.field_name == "project_types" else out

    @field_validator("direction")
    @classmethod
    def _direction(cls, v: str) -> str:
        if v.lower() not in DIRECTIONS:
            raise ValueError("指标方向应为 正向、反向、区间 或 定性")
        return DIRECTIONS[v.lower()]

    @field_validator("params", mode="before")
    @classmethod
    def _params(cls, v: Any) -> Any:
        if v is None or v == "":
            return {}
        if isinstance(v, str):
            import json

            try:
                return json.loads(v)
            except ValueError:
                raise ValueError('规则参数应为 JSON 对象，如 {"over": "cap"}') from None
        return v

    @model_validator(mode="after")
    def _rule(self) -> LibraryIndicator:
        if not self.rule:
            if self.params:
                raise ValueError("有规则参数 (params) 却没有评分规则 (rule)")
            return self
        name = resolve_rule_name(self.rule)
        if name not in RULES:
            raise ValueError(f"未知的评分规则 {self.rule!r}；可选：{', '.join(sorted(RULES))}")
        get_rule(name).params.model_validate(self.params)
        self.rule = name
        return self

    def search_fields(self) -> dict[int, str]:
        """Texts indexed for search, by field (see :mod:`evallib.library.schema`)."""
        from .schema import FIELD_ALIAS, FIELD_CLASS, FIELD_NAME, FIELD_TEXT

        return {
            FIELD_NAME: self.name,
            FIELD_ALIAS: " ".join(self.aliases),
            FIELD_CLASS: " ".join([self.level1, self.level2, self.category, self.sector]),
            FIELD_TEXT: " ".join([self.explanation, self.criterion]),
        }


def number_and_unit(text: Any) -> tuple[float | None, str]:
    """(number, unit symbol) of a target or actual as written, parsed by the scoring parser;
    ``(None, "")`` for blank or unparseable text, ``(None, unit)`` for a range.

    >>> number_and_unit("≥95%"), number_and_unit("12公里"), number_and_unit("达成年度指标")
    ((95.0, '%'), (12.0, '公里'), (None, ''))
    """
    from ..parsing import parse_value

    if text is None or (isinstance(text, float) and text != text) or str(text).strip() == "":
        return None, ""
    try:
        v = parse_value(text)
    except EvalError:
        return None, ""
    if v.number is None or v.operator == "range":
        return None, v.unit.symbol
    return float(v.number), v.unit.symbol


class ResultRow(BaseModel):
    """One indicator of a recorded run: target and actual as published; their numbers and unit
    are parsed from the texts when not given."""

    model_config = ConfigDict(extra="forbid")

    code: str = ""
    name: str = Field(min_length=1, max_length=200)
    level1: str = ""
    level2: str = ""
    unit: str = ""
    points: float | None = None
    score: float | None = None
    target: str = ""
    target_value: float | None = None
    actual: str = ""
    actual_value: float | None = None

    @model_validator(mode="after")
    def _numbers(self) -> ResultRow:
        tv, tu = number_and_unit(self.target)
        av, au = number_and_unit(self.actual)
        if self.target_value is None:
            self.target_value = tv
        if self.actual_value is None:
            self.actual_value = av
        if not self.unit:
            self.unit = au or tu
        return self


class RunRecord(BaseModel):
    """A recorded evaluation (``report``/``score``), self-evaluation review (``review``) or goal
    check (``goal_check``)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern=r"^(report|score|review|goal_check)$")
    project: str = Field(min_length=1, max_length=300)
    department: str = Field("", max_length=200)
    year: int | None = Field(None, ge=1990, le=2100)
    total: float | None = None
    grade: str = Field("", max_length=10)
    bundle_path: str = ""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rows: list[ResultRow] = Field(default_factory=list)


def validation_error(
    exc: ValidationError,
    *,
    file: str | None = None,
    sheet: str | None = None,
    row: int | None = None,
    columns: dict[str, str] | None = None,
) -> EvalError:
    """An EvalError listing every field problem of a library record, located in its file."""
    problems = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else None
        col = (columns or {}).get(field or "", field)
        msg = str(err["msg"]).removeprefix("Value error, ")
        problems.append(
            Problem(
                f"{col or '记录'}：{msg}",
                file=file,
                sheet=sheet,
                row=row,
                column=col,
                value=err.get("input"),
                fix="按 docs/library.md 的字段说明改正后再导入",
            )
        )
    first = problems[0]
    return EvalError(
        first.message if len(problems) == 1 else f"{len(problems)} 处字段有误：{first.message}",
        file=file,
        sheet=sheet,
        row=row,
        column=first.column,
        value=first.value,
        fix=first.fix,
        problems=problems,
    )
