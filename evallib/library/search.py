"""Search the indicator library in Chinese: fragments, aliases, synonyms, filters, ranking.

A query is cut into the same character bigrams as the index (:mod:`evallib.library.grams`); the
database returns which of them each indicator holds in which field; the ranking is computed here,
identically for SQLite and PostgreSQL:

.. math::

   s = \\max_v f_v \\sum_{k} w_k \\, c_{v,k} + b

where :math:`v` runs over the query and its synonym variants (:math:`f_v = 1` for the query,
0.9 for a variant), :math:`c_{v,k}` is the share of the variant's bigrams found in field
:math:`k` (name 1.0, alias 0.9, class 0.3, explanation/criterion 0.25) and :math:`b` rewards a
name or alias that equals (1.5 / 1.3) or contains (0.5 / 0.4) the query — an exact
alias outranks a longer name that merely contains the query.  Indicators holding
fewer than half of a variant's bigrams are not returned.  Ties are broken by name, then by
insertion order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import EvalError
from ..rounding import round_half_up
from .grams import grams, norm_key
from .model import LibraryIndicator
from .schema import (
    FIELD_ALIAS,
    FIELD_CLASS,
    FIELD_NAME,
    FIELD_TEXT,
    indicator,
    indicator_gram,
    indicator_type,
)

if TYPE_CHECKING:
    from .catalog import Library

__all__ = ["Hit", "hits_table", "ranked_table", "search"]

FIELD_WEIGHTS = {FIELD_NAME: 1.0, FIELD_ALIAS: 0.9, FIELD_CLASS: 0.3, FIELD_TEXT: 0.25}
FIELD_ZH = {
    FIELD_NAME: "名称",
    FIELD_ALIAS: "别名",
    FIELD_CLASS: "分类",
    FIELD_TEXT: "指标解释/评分标准",
}
SYNONYM_FACTOR = 0.9
MIN_COVERAGE = 0.5
MAX_QUERY = 200


@dataclass
class Hit:
    """One search result: the indicator, its score and why it was found."""

    indicator: LibraryIndicator
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Variant:
    text: str
    grams: set[str]
    factor: float
    note: str = ""
    mask: int = 0
    n: int = 0


def _variants(query: str, synonyms: dict[str, list[str]]) -> list[_Variant]:
    """The query and the queries obtained by swapping one synonym for another."""
    key = norm_key(query)
    out = [_Variant(key, grams(query), 1.0)]
    for term, others in synonyms.items():
        t = norm_key(term)
        if t and t in key:
            for o in others:
                v = key.replace(t, norm_key(o))
                out.append(_Variant(v, grams(v), SYNONYM_FACTOR, f"同义词：{term}→{o}"))
    return [v for v in out if v.grams]


def _filters(**conds: str | None) -> list[Any]:
    where: list[Any] = []
    for col in ("level1", "level2", "category", "sector"):
        if conds.get(col):
            where.append(indicator.c[col] == conds[col])
    if conds.get("project_type"):
        where.append(
            indicator.c.id.in_(
                sa.select(indicator_type.c.indicator_id).where(
                    indicator_type.c.project_type == conds["project_type"]
                )
            )
        )
    return where


_CHUNK = 62  # bits per SQL sum (a signed 64-bit integer on both databases)


def gram_bits(all_grams: set[str]) -> dict[str, int]:
    """A bit for each query gram (sorted, so the same query gives the same bits)."""
    return {g: 1 << i for i, g in enumerate(sorted(all_grams))}


Keys = tuple[str, list[str]]  # (name key, alias keys) of an indicator


def matches(
    lib: Library, bits: dict[str, int], where: list[Any]
) -> tuple[dict[int, dict[int, int]], dict[int, Keys]]:
    """indicator id → field → bit mask of the query grams it holds; and each indicator's keys.

    The database adds the bits of the matching (gram, indicator, field) rows — one row per
    indicator and field instead of one per gram (rows are unique, so the sum is the union) —
    and joins the stored name and alias keys, all in one round trip.
    """
    grams_sorted = sorted(bits)
    sums = []
    for start in range(0, len(grams_sorted), _CHUNK):
        chunk = grams_sorted[start : start + _CHUNK]
        case = sa.case({g: bits[g] >> start for g in chunk}, value=indicator_gram.c.gram, else_=0)
        sums.append(sa.func.sum(case))
    g, i = indicator_gram.c, indicator.c
    q = (
        sa.select(g.indicator_id, g.field, i.name_key, i.alias_keys, *sums)
        .join(indicator, i.id == g.indicator_id)
        .where(g.gram.in_(grams_sorted), *where)
        .group_by(g.indicator_id, g.field, i.name_key, i.alias_keys)
    )
    found: dict[int, dict[int, int]] = defaultdict(dict)
    keys: dict[int, Keys] = {}
    with lib.engine.connect() as conn:
        for iid, fld, nk, ak, *parts in conn.execute(q):
            found[iid][fld] = sum(int(p or 0) << (n * _CHUNK) for n, p in enumerate(parts))
            if iid not in keys:
                keys[iid] = (nk, ak.split("\n") if ak else [])
    return found, keys


def _coverage(fields: dict[int, int], v: _Variant) -> float | None:
    """Weighted share of the variant's grams per field; None below the minimum coverage."""
    held = 0
    for m in fields.values():
        held |= m
    if (held & v.mask).bit_count() < MIN_COVERAGE * v.n:
        return None
    return sum(w * (fields.get(k, 0) & v.mask).bit_count() / v.n for k, w in FIELD_WEIGHTS.items())


def _bonus(keys: Keys, v: _Variant) -> tuple[float, str]:
    """Reward for a name or alias equal to / containing the variant, and its reason (an alias
    is shown by its position, ``{alias:N}``, filled in for the hits shown)."""
    key, akeys = keys
    if v.text == key:
        return 1.5, "名称完全一致"
    if v.text in akeys:
        return 1.3, f"别名“{{alias:{akeys.index(v.text)}}}”"
    if v.text in key:
        return 0.5, "名称包含查询词"
    for n, k in enumerate(akeys):
        if v.text in k:
            return 0.4, f"别名“{{alias:{n}}}”包含查询词"
    return 0.0, ""


def _reasons(fields: dict[int, int], v: _Variant, bits: dict[str, int]) -> list[str]:
    out = [v.note] if v.note else []
    shown = (
        (FIELD_NAME, FIELD_ALIAS)
        if fields.get(FIELD_NAME) or fields.get(FIELD_ALIAS)
        else (FIELD_CLASS, FIELD_TEXT)
    )
    for k in shown:
        held = sorted(g for g, b in bits.items() if fields.get(k, 0) & v.mask & b)
        if held:
            out.append(f"{FIELD_ZH[k]}含“{'”“'.join(held[:4])}”")
    return out


def _best(
    fields: dict[int, int], keys: Keys, variants: list[_Variant]
) -> tuple[float, _Variant, str] | None:
    """The best variant: score (coverage plus bonus, times its factor), variant, bonus reason."""
    best: tuple[float, _Variant, str] | None = None
    for v in variants:
        cov = _coverage(fields, v)
        if cov is None:
            continue
        b, why = _bonus(keys, v) if _whole(fields, v) else (0.0, "")
        s = v.factor * (cov + b)
        if best is None or s > best[0]:
            best = (s, v, why)
    return best


def _whole(fields: dict[int, int], v: _Variant) -> bool:
    """Whether the variant's grams all lie in the name or in the alias field — else no name or
    alias can equal or contain it, and there is no bonus to look for."""
    return v.mask & ~fields.get(FIELD_NAME, 0) == 0 or v.mask & ~fields.get(FIELD_ALIAS, 0) == 0


def search(
    lib: Library,
    query: str = "",
    *,
    limit: int = 20,
    level1: str | None = None,
    level2: str | None = None,
    category: str | None = None,
    sector: str | None = None,
    project_type: str | None = None,
) -> list[Hit]:
    """Indicators matching ``query`` (words or fragments, any order), best first.

    Parameters
    ----------
    lib : Library
    query : str
        Chinese words or fragments (培训 满意, 验收合格); empty lists the filtered indicators.
    limit : int
        At most this many hits.
    level1, level2, category, sector, project_type : str, optional
        Exact filters (一级指标, 二级指标, 类别, 行业, 适用项目类型).

    Returns
    -------
    list of Hit
        Score (see the module docstring) and the reasons in Chinese.
    """
    query = (query or "").strip()
    if limit < 1:
        raise EvalError(f"显示条数应为正整数：{limit}", value=limit, fix="如 --limit 20")
    if len(query) > MAX_QUERY:
        raise EvalError(f"查询过长（{len(query)} 字）", fix=f"用不超过 {MAX_QUERY} 字的关键词查询")
    where = _filters(
        level1=level1, level2=level2, category=category, sector=sector, project_type=project_type
    )
    variants = _variants(query, lib.synonyms()) if query else []
    if not query:
        return [Hit(i, 0.0, []) for i in _listed(lib, where, limit)]
    if len(norm_key(query)) == 1:
        return _one_character(lib, norm_key(query), where, limit)
    if not variants:
        return []
    bits = gram_bits(set().union(*(v.grams for v in variants)))
    for v in variants:
        v.mask = sum(bits[g] for g in v.grams)
        v.n = len(v.grams)
    found, keys = matches(lib, bits, where)
    scored = []
    for iid, fields in found.items():
        best = _best(fields, keys[iid], variants)
        if best is not None:
            scored.append((round_score(best[0]), iid, best[1], best[2]))
    top = sorted(scored, key=lambda t: (-t[0], t[1]))[: max(3 * limit, 30)]
    inds = dict(zip([t[1] for t in top], lib.fetch(ids=[t[1] for t in top]), strict=True))
    top.sort(key=lambda t: (-t[0], inds[t[1]].name, t[1]))
    hits = []
    for s, iid, v, why in top[:limit]:
        ind = inds[iid]
        shown = [_alias_text(why, ind)] if why else []
        hits.append(Hit(ind, s, shown + _reasons(found[iid], v, bits)))
    return hits


def _alias_text(why: str, ind: LibraryIndicator) -> str:
    """Fill ``{alias:N}`` in a bonus reason with the alias as written."""
    m = re.search(r"\{alias:(\d+)\}", why)
    return why if m is None else why.replace(m.group(0), ind.aliases[int(m.group(1))])


def round_score(x: float) -> float:
    """Scores shown with 3 decimals (ranking uses the same value)."""
    return round_half_up(x, 3)


def _listed(lib: Library, where: list[Any], limit: int) -> list[LibraryIndicator]:
    q = sa.select(indicator.c.id).order_by(indicator.c.code).limit(limit)
    if where:
        q = q.where(*where)
    with lib.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(q)]
    return lib.fetch(ids=ids)


def _one_character(lib: Library, ch: str, where: list[Any], limit: int) -> list[Hit]:
    """A one-character query (桥, 林): names containing it (too short for the bigram index)."""
    q = (
        sa.select(indicator.c.id)
        .where(indicator.c.name.contains(ch, autoescape=True), *where)
        .order_by(indicator.c.name)
        .limit(limit)
    )
    with lib.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(q)]
    return [Hit(ind, 1.0, [f"名称含“{ch}”"]) for ind in lib.fetch(ids=ids)]


def ranked_table(
    rows: list[tuple[LibraryIndicator, float, list[str]]], score: str, reasons: str
) -> Any:
    """Ranked indicators as a Chinese table: 编码, 指标名称, 一级/二级, 单位, 参考指标值, then the
    score and the reasons under the given headers (search: 匹配度/匹配原因; suggest:
    推荐度/推荐理由)."""
    import pandas as pd

    cols = ["编码", "指标名称", "一级指标", "二级指标", "计量单位", "参考指标值", score, reasons]
    data = [
        [i.code, i.name, i.level1, i.level2, i.unit, i.target, sc, "；".join(why)]
        for i, sc, why in rows
    ]
    return pd.DataFrame(data, columns=cols)


def hits_table(hits: list[Hit]) -> Any:
    """Hits as a Chinese table (编码, 指标名称, 一级/二级, 单位, 参考指标值, 匹配度, 匹配原因)."""
    return ranked_table([(h.indicator, h.score, h.reasons) for h in hits], "匹配度", "匹配原因")
