"""AHP on one matrix: published examples, an independent implementation, properties, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evallib.errors import ConfigError, InconsistentJudgementError
from evallib.weighting import RI_TABLES, ahp, random_index

HOUSE = [
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]


def test_saaty_house_example() -> None:
    """Saaty, T. L. (1990). How to make a decision: The analytic hierarchy process. EJOR 48,
    9-26, Table 1 (house criteria): λmax = 9.669, CI = 0.238, CR = 0.169 (RI 1.41),
    priorities .173 .054 .188 .018 .031 .036 .167 .333."""
    r = ahp(HOUSE)
    assert round(r.lambda_max, 3) == 9.669
    assert round(r.ci, 3) == 0.238
    assert round(r.cr, 3) == 0.169 and not r.consistent
    assert r.weights.round(3).tolist() == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]


def test_diagnosis_points_at_the_worst_judgement() -> None:
    """In the house matrix, neighbourhood vs. condition (6) disagrees most with the priorities
    (implied ratio ≈ 1.1); the suggestion is on the 1–9 scale."""
    adj = ahp(HOUSE).diagnose(top=1)[0]
    assert (adj.row, adj.col, adj.current) == ("3", "7", 6.0)
    assert adj.suggested == "1"
    # Revising it as suggested makes the matrix much more consistent.
    fixed = [row[:] for row in HOUSE]
    fixed[2][6], fixed[6][2] = 1, 1
    assert ahp(fixed).consistent and ahp(fixed).cr < 0.09  # 0.169 → 0.088


def _random_reciprocal(rng: np.random.Generator, n: int) -> np.ndarray:
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9]
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = rng.choice(scale)
            a[j, i] = 1 / a[i, j]
    return a


@pytest.mark.parametrize("n", range(3, 13))
def test_eigen_matches_numpy(n: int) -> None:
    """Independent implementation: numpy's dense eigen-decomposition (LAPACK) vs. our power
    iteration, on seeded random reciprocal matrices; weights and λmax to 1e-6."""
    rng = np.random.default_rng(1000 + n)
    for _ in range(5):
        a = _random_reciprocal(rng, n)
        vals, vecs = np.linalg.eig(a)
        k = int(np.argmax(vals.real))
        w = np.abs(vecs[:, k].real)
        w /= w.sum()
        r = ahp(a)
        np.testing.assert_allclose(r.weights.to_numpy(), w, atol=1e-6)
        assert r.lambda_max == pytest.approx(vals[k].real, abs=1e-6)


def test_methods_and_textbook_3x3() -> None:
    """A 3×3 example worked by hand: geometric means (15^(1/3), 1, (1/15)^(1/3)) normalise to
    0.6370, 0.2583, 0.1047; λmax = 3.0385, CI = 0.0193, CR = 0.0332 with RI(3) = 0.58."""
    a = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    g = ahp(a, "geometric")
    assert g.weights.round(4).tolist() == [0.637, 0.2583, 0.1047]
    assert round(g.lambda_max, 4) == 3.0385 and round(g.cr, 4) == 0.0332
    for m in ("eigen", "normalized_columns"):
        np.testing.assert_allclose(ahp(a, m).weights, g.weights, atol=0.01)


@pytest.mark.parametrize("n", [1, 2])
def test_small_matrices_always_consistent(n: int) -> None:
    a = [[1]] if n == 1 else [[1, 9], [1 / 9, 1]]
    r = ahp(a)
    assert r.cr == 0 and r.consistent


def test_input_forms_agree() -> None:
    labels = ["甲", "乙", "丙"]
    arr = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    df = pd.DataFrame(arr, index=labels, columns=labels)
    upper = {("甲", "乙"): 3, ("甲", "丙"): "5", ("乙", "丙"): "3"}
    text = [["1", "3", "5"], ["1/3", "1", "3"], ["1/5", "１／３", "1"]]
    ws = [ahp(x, labels=labels).weights.tolist() for x in (arr, df, upper, text)]
    for w in ws[1:]:
        np.testing.assert_allclose(w, ws[0])
    assert list(ahp(upper).weights.index) == labels


def test_ri_tables_named_and_cited() -> None:
    assert {"saaty1980", "saaty2005", "chinese", "alonso_lamata", "donegan_dodd"} <= set(RI_TABLES)
    for t in RI_TABLES.values():
        assert len(t["values"]) == 15 and t["source"]
    assert random_index(3) == 0.58 and random_index(3, "chinese") == 0.52
    assert random_index(15) == 1.59
    r = ahp(HOUSE, ri_table="donegan_dodd")
    assert r.ri == 1.3171 and r.cr == pytest.approx(r.ci / 1.3171)


# --------------------------------------------------------------------------- properties
@st.composite
def consistent_matrix(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(3, 9))
    v = np.array(draw(st.lists(st.floats(0.05, 10), min_size=n, max_size=n)))
    return np.outer(v, 1 / v), v / v.sum()


@given(consistent_matrix(), st.sampled_from(["eigen", "geometric", "normalized_columns"]))
def test_consistent_matrix_recovers_weights(mw: tuple, method: str) -> None:
    a, w = mw
    r = ahp(a, method, scale=False)
    np.testing.assert_allclose(r.weights, w, atol=1e-9)
    assert r.cr == pytest.approx(0, abs=1e-9)


@given(st.integers(3, 10), st.integers(0, 10_000))
def test_weights_positive_sum_to_one_and_permute(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = _random_reciprocal(rng, n)
    r = ahp(a)
    assert (r.weights > 0).all() and r.weights.sum() == pytest.approx(1)
    perm = rng.permutation(n)
    rp = ahp(a[np.ix_(perm, perm)])
    np.testing.assert_allclose(rp.weights.to_numpy(), r.weights.to_numpy()[perm], atol=1e-9)
    assert rp.cr == pytest.approx(r.cr, abs=1e-9)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("matrix", "fragment"),
    [
        ([[1, 2], [2, 1]], "not reciprocal"),
        ([[1, 0], [0, 1]], "positive number"),
        ([[1, -3], [-1 / 3, 1]], "positive number"),
        ([[1, 2, 3], [1 / 2, 1]], "square"),
        ([[2, 1], [1, 1]], "diagonal"),
        ([[1, "较重要"], [1, 1]], "positive number"),
        ([[1, 10], [1 / 10, 1]], "off scale"),
        ([[1, 2.5], [0.4, 1]], "off scale"),
    ],
)
def test_bad_matrices(matrix: list, fragment: str) -> None:
    with pytest.raises(InconsistentJudgementError, match=fragment):
        ahp(matrix)


def test_all_problems_at_once() -> None:
    with pytest.raises(InconsistentJudgementError) as ei:
        ahp([[1, 2, "x"], [2, 1, 3], [1, 1, 1]], labels=["A", "B", "C"])
    assert len(ei.value.problems) >= 3
    assert "A 对 C" in str(ei.value)


def test_n_above_15_needs_a_table() -> None:
    with pytest.raises(ConfigError, match="15"):
        ahp(np.ones((16, 16)))
    with pytest.raises(ConfigError, match="saaty1980"):
        ahp(HOUSE, ri_table="nope")
