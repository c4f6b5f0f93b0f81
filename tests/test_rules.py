"""Scoring rules (RULES.md §3–§6, §8).  Expected numbers are worked out by hand in each case;
the formulas are quoted from RULES.md, whose §3 example (t = 100, a = 125 → 0.80·w ratio,
0.75·w linear) is reproduced here."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evallib.errors import EvidenceError, IndicatorSystemError, UnitMismatchError
from evallib.rules import RULES, get_rule, tier_bands

from .conftest import one_leaf_system, score_leaf


# ------------------------------------------------------------------ positive (≥)
@pytest.mark.parametrize(
    ("target", "actual", "w", "expected", "why"),
    [
        ("≥95%", "95%", 10, 10.0, "exactly at target → w"),
        ("≥95%", "100%", 10, 10.0, "above target → w"),
        ("≥95%", "94.99%", 10, 10.0, "94.99/95·10 = 9.99894… rounds to 10.00"),
        ("≥95%", "94.9%", 10, 9.99, "94.9/95·10 = 9.98947… → 9.99"),
        ("≥95%", "90%", 10, 9.47, "90/95·10 = 9.4736… → 9.47"),
        ("≥100%", "96.8%", 10, 9.68, "96.8/100·10"),
        ("≥735人次", "700人次", 5, 4.76, "700/735·5 = 4.7619… → 4.76"),
        ("≥12000万元", "1.1亿元", 8, 7.33, "11000/12000·8 = 7.3333… → 7.33"),
        ("≥3", "0", 6, 0.0, "nothing achieved → 0"),
        ("≥3", "-2", 6, 0.0, "negative actual clamped to 0 (RULES.md §3)"),
        ("≥0", "5", 4, 4.0, "t = 0, a ≥ 0 → w, flagged"),
        ("≥200", "143", 3, 2.15, "143/200·3 = 2.145 → 2.15 half away from zero"),
    ],
)
def test_positive(target: str, actual: str, w: float, expected: float, why: str) -> None:
    row = score_leaf("positive", {"actual": actual}, w, target)
    assert row["score"] == expected, why
    assert row["lost"] == pytest.approx(w - expected)
    assert (row["reason"] != "") == (expected < w)


def test_positive_flags() -> None:
    assert "over_achievement" in score_leaf("positive", {"actual": "130"}, 5, "≥100")["flags"]
    assert "over_achievement" not in score_leaf("positive", {"actual": "129.9"}, 5, "≥100")["flags"]
    assert "target_zero" in score_leaf("positive", {"actual": "3"}, 5, "≥0")["flags"]
    assert "negative_actual_clamped" in score_leaf("positive", {"actual": "-1"}, 5, "≥3")["flags"]
    assert (
        "possible_fraction_percent"
        in score_leaf("positive", {"actual": "0.96"}, 5, "≥95%")["flags"]
    )


def test_reason_sentence() -> None:
    row = score_leaf("positive", {"actual": "90%"}, 10, "≥95%")
    assert row["reason"] == (
        "实际完成值 90%，年度指标值 ≥95%，未达到年度指标值，按完成比例（90/95）计分，扣 0.53 分"
    )


# ------------------------------------------------------------------ equal (=)
@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("=0", "0", 5.0),  # t = 0, a ≤ 0 → w (RULES.md §3 platform)
        ("=0", "1", 0.0),  # t = 0, a > 0 → 0
        ("=0", "-1", 5.0),  # negative clamped to 0 → w
        ("=1项", "1项", 5.0),
        ("=4项", "3项", 3.75),  # t > 0 scored as positive: 3/4·5
        ("═100%", "98%", 4.9),
    ],
)
def test_equal(target: str, actual: str, expected: float) -> None:
    assert score_leaf("equal", {"actual": actual}, 5, target)["score"] == expected


# ------------------------------------------------------------------ reverse (≤)
@pytest.mark.parametrize(
    ("rule", "actual", "expected", "why"),
    [
        ("reverse_ratio", "100", 10.0, "a = t → w"),
        ("reverse_ratio", "80", 10.0, "a < t → w"),
        ("reverse_ratio", "125", 8.0, "RULES.md §3 example: t/a = 0.80"),
        ("reverse_ratio", "200", 5.0, "100/200·10"),
        ("reverse_ratio", "300", 3.33, "100/300·10 = 3.333 → 3.33"),
        ("reverse_linear", "100", 10.0, "a = t → w"),
        ("reverse_linear", "125", 7.5, "RULES.md §3 example: 2 − 1.25 = 0.75"),
        ("reverse_linear", "150", 5.0, "2 − 1.5 = 0.5"),
        ("reverse_linear", "199.9", 0.01, "(2 − 1.999)·10 = 0.01"),
        ("reverse_linear", "200", 0.0, "a = 2t → 0"),
        ("reverse_linear", "250", 0.0, "a > 2t → 0"),
    ],
)
def test_reverse(rule: str, actual: str, expected: float, why: str) -> None:
    assert score_leaf(rule, {"actual": actual}, 10, "≤100")["score"] == expected, why


def test_reverse_follows_profile() -> None:
    """``reverse`` and ``auto`` with ≤ use reverse_ratio (national) or reverse_linear (platform)."""
    for rule in ("reverse", "auto"):
        assert score_leaf(rule, {"actual": "125"}, 10, "≤100")["score"] == 8.0
        assert score_leaf(rule, {"actual": "125"}, 10, "≤100", profile="platform")["score"] == 7.5


def test_reverse_target_zero() -> None:
    assert score_leaf("reverse_ratio", {"actual": "0"}, 4, "≤0")["score"] == 4.0
    assert score_leaf("reverse_ratio", {"actual": "2"}, 4, "≤0")["score"] == 0.0
    assert score_leaf("reverse_linear", {"actual": "2"}, 4, "≤0")["score"] == 0.0


def test_reverse_units_converted() -> None:
    # ≤30天 vs 35天: 30/35·6 = 5.142… → 5.14
    assert score_leaf("auto", {"actual": "35天"}, 6, "≤30天")["score"] == 5.14
    with pytest.raises(EvidenceError) as ei:
        score_leaf("auto", {"actual": "1个月"}, 6, "≤30天")
    assert any("unit mismatch" in p.message for p in ei.value.problems)


# ------------------------------------------------------------------ range and auto
@pytest.mark.parametrize(
    ("actual", "expected"),
    [("92%", 10.0), ("90%", 10.0), ("95%", 10.0), ("81%", 9.0), ("100%", 9.5)],
)
def test_range(actual: str, expected: float) -> None:
    """Inside → w; below → a/low·w (81/90 = 0.9); above → reverse_ratio on high (95/100)."""
    assert score_leaf("range", {"actual": actual}, 10, "90%-95%")["score"] == expected


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [("≥95%", "90%", 9.47), ("≤100", "125", 8.0), ("=0", "1", 0.0), ("90%-95%", "81%", 9.0),
     ("95%", "90%", 9.47)],
)  # fmt: skip
def test_auto_dispatch(target: str, actual: str, expected: float) -> None:
    assert score_leaf("auto", {"actual": actual}, 10, target)["score"] == expected


def test_target_from_evidence_overrides() -> None:
    row = score_leaf("auto", {"actual": "90", "target": "≥100"}, 10, "≥50")
    assert row["score"] == 9.0 and "target_from_evidence" in row["flags"]


# ------------------------------------------------------------------ qualitative
def test_tier_bands_default_and_variant() -> None:
    """RULES.md §4: 80/60 default, 80/50 variant; limits rounded to 2 decimals."""
    assert tier_bands(5, (0.8, 0.6)) == {
        "achieved": (4.0, 5), "partial": (3.0, 4.0), "not_achieved": (0.0, 3.0)}  # fmt: skip
    assert tier_bands(7, (0.8, 0.5))["partial"] == (3.5, 5.6)
    assert tier_bands(3.33, (0.8, 0.6))["achieved"] == (2.66, 3.33)  # 2.664 → 2.66


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"actual": "达成年度指标"}, 10.0),  # default: top of the 达成 band
        ({"actual": "部分达成年度指标并具有一定效果"}, 7.0),  # midpoint of [6, 8)
        ({"actual": "未达成年度指标且效果较差"}, 3.0),  # midpoint of [0, 6)
        ({"actual": "达成年度指标", "score": 8}, 8.0),  # exactly 0.8w is 达成
        ({"tier": "部分达成", "score": 6, "reason": "x"}, 6.0),  # exactly 0.6w is 部分达成
        ({"tier": "部分达成", "score": 7.99, "reason": "x"}, 7.99),
        ({"score": 5.99, "reason": "x"}, 5.99),  # tier derived from score
        ({"actual": "有效"}, 10.0),
    ],
)
def test_qualitative(item: dict, expected: float) -> None:
    assert score_leaf("qualitative", item, 10)["score"] == expected


@pytest.mark.parametrize(
    "item",
    [
        {"actual": "达成年度指标", "score": 7.99},  # below 0.8w
        {"tier": "部分达成", "score": 8},  # 0.8w belongs to 达成
        {"tier": "部分达成", "score": 5.99},
        {"tier": "未达成", "score": 6},
        {"actual": "达成年度指标", "score": 11},
        {"tier": "还行"},
        {},
    ],
)
def test_qualitative_outside_band(item: dict) -> None:
    with pytest.raises(EvidenceError):
        score_leaf("qualitative", item, 10)


def test_qualitative_variant_80_50() -> None:
    # Under 80/50, 5.5 is 部分达成 (≥ 0.5w); under 80/60 it would not be.
    item = {"tier": "部分达成", "score": 5.5, "reason": "x"}
    assert score_leaf("qualitative", item, 10, profile="tiers_80_50")["score"] == 5.5
    with pytest.raises(EvidenceError):
        score_leaf("qualitative", item, 10)
    # default midpoint under 80/50: (5 + 8) / 2 = 6.5
    assert (
        score_leaf("qualitative", {"actual": "部分达成"}, 10, profile="tiers_80_50")["score"] == 6.5
    )


def test_qualitative_flags() -> None:
    row = score_leaf("qualitative", {"actual": "部分达成"}, 10)
    assert "default_tier_point" in row["flags"] and "reason_missing" in row["flags"]


# ------------------------------------------------------------------ banded
BANDS = {"type": "banded", "bands": [
    {"low": 95, "fraction": 1.0}, {"low": 90, "high": 95, "fraction": 0.8},
    {"low": 80, "high": 90, "points": 3}, {"high": 80, "points": 0}]}  # fmt: skip


@pytest.mark.parametrize(
    ("actual", "expected"),
    [("95%", 5.0), ("94.99%", 4.0), ("90%", 4.0), ("89.9%", 3.0), ("80%", 3.0), ("79%", 0.0)],
)
def test_banded(actual: str, expected: float) -> None:
    assert score_leaf(BANDS, {"actual": actual}, 5, "≥95%")["score"] == expected


def test_banded_validation() -> None:
    with pytest.raises(IndicatorSystemError, match="重叠"):
        one_leaf_system({"type": "banded", "bands": [{"low": 0, "high": 10, "points": 1},
                                                     {"low": 5, "points": 2}]}, 5)  # fmt: skip
    with pytest.raises(IndicatorSystemError, match="超过分值"):
        one_leaf_system({"type": "banded", "bands": [{"low": 0, "points": 6}]}, 5)
    system_gap = {"type": "banded", "bands": [{"low": 90, "points": 5}]}
    with pytest.raises(EvidenceError, match="no band"):
        score_leaf(system_gap, {"actual": "80"}, 5)


# ------------------------------------------------------------------ yes/no, deduction, criteria
@pytest.mark.parametrize(
    ("actual", "expected"), [("是", 3.0), ("否", 0.0), ("有", 3.0), (True, 3.0)]
)
def test_yes_no(actual: object, expected: float) -> None:
    assert score_leaf("yes_no", {"actual": actual}, 3)["score"] == expected


def test_yes_no_expected_false() -> None:
    rule = {"type": "yes_no", "expected": False}
    assert score_leaf(rule, {"actual": "否"}, 3)["score"] == 3.0
    assert score_leaf(rule, {"actual": "是"}, 3)["score"] == 0.0


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"findings": []}, 4.0),
        ({"findings": ["a"]}, 3.0),
        ({"findings": ["a", {"text": "b", "points": 2.5}]}, 0.5),
        ({"findings": ["a", "b", "c", "d", "e", "f"]}, 0.0),  # floored at 0
        ({"actual": "2"}, 2.0),
        ({}, 4.0),
    ],
)
def test_deduction(item: dict, expected: float) -> None:
    assert score_leaf({"type": "deduction", "per_finding": 1}, item, 4)["score"] == expected


def test_criteria() -> None:
    rule = {
        "type": "criteria",
        "criteria": [{"text": "甲", "points": 1}, {"text": "乙", "points": 2}],
    }
    assert score_leaf(rule, {"met": [True, True]}, 3)["score"] == 3.0
    row = score_leaf(rule, {"met": [True, False]}, 3)
    assert row["score"] == 1.0 and "乙" in row["reason"]
    assert score_leaf(rule, {"met": {"甲": False, "乙": True}}, 3)["score"] == 2.0
    with pytest.raises(EvidenceError, match="应有 2 项"):
        score_leaf(rule, {"met": [True]}, 3)
    with pytest.raises(IndicatorSystemError, match="不等于指标分值"):
        one_leaf_system(rule, 4)


def test_manual_requires_reason() -> None:
    assert score_leaf("manual", {"score": 4.5, "reason": "资料基本齐全"}, 5)["score"] == 4.5
    with pytest.raises(EvidenceError, match="reason"):
        score_leaf("manual", {"score": 4.5}, 5)
    with pytest.raises(EvidenceError, match="out of range"):
        score_leaf("manual", {"score": 6, "reason": "x"}, 5)


def test_deduction_after_formula() -> None:
    """扣减分数 is applied after the formula and floored at 0 (RULES.md §3)."""
    row = score_leaf("positive", {"actual": "90", "deduction": 2}, 10, "≥100")
    assert row["score"] == 7.0  # 9.00 − 2
    assert score_leaf("positive", {"actual": "10", "deduction": 5}, 10, "≥100")["score"] == 0.0


# ------------------------------------------------------------------ budget execution (§6)
@pytest.mark.parametrize(
    ("budget", "w", "rate", "expected"),
    [
        ({"全年预算数": 500, "全年执行数": 462.5}, 10, 92.5, 9.25),
        ({"全年预算数": 300, "全年执行数": 256.78}, 10, 85.59, 8.56),  # 85.5933 → 85.59 first
        ({"全年预算数": 100, "全年执行数": 100}, 10, 100, 10.0),
        ({"全年预算数": 100, "全年执行数": 112}, 10, 112, 10.0),  # capped, flagged
        ({"全年预算数": 0, "全年执行数": 0}, 10, 0, 0.0),  # budget 0 → 0, flagged
        ({"全年预算数": 1200, "全年执行数": 1}, 20, 0.08, 0.02),  # 20-point variant
    ],
)
def test_budget_execution(budget: dict, w: float, rate: float, expected: float) -> None:
    row = score_leaf("budget_execution", {}, w, budget=budget)
    assert row["score"] == expected
    assert row["actual"] == f"{rate:g}%"


def test_budget_flags_and_uncapped_platform() -> None:
    b = {"全年预算数": 100, "全年执行数": 112}
    assert "rate_above_100" in score_leaf("budget_execution", {}, 10, budget=b)["flags"]
    row = score_leaf("budget_execution", {}, 10, budget=b, profile="platform")
    assert row["score"] == 11.2 and "uncapped_score" in row["flags"]
    zero = score_leaf("budget_execution", {}, 10, budget={"全年预算数": 0, "全年执行数": 5})
    assert "budget_zero" in zero["flags"]


def test_budget_denominators() -> None:
    fig = {"年初预算数": 400, "调整数": 100, "全年预算数": 450, "调整后预算数": 480,
           "实际到位资金": 360, "全年执行数": 342}  # fmt: skip
    cases = {None: 7.6, "full_year_budget": 7.6, "initial_plus_adjustment": 6.84,
             "adjusted_budget": 7.13, "funds_received": 9.5}  # fmt: skip
    # 342/450 = 76% → 7.6; 342/500 = 68.4% → 6.84; 342/480 = 71.25% → 7.13 (7.125 half-up);
    # 342/360 = 95% → 9.5
    for denom, expected in cases.items():
        rule = {"type": "budget_execution", **({"denominator": denom} if denom else {})}
        assert score_leaf(rule, {}, 10, budget=fig)["score"] == expected, denom


def test_budget_rate_given_directly_and_missing() -> None:
    assert score_leaf("budget_execution", {"actual": "92.5%"}, 10)["score"] == 9.25
    with pytest.raises(EvidenceError, match="全年执行数"):
        score_leaf("budget_execution", {}, 10, budget={"全年预算数": 5})


# ------------------------------------------------------------------ from survey (§8)
@pytest.mark.parametrize(
    ("item", "rule", "expected"),
    [
        ({"actual": "91.2%"}, "from_survey", 8.0),
        ({"actual": "85.5%"}, "from_survey", 7.6),  # 85.5/90·8 = 7.6
        ({"actual": 0.855}, "from_survey", 7.6),  # fraction accepted
        ({"actual": "86"}, {"type": "from_survey", "metric": "score"}, 7.64),  # 86/90·8 = 7.644
        (
            {"actual": "93%"},
            {
                "type": "from_survey",
                "method": "bands",
                "bands": [
                    {"low": 95, "fraction": 1},
                    {"low": 90, "high": 95, "fraction": 0.8},
                    {"high": 90, "fraction": 0.5},
                ],
            },
            6.4,
        ),
    ],
)
def test_from_survey(item: dict, rule: object, expected: float) -> None:
    assert score_leaf(rule, item, 8, "≥90%")["score"] == expected


# ------------------------------------------------------------------ registry
def test_registry_lists_choices() -> None:
    with pytest.raises(Exception, match="positive"):
        get_rule("postive")
    assert get_rule("反向").name == "reverse"
    assert {"positive", "equal", "reverse_ratio", "reverse_linear", "qualitative", "banded",
            "yes_no", "deduction", "criteria", "manual", "budget_execution",
            "from_survey"} <= set(RULES)  # fmt: skip


def test_every_rule_documents_its_formula() -> None:
    for r in RULES.values():
        assert r.func.__doc__ and len(r.func.__doc__) > 30, r.name


def test_unit_mismatch_is_reported() -> None:
    with pytest.raises(EvidenceError) as ei:
        score_leaf("positive", {"actual": "700人"}, 5, "≥735人次")
    assert isinstance(ei.value, EvidenceError)
    assert "人次" in str(ei.value)
    assert UnitMismatchError  # the underlying class is named in the module API


# ------------------------------------------------------------------ properties (hypothesis)

weights = st.sampled_from([1, 2, 3.5, 4, 5, 8, 10, 15, 20])
values = st.floats(min_value=-50, max_value=1000, allow_nan=False).map(lambda x: round(x, 2))
targets = st.floats(min_value=0.5, max_value=500, allow_nan=False).map(lambda x: round(x, 2))


@given(w=weights, t=targets, a=values, rule=st.sampled_from(
    ["positive", "equal", "reverse_ratio", "reverse_linear", "auto"]))  # fmt: skip
def test_score_within_points(w: float, t: float, a: float, rule: str) -> None:
    op = {"positive": "≥", "equal": "=", "auto": "≥"}.get(rule, "≤")
    row = score_leaf(rule, {"actual": str(a)}, w, f"{op}{t}")
    assert 0 <= row["score"] <= w
    assert row["score"] + row["lost"] == pytest.approx(w)


@given(w=weights, t=targets, a1=values, a2=values)
def test_positive_monotone(w: float, t: float, a1: float, a2: float) -> None:
    lo, hi = sorted((a1, a2))
    s_lo = score_leaf("positive", {"actual": str(lo)}, w, f"≥{t}")["score"]
    s_hi = score_leaf("positive", {"actual": str(hi)}, w, f"≥{t}")["score"]
    assert s_lo <= s_hi


@given(w=weights, t=targets, a1=values, a2=values,
       rule=st.sampled_from(["reverse_ratio", "reverse_linear"]))  # fmt: skip
def test_reverse_antitone(w: float, t: float, a1: float, a2: float, rule: str) -> None:
    lo, hi = sorted((a1, a2))
    s_lo = score_leaf(rule, {"actual": str(lo)}, w, f"≤{t}")["score"]
    s_hi = score_leaf(rule, {"actual": str(hi)}, w, f"≤{t}")["score"]
    assert s_lo >= s_hi


@given(w=weights, s=st.floats(min_value=0, max_value=1).map(lambda x: round(x, 2)))
def test_qualitative_within_points(w: float, s: float) -> None:
    score = round(s * w, 2)
    row = score_leaf("qualitative", {"score": score, "reason": "依据"}, w)
    assert 0 <= row["score"] <= w


@given(budget=st.floats(min_value=0, max_value=1e5), spent=st.floats(min_value=0, max_value=2e5),
       w=weights)  # fmt: skip
def test_budget_within_points(budget: float, spent: float, w: float) -> None:
    row = score_leaf("budget_execution", {}, w, budget={"全年预算数": budget, "全年执行数": spent})
    assert 0 <= row["score"] <= w


@given(st.lists(st.tuples(st.floats(0, 1e7, allow_nan=False), st.floats(-10, 1e7, allow_nan=False)),
                min_size=1, max_size=30),
       st.sampled_from([None, 0, 1, 2]), st.floats(0.5, 20), st.booleans())  # fmt: skip
@settings(max_examples=80, deadline=None)
def test_execution_rate_on_arrays_equals_one_at_a_time(pairs, decimals, w, cap) -> None:
    """Review's array execution rates and budget scores equal the scoring core's, one project
    at a time (budget_rate for 2 decimals; half-up ties included by round_array's contract)."""
    from evallib.rounding import round_half_up
    from evallib.rules import budget_points, budget_rate, execution_rate

    spent = np.array([p[0] for p in pairs])
    base = np.array([p[1] for p in pairs])
    rates = execution_rate(spent, base, decimals)
    for i, (s_, b_) in enumerate(pairs):
        one = execution_rate(s_, b_, decimals)
        raw = s_ / b_ * 100 if b_ > 0 else 0.0
        assert rates[i] == one == (raw if decimals is None or b_ <= 0
                                   else round_half_up(raw, decimals))  # fmt: skip
        if decimals == 2:
            assert one == budget_rate({"spent": s_, "full_year_budget": b_}, "full_year_budget")[0]
        assert budget_points(rates, w, cap=cap)[i] == budget_points(one, w, cap=cap)
