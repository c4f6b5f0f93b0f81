"""Cross-project outputs of a batch: one row per project with its total, grade and level-1
subtotals, read from each bundle's ``result.json`` (the numbers the reports show)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

__all__ = ["combined_scores", "load_batch", "summary_zh"]


def combined_scores(out_root: str | Path, summary: pd.DataFrame) -> pd.DataFrame:
    """项目, 总分, 等级 and one column per level-1 indicator (得分), for done/skipped projects."""
    rows = []
    for r in summary.itertuples(index=False):
        if r.status not in ("done", "skipped"):
            continue
        p = Path(r.bundle) / "result.json"
        if not p.is_file():
            continue
        ev = json.loads(p.read_text(encoding="utf-8"))["evaluation"]
        rec = {"项目": r.id, "总分": ev["total"], "等级": ev["grade"]}
        level1 = {s["code"]: s for s in ev["subtotals"] if s["level"] == 1}
        for ind in ev["indicators"]:  # level-1 leaves (e.g. 预算执行率) count as subtotals
            if ind["level"] == 1:
                level1[ind["code"]] = ind
        for code in sorted(level1, key=lambda c: [int(x) if x.isdigit() else x
                                                   for x in str(c).split(".")]):  # fmt: skip
            s = level1[code]
            rec[f"{s['name']}（{s['points']:g}分）"] = s["score"]
        rows.append(rec)
    return pd.DataFrame(rows)


def summary_zh(summary: pd.DataFrame, combined: pd.DataFrame) -> str:
    """A paragraph on a batch for the portfolio report (Chinese)."""
    n = len(summary)
    ok = summary[summary["status"] != "failed"]
    text = f"本批共 {n} 个项目，生成评价报告 {len(ok)} 份"
    failed = summary[summary["status"] == "failed"]
    text += f"，{len(failed)} 个项目未能生成（原因见下表）。" if len(failed) else "。"
    if not combined.empty:
        grades = combined["等级"].value_counts()
        text += (
            "各项目总分在 " + f"{combined['总分'].min():.2f}–{combined['总分'].max():.2f} 分之间，"
            f"平均 {combined['总分'].mean():.2f} 分；等级分布："
            + "、".join(f"{g} {c} 个" for g, c in grades.items())
            + "。"
        )
    return text


def load_batch(out_root: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary and the combined score table of a finished batch directory."""
    from ..errors import InputDataError
    from ..inert import restore_frame

    out_root = Path(out_root)
    if not (out_root / "batch_summary.csv").is_file():
        raise InputDataError(
            "不是 evallib batch 的输出目录：缺少 batch_summary.csv", file=str(out_root),
            fix="batch_dir 应为 evallib batch --out 指定的目录，且批量运行已结束",
        )  # fmt: skip
    summary = pd.read_csv(out_root / "batch_summary.csv", encoding="utf-8-sig",
                          dtype={"id": str})  # fmt: skip
    summary = restore_frame(summary)  # undo the CSV-injection guard on evallib's own file
    return summary, combined_scores(out_root, summary)
