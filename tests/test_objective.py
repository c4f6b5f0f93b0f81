"""Entropy and CRITIC weights against published worked examples, stated rules, combination."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from evallib.errors import ConfigError, InputDataError
from evallib.weighting import EvalWarning, combine, critic, critic_table, entropy, entropy_table


@pytest.mark.parametrize(
    ("data", "expected", "decimals", "source"),
    [
        (
            [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]],
            [0.4630, 0.3992, 0.1378, 0.0000], 4,
            "Xu, X. (2004). A note on the subjective and objective integrated approach to "
            "determine attribute weights. EJOR 156(2), 530-532",
        ),
        (
            [[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]],
            [0.1146, 0.1981, 0.4185, 0.2689], 4,
            "Zavadskas, E. K., & Podvezko, V. (2016). Integrated determination of objective "
            "criteria weights in MCDM. IJITDM 15(02), 267-283",
        ),
        (
            [[256, 8, 41, 1.6, 1.77, 7347.16], [256, 8, 32, 1.0, 1.8, 6919.99],
             [256, 8, 53, 1.6, 1.9, 8400], [256, 8, 41, 1.0, 1.75, 6808.9],
             [512, 8, 35, 1.6, 1.7, 8479.99], [256, 4, 35, 1.6, 1.7, 7499.99]],
            [0.405, 0.221, 0.134, 0.199, 0.007, 0.034], 3,
            "Ersoy, Y. (2021). Equipment selection for an e-commerce company using entropy-based "
            "TOPSIS, EDAS and CODAS methods during the COVID-19. LogForum 17(3)",
        ),
    ],
)  # fmt: skip
def test_entropy_published(data: list, expected: list, decimals: int, source: str) -> None:
    """Published entropy weights (proportion-of-sum normalisation, as in the papers)."""
    w = entropy(np.array(data), normalization="sum")
    assert np.round(w, decimals).tolist() == expected, source


def test_critic_published() -> None:
    """Tuş, A., & Aytaç Adalı, E. (2019). The new combination with CRITIC and WASPAS methods for
    the time and attendance software selection problem. Opsearch 56(2), 528-538: weights
    0.157 0.249 0.168 0.121 0.154 0.151.  The printed weights reproduce with min-max
    normalisation of every column as a benefit criterion (the paper's first criterion, cost,
    is not reversed at this step) — which is why evallib makes ``directions`` explicit."""
    x = np.array([[5000, 3, 3, 4, 3, 2], [680, 5, 3, 2, 2, 1], [2000, 3, 2, 3, 4, 3],
                  [600, 4, 3, 1, 2, 2], [800, 2, 4, 3, 3, 4]], dtype=float)  # fmt: skip
    assert np.round(critic(x), 3).tolist() == [0.157, 0.249, 0.168, 0.121, 0.154, 0.151]
    reversed_ = critic(x, directions=["cost", *["benefit"] * 5])
    assert np.round(reversed_, 3).tolist() != [0.157, 0.249, 0.168, 0.121, 0.154, 0.151]


def test_dataframe_in_series_out() -> None:
    df = pd.DataFrame({"到位率": [90, 95, 100], "执行率": [80, 99, 60], "投诉数": [5, 1, 3]})
    w = entropy(df, directions={"投诉数": "cost"})
    assert isinstance(w, pd.Series) and list(w.index) == list(df.columns)
    t = entropy_table(df, directions={"投诉数": "cost"})
    assert {"entropy", "divergence", "weight"} <= set(t.columns)
    assert isinstance(critic(df), pd.Series)
    assert critic_table(df)["weight"].sum() == pytest.approx(1)


def test_cost_direction_changes_weights() -> None:
    x = np.array([[1, 10, 3], [2, 30, 1], [4, 20, 2], [8, 25, 6.0]])
    assert not np.allclose(entropy(x), entropy(x, directions=["benefit", "cost", "benefit"]))


def test_zero_log_zero_and_constant_column() -> None:
    x = np.array([[0, 1, 5], [0, 2, 5], [3, 3, 5.0]])
    with pytest.warns(EvalWarning, match="constant column"):
        w = entropy(x)
    assert w[2] == 0 and np.isfinite(w).all() and w.sum() == pytest.approx(1)
    with pytest.warns(EvalWarning):
        c = critic(x)
    assert c[2] == 0 and c.sum() == pytest.approx(1)


@pytest.mark.parametrize(
    ("data", "kwargs", "fragment"),
    [
        ([[1, 2], [1, 2]], {}, "取值相同"),
        ([[1, 2]], {}, "至少需要 2 个"),
        ([[1, -2], [2, 3]], {"normalization": "sum"}, "不能为负"),
        ([[1, 0], [2, 3]], {"normalization": "sum", "directions": ["benefit", "cost"]}, "不能为 0"),
        ([[1, np.nan], [2, 3]], {}, "number"),
    ],
)
def test_objective_errors(data: list, kwargs: dict, fragment: str) -> None:
    with pytest.raises(InputDataError, match=fragment):
        entropy(np.array(data, dtype=float), **kwargs)


def test_bad_direction_and_normalization() -> None:
    with pytest.raises(ConfigError, match="benefit"):
        entropy([[1, 2], [2, 1]], directions=["up", "down"])
    with pytest.raises(ConfigError, match="minmax"):
        critic([[1, 2], [2, 1]], normalization="zscore")


def test_negative_values_fine_for_minmax() -> None:
    w = entropy([[-5, 1], [0, 2], [5, 4.0]])
    assert w.sum() == pytest.approx(1) and (w > 0).all()


@given(arrays(float, st.tuples(st.integers(3, 12), st.integers(2, 6)),
              elements=st.floats(0, 1000, allow_nan=False)))  # fmt: skip
def test_weights_sum_to_one(x: np.ndarray) -> None:
    if not (x.max(axis=0) > x.min(axis=0)).any():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvalWarning)
        for f in (entropy, critic):
            w = f(x)
            assert w.sum() == pytest.approx(1) and (w >= 0).all()


def test_combine() -> None:
    s = pd.Series([0.5, 0.3, 0.2], index=list("abc"))
    o = pd.Series([0.2, 0.5, 0.3], index=list("bca"))  # same criteria, other order
    lin = combine(s, o, alpha=0.6)
    assert lin["a"] == pytest.approx(0.6 * 0.5 + 0.4 * 0.3)
    mult = combine(s, o, method="multiplicative")
    assert mult["a"] == pytest.approx(0.15 / (0.15 + 0.06 + 0.1))
    with pytest.raises(ConfigError):
        combine(s, pd.Series([0.5, 0.5], index=["a", "x"]))
    with pytest.raises(ConfigError):
        combine(s, o, alpha=1.5)
