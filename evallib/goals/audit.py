"""Run the goal-sheet checks, write the 审核意见 and the outputs.

:func:`audit` runs every registered check (:data:`evallib.goals.checks.CHECKS`) on every sheet
and returns a :class:`GoalAudit`: the findings, one summary row per sheet with its conclusion
(退回修改 / 通过（附修改建议） / 通过) and the 审核意见 text per sheet.  :func:`write_outputs`
writes 绩效目标审核.xlsx (汇总, 审核意见, 问题清单, 按检查统计) and goals.json (byte-identical for
identical inputs, with input SHA-256, parameters and versions).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..fileio import atomic_write_bytes
from ..inert import frames_xlsx
from ..results import Provenance, _clean
from .checks import CHECKS, Context, Finding
from .model import GoalSheet

__all__ = ["CONCLUSIONS", "GoalAudit", "audit", "opinion_text", "tables_zh", "write_outputs"]

CONCLUSIONS = {"return": "退回修改", "advise": "通过（附修改建议）", "pass": "通过"}
SEVERITY_ZH = {"return": "须修改（退回）", "advise": "建议修改"}


@dataclass
class GoalAudit:
    """The result of checking goal sheets.

    Attributes
    ----------
    sheets : list of GoalSheet
    findings : DataFrame
        sheet_id, check, severity, row, indicator, message, fix (sheet order, then check order).
    summary : DataFrame
        sheet_id, project, department, project_type, indicators, returns, advices, conclusion.
    opinions : dict
        sheet_id → 审核意见 text.
    """

    sheets: list[GoalSheet]
    findings: pd.DataFrame
    summary: pd.DataFrame
    opinions: dict[str, str]

    @property
    def returned(self) -> list[str]:
        """Ids of the sheets to return for revision."""
        return self.summary.loc[self.summary["conclusion"] == "return", "sheet_id"].tolist()


def audit(sheets: Sequence[GoalSheet], ctx: Context | None = None) -> GoalAudit:
    """Check every sheet with every registered check."""
    ctx = ctx or Context()
    found: list[Finding] = []
    rows = []
    opinions = {}
    for s in sheets:
        mine = [f for check in CHECKS.values() for f in check.func(s, ctx)]
        found += mine
        n_ret = sum(f.severity == "return" for f in mine)
        n_adv = len(mine) - n_ret
        concl = "return" if n_ret else "advise" if n_adv else "pass"
        rows.append(
            {
                "sheet_id": s.sheet_id,
                "project": s.project,
                "department": s.department,
                "project_type": s.project_type,
                "indicators": len(s.indicators),
                "returns": n_ret,
                "advices": n_adv,
                "conclusion": concl,
            }
        )
        opinions[s.sheet_id] = opinion_text(s, mine, concl)
    cols = ["sheet_id", "check", "severity", "row", "indicator", "message", "fix"]
    findings = pd.DataFrame([{c: getattr(f, c) for c in cols} for f in found], columns=cols)
    return GoalAudit(list(sheets), findings, pd.DataFrame(rows), opinions)


def opinion_text(sheet: GoalSheet, findings: list[Finding], conclusion: str) -> str:
    """The 审核意见 of one sheet: conclusion, then each problem with its fix and basis."""
    head = f"项目「{sheet.project}」绩效目标审核意见：{CONCLUSIONS[conclusion]}"
    if not findings:
        return head + "。绩效目标完整、指标可衡量，未发现需修改的问题。"
    lines = [head + "。"]
    ordered = sorted(findings, key=lambda f: (f.severity != "return", f.row or 0))
    for n, f in enumerate(ordered, 1):
        where = f"第 {f.row} 行" if f.row else "整表"
        lines.append(
            f"{n}. 【{SEVERITY_ZH[f.severity]}】{where}：{f.message}。修改建议：{f.fix}。"
            f"（{CHECKS[f.check].aspect}；依据：{CHECKS[f.check].source}）"
        )
    return "\n".join(lines)


def tables_zh(res: GoalAudit) -> dict[str, pd.DataFrame]:
    """The Chinese tables: 汇总, 审核意见, 问题清单, 按检查统计."""
    summary = res.summary.assign(conclusion=res.summary["conclusion"].map(CONCLUSIONS)).rename(
        columns={
            "sheet_id": "项目编号",
            "project": "项目名称",
            "department": "主管部门",
            "project_type": "项目类型",
            "indicators": "指标数",
            "returns": "须修改问题数",
            "advices": "建议数",
            "conclusion": "审核结论",
        }
    )
    opinions = pd.DataFrame(
        {"项目编号": list(res.opinions), "审核意见": list(res.opinions.values())}
    )
    f = res.findings
    problems = pd.DataFrame(
        {
            "项目编号": f["sheet_id"],
            "行号": f["row"],
            "指标": f["indicator"],
            "检查": f["check"].map(lambda c: CHECKS[c].title),
            "级别": f["severity"].map(SEVERITY_ZH),
            "方面": f["check"].map(lambda c: CHECKS[c].aspect),
            "问题": f["message"],
            "修改建议": f["fix"],
            "依据": f["check"].map(lambda c: CHECKS[c].source),
        }
    )
    counts = (
        f.groupby("check", sort=False)
        .size()
        .reindex(list(CHECKS), fill_value=0)
        .rename("问题数")
        .reset_index()
    )
    counts.insert(1, "检查", counts["check"].map(lambda c: CHECKS[c].title))
    counts["级别"] = counts["check"].map(lambda c: SEVERITY_ZH[CHECKS[c].severity])
    return {
        "汇总": summary,
        "审核意见": opinions,
        "问题清单": problems,
        "按检查统计": counts.rename(columns={"check": "检查代码"}),
    }


def write_outputs(
    res: GoalAudit, out: str | Path, *, provenance: Provenance | None = None
) -> list[Path]:
    """Write 绩效目标审核.xlsx and goals.json into ``out`` (atomically)."""
    out = Path(out)
    payload: dict[str, Any] = {
        "summary": res.summary.to_dict("records"),
        "findings": res.findings.to_dict("records"),
        "opinions": res.opinions,
        "returned": res.returned,
        "checks": {
            k: {"title": c.title, "severity": c.severity, "aspect": c.aspect, "source": c.source}
            for k, c in CHECKS.items()
        },
        "provenance": (provenance or Provenance()).to_dict(),
    }
    js = (json.dumps(_clean(payload), ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    return [
        atomic_write_bytes(out / "绩效目标审核.xlsx", frames_xlsx(tables_zh(res))),
        atomic_write_bytes(out / "goals.json", js),
    ]
