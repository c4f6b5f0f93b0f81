"""Result feedback for many projects: letters, the correction-tracking workbook, the portfolio
of consequences, and feedback.json.

- ``反馈书/<项目>.docx`` and ``.pdf`` per project (:mod:`evallib.feedback.letters`);
- ``整改跟踪表.xlsx``: one row per problem (from the evaluators' text and the indicators that lost
  points) with 责任单位, 整改期限 and blank 整改状态 / 整改情况 / 核实人 columns to fill in;
- ``结果应用汇总.xlsx``: per project 总分, 等级, 本年预算, 压减比例, 建议下年安排, 处理意见, 豁免;
- ``feedback.json``: the same figures with the rules, dates and bundle hashes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..fileio import atomic_write_bytes
from ..inert import frames_xlsx
from ..outdir import check_name
from ..results import Provenance, _clean
from .cases import FeedbackCase, read_case
from .letters import letter_docx, letter_paragraphs, letter_pdf
from .rules import ConsequenceRules

__all__ = ["feedback", "portfolio_table", "tracking_table"]


def portfolio_table(cases: Sequence[FeedbackCase], rules: ConsequenceRules) -> pd.DataFrame:
    """Consequences per project (the rules applied to each grade and 支出类型)."""
    rows = []
    for c in cases:
        k = rules.apply(c.grade, c.expenditure_type, c.budget_wan)
        rows.append(
            {
                "项目名称": c.project,
                "主管部门": c.department,
                "支出类型": c.expenditure_type,
                "总分": c.total,
                "等级": c.grade,
                "本年预算（万元）": c.budget_wan,
                "压减比例": None if k.cut_percent is None else k.cut_percent / 100,
                "建议下年安排（万元）": k.next_year_wan,
                "处理意见": k.action,
                "豁免压减": "是" if k.exempted else "否",
            }
        )
    return pd.DataFrame(rows)


def tracking_table(cases: Sequence[FeedbackCase], deadline: dt.date) -> pd.DataFrame:
    """One row per problem to correct, with the columns the follow-up fills in."""
    rows = []
    for c in cases:
        items = [(p, "评价发现") for p in c.problems]
        items += [
            (f"「{r['指标']}」扣 {r['扣分']:g} 分：{r['扣分原因']}", "扣分指标") for r in c.lost
        ]
        for n, (text, src) in enumerate(items, 1):
            rows.append(
                {
                    "项目名称": c.project,
                    "序号": n,
                    "问题": text,
                    "来源": src,
                    "责任单位": c.implementer or c.department,
                    "整改期限": deadline.isoformat(),
                    "整改状态": "未整改",
                    "整改情况": "",
                    "核实人": "",
                    "核实日期": "",
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "项目名称",
            "序号",
            "问题",
            "来源",
            "责任单位",
            "整改期限",
            "整改状态",
            "整改情况",
            "核实人",
            "核实日期",
        ],
    )


def feedback(
    bundles: Sequence[str | Path],
    out: str | Path,
    *,
    rules: ConsequenceRules,
    issued: dt.date,
    deadline: dt.date | None = None,
    formats: tuple[str, ...] = ("docx", "pdf"),
) -> tuple[list[Path], pd.DataFrame]:
    """Write every output for ``bundles`` into ``out``; returns the files written and the
    portfolio table (:func:`portfolio_table`)."""
    out = Path(out)
    deadline = deadline or issued + dt.timedelta(days=rules.deadline_days)
    cases = [read_case(b) for b in bundles]
    written, names = [], set()
    for c in cases:
        safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", c.project).strip(" .")[:80] or "项目"
        name = check_name(safe, what="项目名称（用作文件名）")
        if name in names:
            name = f"{name}_{c.sha256[:8]}"
        names.add(name)
        p = letter_paragraphs(c, rules.apply(c.grade, c.expenditure_type, c.budget_wan), deadline)
        if "docx" in formats:
            written.append(
                atomic_write_bytes(out / "反馈书" / f"{name}.docx", letter_docx(p, issued))
            )
        if "pdf" in formats:
            written.append(
                atomic_write_bytes(out / "反馈书" / f"{name}.pdf", letter_pdf(p, issued))
            )
    port, track = portfolio_table(cases, rules), tracking_table(cases, deadline)
    written.append(atomic_write_bytes(out / "结果应用汇总.xlsx", frames_xlsx({"结果应用": port})))
    written.append(atomic_write_bytes(out / "整改跟踪表.xlsx", frames_xlsx({"整改跟踪": track})))
    payload = {
        "issued": issued.isoformat(),
        "deadline": deadline.isoformat(),
        "rules": rules.model_dump(),
        "portfolio": port.to_dict("records"),
        "tracking": track.to_dict("records"),
        "provenance": Provenance(
            inputs={Path(c.bundle).name: c.sha256 for c in cases}, params={"formats": list(formats)}
        ).to_dict(),
    }
    js = json.dumps(_clean(payload), ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    written.append(atomic_write_bytes(out / "feedback.json", js.encode()))
    return written, port
