"""Group AHP, Delphi statistics and Kendall's W."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evallib.errors import InconsistentJudgementError, InputDataError
from evallib.weighting import ahp, delphi, group_ahp, kendall_w

E1 = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
E2 = [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
E3 = [[1, 1 / 3, 1 / 5], [3, 1, 1 / 3], [5, 3, 1]]  # reversed preferences
BAD = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # cyclic, very inconsistent


def test_aij_is_geometric_mean_of_judgements() -> None:
    g = group_ahp({"甲": E1, "乙": E2})
    agg = np.sqrt(np.array(E1) * np.array(E2))
    np.testing.assert_allclose(g.weights, ahp(agg, scale=False).weights, atol=1e-12)
    assert g.cr == pytest.approx(ahp(agg, scale=False).cr)


def test_aip_is_normalised_geometric_mean_of_priorities() -> None:
    g = group_ahp({"甲": E1, "乙": E2}, aggregate="aip", expert_weights={"甲": 3, "乙": 1})
    w1, w2 = ahp(E1).weights.to_numpy(), ahp(E2).weights.to_numpy()
    gm = w1**0.75 * w2**0.25
    np.testing.assert_allclose(g.weights, gm / gm.sum(), atol=1e-12)


def test_exclusion_and_expert_table() -> None:
    g = group_ahp({"甲": E1, "乙": E2, "丙": BAD}, exclude_inconsistent=True)
    t = g.experts
    assert not t.loc["丙", "consistent"] and not t.loc["丙", "included"]
    assert t.loc["甲", "weight"] == pytest.approx(0.5)
    np.testing.assert_allclose(g.weights, group_ahp({"甲": E1, "乙": E2}).weights)
    with pytest.raises(InconsistentJudgementError, match="CR"):
        group_ahp({"丙": BAD}, exclude_inconsistent=True)


def test_consensus_higher_when_experts_agree() -> None:
    agree = group_ahp({"甲": E1, "乙": E2})
    split = group_ahp({"甲": E1, "乙": E3})
    assert agree.consensus.w == pytest.approx(1.0)
    assert split.consensus.w < 0.5
    assert split.experts["gcompi"].mean() > agree.experts["gcompi"].mean()


def test_group_errors_name_the_expert() -> None:
    with pytest.raises(InconsistentJudgementError) as ei:
        group_ahp({"张三": E1, "李四": [[1, 2, 3], [2, 1, 1], [1, 1, 1]]})
    assert any(p.sheet == "李四" for p in ei.value.problems)


def test_kendall_w_hand_worked() -> None:
    """3 raters rank 4 items: rank sums 3, 7, 8, 12 (mean 7.5); S = 20.25 + 0.25 + 0.25 + 20.25
    = 41; W = 12·41 / (9·60) = 0.9111; χ² = 3·3·W = 8.2, df 3."""
    r = kendall_w([[1, 2, 3, 4], [1, 3, 2, 4], [1, 2, 3, 4]])
    assert r.w == pytest.approx(492 / 540)
    assert r.chi2 == pytest.approx(8.2) and r.df == 3
    assert r.p_value == pytest.approx(stats.chi2.sf(8.2, 3))


def test_kendall_w_equals_friedman_with_ties() -> None:
    """χ² = m(n−1)W equals scipy's tie-corrected Friedman statistic."""
    rng = np.random.default_rng(7)
    x = rng.integers(1, 6, size=(9, 5)).astype(float)  # Likert ratings: many ties
    r = kendall_w(x)
    fr = stats.friedmanchisquare(*x.T)
    assert r.chi2 == pytest.approx(fr.statistic)
    assert r.p_value == pytest.approx(fr.pvalue)


def test_delphi_rounds() -> None:
    rows = []
    r1 = {"甲": [5, 4, 5, 5], "乙": [2, 4, 5, 1], "丙": [3, 3, 4, 3]}
    r2 = {"甲": [5, 5, 5, 4], "乙": [4, 4, 5, 4], "丙": [3, 3, 3, 4]}
    for rnd, data in ((1, r1), (2, r2)):
        for ind, vals in data.items():
            for k, v in enumerate(vals):
                rows.append({"round": rnd, "expert": f"E{k}", "indicator": ind, "rating": v})
    res = delphi(pd.DataFrame(rows))
    t = res.table.set_index(["round", "indicator"])
    a = t.loc[(1, "甲")]
    assert a["mean"] == 4.75 and a["full_mark"] == 0.75
    assert a["cv"] == pytest.approx(np.std([5, 4, 5, 5], ddof=1) / 4.75)
    assert not t.loc[(1, "乙"), "passed"] and "变异系数" in t.loc[(1, "乙"), "reasons"]
    assert res.failing() == ["丙"]  # round 2: 丙 mean 3.25 < 3.5
    assert set(res.concordance["round"]) == {1, 2}
    assert (res.concordance["w"].between(0, 1)).all()


def test_delphi_bad_input() -> None:
    with pytest.raises(InputDataError, match="missing columns"):
        delphi(pd.DataFrame({"expert": [1], "rating": [3]}))
    with pytest.raises(InputDataError, match="0–5"):
        delphi(pd.DataFrame({"expert": [1, 2], "indicator": ["a", "a"], "rating": [3, 7]}))
