"""Result feedback (结果应用): 评价结果反馈书 per project, the correction-tracking workbook and
the consequences for next year's budget.  See ``docs/feedback.md``.
"""

from __future__ import annotations

from .cases import FeedbackCase, read_case, split_items
from .rules import Consequence, ConsequenceRules, load_rules
from .run import feedback, portfolio_table, tracking_table

__all__ = [
    "Consequence",
    "ConsequenceRules",
    "FeedbackCase",
    "feedback",
    "load_rules",
    "portfolio_table",
    "read_case",
    "split_items",
    "tracking_table",
]
