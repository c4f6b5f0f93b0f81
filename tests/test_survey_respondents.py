"""The blocked per-respondent pass of the survey analysis (evallib.survey.respondents) and the
column-wise cleaning tallies, each checked against a plain, row-by-row computation written
here (numpy.cov for the covariance, pandas for group codes): scales on and off a grid,
reverse and importance items, unequal item weights, items outside every dimension, every
special code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evallib.survey.analysis import _group_codes, analyze, oriented_codes
from evallib.survey.clean import _tally, clean, code_counts
from evallib.survey.importer import SurveyData
from evallib.survey.respondents import answer_grid, respondent_sums
from evallib.survey.spec import QuestionnaireSpec, ScaleLevel

SPECIAL = np.array([0, -1, -3, -9], dtype=np.int8)  # blank, 不了解, skipped, out of range


@pytest.mark.parametrize(
    ("points", "exact", "positional"),
    [
        ([100, 80, 60, 40, 20], True, True),  # the usual scale: value = position
        ([5, 4, 3, 2, 1], True, True),
        ([10, 7.5, 5, 2.5, 0], True, True),
        ([100, 80, 60, 30, 0], True, False),  # on a grid of 10, not equally spaced
        ([1.0, 0.5, 0.25, 0.125, 0.0], True, False),
        ([100, 90, 75, 50, 25, 0, 0], True, False),
        ([1e6, 1.0, 0.0], False, False),  # too wide for exact float32 blocks
        ([0.1, 0.2, 0.7], False, False),  # binary fractions without a small common step
        ([60, 60, 60], True, False),
    ],
)
def test_answer_grid_writes_points_as_offset_plus_step_times_value(points, exact, positional):
    g = answer_grid(points)
    assert (g.exact, g.positional) == (exact, positional)
    np.testing.assert_allclose(g.offset + g.step * g.level_values.astype(float), points, rtol=1e-12)
    if g.exact:
        assert np.array_equal(g.level_values, np.round(g.level_values))
        assert float(np.abs(g.level_values).max()) ** 2 * g.block <= 2**24


def _reference(codes, points, k, top, iw, member):
    """Row by row, in float64: each respondent's sums per dimension and the complete-case
    covariance of the points (numpy.cov)."""
    pts = np.array([points[c - 1] if 1 <= c <= k else np.nan for c in codes.ravel()])
    pts = pts.reshape(codes.shape)
    valid = ~np.isnan(pts)
    wm = member * iw[:, None]
    num = np.nan_to_num(pts) @ wm
    den = valid @ wm
    complete = valid.all(axis=1)
    cov = np.cov(pts[complete], rowvar=False, ddof=1) if complete.sum() >= 2 else None
    sat = (codes >= 1) & (codes <= top)
    mi = member.astype(int)
    return (num, den, valid.astype(int) @ mi, sat.astype(int) @ mi, valid.sum(1), sat.sum(1),
            cov, complete.sum())  # fmt: skip


@given(
    st.integers(1, 400),
    st.integers(2, 9),
    st.sampled_from([[100, 80, 60, 40, 20], [100, 80, 60, 30, 0], [1e6, 1.0, 0.0, -3.5],
                     [5, 4, 3, 2, 1, 0, -1], [0.1, 0.2, 0.7]]),
    st.integers(0, 2**32 - 1),
    st.sampled_from([1024, 4096, 1 << 15]),
)  # fmt: skip
@settings(max_examples=60, deadline=None)
def test_respondent_sums_equal_the_row_by_row_figures(n, m, points, seed, block) -> None:
    """Per-dimension sums and the complete-case covariance, whatever the scale, the block
    size (several blocks of 1,024 rows) and the missing answers."""
    rng = np.random.default_rng(seed)
    k = len(points)
    n = n * 8 if block == 1024 else n
    codes = rng.integers(1, k + 1, size=(n, m)).astype(np.int8)
    holes = rng.random((n, m)) < rng.choice([0.0, 0.02, 0.3])
    codes[holes] = rng.choice(SPECIAL, size=int(holes.sum()))
    d = int(rng.integers(1, 4))
    member = np.zeros((m, d), dtype=bool)
    member[np.arange(m), rng.integers(0, d, m)] = True
    member[rng.random(m) < 0.2] = False  # items outside every dimension
    iw = rng.choice([1.0, 0.5, 2.0, 1.25], m)
    top = int(rng.integers(1, k + 1))
    grid = answer_grid(points, block=block)
    assert grid.block <= block
    got = respondent_sums(codes, k, top, points, iw.astype(np.float32), member, block)
    num, den, v, s, vt, st_, cov, nc = _reference(codes, points, k, top, iw, member)
    np.testing.assert_array_equal(got.weight, den)
    np.testing.assert_array_equal(got.n_valid, v)
    np.testing.assert_array_equal(got.n_satisfied, s)
    np.testing.assert_array_equal(got.valid_total, vt)
    np.testing.assert_array_equal(got.satisfied_total, st_)
    assert got.n_complete == nc
    for j in range(d):
        with np.errstate(invalid="ignore", divide="ignore"):
            want = np.where(den[:, j] > 0, num[:, j] / den[:, j], np.nan)
        np.testing.assert_allclose(got.mean_points(j), want, rtol=1e-6, atol=1e-6 * 1e6)
    if cov is None:
        assert np.isnan(got.cov).all()
    else:
        scale = max(1.0, float(np.abs(cov).max()))
        np.testing.assert_allclose(got.cov, cov, rtol=1e-10, atol=1e-12 * scale)


def test_exact_grid_covariance_is_exact_on_a_million_rows() -> None:
    """On a grid scale the covariance does not drift with n: one million answers in blocks
    give the covariance of their integer values (exact rational arithmetic, via Python
    integers) to float64 rounding."""
    rng = np.random.default_rng(5)
    n, m = 1_000_000, 3
    codes = rng.integers(1, 6, size=(n, m)).astype(np.int8)
    got = respondent_sums(codes, 5, 2, [100, 80, 60, 40, 20], np.ones(m, np.float32),
                          np.ones((m, 1), bool))  # fmt: skip
    v = codes.astype(np.int64)
    s = v.sum(axis=0)
    g = v.T @ v
    for i in range(m):
        for j in range(m):
            exact = (int(g[i, j]) * n - int(s[i]) * int(s[j])) / (n * (n - 1)) * 400
            assert got.cov[i, j] == pytest.approx(exact, rel=1e-14)


@given(st.integers(1, 300), st.integers(1, 12), st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_column_tallies_equal_the_row_rules(n, m, seed) -> None:
    """Asked, blank, on-scale counts, "all scale answers the same" and out-of-range, from the
    column-wise pass, equal the rules applied row by row."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(1, 6, size=(n, m)).astype(np.int8)
    holes = rng.random((n, m)) < 0.3
    codes[holes] = rng.choice(SPECIAL, size=int(holes.sum()))
    codes[rng.random(n) < 0.3] = rng.integers(1, 6)  # straight rows
    sat = sorted(rng.choice(m, size=int(rng.integers(1, m + 1)), replace=False).tolist())
    t = _tally(np.ascontiguousarray(codes.T), sat)
    for i, row in enumerate(codes):
        r = [int(x) for x in row[sat]]
        on = [x for x in r if x > 0]
        assert t.asked[i] == sum(x != -3 for x in r)
        assert t.blank[i] == sum(x == 0 for x in r)
        assert t.on_scale[i] == len(on)
        assert bool(t.same[i]) == (len(on) > 0 and len(set(on)) == 1)
        assert bool(t.invalid[i]) == (-9 in row.tolist())


def test_code_counts_equal_bincount_on_import_codes() -> None:
    """Counting the import's codes by comparison gives each column's bincount (the test in
    test_survey_statistics covers the fall-back for other codes)."""
    rng = np.random.default_rng(2)
    codes = rng.choice(np.array([1, 2, 3, 4, 5, 0, -1, -3, -9], np.int8), size=(3000, 6))
    want = np.stack([np.bincount(codes[:, j].astype(np.intp) + 16, minlength=32)
                     for j in range(6)])  # fmt: skip
    np.testing.assert_array_equal(code_counts(codes), want)


def test_group_codes_equal_factorize() -> None:
    """Codes read from a categorical column equal pd.factorize(sort=True): categories in
    their own (not alphabetical) order, unobserved ones left out; missing values fall back."""
    rng = np.random.default_rng(4)
    cat = pd.Categorical.from_codes(rng.choice([0, 2, 3], 500), ["乙", "甲", "丙", "丁"])
    for col in (pd.Series(cat), pd.Series(cat).astype(str),
                pd.Series(cat).where(rng.random(500) < 0.9)):  # fmt: skip
        got_codes, got_levels = _group_codes(col)
        want_codes, want_levels = pd.factorize(col, sort=True)
        assert np.array_equal(got_codes, want_codes)
        assert [str(x) for x in got_levels] == [str(x) for x in want_levels]


def _survey(n: int, seed: int) -> SurveyData:
    """A survey with a scale off the equal-step grid, reverse and importance items, item
    weights, and every special code."""
    rng = np.random.default_rng(seed)
    labels = ["很满意", "满意", "一般", "不满意", "很不满意"]
    scale = [ScaleLevel(label=lab, points=p)
             for lab, p in zip(labels, [100, 80, 60, 30, 0], strict=True)]  # fmt: skip
    items = [
        {"code": "A1", "text": "甲", "dimension": "环境", "weight": 2.0},
        {"code": "A2", "text": "乙", "dimension": "环境", "reverse": True},
        {"code": "B1", "text": "丙", "dimension": "服务", "weight": 0.5},
        {"code": "B2", "text": "丁", "dimension": "服务"},
        {"code": "C1", "text": "戊", "dimension": "服务"},
        {"code": "I1", "text": "甲重要性", "importance_of": "A1"},
    ]
    spec = QuestionnaireSpec(
        name="t", scale=scale, items=items, population=50 * n,
        dimensions=[{"name": "环境", "weight": 0.6}, {"name": "服务", "weight": 0.4}],
        groups=[{"name": "区", "column": "g"}],
    )  # fmt: skip
    codes = rng.integers(1, 6, size=(n, len(items))).astype(np.int8)
    holes = rng.random(codes.shape) < 0.08
    codes[holes] = rng.choice(SPECIAL[:3], size=int(holes.sum()))
    codes[rng.random(n) < 0.01, 3] = -9
    return SurveyData(
        spec=spec, codes=codes, respondent=np.arange(n), rows=np.arange(2, n + 2),
        duration=rng.integers(30, 900, n).astype(float),
        ip=rng.choice(np.array(["1.1.1.1", "2.2.2.2"], dtype=object), n), phone=None,
        groups=pd.DataFrame({"区": rng.choice(["东", "西", "南"], n)}),
        meta=pd.DataFrame(index=range(n)), pii=pd.DataFrame(index=range(n)),
    )  # fmt: skip


def test_analyze_equals_a_plain_computation() -> None:
    """Item counts (as answered and mirrored), dimension and overall scores, 满意率, group
    figures and Cronbach's α of analyze() against pandas on the kept rows, on a survey with
    reverse, importance and weighted items and a non-equal-step scale."""
    data = _survey(5000, 11)
    spec = data.spec
    res = analyze(data, weighted=False, bootstrap=0)
    keep = clean(data).keep
    raw = data.codes[keep]
    codes = oriented_codes(raw, spec.items, spec.k)
    pts_of = {1: 100.0, 2: 80.0, 3: 60.0, 4: 30.0, 5: 0.0}
    pts = pd.DataFrame(codes[:, :5]).apply(lambda c: c.map(pts_of))  # NaN when not valid
    for j in range(len(spec.items)):
        row = res.items.iloc[j]
        assert row["n_很满意"] == int((raw[:, j] == 1).sum())  # as answered
        valid = (codes[:, j] >= 1) & (codes[:, j] <= 5)
        assert row["n_valid"] == int(valid.sum())
        assert row["rate"] == pytest.approx(float((codes[valid, j] <= 2).mean()), rel=1e-12)
    iw = np.array([2.0, 1.0, 0.5, 1.0, 1.0])
    dims = {"环境": [0, 1], "服务": [2, 3, 4]}
    per = {}
    for d, js in dims.items():
        w = pts.iloc[:, js].notna() * iw[js]
        per[d] = (pts.iloc[:, js].fillna(0) * iw[js]).sum(axis=1) / w.sum(axis=1)
        got = res.dimensions.set_index("dimension").loc[d, "score"]
        assert got == pytest.approx(per[d].mean(), rel=1e-12)
    frame = pd.DataFrame(per)
    wts = pd.Series({"环境": 0.6, "服务": 0.4})
    index = (frame.fillna(0) * wts).sum(axis=1) / (frame.notna() * wts).sum(axis=1)
    assert res.overall["score"] == pytest.approx(index.mean(), rel=1e-12)
    valid = (codes[:, :5] >= 1) & (codes[:, :5] <= 5)
    sat = (codes[:, :5] >= 1) & (codes[:, :5] <= 2)
    assert res.overall["rate"] == pytest.approx(sat.sum() / valid.sum(), rel=1e-12)
    g = data.groups["区"].to_numpy()[keep]
    for lv, sub in index.groupby(g):
        row = res.groups["区"].set_index("level").loc[lv]
        assert row["score"] == pytest.approx(sub.mean(), rel=1e-12)
        assert row["n"] == len(sub)
    c = pts.dropna().to_numpy()
    kk = c.shape[1]
    alpha = kk / (kk - 1) * (1 - c.var(axis=0, ddof=1).sum() / c.sum(axis=1).var(ddof=1))
    assert res.reliability.alpha == pytest.approx(alpha, rel=1e-12)
    assert res.reliability.n == len(c)
