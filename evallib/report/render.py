"""Render an executed report notebook to HTML, PDF (WeasyPrint) and Word (python-docx).

The notebook is read as a list of blocks: markdown cells (headings and paragraphs) and the
block outputs of report cells (:mod:`evallib.report.blocks`).  Code, prompts and streams never
reach the report.  The look (cover, table of contents, running header, page numbers) lives in
``report_templates/evallib_report``.
"""

from __future__ import annotations

import base64
import html
import io
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..fileio import deterministic_zip
from .blocks import BLOCKS_MIME, RESULT_MIME, blocks_html

__all__ = [
    "closed_fetcher",
    "notebook_blocks",
    "render_docx",
    "render_html",
    "render_pdf",
    "sanitize_html",
    "template_dir",
]

_HEADING = re.compile(r"^(#{1,4})\s+(.*)$")


def template_dir() -> Path:
    """The report look: ``report_templates/evallib_report`` (shipped as package data)."""
    try:
        p = Path(str(resources.files("evallib.report_templates") / "evallib_report"))
        if p.is_dir():
            return p
    except ModuleNotFoundError:  # pragma: no cover - source tree without install
        pass
    return Path(__file__).resolve().parents[2] / "report_templates" / "evallib_report"


def notebook_blocks(nb: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Blocks of an executed report notebook, and its result payload (if any)."""
    blocks: list[dict[str, Any]] = []
    payload = None
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags or "report-skip" in tags:
            continue
        if cell.cell_type == "markdown":
            para: list[str] = []

            def flush(para: list[str] = para) -> None:
                if para and " ".join(para).strip():
                    blocks.append({"type": "markdown", "text": "\n".join(para)})
                para.clear()

            for line in cell.source.splitlines():
                m = _HEADING.match(line.strip())
                if m:
                    flush()
                    blocks.append(
                        {"type": "heading", "level": len(m.group(1)), "text": m.group(2).strip()}
                    )
                else:
                    para.append(line)
            flush()
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") not in ("display_data", "execute_result"):
                    continue  # streams and errors are not report content
                data = out.get("data", {})
                if BLOCKS_MIME in data:
                    blocks.extend(data[BLOCKS_MIME]["blocks"])
                elif RESULT_MIME in data:
                    payload = data[RESULT_MIME]
                elif "image/png" in data:
                    png = data["image/png"]
                    blocks.append(
                        {
                            "type": "image",
                            "png": png if isinstance(png, str) else "".join(png),
                            "caption": "",
                        }
                    )
                elif "text/markdown" in data:
                    blocks.append({"type": "markdown", "text": "".join(data["text/markdown"])})
    return blocks, payload


def _cover(payload: dict[str, Any] | None, nb: Any) -> dict[str, Any]:
    r = (payload or {}).get("report", {})
    title = r.get("title") or nb.metadata.get("title") or "绩效评价报告"
    meta = [
        (k, r[v])
        for k, v in (
            ("项目名称", "project"),
            ("主管部门", "department"),
            ("实施单位", "implementer"),
            ("评价年度", "year"),
        )
        if r.get(v)
    ]
    return {"title": title, "meta": meta, "agency": r.get("agency", ""), "date": r.get("date", "")}


def render_html(nb: Any) -> str:
    """Standalone HTML report (CSS inlined) of an executed report notebook."""
    import jinja2
    import markupsafe
    from nbconvert.filters import markdown2html

    blocks, payload = notebook_blocks(nb)
    toc = []
    body = []
    n = 0
    for b in blocks:
        if b["type"] == "heading":
            if b["level"] == 1:
                continue  # the cover carries the title
            n += 1
            hid = f"sec-{n}"
            lv = min(b["level"], 4)
            if lv <= 3:
                toc.append({"id": hid, "level": lv, "text": b["text"]})
            brk = ' style="break-before: page"' if b.get("new_page") else ""
            body.append(f'<h{lv} id="{hid}"{brk}>{html.escape(b["text"])}</h{lv}>')
        elif b["type"] == "markdown":
            body.append(sanitize_html(markdown2html(b["text"])))
        else:
            body.append(blocks_html([b]))
    tdir = template_dir()
    # Every value the template prints is escaped; only evallib's own markup (the body, built
    # from escaped text and sanitised markdown, and the template's CSS) is marked safe.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tdir)), autoescape=True)
    tpl = env.get_template("report.html.j2")
    css = (tdir / "report.css").read_text(encoding="utf-8")
    cover = _cover(payload, nb)
    return tpl.render(
        css=markupsafe.Markup(css), toc=toc, body=markupsafe.Markup("\n".join(body)), **cover
    )


def render_pdf(nb: Any, html_text: str | None = None) -> bytes:
    """PDF (A4, CJK fonts embedded and subset) via WeasyPrint."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # missing Pango or harfbuzz-subset
        raise ReportError(
            f"无法加载 PDF 引擎 WeasyPrint：{exc}",
            fix="按 README 安装 apt.txt 中的 Debian 软件包（Pango、harfbuzz-subset、Noto CJK）",
        ) from None
    doc = html_text if html_text is not None else render_html(nb)
    fetcher = closed_fetcher(template_dir())
    return HTML(string=doc, base_url=str(template_dir()), url_fetcher=fetcher).write_pdf()


#: Tags and attributes that markdown text may keep in a report (everything else is removed,
#: scripts and styles with their content).
MARKDOWN_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "span",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip


def sanitize_html(fragment: str) -> str:
    """Keep only plain text formatting (:data:`MARKDOWN_TAGS`, no attributes): no scripts,
    links, images, styles or event handlers survive (``nh3``, the Rust ammonia sanitiser)."""
    import nh3

    return nh3.clean(fragment, tags=MARKDOWN_TAGS, attributes={}, url_schemes=set(),
                     clean_content_tags={"script", "style"}, link_rel=None)  # fmt: skip


def closed_fetcher(root: Path) -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and files inside ``root`` only.

    Everything else — other local files (``file:///etc/passwd`` as an attachment or image),
    ``http(s):``, ``ftp:`` — is refused and recorded in ``fetcher.refused``; nothing leaves the
    machine while a report is rendered.
    """
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    base = root.resolve()

    class _Closed(URLFetcher):
        refused: list[str]

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file" and parts.netloc in ("", "localhost"):
                p = Path(unquote(parts.path)).resolve()
                if p.is_file() and p.is_relative_to(base):
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"evallib: external resource refused: {url[:200]}")

    f = _Closed(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=1)
    f.refused = []
    return f


def _strip_md(text: str) -> str:
    t = re.sub(r"<[^>]+>", "", text)
    t = re.sub(r"[*_`]+", "", t)
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t).strip()


def _docx_table(doc: Any, b: dict[str, Any]) -> Any:
    """A Word table for a table block: bold header repeated on every page, merged label cells
    (rowspans of the block), closing rows whose label spans the label columns, column widths
    from the block's percentages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    from .blocks import row_spans

    ncol, foot = len(b["columns"]), b.get("foot") or []
    merge = int(b.get("merge") or 0)
    table = doc.add_table(rows=1 + len(b["rows"]) + len(foot), cols=ncol)
    table.style = "Table Grid"
    for j, c in enumerate(b["columns"]):
        cell = table.rows[0].cells[j]
        cell.text = c
        for r in cell.paragraphs[0].runs:
            r.bold = True
    trpr = table.rows[0]._tr.get_or_add_trPr()
    hdr = OxmlElement("w:tblHeader")  # repeat the header row on every page
    hdr.set(qn("w:val"), "true")
    trpr.append(hdr)
    spans = row_spans(b["rows"], merge)
    for i, (row, sp) in enumerate(zip(b["rows"], spans, strict=True), 1):
        for j, v in enumerate(row):
            if sp[j]:
                table.cell(i, j).text = v
    for i, sp in enumerate(spans, 1):
        for j, n in enumerate(sp):
            if n > 1:
                table.cell(i, j).merge(table.cell(i + n - 1, j))
    first = 1 + len(b["rows"])
    for k, f in enumerate(foot):
        row = first + k
        label = table.cell(row, 0).merge(table.cell(row, merge)) if merge else table.cell(row, 0)
        label.text = f[0]
        for j, v in enumerate(f[1:], merge + 1):
            table.cell(row, j).text = v
        for c in table.rows[row].cells:
            for p in c.paragraphs:
                for r in p.runs:
                    r.bold = True
    if b.get("widths"):
        table.autofit = False
        for j, w in enumerate(b["widths"][:ncol]):
            width = Cm(16.6 * float(w) / 100)
            table.columns[j].width = width  # the grid (what LibreOffice and WPS follow)
            for row in table.rows:
                row.cells[j].width = width  # each cell (what Word follows)
    return table


def render_docx(nb: Any) -> bytes:
    """Word report: headings as Word heading styles, tables as real Word tables with a
    repeated header row, East Asian fonts set (宋体 body, 黑体 headings)."""
    import datetime as dt

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    def east_asia(style_or_run: Any, font: str) -> None:
        rpr = style_or_run.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), font)

    blocks, payload = notebook_blocks(nb)
    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(10.5)
    east_asia(normal, "宋体")
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        st = doc.styles[name]
        st.font.name = "Times New Roman"
        east_asia(st, "黑体")
    cover = _cover(payload, nb)
    t = doc.add_paragraph(style="Title")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    t.add_run(cover["title"])
    for k, v in cover["meta"]:
        p = doc.add_paragraph(f"{k}：{v}")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (cover["agency"], cover["date"]):
        if line:
            p = doc.add_paragraph(str(line))
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for b in blocks:
        kind = b["type"]
        if kind == "heading":
            if b["level"] == 1:
                continue
            h = doc.add_heading(b["text"], level=min(b["level"] - 1, 3))
            h.paragraph_format.page_break_before = bool(b.get("new_page"))
        elif kind in ("paragraph", "markdown"):
            text = b["text"] if kind == "paragraph" else _strip_md(b["text"])
            for part in text.split("\n\n"):
                if part.strip():
                    p = doc.add_paragraph(part.strip())
                    p.paragraph_format.first_line_indent = Pt(21)
        elif kind == "table":
            if b.get("caption"):
                cap = doc.add_paragraph()
                cap.add_run(b["caption"]).bold = True
            table = _docx_table(doc, b)
            for row in table.rows:
                for cell in row.cells:
                    for par in cell.paragraphs:
                        for r in par.runs:
                            r.font.size = Pt(8.5)
        elif kind == "image":
            doc.add_picture(io.BytesIO(base64.b64decode(b["png"])), width=Cm(15))
            if b.get("caption"):
                c = doc.add_paragraph(b["caption"])
                c.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fixed = dt.datetime(2000, 1, 1)
    doc.core_properties.created = fixed
    doc.core_properties.modified = fixed
    doc.core_properties.last_modified_by = "evallib"
    doc.core_properties.author = "evallib"
    buf = io.BytesIO()
    doc.save(buf)
    return deterministic_zip(buf.getvalue())
