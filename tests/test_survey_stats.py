"""Survey statistics against independent implementations and published tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

from evallib.errors import InputDataError
from evallib.survey import (
    bartlett_sphericity,
    cronbach_alpha,
    kish,
    kmo,
    margin_of_error,
    poststratify,
    rake,
    required_sample_size,
    t_interval,
    wilson_interval,
)

QUEST = pd.DataFrame({"Q1": [1, 5, 2, 3, 4, 2, 3, 4, 3, 2], "Q2": [2, 4, 1, 2, 4, 1, 2, 5, 2, 1],
                      "Q3": [2, 5, 1, 3, 3, 2, 2, 4, 2, 2]})  # fmt: skip


@pytest.mark.parametrize(("x", "n", "conf"), [(81, 100, 0.95), (0, 20, 0.95), (20, 20, 0.9),
                                             (437, 539, 0.99), (1, 3, 0.95)])  # fmt: skip
def test_wilson_matches_statsmodels(x: int, n: int, conf: float) -> None:
    lo, hi = wilson_interval(x, n, conf)
    slo, shi = proportion_confint(x, n, alpha=1 - conf, method="wilson")
    assert float(lo) == pytest.approx(slo, abs=1e-12) and float(hi) == pytest.approx(shi, abs=1e-12)


def test_wilson_fpc() -> None:
    """With N, the interval is Wilson at n* = n(N−1)/(N−n): narrower; a census has none."""
    lo, hi = wilson_interval(450, 500, population=1000)
    n_star = 500 * 999 / 500
    slo, shi = proportion_confint(450 * n_star / 500, n_star, method="wilson")
    assert float(lo) == pytest.approx(slo) and float(hi) == pytest.approx(shi)
    clo, chi = wilson_interval(450, 500, population=500)
    assert float(clo) == pytest.approx(0.9) and float(chi) == pytest.approx(0.9)


def test_t_interval_matches_scipy() -> None:
    lo, hi = t_interval(86.4, 12.0, 50)
    slo, shi = stats.t.interval(0.95, 49, loc=86.4, scale=12.0 / np.sqrt(50))
    assert float(lo) == pytest.approx(slo) and float(hi) == pytest.approx(shi)
    flo, fhi = t_interval(86.4, 12.0, 50, population=100)  # FPC √(50/99)
    assert (fhi - flo) == pytest.approx((shi - slo) * np.sqrt(50 / 99))


@pytest.mark.parametrize(("population", "n"), [(100, 80), (1000, 278), (10000, 370),
                                               (1_000_000, 384)])  # fmt: skip
def test_sample_size_krejcie_morgan(population: int, n: int) -> None:
    """Krejcie, R. V., & Morgan, D. W. (1970). Determining sample size for research activities.
    Educational and Psychological Measurement 30, 607-610, Table 1 (±5 %, 95 %, p = .5)."""
    assert required_sample_size(population) == n


def test_margin_of_error() -> None:
    assert margin_of_error(385) == pytest.approx(0.04995, abs=1e-4)
    assert margin_of_error(1000, population=1000) == 0


def test_alpha_matches_pingouin_and_anova() -> None:
    """Oracles: pingouin (test-only, GPL — not a dependency of evallib) and the two-way ANOVA
    identity α = 1 − MS_error / MS_subjects (Hoyt 1941) computed here by hand."""
    r = cronbach_alpha(QUEST)
    a, ci = pg.cronbach_alpha(QUEST)
    assert r.alpha == pytest.approx(a, abs=1e-12)
    assert [round(r.ci_low, 3), round(r.ci_high, 3)] == ci.tolist()
    x = QUEST.to_numpy(float)
    n, k = x.shape
    gm = x.mean()
    ss_subj = k * ((x.mean(axis=1) - gm) ** 2).sum()
    ss_item = n * ((x.mean(axis=0) - gm) ** 2).sum()
    ss_err = ((x - gm) ** 2).sum() - ss_subj - ss_item
    ms_subj, ms_err = ss_subj / (n - 1), ss_err / ((n - 1) * (k - 1))
    assert r.alpha == pytest.approx(1 - ms_err / ms_subj)
    # Feldt interval from the same F: 1 − (MS_err/MS_subj) · F quantiles
    lo = 1 - (ms_err / ms_subj) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
    assert r.ci_low == pytest.approx(lo)


def test_alpha_published_example() -> None:
    """Bobbitt, Z. (2021-08-17). How to Calculate Cronbach's Alpha in Python. Statology
    (https://www.statology.org/cronbachs-alpha-in-python/): 10 restaurant customers, three items
    on a 1–3 scale; printed α = 0.7734375 and 95 % interval [0.336, 0.939]."""
    df = pd.DataFrame({"Q1": [1, 2, 2, 3, 2, 2, 3, 3, 2, 3], "Q2": [1, 1, 1, 2, 3, 3, 2, 3, 3, 3],
                       "Q3": [1, 1, 2, 1, 2, 3, 3, 3, 2, 3]})  # fmt: skip
    r = cronbach_alpha(df)
    assert r.alpha == pytest.approx(0.7734375, abs=1e-9)
    assert [round(r.ci_low, 3), round(r.ci_high, 3)] == [0.336, 0.939]


def test_alpha_item_statistics_by_hand() -> None:
    r = cronbach_alpha(QUEST)
    x = QUEST.to_numpy(float)
    rest = x[:, 1] + x[:, 2]
    assert r.item_total["Q1"] == pytest.approx(np.corrcoef(x[:, 0], rest)[0, 1])
    assert r.alpha_if_deleted["Q1"] == pytest.approx(cronbach_alpha(QUEST[["Q2", "Q3"]]).alpha)
    corr = np.corrcoef(x, rowvar=False)
    rbar = corr[np.triu_indices(3, 1)].mean()
    assert r.standardized == pytest.approx(3 * rbar / (1 + 2 * rbar))


def test_alpha_listwise_and_errors() -> None:
    with_nan = QUEST.astype(float).copy()
    with_nan.iloc[0, 0] = np.nan
    assert cronbach_alpha(with_nan).n == 9
    with pytest.raises(InputDataError):
        cronbach_alpha(QUEST[["Q1"]])


def test_kmo_three_variables_closed_form() -> None:
    """For 3 variables the partial correlation has a closed form r12·3 = (r12 − r13 r23) /
    √((1 − r13²)(1 − r23²)); KMO = Σr² / (Σr² + Σ partial²)."""
    rng = np.random.default_rng(3)
    z = rng.normal(size=(300, 1))
    x = z + rng.normal(scale=[0.5, 0.8, 1.2], size=(300, 3))
    r = np.corrcoef(x, rowvar=False)

    def partial(i: int, j: int, m: int) -> float:
        return (r[i, j] - r[i, m] * r[j, m]) / np.sqrt((1 - r[i, m] ** 2) * (1 - r[j, m] ** 2))

    pairs = [(0, 1, 2), (0, 2, 1), (1, 2, 0)]
    sr = sum(r[i, j] ** 2 for i, j, _ in pairs)
    sp = sum(partial(i, j, m) ** 2 for i, j, m in pairs)
    assert kmo(x).overall == pytest.approx(sr / (sr + sp))
    chi2, df, p = bartlett_sphericity(x)
    assert df == 3 and p < 1e-10
    assert chi2 == pytest.approx(-(300 - 1 - (2 * 3 + 5) / 6) * np.log(np.linalg.det(r)))


def test_poststratify_by_hand() -> None:
    g = pd.Series(["A"] * 30 + ["B"] * 70, name="组")
    w = poststratify(g, {"A": 500, "B": 500}).weights
    assert w[0] == pytest.approx(0.5 / 0.3) and w[-1] == pytest.approx(0.5 / 0.7)
    assert w.mean() == pytest.approx(1)


def test_rake_solves_the_multiplicative_model_and_matches_ipfn() -> None:
    """2×2 sample (M-Y 20, M-O 30, F-Y 40, F-O 10) raked to sex 50/50 and age 40/60.
    Independent check 1: solve w_ij = a_i b_j with the four margin equations (scipy).
    Independent check 2: the ipfn package (test-only)."""
    cells = {("M", "Y"): 20, ("M", "O"): 30, ("F", "Y"): 40, ("F", "O"): 10}
    df = pd.DataFrame([k for k, c in cells.items() for _ in range(c)], columns=["sex", "age"])
    res = rake(df, {"sex": {"M": 50, "F": 50}, "age": {"Y": 40, "O": 60}})
    assert res.converged
    got = df.assign(w=res.weights).groupby(["sex", "age"])["w"].first()

    def eq(v: np.ndarray) -> list[float]:
        am, af, by, bo = v
        return [am * (20 * by + 30 * bo) - 50, af * (40 * by + 10 * bo) - 50,
                by * (20 * am + 40 * af) - 40, bo * (30 * am + 10 * af) - 60]  # fmt: skip

    am, af, by, bo = optimize.fsolve(eq, [1, 1, 1, 1], xtol=1e-13)
    for (s, a), wv in got.items():
        expected = {"M": am, "F": af}[s] * {"Y": by, "O": bo}[a]
        assert wv == pytest.approx(expected, rel=1e-6)
    from ipfn import ipfn

    m = np.array([[20.0, 30.0], [40.0, 10.0]])  # rows sex M,F; cols age Y,O
    fitted = ipfn.ipfn(m, [np.array([50.0, 50.0]), np.array([40.0, 60.0])], [[0], [1]],
                       convergence_rate=1e-12).iteration()  # fmt: skip
    np.testing.assert_allclose(got[("M", "Y")], fitted[0, 0] / 20, rtol=1e-6)
    np.testing.assert_allclose(got[("F", "O")], fitted[1, 1] / 10, rtol=1e-6)


def test_trimming_and_kish() -> None:
    df = pd.DataFrame({"g": ["a"] * 95 + ["b"] * 5})
    res = rake(df, {"g": {"a": 50, "b": 50}}, trim=(0.5, 3.0))
    assert res.trimmed == 5 and res.weights.max() <= 3.0 * res.weights.mean() + 1e-9
    assert res.margin_error > 0.1  # the margin cannot be met within the bounds: reported
    free = rake(df, {"g": {"a": 50, "b": 50}})
    assert free.margin_error < 1e-9 and free.trimmed == 0
    assert kish(np.ones(10)) == (1.0, 10.0)
    with pytest.raises(InputDataError, match="没有对应"):
        rake(df, {"g": {"a": 1}})
