"""Build an indicator system (指标体系) from library picks.

Picks are grouped by 一级 then 二级 class in the order first picked.  分值 given with a pick
(``PX-01=10``) are kept; the rest of the total is shared equally among the picks without one,
rounded half-up to 2 decimals with the rounding remainder on the last of them, so the sums are
exact.  A pick's typical 指标值 becomes the leaf's 年度指标值 when it is a number the scoring
parser reads (``≥95%``); a wording such as ``≥计划数量`` is kept in 指标解释 instead, for the
evaluator to replace with the project's figure.  The result is validated as any system is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import EvalError
from ..indicators import system_from_dict
from ..parsing import parse_value
from ..rounding import round_half_up
from .model import LibraryIndicator

if TYPE_CHECKING:
    from .catalog import Library

__all__ = ["parse_picks", "system_from_picks"]


def parse_picks(specs: list[str]) -> list[tuple[str, float | None]]:
    """``["PX-01=10", "PX-04"]`` → ``[("PX-01", 10.0), ("PX-04", None)]``."""
    out: list[tuple[str, float | None]] = []
    for spec in specs:
        code, _, pts = spec.partition("=")
        try:
            out.append((code.strip(), float(pts) if pts.strip() else None))
        except ValueError:
            raise EvalError(
                f"分值不是数值：{spec!r}", value=spec, fix="写成 编码=分值，如 PX-01=10"
            ) from None
    return out


def _shares(picks: list[tuple[str, float | None]], total: float) -> list[float]:
    fixed = sum(p for _c, p in picks if p is not None)
    free = [i for i, (_c, p) in enumerate(picks) if p is None]
    rest = total - fixed
    if rest < -1e-9 or (rest > 1e-9 and not free):
        raise EvalError(
            f"所给分值合计 {fixed:g} 与总分 {total:g} 不符",
            value=fixed,
            fix="调整各指标分值，或留出不写分值的指标来分配余下分值",
        )
    out = [p if p is not None else 0.0 for _c, p in picks]
    if free:
        each = round_half_up(rest / len(free), 2)
        for i in free:
            out[i] = each
        out[free[-1]] = round_half_up(rest - each * (len(free) - 1), 2)
    return out


def _leaf(ind: LibraryIndicator, points: float) -> dict[str, Any]:
    leaf: dict[str, Any] = {"name": ind.name, "points": points}
    notes = [ind.explanation] if ind.explanation else []
    if ind.target:
        try:
            parse_value(ind.target)
            parsed = True
        except EvalError:
            parsed = False
        if parsed and ind.rule not in ("qualitative", "yes_no"):
            leaf["target"] = ind.target
        else:
            notes.append(f"参考指标值：{ind.target}（按项目计划填写年度指标值）")
    if notes:
        leaf["explanation"] = "；".join(notes)
    if ind.criterion:
        leaf["criterion"] = ind.criterion
    if ind.rule:
        leaf["rule"] = {"type": ind.rule, **ind.params}
    return leaf


def system_from_picks(
    lib: Library, picks: list[tuple[str, float | None]], *, name: str, total: float = 100.0
) -> dict[str, Any]:
    """A validated indicator system (as a YAML-ready mapping) made of the picked indicators."""
    if not picks:
        raise EvalError("没有选择任何指标", fix="给出指标库编码，如 PX-01 PX-04=10")
    codes = [c for c, _p in picks]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise EvalError(f"指标重复选择：{'、'.join(dup)}", value=dup[0], fix="每个编码只选一次")
    items = {i.code: i for i in lib.fetch(codes=codes)}
    unknown = [c for c in codes if c not in items]
    if unknown:
        raise EvalError(
            f"指标库中没有编码：{'、'.join(unknown)}",
            value=unknown[0],
            fix="用 evallib library search 查找编码",
        )
    tree: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for (code, _p), pts in zip(picks, _shares(picks, total), strict=True):
        ind = items[code]
        level1 = ind.level1 or "其他指标"
        level2 = ind.level2 or level1
        tree.setdefault(level1, {}).setdefault(level2, []).append(_leaf(ind, pts))
    data = {
        "name": name,
        "total": total,
        "indicators": [_group(n, kids) for n, kids in tree.items()],
    }
    system_from_dict(data)  # validate (raises IndicatorSystemError naming the field)
    return data


def _group(name: str, children: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    subs = [
        {"name": n, "points": _sum(leaves), "children": leaves} for n, leaves in children.items()
    ]
    return {"name": name, "points": _sum(subs), "children": subs}


def _sum(nodes: list[dict[str, Any]]) -> float:
    return round_half_up(sum(n["points"] for n in nodes), 2)
