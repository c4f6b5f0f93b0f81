"""Comprehensive evaluation: published worked examples, independent implementations (pymcdm,
pyDecision, or the formula written out here where no library has the method), invariants and
refusals.

Published examples (inputs and printed results transcribed; sources):

* TOPSIS — Opricovic & Tzeng (2004), "Compromise solution by MCDM methods: a comparative analysis
  of VIKOR and TOPSIS", EJOR 156(2) 445–455, numerical example (two criteria, three alternatives;
  closeness 0.500 / 0.617 / 0.500 with linear min-max normalisation, as transcribed in pymcdm's
  test suite, test/test_mcdm.py::TestTOPSIS).
* TOPSIS — Hwang & Yoon (1981), *Multiple Attribute Decision Making*, pp. 128–140, fighter
  aircraft selection (4 aircraft × 6 attributes, w = 0.2/0.1/0.1/0.1/0.2/0.3, vector
  normalisation); relative closeness 0.643 / 0.268 / 0.613 / 0.312.  The book rounds its
  intermediate tables to 4 decimals: exact arithmetic gives 0.6135 for A3, so the check is to
  ±0.001.
* Fuzzy comprehensive evaluation — the clothing example (服装评判: 花色、式样、耐穿程度、价格 ×
  很欢迎…不欢迎) solved with M(∧,∨) for two customer classes, B = (0.2, 0.3, 0.4, 0.1) →
  不太欢迎 and (0.35, 0.4, 0.2, 0.1) → 比较欢迎; published with its MATLAB solution at
  https://e-com-net.com/article/1276296104417181696.htm (Example8_4).
* Fuzzy comprehensive evaluation — SPSSAU's 模糊综合评价 case (服装新款式, five factors, weights
  0.1/0.1/0.15/0.3/0.35, M(·,⊕)): B = 0.205 / 0.320 / 0.390 / 0.085 → 一般;
  https://blog.csdn.net/m0_37228052/article/details/122450039.
* Grey relational analysis — the regional GDP example (国内生产总值 and 第一/二/三产业,
  2000–2005) with 均值化: the published mean-normalised table (4 decimals),
  https://m.douchai.cn/document/379879252.html (data also at
  https://e-com-net.com/article/1355185540634324992.htm).
* Rank-sum ratio — the maternal-care example of 孙振球《医学统计学》(10 regions: 产前检查率,
  孕产妇死亡率, 围产儿死亡率), as printed by 张敬信《数学建模：基于 R》chapter 秩和比法
  (github.com/zhjx19/mathmodels-book, docs/rank-sum-ratio.html): regression
  RSR = −0.60855 + 0.22169·Probit (R² 0.9379, F 90.63, p 7.662e-05), and the non-integer,
  entropy-weighted variant (WRSR, Probit and fitted values to 3 decimals).
* Grey relational analysis — the same book, chapter 灰色关联分析: the shot-put athlete
  (16 grades, 初值化, two negative indicators) and the investment/output 优势分析 (a 5 × 6 grade
  matrix), 3 decimals (tests/data/comprehensive/README.md).
* TOPSIS — the river water-quality example (司守奎《数学建模算法与应用》; data and 7-digit
  closeness printed in the same book's TOPSIS chapter) with a 中间型 (PH best 7) and a 区间型
  (nutrients best 10–20) indicator.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evallib.comprehensive import (
    entropy_topsis,
    fuzzy_evaluate,
    fuzzy_evaluate_levels,
    grey_relational,
    membership_from_answers,
    rank_sum_ratio,
    topsis,
)
from evallib.errors import EvalError

CLOTHING_R = [
    [0.2, 0.5, 0.2, 0.1],
    [0.7, 0.2, 0.1, 0.0],
    [0.0, 0.4, 0.5, 0.1],
    [0.2, 0.3, 0.5, 0.0],
]
CLOTHING_LEVELS = ["很欢迎", "比较欢迎", "不太欢迎", "不欢迎"]
AIRCRAFT = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]
GDP = pd.DataFrame(
    {
        "国内生产总值": [1988, 2061, 2335, 2750, 3356, 3806],
        "第一产业": [386, 408, 422, 482, 511, 561],
        "第二产业": [839, 846, 960, 1258, 1577, 1893],
        "第三产业": [763, 808, 953, 1010, 1268, 1352],
    },
    index=range(2000, 2006),
)
MATERNAL = pd.DataFrame(
    {
        "产前检查率": [99.54, 96.52, 99.36, 92.83, 91.71, 95.35, 96.09, 99.27, 94.76, 84.80],
        "孕产妇死亡率": [60.27, 59.67, 43.91, 58.99, 35.40, 44.71, 49.81, 31.69, 22.91, 81.49],
        "围产儿死亡率": [16.15, 20.10, 15.60, 17.04, 15.01, 13.93, 17.43, 13.89, 19.87, 23.63],
    },
    index=list("ABCDEFGHIJ"),
)


# ---------------------------------------------------------------- published examples
def test_topsis_opricovic_tzeng_2004() -> None:
    r = topsis(
        [[1, 3000], [2, 3750], [5, 4500]],
        [0.5, 0.5],
        ["cost", "benefit"],
        normalize_method="minmax",
    )
    assert r.table["closeness"].round(3).tolist() == [0.5, 0.617, 0.5]
    assert r.table["rank"].tolist() == [2, 1, 2]  # A1 and A3 tie


def test_topsis_hwang_yoon_1981_aircraft() -> None:
    dirs = ["benefit", "benefit", "benefit", "cost", "benefit", "benefit"]
    r = topsis(AIRCRAFT, [0.2, 0.1, 0.1, 0.1, 0.2, 0.3], dirs)
    assert r.table["closeness"].to_numpy() == pytest.approx([0.643, 0.268, 0.613, 0.312], abs=1e-3)
    assert r.table["rank"].tolist() == [1, 4, 2, 3]  # A1 > A3 > A4 > A2


def test_fuzzy_clothing_example_max_min() -> None:
    r = pd.DataFrame(
        CLOTHING_R, index=["花色", "式样", "耐穿程度", "价格"], columns=CLOTHING_LEVELS
    )
    first = fuzzy_evaluate([0.1, 0.2, 0.3, 0.4], r, "M(∧,∨)")
    assert first.b.round(4).tolist() == [0.2, 0.3, 0.4, 0.1]
    assert first.verdict == "不太欢迎"
    second = fuzzy_evaluate([0.4, 0.35, 0.15, 0.1], r, "M(^,v)")  # ASCII alias
    assert second.b.round(4).tolist() == [0.35, 0.4, 0.2, 0.1]
    assert second.verdict == "比较欢迎"


def test_fuzzy_spssau_weighted_average_case() -> None:
    r = [
        [0.2, 0.5, 0.3, 0.0],
        [0.1, 0.3, 0.5, 0.1],
        [0.0, 0.1, 0.6, 0.3],
        [0.0, 0.4, 0.5, 0.1],
        [0.5, 0.3, 0.2, 0.0],
    ]
    res = fuzzy_evaluate(
        [0.1, 0.1, 0.15, 0.3, 0.35], pd.DataFrame(r, columns=["很欢迎", "欢迎", "一般", "不欢迎"])
    )
    assert res.operator == "M(·,⊕)"
    assert res.b_normalized.round(3).tolist() == [0.205, 0.32, 0.39, 0.085]
    assert res.verdict == "一般"


def test_grey_gdp_example_mean_normalisation() -> None:
    published = [
        [0.7320, 0.8361, 0.6828, 0.7439],
        [0.7588, 0.8838, 0.6885, 0.7878],
        [0.8597, 0.9141, 0.7812, 0.9292],
        [1.0125, 1.0440, 1.0237, 0.9847],
        [1.2356, 1.1069, 1.2833, 1.2363],
        [1.4013, 1.2152, 1.5405, 1.3182],
    ]
    r = grey_relational(GDP, reference="国内生产总值")
    assert r.params["normalize"] == "mean"
    assert r.reference.round(4).tolist() == [row[0] for row in published]
    # the compared sequences' normalised values, through the coefficients' definition
    x = GDP / GDP.mean()
    assert x.round(4).to_numpy().tolist() == published
    delta = (x.drop(columns="国内生产总值").sub(x["国内生产总值"], axis=0)).abs()
    lo, hi = delta.to_numpy().min(), delta.to_numpy().max()
    expected = (lo + 0.5 * hi) / (delta + 0.5 * hi)
    assert r.coefficients.to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12)
    assert r.table["rank"].to_dict() == {"第一产业": 3, "第二产业": 2, "第三产业": 1}


def test_rsr_maternal_care_example() -> None:
    r = rank_sum_ratio(MATERNAL, benefit=["benefit", "cost", "cost"])
    # integer ranks: 产前检查率 ascending, the death rates descending (cost); RSR = ΣR / (m·n)
    assert r.ranks.loc["A"].tolist() == [10, 2, 6] and r.ranks.loc["J"].tolist() == [1, 1, 1]
    assert r.table["rsr"].round(4).tolist() == [
        0.6,
        0.4,
        0.7667,
        0.4,
        0.6,
        0.6667,
        0.5,
        0.9,
        0.5667,
        0.1,
    ]
    assert r.table["rank"].tolist() == [4, 8, 2, 8, 4, 3, 7, 1, 6, 10]
    # distribution: tied RSR share the average rank; last p corrected to 1 − 1/(4n)
    d = r.distribution
    assert d["mean_rank"].tolist() == [1, 2.5, 4, 5, 6.5, 8, 9, 10]
    assert d["p"].iloc[-1] == pytest.approx(1 - 1 / 40)
    # regression against an independent fit (numpy least squares on the same points)
    slope, intercept = np.polyfit(d["probit"], d["rsr"], 1)
    assert r.regression["slope"] == pytest.approx(slope)
    assert r.regression["intercept"] == pytest.approx(intercept)
    assert r.table.loc["H", "tier_label"] == "上" and r.table.loc["J", "tier_label"] == "下"


DATA = Path(__file__).resolve().parent / "data" / "comprehensive"


def test_topsis_water_quality_middle_and_interval() -> None:
    d = pd.read_csv(DATA / "water_quality.csv").set_index("ID")
    w = [0.3153202, 0.1813149, 0.3506929, 0.1526721]  # the book's entropy weights
    r = topsis(d, w, {"PH": "middle:7", "germ": "cost", "nutrient": ("interval", 10, 20)})
    printed = [
        0.3841556,
        0.4852199,
        0.5021310,
        0.5084128,
        0.4226200,
        0.3945085,
        0.5502261,
        0.6258551,
        0.7260529,
        0.7138447,
        0.8091923,
        0.6159619,
        0.6007565,
        0.1593096,
        0.4974685,
        0.4250799,
        0.5565555,
        0.4815844,
        0.3070290,
        0.7098355,
    ]
    # the weights are printed to 7 digits, so the last digit may move by one
    assert r.table["closeness"].to_numpy() == pytest.approx(printed, abs=2e-7)
    assert r.params["directions"]["PH"] == "middle(7)"
    assert r.table["rank"].loc["11"] == 1 and r.table["rank"].loc["14"] == 20


def test_grey_shot_put_athlete() -> None:
    d = pd.read_csv(DATA / "sports.csv").set_index("年份")
    dirs = dict.fromkeys(d.columns, "benefit") | {"30米跑": "cost", "100米跑": "cost"}
    r = grey_relational(d, benefit=dirs, reference="铅球", normalize_method="initial")
    printed = {
        "全蹲": 0.933,
        "3kg滑步": 0.895,
        "高翻": 0.855,
        "4kg原地": 0.854,
        "挺举": 0.847,
        "立定跳远": 0.776,
        "30米跑": 0.745,
        "100米跑": 0.726,
        "3kg原地": 0.708,
        "三级跳": 0.705,
        "3kg后抛": 0.683,
        "4kg后抛": 0.663,
        "卧推": 0.659,
        "4kg前抛": 0.588,
        "3kg前抛": 0.582,
        "抓举": 0.502,
    }
    got = r.table["grade"].round(3).to_dict()
    assert got == printed
    assert r.table.sort_values("rank").index.tolist() == list(printed)


def test_grey_investment_output_matrix() -> None:
    d = pd.read_csv(DATA / "invest.csv").set_index("year")
    printed = {  # rows x1..x5, columns y1..y6
        "y1": [0.802, 0.761, 0.557, 0.810, 0.935],
        "y2": [0.689, 0.666, 0.529, 0.885, 0.800],
        "y3": [0.891, 0.858, 0.579, 0.577, 0.675],
        "y4": [0.678, 0.663, 0.568, 0.780, 0.731],
        "y5": [0.811, 0.774, 0.565, 0.804, 0.921],
        "y6": [0.743, 0.766, 0.562, 0.607, 0.632],
    }
    xs = ["x1", "x2", "x3", "x4", "x5"]
    for y, col in printed.items():
        r = grey_relational(d[[*xs, y]], reference=y, normalize_method="initial")
        assert r.table["grade"].round(3).tolist() == col, y


def test_rsr_book_regression_and_non_integer_variant() -> None:
    r = rank_sum_ratio(MATERNAL, benefit=["benefit", "cost", "cost"])
    g = r.regression
    assert (round(g["intercept"], 5), round(g["slope"], 5)) == (-0.60855, 0.22169)
    assert (round(g["r2"], 4), round(g["f"], 2)) == (0.9379, 90.63)
    assert g["p_value"] == pytest.approx(7.662e-05, rel=1e-3)
    w = [0.2945205, 0.3631078, 0.3423717]  # the book's entropy weights
    non = rank_sum_ratio(MATERNAL, w, ["benefit", "cost", "cost"], method="non-integer")
    t = non.table.sort_values("rsr")
    assert t.index.tolist() == list("JBDGAIEFCH")
    assert t["rsr"].round(3).tolist() == [
        0.1,
        0.544,
        0.578,
        0.676,
        0.720,
        0.725,
        0.754,
        0.802,
        0.826,
        0.946,
    ]
    assert t["probit"].round(2).tolist() == [
        3.72,
        4.16,
        4.48,
        4.75,
        5.0,
        5.25,
        5.52,
        5.84,
        6.28,
        6.96,
    ]
    assert t["fitted"].round(3).tolist() == [
        0.366,
        0.456,
        0.521,
        0.576,
        0.627,
        0.679,
        0.734,
        0.798,
        0.888,
        1.026,
    ]


def test_middle_interval_positivize() -> None:
    from evallib.normalization import positivize

    x = np.array([[6.0, 5.0], [7.0, 15.0], [9.0, 30.0]])
    y = positivize(x, ["ph", "n"], {"ph": ("middle", 7.0), "n": ("interval", 10.0, 20.0)})
    assert y[:, 0].tolist() == [0.5, 1.0, 0.0]  # d = 1, 0, 2
    assert y[:, 1].tolist() == [0.5, 1.0, 0.0]  # M = max(10 − 5, 30 − 20) = 10
    with pytest.raises(EvalError, match="中间型/区间型设置无效"):
        topsis(x, None, ["middle:x", "benefit"])
    with pytest.raises(EvalError, match="中间型/区间型设置无效"):
        topsis(x, None, ["benefit", "interval:20~10"])


# ---------------------------------------------------------------- independent implementations
def _random_case(seed: int, m: int = 7, n: int = 5) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 100, size=(m, n))
    w = rng.dirichlet(np.ones(n))
    dirs = ["cost" if c else "benefit" for c in rng.random(n) < 0.4]
    return x, w, dirs


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("vector", "vector_normalization"),
        ("minmax", "minmax_normalization"),
        ("max", "linear_normalization"),
    ],
)
def test_topsis_equals_pymcdm(seed: int, ours: str, theirs: str) -> None:
    """pymcdm's TOPSIS with the same normalisation (its linear_normalization is our ``max``:
    x/max for benefit, min/x for cost)."""
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    x, w, dirs = _random_case(seed)
    types = np.array([1 if d == "benefit" else -1 for d in dirs])
    ref = TOPSIS(getattr(normalizations, theirs))(x, w, types)
    got = topsis(x, w, dirs, normalize_method=ours).table["closeness"].to_numpy()
    assert got == pytest.approx(ref, abs=1e-12)


def _load_pydecision_gra():  # type: ignore[no-untyped-def]
    """pyDecision's gra.py loaded by file, without importing the package (its __init__ starts a
    web app and LLM clients; requirements-oracles.txt installs it with --no-deps)."""
    spec = importlib.util.find_spec("pyDecision")
    assert spec is not None and spec.submodule_search_locations, "pip install --no-deps pyDecision"
    path = Path(next(iter(spec.submodule_search_locations))) / "algorithm" / "gra.py"
    mod_spec = importlib.util.spec_from_file_location("_pydecision_gra", path)
    assert mod_spec is not None and mod_spec.loader is not None
    mod = importlib.util.module_from_spec(mod_spec)
    sys.modules["_pydecision_gra"] = mod
    mod_spec.loader.exec_module(mod)
    return mod.gra_method


@pytest.mark.parametrize("seed", range(12))
def test_grey_equals_pydecision(seed: int) -> None:
    """pyDecision's gra_method divides the weighted sum by the number of alternatives (a constant
    factor, same ranking) and adds 1e-16 to the range; otherwise the same min-max GRA with the ideal
    as reference (Δmin = 0, Δmax = 1 after min-max normalisation)."""
    import matplotlib

    matplotlib.use("Agg")
    gra_method = _load_pydecision_gra()
    x, w, dirs = _random_case(seed)
    ref = gra_method(
        x,
        ["max" if d == "benefit" else "min" for d in dirs],
        w,
        epsilon=0.5,
        graph=False,
        verbose=False,
    )
    got = grey_relational(x, w, dirs).table["grade"].to_numpy()
    assert got / x.shape[0] == pytest.approx(ref, abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_fuzzy_operators_equal_their_definitions(seed: int) -> None:
    """No maintained Python library implements 模糊综合评价 operators; the definitions are written
    out here with explicit loops (Wang 1983) and compared."""
    rng = np.random.default_rng(seed)
    n, k = 5, 4
    r = rng.dirichlet(np.ones(k), size=n)
    a = rng.dirichlet(np.ones(n))
    loops = {
        "M(∧,∨)": [max(min(a[i], r[i, j]) for i in range(n)) for j in range(k)],
        "M(·,∨)": [max(a[i] * r[i, j] for i in range(n)) for j in range(k)],
        "M(∧,⊕)": [min(1.0, sum(min(a[i], r[i, j]) for i in range(n))) for j in range(k)],
        "M(·,⊕)": [min(1.0, sum(a[i] * r[i, j] for i in range(n))) for j in range(k)],
    }
    for op, expected in loops.items():
        assert fuzzy_evaluate(a, r, op).b.to_numpy() == pytest.approx(expected, abs=1e-12)


def test_rsr_ranks_equal_scipy() -> None:
    from scipy.stats import rankdata

    x, w, dirs = _random_case(3, m=9)
    x[2, 1] = x[4, 1]  # a tie
    r = rank_sum_ratio(x, w, dirs)
    for j, d in enumerate(dirs):
        expected = rankdata(x[:, j] if d == "benefit" else -x[:, j])
        assert r.ranks.iloc[:, j].to_numpy() == pytest.approx(expected)
    assert r.table["rsr"].to_numpy() == pytest.approx(r.ranks.to_numpy() @ w / 9)
    non = rank_sum_ratio(x, w, dirs, method="non-integer")
    assert non.ranks.to_numpy().min() == pytest.approx(1) and non.ranks.to_numpy().max() == 9


# ---------------------------------------------------------------- invariants (hypothesis)
matrices = arrays(
    np.float64,
    st.tuples(st.integers(3, 8), st.integers(2, 5)),
    elements=st.floats(1, 1000, allow_nan=False),
)


def _informative(x: np.ndarray) -> bool:
    return bool((np.ptp(x, axis=0) > 1e-6 * np.abs(x).max(axis=0)).all())


@settings(max_examples=60, deadline=None)
@given(x=matrices, scale=st.floats(0.01, 100), data=st.data())
def test_topsis_invariants(x: np.ndarray, scale: float, data: st.DataObject) -> None:
    if not _informative(x):
        return
    m, n = x.shape
    dirs = data.draw(st.lists(st.sampled_from(["benefit", "cost"]), min_size=n, max_size=n))
    r = topsis(x, None, dirs)
    c = r.table["closeness"].to_numpy()
    assert ((c >= 0) & (c <= 1)).all()
    j = data.draw(st.integers(0, n - 1))
    y = x.copy()
    y[:, j] *= scale
    assert topsis(y, None, dirs).table["closeness"].to_numpy() == pytest.approx(c, abs=1e-9)
    perm = data.draw(st.permutations(range(m)))
    rp = topsis(x[list(perm)], None, dirs).table["closeness"].to_numpy()
    assert rp == pytest.approx(c[list(perm)], abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(x=matrices, rho=st.floats(0.05, 1.0), data=st.data())
def test_grey_invariants(x: np.ndarray, rho: float, data: st.DataObject) -> None:
    m, _ = x.shape
    r = grey_relational(x, rho=rho)
    xi = r.coefficients.to_numpy()
    assert ((xi > 0) & (xi <= 1 + 1e-12)).all()
    perm = list(data.draw(st.permutations(range(m))))
    g = grey_relational(x[perm], rho=rho).table["grade"].to_numpy()
    assert g == pytest.approx(r.table["grade"].to_numpy()[perm], abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 6),
    k=st.integers(2, 6),
    seed=st.integers(0, 10_000),
    op=st.sampled_from(["M(∧,∨)", "M(·,∨)", "M(∧,⊕)", "M(·,⊕)"]),
)
def test_fuzzy_b_normalised(n: int, k: int, seed: int, op: str) -> None:
    rng = np.random.default_rng(seed)
    res = fuzzy_evaluate(rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(k), size=n), op)
    assert res.b_normalized.sum() == pytest.approx(1.0)
    assert ((res.b >= 0) & (res.b <= 1)).all()


@settings(max_examples=40, deadline=None)
@given(x=matrices, data=st.data())
def test_rsr_ranking_permutes(x: np.ndarray, data: st.DataObject) -> None:
    m, _ = x.shape
    try:
        r = rank_sum_ratio(x)
    except EvalError:  # all RSR equal: refused, nothing to grade
        return
    perm = list(data.draw(st.permutations(range(m))))
    rp = rank_sum_ratio(x[perm])
    assert rp.table["rsr"].to_numpy() == pytest.approx(r.table["rsr"].to_numpy()[perm])


# ---------------------------------------------------------------- flows
def test_entropy_topsis_uses_entropy_weights() -> None:
    from evallib.weighting import entropy

    x = pd.DataFrame(AIRCRAFT, columns=list("abcdef"))
    dirs = {"d": "cost"}
    r = entropy_topsis(x, dirs)
    w = entropy(x, ["benefit"] * 3 + ["cost"] + ["benefit"] * 2)
    assert r.weights.to_numpy() == pytest.approx(np.asarray(w))
    assert r.table["closeness"].between(0, 1).all()


def test_membership_from_answers_and_two_levels() -> None:
    answers = pd.DataFrame(
        {
            "q1": ["满意", "满意", "一般", None, "很满意"],
            "q2": ["一般", "一般", "满意", "很满意", ""],
        }
    )
    m = membership_from_answers(answers, ["很满意", "满意", "一般"])
    assert m.loc["q1"].tolist() == [0.25, 0.5, 0.25]
    assert m.loc["q2"].tolist() == [0.25, 0.25, 0.5]
    res = fuzzy_evaluate_levels(
        [0.6, 0.4], {"服务": ([0.5, 0.5], m), "设施": ([1.0, 0.0], m)}, scores=[100, 80, 60]
    )
    assert set(res.children) == {"服务", "设施"}
    top = 0.6 * res.children["服务"].b_normalized + 0.4 * res.children["设施"].b_normalized
    assert res.b.to_numpy() == pytest.approx(top.to_numpy())
    assert res.score == pytest.approx(float(res.b_normalized @ np.array([100, 80, 60])))
    with pytest.raises(EvalError, match="答案不在评语等级中"):
        membership_from_answers(answers, ["很满意", "满意"])


# ---------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: topsis([[1, "x"], [2, 3]], [0.5, 0.5]), "应为数值"),
        (lambda: topsis([1, 2, 3], None), "二维表"),
        (lambda: topsis([[1, 2], [3]], None), "二维表"),
        (lambda: topsis([[1, 2], [3, 4]], [0.5, 0.4]), "权重之和应为 1"),
        (lambda: topsis([[1, 2], [3, 4]], [0.5, 0.5, 0.0]), "权重有 3 个"),
        (lambda: topsis([[1, 2], [3, 4]], [1.5, -0.5]), "权重不能为负"),
        (lambda: topsis([[1, 2], [3, 4]], {"0": 0.5, "9": 0.5}), "权重与指标不一致"),
        (lambda: topsis([[1, 2], [1, 2]], None), "取值相同"),
        (lambda: topsis([[1, 2], [3, 4]], None, ["benefit", "bad"]), "方向"),
        (lambda: topsis([[1, float("nan")], [3, 4]], None), "应为数值"),
        (lambda: topsis([[1, 2], [3, 4]], None, normalize_method="mean"), "不支持"),
        (
            lambda: topsis([[0, 2], [3, 4]], None, ["cost", "benefit"], normalize_method="max"),
            "负向指标不能为 0",
        ),
        (lambda: grey_relational([[1, 2], [3, 4]], rho=0), "分辨系数"),
        (lambda: grey_relational([[1, 2], [3, 4]], reference="z"), "不存在"),
        (lambda: fuzzy_evaluate([0.5, 0.5], [[0.5, 0.5], [-0.1, 1.1]]), "0 与 1 之间"),
        (lambda: fuzzy_evaluate([0.5, 0.5], [[0.5, 0.6], [0.5, 0.5]]), "行之和应为 1"),
        (lambda: fuzzy_evaluate([0.6, 0.6], [[0.5, 0.5], [0.5, 0.5]]), "权重之和应为 1"),
        (lambda: fuzzy_evaluate([1.0], [[0.5, 0.5], [0.5, 0.5]]), "权重有 1 个"),
        (lambda: fuzzy_evaluate([0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]], "M(x,y)"), "合成算子"),
        (lambda: rank_sum_ratio([[1, 2], [2, 3]]), "至少需要 3 个"),
        (lambda: rank_sum_ratio([[1, 1], [1, 1], [2, 2]]), "Probit 回归至少需要 3 个"),
        (lambda: rank_sum_ratio([[1, 2], [2, 3], [3, 1]], tiers=7), "分档数"),
    ],
)
def test_bad_input_is_evalerror(call, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EvalError, match=match):
        call()


def test_bad_cell_is_named() -> None:
    df = pd.DataFrame({"产值": [1, 2, 3], "能耗": [1, "缺", 2]}, index=["甲", "乙", "丙"])
    with pytest.raises(EvalError) as exc:
        topsis(df, None)
    p = exc.value.problems[0]
    assert (p.row, p.column, p.value) == (3, "能耗", "缺")
