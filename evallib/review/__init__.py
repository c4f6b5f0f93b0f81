"""Review of self-evaluation forms (自评复核): reproduce every published score under the
documented rule variants and flag what none explains (RULES.md §3–§6, §9)."""

from .engine import FLAGS, VARIANTS, ReviewResult, review
from .generate import ERROR_KINDS, PLANTED_KINDS, generate_forms
from .model import ReviewInput, from_frames, from_long_frame, read_forms, read_long_table

__all__ = [
    "ERROR_KINDS",
    "FLAGS",
    "PLANTED_KINDS",
    "VARIANTS",
    "ReviewInput",
    "ReviewResult",
    "from_frames",
    "from_long_frame",
    "generate_forms",
    "read_forms",
    "read_long_table",
    "review",
]
