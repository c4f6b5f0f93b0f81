"""evallib — a workbench for third-party budget performance evaluations (预算绩效评价).

The public API::

    from evallib import load_system, load_evidence, evaluate, templates
    system = templates.load("key_project")           # or load_system("体系.xlsx")
    result = evaluate(system, load_evidence("evidence.yaml"))
    result.total, result.grade, result.indicators    # 总分, 等级, per-indicator DataFrame
"""

from importlib.metadata import PackageNotFoundError, version

from . import templates
from .errors import EvalError
from .evidence import Evidence, EvidenceItem, load_evidence
from .grading import GradeScale, get_grade_scale
from .indicators import Indicator, IndicatorSystem, load_system
from .parsing import parse_value
from .profiles import Profile, get_profile
from .results import EvaluationResult, Provenance
from .rounding import round_half_up, round_score
from .scoring import evaluate

try:
    __version__ = version("evallib")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "EvalError",
    "EvaluationResult",
    "Evidence",
    "EvidenceItem",
    "GradeScale",
    "Indicator",
    "IndicatorSystem",
    "Profile",
    "Provenance",
    "__version__",
    "evaluate",
    "get_grade_scale",
    "get_profile",
    "load_evidence",
    "load_system",
    "parse_value",
    "round_half_up",
    "round_score",
    "templates",
]
