"""Satisfaction scores from cleaned survey data (RULES.md §8): always both figures —
满意率 (share of the top ``satisfied_top`` levels among valid answers) and 满意度得分 (mean of
the points) — per item, dimension, overall and group, with 95 % intervals, sample adequacy,
reliability, optional weights, and importance–performance analysis.

Definitions
-----------
valid answer
    a scale answer (1..k); blanks (空), "不了解/不适用" and skipped items are excluded from the
    denominator (RULES.md §8), and counted separately.
item figures
    rate = satisfied / valid (Wilson interval with FPC); score = mean points (t interval
    with FPC).
dimension score
    per respondent, the item-weighted mean points of their valid answers in the dimension;
    the dimension score is the mean over respondents (t interval); its rate pools the answers.
overall index
    per respondent, the dimension-weighted mean of their dimension scores (dimensions without
    answers dropped and the weights renormalised); the index is the (weighted) mean over
    respondents, with a seeded bootstrap interval (percentile, B resamples of respondents) for
    n ≤ ``bootstrap_max``, else the t interval.  The overall rate pools all valid answers.
groups
    the overall rate and index per level of each group variable.
weights
    with ``margins`` in the spec, respondents are raked to the population margins; weighted
    figures use the weights and report the Kish effective sample size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputDataError
from ..present import fmt_p
from ..rounding import round_half_up
from .clean import CleaningResult, clean, code_counts
from .importer import SurveyData
from .reliability import AlphaResult, alpha_from_cov, bartlett_from_corr, kmo_from_corr
from .respondents import respondent_sums
from .spec import QuestionnaireSpec
from .stats import margin_of_error, required_sample_size, t_interval, wilson_interval
from .weights import WeightResult, rake

__all__ = ["SurveyResult", "analyze", "oriented_codes", "points_matrix"]


def oriented_codes(codes: np.ndarray, items: list[Any], k: int) -> np.ndarray:
    """Codes with reverse items mirrored (position j → k+1−j; other codes unchanged), so that
    position 1 is the best answer for every item — the one place ``reverse`` is applied, for
    points, 满意率 and every figure built on them."""
    rev = [j for j, it in enumerate(items) if it.reverse]
    if not rev:
        return codes
    out = codes.copy()
    block = out[:, rev]
    on_scale = (block >= 1) & (block <= k)
    out[:, rev] = np.where(on_scale, k + 1 - block, block)
    return out


def points_matrix(
    codes: np.ndarray, spec: QuestionnaireSpec, items: list[Any] | None = None
) -> np.ndarray:
    """float32 points per answer (NaN where not a valid scale answer), reverse items mirrored.
    ``codes`` are the positions as read; ``items`` the spec items of its columns (default:
    all)."""
    items = spec.items if items is None else items
    k = spec.k
    lut = np.full(256, np.nan, dtype=np.float32)
    lut[1 : k + 1] = np.array([lv.points for lv in spec.scale], dtype=np.float32)
    return lut[oriented_codes(codes, items, k).astype(np.uint8)]


def _kept_counts(data: SurveyData, cl: CleaningResult) -> np.ndarray:
    """Answers per item and code among the kept responses, as given (not mirrored): the
    cleaning's counts over all responses less those of the excluded ones."""
    if cl.code_counts is None:
        return code_counts(data.codes[cl.keep])
    return cl.code_counts - code_counts(data.codes[~cl.keep])


def _mirrored_counts(counts: np.ndarray, items: list[Any], k: int) -> np.ndarray:
    """Counts of :func:`oriented_codes`: positions 1..k of reverse items read backwards."""
    rev = [j for j, it in enumerate(items) if it.reverse]
    if not rev:
        return counts
    out = counts.copy()
    out[rev, 17 : 17 + k] = counts[rev, 17 : 17 + k][:, ::-1]
    return out


def _columns(codes: np.ndarray, idx: list[int]) -> np.ndarray:
    """``codes[:, idx]``, as a view when the columns are one run (no copy of the matrix)."""
    if idx and idx == list(range(idx[0], idx[-1] + 1)):
        return codes[:, idx[0] : idx[-1] + 1]
    return codes[:, idx]


def _group_codes(col: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize(col, sort=True)``; for a categorical column without missing values,
    read from its codes (the observed categories in their order) without hashing."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        if codes.size and codes.min() >= 0:
            seen = np.bincount(codes, minlength=len(col.cat.categories)) > 0
            new = np.cumsum(seen) - 1
            return new[codes], col.cat.categories[seen]
    return pd.factorize(col, sort=True)


def _wmean(x: np.ndarray, w: np.ndarray | None) -> tuple[float, float, float]:
    """Weighted mean, sd and effective n over non-NaN values."""
    ok = ~np.isnan(x)
    xs = x[ok].astype(np.float64)
    if xs.size == 0:
        return np.nan, np.nan, 0.0
    if w is None:
        return float(xs.mean()), float(xs.std(ddof=1)) if xs.size > 1 else np.nan, float(xs.size)
    ws = w[ok]
    m = float((ws * xs).sum() / ws.sum())
    var = float((ws * (xs - m) ** 2).sum() / ws.sum()) * xs.size / max(xs.size - 1, 1)
    n_eff = ws.sum() ** 2 / (ws * ws).sum()
    return m, var**0.5, float(n_eff)


@dataclass
class SurveyResult:
    """All figures of a satisfaction survey; tables have fixed English column names, and the
    ``*_zh`` methods give the report tables with Chinese headers."""

    spec: QuestionnaireSpec
    cleaning: CleaningResult
    items: pd.DataFrame
    dimensions: pd.DataFrame
    overall: dict[str, Any]
    groups: dict[str, pd.DataFrame]
    reliability: AlphaResult | None
    validity: dict[str, Any]
    sample: dict[str, Any]
    ipa: pd.DataFrame | None
    weighting: WeightResult | None
    params: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ into the evaluation
    def indicator_value(self, metric: str = "rate") -> str:
        """The figure for a from_survey indicator, e.g. "91.23%" (rate) or "86.40" (score)."""
        if metric == "rate":
            return f"{self.overall['rate'] * 100:.2f}%"
        return f"{self.overall['score']:.2f}"

    def evidence_item(self, metric: str = "rate") -> dict[str, Any]:
        """Evidence for the scoring core's ``from_survey`` rule, with the interval as reason."""
        o = self.overall
        if metric == "rate":
            note = (
                f"有效答卷 {self.cleaning.n_kept} 份，"
                f"95% 区间 {o['rate_low']:.2%}–{o['rate_high']:.2%}"
            )
        else:
            note = (
                f"有效答卷 {self.cleaning.n_kept} 份，"
                f"95% 区间 {o['score_low']:.2f}–{o['score_high']:.2f}"
            )
        return {"actual": self.indicator_value(metric), "reason": note}

    # ------------------------------------------------------------------ report tables
    def items_zh(self) -> pd.DataFrame:
        t = self.items
        out = pd.DataFrame(
            {
                "编码": t["code"],
                "题目": t["label"],
                "维度": t["dimension"],
                "有效回答": t["n_valid"],
            }
        )
        for lv in self.spec.scale:
            out[lv.label] = t[f"n_{lv.label}"]
        out["满意率"] = t["rate"]
        out["满意率区间"] = [
            f"{a:.1%}–{b:.1%}" for a, b in zip(t["rate_low"], t["rate_high"], strict=True)
        ]
        out["满意度得分"] = t["score"]
        out["得分区间"] = [
            f"{a:.1f}–{b:.1f}" for a, b in zip(t["score_low"], t["score_high"], strict=True)
        ]
        out["不了解/不适用"] = t["n_dont_know"]
        out["跳过"] = t["n_skipped"]
        return out

    def dimensions_zh(self) -> pd.DataFrame:
        t = self.dimensions
        return pd.DataFrame(
            {
                "维度": t["dimension"],
                "权重": t["weight"],
                "题目数": t["n_items"],
                "满意率": t["rate"],
                "满意度得分": t["score"],
                "得分区间": [
                    f"{a:.1f}–{b:.1f}" for a, b in zip(t["score_low"], t["score_high"], strict=True)
                ],
            }
        )

    def groups_zh(self, name: str) -> pd.DataFrame:
        t = self.groups[name]
        return pd.DataFrame(
            {
                name: t["level"],
                "有效答卷": t["n"],
                "满意率": t["rate"],
                "满意率区间": [
                    f"{a:.1%}–{b:.1%}" for a, b in zip(t["rate_low"], t["rate_high"], strict=True)
                ],
                "满意度得分": t["score"],
            }
        )

    def reliability_zh(self) -> pd.DataFrame:
        r = self.reliability
        v = self.validity
        rows = []
        if r is not None:
            rows += [  # single statistics as numbers; composite figures as text
                ("Cronbach's α", round_half_up(float(r.alpha), 3)),
                (f"α 的 {r.confidence:.0%} 区间 (Feldt)", f"{r.ci_low:.3f}–{r.ci_high:.3f}"),
                ("标准化 α", round_half_up(float(r.standardized), 3)),
                ("题目数 / 完整答卷", f"{r.k} / {r.n}"),
            ]
        if v:
            p = float(v["bartlett_p"])
            rows += [
                ("KMO", round_half_up(float(v["kmo"]), 3)),
                ("Bartlett 球形检验 χ²", round_half_up(float(v["bartlett_chi2"]), 1)),
                ("Bartlett 检验自由度 df", int(v["bartlett_df"])),
                ("Bartlett 检验 p 值", fmt_p(p) if p < 0.001 else round_half_up(p, 3)),
            ]
        return pd.DataFrame(rows, columns=["指标", "数值"])

    def sample_zh(self) -> pd.DataFrame:
        s = self.sample
        rows = [
            ("目标总体规模 N", s["population"] if s["population"] else "未提供"),
            ("有效答卷 n", s["n"]),
            (f"所需样本量（±{s['margin']:.0%}，{s['confidence']:.0%} 置信度）", s["required"]),
            ("样本量是否满足", "是" if s["adequate"] else "否"),
            ("满意率的抽样误差（±）", f"{s['moe']:.2%}"),
        ]
        if self.weighting is not None:
            rows += [
                ("加权设计效应 deff", f"{self.weighting.deff:.3f}"),
                ("有效样本量", f"{self.weighting.n_effective:.0f}"),
            ]
        return pd.DataFrame(rows, columns=["项目", "数值"])

    def summary_zh(self) -> str:
        o = self.overall
        c = self.cleaning
        s = self.sample
        text = (
            f"本次调查共回收答卷 {c.n_total} 份，剔除无效答卷 {c.n_total - c.n_kept} 份，"
            f"有效答卷 {c.n_kept} 份。服务对象总体满意率为 {o['rate']:.2%}"
            f"（95% 区间 {o['rate_low']:.2%}–{o['rate_high']:.2%}），满意度得分为 "
            f"{o['score']:.2f} 分（95% 区间 {o['score_low']:.2f}–{o['score_high']:.2f}）。"
        )
        if s["population"]:
            text += (
                f"按总体 {s['population']} 人、±{s['margin']:.0%} 误差计算，所需样本量为 "
                f"{s['required']} 份，本次样本{'满足' if s['adequate'] else '不满足'}要求。"
            )
        if self.weighting is not None:
            text += (
                f"满意率与得分已按{'、'.join(self.spec.margins)}的总体结构加权"
                f"（设计效应 {self.weighting.deff:.2f}，有效样本量 "
                f"{self.weighting.n_effective:.0f}）。"
            )
        if self.reliability is not None:
            text += f"量表 Cronbach's α 为 {self.reliability.alpha:.3f}。"
        return text

    def to_dict(self) -> dict[str, Any]:
        from ..results import _clean

        return _clean(
            {
                "spec": self.spec.name,
                "params": self.params,
                "overall": self.overall,
                "sample": self.sample,
                "cleaning": {
                    "n_total": self.cleaning.n_total,
                    "n_kept": self.cleaning.n_kept,
                    "counts": {k: int(v) for k, v in self.cleaning.counts().items()},
                },
                "items": self.items.to_dict("records"),
                "dimensions": self.dimensions.to_dict("records"),
                "groups": {k: v.to_dict("records") for k, v in self.groups.items()},
                "reliability": None
                if self.reliability is None
                else {
                    "alpha": self.reliability.alpha,
                    "ci_low": self.reliability.ci_low,
                    "ci_high": self.reliability.ci_high,
                    "standardized": self.reliability.standardized,
                    "n": self.reliability.n,
                    "k": self.reliability.k,
                },
                "validity": self.validity,
                "ipa": None if self.ipa is None else self.ipa.to_dict("records"),
                "weighting": None
                if self.weighting is None
                else {
                    "deff": self.weighting.deff,
                    "n_effective": self.weighting.n_effective,
                    "iterations": self.weighting.iterations,
                    "trimmed": self.weighting.trimmed,
                },
            }
        )


def _check_options(seed: int, trim: tuple[float, float] | None) -> None:
    from ..errors import ConfigError

    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ConfigError("随机种子 (seed) 应为 0 到 4294967295 之间的整数", value=seed)
    if trim is not None:
        low, high = trim
        if not (math.isfinite(low) and math.isfinite(high) and 0 < low <= 1 <= high):
            raise ConfigError(
                "权重截尾 (trim) 应满足 0 < 下限 ≤ 1 ≤ 上限，且为有限数", value=trim,
                fix="例如 --trim 0.3 3",
            )  # fmt: skip


def analyze(
    data: SurveyData,
    *,
    cleaning: CleaningResult | None = None,
    weighted: bool | None = None,
    trim: tuple[float, float] | None = None,
    bootstrap: int = 1000,
    bootstrap_max: int = 50_000,
    seed: int | None = None,
) -> SurveyResult:
    """Clean (unless given) and compute every table.

    Parameters
    ----------
    weighted : bool, optional
        Rake to ``spec.margins`` (default: when margins are given).
    trim : (lower, upper), optional
        Weight trimming bounds relative to the mean.
    bootstrap, bootstrap_max : int
        Bootstrap resamples for the overall index interval; above ``bootstrap_max``
        respondents the t interval is used.
    seed : int, optional
        Bootstrap seed (default ``spec.seed``); recorded in ``params``.

    Raises
    ------
    InputDataError
        No valid response left after cleaning.
    """
    spec = data.spec
    seed = spec.seed if seed is None else seed
    _check_options(seed, trim)
    cl = cleaning if cleaning is not None else clean(data)
    keep = cl.keep
    if not keep.any():
        raise InputDataError(
            "清洗后没有有效答卷 (no valid responses)",
            file=data.source,
            fix="检查 quality 规则（如 min_duration）是否过严",
        )
    raw = data.codes[keep]
    codes = oriented_codes(raw, spec.items, spec.k)  # reverse items mirrored, once
    n = codes.shape[0]
    N = spec.population
    if N is not None and N < n:
        raise InputDataError(
            f"问卷说明中的总体规模 population = {N} 小于有效答卷数 {n}：有限总体校正 (FPC) "
            "会给出宽度为零的置信区间",
            file=data.source, column="population", value=N,
            fix="填写服务对象总数（总体 N ≥ 样本 n）；不清楚时删除 population",
        )  # fmt: skip
    conf = spec.confidence
    groups = data.groups.loc[keep].reset_index(drop=True)
    use_w = bool(spec.margins) if weighted is None else weighted
    wres = None
    w = None
    if use_w:
        if not spec.margins:
            raise InputDataError("加权需要在问卷说明中给出 margins（各组总体数）")
        wres = rake(groups, spec.margins, trim=trim)
        w = wres.weights
    k = spec.k
    top = spec.satisfied_top
    # ---- items: everything from the answer-level counts (one bincount per item)
    counts_raw = _kept_counts(data, cl)
    counts = _mirrored_counts(counts_raw, spec.items, k)
    item_rows = []
    for j, it in enumerate(spec.items):
        col = codes[:, j]
        cnt, cnt_raw = counts[j], counts_raw[j]
        if w is None:
            wc, w2 = cnt.astype(float), cnt.astype(float)
        else:
            wc = np.bincount(col.astype(np.intp) + 16, weights=w, minlength=32)
            w2 = np.bincount(col.astype(np.intp) + 16, weights=w * w, minlength=32)
        lv_w = wc[17 : 17 + k]
        valid = int(cnt[17 : 17 + k].sum())
        val_w = float(lv_w.sum())
        rate = float(wc[17 : 17 + top].sum()) / val_w if val_w else np.nan
        p_lv = np.array([lv.points for lv in spec.scale], dtype=np.float64)
        m = float((lv_w * p_lv).sum() / val_w) if val_w else np.nan
        var = float((lv_w * (p_lv - m) ** 2).sum() / val_w) if val_w else np.nan
        n_for_ci = valid if w is None else (val_w**2 / float(w2[17 : 17 + k].sum()) if val_w else 0)
        sd = np.sqrt(var * n_for_ci / (n_for_ci - 1)) if n_for_ci > 1 else np.nan
        rl, rh = wilson_interval(rate * n_for_ci, n_for_ci, conf, N)
        sl, sh = t_interval(m, sd, n_for_ci, conf, N)
        row = {
            "code": it.code, "label": it.label, "dimension": it.dimension or "",
            "importance_of": it.importance_of or "", "weight": it.weight, "n_valid": valid,
            "n_blank": int(cnt[16]), "n_dont_know": int(cnt[15]), "n_skipped": int(cnt[13]),
            "n_invalid": int(cnt[7]),
        }  # fmt: skip
        for pos, lv in enumerate(spec.scale, 1):
            row[f"n_{lv.label}"] = int(cnt_raw[16 + pos])  # answers as given
        row.update({"rate": rate, "rate_low": float(rl), "rate_high": float(rh), "score": m,
                    "sd": sd, "score_low": float(sl), "score_high": float(sh)})  # fmt: skip
        item_rows.append(row)
    items = pd.DataFrame(item_rows)
    # ---- per-respondent sums over the satisfaction items (one blocked pass)
    sat_idx = [j for j, it in enumerate(spec.items) if it.importance_of is None]
    dims = spec.dimensions or []
    dim_names = [d.name for d in dims] or [""]
    dim_w = {d.name: d.weight for d in dims} or {"": 1.0}
    member = np.array(
        [[(spec.items[j].dimension or "") == d or not dims for d in dim_names] for j in sat_idx],
        dtype=bool,
    ).reshape(len(sat_idx), len(dim_names))
    sums = respondent_sums(
        _columns(codes, sat_idx), k, top, [lv.points for lv in spec.scale],
        np.array([spec.items[j].weight for j in sat_idx], dtype=np.float32), member,
    )  # fmt: skip
    dim_scores = np.full((n, len(dim_names)), np.nan, dtype=np.float64)
    dim_rows = []
    for di, dname in enumerate(dim_names):
        s_i = sums.mean_points(di)
        dim_scores[:, di] = s_i
        m, sd, ne = _wmean(s_i, w)
        sl, sh = t_interval(m, sd, ne, conf, N)
        v_i, s_c = sums.n_valid[:, di], sums.n_satisfied[:, di]
        tot_v = float(v_i @ w) if w is not None else float(v_i.sum(dtype=np.float64))
        tot_s = float(s_c @ w) if w is not None else float(s_c.sum(dtype=np.float64))
        rate_d = tot_s / tot_v if tot_v else np.nan
        dim_rows.append({"dimension": dname or "全部", "weight": dim_w[dname],
                         "n_items": int(member[:, di].sum()),
                         "n": int((~np.isnan(s_i)).sum()), "rate": rate_d,
                         "score": m, "sd": sd, "score_low": float(sl),
                         "score_high": float(sh)})  # fmt: skip
    dimensions = pd.DataFrame(dim_rows)
    wsum, wtot = np.zeros(n), np.zeros(n)
    for di, dname in enumerate(dim_names):  # dimensions without answers drop out
        ok = ~np.isnan(dim_scores[:, di])
        wsum += ok * dim_w[dname]
        wtot += np.where(ok, dim_scores[:, di], 0.0) * dim_w[dname]
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(wsum > 0, wtot / wsum, np.nan)
    m, sd, ne = _wmean(index, w)
    valid_idx = ~np.isnan(index)
    if 0 < valid_idx.sum() <= bootstrap_max and bootstrap > 0:
        rng = np.random.default_rng(seed)
        x = index[valid_idx]
        ww = w[valid_idx] if w is not None else np.ones(x.size)
        chunk = max(1, 2_000_000 // x.size)  # bounded memory: chunk × n indices at a time
        parts = []
        for start in range(0, bootstrap, chunk):
            draws = rng.integers(0, x.size, size=(min(chunk, bootstrap - start), x.size))
            parts.append((ww[draws] * x[draws]).sum(axis=1) / ww[draws].sum(axis=1))
        bs = np.concatenate(parts)
        alpha = (1 - conf) / 2
        sl, sh = np.quantile(bs, [alpha, 1 - alpha])
        ci_method = f"bootstrap (B={bootstrap}, seed={seed})"
        if N:  # FPC on the bootstrap spread
            f = np.sqrt(max(N - valid_idx.sum(), 0) / (N - 1))
            sl, sh = m - (m - sl) * f, m + (sh - m) * f
    else:
        sl, sh = t_interval(m, sd, ne, conf, N)
        ci_method = "t"
    v_cnt = sums.valid_total.astype(np.float64)
    s_cnt = sums.satisfied_total.astype(np.float64)
    wv = v_cnt if w is None else v_cnt * w
    ws = s_cnt if w is None else s_cnt * w
    rate = float(ws.sum() / wv.sum()) if wv.sum() else np.nan
    n_rate = int(valid_idx.sum()) if w is None else (wres.n_effective if wres else n)
    rl, rh = wilson_interval(rate * n_rate, n_rate, conf, N)
    overall = {"rate": rate, "rate_low": float(rl), "rate_high": float(rh), "score": m,
               "score_low": float(sl), "score_high": float(sh), "n": int(valid_idx.sum()),
               "score_ci_method": ci_method}  # fmt: skip
    # ---- groups: bincounts of the per-respondent statistics
    group_tables = {}
    wi = np.asarray(valid_idx, dtype=np.float64) if w is None else w * valid_idx
    idx0 = np.nan_to_num(index)
    per_resp = {"s": ws, "v": wv, "w": wi, "x": wi * idx0, "x2": wi * idx0**2}
    if w is not None:  # unweighted, wi is 0/1 and Σ wi² = Σ wi
        per_resp["w2"] = wi * wi
    for g in groups.columns:
        codes_g, levels = _group_codes(groups[g])
        L = len(levels)
        cnt_g = np.bincount(codes_g, minlength=L)
        t = {key: np.bincount(codes_g, weights=x, minlength=L) for key, x in per_resp.items()}
        r_g = t["s"] / np.maximum(t["v"], 1e-300)
        sw = t["w"]
        m_g = t["x"] / np.maximum(sw, 1e-300)
        m2_g = t["x2"] / np.maximum(sw, 1e-300)
        ne_g = sw**2 / np.maximum(t.get("w2", sw), 1e-300)
        with np.errstate(invalid="ignore"):
            sd_g = np.sqrt(np.maximum(m2_g - m_g**2, 0) * ne_g / np.maximum(ne_g - 1, 1))
        rlg, rhg = wilson_interval(r_g * cnt_g, cnt_g, conf)
        slg, shg = t_interval(m_g, sd_g, ne_g, conf)
        group_tables[g] = pd.DataFrame({
            "level": [str(v) for v in levels], "n": cnt_g, "rate": r_g, "rate_low": rlg,
            "rate_high": rhg, "score": m_g, "score_low": slg, "score_high": shg,
        })  # fmt: skip
    # ---- reliability and validity: one covariance matrix of the complete cases
    rel = None
    validity: dict[str, Any] = {}
    names = [spec.items[j].code for j in sat_idx]
    n_c = sums.n_complete
    if len(sat_idx) >= 2 and n_c >= 2:
        c = sums.cov
        if np.all(np.diag(c) > 0):
            rel = alpha_from_cov(c, n_c, names)
            if n_c > len(sat_idx) + 2:
                sdv = np.sqrt(np.diag(c))
                corr = c / np.outer(sdv, sdv)
                km = kmo_from_corr(corr, names)
                chi2, df, pv = bartlett_from_corr(corr, n_c)
                validity = {"kmo": km.overall, "kmo_items": dict(zip(names,
                            km.per_item.tolist(), strict=True)), "bartlett_chi2": chi2,
                            "bartlett_df": df, "bartlett_p": pv}  # fmt: skip
    req = required_sample_size(N, spec.margin_of_error, conf)
    n_used = int(valid_idx.sum())
    sample = {
        "population": N,
        "n": n_used,
        "required": req,
        "adequate": n_used >= req,
        "margin": spec.margin_of_error,
        "confidence": conf,
        "moe": margin_of_error(n_used, N, conf),
    }
    ipa = None
    if spec.importance_items:
        rows = []
        by_code = items.set_index("code")
        for it in spec.importance_items:
            perf = by_code.loc[it.importance_of]
            rows.append(
                {
                    "code": it.importance_of,
                    "label": perf["label"],
                    "importance": by_code.loc[it.code, "score"],
                    "performance": perf["score"],
                }
            )
        ipa = pd.DataFrame(rows)
        mi, mp = ipa["importance"].mean(), ipa["performance"].mean()
        ipa["quadrant"] = [
            ("继续保持" if p >= mp else "重点改进")
            if i >= mi
            else ("过度投入" if p >= mp else "次要改进")
            for i, p in zip(ipa["importance"], ipa["performance"], strict=True)
        ]
    params = {
        "seed": seed,
        "weighted": use_w,
        "trim": trim,
        "bootstrap": bootstrap,
        "bootstrap_max": bootstrap_max,
        "confidence": conf,
    }
    return SurveyResult(
        spec, cl, items, dimensions, overall, group_tables, rel, validity, sample, ipa, wres, params
    )
