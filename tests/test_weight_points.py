"""to_points, hierarchical weights, write-back into a system, sensitivity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evallib import evaluate, load_evidence, templates
from evallib.errors import ConfigError
from evallib.weighting import ROOT, ahp, apply_points, hierarchical, sensitivity, to_points

from .conftest import DEMO_EVIDENCE


@pytest.mark.parametrize(
    ("weights", "total", "decimals", "expected"),
    [
        ([1 / 3, 1 / 3, 1 / 3], 100, 0, [34, 33, 33]),  # naive rounding gives 99
        ([0.125, 0.125, 0.75], 10, 0, [1, 1, 8]),  # quotas 1.25 1.25 7.5: largest remainder
        ([0.25, 0.25, 0.5], 10, 0, [3, 2, 5]),  # quotas 2.5 2.5 5: tie goes to the earlier
        ([0.155, 0.345, 0.5], 20, 1, [3.1, 6.9, 10.0]),
        ([2, 1, 1], 30, 0, [15, 8, 7]),  # unnormalised input
        ([0.0, 1.0], 5, 0, [0, 5]),
    ],
)
def test_to_points(weights: list, total: float, decimals: int, expected: list) -> None:
    assert to_points(weights, total, decimals).tolist() == expected


@given(st.lists(st.floats(0.001, 1), min_size=1, max_size=25), st.integers(1, 200),
       st.sampled_from([0, 1, 2]))  # fmt: skip
def test_to_points_sums_exactly(w: list, total: int, decimals: int) -> None:
    pts = to_points(w, total, decimals)
    assert round(sum(pts), 6) == total
    unit = 10.0**-decimals
    quotas = np.array(w) / sum(w) * total
    assert (np.abs(pts - quotas) < unit + 1e-9).all()  # each within one unit of its quota


def test_to_points_errors() -> None:
    with pytest.raises(ConfigError):
        to_points([0, 0], 10)
    with pytest.raises(ConfigError, match="整数倍"):
        to_points([1, 1], 10.5, 0)


def test_hierarchical_writes_points_that_add_up_everywhere() -> None:
    system = templates.load("key_project")
    top = ahp([[1, 1 / 2, 1 / 3, 1 / 2], [2, 1, 1 / 2, 1], [3, 2, 1, 2], [2, 1, 1 / 2, 1]],
              labels=["决策", "过程", "产出", "效益"])  # fmt: skip
    h = hierarchical(system, {ROOT: top, "4.1": {"4.1.1": 1, "4.1.2": 2, "4.1.3": 1,
                                                 "4.1.4": 1, "4.1.5": 2}})  # fmt: skip
    t = h.table.set_index("code")
    assert t.loc[["1", "2", "3", "4"], "points"].sum() == 100
    assert t["global_weight"][t["is_leaf"]].sum() == pytest.approx(1)
    assert t.loc["4.1.2", "source"] == "judgement" and t.loc["1.1", "source"] == "existing"
    new = apply_points(system, h.points())
    for _, node in new.walk():  # validated: children add up to parents at every level
        if node.children:
            assert sum(c.points for c in node.children) == pytest.approx(node.points)
    # criteria points follow the new 分值 (rule stays valid)
    crit = new.find("1.1.1").rule.params["criteria"]
    assert sum(c["points"] for c in crit) == pytest.approx(new.find("1.1.1").points)


def test_hierarchical_rejects_unknown_node() -> None:
    with pytest.raises(ConfigError, match=r"9\.9"):
        hierarchical(templates.load("key_project"), {"9.9": {"a": 1}})


def test_sensitivity_seeded_and_sensible() -> None:
    res = evaluate(templates.load("key_project"), load_evidence(DEMO_EVIDENCE))  # 89.12 良
    a = sensitivity(res, spread=0.2, n=3000, seed=42)
    b = sensitivity(res, spread=0.2, n=3000, seed=42)
    assert a.to_dict() == b.to_dict()
    assert a.probabilities.sum() == pytest.approx(1)
    assert a.total_low < res.total < a.total_high
    assert 0 < a.probabilities["优"] < 1 and a.probabilities["良"] > 0.3
    none = sensitivity(res, spread=0.0, n=50, seed=1)
    assert none.probabilities["良"] == 1.0 and none.total_mean == pytest.approx(res.total)
    assert "随机种子 42" in a.summary_zh()


def test_sensitivity_respects_caps() -> None:
    """With execution below 85 % the cap keeps every draw at 良 or below."""
    ev = load_evidence(DEMO_EVIDENCE)
    ev.budget["全年执行数"] = 2400  # 80 % of funds received
    res = evaluate(templates.load("key_project"), ev)
    assert res.grade_ceiling == "良"
    s = sensitivity(res, spread=0.3, n=2000, seed=3)
    assert s.probabilities.get("优", 0) == 0


def test_sensitivity_with_samples() -> None:
    res = evaluate(templates.load("key_project"), load_evidence(DEMO_EVIDENCE))
    codes = res.indicators["code"].tolist()
    samples = pd.DataFrame([res.indicators["points"].to_numpy()] * 10, columns=codes)
    s = sensitivity(res, weight_samples=samples)
    assert s.n == 10 and s.total_mean == pytest.approx(res.total) and s.method == "samples"
    with pytest.raises(ConfigError, match="缺少指标"):
        sensitivity(res, weight_samples=samples.drop(columns=codes[0]))
