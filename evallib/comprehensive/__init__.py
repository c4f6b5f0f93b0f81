"""Comprehensive evaluation (综合评价): rank and compare projects, regions and units beside the
official 100-point scoring — TOPSIS, grey relational analysis, fuzzy comprehensive evaluation and
the rank-sum ratio, with the weights of :mod:`evallib.weighting`.

>>> from evallib.comprehensive import topsis
>>> topsis([[3, 2], [1, 3], [2, 1]], [0.5, 0.5]).table["rank"].tolist()
[1, 2, 3]
"""

from .flows import (
    combined_weights,
    entropy_topsis,
    membership_from_answers,
    objective_weights,
    survey_fuzzy,
)
from .fuzzy import OPERATORS, FuzzyResult, fuzzy_evaluate, fuzzy_evaluate_levels
from .grey import GreyResult, grey_relational
from .matrix import WEIGHT_TOL, check_weights, decision_matrix
from .rsr import PROBIT_CUTS, RSRResult, rank_sum_ratio
from .topsis import TopsisResult, topsis

__all__ = [
    "OPERATORS",
    "PROBIT_CUTS",
    "WEIGHT_TOL",
    "FuzzyResult",
    "GreyResult",
    "RSRResult",
    "TopsisResult",
    "check_weights",
    "combined_weights",
    "decision_matrix",
    "entropy_topsis",
    "fuzzy_evaluate",
    "fuzzy_evaluate_levels",
    "grey_relational",
    "membership_from_answers",
    "objective_weights",
    "rank_sum_ratio",
    "survey_fuzzy",
    "topsis",
]
