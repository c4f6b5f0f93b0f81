"""Answers → scale positions: one place that says what a text or a number in an export means.

Positions are 1..k, best first, as in ``spec.scale``; the other codes are CODE_BLANK (空),
CODE_DONT_KNOW (不了解), CODE_SKIPPED (跳过, not asked) and CODE_INVALID.

A **text** answer is looked up among the scale labels and aliases (whitespace, full/half-width
forms and a leading option letter "A." tolerated).  A **number** means a level only through a
declared code map: the spec's ``scale[*].code`` / ``missing_codes``, the SPSS value labels of
the column, or the text export of the same survey (its "twin").  Where two of these say
different things, the import is refused naming the column and the codes; where none says
anything, it is refused saying what to declare — platforms number options in questionnaire
order, so 1 is the best level in one survey and the worst in the next.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputDataError, Problem
from .spec import CODE_BLANK, CODE_DONT_KNOW, CODE_INVALID, CODE_SKIPPED, QuestionnaireSpec

__all__ = [
    "BLANK_TEXT",
    "SKIP_TEXT",
    "check_agree",
    "codes_from_labels",
    "decode_numbers",
    "decode_text",
    "label_lookup",
    "spec_code_map",
]

SKIP_TEXT = frozenset({"(跳过)", "跳过", "-3"})
BLANK_TEXT = frozenset({"", "(空)", "空", "-2", "nan", "<NA>", "None"})
#: 问卷星 numeric markers: -2 left blank, -3 skipped by logic (both exports and SPSS).
_MARKERS = {-2: CODE_BLANK, -3: CODE_SKIPPED}
_LETTER = re.compile(r"^[A-Za-z][.、．)]\s*")


def _nfkc(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def by_unique(s: pd.Series, fn: Any) -> pd.Series:
    """``s.map(fn)`` computed once per distinct value (survey columns repeat a handful of
    answers 100,000 times); missing values are passed to ``fn`` as None."""
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    mapped = np.array([fn(u) for u in uniq] + [fn(None)], dtype=object)
    return pd.Series(mapped[codes], index=s.index)


def _text(v: Any) -> str:
    """A cell as normalised text: whole floats without ".0", blanks as ""."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return _nfkc(str(v))


def label_lookup(spec: QuestionnaireSpec) -> dict[str, int]:
    """Normalised answer text → position (labels, aliases, missing labels)."""
    return {_nfkc(a): b for a, b in spec.label_codes().items()}


def spec_code_map(spec: QuestionnaireSpec) -> dict[int, int] | None:
    """The number → position map the spec declares: ``code:`` on the levels, or, on a scale
    whose labels are the numbers themselves (0–10 ratings), those numbers.  None: undeclared."""
    if spec.codes_declared:
        return spec.code_positions()
    try:
        nums = [int(lv.label.strip()) for lv in spec.scale]
    except ValueError:
        return None
    return {n: pos for pos, n in enumerate(nums, 1)}


def codes_from_labels(
    labels: dict[Any, str], lookup: dict[str, int], where: dict[str, Any]
) -> dict[int, int]:
    """A code map from SPSS value labels ({1.0: "非常满意", …}); marker labels (跳过, 空) kept
    as markers; a label the spec does not know is an error naming it."""
    out: dict[int, int] = {}
    unknown = []
    for code, text in labels.items():
        try:
            c = int(float(code))
        except (TypeError, ValueError):
            continue
        t = _nfkc(str(text))
        if t in SKIP_TEXT:
            out[c] = CODE_SKIPPED
        elif t in BLANK_TEXT:
            out[c] = CODE_BLANK
        elif t in lookup:
            out[c] = lookup[t]
        elif _LETTER.sub("", t) in lookup:
            out[c] = lookup[_LETTER.sub("", t)]
        else:
            unknown.append(f"{c}={text}")
    if unknown:
        raise InputDataError(
            f"SPSS 值标签 (value labels) 中有问卷说明未列出的选项：{'、'.join(unknown[:8])}",
            **where, fix="在问卷说明的 scale（或 aliases、missing_labels）中加入这些选项",
        )  # fmt: skip
    return out


def check_agree(
    declared: dict[int, int], found: dict[int, int], source: str, where: dict[str, Any],
    spec: QuestionnaireSpec,
) -> None:  # fmt: skip
    """Refuse when the spec's codes and the file's (SPSS labels, text twin) disagree."""
    names = {pos: lv.label for pos, lv in enumerate(spec.scale, 1)} | {CODE_DONT_KNOW: "不了解"}
    bad = [
        f"{c}：问卷说明为「{names.get(declared[c], declared[c])}」，{source}为「{names.get(p, p)}」"
        for c, p in sorted(found.items())
        if c in declared and declared[c] != p and p not in (CODE_BLANK, CODE_SKIPPED)
    ]
    if bad:
        raise InputDataError(
            f"编码含义矛盾 (code order conflict)：{'；'.join(bad[:6])}", **where,
            fix="核对问卷中选项的排列顺序，改正问卷说明 scale 中各级的 code",
        )  # fmt: skip


def decode_text(
    s: pd.Series, lookup: dict[str, int], where: dict[str, Any], rows: np.ndarray,
    probs: list[Problem], fac: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:  # fmt: skip
    """Positions of text answers; unknown texts are listed as problems (first 20)."""
    fcodes, funiq = fac if fac is not None else factorize(s)
    texts = [_text(u) for u in funiq]
    table: dict[str, float] = {}
    for u in set(texts):
        if u in lookup:
            table[u] = lookup[u]
        elif u in SKIP_TEXT:
            table[u] = CODE_SKIPPED
        elif u in BLANK_TEXT:
            table[u] = CODE_BLANK
        elif _LETTER.sub("", u) in lookup:
            table[u] = lookup[_LETTER.sub("", u)]
    per = np.array([table.get(t, np.nan) for t in texts] + [CODE_BLANK], dtype=float)
    out = pd.Series(per[fcodes], index=s.index)
    bad = out.isna().to_numpy()
    for i in np.flatnonzero(bad)[:20]:
        probs.append(Problem(
            "未知的选项文字 (unknown label)", row=int(rows[i]), value=s.iloc[i], **where,
            fix="在问卷说明的 scale 中加入该选项（或其 aliases），可选："
            f"{'、'.join(list(lookup)[:8])}",
        ))  # fmt: skip
    if bad.sum() > 20:
        probs.append(Problem(f"另有 {int(bad.sum()) - 20} 个未知选项文字", **where))
    return out.fillna(CODE_INVALID).to_numpy()


def decode_numbers(values: np.ndarray, code_map: dict[int, int]) -> np.ndarray:
    """Positions of numeric answers through ``code_map``; NaN and -2 blank, -3 skipped,
    fractions and unknown numbers invalid."""
    v = values.astype("float64")
    out = np.full(v.shape, CODE_INVALID, dtype="float64")
    out[np.isnan(v)] = CODE_BLANK
    whole = ~np.isnan(v) & (v == np.floor(v))
    for c, pos in {**_MARKERS, **code_map}.items():
        out[whole & (v == c)] = pos
    return out


def factorize(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of a column (codes, distinct values): computed once per column by the
    caller and given to :func:`numeric_values` and :func:`decode_text`."""
    return pd.factorize(s, use_na_sentinel=True)


def numeric_values(
    s: pd.Series, fac: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """The column as numbers when it is one (≥ 95 % of the non-marker values numeric):
    values (NaN for blanks, -3 for 跳过 texts) and the 跳过 mask; None for a text column."""
    codes, uniq = fac if fac is not None else factorize(s)
    texts = [_text(u) for u in uniq]
    skip_u = np.array([t in SKIP_TEXT for t in texts] + [False])
    blank_u = np.array([t in BLANK_TEXT for t in texts] + [True])
    num_u = np.array([_number(t) for t in texts] + [np.nan], dtype=float)
    skip, blank, num = skip_u[codes], blank_u[codes], num_u[codes].copy()
    rest = ~(skip | blank)
    if rest.sum() and np.isfinite(num[rest]).mean() <= 0.95:
        return None
    num[blank] = np.nan
    num[skip] = -3
    return num, skip


def _number(t: str) -> float:
    try:
        return float(t)
    except ValueError:
        return np.nan
