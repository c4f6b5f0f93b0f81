"""Indicator weighting (指标赋权): AHP for expert panels, Delphi, entropy and CRITIC, turned into
分值.

>>> from evallib.weighting import ahp, to_points
>>> r = ahp([[1, 2], [1/2, 1]])
>>> to_points(r.weights, 30).tolist(), r.cr
([20.0, 10.0], 0.0)
"""

from .ahp import DEFAULT_RI, RI_TABLES, Adjustment, AHPResult, ahp, diagnose, random_index
from .delphi import DelphiResult, KendallResult, delphi, kendall_w
from .group import GroupAHPResult, group_ahp
from .objective import EvalWarning, combine, critic, critic_table, entropy, entropy_table
from .points import ROOT, HierarchyWeights, apply_points, hierarchical, to_points
from .sensitivity import SensitivityResult, sensitivity
from .workbook import (
    Judgements,
    WorkbookWeights,
    bootstrap_leaf_points,
    read_workbook,
    weigh_workbook,
    write_template,
)

__all__ = [
    "DEFAULT_RI",
    "RI_TABLES",
    "ROOT",
    "AHPResult",
    "Adjustment",
    "DelphiResult",
    "EvalWarning",
    "GroupAHPResult",
    "HierarchyWeights",
    "Judgements",
    "KendallResult",
    "SensitivityResult",
    "WorkbookWeights",
    "ahp",
    "apply_points",
    "bootstrap_leaf_points",
    "combine",
    "critic",
    "critic_table",
    "delphi",
    "diagnose",
    "entropy",
    "entropy_table",
    "group_ahp",
    "hierarchical",
    "kendall_w",
    "random_index",
    "read_workbook",
    "sensitivity",
    "to_points",
    "weigh_workbook",
    "write_template",
]
