"""Cleaning (数据清洗): which responses are excluded, and why — nothing silent.

Rules (parameters in ``spec.quality``; RULES.md §8 and common evaluator practice):

==================  ==========================================================================
reason              rule
==================  ==========================================================================
incomplete          share of blank (空) among the asked satisfaction items > max_blank_share
                    (skipped-by-logic items are not asked and do not count)
speeder             所用时间 < min_duration seconds
straightliner       at least straightline_min_items items answered on the scale, all identical
duplicate_ip        same IP and identical answers as an earlier response (the first is kept)
duplicate_phone     same phone number as an earlier response (the first is kept)
out_of_range        an answer code outside the questionnaire's options
==================  ==========================================================================

A response may have several reasons; counts per reason therefore add up to more than the
number excluded.  The raw file is never modified.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .importer import SurveyData
from .spec import CODE_BLANK, CODE_INVALID, CODE_SKIPPED

__all__ = ["REASONS", "CleaningResult", "clean"]

REASONS = {
    "incomplete": "空白题过多（未完成）",
    "speeder": "答题时间过短",
    "straightliner": "所有题目选择同一选项",
    "duplicate_ip": "与先前答卷 IP 及答案完全相同",
    "duplicate_phone": "与先前答卷手机号相同",
    "out_of_range": "存在超出选项范围的编码",
}


@dataclass(frozen=True)
class CleaningResult:
    """Which responses are kept; each excluded one with its reasons.

    Attributes
    ----------
    keep : ndarray of bool
    flags : DataFrame
        One boolean column per reason (index = response position).
    """

    keep: np.ndarray
    flags: pd.DataFrame
    respondent: np.ndarray
    rows: np.ndarray

    @property
    def n_total(self) -> int:
        return len(self.keep)

    @property
    def n_kept(self) -> int:
        return int(self.keep.sum())

    def counts(self) -> pd.Series:
        """Responses flagged per reason (a response may have several)."""
        return self.flags.sum().astype(int).rename("count")

    def excluded(self) -> pd.DataFrame:
        """One row per excluded response: respondent id, file row, reason codes and text."""
        idx = np.where(~self.keep)[0]
        f = self.flags.iloc[idx]
        codes = f.apply(lambda r: ";".join(c for c in f.columns if r[c]), axis=1)
        return pd.DataFrame(
            {
                "respondent": self.respondent[idx],
                "row": self.rows[idx],
                "reasons": codes.to_numpy(),
                "原因": [";".join(REASONS[c] for c in s.split(";")) for s in codes],
            }
        )

    def table_zh(self) -> pd.DataFrame:
        """Sample and cleaning table for the report."""
        rows = [("回收答卷", self.n_total)]
        rows += [(f"其中：{REASONS[k]}", int(v)) for k, v in self.counts().items() if v]
        rows += [("剔除答卷（去重计数）", self.n_total - self.n_kept), ("有效答卷", self.n_kept)]
        return pd.DataFrame(rows, columns=["项目", "份数"])


def _row_keys(codes: np.ndarray, hashes: int = 2) -> tuple[np.ndarray, ...]:
    """Independent 64-bit hashes of each answer row (two: collision chance ~ n²/2¹²⁹); the
    first is the same whether one or two are asked for."""
    rng = np.random.default_rng(12345)
    c = codes.astype(np.int64) + 16
    m1 = rng.integers(1, 2**62, size=c.shape[1], dtype=np.int64) | 1
    m2 = rng.integers(1, 2**62, size=c.shape[1], dtype=np.int64) | 1
    with np.errstate(over="ignore"):
        return (c @ m1,) if hashes == 1 else (c @ m1, c @ m2)


def _duplicate_ip_answers(codes: np.ndarray, ip: np.ndarray) -> np.ndarray:
    """Responses repeating an earlier one's IP and every answer (the first one stays).

    Only rows whose first answer hash occurs more than once can repeat another row, so the IPs
    (strings) are compared for those candidates alone; the result is the same as comparing
    (IP, both hashes) over all rows, at a fraction of the cost on large exports.
    """
    (h1,) = _row_keys(codes, hashes=1)
    cand = np.flatnonzero(pd.Series(h1).duplicated(keep=False).to_numpy())
    out = np.zeros(codes.shape[0], dtype=bool)
    if cand.size == 0:
        return out
    ips = pd.Series(ip[cand])
    c1, c2 = _row_keys(codes[cand])
    key = pd.DataFrame({"ip": ips, "h1": c1, "h2": c2})
    has_ip = ips.fillna("").to_numpy() != ""
    out[cand] = key.duplicated(keep="first").to_numpy() & has_ip
    return out


def clean(data: SurveyData) -> CleaningResult:
    """Apply the spec's quality rules; see the module table."""
    q = data.spec.quality
    sat = [j for j, it in enumerate(data.spec.items) if it.importance_of is None]
    codes = data.codes
    s = codes[:, sat]
    n = data.n
    asked = (s != CODE_SKIPPED).sum(axis=1)
    blank = (s == CODE_BLANK).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(asked > 0, blank / np.maximum(asked, 1), 1.0)
    flags = {"incomplete": (share > q.max_blank_share) | (asked == 0)}
    if q.min_duration is not None:
        flags["speeder"] = np.nan_to_num(data.duration, nan=np.inf) < q.min_duration
    else:
        flags["speeder"] = np.zeros(n, bool)
    if q.straightline_min_items is not None and len(sat) >= q.straightline_min_items:
        on_scale = s > 0
        cnt = on_scale.sum(axis=1)
        big = np.where(on_scale, s, -100).max(axis=1)
        small = np.where(on_scale, s, 100).min(axis=1)
        flags["straightliner"] = (cnt >= q.straightline_min_items) & (big == small)
    else:
        flags["straightliner"] = np.zeros(n, bool)
    if q.duplicate_ip_answers and data.ip is not None:
        flags["duplicate_ip"] = _duplicate_ip_answers(codes, data.ip)
    else:
        flags["duplicate_ip"] = np.zeros(n, bool)
    if q.duplicate_phone and data.phone is not None:
        ph = pd.Series(data.phone)
        flags["duplicate_phone"] = (ph.duplicated(keep="first") & (ph != "")).to_numpy()
    else:
        flags["duplicate_phone"] = np.zeros(n, bool)
    flags["out_of_range"] = (codes == CODE_INVALID).any(axis=1)
    f = pd.DataFrame(flags)[list(REASONS)]
    keep = ~f.to_numpy().any(axis=1)
    return CleaningResult(keep, f, data.respondent, data.rows)
