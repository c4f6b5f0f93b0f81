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
from .spec import CODE_BLANK, CODE_DONT_KNOW, CODE_INVALID, CODE_SKIPPED

__all__ = ["REASONS", "CleaningResult", "clean", "code_counts"]

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
    code_counts : ndarray (items, 32), optional
        Answers per item and code over all responses, as :func:`code_counts` gives them.
    """

    keep: np.ndarray
    flags: pd.DataFrame
    respondent: np.ndarray
    rows: np.ndarray
    code_counts: np.ndarray | None = None

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


def _row_words(codes: np.ndarray) -> np.ndarray:
    """The bytes of each answer row as 64-bit words (rows padded with zero bytes to a multiple
    of eight): two rows are identical exactly when their words are."""
    n, m = codes.shape
    buf = np.zeros((n, -(-m // 8) * 8), dtype=np.int8)
    buf[:, :m] = codes
    return buf.view(np.uint64)


def _duplicate_ip_answers(codes: np.ndarray, ip: np.ndarray) -> np.ndarray:
    """Responses repeating an earlier one's IP and every answer (the first one stays).

    A seeded multiplicative hash of each row's words picks the candidates (rows whose hash
    occurs more than once: every repeated row is among them); only those are compared
    exactly, on (IP, all the row's words) — hash collisions can add candidates but never a
    flag.
    """
    words = _row_words(codes)
    mult = np.random.default_rng(12345).integers(1, 2**62, size=words.shape[1], dtype=np.int64)
    with np.errstate(over="ignore"):
        h = words @ (mult.astype(np.uint64) | np.uint64(1))  # modulo 2**64
    # rows sharing a bucket of the hash's top bits (about n·16 buckets: ~6 % of rows), then
    # rows among those sharing the whole hash
    bits = int(min(24, max(8, np.ceil(np.log2(max(len(h), 2))) + 4)))
    bucket = (h >> np.uint64(64 - bits)).astype(np.intp)
    cand = np.flatnonzero(np.bincount(bucket, minlength=1 << bits)[bucket] > 1)
    cand = cand[pd.Series(h[cand]).duplicated(keep=False).to_numpy()]
    out = np.zeros(codes.shape[0], dtype=bool)
    if cand.size == 0:
        return out
    ips = pd.Series(ip[cand])
    key = pd.DataFrame(words[cand]).assign(ip=ips)
    has_ip = ips.fillna("").to_numpy() != ""
    out[cand] = key.duplicated(keep="first").to_numpy() & has_ip
    return out


@dataclass(frozen=True)
class _Tally:
    """Per response, over the satisfaction items: asked (not skipped), blank, answered on the
    scale, all scale answers the same; and any out-of-range code among all items."""

    asked: np.ndarray
    blank: np.ndarray
    on_scale: np.ndarray
    same: np.ndarray
    invalid: np.ndarray


def code_counts(codes: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
    """Answers per item and code: ``out[j, c + 16]`` = how many rows hold code c (−16 … 15)
    in column j.

    Each item's column (``cols``: the transposed matrix, when the caller has it) is compared
    with the codes an import gives — scale positions 1…15 up to the largest present, blank,
    不了解, skipped, out of range — and counted; a column holding any other code is counted
    on its bytes instead.
    """
    if cols is None:
        cols = np.ascontiguousarray(codes.T, dtype=np.int8)
    top = int(cols.max(initial=0)) if cols.size else 0
    known = [c for c in (CODE_INVALID, CODE_SKIPPED, CODE_DONT_KNOW, CODE_BLANK) if c >= -16]
    known += list(range(1, min(top, 15) + 1))
    out = np.zeros((cols.shape[0], 32), dtype=np.int64)
    pos = (np.arange(32) - 16) % 256  # the byte of each code −16 … 15
    for j, col in enumerate(cols):
        for c in known:
            out[j, c + 16] = np.count_nonzero(col == c)
        if out[j].sum() != col.size:  # a code outside the import's set
            out[j] = np.bincount(col.view(np.uint8), minlength=256)[pos]
    return out


def _tally(cols: np.ndarray, sat: list[int]) -> _Tally:
    """Per-row counts added up column by column over ``cols`` (the transposed answer matrix,
    one contiguous row per item), which numpy vectorises, instead of short row-wise
    reductions.  Scale positions are ≥ 1 and every special code ≤ 0, so the largest code of
    a row is its largest scale answer whenever it has one; shifted down by one and read as
    unsigned bytes every special code is ≥ 128, so the smallest is its smallest."""
    n = cols.shape[1]
    acc = np.uint8 if len(sat) < 2**8 else np.uint16 if len(sat) < 2**16 else np.int64
    asked, blank, on_scale = (np.zeros(n, dtype=acc) for _ in range(3))
    hi = np.full(n, CODE_BLANK, dtype=np.int8)
    lo = np.full(n, 255, dtype=np.uint8)  # smallest (position − 1) on the scale
    for j in sat:
        col = cols[j]
        asked += col != CODE_SKIPPED
        blank += col == CODE_BLANK
        on_scale += col > 0
        np.maximum(hi, col, out=hi)
        np.minimum(lo, (col - np.int8(1)).view(np.uint8), out=lo)
    invalid = np.zeros(n, dtype=bool)
    for col in cols:
        invalid |= col == CODE_INVALID
    same = (on_scale > 0) & (hi.astype(np.int16) - 1 == lo)
    return _Tally(asked, blank, on_scale, same, invalid)


def clean(data: SurveyData) -> CleaningResult:
    """Apply the spec's quality rules; see the module table."""
    q = data.spec.quality
    sat = [j for j, it in enumerate(data.spec.items) if it.importance_of is None]
    codes = data.codes
    n = data.n
    cols = np.ascontiguousarray(codes.T, dtype=np.int8)
    t = _tally(cols, sat)
    asked, blank = t.asked, t.blank
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(asked > 0, blank / np.maximum(asked, 1), 1.0)
    flags = {"incomplete": (share > q.max_blank_share) | (asked == 0)}
    if q.min_duration is not None:
        flags["speeder"] = np.nan_to_num(data.duration, nan=np.inf) < q.min_duration
    else:
        flags["speeder"] = np.zeros(n, bool)
    if q.straightline_min_items is not None and len(sat) >= q.straightline_min_items:
        flags["straightliner"] = (t.on_scale >= q.straightline_min_items) & t.same
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
    flags["out_of_range"] = t.invalid
    f = pd.DataFrame(flags)[list(REASONS)]
    keep = ~f.to_numpy().any(axis=1)
    return CleaningResult(keep, f, data.respondent, data.rows, code_counts(codes, cols))
