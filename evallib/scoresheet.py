"""Write the score sheet (评分表) workbook: Chinese headers, merged parent cells, total and grade
rows, a subtotal sheet and a notes sheet (profile, caps, vetoes, warnings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .xlsx_style import fit_print, style_table

if TYPE_CHECKING:
    from .results import EvaluationResult

__all__ = ["score_workbook", "write_score_sheet"]

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _merge_runs(ws: Any, col: int, first_row: int, values: list[str]) -> None:
    """Merge vertical runs of equal, non-empty values in one column."""
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            if i - start > 1 and values[start]:
                ws.merge_cells(start_row=first_row + start, end_row=first_row + i - 1,
                               start_column=col, end_column=col)  # fmt: skip
            start = i


def write_score_sheet(result: EvaluationResult, fh: BinaryIO) -> None:
    """Write the 评分表 workbook for ``result`` to a binary file object."""
    fh.write(score_workbook(result))


def score_workbook(result: EvaluationResult) -> bytes:
    """The 评分表 workbook for ``result`` as deterministic, inert XLSX bytes."""
    from .inert import workbook_bytes

    d = result.decimals
    num = "0." + "0" * d if d else "0"
    wb = Workbook()
    ws = wb.active
    ws.title = "评分表"
    ind = result.indicators
    parents = [c for c in ind.columns if c.endswith("级指标")]
    leaf_header = f"{'一二三四五'[len(parents)]}级指标"
    headers = [*parents, leaf_header, "分值", "年度指标值", "实际完成值", "得分", "扣分原因"]
    ncol = len(headers)
    ws.cell(1, 1, f"{result.system_name} 评分表").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, end_row=1, start_column=1, end_column=ncol)
    ws.cell(1, 1).alignment = _CENTER
    for j, h in enumerate(headers, 1):
        c = ws.cell(2, j, h)
        c.font = Font(bold=True)
        c.fill = _HEAD_FILL
        c.alignment = _CENTER
        c.border = _BORDER
    sub_pts = dict(zip(result.subtotals["name"], result.subtotals["points"], strict=False))
    first = 3
    for i, r in enumerate(ind.to_dict("records")):
        row = first + i
        vals: list[Any] = [f"{r[p]}（{sub_pts.get(r[p], 0):g}分）" if r[p] else "" for p in parents]
        vals += [r["name"], r["points"], r["target"], r["actual"], r["score"], r["reason"]]
        for j, v in enumerate(vals, 1):
            c = ws.cell(row, j, v)
            c.border = _BORDER
            c.alignment = _WRAP
        level = int(r.get("level", len(parents) + 1))
        if level <= len(parents):  # a leaf above the deepest level (e.g. 预算执行率 at 一级)
            ws.cell(row, level, r["name"])
            ws.merge_cells(start_row=row, end_row=row, start_column=level,
                           end_column=len(parents) + 1)  # fmt: skip
        ws.cell(row, len(parents) + 2).number_format = num
        ws.cell(row, len(parents) + 5).number_format = num
    for j in range(1, len(parents) + 1):
        keys = [" / ".join(str(x) for x in rec) for rec in ind[parents[:j]].itertuples(index=False)]
        _merge_runs(ws, j, first, keys)
    last = first + len(ind)
    ws.cell(last, 1, "合计").font = Font(bold=True)
    ws.cell(last, len(parents) + 2, result.declared_total).number_format = num
    ws.cell(last, len(parents) + 5, result.total).number_format = num
    ws.cell(last + 1, 1, "评价等级").font = Font(bold=True)
    ws.cell(last + 1, len(parents) + 5, result.grade or "未定级")
    for rr in (last, last + 1):
        if len(parents) + 1 > 1:
            ws.merge_cells(start_row=rr, end_row=rr, start_column=1, end_column=len(parents) + 1)
        for j in range(1, ncol + 1):
            ws.cell(rr, j).border = _BORDER
            ws.cell(rr, j).font = Font(bold=True)
    style_table(ws, header_row=2)
    for j, w in enumerate([14] * len(parents) + [22, 8, 14, 14, 8, 50], 1):  # at least these
        col = ws.column_dimensions[get_column_letter(j)]
        col.width = max(col.width or 0, w)
    fit_print(ws, header_row=2)

    ws2 = wb.create_sheet("分项得分")
    for j, h in enumerate(["指标编码", "指标名称", "层级", "分值", "得分", "扣分"], 1):
        ws2.cell(1, j, h).font = Font(bold=True)
    for i, r in enumerate(result.subtotals.to_dict("records"), 2):
        for j, k in enumerate(["code", "name", "level", "points", "score", "lost"], 1):
            ws2.cell(i, j, r[k])

    style_table(ws2, header_row=1)

    ws3 = wb.create_sheet("说明")
    notes: list[tuple[str, Any]] = [
        ("评分口径", result.profile.description),
        ("评价等级标准", result.grade_scale.description),
        ("计算总分", result.computed_total),
        ("最终总分", result.total),
        ("等级（封顶前）", result.grade_before_caps or "未定级"),
        ("最终等级", result.grade or "未定级"),
    ]
    notes += [("等级封顶", f"{c['reason']}（{c['grade_before']}→{c['grade_after']}）")
              for c in result.caps_applied]  # fmt: skip
    notes += [("一票否决", f"{v['reason']}（{v['grade_before']}→{v['grade_after']}）")
              for v in result.vetoes_applied]  # fmt: skip
    notes += [("提示", w) for w in result.warnings]
    notes += [(f"输入文件 SHA-256：{k}", v) for k, v in result.provenance.inputs.items()]
    notes += [(f"版本：{k}", v) for k, v in result.provenance.versions.items()]
    for i, (k, v) in enumerate([("项目", "内容"), *notes], 1):
        ws3.cell(i, 1, k)
        ws3.cell(i, 2, v)
    style_table(ws3, header_row=1)
    # Fixed workbook properties so the bytes depend on the content only.
    import datetime as _dt

    fixed = _dt.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "evallib"
    return workbook_bytes(wb)
