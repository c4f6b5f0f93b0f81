"""Grade scales, presets, caps and vetoes (RULES.md §2)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from evallib import Evidence, evaluate
from evallib.errors import ConfigError, GradeError
from evallib.grading import GRADE_SCALES, GradeBand, GradeScale, get_grade_scale
from evallib.indicators import system_from_dict
from evallib.profiles import Profile


@pytest.mark.parametrize(
    ("scale", "total", "grade"),
    [
        ("national", 100, "优"), ("national", 90, "优"), ("national", 89.99, "良"),
        ("national", 89.995, "良"), ("national", 80, "良"), ("national", 79.99, "中"),
        ("national", 60, "中"), ("national", 59.99, "差"), ("national", 0, "差"),
        ("strict_90", 90.01, "优"), ("strict_90", 90, None), ("strict_90", 89.99, "良"),
        ("integer_bands", 89, "良"), ("integer_bands", 89.5, None), ("integer_bands", 90, "优"),
        ("self_evaluation", 80, "优"), ("self_evaluation", 79.99, "良"),
        ("self_evaluation", 70, "良"), ("self_evaluation", 69.99, "中"),
        ("ex_ante", 90, "予以支持"), ("ex_ante", 89.99, "调整完善后予以支持"),
        ("ex_ante", 70, "调整完善后予以支持"), ("ex_ante", 69.99, "不予支持"),
        ("ex_ante_pass_85", 85, "予以支持"), ("ex_ante_pass_85", 84.99, "不予支持"),
    ],
)  # fmt: skip
def test_presets(scale: str, total: float, grade: str | None) -> None:
    """Bounds from RULES.md §2 (national: lower bounds inclusive, 90.00 优, 89.99 良) and §7
    (ex-ante conclusion 90/70)."""
    assert get_grade_scale(scale).assign(total) == grade


def test_non_chinese_labels_and_gap_error() -> None:
    scale = GradeScale(
        name="letters",
        bands=[
            GradeBand(label="A", lower=85),
            GradeBand(label="B", lower=70, upper=85),
            GradeBand(label="C", lower=0, upper=60),
        ],
    )
    assert scale.assign(85) == "A" and scale.assign(70) == "B"
    with pytest.raises(GradeError, match="65"):
        scale.assign(65)  # the gap [60, 70) matches nothing → error (no preset says otherwise)


def test_bad_scales_rejected() -> None:
    with pytest.raises(ValidationError, match="overlap"):
        GradeScale(bands=[GradeBand(label="A", lower=80), GradeBand(label="B", upper=85)])
    with pytest.raises(ValidationError, match="duplicate"):
        GradeScale(bands=[GradeBand(label="A", lower=80), GradeBand(label="A", upper=80)])
    with pytest.raises(ConfigError, match="national"):
        get_grade_scale("nationl")


@pytest.mark.parametrize("name", ["national", "self_evaluation", "ex_ante", "ex_ante_pass_85"])
@given(x=st.floats(0, 100), y=st.floats(0, 100))
def test_grade_monotone(name: str, x: float, y: float) -> None:
    """A higher total never gets a worse grade."""
    scale = GRADE_SCALES[name]
    lo, hi = sorted((x, y))
    assert scale.rank(scale.assign(hi)) <= scale.rank(scale.assign(lo))  # type: ignore[arg-type]


def _system(caps=(), vetoes=(), scale="national") -> object:
    return system_from_dict({
        "name": "封顶测试", "total": 100,
        "grading": {"scale": scale, "caps": list(caps), "vetoes": list(vetoes)},
        "indicators": [
            {"code": "1", "name": "预算执行率", "points": 10, "rule": "budget_execution"},
            {"code": "2", "name": "产出", "points": 90, "rule": "manual"},
        ],
    })  # fmt: skip


CAP85 = {"when": {"fact": "预算执行率", "op": "<", "value": 85}, "max_grade": "良",
         "reason": "预算执行率低于85%，不得评为优"}  # fmt: skip
CAP75 = {"when": {"fact": "预算执行率", "op": "<", "value": 75}, "max_grade": "中",
         "reason": "预算执行率低于75%，不得评为良"}  # fmt: skip


def _ev(spent: float, manual: float, facts: dict | None = None) -> Evidence:
    return Evidence(
        budget={"全年预算数": 100, "全年执行数": spent},
        indicators={"2": {"score": manual, "reason": "评价组评定"}},
        facts=facts or {},
    )


def test_cap_applied_and_recorded() -> None:
    res = evaluate(_system([CAP85, CAP75]), _ev(84, 88))  # 8.4 + 88 = 96.4 → 优 → capped
    assert res.total == 96.4 and res.grade_before_caps == "优" and res.grade == "良"
    assert res.caps_applied == [{"condition": "预算执行率 < 85", "value": 84.0,
                                 "grade_before": "优", "grade_after": "良",
                                 "reason": "预算执行率低于85%，不得评为优"}]  # fmt: skip


def test_caps_chain_and_do_not_raise_grades() -> None:
    assert evaluate(_system([CAP85, CAP75]), _ev(70, 88)).grade == "中"  # 95 → 良 → 中
    low = evaluate(_system([CAP85]), _ev(84, 50))  # 58.4 → 差 stays 差
    assert low.grade == "差" and low.caps_applied == []
    assert evaluate(_system([CAP85]), _ev(85, 88)).grade == "优"  # 85 is not < 85


def test_veto() -> None:
    veto = {"name": "重大违规", "when": {"fact": "重大违规", "op": "==", "value": True},
            "max_total": 59, "reason": "挪用资金，一票否决"}  # fmt: skip
    res = evaluate(_system(vetoes=[veto]), _ev(100, 90, {"重大违规": True}))
    assert res.grade == "差" and res.total == 59 and res.computed_total == 100
    assert res.vetoes_applied[0]["reason"] == "挪用资金，一票否决"
    ok = evaluate(_system(vetoes=[veto]), _ev(100, 90, {"重大违规": False}))
    assert ok.grade == "优" and ok.vetoes_applied == []


def test_missing_fact_is_a_warning() -> None:
    cap = {"when": {"fact": "资金到位率", "op": "<", "value": 90}, "max_grade": "良"}
    res = evaluate(_system([cap]), _ev(100, 90))
    assert any("资金到位率" in w for w in res.warnings)


def test_unknown_cap_grade_rejected() -> None:
    bad = {**CAP85, "max_grade": "较好"}
    with pytest.raises(Exception, match="较好"):
        _system([bad])


def test_unmatched_total_ungraded_under_strict_preset() -> None:
    res = evaluate(_system(scale="strict_90"), _ev(100, 80))  # exactly 90
    assert res.grade is None and any("未定级" in w for w in res.warnings)


def test_boundary_total_89_995_is_not_rounded_up() -> None:
    """With 3-decimal scores the total 89.995 stays 良: totals are never re-rounded to 2
    decimals before grading."""
    prof = Profile(name="three_decimals", decimals=3)
    res = evaluate(_system(), _ev(100, 79.995), profile=prof)
    assert res.total == 89.995 and res.grade == "良"


@given(st.lists(st.one_of(st.floats(-10, 120, allow_nan=False),
                          st.sampled_from([0.0, 59.99, 60.0, 69.99, 70.0, 79.99, 80.0, 89.99,
                                           90.0, 100.0])), min_size=1, max_size=40),
       st.sampled_from(["national", "self_evaluation"]))  # fmt: skip
@settings(max_examples=60, deadline=None)
def test_assign_array_equals_assign(totals: list[float], name: str) -> None:
    """The array form gives assign() of every total, boundaries included (90 is 优, 89.99 良);
    NaN gets no grade."""
    scale = get_grade_scale(name)
    try:
        want = [scale.assign(t) for t in totals]
    except GradeError:
        with pytest.raises(GradeError):
            scale.assign_array(np.array(totals))
        return
    assert scale.assign_array(np.array(totals)).tolist() == want
    assert scale.assign_array(np.array([np.nan, *totals])).tolist() == [None, *want]
