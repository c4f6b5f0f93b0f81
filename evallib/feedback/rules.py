"""Consequence rules of result feedback (结果应用): grade → next-year budget action.

RULES.md §2 (local practice): 优 → priority funding; 中/差 → reduce or stop next year's budget;
subsidies paid to individuals are not cut for a poor grade (their amounts follow policy
standards).  The percentages are an example — each finance bureau sets its own — and live in a
YAML file passed with ``--rules``::

    actions: {优: 优先保障…, 良: …, 中: …, 差: …}
    cuts: {优: 0, 良: 0, 中: 10, 差: 100}       # percent of this year's budget
    exempt_types: [对个人和家庭的补助]          # 支出类型 not cut
    exempt_action: 按政策标准安排，不因评价结果压减；限期整改
    deadline_days: 60                           # 整改期限 after the letter's date
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import ConfigError
from ..rounding import round_half_up

__all__ = ["Consequence", "ConsequenceRules", "load_rules"]

GRADES = ("优", "良", "中", "差")


class ConsequenceRules(BaseModel):
    """Grade → action text and budget cut; exempt expenditure types; correction deadline."""

    model_config = ConfigDict(extra="forbid")

    actions: dict[str, str] = Field(
        default_factory=lambda: {
            "优": "在安排以后年度预算时优先保障",
            "良": "按原渠道继续安排预算，督促整改发现的问题",
            "中": "压减以后年度预算，限期整改",
            "差": "暂停安排以后年度预算，整改到位前不予安排",
        }
    )
    cuts: dict[str, float] = Field(default_factory=lambda: {"优": 0, "良": 0, "中": 10, "差": 100})
    exempt_types: list[str] = Field(default_factory=lambda: ["对个人和家庭的补助"])
    exempt_action: str = "按政策标准安排，不因评价结果压减；限期整改发现的问题"
    deadline_days: int = Field(60, ge=1, le=730)

    @model_validator(mode="after")
    def _complete(self) -> ConsequenceRules:
        missing = [g for g in GRADES if g not in self.actions or g not in self.cuts]
        if missing:
            raise ValueError(f"缺少等级 {'、'.join(missing)} 的处理意见或压减比例")
        bad = [g for g, c in self.cuts.items() if not 0 <= c <= 100]
        if bad:
            raise ValueError(f"压减比例应在 0–100 之间：{'、'.join(bad)}")
        return self

    def apply(self, grade: str | None, expenditure_type: str, budget: float | None) -> Consequence:
        """The consequence for a project: action, cut %, next-year amount (万元), exemption."""
        if grade not in self.actions:
            return Consequence("等级缺失，无法确定处理意见（请核实评价结果）", None, None, False)
        exempt = bool(expenditure_type) and any(t in expenditure_type for t in self.exempt_types)
        cut = 0.0 if exempt else float(self.cuts[grade])
        action = self.exempt_action if exempt and self.cuts[grade] > 0 else self.actions[grade]
        amount = None if budget is None else round_half_up(budget * (100 - cut) / 100, 2)
        return Consequence(action, cut, amount, exempt and self.cuts[grade] > 0)


@dataclass(frozen=True)
class Consequence:
    """What the grade means for next year's budget."""

    action: str
    cut_percent: float | None
    next_year_wan: float | None
    exempted: bool


def load_rules(path: str | None) -> ConsequenceRules:
    """Rules from YAML (``None``: the built-in example)."""
    if path is None:
        return ConsequenceRules()
    from ..fileio import read_yaml

    try:
        return ConsequenceRules.model_validate(read_yaml(path) or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(
            f"结果应用规则有误：{str(err['msg']).removeprefix('Value error, ')}",
            file=str(path),
            column=".".join(map(str, err["loc"])) or None,
            fix="见 docs/feedback.md 的规则格式",
        ) from None
