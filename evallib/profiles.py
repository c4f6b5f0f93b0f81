"""Rule profiles: the choices on which official scoring systems differ, bundled by name.

RULES.md opening paragraph: where sources disagree, the rule is a parameter, the national reading
is the default, and the other readings ship as named presets so that a published score can be
reproduced whichever system produced it.  Every :class:`~evallib.results.EvaluationResult` records
the full profile that produced it.

Presets
-------
``national`` (default)
    reverse_ratio for ≤ targets (RULES.md §3), tiers 80/60 (§4), 2-decimal half-up rounding,
    budget denominator 全年预算数 and score capped at 分值 (§6), over-achievement flag at 1.3×.
``platform``
    The Ministry budget platform's variants: reverse_linear (§3) and no cap on the budget
    score (§6).
``tiers_80_50``
    National, with the provincial qualitative bands 100–80 %, 80–50 %, 50–0 % (§4 variant).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import ConfigError
from .rounding import RoundingMode

__all__ = ["PROFILES", "BudgetDenominator", "Profile", "get_profile", "register_profile"]

BudgetDenominator = Literal[
    "full_year_budget", "adjusted_budget", "initial_plus_adjustment", "funds_received"
]


class Profile(BaseModel):
    """A named set of scoring-rule choices.

    Attributes
    ----------
    reverse : {"reverse_ratio", "reverse_linear"}
        Formula for ≤ / < targets (RULES.md §3).
    tier_bounds : (float, float)
        Lower bounds of the 达成 and 部分达成 qualitative bands as fractions of 分值 (§4).
    decimals, rounding
        Indicator-score rounding (§3): 2 decimals, half away from zero.
    rate_decimals : int
        Decimals of the budget execution rate in percent before scoring (§6).
    budget_denominator : str
        全年预算数 (``full_year_budget``, default), 调整后预算数, 年初预算数+调整数, or
        实际到位资金 (``funds_received``, key-evaluation framework).
    budget_cap : bool
        Cap the budget execution score at 分值 (national forms: "最高不得超过分值上限").
    over_achievement : float
        Flag actual ≥ this × target on positive indicators (§3; one province requires an
        explanation at 1.3×).
    qualitative_default : {"top_mid", "midpoint", "bottom"}
        Point used when a qualitative tier is given without a score: ``top_mid`` = the band's top
        for 达成, midpoint otherwise (§4 default).
    grade_scale : str
        Default grade-scale preset (§2).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    reverse: Literal["reverse_ratio", "reverse_linear"] = "reverse_ratio"
    tier_bounds: tuple[float, float] = (0.8, 0.6)
    decimals: int = Field(2, ge=0, le=6)
    rounding: RoundingMode = "half_up"
    rate_decimals: int = Field(2, ge=0, le=6)
    budget_denominator: BudgetDenominator = "full_year_budget"
    budget_cap: bool = True
    over_achievement: float = Field(1.3, gt=1.0)
    qualitative_default: Literal["top_mid", "midpoint", "bottom"] = "top_mid"
    grade_scale: str = "national"

    @field_validator("tier_bounds")
    @classmethod
    def _bounds_ordered(cls, v: tuple[float, float]) -> tuple[float, float]:
        hi, lo = v
        if not 0 < lo < hi < 1:
            raise ValueError("tier_bounds must satisfy 0 < partial < achieved < 1, e.g. (0.8, 0.6)")
        return v


PROFILES: dict[str, Profile] = {}


def register_profile(profile: Profile) -> Profile:
    """Add a profile to the registry (overwrites one with the same name)."""
    PROFILES[profile.name] = profile
    return profile


def get_profile(name: str | Profile | None) -> Profile:
    """Return a profile by name (None → ``national``); unknown names list the choices."""
    if isinstance(name, Profile):
        return name
    key = name or "national"
    try:
        return PROFILES[key]
    except KeyError:
        raise ConfigError(
            f"未知的评分口径 (profile) {key!r}",
            value=key,
            fix=f"可选：{', '.join(sorted(PROFILES))}",
        ) from None


register_profile(Profile(name="national", description="国家口径（财预〔2020〕10号等，默认）"))
register_profile(
    Profile(
        name="platform",
        description=(
            "预算管理一体化平台口径：反向指标线性计分 (reverse_linear)，预算执行率得分不封顶"
        ),
        reverse="reverse_linear",
        budget_cap=False,
    )
)
register_profile(
    Profile(
        name="tiers_80_50",
        description="定性指标分档 100-80%、80-50%、50-0%（部分省份表样）",
        tier_bounds=(0.8, 0.5),
    )
)
