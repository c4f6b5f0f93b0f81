"""Survey statistics on the demo survey, each figure equal to an independent library's:
cross-tabulation (scipy.stats.chi2_contingency, contingency.association, fisher_exact),
group comparisons (scipy.stats, statsmodels anova_oneway, pingouin effect sizes) and factor
analysis (scikit-learn PCA loadings, factor_analyzer's Rotator, KMO and Bartlett)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats.contingency import association

from evallib.errors import EvalError
from evallib.survey import load_spec, read_survey
from evallib.survey.association import crosstab
from evallib.survey.compare import compare_groups
from evallib.survey.factor import factor_analysis
from evallib.survey.frames import respondent_frame
from evallib.survey.reliability import complete_case_cov

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "survey_data" / "demo"


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame]:
    spec = load_spec(DEMO / "spec.yaml")
    data = read_survey(DEMO / "问卷星_按选项序号.xlsx", spec)
    return respondent_frame(data), respondent_frame(data, kind="labels")


def test_respondent_frame_orders_levels_and_groups(demo) -> None:  # type: ignore[no-untyped-def]
    points, labels = demo
    assert list(labels["S01"].cat.categories) == [
        "非常满意",
        "满意",
        "一般",
        "不满意",
        "非常不满意",
    ]
    assert list(labels["乡镇"].cat.categories)[:2] == ["城关镇", "东河镇"]
    assert len(points) == len(labels) and points["S01"].dropna().isin([20, 40, 60, 80, 100]).all()


def test_crosstab_equals_scipy(demo) -> None:  # type: ignore[no-untyped-def]
    _, labels = demo
    r = crosstab(labels, "年龄段", "乡镇")
    both = labels[["年龄段", "乡镇"]].dropna()
    table = pd.crosstab(both["年龄段"], both["乡镇"]).to_numpy()
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    assert (r.chi2, r.p_chi2, r.dof) == (pytest.approx(chi2), pytest.approx(p), dof)
    assert r.cramers_v == pytest.approx(association(table, method="cramer"))
    assert r.test == "chi2" and r.p == r.p_chi2 and r.n == table.sum()
    assert f"p = {r.p:.3f}，" in r.summary_zh() and "Pearson χ²" in r.summary_zh()


def test_crosstab_small_cells_use_fisher(demo) -> None:  # type: ignore[no-untyped-def]
    _, labels = demo
    r = crosstab(labels, "乡镇", "S01")  # 不满意 has expected counts below 5
    assert r.test == "fisher_monte_carlo" and r.params["seed"] == 20240601
    again = crosstab(labels, "乡镇", "S01")
    assert again.p == r.p  # seeded: identical
    shown = "p < 0.001" if r.p < 0.001 else f"p = {r.p:.3f}"
    assert shown in r.summary_zh() and "蒙特卡罗" in r.summary_zh()
    # 2×2 with small counts → Fisher's exact test, equal to scipy
    df = pd.DataFrame(
        {"a": ["是"] * 6 + ["否"] * 6, "b": ["高"] * 5 + ["低"] + ["高"] + ["低"] * 5}
    )
    r2 = crosstab(df, "a", "b")
    table = r2.counts.to_numpy()
    assert r2.test == "fisher" and r2.p == pytest.approx(stats.fisher_exact(table).pvalue)


def test_crosstab_refusals(demo) -> None:  # type: ignore[no-untyped-def]
    _, labels = demo
    with pytest.raises(EvalError, match="不存在"):
        crosstab(labels, "乡镇", "没有这题")
    one = pd.DataFrame({"a": ["x", "x"], "b": ["y", "z"]})
    with pytest.raises(EvalError, match="至少各需 2 个"):
        crosstab(one, "a", "b")


def test_group_comparisons_equal_scipy_statsmodels_pingouin(demo) -> None:  # type: ignore[no-untyped-def]
    import pingouin as pg
    from statsmodels.stats.oneway import anova_oneway

    points, _ = demo
    res = compare_groups(points, ["S01", "S05"], "乡镇")
    for _, row in res.table.iterrows():
        sub = points[["乡镇", row["item"]]].dropna()
        groups = [g[row["item"]].to_numpy() for _, g in sub.groupby("乡镇", observed=True)]
        assert row["f"] == pytest.approx(stats.f_oneway(*groups).statistic)
        assert row["p_anova"] == pytest.approx(stats.f_oneway(*groups).pvalue)
        assert row["h"] == pytest.approx(stats.kruskal(*groups).statistic)
        assert row["levene_p"] == pytest.approx(stats.levene(*groups, center="mean").pvalue)
        assert row["p_welch"] == pytest.approx(anova_oneway(groups, use_var="unequal").pvalue)
        aov = pg.anova(
            data=sub.astype({"乡镇": str}), dv=row["item"], between="乡镇", detailed=True
        )
        assert row["eta2"] == pytest.approx(aov["np2"].iloc[0])  # one-way: partial η² = η²
    two = points[points["年龄段"].isin(["18-29岁", "60岁及以上"])].copy()
    two["年龄段"] = two["年龄段"].astype(str)
    r2 = compare_groups(two, ["S01"], "年龄段").table.iloc[0]
    sub = two[["年龄段", "S01"]].dropna()
    a = sub.loc[sub["年龄段"] == "18-29岁", "S01"].to_numpy()
    b = sub.loc[sub["年龄段"] == "60岁及以上", "S01"].to_numpy()
    assert r2["t"] == pytest.approx(stats.ttest_ind(a, b).statistic)
    assert r2["p_welch"] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)
    assert r2["cohens_d"] == pytest.approx(pg.compute_effsize(a, b, eftype="cohen"))
    zh = compare_groups(points, ["S01"], "乡镇").table_zh()
    assert set(zh.columns) >= {"题目", "城关镇均分", "检验方法", "p 值", "效应量", "结论"}


def test_group_comparison_refusals() -> None:
    tiny = pd.DataFrame({"g": ["a", "a", "b"], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(EvalError, match="组内样本过少"):
        compare_groups(tiny, ["y"], "g")
    with pytest.raises(EvalError, match="所有答卷得分相同"):
        compare_groups(pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0] * 4}), ["y"], "g")
    no_spread = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 1.0, 3.0, 3.0]})
    with pytest.raises(EvalError, match="每组内部得分完全相同"):
        compare_groups(no_spread, ["y"], "g")
    one_flat = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"], "y": [1.0, 1, 1, 2, 3, 4]})
    row = compare_groups(one_flat, ["y"], "g").table.iloc[0]
    assert np.isfinite(row["p_welch"]) and np.isfinite(row["p_t"])
    zh = compare_groups(one_flat, ["y"], "g").table_zh().iloc[0]
    assert "nan" not in str(zh["p 值"]) and zh["结论"] in ("显著", "不显著")
    with pytest.raises(EvalError, match="得分应为数值"):
        compare_groups(pd.DataFrame({"g": ["a", "b"] * 3, "y": ["好"] * 6}), ["y"], "g")


def test_factor_analysis_equals_sklearn_and_factor_analyzer(demo) -> None:  # type: ignore[no-untyped-def]
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo
    from factor_analyzer.rotator import Rotator
    from sklearn.decomposition import PCA

    points, _ = demo
    items = points[[c for c in points.columns if c.startswith("S")]].dropna()
    res = factor_analysis(items, 2)
    z = (items - items.mean()) / items.std(ddof=1)
    pca = PCA(2).fit(z)
    raw = pca.components_.T * np.sqrt(pca.explained_variance_)
    ref = Rotator(method="varimax", normalize=True, max_iter=10_000, tol=1e-12).fit_transform(raw)
    ref = ref[:, np.argsort(-(ref**2).sum(axis=0))]
    ref *= np.sign(ref[np.abs(ref).argmax(axis=0), range(2)])
    assert res.loadings.to_numpy() == pytest.approx(ref, abs=1e-4)
    assert res.variance["eigenvalue"].to_numpy() == pytest.approx(pca.explained_variance_)
    assert res.communalities.to_numpy() == pytest.approx((raw**2).sum(axis=1))
    assert res.kmo.overall == pytest.approx(calculate_kmo(items)[1])
    chi2, p = calculate_bartlett_sphericity(items)
    assert res.bartlett[0] == pytest.approx(chi2) and res.bartlett[2] == pytest.approx(p, abs=1e-12)
    kaiser = factor_analysis(items)
    assert kaiser.params["n_factors"] == int((np.linalg.eigvalsh(z.corr()) > 1).sum())
    # ML on this sample sits at the edge of convergence (it flips with the BLAS build and
    # threading): only check that the flag and the warning agree; the Heywood test below has
    # a case that can never converge
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ml = factor_analysis(items, 2, method="ml", rotation="oblimin")
    assert ml.loadings.shape == (items.shape[1], 2)
    warned = any("未收敛" in str(w.message) for w in caught)
    assert ml.params["converged"] is not warned


def _statsmodels_ml_converged(r: np.ndarray, k: int, n: int) -> bool:
    """Whether statsmodels' own ML fit converges here."""
    from statsmodels.multivariate.factor import Factor
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Factor(corr=r, n_factor=k, method="ml", nobs=n).fit()
    return not any(issubclass(w.category, ConvergenceWarning) for w in caught)


def test_factor_analysis_warns_on_a_heywood_case() -> None:
    # One factor cannot fit r12 = r13 = 0.8 with r23 = 0.5: the loading of item 1 would be
    # sqrt(0.8 * 0.8 / 0.5) = 1.13 > 1 (a Heywood case), so ML runs into its bound.
    r = np.array([[1, 0.8, 0.8, 0.1], [0.8, 1, 0.5, 0.1], [0.8, 0.5, 1, 0.1], [0.1, 0.1, 0.1, 1]])
    z = np.random.default_rng(3).normal(size=(300, 4))
    z = (z - z.mean(axis=0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    x = pd.DataFrame(z @ np.linalg.cholesky(r).T, columns=list("abcd"))
    assert x.corr().to_numpy() == pytest.approx(r)
    assert _statsmodels_ml_converged(r, 1, 300) is False
    with pytest.warns(UserWarning, match="未收敛"):
        ml = factor_analysis(x, 1, method="ml")
    assert ml.params["converged"] is False and ml.loadings.shape == (4, 1)
    assert factor_analysis(x, 1, method="pa").params["converged"] is True


def test_factor_analysis_refusals() -> None:
    with pytest.raises(EvalError, match="至少需要 3 个题目"):
        factor_analysis(pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 4]}))
    x = pd.DataFrame(np.random.default_rng(0).normal(size=(30, 4)), columns=list("abcd"))
    x["a"] = 1.0
    with pytest.raises(EvalError, match="所有人答案相同"):
        factor_analysis(x)
    with pytest.raises(EvalError, match="旋转方法"):
        factor_analysis(x.assign(a=np.arange(30.0)), 2, rotation="promax")


def test_survey_fuzzy_weighted_average_equals_mean_points() -> None:
    """With M(·,⊕) and rows that sum to 1, the fuzzy score is the spec-weighted mean of each
    item's mean points over its valid answers — computed here from the points directly."""
    from evallib.comprehensive import survey_fuzzy

    spec = load_spec(DEMO / "spec.yaml")
    data = read_survey(DEMO / "问卷星_按选项序号.xlsx", spec)
    res = survey_fuzzy(data)
    points = respondent_frame(data)
    dims = {d.name: d.weight for d in spec.dimensions}
    total = sum(dims.values())
    expected = 0.0
    for d, dw in dims.items():
        its = [it for it in spec.items if it.dimension == d and it.importance_of is None]
        w = np.array([it.weight for it in its]) / sum(it.weight for it in its)
        expected += dw / total * float(np.dot(w, [points[it.code].mean() for it in its]))
    assert res.score == pytest.approx(expected, abs=1e-9)
    assert list(res.children) == list(dims) and res.verdict == "非常满意"
    assert res.children["道路建设"].membership.sum(axis=1).to_numpy() == pytest.approx(1.0)


@given(st.integers(3, 400), st.integers(2, 6), st.integers(1, 97), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_complete_case_cov_equals_numpy(n: int, k: int, chunk: int, seed: int) -> None:
    """The chunked complete-case covariance that analyze() uses equals np.cov of the selected
    rows (float64), whatever the chunk size and however the complete rows fall."""
    rng = np.random.default_rng(seed)
    x = (rng.integers(0, 6, size=(n, k)) * 20.0).astype(np.float32)
    rows = rng.random(n) < 0.8
    got = complete_case_cov(x, rows, chunk=chunk)
    if rows.sum() < 2:
        assert np.isnan(got).all()
        return
    want = np.cov(x[rows].astype(np.float64), rowvar=False, ddof=1)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-9)


def test_code_counts_equal_bincount() -> None:
    """Answers per item and code from the byte counts equal a bincount of each column (codes
    −16 … 15, negative special codes included)."""
    from evallib.survey.clean import code_counts as _code_counts

    rng = np.random.default_rng(3)
    codes = rng.integers(-16, 16, size=(5000, 7)).astype(np.int8)
    want = np.stack([np.bincount(codes[:, j].astype(np.intp) + 16, minlength=32)
                     for j in range(7)])  # fmt: skip
    np.testing.assert_array_equal(_code_counts(codes), want)
