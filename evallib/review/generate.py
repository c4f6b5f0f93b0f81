"""Seeded synthetic self-evaluation forms with planted errors (for tests, the benchmark and the
sample set).

Each form has the national structure — 预算执行率 10 + 产出 50 + 效益 30 + 满意度 10 — with
targets and actuals written in the styles seen on published forms.  Its published scores are
computed with the scalar rules and :func:`~evallib.rounding.round_score` under one documented
variant (national, platform, integer, one decimal, round down), independently of the vectorised
review engine.  About half of the forms then get exactly one planted error; ``truth`` lists
them, so a test can measure precision and recall of the error-level flags.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..grading import get_grade_scale
from ..rounding import round_half_up, round_score

__all__ = ["ERROR_KINDS", "PLANTED_KINDS", "generate_forms", "write_form_workbook",
           "write_sample_set"]  # fmt: skip

#: Problems planted in generated forms: provable errors, then rows that cannot be re-scored
#: (severity "unverifiable").
PLANTED_KINDS = [
    "total_mismatch",
    "score_above_points",
    "negative_score",
    "score_unexplained",
    "full_marks_target_missed",
    "budget_score_mismatch",
    "rate_mismatch",
    "qualitative_outside_tier",
    "weights_total",
    "missing_level1",
    "grade_mismatch",
    "unparseable",
    "unit_mismatch",
    "inconsistent_budget",
]
ERROR_KINDS = [k for k in PLANTED_KINDS if k not in ("unparseable", "unit_mismatch")]
FORM_VARIANTS = [
    ("national", "ratio", 2, "half_up"),
    ("platform", "linear", 2, "half_up"),
    ("integer", "ratio", 0, "half_up"),
    ("one_decimal", "ratio", 1, "half_up"),
    ("round_down", "ratio", 2, "down"),
]
QUAL_TARGETS = ["有效", "明显改善", "达成年度指标", "较好", "逐步提高"]
TIER_WORDS = {
    "achieved": ["达成年度指标", "较好", "有效"],
    "partial": ["部分达成年度指标并具有一定效果", "基本达成"],
    "not_achieved": ["未达成年度指标且效果较差"],
}


def _structure(missing_benefit: bool) -> list[tuple[str, str, str, float, str]]:
    """(一级, 二级, 三级, 分值, type) rows summing to 90."""
    if missing_benefit:
        return [
            ("产出指标", "数量指标", "完成建设任务", 20, "count"),
            ("产出指标", "数量指标", "受益户数", 20, "count"),
            ("产出指标", "质量指标", "验收合格率", 10, "percent"),
            ("产出指标", "质量指标", "设备完好率", 10, "percent"),
            ("产出指标", "时效指标", "完成时限", 10, "days"),
            ("产出指标", "成本指标", "项目成本", 10, "cost"),
            ("满意度指标", "服务对象满意度指标", "服务对象满意度", 10, "satisfaction"),
        ]
    return [
        ("产出指标", "数量指标", "完成建设任务", 8, "count"),
        ("产出指标", "数量指标", "受益户数", 8, "count"),
        ("产出指标", "数量指标", "培训人次", 8, "count"),
        ("产出指标", "质量指标", "验收合格率", 6, "percent"),
        ("产出指标", "质量指标", "设备完好率", 6, "percent"),
        ("产出指标", "质量指标", "资料归档率", 4, "percent"),
        ("产出指标", "时效指标", "完成时限", 5, "days"),
        ("产出指标", "成本指标", "项目成本", 5, "cost"),
        ("效益指标", "社会效益指标", "群众生活条件改善", 6, "qual"),
        ("效益指标", "社会效益指标", "公共服务水平", 6, "qual"),
        ("效益指标", "社会效益指标", "带动就业人数", 4, "count"),
        ("效益指标", "经济效益指标", "带动增收", 4, "qual"),
        ("效益指标", "可持续影响指标", "设施使用年限", 5, "years"),
        ("效益指标", "可持续影响指标", "长效管护机制", 5, "qual"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", 10, "satisfaction"),
    ]


def _score(kind: str, a: float, t: float, w: float, formula: str) -> float:
    """Published-form formula (RULES.md §3), unrounded."""
    if kind in ("days", "cost"):  # reverse
        if a <= t:
            return w
        if formula == "linear":
            return 0.0 if a >= 2 * t else (2 - a / t) * w
        return t / a * w
    return w if a >= t else a / t * w


def _row(
    rng: np.random.Generator,
    kind: str,
    w: float,
    variant: tuple[Any, ...],
    tiers: tuple[float, float],
) -> dict[str, Any]:
    _, formula, dec, mode = variant
    miss = rng.random() < 0.3
    if kind == "qual":
        tier = rng.choice(
            ["achieved", "achieved", "partial", "not_achieved"], p=[0.4, 0.3, 0.2, 0.1]
        )
        hi, lo = tiers
        band = {"achieved": (hi, 1.0), "partial": (lo, hi - 0.01), "not_achieved": (0.0, lo - 0.01)}
        f = rng.uniform(*band[tier])
        s = round_score(max(round_score(hi * w, 2) if tier == "achieved" else 0, f * w), 1, "down")
        words = TIER_WORDS[tier]
        return {
            "target": rng.choice(QUAL_TARGETS),
            "actual": words[int(rng.integers(len(words)))],
            "score": s,
            "missed": False,
            "tier": tier,
        }
    if kind == "count":
        t = float(rng.integers(20, 2000))
        unit = rng.choice(["个", "人次", "户", "项", "公里"])
        a = round_half_up(t * (rng.uniform(0.6, 0.98) if miss else rng.uniform(1.0, 1.2)), 0)
        op = rng.choice(["≥", "≧", "不低于", ">="])
        target, actual = f"{op}{t:g}{unit}", (f"{a:g}{unit}" if rng.random() < 0.7 else f"{a:g}")
    elif kind in ("percent", "satisfaction"):
        t = float(rng.choice([90, 95, 98, 100]))
        a = (
            round_half_up(t * rng.uniform(0.8, 0.99), 1)
            if miss
            else min(100.0, round_half_up(rng.uniform(t, 100.0), 1))
        )
        target = rng.choice(
            [
                f"≥{t:g}%",
                f"≥{t:g}%",
                f"{t:g}百分比" if t == 100 else f"≥{t:g}%",
                f"═{t:g}%" if t == 100 else f"≥{t:g}%",
            ]
        )
        actual = f"{a:g}%"
    elif kind == "days":
        t = float(rng.integers(30, 365))
        a = round_half_up(t * (rng.uniform(1.05, 1.6) if miss else rng.uniform(0.7, 1.0)), 0)
        target, actual = f"≤{t:g}天", f"{a:g}天"
    elif kind == "cost":
        t = float(rng.integers(50, 3000))
        a = round_half_up(t * (rng.uniform(1.02, 1.5) if miss else rng.uniform(0.8, 1.0)), 1)
        target, actual = f"≤{t:g}万元", f"{a:g}万元"
    else:  # years
        t = float(rng.integers(3, 20))
        a = t if not miss else float(max(1, t - rng.integers(1, 3)))
        target, actual = f"≥{t:g}年", f"{a:g}年"
    s = round_score(min(max(_score(kind, a, t, w, formula), 0.0), w), dec, mode)
    return {
        "target": target,
        "actual": actual,
        "score": s,
        "missed": bool((a > t) if kind in ("days", "cost") else (a < t)),
        "a": a,
        "t": t,
    }


def _form(rng: np.random.Generator, pid: str, error: str | None) -> tuple[list[dict], dict]:
    variant = FORM_VARIANTS[int(rng.choice(5, p=[0.5, 0.15, 0.15, 0.1, 0.1]))]
    tiers = (0.8, 0.5) if rng.random() < 0.2 else (0.8, 0.6)
    rows = []
    for l1, l2, l3, w, kind in _structure(error == "missing_level1"):
        r = _row(rng, kind, float(w), variant, tiers)
        rows.append(
            {
                "一级指标": l1,
                "二级指标": l2,
                "三级指标": l3,
                "年度指标值": r["target"],
                "实际完成值": r["actual"],
                "分值": float(w),
                "得分": r["score"],
                "偏差原因": "受汛期和原材料价格影响，进度滞后" if r["missed"] else "",
                "_kind": kind,
                "_r": r,
            }
        )
    full = float(rng.integers(100, 5000))
    initial = round_half_up(full * rng.uniform(0.8, 1.0), 1)
    spent = round_half_up(full * rng.uniform(0.7, 1.0), 1)
    rate = round_score(spent / full * 100, 2)
    b_score = round_score(min(rate / 100 * 10, 10), 2)
    proj = {
        "项目编号": pid,
        "项目名称": f"示例项目{pid}",
        "主管部门": "某县农业农村局",
        "年度": 2025,
        "年初预算数": initial,
        "全年预算数": full,
        "全年执行数": spent,
        "执行率": f"{rate:.2f}%",
        "执行率分值": 10.0,
        "执行率得分": b_score,
    }
    quant = [r for r in rows if r["_kind"] not in ("qual",)]
    qual = [r for r in rows if r["_kind"] == "qual"]
    if error == "score_above_points":
        quant[0]["得分"] = quant[0]["分值"] + 1
    elif error == "negative_score":
        quant[0]["得分"] = -1.0
    elif error == "score_unexplained":
        r = next(r for r in quant if not r["_r"]["missed"])
        r["得分"] = round_half_up(r["分值"] * 0.5 - 0.37, 2)
    elif error == "full_marks_target_missed":
        r = next(r for r in quant if r["_kind"] in ("percent", "satisfaction"))
        t = r["_r"]["t"]
        r["实际完成值"] = f"{t * 0.75:g}%"
        r["得分"] = r["分值"]
        r["偏差原因"] = "资金到位较晚"
    elif error == "budget_score_mismatch":
        proj["执行率得分"] = round_half_up(max(b_score - 2.5, 0.0), 2)
    elif error == "rate_mismatch":
        proj["执行率"] = f"{min(rate + 5, 100):.2f}%" if rate < 95 else f"{rate - 5:.2f}%"
    elif error == "qualitative_outside_tier":
        r = (
            next(r for r in qual if r["_r"]["tier"] == "achieved")
            if any(r["_r"]["tier"] == "achieved" for r in qual)
            else qual[0]
        )
        r["实际完成值"] = "达成年度指标"
        r["得分"] = round_half_up(r["分值"] * 0.3, 2)
    elif error == "weights_total":
        r = quant[0]
        r["分值"] += 5
        rr = r["_r"]
        _, formula, dec, mode = variant
        r["得分"] = round_score(
            min(max(_score(r["_kind"], rr["a"], rr["t"], r["分值"], formula), 0.0), r["分值"]),
            dec,
            mode,
        )
    elif error == "unparseable":
        quant[0]["年度指标值"] = "≥%"
    elif error == "unit_mismatch":
        r = next(r for r in quant if r["_kind"] == "count")
        r["年度指标值"], r["实际完成值"] = "≥700人次", "735人"
    total = round_score(sum(r["得分"] for r in rows) + proj["执行率得分"], 2)
    scale = get_grade_scale("national" if rng.random() < 0.7 else "self_evaluation")
    grade = scale.assign(max(total, 0))
    if error == "total_mismatch":
        total = round_half_up(total + float(rng.choice([-3.5, -1.2, 2.0, 4.5])), 2)
    if error == "grade_mismatch":
        grades = ["优", "良", "中", "差"]
        ok = {get_grade_scale(n).assign(max(total, 0)) for n in ("national", "self_evaluation")}
        grade = next(g for g in grades if g not in ok)
    proj["总分"], proj["自评等级"] = total, grade
    out = []
    for i, r in enumerate(rows):
        rec = {k: v for k, v in r.items() if not k.startswith("_")}
        b = dict(proj)
        if error == "inconsistent_budget" and i == len(rows) - 1:
            b["全年执行数"] = round_half_up(spent * 0.9, 1)
        out.append({**b, **rec})
    return out, proj


def generate_forms(
    n: int, *, seed: int = 0, error_share: float = 0.5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` forms as the long table (Chinese headers, budget columns on every row) and the
    truth table (项目编号 → planted error code, one per erroneous form)."""
    rng = np.random.default_rng(seed)
    recs, truth = [], []
    for k in range(n):
        pid = f"P{k + 1:05d}"
        error = (
            PLANTED_KINDS[int(rng.integers(len(PLANTED_KINDS)))]
            if rng.random() < error_share
            else None
        )
        rows, _ = _form(rng, pid, error)
        recs.extend(rows)
        if error:
            truth.append({"project_id": pid, "code": error})
    return pd.DataFrame(recs), pd.DataFrame(truth, columns=["project_id", "code"])


def write_sample_set(folder: str | Path, n: int = 40, seed: int = 2026) -> None:
    """Write the committed sample set: 复核样本_长表.csv (UTF-8 with BOM), truth.csv."""
    from ..fileio import atomic_write_bytes

    folder = Path(folder)
    long, truth = generate_forms(n, seed=seed)
    atomic_write_bytes(
        folder / "复核样本_长表.csv",
        long.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"),
    )
    atomic_write_bytes(folder / "truth.csv", truth.to_csv(index=False).encode("utf-8"))
    first = long[long["项目编号"].isin(long["项目编号"].unique()[:12])]
    write_form_workbook(first, folder / "复核样本_自评表.xlsx")


def write_form_workbook(long: pd.DataFrame, path: str | Path) -> None:
    """Write forms as departments fill them: one sheet per project in the 项目支出绩效自评表
    layout (RULES.md §7), 一级/二级 cells merged."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from ..fileio import atomic_write_bytes, deterministic_zip

    wb = Workbook()
    wb.remove(wb.active)
    for pid, g in long.groupby("项目编号", sort=False):
        p = g.iloc[0]
        ws = wb.create_sheet(str(pid))
        ws.append(["项目支出绩效自评表"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.merge_cells("A1:H1")
        ws.append([f"（{p['年度']}年度）"])
        ws.append(["项目名称", p["项目名称"], None, None, "项目编号", pid])
        ws.append(["主管部门", p["主管部门"], None, None, "实施单位", "某县农业技术推广中心"])
        ws.append(
            ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
        )
        ws.append(
            [
                "年度资金总额",
                p["年初预算数"],
                p["全年预算数"],
                p["全年执行数"],
                p["执行率分值"],
                p["执行率"],
                p["执行率得分"],
            ]
        )
        ws.append(["年度总体目标", "按计划完成建设任务，改善群众生产生活条件"])
        ws.append(
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ]
        )
        first = ws.max_row + 1
        for r in g.itertuples(index=False):
            d = r._asdict()
            ws.append(
                [
                    d["一级指标"],
                    d["二级指标"],
                    d["三级指标"],
                    d["年度指标值"],
                    d["实际完成值"],
                    d["分值"],
                    d["得分"],
                    d["偏差原因"] or None,
                ]
            )
        last = ws.max_row
        for col in (1, 2):  # merge runs of equal 一级 / 二级 cells, as published forms do
            start = first
            for r in range(first + 1, last + 2):
                same = r <= last and ws.cell(r, col).value == ws.cell(start, col).value
                if not same:
                    if r - 1 > start:
                        ws.merge_cells(
                            start_row=start, end_row=r - 1, start_column=col, end_column=col
                        )
                        ws.cell(start, col).alignment = Alignment(vertical="center")
                    start = r
        ws.append(["总分", None, None, None, None, 100, p["总分"], None])
        ws.append(["自评等级", p["自评等级"]])
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, deterministic_zip(buf.getvalue()))
