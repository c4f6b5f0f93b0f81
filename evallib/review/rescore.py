"""Re-scoring published rows: every row read by the scoring core's parser and scored by its
formulas under every documented variant (RULES.md §3–§5, §9).

Nothing here has its own arithmetic: :func:`evallib.formulas.quantitative_score`,
:func:`evallib.rounding.round_array`, :func:`evallib.rules.tier_bands`,
:func:`evallib.rules.yes_no_answer` and :func:`evallib.rules.budget_rate` do the work; this
module only applies them to columns and records which variant reproduces each published number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import EvalError
from ..formulas import quantitative_score
from ..parsing import parse_series, parse_value
from ..rounding import round_array
from ..rules import tier_bands, yes_no_answer

__all__ = ["TOL", "VARIANTS", "VARIANT_ZH", "Rescored", "rescore", "round_variant"]

TOL = 0.005  # published numbers are read to 2 decimals

#: (name, formula for ≤ targets, rounding) — national first.
VARIANTS: list[tuple[str, str, str]] = [
    ("national", "ratio", "2"),
    ("platform", "linear", "2"),
    ("integer", "ratio", "0"),
    ("one_decimal", "ratio", "1"),
    ("round_down", "ratio", "down2"),
    ("integer_down", "ratio", "down0"),
    ("platform_integer", "linear", "0"),
    ("platform_one_decimal", "linear", "1"),
]
VARIANT_ZH = {
    "national": "国家口径",
    "platform": "平台口径（反向指标线性计分）",
    "integer": "得分取整",
    "one_decimal": "得分保留一位小数",
    "round_down": "得分向下舍去",
    "integer_down": "得分向下取整",
    "platform_integer": "平台口径且得分取整",
    "platform_one_decimal": "平台口径且保留一位小数",
    "tiers_80_50": "定性分档 80/50",
    "budget_initial": "执行率以年初预算数为分母",
    "budget_no_cap": "预算执行率得分不封顶",
    "budget_rate_unrounded": "执行率不先取舍",
    "budget_rate_integer": "执行率先取整",
}

def round_variant(x: np.ndarray, mode: str) -> np.ndarray:
    """A variant's rounding ("2", "1", "0" half-up; "down2", "down0" truncated) through the one
    rounding helper of the scoring core."""
    if mode.startswith("down"):
        return round_array(x, int(mode[4:]), "down")
    return round_array(x, int(mode), "half_up")


def _bands(w: np.ndarray, bounds: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Lower limits of the 达成 and 部分达成 bands per row, from the core's :func:`tier_bands`."""
    uniq, inv = np.unique(np.nan_to_num(w), return_inverse=True)
    b = [tier_bands(float(x), bounds) for x in uniq]
    top = np.array([d["achieved"][0] for d in b])[inv]
    mid = np.array([d["partial"][0] for d in b])[inv]
    return top, mid


def _yes_no(actual: pd.Series) -> np.ndarray:
    """The core's 是/否 reading of each distinct actual (None where it gives neither)."""
    codes, uniq = pd.factorize(actual.astype("string").fillna(""))
    vals = []
    for u in uniq:
        try:
            vals.append(yes_no_answer(parse_value(u)))
        except EvalError:
            vals.append(None)
    return np.array([*vals, None], dtype=object)[codes]




@dataclass
class Rescored:
    """Per-row arrays of the re-scoring (aligned with the input rows).

    ``kind`` is quantitative / yes_no / qualitative / unit_mismatch / unparseable;
    ``scores`` maps each variant to its score; ``reproduced`` names the first variant that
    gives the published score ("" when none); ``missed`` marks quantitative rows whose target
    was not reached.
    """

    w: np.ndarray
    pub: np.ndarray
    op: np.ndarray
    a: np.ndarray
    t_lo: np.ndarray
    t_hi: np.ndarray
    t_numeric: np.ndarray
    unit_bad: np.ndarray
    parse_err: np.ndarray
    quant: np.ndarray
    is_bool: np.ndarray
    qual: np.ndarray
    unparse: np.ndarray
    known: np.ndarray
    band_nat: np.ndarray
    band_5: np.ndarray
    kind: np.ndarray
    missed: np.ndarray
    a_dim: np.ndarray
    t_err: np.ndarray
    a_err: np.ndarray
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    reproduced: np.ndarray = field(default_factory=lambda: np.array([]))

    @property
    def scorable(self) -> np.ndarray:
        return self.quant | self.is_bool | self.qual


def _read(rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """Targets and actuals through the core parser; kinds of rows."""
    n = len(rows)
    tp, ap = parse_series(rows["target"]), parse_series(rows["actual"])
    t_op = tp["op"].to_numpy(object)
    t_num = tp["num"].to_numpy(float)
    t_lo = np.where(t_op == "range", tp["low"].to_numpy(float), t_num)
    t_hi = np.where(t_op == "range", tp["high"].to_numpy(float), t_num)
    t_numeric = ~np.isnan(t_lo)
    both_units = tp["unit_written"].to_numpy(bool) & ap["unit_written"].to_numpy(bool)
    unit_bad = both_units & (tp["dim"].to_numpy(object) != ap["dim"].to_numpy(object))
    factor = np.where(both_units & ~unit_bad,
                      ap["factor"].to_numpy(float) / tp["factor"].to_numpy(float), 1.0)  # fmt: skip
    t_bool = tp["boolean"].to_numpy(object)
    yes_no_target = ~pd.isna(t_bool) & ~t_numeric
    a_bool = np.full(n, None, dtype=object)  # the core's 是/否 reading of the actual
    if yes_no_target.any():
        a_bool[yes_no_target] = _yes_no(rows["actual"][yes_no_target])
    parse_err = tp["error"].notna().to_numpy() | (ap["error"].notna().to_numpy() & t_numeric)
    parse_err |= yes_no_target & pd.isna(a_bool)  # a 是/否 indicator whose actual says neither
    return {
        "op": np.where(pd.isna(t_op), ">=", t_op).astype(object), "t_lo": t_lo, "t_hi": t_hi,
        "a": np.clip(ap["num"].to_numpy(float) * factor, 0, None), "t_numeric": t_numeric,
        "a_numeric": ~np.isnan(ap["num"].to_numpy(float)), "unit_bad": unit_bad,
        "t_bool": t_bool, "a_bool": a_bool, "yes_no_target": yes_no_target,
        "is_bool": yes_no_target & ~pd.isna(a_bool), "parse_err": parse_err,
        "tier": ap["tier"].to_numpy(object), "a_dim": ap["dim"].to_numpy(object),
        "t_err": tp["error"].to_numpy(object), "a_err": ap["error"].to_numpy(object),
    }  # fmt: skip


def _kinds(r: dict[str, np.ndarray]) -> None:
    r["quant"] = r["t_numeric"] & r["a_numeric"] & ~r["unit_bad"] & ~r["parse_err"]
    r["qual"] = ~r["t_numeric"] & ~r["yes_no_target"] & ~r["parse_err"]
    r["unparse"] = (r["t_numeric"] & ~r["a_numeric"] & ~r["parse_err"]) | r["parse_err"]
    r["kind"] = np.select(
        [r["quant"], r["is_bool"], r["qual"], r["unit_bad"]],
        ["quantitative", "yes_no", "qualitative", "unit_mismatch"], "unparseable",
    ).astype(object)  # fmt: skip


def _variant_scores(r: dict[str, np.ndarray], w: np.ndarray) -> dict[str, np.ndarray]:
    """Quantitative and yes/no scores under every variant."""
    op, a, lo, hi = r["op"], r["a"], r["t_lo"], r["t_hi"]
    raws = {f: np.nan_to_num(quantitative_score(op, a, lo, w, high=hi, reverse=f))
            for f in ("ratio", "linear")}  # fmt: skip
    yn = np.where(r["is_bool"] & (r["a_bool"] == r["t_bool"]), w, 0.0)  # same under every variant
    return {name: np.where(r["is_bool"], yn, round_variant(raws[formula], rnd))
            for name, formula, rnd in VARIANTS}  # fmt: skip


def _qualitative(r: dict[str, np.ndarray], w: np.ndarray, pub: np.ndarray,
                 scores: dict[str, np.ndarray]) -> None:  # fmt: skip
    """Tier bands 80/60 (national) and 80/50: a published score inside its tier's band stands;
    otherwise the core's default point (band top for 达成, midpoint otherwise)."""
    tier = r["tier"]
    r["known"] = r["qual"] & ~pd.isna(tier)

    def in_band(bounds: tuple[float, float]) -> np.ndarray:
        top, mid = _bands(w, bounds)
        return np.select(
            [tier == "achieved", tier == "partial", tier == "not_achieved"],
            [(pub >= top - 1e-9) & (pub <= w + 1e-9), (pub >= mid - 1e-9) & (pub < top - 1e-9),
             (pub >= -1e-9) & (pub < mid - 1e-9)], False,
        )  # fmt: skip

    r["band_nat"], r["band_5"] = in_band((0.8, 0.6)), in_band((0.8, 0.5))
    top6, mid6 = _bands(w, (0.8, 0.6))
    default_pt = round_variant(np.select([tier == "achieved", tier == "partial"],
                                         [w, (mid6 + top6) / 2], mid6 / 2), "2")  # fmt: skip
    qual_score = np.where(r["band_nat"] | r["band_5"], pub, default_pt)
    qual_score = np.where(r["qual"] & ~r["known"], pub, qual_score)  # cannot judge: keep
    for name in scores:
        scores[name] = np.where(r["qual"], qual_score, scores[name])


def _reproduction(r: dict[str, np.ndarray], pub: np.ndarray,
                  scores: dict[str, np.ndarray]) -> np.ndarray:  # fmt: skip
    names = np.array(["", *(name for name, _, _ in VARIANTS), "tiers_80_50"], dtype=object)
    which = np.zeros(len(pub), dtype=np.intp)  # index into names; 0 = none
    hit = r["quant"] | r["is_bool"]
    for k in range(len(VARIANTS), 0, -1):  # the first variant in the list wins
        which[hit & (np.abs(scores[names[k]] - pub) <= TOL)] = k
    which[r["known"] & r["band_5"]] = len(names) - 1
    which[r["known"] & r["band_nat"]] = 1 + [n for n, _, _ in VARIANTS].index("national")
    return names[which]


def _missed(r: dict[str, np.ndarray]) -> np.ndarray:
    op, a, lo, hi = r["op"], r["a"], r["t_lo"], r["t_hi"]
    return r["quant"] & np.select(
        [np.isin(op, ["<=", "<"]), op == "=", op == "range"],
        [a > lo + 1e-9, np.abs(a - lo) > 1e-9, (a < lo - 1e-9) | (a > hi + 1e-9)],
        a < lo - 1e-9,
    )


def rescore(rows: pd.DataFrame) -> Rescored:
    """Re-score every row under every variant (see the module docstring)."""
    w = rows["points"].to_numpy(float)
    pub = rows["score"].to_numpy(float)
    r = _read(rows)
    _kinds(r)
    scores = _variant_scores(r, w)
    _qualitative(r, w, pub, scores)
    return Rescored(
        w=w, pub=pub, op=r["op"], a=r["a"], t_lo=r["t_lo"], t_hi=r["t_hi"],
        t_numeric=r["t_numeric"], unit_bad=r["unit_bad"], parse_err=r["parse_err"],
        quant=r["quant"], is_bool=r["is_bool"], qual=r["qual"], unparse=r["unparse"],
        known=r["known"], band_nat=r["band_nat"], band_5=r["band_5"], kind=r["kind"],
        missed=_missed(r), a_dim=r["a_dim"], t_err=r["t_err"], a_err=r["a_err"],
        scores=scores, reproduced=_reproduction(r, pub, scores),
    )  # fmt: skip
