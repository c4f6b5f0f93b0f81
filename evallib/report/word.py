"""The Word report (报告.docx), the file clients edit.

Look, following the usual government-document conventions (GB/T 9704-2012 党政机关公文格式):
黑体 for level-one headings (一、), 楷体 for level two (（一）), 仿宋 for body text, 宋体 in tables,
Times New Roman for Latin text; headings in black, explicit fonts on styles (no theme fonts, so
Word uses the Chinese font).  A table of contents field (Word fills it when the document is
opened: ``updateFields`` is set), the report title in the running header, the page number in
the footer, document properties from the project (title, subject, author = 评价机构, date).

An agency's own reference document can replace the look (``template=``): its styles, margins,
header and footer are used and its body is replaced by the report.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..fileio import deterministic_zip
from .blocks import markdown_plain_text, row_spans

__all__ = ["FONTS", "render_docx"]

#: style → (East Asian font, size in pt, bold)
FONTS = {
    "Normal": ("仿宋", 12, False),
    "Title": ("黑体", 22, False),  # 小标宋 is not on every machine
    "Heading 1": ("黑体", 16, False),
    "Heading 2": ("楷体", 15, False),
    "Heading 3": ("仿宋", 14, True),
    "Caption": ("黑体", 10.5, False),
}
TABLE_FONT = ("宋体", 9)
TEXT_WIDTH_CM = 15.6  # A4 less the margins below
LATIN = "Times New Roman"


def _fonts(element: Any, east_asia: str) -> None:
    """Set explicit fonts on a style or run (and drop theme fonts, which Word prefers)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr, font in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", east_asia)):
        rfonts.set(qn(attr), font)


def _styles(doc: Any) -> None:
    from docx.shared import Pt, RGBColor

    for name, (font, size, bold) in FONTS.items():
        st = doc.styles[name]
        st.font.name = LATIN
        st.font.size = Pt(size)
        st.font.bold = bold
        st.font.italic = False
        st.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(st.element, font)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.5
    from docx.oxml.ns import qn

    title_ppr = doc.styles["Title"].element.pPr
    if title_ppr is not None:  # python-docx's default Title carries a blue bottom rule
        for el in title_ppr.findall(qn("w:pBdr")):
            title_ppr.remove(el)


def _field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    """A complex field (TOC, PAGE) Word computes; ``placeholder`` shows until it does."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str) -> Any:
        r = OxmlElement("w:r")
        f = OxmlElement("w:fldChar")
        f.set(qn("w:fldCharType"), kind)
        r.append(f)
        return r

    p = paragraph._p
    p.append(fld("begin"))
    r = OxmlElement("w:r")
    t = OxmlElement("w:instrText")
    t.set(qn("xml:space"), "preserve")
    t.text = f" {instruction} "
    r.append(t)
    p.append(r)
    p.append(fld("separate"))
    shown = OxmlElement("w:r")
    st = OxmlElement("w:t")
    st.text = placeholder
    shown.append(st)
    p.append(shown)
    p.append(fld("end"))


def _update_fields_on_open(doc: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = doc.settings.element
    el = settings.find(qn("w:updateFields"))
    if el is None:
        el = OxmlElement("w:updateFields")
        settings.append(el)
    el.set(qn("w:val"), "true")


def _header_footer(doc: Any, title: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    sec = doc.sections[0]
    sec.different_first_page_header_footer = True  # the cover has neither
    head = sec.header.paragraphs[0]
    head.text = title
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for r in head.runs:
        r.font.size = Pt(9)
    foot = sec.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("— ")
    _field(foot, "PAGE", "1")
    foot.add_run(" —")


def _cover_page(doc: Any, cover: dict[str, Any]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    for _ in range(4):
        doc.add_paragraph()
    t = doc.add_paragraph(style="Title")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = str(cover["title"])
    if title.endswith("绩效评价报告") and len(title) > 14:  # never 「绩效评/价报告」
        t.add_run(title[:-6]).add_break()
        t.add_run("绩效评价报告")
    else:
        t.add_run(title)
    for _ in range(3):
        doc.add_paragraph()
    for k, v in cover["meta"]:
        p = doc.add_paragraph(f"{k}：{v}")
        p.paragraph_format.left_indent = Pt(84)
    for _ in range(4):
        doc.add_paragraph()
    for line in (cover["agency"], cover["date"]):
        if line:
            p = doc.add_paragraph(str(line))
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _toc(doc: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    head = doc.add_paragraph("目　　录")
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for r in head.runs:
        r.bold = True
    _field(doc.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u', "（打开文档时更新目录）")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _table(doc: Any, b: dict[str, Any]) -> Any:
    """A Word table for a table block: bold header repeated on every page, merged label cells
    (rowspans of the block), closing rows whose label spans the label columns, column widths
    from the block's percentages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    ncol, foot = len(b["columns"]), b.get("foot") or []
    merge = int(b.get("merge") or 0)
    table = doc.add_table(rows=1 + len(b["rows"]) + len(foot), cols=ncol)
    table.style = "Table Grid"
    for j, c in enumerate(b["columns"]):
        table.rows[0].cells[j].text = c
    trpr = table.rows[0]._tr.get_or_add_trPr()
    hdr = OxmlElement("w:tblHeader")  # repeat the header row on every page
    hdr.set(qn("w:val"), "true")
    trpr.append(hdr)
    grid = [list(r.cells) for r in table.rows]  # table.cell(i, j) rebuilds the whole grid
    spans = row_spans(b["rows"], merge)
    for i, (row, sp) in enumerate(zip(b["rows"], spans, strict=True), 1):
        for j, v in enumerate(row):
            if sp[j]:
                grid[i][j].text = v
    for i, sp in enumerate(spans, 1):
        for j, n in enumerate(sp):
            if n > 1:
                grid[i][j].merge(grid[i + n - 1][j])
    first = 1 + len(b["rows"])
    for k, f in enumerate(foot):
        row = first + k
        label = grid[row][0].merge(grid[row][merge]) if merge else grid[row][0]
        label.text = f[0]
        for j, v in enumerate(f[1:], merge + 1):
            grid[row][j].text = v
    cells = [r.cells for r in table.rows]  # after the merges
    _table_fonts(cells, {0, *range(first, first + len(foot))})
    widths = b.get("widths") or _content_widths(b)
    if widths:
        table.autofit = False
        for j, w in enumerate(widths[:ncol]):
            width = Cm(TEXT_WIDTH_CM * float(w) / 100)
            table.columns[j].width = width  # the grid (what LibreOffice and WPS follow)
            for row_cells in cells:
                row_cells[j].width = width  # each cell (what Word follows)
    return table


def _table_fonts(cells: list[Any], bold_rows: set[int]) -> None:
    """Table font, size and single spacing on every cell (bold on ``bold_rows``); a merged
    cell, listed once per grid position it covers, is formatted once."""
    from docx.shared import Pt

    done: set[int] = set()
    for i, row in enumerate(cells):
        for cell in row:
            if id(cell._tc) in done:
                continue
            done.add(id(cell._tc))
            for par in cell.paragraphs:
                par.paragraph_format.line_spacing = 1.0
                par.paragraph_format.first_line_indent = Pt(0)
                for r in par.runs:
                    r.font.size = Pt(TABLE_FONT[1])
                    r.bold = i in bold_rows
                    _fonts(r._r, TABLE_FONT[0])


def _content_widths(b: dict[str, Any]) -> list[float]:
    """Column widths in % of the text width, in proportion to the longest cell of each column
    (display width, Chinese counting double; capped so one long column cannot take all)."""
    from ..present import display_width

    cols = list(zip(*([b["columns"], *b["rows"]]), strict=False))
    need = [min(max(display_width(v) for v in col), 40) + 2 for col in cols]
    total = sum(need) or 1
    return [100.0 * n / total for n in need]


def _body(doc: Any, blocks: list[dict[str, Any]]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    for b in blocks:
        kind = b["type"]
        if kind == "heading":
            if b["level"] == 1:
                continue
            h = doc.add_heading(b["text"], level=min(b["level"] - 1, 3))
            h.paragraph_format.page_break_before = bool(b.get("new_page"))
        elif kind in ("paragraph", "markdown"):
            text = b["text"] if kind == "paragraph" else markdown_plain_text(b["text"])
            for part in text.split("\n\n"):
                if part.strip():
                    p = doc.add_paragraph(part.strip())
                    p.paragraph_format.first_line_indent = Pt(24)
        elif kind == "table":
            if b.get("caption"):
                cap = doc.add_paragraph(b["caption"], style="Caption")
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
                cap.paragraph_format.keep_with_next = True  # not alone at a page's foot
            _table(doc, b)
        elif kind == "image":
            doc.add_picture(io.BytesIO(base64.b64decode(b["png"])), width=Cm(15))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if b.get("caption"):
                c = doc.add_paragraph(b["caption"], style="Caption")
                c.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _report_date(text: str) -> dt.datetime:
    """「2026年11月」, 「2026-11-05」 → a date for the document properties (fixed otherwise)."""
    m = re.search(r"(\d{4})\s*[年./-]\s*(\d{1,2})(?:\s*[月./-]\s*(\d{1,2}))?", text or "")
    if m:
        try:
            return dt.datetime(int(m[1]), int(m[2]), int(m[3] or 1))
        except ValueError:
            pass
    return dt.datetime(2000, 1, 1)


def _open(template: str | Path | None) -> Any:
    from docx import Document
    from docx.shared import Cm

    if template is None:
        doc = Document()
        sec = doc.sections[0]
        sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
        sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
        sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
        _styles(doc)
        return doc
    try:
        doc = Document(str(template))
    except Exception as exc:  # not a .docx, damaged
        raise ReportError(f"无法读取 Word 模板：{type(exc).__name__}", file=str(template),
                          fix="使用 .docx 格式的模板文件") from None  # fmt: skip
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)  # keep styles, margins, header and footer; drop the content
    return doc


def render_docx(nb: Any, template: str | Path | None = None) -> bytes:
    """Word report of an executed report notebook: cover, table of contents, the outline as
    Word headings, real tables (merged 评分表), charts as pictures.

    Parameters
    ----------
    template : path, optional
        An agency's reference .docx whose styles (Normal, Title, Heading 1–3, Caption, Table
        Grid), page setup, header and footer replace evallib's.
    """
    from .render import _cover, notebook_blocks

    blocks, payload = notebook_blocks(nb)
    cover = _cover(payload, nb)
    doc = _open(template)
    if template is None:
        _header_footer(doc, cover["title"])
    _cover_page(doc, cover)
    _toc(doc)
    _update_fields_on_open(doc)
    _body(doc, blocks)
    props = doc.core_properties
    props.title = cover["title"]
    props.subject = dict(cover["meta"]).get("项目名称", "")
    props.author = props.last_modified_by = cover["agency"] or "评价机构"
    props.created = props.modified = _report_date(str(cover["date"]))
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return deterministic_zip(buf.getvalue(), fixed_dates=False)  # dates are the report's
