"""Satisfaction surveys (满意度调查): from a 问卷星 export to defensible 满意度 numbers.

>>> from evallib.survey import required_sample_size, wilson_interval
>>> required_sample_size(12000)
373
"""

from .analysis import SurveyResult, analyze, points_matrix
from .clean import REASONS, CleaningResult, clean
from .importer import SurveyData, parse_header, read_survey
from .privacy import mask_frame, mask_value, scrub_text
from .reliability import AlphaResult, KMOResult, bartlett_sphericity, cronbach_alpha, kmo
from .spec import QuestionnaireSpec, load_spec
from .stats import margin_of_error, required_sample_size, t_interval, wilson_interval
from .weights import WeightResult, kish, poststratify, rake

__all__ = [
    "REASONS",
    "AlphaResult",
    "CleaningResult",
    "KMOResult",
    "QuestionnaireSpec",
    "SurveyData",
    "SurveyResult",
    "WeightResult",
    "analyze",
    "bartlett_sphericity",
    "clean",
    "cronbach_alpha",
    "kish",
    "kmo",
    "load_spec",
    "margin_of_error",
    "mask_frame",
    "mask_value",
    "parse_header",
    "points_matrix",
    "poststratify",
    "rake",
    "read_survey",
    "required_sample_size",
    "scrub_text",
    "t_interval",
    "wilson_interval",
]
