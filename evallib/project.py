"""The project file (项目文件) of a key evaluation: metadata, indicator system, evidence, survey,
grading and the evaluator's texts.  Validated — with every referenced file — before any
notebook kernel starts, so a broken project fails fast with a clear error.

Paths are relative to the project file.  See ``docs/report.md`` for the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from .errors import EvalError, InputDataError, Problem
from .fileio import read_yaml, sha256_file

__all__ = ["ProjectFile", "ProjectInfo", "hand_off", "load_project"]


def _f(*names: str, default: Any = None) -> Any:
    return Field(default, validation_alias=AliasChoices(*names))


class FundsRow(BaseModel):
    """One row of the funds table (万元)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    item: str = Field(validation_alias=AliasChoices("item", "项目"))
    initial_budget: float | None = _f("initial_budget", "年初预算数")
    full_year_budget: float | None = _f("full_year_budget", "全年预算数")
    received: float | None = _f("received", "实际到位资金", "到位数")
    spent: float | None = _f("spent", "全年执行数", "实际支出")


class ProjectInfo(BaseModel):
    """Project metadata (一、基本情况)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = Field(validation_alias=AliasChoices("name", "名称", "项目名称"), min_length=1)
    department: str = _f("department", "主管部门", default="")
    implementer: str = _f("implementer", "实施单位", default="")
    year: int = Field(validation_alias=AliasChoices("year", "年度"), ge=2000, le=2100)
    overview: str = _f("overview", "项目概况", default="")
    goals: str = _f("goals", "绩效目标", "项目绩效目标", default="")
    #: 支出类型 (e.g. 对个人和家庭的补助): result feedback exempts some types from budget cuts
    expenditure_type: str = _f("expenditure_type", "支出类型", default="")
    funds: list[FundsRow] = Field(
        default_factory=list, validation_alias=AliasChoices("funds", "资金")
    )


class SurveyFiles(BaseModel):
    model_config = ConfigDict(extra="forbid")
    spec: str
    data: str
    sheet: str | None = None


class Texts(BaseModel):
    """The evaluator's texts (五–七 and 二)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    process: str = _f("process", "评价工作开展情况", default="")
    experience: str = _f("experience", "主要经验及做法", default="")
    problems: str = _f("problems", "存在的问题及原因分析", default="")
    suggestions: str = _f("suggestions", "有关建议", default="")
    other: str = _f("other", "其他需要说明的问题", default="")


class Evaluator(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    agency: str = Field(validation_alias=AliasChoices("agency", "评价机构"), min_length=1)
    date: str = Field(validation_alias=AliasChoices("date", "报告日期"))
    team: list[str] = Field(default_factory=list, validation_alias=AliasChoices("team", "评价组"))


class ProjectFile(BaseModel):
    """A key-evaluation project.

    Attributes
    ----------
    project : ProjectInfo
    system : str
        Indicator system: a template name (``key_project``) or a YAML/XLSX path.
    evidence : str
        Evidence file (YAML/XLSX/CSV).
    survey : SurveyFiles, optional
        The satisfaction survey (spec and data) for the survey chapter.
    profile, grade_scale : str, optional
        Rule profile and grade scale overrides.
    consequences : dict, optional
        Grade → use of results sentence (优 → 优先安排预算 …), RULES.md §2.
    texts : Texts
    evaluator : Evaluator
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    project: ProjectInfo = Field(validation_alias=AliasChoices("project", "项目"))
    system: str = Field(validation_alias=AliasChoices("system", "指标体系"))
    evidence: str = Field(validation_alias=AliasChoices("evidence", "证据"))
    survey: SurveyFiles | None = _f("survey", "满意度调查")
    kind: Literal["key_evaluation", "ex_ante", "department", "self_evaluation"] = _f(
        "kind", "报告类型", default="key_evaluation"
    )  # the report's outline and wording (REPORT_KINDS)
    profile: str | None = _f("profile", "评分口径")
    grade_scale: str | None = _f("grade_scale", "评价等级")
    consequences: dict[str, str] = Field(
        default_factory=dict, validation_alias=AliasChoices("consequences", "结果应用")
    )
    texts: Texts = Field(default_factory=Texts, validation_alias=AliasChoices("texts", "文字"))
    evaluator: Evaluator = Field(validation_alias=AliasChoices("evaluator", "评价机构"))
    path: str | None = Field(None, exclude=True)
    # what the check loaded (system, evidence, survey spec): prepare() uses it, not a reload
    _loaded: dict[str, Any] = PrivateAttr(default_factory=dict)

    def checked(self, part: str) -> Any | None:
        """The indicator system / evidence / survey spec loaded when this project was checked
        (``load_project(check=True)``), or None."""
        return self._loaded.get(part)

    @property
    def base(self) -> Path:
        return Path(self.path).parent if self.path else Path(".")

    def resolve(self, rel: str) -> Path:
        return (self.base / rel).resolve()

    def input_files(self) -> dict[str, Path]:
        """Every file the evaluation reads (for hashing in the manifest)."""
        from . import templates

        out: dict[str, Path] = {}
        if self.path:
            out["project"] = Path(self.path).resolve()
        if self.system in templates.names():
            out["system"] = templates.path(self.system)
        else:
            out["system"] = self.resolve(self.system)
        out["evidence"] = self.resolve(self.evidence)
        if self.survey:
            out["survey_spec"] = self.resolve(self.survey.spec)
            out["survey_data"] = self.resolve(self.survey.data)
        out.update(_evidence_surveys(out["evidence"]))
        return out


def _evidence_surveys(evidence: Path) -> dict[str, Path]:
    """Survey files an evidence YAML references (``survey: {spec, data}`` on an item)."""
    if evidence.suffix.lower() not in (".yaml", ".yml") or not evidence.is_file():
        return {}
    data = read_yaml(evidence)
    items = data.get("indicators", data.get("指标")) if isinstance(data, dict) else None
    out: dict[str, Path] = {}
    for key, item in (items or {}).items() if isinstance(items, dict) else []:
        ref = item.get("survey", item.get("满意度调查")) if isinstance(item, dict) else None
        if isinstance(ref, dict):
            for role in ("spec", "data"):
                if isinstance(ref.get(role), str):
                    out[f"evidence_survey_{role}:{key}"] = (evidence.parent / ref[role]).resolve()
    return out


#: A project checked by this process, for one child forked from it (see :func:`hand_off`).
_HANDOFF: dict[str, tuple[dict[str, str], ProjectFile]] = {}


def _digests(files: dict[str, Path]) -> dict[str, str]:
    return {str(p): sha256_file(p) if p.is_file() else "" for p in files.values()}


def hand_off(proj: ProjectFile) -> None:
    """Keep a checked project, with the SHA-256 of every file it read, for a child forked from
    this process: the child's :func:`load_project` of the same path returns it (once) instead
    of reading and checking everything again, if every one of those files is unchanged.  The
    project's path is made absolute first (the child may run in another directory)."""
    path = Path(proj.path).resolve()
    if proj.path != str(path):
        loaded = proj._loaded
        proj = proj.model_copy(update={"path": str(path)})
        proj._loaded = loaded
    _HANDOFF[str(path)] = (_digests(proj.input_files()), proj)


def _handed_off(path: Path) -> ProjectFile | None:
    got = _HANDOFF.pop(str(path.resolve()), None)
    if got is None:
        return None
    digests, proj = got
    same = all((sha256_file(p) if Path(p).is_file() else "") == d for p, d in digests.items())
    return proj if same else None


def load_project(path: str | Path, *, check: bool = True) -> ProjectFile:
    """Load a project file and (with ``check``) validate everything it references: files exist,
    the indicator system and evidence load, the survey spec loads.  All problems together.

    Raises
    ------
    InputDataError
    """
    path = Path(path)
    if check and (proj := _handed_off(path)) is not None:
        return proj
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputDataError("项目文件顶层应为映射 (mapping)", file=str(path))
    try:
        proj = ProjectFile.model_validate(data)
    except ValidationError as exc:
        raise InputDataError(
            problems=[
                Problem(
                    f"项目文件字段无效 (invalid field)：{e['msg']}",
                    file=str(path),
                    column=".".join(str(x) for x in e["loc"]),
                    value=e.get("input") if not isinstance(e.get("input"), dict | list) else None,
                    fix="对照 docs/report.md 中的项目文件格式",
                )
                for e in exc.errors()
            ]
        ) from None
    proj = proj.model_copy(update={"path": str(path)})
    if check:
        _check(proj)
    return proj


def _check(proj: ProjectFile) -> None:
    from . import templates
    from .evidence import load_evidence
    from .indicators import load_system

    probs: list[Problem] = []
    file = proj.path
    for key, p in proj.input_files().items():
        if key == "system" and proj.system in templates.names():
            continue
        if not p.is_file():
            probs.append(
                Problem(
                    f"项目文件引用的文件不存在 (file not found)：{p}",
                    file=file,
                    column=key,
                    value=str(p),
                    fix="检查路径（相对于项目文件）",
                )
            )
    if probs:
        raise InputDataError(problems=probs)
    loaded: dict[str, Any] = {}
    for step in ("system", "evidence", "survey"):
        try:
            if step == "system":
                loaded[step] = load_system(
                    str(proj.resolve(proj.system))
                    if proj.system not in templates.names()
                    else proj.system
                )
            elif step == "evidence":
                loaded[step] = load_evidence(proj.resolve(proj.evidence))
            elif proj.survey is not None:
                from .survey import load_spec

                loaded[step] = load_spec(proj.resolve(proj.survey.spec))
        except EvalError as exc:
            probs.extend(exc.problems)
    if probs:
        raise InputDataError(problems=probs)
    proj._loaded = loaded
