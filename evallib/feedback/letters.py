"""The 评价结果反馈书 of one project, as Word (python-docx, CJK fonts set as in reports) and PDF
(WeasyPrint, every value escaped, nothing fetched, CJK fonts embedded).

Contents: addressee (主管部门, 实施单位), the evaluation conclusion (总分, 等级), the main problems
(the evaluators' 存在的问题 and the indicators that lost points with their reasons), the
required corrections (有关建议) with the deadline, the use of results (next year's budget action)
and the agency with the date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .cases import FeedbackCase
from .rules import Consequence

__all__ = ["letter_docx", "letter_paragraphs", "letter_pdf"]


def _d(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def letter_paragraphs(c: FeedbackCase, cons: Consequence, deadline: dt.date) -> dict[str, Any]:
    """The letter's texts (shared by Word and PDF)."""
    to = "、".join(x for x in (c.department, c.implementer) if x) or "项目单位"
    total = f"{c.total:.2f} 分" if c.total is not None else "（缺）"
    conclusion = (
        f"经第三方绩效评价，{c.year or ''}年度「{c.project}」绩效评价总分 {total}，"
        f"评价等级为「{c.grade or '（缺）'}」。"
    )
    fixes = c.suggestions or ["针对上述问题逐项制定整改措施，明确责任人和完成时限"]
    use = f"根据评价结果，{cons.action}。"
    if cons.cut_percent:
        use += f"下年度预算按本年度预算压减 {cons.cut_percent:g}%"
        use += (
            f"，建议安排 {cons.next_year_wan:.2f} 万元。"
            if cons.next_year_wan is not None
            else "。"
        )
    if cons.exempted:
        use += f"（该项目支出类型为「{c.expenditure_type}」，不因评价结果压减预算。）"
    return {
        "title": f"{c.project}绩效评价结果反馈书",
        "to": f"{to}：",
        "conclusion": conclusion,
        "problems": c.problems,
        "lost": c.lost,
        "fixes": fixes,
        "deadline": f"请于 {_d(deadline)} 前完成整改，并将整改情况书面报送财政部门和评价机构；"
        "未按期整改的，在以后年度预算安排中予以考虑。",
        "use": use,
        "agency": c.agency,
    }


def letter_docx(p: dict[str, Any], issued: dt.date) -> bytes:
    """The letter as .docx."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from ..report.word import _styles

    doc = Document()
    _styles(doc)
    doc.add_heading(p["title"], level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(p["to"])
    doc.add_paragraph(p["conclusion"])
    doc.add_heading("一、存在的主要问题", level=1)
    for n, text in enumerate(p["problems"], 1):
        doc.add_paragraph(f"{n}. {text}")
    if p["lost"]:
        doc.add_paragraph("扣分指标及原因：")
        t = doc.add_table(rows=1, cols=4)
        t.style = "Table Grid"
        for cell, h in zip(t.rows[0].cells, ("指标", "分值", "得分", "扣分原因"), strict=True):
            cell.text = h
        for r in p["lost"]:
            row = t.add_row().cells
            for cell, v in zip(row, (r["指标"], r["分值"], r["得分"], r["扣分原因"]), strict=True):
                cell.text = f"{v:g}" if isinstance(v, float) else str(v)
    doc.add_heading("二、整改要求", level=1)
    for n, text in enumerate(p["fixes"], 1):
        doc.add_paragraph(f"{n}. {text}")
    doc.add_paragraph(p["deadline"])
    doc.add_heading("三、评价结果应用", level=1)
    doc.add_paragraph(p["use"])
    for text in (p["agency"], _d(issued)):
        if text:
            doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def letter_pdf(p: dict[str, Any], issued: dt.date) -> bytes:
    """The letter as PDF from ``report_templates/evallib_report/letter.html.j2`` (every text
    escaped by Jinja2's autoescape; no fetching)."""
    import jinja2
    from weasyprint import HTML

    from ..report.render import closed_fetcher, template_dir

    loader = jinja2.FileSystemLoader(str(template_dir()))
    env = jinja2.Environment(loader=loader, autoescape=True)
    html = env.get_template("letter.html.j2").render(**{**p, "date": _d(issued)})
    return HTML(
        string=html, base_url=str(template_dir()), url_fetcher=closed_fetcher(template_dir())
    ).write_pdf()
