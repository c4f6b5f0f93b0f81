"""Text keys for Chinese search: normalisation and character bigrams.

Chinese has no spaces, so words are not tokens.  Like SQLite's trigram tokenizer and
PostgreSQL's pg_trgm, the library indexes overlapping character n-grams; it uses bigrams because
most Chinese words have two characters (培训, 满意, 验收), so a two-character fragment finds the
indicators containing it — a trigram index cannot answer a query shorter than three characters.
Latin letters and digits form whole tokens (GDP, 5G).  Text is NFKC-normalised first
(full-width Ｗｉｆｉ and ５ become ``wifi`` and ``5``) and lower-cased.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["grams", "norm_key"]

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:\.[0-9]+)?")


def norm_key(text: str) -> str:
    """The comparison form of a name: NFKC, lower case, without spaces and punctuation.

    >>> norm_key(" 服务对象 满意度（%） ")
    '服务对象满意度%'
    """
    t = unicodedata.normalize("NFKC", str(text)).lower()
    return "".join(ch for ch in t if ch.isalnum() or ch == "%")


def grams(text: str) -> set[str]:
    """The index keys of ``text``: bigrams of each Chinese run (a lone character as itself)
    and each run of Latin letters or digits.

    >>> sorted(grams("培训合格率 ≥ 95%"))
    ['95', '合格', '培训', '格率', '训合']
    >>> sorted(grams("桥"))
    ['桥']
    """
    t = unicodedata.normalize("NFKC", str(text)).lower()
    out: set[str] = set()
    for run in _RUN.findall(t):
        if run[0].isascii():
            out.add(run[:32])
        elif len(run) == 1:
            out.add(run)
        else:
            out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out
