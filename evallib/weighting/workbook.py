"""The expert judgement workbook (专家判断矩阵.xlsx): write a template from an indicator system,
read the filled workbook back, weigh it.

Layout: a sheet 说明 (the 1–9 scale), one sheet per expert (专家1, 专家2, ...) holding one
block per parent indicator with two or more children (the top level first, as 总目标).  Each
block is headed by a row ``判断矩阵 | <parent code> | <parent name>``, then a header row with
the children's names, then one row per child: ``code | name | judgements...``.  The expert
fills the upper triangle (how much more important the row indicator is than the column
indicator, 1–9 or 1/2–1/9); the diagonal is 1 and the lower triangle is computed.  A hidden
sheet ``_结构`` keeps the indicator system the template was made from, so the workbook can be
weighed without it.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import limits
from ..errors import EvalError, InconsistentJudgementError, InputDataError, Problem
from ..fileio import load_yaml_text, read_bytes_bounded
from ..indicators import Indicator, IndicatorSystem, system_from_dict
from ..inert import workbook_bytes
from ..outdir import check_name
from ..xlsx_style import fit_print
from .ahp import DEFAULT_RI, parse_judgement
from .group import GroupAHPResult, group_ahp
from .points import ROOT, HierarchyWeights, apply_points, hierarchical

__all__ = [
    "Block",
    "Judgements",
    "WorkbookWeights",
    "bootstrap_leaf_points",
    "read_workbook",
    "weigh_workbook",
    "write_template",
]

META = "_结构"
_FIXED_TIME = datetime.datetime(2000, 1, 1)
SCALE_TEXT = [
    ("1", "同等重要"),
    ("3", "稍微重要"),
    ("5", "明显重要"),
    ("7", "强烈重要"),
    ("9", "极端重要"),
    ("2、4、6、8", "上述相邻判断的中间值"),
    ("1/3、1/5…1/9", "行指标不如列指标重要时，填写相应的倒数"),
]
_FILL = PatternFill("solid", fgColor="FFF2CC")
_GREY = PatternFill("solid", fgColor="EEEEEE")


@dataclass(frozen=True)
class Block:
    """One judgement matrix: a parent indicator and its children, with each expert's matrix."""

    parent: str
    parent_name: str
    codes: list[str]
    names: list[str]
    matrices: dict[str, np.ndarray]


@dataclass(frozen=True)
class Judgements:
    """Everything read from a filled workbook."""

    system: IndicatorSystem
    experts: list[str]
    blocks: list[Block]
    source: str


ROOT_LABEL = "总目标"  # shown for the top block in the expert sheets


def _blocks_of(system: IndicatorSystem) -> list[tuple[str, str, list[Indicator]]]:
    out = [(ROOT, "总目标", system.indicators)] if len(system.indicators) > 1 else []
    for _, node in system.walk():
        if len(node.children) > 1:
            out.append((node.code or "", node.name, node.children))
    return out


def write_template(system: IndicatorSystem, experts: int | Sequence[str] = 7) -> bytes:
    """The expert workbook for ``system`` as XLSX bytes (write it atomically)."""
    count = experts if isinstance(experts, int) else len(experts)
    if not 1 <= count <= limits.get("max_experts"):
        raise InputDataError(
            f"专家人数 (experts) 应为 1 到 {limits.get('max_experts')}",
            value=count,
            fix="德尔菲法、AHP 群决策通常 5–30 位专家",
        )
    names = (
        [f"专家{i}" for i in range(1, experts + 1)]
        if isinstance(experts, int)
        else [check_name(e, what="专家名 (expert)") for e in experts]
    )
    own: set[tuple[str, str]] = set()  # the reciprocal formulas evallib writes
    wb = Workbook()
    info = wb.active
    info.title = "说明"
    info.append([f"{system.name} — 专家判断矩阵"])
    info["A1"].font = Font(bold=True, size=14)
    info.append(["请在各专家工作表中填写黄色单元格（上三角）：行指标相对于列指标的重要程度。"])
    info.append(["标度", "含义"])
    for row in SCALE_TEXT:
        info.append(list(row))
    info.append([])
    info.append(["对角线为 1，下三角自动取倒数，无需填写。可以填写 3 或 1/3 这样的分数。"])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 60
    blocks = _blocks_of(system)
    for expert in names:
        ws = wb.create_sheet(expert)
        ws.append([f"专家判断矩阵（{expert}）"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(["专家姓名（可选）："])
        dv = DataValidation(
            type="list",
            allow_blank=True,
            showErrorMessage=True,
            formula1='"9,8,7,6,5,4,3,2,1,1/2,1/3,1/4,1/5,1/6,1/7,1/8,1/9"',
            errorTitle="标度",
            error="请从 1–9 或 1/2–1/9 中选择",
        )
        ws.add_data_validation(dv)
        r = 4
        for parent, pname, children in blocks:
            n = len(children)
            ws.cell(r, 1, "判断矩阵").font = Font(bold=True)
            ws.cell(r, 2, ROOT_LABEL if parent == ROOT else parent)
            ws.cell(r, 3, pname).font = Font(bold=True)
            ws.cell(r + 1, 1, "编码")
            ws.cell(r + 1, 2, "指标")
            for j, c in enumerate(children):
                ws.cell(r + 1, 3 + j, c.name).alignment = Alignment(wrap_text=True)
            for i, c in enumerate(children):
                row = r + 2 + i
                ws.cell(row, 1, c.code)
                ws.cell(row, 2, c.name)
                for j in range(n):
                    cell = ws.cell(row, 3 + j)
                    if i == j:
                        cell.value = 1
                        cell.fill = _GREY
                    elif i < j:
                        cell.fill = _FILL
                        dv.add(cell)
                    else:
                        upper = f"{get_column_letter(3 + i)}{r + 2 + j}"
                        cell.value = f'=IF({upper}="","",1/{upper})'
                        own.add((ws.title, cell.coordinate))
                        cell.fill = _GREY
                        cell.number_format = "0.000"
            r += n + 3
        ws.column_dimensions["A"].width = 10
        ws.column_dimensions["B"].width = 22
        for j in range(3, 3 + max((len(b[2]) for b in blocks), default=0)):
            ws.column_dimensions[get_column_letter(j)].width = 14
    for sheet in wb.worksheets:
        fit_print(sheet, header_row=None)
    meta = wb.create_sheet(META)
    meta.sheet_state = "hidden"
    meta.append(["experts", json.dumps(names, ensure_ascii=False)])
    text = system.to_yaml()
    for k in range(0, len(text), 30000):
        meta.append(["system", text[k : k + 30000]])
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    return workbook_bytes(wb, own_formulas=own)


SCALE_FIX = "填写 1–9 或 1/2–1/9"


def _judgement_cell(value: Any, uncached: bool, what: str) -> tuple[float, Problem | None]:
    """One upper-triangle judgement: its value, or the problem with it (location added by the
    caller)."""
    if uncached:
        fix = "用 Excel/WPS 打开并保存，或直接填写数值"
        return 0.0, Problem(f"{what} 是公式但没有计算结果", fix=fix)
    if value is None or str(value).strip() == "":
        return 0.0, Problem(f"{what} 未填写", fix=SCALE_FIX)
    try:
        x = parse_judgement(value)
    except (ValueError, TypeError, ZeroDivisionError):
        return 0.0, Problem(f"{what} 应为数值，如 3 或 1/3", value=value, fix=SCALE_FIX)
    if not 1 / 9 - 1e-6 <= x <= 9 + 1e-6:
        return 0.0, Problem(f"{what} 超出 1/9–9 的标度范围", value=value, fix=SCALE_FIX)
    return x, None


def read_workbook(path: str | Path) -> Judgements:
    """Read a filled expert workbook; every problem (missing sheet, empty or text cell,
    off-scale value) is reported together, naming expert sheet and cell.

    Raises
    ------
    InputDataError
        Not an evallib expert workbook, missing expert sheet.
    InconsistentJudgementError
        Bad cells (with sheet and cell reference).
    """
    from ..workbooks import read_sheet, sheet_names

    path = Path(path)
    data = read_bytes_bounded(path)
    names = sheet_names(path, data)
    if META not in names:
        raise InputDataError(
            f"不是 evallib 生成的专家判断矩阵工作簿：缺少隐藏工作表「{META}」",
            file=str(path),
            fix="用 evallib weights template 生成模板，专家在模板上填写",
        )
    meta = read_sheet(path, META, data=data)
    experts: list[str] = []
    chunks: list[str] = []
    for row in meta.rows:
        key, val = [*row, None, None][:2]
        if key == "experts":
            try:
                experts = json.loads(str(val))
            except (json.JSONDecodeError, RecursionError):
                experts = None  # type: ignore[assignment]
            if not isinstance(experts, list) or not all(isinstance(e, str) for e in experts):
                raise InputDataError(
                    f"隐藏工作表「{META}」已损坏：专家名单 (experts) 无法读取",
                    file=str(path),
                    sheet=META,
                    value=val,
                    fix="用 evallib weights template 重新生成模板",
                )
        elif key == "system":
            chunks.append("" if val is None else str(val))
    if len(experts) > limits.get("max_experts"):
        raise InputDataError(
            f"专家人数 {len(experts)} 超过{limits.describe('max_experts')}",
            file=str(path),
            sheet=META,
        )
    if not chunks:
        raise InputDataError(
            f"隐藏工作表「{META}」已损坏：缺少指标体系 (system)",
            file=str(path),
            sheet=META,
            fix="用 evallib weights template 重新生成模板",
        )
    try:
        system = system_from_dict(
            load_yaml_text("".join(chunks), file=f"{path}#{META}"), source=f"{path}#{META}"
        )
    except EvalError as exc:
        raise InputDataError(
            f"隐藏工作表「{META}」中的指标体系已损坏：{exc}",
            file=str(path),
            sheet=META,
            fix="用 evallib weights template 重新生成模板",
        ) from None
    blocks_def = _blocks_of(system)
    probs: list[Problem] = []
    matrices: dict[str, dict[str, np.ndarray]] = {b[0]: {} for b in blocks_def}
    for expert in experts:
        if expert not in names:
            probs.append(
                Problem(
                    f"缺少专家工作表「{expert}」(missing expert sheet)",
                    file=str(path),
                    sheet=expert,
                    fix=f"恢复该工作表；现有工作表：{', '.join(s for s in names if s != META)}",
                )
            )
            continue
        ws = read_sheet(path, expert, data=data, allow_uncached=True)  # reciprocals: unread
        starts = {
            str(ws.cell(r, 2)): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1) == "判断矩阵"
        }
        for parent, pname, children in blocks_def:
            r0 = starts.get(ROOT_LABEL if parent == ROOT else str(parent)) or starts.get(
                str(parent)
            )  # workbooks written before the label: "root"
            if r0 is None:
                probs.append(
                    Problem(
                        f"找不到「{pname}」的判断矩阵",
                        file=str(path),
                        sheet=expert,
                        fix="不要删除或移动模板中的矩阵块",
                    )
                )
                continue
            n = len(children)
            a = np.ones((n, n))
            for i in range(n):
                for j in range(i + 1, n):
                    value = ws.cell(r0 + 2 + i, 3 + j)
                    ref = f"{get_column_letter(3 + j)}{r0 + 2 + i}"
                    what = f"单元格 {ref}（{children[i].name} 对 {children[j].name}）"
                    x, problem = _judgement_cell(value, ref in ws.uncached_formulas, what)
                    if problem is not None:
                        probs.append(replace(problem, file=str(path), sheet=expert, column=ref))
                        continue
                    a[i, j], a[j, i] = x, 1 / x
            matrices[parent][expert] = a
    if probs:
        raise InconsistentJudgementError(problems=probs)
    blocks = [
        Block(p, pn, [c.code or "" for c in ch], [c.name for c in ch], matrices[p])
        for p, pn, ch in blocks_def
    ]
    return Judgements(system, experts, blocks, str(path))


@dataclass(frozen=True)
class WorkbookWeights:
    """Weights from an expert workbook: per-block group results, hierarchy and new 分值."""

    judgements: Judgements
    groups: dict[str, GroupAHPResult]
    hierarchy: HierarchyWeights
    params: dict[str, Any]

    def system_with_points(self) -> IndicatorSystem:
        """The indicator system with the new 分值 (rule parameters rescaled)."""
        return apply_points(self.judgements.system, self.hierarchy.points(), self.hierarchy.total)

    def expert_table(self) -> pd.DataFrame:
        """Per block and expert: CR and inclusion (Chinese headers)."""
        rows = []
        for b in self.judgements.blocks:
            g = self.groups[b.parent]
            for expert, r in g.experts.iterrows():
                rows.append(
                    {
                        "判断矩阵": b.parent_name,
                        "专家": expert,
                        "CR": r["cr"],
                        "一致性": "通过" if r["consistent"] else "未通过",
                        "是否纳入": "是" if r["included"] else "否",
                        "相容性 GCOMPI": r["gcompi"],
                    }
                )
        return pd.DataFrame(rows)

    def block_table(self) -> pd.DataFrame:
        """Per block: aggregated CR and Kendall's W of the experts (Chinese headers)."""
        rows = []
        for b in self.judgements.blocks:
            g = self.groups[b.parent]
            rows.append(
                {
                    "判断矩阵": b.parent_name,
                    "指标数": len(b.codes),
                    "纳入专家数": int(g.experts["included"].sum()),
                    "集结后 CR": g.cr,
                    "Kendall W": None if g.consensus is None else g.consensus.w,
                    "W 检验 p 值": None if g.consensus is None else g.consensus.p_value,
                }
            )
        return pd.DataFrame(rows)

    def weights_table(self) -> pd.DataFrame:
        """Every indicator: local and global weight and 分值 (Chinese headers)."""
        t = self.hierarchy.table
        return pd.DataFrame(
            {
                "编码": t["code"],
                "指标": t["name"],
                "层级": t["level"],
                "局部权重": t["local_weight"],
                "全局权重": t["global_weight"],
                "分值": t["points"],
            }
        )

    def consistency_table(self) -> pd.DataFrame:
        """Per block: each expert's and the pooled matrix's n, λmax, CI, RI, CR and verdict
        (Chinese headers; the RI column names its table)."""
        ri_name = f"RI（{self.params['ri_table']}）"
        rows = []
        for b in self.judgements.blocks:
            g = self.groups[b.parent]
            pooled = [("集结", g.combined, True)] if g.combined is not None else []
            each = [
                (str(e), g.individual[e], bool(g.experts.loc[e, "included"]))
                for e in g.experts.index
            ]
            for who, r, inc in each + pooled:
                rows.append(
                    {
                        "判断矩阵": b.parent_name,
                        "专家": who,
                        "阶数 n": r.n,
                        "λmax": r.lambda_max,
                        "CI": r.ci,
                        ri_name: r.ri,
                        "CR": r.cr,
                        "一致性": "通过" if r.consistent else "未通过",
                        "是否纳入集结": "—" if who == "集结" else ("是" if inc else "否"),
                    }
                )
        return pd.DataFrame(rows)

    def inconsistent(self) -> list[tuple[str, str, float]]:
        """(block name, expert, CR) of every expert matrix failing the threshold."""
        return [
            (b.parent_name, str(e), float(r["cr"]))
            for b in self.judgements.blocks
            for e, r in self.groups[b.parent].experts.iterrows()
            if not r["consistent"]
        ]

    def repair_table(self, top: int = 3) -> pd.DataFrame:
        """Suggested revisions for every inconsistent expert matrix (修改建议): the judgements
        that contribute most to inconsistency and the scale value nearest the implied ratio."""
        rows = []
        for b in self.judgements.blocks:
            g = self.groups[b.parent]
            names = dict(zip(b.codes, b.names, strict=True))
            for e, r in g.experts.iterrows():
                if r["consistent"]:
                    continue
                for adj in g.individual[e].diagnose(top):
                    rows.append(
                        {
                            "判断矩阵": b.parent_name,
                            "专家": str(e),
                            "CR": float(r["cr"]),
                            "行指标": names.get(adj.row, adj.row),
                            "列指标": names.get(adj.col, adj.col),
                            "现判断": adj.current,
                            "一致时应约为": adj.implied,
                            "建议改为": adj.suggested,
                        }
                    )
        cols = ["判断矩阵", "专家", "CR", "行指标", "列指标", "现判断", "一致时应约为", "建议改为"]
        return pd.DataFrame(rows, columns=cols)

    def inconsistency_notes_zh(self) -> list[str]:
        """What was done with each inconsistent expert matrix (the rule is a parameter)."""
        rule = self.params["inconsistent"]
        th = self.params["threshold"]
        action = {
            "keep": "仍纳入集结（inconsistent=keep），请在报告中说明",
            "exclude": "未纳入集结（inconsistent=exclude）",
            "repair": "未纳入集结，已列出修改建议，请专家修改后重新计算（inconsistent=repair）",
        }[rule]
        return [
            f"{e}对「{blk}」的判断矩阵 CR = {cr:.4f} ≥ {th:.2f}，未通过一致性检验，{action}。"
            for blk, e, cr in self.inconsistent()
        ]

    def summary_zh(self) -> str:
        """A paragraph for the report's weighting chapter (Chinese)."""
        p = self.params
        method = {"eigen": "特征向量法", "geometric": "方根法", "normalized_columns": "和积法"}[
            p["method"]
        ]
        agg = "判断矩阵几何平均（AIJ）" if p["aggregate"] == "aij" else "权重向量几何平均（AIP）"
        exp = self.expert_table()
        n_bad = int((exp["一致性"] == "未通过").sum())
        worst = self.block_table().sort_values("集结后 CR", ascending=False).iloc[0]
        text = (
            f"本次赋权采用层次分析法，邀请 {len(self.judgements.experts)} 位专家对 "
            f"{len(self.judgements.blocks)} 个判断矩阵进行两两比较，采用{method}计算权重，"
            f"按{agg}集结专家意见，随机一致性指标取 {p['ri_table']} 表。"
            f"各专家判断矩阵中有 {n_bad} 个未通过一致性检验（CR ≥ {p['threshold']:.2f}）"
        )
        text += (
            {
                "keep": "，按参数仍纳入集结。",
                "exclude": "，已予剔除。",
                "repair": "，已予剔除并列出修改建议。",
            }[p["inconsistent"]]
            if n_bad
            else "。"
        )
        text += (
            f"集结后各判断矩阵的一致性比率最大为 {worst['集结后 CR']:.4f}（{worst['判断矩阵']}），"
            f"{'均通过' if worst['集结后 CR'] < p['threshold'] else '未全部通过'}一致性检验。"
            "各指标分值按最大余数法取整，各层级分值合计与上级一致，"
            f"总分 {self.hierarchy.total:g} 分。"
        )
        return "".join([text, *self.hierarchy.warnings_zh()])

    def to_dict(self) -> dict[str, Any]:
        return {
            "params": self.params,
            "blocks": {
                p: {
                    "weights": {k: float(v) for k, v in g.weights.items()},
                    "cr": g.cr,
                    "experts": {
                        str(e): {"cr": float(r["cr"]), "included": bool(r["included"])}
                        for e, r in g.experts.iterrows()
                    },
                    "kendall_w": None if g.consensus is None else g.consensus.to_dict(),
                }
                for p, g in self.groups.items()
            },
            "indicators": self.hierarchy.table.drop(columns=["is_leaf"]).to_dict("records"),
        }


def _check_options(threshold: float, total: float | None, decimals: int) -> None:
    from ..errors import ConfigError

    if not (math.isfinite(threshold) and 0 < threshold < 1):
        raise ConfigError(
            "一致性比率阈值 (threshold) 应在 0 与 1 之间", value=threshold, fix="通常取 0.10"
        )
    if total is not None and not (math.isfinite(total) and 0 < total <= 10_000):
        raise ConfigError(
            "总分 (total) 应为 0 到 10000 之间的有限数", value=total, fix="通常取 100"
        )
    if not 0 <= decimals <= 6:
        raise ConfigError("分值小数位 (decimals) 应为 0 到 6", value=decimals)


def weigh_workbook(
    judgements: Judgements,
    *,
    method: str = "eigen",
    aggregate: str = "aij",
    threshold: float = 0.10,
    ri_table: str = DEFAULT_RI,
    exclude_inconsistent: bool = False,
    total: float | None = None,
    decimals: int = 0,
    inconsistent: str | None = None,
) -> WorkbookWeights:
    """Group AHP per block, global weights and 分值 (largest remainder at every level).

    ``inconsistent`` is the rule for expert matrices whose CR ≥ ``threshold``: ``keep`` (pool
    them, reported as a warning), ``exclude`` (leave them out) or ``repair`` (leave them out and
    list suggested revisions, :meth:`WorkbookWeights.repair_table`).  Default: ``exclude`` when
    ``exclude_inconsistent`` is set, else ``keep``.
    """
    _check_options(threshold, total, decimals)
    rule = inconsistent or ("exclude" if exclude_inconsistent else "keep")
    if rule not in ("keep", "exclude", "repair"):
        from ..errors import ConfigError

        raise ConfigError(
            f"不一致专家的处理方式 {inconsistent!r} 无效",
            fix="可选：keep（保留并提示）、exclude（剔除）、repair（剔除并给出修改建议）",
        )
    exclude_inconsistent = rule != "keep"
    groups: dict[str, GroupAHPResult] = {}
    probs: list[Problem] = []
    for b in judgements.blocks:
        try:
            groups[b.parent] = group_ahp(
                b.matrices,
                aggregate=aggregate,
                method=method,  # type: ignore[arg-type]
                exclude_inconsistent=exclude_inconsistent,
                threshold=threshold,
                ri_table=ri_table,
                labels=b.codes,
                where={"file": judgements.source, "column": f"判断矩阵「{b.parent_name}」"},
            )
        except InconsistentJudgementError as exc:
            probs.extend(exc.problems)
    if probs:
        raise InconsistentJudgementError(problems=probs)
    hier = hierarchical(judgements.system, groups, total=total, decimals=decimals)
    params = {
        "method": method,
        "aggregate": aggregate,
        "threshold": threshold,
        "ri_table": ri_table,
        "exclude_inconsistent": exclude_inconsistent,
        "inconsistent": rule,
        "total": hier.total,
        "decimals": decimals,
    }
    return WorkbookWeights(judgements, groups, hier, params)


def bootstrap_leaf_points(
    judgements: Judgements,
    *,
    n: int = 500,
    seed: int = 0,
    method: str = "geometric",
    total: float | None = None,
) -> pd.DataFrame:
    """Leaf 分值 under resampling of the expert panel (for :func:`sensitivity`).

    Each draw resamples the experts with replacement (the same people across all matrices),
    aggregates each matrix by AIJ, and computes global leaf weights × total (unrounded).
    """
    from .ahp import ahp

    rng = np.random.default_rng(seed)
    experts = judgements.experts
    tot = judgements.system.total if total is None else total
    out = []
    for _ in range(n):
        pick = rng.integers(0, len(experts), len(experts))
        local = {}
        for b in judgements.blocks:
            logs = np.stack([np.log(b.matrices[experts[k]]) for k in pick])
            agg = np.exp(logs.mean(axis=0))
            local[b.parent] = ahp(agg, method, labels=b.codes, scale=False).weights  # type: ignore[arg-type]
        h = hierarchical(judgements.system, local, total=tot, decimals=2)
        out.append(h.leaf_weights() * tot)
    return pd.DataFrame(out).reset_index(drop=True)
