"""Write a review: 复核汇总.xlsx (summary, flag list, counts; Chinese headers), 复核明细.xlsx (every
indicator with the published and recomputed score, the reproducing variant and the flags; one
sheet per project when there are at most ``per_project_max`` projects), summary.csv and
summary.json (fixed English column names, for machines), flags.csv."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..fileio import atomic_write_bytes
from ..inert import csv_bytes, frames_xlsx
from ..results import _clean
from .engine import FLAGS, VARIANT_ZH, ReviewResult

__all__ = ["SUMMARY_ZH", "summary_zh", "write_outputs"]

SUMMARY_ZH = {
    "project_id": "项目编号", "published_total": "自评总分", "recomputed_total": "复核总分",
    "difference": "差异", "published_grade": "自评等级", "recomputed_grade": "复核等级",
    "errors": "错误数", "unverifiable": "无法核对数", "warnings": "提示数",
    "reproduced_under": "可复现口径", "rows_as_published": "按填报得分计入的指标数",
    "layout": "自评表版式",
    "flags": "问题代码",
}  # fmt: skip
DETAIL_ZH = {
    "project_id": "项目编号", "row": "行号", "level1": "一级指标", "level2": "二级指标",
    "level3": "三级指标", "target": "年度指标值", "actual": "实际完成值", "points": "分值",
    "score": "自评得分", "recomputed": "复核得分", "reproduced_by": "可复现口径",
    "flags": "问题代码", "deviation": "偏差原因",
}  # fmt: skip


KIND_ZH = {"arithmetic": "计算", "rule": "评分规则", "structure": "指标体系", "grade": "等级",
           "input": "填报数据", "plausibility": "合理性"}  # fmt: skip
SEVERITY_ZH = {"error": "错误", "unverifiable": "无法核对", "warning": "提示"}


def _codes_zh(codes: str) -> str:
    """「grade_cap;total_mismatch」 → the Chinese descriptions, joined by 「；」."""
    return "；".join(FLAGS[c][2] if c in FLAGS else c for c in str(codes).split(";") if c)


def _variant_zh(v: str) -> str:
    return "+".join(VARIANT_ZH.get(x, x) for x in v.split("+")) if v else ""


def summary_zh(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with Chinese headers and values (口径 and 版式 in words)."""
    from .layouts import LAYOUTS

    out = summary.rename(columns=SUMMARY_ZH)
    out["可复现口径"] = out["可复现口径"].map(_variant_zh)
    if "自评表版式" in out.columns:
        names = {k: v.name_zh for k, v in LAYOUTS.items()}
        out["自评表版式"] = out["自评表版式"].map(lambda k: names.get(k, k))
    return out


def _xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    return frames_xlsx(sheets)


def write_outputs(res: ReviewResult, out: str | Path, *, per_project_max: int = 200) -> list[Path]:
    """Write every output file (computed in memory first, written atomically)."""
    out = Path(out)
    summ = res.summary.copy()
    summ_zh = summary_zh(summ)
    if "问题代码" in summ_zh.columns:
        summ_zh.insert(summ_zh.columns.get_loc("问题代码") + 1, "问题",
                       summ_zh["问题代码"].map(_codes_zh))  # fmt: skip
    flags_zh = res.flags.rename(
        columns={
            "project_id": "项目编号",
            "row": "行号",
            "code": "问题代码",
            "severity": "级别",
            "kind": "类别",
            "message": "说明",
        }
    )
    flags_zh["级别"] = flags_zh["级别"].map(SEVERITY_ZH)
    flags_zh["类别"] = flags_zh["类别"].map(lambda k: KIND_ZH.get(k, k))
    counts = res.counts_by_code().rename(
        columns={"code": "问题代码", "severity": "级别", "count": "数量"}
    )
    counts["级别"] = counts["级别"].map(lambda s: SEVERITY_ZH.get(s, s))
    counts.insert(1, "问题", counts["问题代码"].map(_codes_zh))
    worst = summ_zh.sort_values(["错误数", "提示数"], ascending=False).head(20)
    summary_book = _xlsx(
        {"汇总": summ_zh, "问题清单": flags_zh, "按问题统计": counts, "问题最多的项目": worst}
    )
    detail = res.rows[list(DETAIL_ZH)].rename(columns=DETAIL_ZH)
    detail["可复现口径"] = detail["可复现口径"].map(_variant_zh)
    if "问题代码" in detail.columns:
        detail.insert(detail.columns.get_loc("问题代码") + 1, "问题",
                      detail["问题代码"].map(_codes_zh))  # fmt: skip
    sheets = {"明细": detail}
    if summ["project_id"].nunique() <= per_project_max:
        for pid, g in detail.groupby("项目编号", sort=False):
            sheets[str(pid)] = g
    detail_book = _xlsx(sheets)
    csv = csv_bytes(summ)
    records = _clean(summ.to_dict("records"))
    payload = {
        "summary": records,
        "flag_codes": {
            k: {"severity": v[0], "kind": v[1], "description": v[2]} for k, v in FLAGS.items()
        },
    }
    js = (json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    flags_csv = csv_bytes(res.flags)
    files = {
        "复核汇总.xlsx": summary_book,
        "复核明细.xlsx": detail_book,
        "summary.csv": csv,
        "summary.json": js,
        "flags.csv": flags_csv,
    }
    return [atomic_write_bytes(out / name, data) for name, data in files.items()]
