"""Goal-sheet review (绩效目标审核): read 绩效目标申报表, check them against documented rules,
write the 审核意见.  See ``docs/goals.md``.
"""

from __future__ import annotations

from .audit import GoalAudit, audit, write_outputs
from .checks import CHECKS, Context
from .model import GoalIndicator, GoalSheet
from .read import read_goal_forms, read_goal_sheets, read_goal_table, read_goal_yaml

__all__ = [
    "CHECKS",
    "Context",
    "GoalAudit",
    "GoalIndicator",
    "GoalSheet",
    "audit",
    "read_goal_forms",
    "read_goal_sheets",
    "read_goal_table",
    "read_goal_yaml",
    "write_outputs",
]
