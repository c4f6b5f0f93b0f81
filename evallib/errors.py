"""Errors users can act on.

Every problem with user input is an :class:`EvalError` (or subclass) carrying where it happened
(file, sheet, row, column, value) and what to do about it.  Messages are Chinese with the English
key terms in parentheses.  Several problems found in one input are reported together through
``problems`` (lazy validation, as pandera does), so the evaluator fixes a file once, not thirty
times.

All errors pickle (they cross process boundaries in Dask batches).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ConfigError",
    "EvalError",
    "EvidenceError",
    "GradeError",
    "InconsistentJudgementError",
    "IndicatorSystemError",
    "InputDataError",
    "Problem",
    "ReportError",
    "RuleError",
    "TargetParseError",
    "UnitMismatchError",
]


@dataclass(frozen=True)
class Problem:
    """One located problem in an input.

    Attributes
    ----------
    message : str
        What is wrong (Chinese, with English key terms).
    file, sheet : str or None
        Input file and worksheet.
    row : int or None
        1-based row number as the user sees it in Excel or a text editor.
    column : str or None
        Column header (or field name in YAML).
    value : Any
        The offending value.
    fix : str or None
        What the user should change.
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    fix: str | None = None

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.sheet:
            parts.append(f"工作表 {self.sheet}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"列/字段「{self.column}」")
        if self.value is not None:
            parts.append(f"值 {self.value!r}")
        return "，".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        text = f"{loc}：{self.message}" if loc else self.message
        if self.fix:
            text += f"。修改建议：{self.fix}"
        return text


def _rebuild(cls: type[EvalError], state: dict[str, Any]) -> EvalError:
    obj = cls.__new__(cls)
    Exception.__init__(obj, state.get("message", ""))
    obj.__dict__.update(state)
    return obj


class EvalError(Exception):
    """Base class of every evallib error caused by user input or configuration.

    Parameters
    ----------
    message : str
        Description of the problem (ignored when ``problems`` is given and has one element).
    file, sheet, row, column, value, fix
        Location and suggested fix, as in :class:`Problem`.
    problems : iterable of Problem, optional
        Several problems reported at once; ``str(err)`` lists them all.
    """

    label_zh = "输入有误"

    def __init__(
        self,
        message: str = "",
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        fix: str | None = None,
        problems: Iterable[Problem] | None = None,
    ) -> None:
        probs = list(problems or [])
        if not probs:
            probs = [Problem(message, file, sheet, row, column, value, fix)]
        self.problems: list[Problem] = probs
        first = probs[0]
        self.message = message or first.message
        self.file = file if file is not None else first.file
        self.sheet = sheet if sheet is not None else first.sheet
        self.row = row if row is not None else first.row
        self.column = column if column is not None else first.column
        self.value = value if value is not None else first.value
        self.fix = fix if fix is not None else first.fix
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        head = f"共发现 {len(self.problems)} 个问题"
        if self.message and self.message != self.problems[0].message:
            head = f"{self.message}；{head}"
        lines = [f"{head}："]
        lines += [f"  {i}. {p}" for i, p in enumerate(self.problems, 1)]
        return "\n".join(lines)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.__class__, dict(self.__dict__)))

    def with_file(self, file: str, sheet: str | None = None) -> EvalError:
        """Return a copy whose problems without a file name get ``file`` (and ``sheet``)."""
        probs = [
            Problem(
                p.message,
                p.file or file,
                p.sheet or sheet,
                p.row,
                p.column,
                p.value,
                p.fix,
            )
            for p in self.problems
        ]
        return self.__class__(self.message, problems=probs)


class InputDataError(EvalError):
    """A file cannot be read: missing, empty, wrong encoding, wrong sheet, missing columns."""

    label_zh = "输入文件问题"


class IndicatorSystemError(EvalError):
    """The indicator system (指标体系) is inconsistent: 分值 sums, codes, rules."""

    label_zh = "指标体系问题"


class EvidenceError(EvalError):
    """Evidence (实际完成值 and other inputs) is missing or unusable for an indicator."""

    label_zh = "证据问题"


class TargetParseError(EvalError):
    """A target or actual value string (年度指标值/实际完成值) cannot be parsed."""

    label_zh = "指标值无法识别"


class UnitMismatchError(EvalError):
    """Target and actual units (计量单位) cannot be reconciled."""

    label_zh = "计量单位不一致"


class RuleError(EvalError):
    """Unknown scoring rule (评分规则) or invalid rule parameters."""

    label_zh = "评分规则问题"


class GradeError(EvalError):
    """A total matches no band of the grade scale (评价等级), or a scale is malformed."""

    label_zh = "评价等级问题"


class InconsistentJudgementError(EvalError):
    """A pairwise comparison matrix (判断矩阵) is invalid or too inconsistent (CR ≥ threshold)."""

    label_zh = "判断矩阵问题"


class ReportError(EvalError):
    """A report could not be produced: a notebook cell failed, or a conversion failed."""

    label_zh = "报告生成问题"


class ConfigError(EvalError):
    """Unknown template, profile or preset name, or invalid option."""

    label_zh = "参数设置问题"


@dataclass
class ProblemCollector:
    """Collect problems during a validation pass and raise them together."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, message: str, **where: Any) -> None:
        self.problems.append(Problem(message, **where))

    def extend(self, err: EvalError) -> None:
        self.problems.extend(err.problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, cls: type[EvalError] = EvalError, message: str = "") -> None:
        if self.problems:
            raise cls(message, problems=self.problems)
