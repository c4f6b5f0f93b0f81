"""Review re-scores published rows through the scoring core: for every row and every documented
variant, review's recomputed score equals what ``evaluate()`` gives for the same target, actual
and 分值 under the matching profile — and where ``evaluate()`` cannot score a row, review does
not pretend to.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evallib import Evidence, evaluate
from evallib.errors import EvalError
from evallib.indicators import system_from_dict
from evallib.profiles import get_profile
from evallib.review.engine import VARIANTS, review
from evallib.review.model import from_frames
from evallib.rounding import round_array, round_score

# variant → the core profile that reads a form that way
PROFILE_OF = {
    "national": {},
    "platform": {"reverse": "reverse_linear"},
    "integer": {"decimals": 0},
    "one_decimal": {"decimals": 1},
    "round_down": {"rounding": "down"},
    "integer_down": {"decimals": 0, "rounding": "down"},
    "platform_integer": {"reverse": "reverse_linear", "decimals": 0},
    "platform_one_decimal": {"reverse": "reverse_linear", "decimals": 1},
}
BOOL_TARGETS = {"是": True, "否": False}


def core_score(target: str, actual: str, w: float, variant: str) -> float | None:
    """``evaluate()``'s score of one indicator, or None when the core refuses it."""
    rule: object = "auto"
    t = target
    if target.strip() in BOOL_TARGETS:
        rule, t = {"type": "yes_no", "expected": BOOL_TARGETS[target.strip()]}, None
    ind = {"code": "1", "name": "指标", "points": w, "rule": rule}
    if t is not None:
        ind["target"] = t
    prof = get_profile("national").model_copy(update=PROFILE_OF[variant])
    try:
        system = system_from_dict({"name": "x", "total": w, "indicators": [ind]})
        res = evaluate(system, Evidence(indicators={"1": {"actual": actual}}), profile=prof)
    except EvalError:
        return None
    return float(res.indicators["score"].iloc[0])


def review_rows(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame([
        {"project_id": "P", "row": i + 1, "level1": "产出指标", "level2": "数量指标",
         "level3": f"指标{i}", "target": t, "actual": a, "points": w, "score": w}
        for i, (t, a, w) in enumerate(rows)
    ])  # fmt: skip
    return review(from_frames(frame, pd.DataFrame([{"project_id": "P"}]))).rows


FW = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
NUMS = st.one_of(
    st.integers(0, 2000).map(str),
    st.decimals(0, 500, places=2, allow_nan=False).map(lambda d: f"{d:f}"),
)
UNITS = {"%": "pct", "百分比": "pct", "万元": "money", "亿元": "money", "元": "money",
         "人次": "rc", "人": "p", "天": "d", "公里": "km", "个": "n", "": "none"}  # fmt: skip
SAME = {"pct": ["%", ""], "money": ["万元", "元", "亿元", ""], "rc": ["人次", ""],
        "p": ["人", ""], "d": ["天", ""], "km": ["公里", ""], "n": ["个", ""],
        "none": [""]}  # fmt: skip


@st.composite
def row(draw: st.DrawFn) -> tuple[str, str, float]:
    w = float(draw(st.sampled_from([2, 3, 5, 8, 10, 15, 20])))
    kind = draw(st.sampled_from(["quant", "quant", "quant", "range", "bool", "blank",
                                 "deadline"]))  # fmt: skip
    unit = draw(st.sampled_from(list(UNITS)))
    num = draw(NUMS)
    if kind == "bool":
        return draw(st.sampled_from(["是", "否"])), draw(st.sampled_from(
            ["是", "否", "达成", "部分达成", "未达成", "", "完成"])), w  # fmt: skip
    if kind == "blank":
        return "", draw(NUMS), w
    if kind == "deadline":  # 9月前 / 11月底前 / 六月份以前 against 7月 / 10月底
        month = draw(st.integers(1, 12))
        t_month = draw(st.sampled_from([str(month), "一二三四五六七八九十"[month - 1]
                                        if month <= 10 else str(month)]))  # fmt: skip
        target = t_month + "月" + draw(st.sampled_from(["前", "底前", "份以前", "之前"]))
        actual = f"{draw(st.integers(1, 12))}月" + draw(st.sampled_from(["", "底", "份", "末"]))
        return target, actual, w
    if kind == "range":
        hi = str(float(num) + draw(st.integers(1, 50)))
        target = f"{num}{draw(st.sampled_from(['-', '~', '—']))}{hi}{unit}"
    else:
        form = draw(st.sampled_from(["pre", "pre", "suf", "none"]))
        if form == "pre":
            target = draw(st.sampled_from(["≥", "≧", ">=", "≤", "<=", "＝", "═", "=", "＞", "<",
                                           "不低于", "不少于", "不超过", "不高于", "达到"])) \
                + num + unit  # fmt: skip
        elif form == "suf":
            target = num + unit + draw(st.sampled_from(["以上", "以内", "以下"]))
        else:
            target = num + unit
    a_unit = draw(st.sampled_from(SAME[UNITS[unit]] + ["人次"]))
    actual = draw(st.one_of(NUMS, st.just("-3"))) + a_unit
    if draw(st.booleans()):
        target = target.translate(FW)
    if draw(st.booleans()):
        actual = actual.translate(FW)
    if draw(st.integers(0, 9)) == 0:
        actual = draw(st.sampled_from(["", "达成", "约九成"]))
    return target, actual, w


def _check(rows: list[tuple[str, str, float]]) -> None:
    got = review_rows(rows)
    for i, (t, a, w) in enumerate(rows):
        r = got.iloc[i]
        for variant, _, _ in VARIANTS:
            want = core_score(t, a, w, variant)
            if want is None:
                assert r["kind"] not in ("quantitative", "yes_no"), (t, a, w, variant, r["kind"])
            else:
                assert r["kind"] in ("quantitative", "yes_no"), (t, a, w, variant, r["kind"])
                assert r[f"score_{variant}"] == want, (t, a, w, variant, r[f"score_{variant}"])


@pytest.mark.parametrize(
    ("target", "actual", "w", "score"),
    [("30天以内", "35天", 10, 8.57), ("100人以上", "120人", 10, 10.0), ("是", "达成", 5, 5.0),
     ("≤8000000元", "11042098元", 10, 7.24)],
)  # fmt: skip
def test_issue_cases_agree(target: str, actual: str, w: float, score: float) -> None:
    """The four inputs where review and evaluate() used to disagree (issue 12)."""
    assert core_score(target, actual, w, "national") == score
    r = review_rows([(target, actual, w)]).iloc[0]
    assert r["recomputed"] == score and r["score_national"] == score
    _check([(target, actual, w)])


@pytest.mark.parametrize(
    ("target", "actual", "w", "score"),
    [("9月前", "7月", 5, 5.0), ("11月底前", "10月底", 5, 5.0), ("九月之前", "9月份", 5, 5.0),
     ("6月前", "8月", 4, 3.0)],
)  # fmt: skip
def test_deadline_in_a_month(target: str, actual: str, w: float, score: float) -> None:
    """Published 时效 rows (金寨 2023: 9月前 / 7月): a deadline reads as ≤ that month in both
    paths; a missed one is scored by the ≤ rule (6/8 × 4 = 3.00)."""
    assert core_score(target, actual, w, "national") == score
    assert review_rows([(target, actual, w)]).iloc[0]["recomputed"] == score


@pytest.mark.parametrize(
    "rows",
    [[("是", "", 5.0)], [("否", "完成", 3.0)], [("是", "部分达成", 5.0)], [("", "12", 4.0)],
     [("≥95%", "0.96", 10.0)], [("90%-95%", "97%", 10.0)], [("≤0", "-3", 5.0)],
     [("≥1万元", "9000元", 10.0)], [("≥100人", "100人次", 5.0)], [("＝0", "0", 2.0)]],
)  # fmt: skip
def test_edge_rows_agree(rows: list[tuple[str, str, float]]) -> None:
    _check(rows)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row(), min_size=1, max_size=5))
def test_review_equals_evaluate_every_variant(rows: list[tuple[str, str, float]]) -> None:
    _check(rows)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-1e7, 1e7, allow_nan=False), min_size=1, max_size=50),
       st.integers(0, 3), st.sampled_from(["half_up", "down"]))  # fmt: skip
def test_round_array_equals_round_score(xs: list[float], d: int, mode: str) -> None:
    ties = [k / 10**d + 0.5 / 10**d for k in range(5)]  # exact and near ties
    arr = np.array(xs + ties + [t * (1 + 1e-15) for t in ties])
    got = round_array(arr, d, mode)
    want = np.array([round_score(float(v), d, mode) for v in arr])
    assert np.array_equal(got, want)


def test_number_cells_read_as_before() -> None:
    """Plain numbers are taken as they are and only the other cells are cleaned; the result is
    what cleaning every cell gave ("1,200", "95%", "10分", full-width, blanks, text)."""
    from evallib.review.model import _num

    cells = pd.Series([10, 2.5, "3", " 4 ", "1,200", "95%", "10分", "８", "", None, "无", "1e3",
                       "−5", "12，5", float("nan")], dtype=object)  # fmt: skip
    every = pd.to_numeric(cells.astype("string").str.replace(r"[,，%％\s]", "", regex=True)
                          .str.replace("分", "", regex=False), errors="coerce")  # fmt: skip
    pd.testing.assert_series_equal(_num(cells), every.astype(float), check_names=False)


def _whole_form_projects() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five forms of three indicators (产出 30, 效益 30, 满意度 30) and a budget row of 10, each
    with one thing a reviewer checks at the level of the whole form."""
    specs = {  # pid: (indicator scores, budget 执行数, 执行率 printed, budget score, total, grade)
        "P1": ((30, 30, 30), 80.0, 80.0, 8.0, 98.0, "优"),  # rate 80 % < 85 %, graded 优
        "P2": ((30, 30, 30), 100.0, 100.0, 10.0, 88.0, "优"),  # total miswritten; 100 is 优
        "P3": ((25, 20, 20), 100.0, 100.0, 10.0, 75.0, "差"),  # 75 is 中 (national) / 良 (80/70/60)
        "P4": ((30, 30, 30), 110.0, 110.0, None, 90.0, "优"),  # score blank; spent over budget
        "P5": ((30, 30, 30), 86.2, 0.86, 9.0, 99.0, "优"),  # 86 % printed for 86.20 %, 9 = integer
    }
    rows, projects = [], []
    for pid, (scores, spent, rate, b_score, total, grade) in specs.items():
        names = zip(["产出指标", "效益指标", "满意度指标"],
                    ["数量指标", "社会效益指标", "服务对象满意度指标"],
                    ["培训人数", "群众知晓率", "满意度"], scores, strict=True)  # fmt: skip
        for i, (l1, l2, l3, s) in enumerate(names):
            rows.append({"project_id": pid, "row": i + 1, "level1": l1, "level2": l2, "level3": l3,
                         "target": "≥100人", "actual": f"{s / 30 * 100:g}人", "points": 30,
                         "score": s})  # fmt: skip
        projects.append({"project_id": pid, "initial_budget": 100.0, "full_year_budget": 100.0,
                         "spent": spent, "execution_rate": rate, "budget_points": 10.0,
                         "budget_score": b_score, "total": total, "grade": grade})  # fmt: skip
    return pd.DataFrame(rows), pd.DataFrame(projects)


OTHER = {"no_cost_indicator", "all_actual_equal_target"}  # true of these forms, not the point


def test_whole_form_checks_by_hand() -> None:
    """Budget, total and grade checks of every project at once give the flags and messages
    worked out by hand, in the order they are raised."""
    res = review(from_frames(*_whole_form_projects()))
    f = res.flags[res.flags["row"].isna()]
    got = {pid: list(g["code"]) for pid, g in f.groupby("project_id")}
    msg = f.set_index(["project_id", "code"])["message"]
    assert [c for c in got["P1"] if c not in OTHER] == ["grade_cap"]
    assert (
        msg["P1", "grade_cap"]
        == "预算执行率 80.00% 低于 85% 仍自评为「优」（部分地区规定最高为「良」）"
    )
    assert [c for c in got["P2"] if c not in OTHER] == ["total_mismatch"]
    assert msg["P2", "total_mismatch"] == "总分 88 ≠ 各项得分之和 100.00"
    assert [c for c in got["P3"] if c not in OTHER] == ["grade_mismatch"]
    assert msg["P3", "grade_mismatch"] == "自评等级「差」与总分 75 不符（应为「中」）"
    assert [c for c in got["P4"] if c not in OTHER] == [
        "budget_score_missing",
        "spent_over_budget",
    ]  # total 90 = 90 + a blank budget score
    assert msg["P4", "budget_score_missing"] == "预算执行率得分未填写（按执行率计应为 10.00 分）"
    assert "执行率 110.00%" in msg["P4", "spent_over_budget"]
    assert [c for c in got.get("P5", []) if c not in OTHER] == []
    s = res.summary.set_index("project_id")
    assert s.loc["P5", "recomputed_total"] == 98.62  # 9 is a budget variant, the total is not
    assert s.loc["P5", "reproduced_under"] == "" and s.loc["P2", "reproduced_under"] == ""
    assert s.loc["P1", "recomputed_grade"] == "优" and s.loc["P3", "recomputed_total"] == 75.0
