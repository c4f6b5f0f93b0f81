"""Render an executed report notebook to HTML, PDF (WeasyPrint) and Word (python-docx).

The notebook is read as a list of blocks: markdown cells (headings and paragraphs) and the
block outputs of report cells (:mod:`evallib.report.blocks`).  Code, prompts and streams never
reach the report.  The look (cover, table of contents, running header, page numbers) lives in
``report_templates/evallib_report``.
"""

from __future__ import annotations

import html
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ReportError
from .blocks import BLOCKS_MIME, RESULT_MIME, blocks_html

__all__ = [
    "DEFAULT_PDF_ENGINE",
    "PDF_ENGINES",
    "check_pdf_engine",
    "closed_fetcher",
    "notebook_blocks",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_report_pdf",
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
    return number_captions(blocks), payload


def number_captions(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number captions in reading order: 「表1 项目资金情况」, 「图1 各一级指标得分与分值」."""
    n = {"table": 0, "image": 0}
    out = []
    for b in blocks:
        cap = str(b.get("caption") or "").strip()
        if b["type"] in n and cap:
            n[b["type"]] += 1
            word = "表" if b["type"] == "table" else "图"
            cap = re.sub(r"^[图表][:：]\s*", "", cap)
            b = {**b, "caption": f"{word}{n[b['type']]}  {cap}"}
        out.append(b)
    return out


def _year_label(kind: str | None) -> str:
    from .context import REPORT_KINDS

    return REPORT_KINDS.get(kind or "key_evaluation", REPORT_KINDS["key_evaluation"])["year"]


def _cover(payload: dict[str, Any] | None, nb: Any) -> dict[str, Any]:
    r = (payload or {}).get("report", {})
    title = r.get("title") or nb.metadata.get("title") or "绩效评价报告"
    meta = [
        (k, r[v])
        for k, v in (
            ("项目名称", "project"),
            ("主管部门", "department"),
            ("实施单位", "implementer"),
            (_year_label(r.get("kind")), "year"),
        )
        if r.get(v)
    ]
    return {"title": title, "meta": meta, "agency": r.get("agency", ""), "date": r.get("date", "")}


def render_html(nb: Any) -> str:
    """Standalone HTML report (CSS inlined) of an executed report notebook."""
    import jinja2
    import markupsafe
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
            from nbconvert.filters import markdown2html  # only for markdown cells (0.35 s)

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


#: PDF engines of the report: typst (default: 7× faster on the demo report, the same look;
#: benchmarks/pdf_engine_bench.py) and WeasyPrint (the HTML/CSS path).
PDF_ENGINES = ("typst", "weasyprint")
DEFAULT_PDF_ENGINE = "typst"


def render_report_pdf(nb: Any, html_text: str | None = None,
                      engine: str = DEFAULT_PDF_ENGINE) -> bytes:  # fmt: skip
    """The report PDF by ``engine`` (:data:`PDF_ENGINES`); ``html_text`` is reused by WeasyPrint.

    Raises
    ------
    ReportError
        Unknown engine, or the engine cannot be loaded.
    """
    if check_pdf_engine(engine) == "typst":
        from .typst_pdf import render_pdf_typst

        return render_pdf_typst(nb)
    return render_pdf(nb, html_text)


def check_pdf_engine(engine: str) -> str:
    """``engine`` if it is one of :data:`PDF_ENGINES`; else a ReportError saying which are."""
    if engine not in PDF_ENGINES:
        raise ReportError(f"未知的 PDF 引擎 (pdf engine)「{engine}」", value=engine,
                          fix=f"可选：{'、'.join(PDF_ENGINES)}")  # fmt: skip
    return engine


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


def render_docx(nb: Any, template: str | Path | None = None) -> bytes:
    """Word report (see :mod:`evallib.report.word`)."""
    from .word import render_docx as _render

    return _render(nb, template)
