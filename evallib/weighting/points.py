"""From weights to 分值: largest-remainder rounding, hierarchical (global) weights, and writing
the points back into an indicator system.

Rounding each weight × total separately can make the 分值 add up to 99 or 101.  The
largest-remainder (Hamilton) method floors every quota and hands the missing units to the
largest fractional parts, so the points add up exactly to the total.  Applied level by level
(each parent's points shared among its children), the 分值 add up exactly at every level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, IndicatorSystemError
from ..indicators import Indicator, IndicatorSystem, system_from_dict
from ..rounding import round_half_up

__all__ = ["ROOT", "HierarchyWeights", "apply_points", "hierarchical", "to_points"]

ROOT = "root"


def to_points(weights: Any, total: float = 100, decimals: int = 0) -> Any:
    """Share ``total`` among ``weights`` in units of 10^-decimals, summing exactly to ``total``.

    Parameters
    ----------
    weights : Series, dict or array-like
        Non-negative; normalised to sum 1.
    total : float
        Must be a whole number of units (e.g. 100 with decimals=0, 12.5 with decimals=1).
    decimals : int
        0 for whole points, 1 or 2 for finer.

    Returns
    -------
    Same kind as ``weights`` (Series, dict or ndarray).

    Notes
    -----
    Ties between equal remainders go to the earlier item, so the result is deterministic.

    Examples
    --------
    >>> to_points([1/3, 1/3, 1/3], 100).tolist()
    [34.0, 33.0, 33.0]
    >>> to_points({"a": 0.125, "b": 0.875}, 10, 1)
    {'a': 1.3, 'b': 8.7}
    """
    if isinstance(weights, pd.Series):
        keys, w = list(weights.index), weights.to_numpy(dtype=float)
    elif isinstance(weights, Mapping):
        keys, w = list(weights), np.array(list(weights.values()), dtype=float)
    else:
        keys, w = None, np.asarray(weights, dtype=float)
    if w.size == 0 or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ConfigError("权重必须为非负数且不全为 0 (weights)", value=w.tolist())
    unit = Decimal(1).scaleb(-decimals)
    units_total = Decimal(repr(float(total))) / unit
    if units_total != units_total.to_integral_value():
        raise ConfigError(
            f"总分 {total} 不是 {unit} 的整数倍", value=total, fix="调整 decimals 或总分"
        )
    n_units = int(units_total)
    quotas = w / w.sum() * n_units
    base = np.floor(quotas + 1e-9).astype(int)
    short = n_units - int(base.sum())
    order = sorted(range(len(w)), key=lambda i: (-(quotas[i] - base[i]), i))
    for i in order[:short]:
        base[i] += 1
    pts = np.array([float(Decimal(int(b)) * unit) for b in base])
    if isinstance(weights, pd.Series):
        return pd.Series(pts, index=keys, name="points")
    if isinstance(weights, Mapping):
        return dict(zip(keys or [], pts.tolist(), strict=True))
    return pts


@dataclass(frozen=True)
class HierarchyWeights:
    """Local and global weights of every node, and 分值 shared level by level.

    ``table`` columns: code, name, level, parent, local_weight, global_weight, points, source
    (``judgement`` when the local weight came from a judgement matrix, ``existing`` when it was
    kept from the system's current 分值, ``single`` for an only child).
    """

    table: pd.DataFrame
    total: float
    decimals: int

    def points(self) -> dict[str, float]:
        return dict(zip(self.table["code"], self.table["points"], strict=True))

    def warnings_zh(self) -> list[str]:
        """Indicators whose 分值 rounded to 0 despite a positive weight, and 分值 whose rounding
        moved an indicator's share of the total by more than a fifth of its weight."""
        t = self.table
        out = []
        zero = t[(t["points"] == 0) & (t["global_weight"] > 0)]
        if not zero.empty:
            names = "、".join(f"{c}「{n}」" for c, n in zip(zero["code"], zero["name"],
                                                          strict=True))  # fmt: skip
            out.append(f"以下指标权重为正但分值取整后为 0：{names}。可保留 1 位小数"
                       "（decimals=1）或调整判断。")  # fmt: skip
        leaves = t[t["is_leaf"] & (t["global_weight"] > 0) & (t["points"] > 0)]
        share = leaves["points"] / self.total
        moved = leaves[(share - leaves["global_weight"]).abs() > 0.2 * leaves["global_weight"]]
        if not moved.empty:
            names = "、".join(
                f"{c}「{n}」（权重 {w:.1%}，分值 {p:g} 即 {p / self.total:.1%}）"
                for c, n, w, p in zip(moved["code"], moved["name"], moved["global_weight"],
                                      moved["points"], strict=True)
            )
            out.append(f"分值取整使以下指标的占比与权重相差超过五分之一：{names}。可保留 1 位"
                       "小数（decimals=1）。")  # fmt: skip
        return out

    def leaf_weights(self) -> pd.Series:
        leaves = self.table[self.table["is_leaf"]]
        return pd.Series(leaves["global_weight"].to_numpy(), index=leaves["code"], name="weight")


def _local_for(node_children: list[Indicator], given: Any, parent: str) -> tuple[pd.Series, str]:
    codes = [c.code for c in node_children]
    if len(codes) == 1:
        return pd.Series([1.0], index=codes), "single"
    if given is None:
        pts = np.array([c.points for c in node_children], dtype=float)
        if pts.sum() <= 0:
            raise ConfigError(f"节点 {parent} 没有判断矩阵，且现有分值全为 0，无法确定权重")
        return pd.Series(pts / pts.sum(), index=codes), "existing"
    w = getattr(given, "weights", given)
    w = pd.Series(w, dtype=float)
    names = {c.name: c.code for c in node_children}
    w.index = [names.get(str(k), str(k)) for k in w.index]
    if set(w.index) != set(codes):
        raise ConfigError(
            f"节点 {parent} 的权重对象 {sorted(w.index)} 与下级指标 {codes} 不一致",
            fix="判断矩阵的行列应是该节点的全部下级指标（编码或名称）",
        )
    return w.reindex(codes) / w.sum(), "judgement"


def hierarchical(
    system: IndicatorSystem,
    local: Mapping[str, Any],
    *,
    total: float | None = None,
    decimals: int = 0,
) -> HierarchyWeights:
    """Global weights and 分值 from local weights per node.

    Parameters
    ----------
    system : IndicatorSystem
    local : mapping
        Parent code (``"root"`` for the top level) → local weights of its children: an
        AHPResult, GroupAHPResult, Series or dict keyed by child code or name.  Nodes without
        an entry keep the proportions of their current 分值.
    total : float, optional
        Total points (default: the system's declared total).
    decimals : int
        Points precision; every level adds up exactly (largest remainder).
    """
    tot = system.total if total is None else total
    rows: list[dict[str, Any]] = []

    def walk(children: list[Indicator], parent: str, g_parent: float, p_parent: float,
             level: int) -> None:  # fmt: skip
        w, source = _local_for(children, local.get(parent), parent)
        pts = to_points(w, p_parent, decimals) if p_parent > 0 else w * 0
        for c in children:
            lw = float(w[c.code])
            rows.append({"code": c.code, "name": c.name, "level": level, "parent": parent,
                         "local_weight": lw, "global_weight": lw * g_parent,
                         "points": float(pts[c.code]), "source": source,
                         "is_leaf": not c.children})  # fmt: skip
            if c.children:
                walk(c.children, c.code or "", lw * g_parent, float(pts[c.code]), level + 1)

    walk(system.indicators, ROOT, 1.0, tot, 1)
    unknown = set(local) - {ROOT} - {r["code"] for r in rows if not r["is_leaf"]}
    if unknown:
        raise ConfigError(f"以下节点不存在或不是上级指标：{', '.join(sorted(unknown))}")
    return HierarchyWeights(pd.DataFrame(rows), tot, decimals)


def _rescale_rule(rule: dict[str, Any], old: float, new: float) -> dict[str, Any]:
    """Keep rule parameters consistent with a new 分值 (criteria points, band points)."""
    out = dict(rule)
    if rule.get("type") == "criteria" and old > 0:
        crit = rule["criteria"]
        shares = to_points([c["points"] for c in crit], new, 2) if new > 0 else [0] * len(crit)
        out["criteria"] = [{**c, "points": float(p)} for c, p in zip(crit, shares, strict=True)]
    if rule.get("type") in ("banded", "from_survey") and rule.get("bands") and old > 0:
        out["bands"] = [
            {**b, "points": round_half_up(b["points"] * new / old, 2)}
            if b.get("points") is not None
            else b for b in rule["bands"]
        ]  # fmt: skip
    return out


def apply_points(system: IndicatorSystem, points: Mapping[str, float],
                 total: float | None = None) -> IndicatorSystem:  # fmt: skip
    """A copy of ``system`` with new 分值 (by indicator code), rule parameters rescaled
    (评价要点 points, banded points), validated.

    Raises
    ------
    IndicatorSystemError
        When the new points do not add up (every problem listed).
    """
    data = system.to_dict()

    def walk(nodes: list[dict[str, Any]]) -> None:
        for n in nodes:
            if n["code"] in points:
                old, new = n["points"], float(points[n["code"]])
                n["points"] = new
                if "rule" in n:
                    n["rule"] = _rescale_rule(n["rule"], old, new)
            walk(n.get("children", []))

    walk(data["indicators"])
    if total is not None:
        data["total"] = total
    try:
        return system_from_dict(data, source=system.source)
    except IndicatorSystemError:
        raise
