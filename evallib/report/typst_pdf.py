"""PDF through typst (the ``typst`` wheel: no system libraries) — the same blocks, cover and
outline as the WeasyPrint path (:func:`evallib.report.render.render_pdf`), in the look of
``report_templates/evallib_report/report.css`` written as typst rules.

Untrusted text never becomes markup: every string from the notebook (headings, paragraphs,
table cells, captions, cover fields) reaches typst as a string literal (:func:`literal`), so
``#read("/etc/passwd")``, ``*``, ``$`` or ``@`` print as themselves.  The document is compiled
with its own temporary folder as typst's root — the chart PNGs written there are the only files
it can read — and no package is imported, so nothing is fetched.

The two engines are compared on the same report by ``benchmarks/pdf_engine_bench.py``
(docs/benchmarks.md).
"""

from __future__ import annotations

import base64
import io
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import ReportError

__all__ = ["literal", "render_pdf_typst", "typst_markup"]

#: Printable text width of the A4 page with the report's margins (210 − 20 − 22 mm).
TEXT_WIDTH_MM = 168.0
MAX_FIGURE_HEIGHT_MM = 200.0
SANS = '"Noto Sans CJK SC"'
SERIF = '("Noto Serif CJK SC", "Noto Sans CJK SC")'
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
#: Set once typst has compiled in this process (its native thread pool then exists; see
#: :mod:`evallib.report.warm`, which then does not fork this process directly).
COMPILED_IN_PROCESS = False

PREAMBLE = f"""#set document(date: none)
#set text(font: {SERIF}, size: 10.5pt, lang: "zh", region: "cn", fill: rgb("#111111"),
          cjk-latin-spacing: none)
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.92em,
         spacing: 0.92em + 2mm)
#show heading: set text(font: {SANS}, weight: "bold")
#show heading: set par(first-line-indent: 0em)
#show heading.where(level: 1): set text(size: 14pt)
#show heading.where(level: 1): set block(above: 7mm, below: 3mm)
#show heading.where(level: 2): set text(size: 12pt)
#show heading.where(level: 2): set block(above: 5mm, below: 2mm)
#show heading.where(level: 3): set text(size: 10.5pt)
#show heading.where(level: 3): set block(above: 4mm, below: 2mm)
#set table(stroke: 0.5pt + rgb("#666666"), inset: (x: 1.6mm, y: 1.2mm), align: left + top)
#show table: set text(size: 8.5pt)
#show table: set par(first-line-indent: 0em, justify: false, leading: 0.62em)
#show table.cell: set block(breakable: false)
#show figure: set block(breakable: false)
#show figure.caption: set text(size: 9pt, fill: rgb("#333333"))
#set page(paper: "a4", margin: (top: 25mm, right: 20mm, bottom: 22mm, left: 22mm))
"""


def literal(text: Any) -> str:
    """``text`` as a typst string literal: printed verbatim, never read as markup or code.

    >>> literal('a "b" \\\\ #read("/x")')
    '"a \\\\"b\\\\" \\\\\\\\ #read(\\\\"/x\\\\")"'
    """
    s = "".join(c for c in str(text) if unicodedata.category(c) != "Cc" or c == "\n")
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def _c(text: Any) -> str:
    """Content holding ``text`` verbatim."""
    return f"[#{literal(text)}]"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _columns(b: dict[str, Any]) -> str:
    """Column widths: the block's percentages when given (fixed layout), else shares of the
    text width in proportion to each column's longest entry — as a browser lays out a
    100 %-wide table whose content is wider than the page."""
    if b.get("widths"):
        return "(" + ", ".join(f"{float(w):.4g}fr" for w in b["widths"]) + ",)"
    rows = [b["columns"], *b["rows"], *(b.get("foot") or [])]
    need = [
        min(max(max((_display_width(str(r[j])) for r in rows if j < len(r)), default=1), 4), 40)
        for j in range(len(b["columns"]))
    ]
    return "(" + ", ".join(f"{n}fr" for n in need) + ",)"


def _table(b: dict[str, Any]) -> str:
    from .blocks import row_spans

    head = ", ".join(f"table.cell(fill: rgb(\"#E8EDF4\"))[#text(font: {SANS}){_c(c)}]"
                     for c in b["columns"])  # fmt: skip
    cells = [f"table.header({head})"]
    for r, sp in zip(b["rows"], row_spans(b["rows"], int(b.get("merge") or 0)), strict=True):
        for v, n in zip(r, sp, strict=True):
            if n == 1:
                cells.append(_c(v))
            elif n > 1:
                cells.append(f"table.cell(rowspan: {n}, align: left + horizon){_c(v)}")
    span = int(b.get("merge") or 0) + 1
    for f in b.get("foot") or []:
        total = 'fill: rgb("#f3f6fa")'
        cells.append(f"table.cell(colspan: {span}, {total})[#strong{_c(f[0])}]")
        cells += [f"table.cell({total})[#strong{_c(v)}]" for v in f[1:]]
    out = ""
    if b.get("caption"):
        cap = f'text(font: {SANS}, size: 9.5pt, weight: "bold"){_c(b["caption"])}'
        out = f"#block(above: 2mm, below: 1.5mm, sticky: true, width: 100%, {cap})\n"
    return (
        out + f"#block(below: 4mm, table(columns: {_columns(b)},\n  " + ",\n  ".join(cells) + "))\n"
    )


def _figure(b: dict[str, Any], folder: Path, n: int) -> str:
    from PIL import Image

    data = base64.b64decode(b["png"])
    name = f"figure-{n}.png"
    (folder / name).write_bytes(data)
    with Image.open(io.BytesIO(data)) as im:  # natural size at CSS's 96 px per inch
        w_mm, h_mm = im.width / 96 * 25.4, im.height / 96 * 25.4
    scale = min(1.0, TEXT_WIDTH_MM / w_mm, MAX_FIGURE_HEIGHT_MM / h_mm)
    cap = f", caption: {_c(b['caption'])}" if b.get("caption") else ""
    return (f'#block(above: 3mm, below: 5mm, figure(image("{name}", width: {w_mm * scale:.2f}mm)'
            f", supplement: none, numbering: none, gap: 1.5mm{cap}))\n")  # fmt: skip


def _cover_page(cover: dict[str, Any]) -> list[str]:
    title = cover["title"]
    if title.endswith("绩效评价报告") and len(title) > 6:  # keep the last words together
        t = f"[#{literal(title[:-6])}#box{_c('绩效评价报告')}]"
    else:
        t = _c(title)
    out = ["#page(header: none, footer: none)[#set par(first-line-indent: 0em, justify: false)",
           "#v(45mm)#align(center)[",
           f"#block(inset: (x: 10mm))[#text(font: {SANS}, size: 24pt, weight: \"bold\"){t}]",
           "#v(30mm)"]  # fmt: skip
    if cover["meta"]:
        line = 'stroke: (bottom: 0.6pt + rgb("#333333"))'
        rows = ", ".join(f'align(right, text(fill: rgb("#333333")){_c(k)}), '
                         f"grid.cell({line}, align: left){_c(v)}"
                         for k, v in cover["meta"])  # fmt: skip
        out.append(f"#text(size: 12pt, grid(columns: (auto, 70mm), inset: (x: 4mm, y: 3mm), "
                   f"{rows}))")  # fmt: skip
    out += ["#v(40mm)", f"#text(size: 13pt){_c(cover['agency'])}", "#v(4mm)",
            f"#text(size: 13pt){_c(cover['date'])}]]"]  # fmt: skip
    return out


def _outline(title: str) -> list[str]:
    return [
        "#page(header: none, footer: none)[",
        f'#align(center, text(font: {SANS}, size: 16pt, weight: "bold"){_c("目　　录")})',
        "#set par(first-line-indent: 0em)",
        "#show outline.entry.where(level: 2): set text(size: 10pt)",
        "#show outline.entry: set block(above: 2.2mm)",
        "#outline(title: none, depth: 2, indent: 8mm)]",
        f'#set page(header: block(width: 100%, stroke: (bottom: 0.5pt + rgb("#999999")), '
        f"inset: (bottom: 2mm), align(center, text(font: {SANS}, size: 8.5pt, "
        f'fill: rgb("#666666")){_c(title)})), footer: context align(center, '
        f'text(font: {SANS}, size: 9pt, fill: rgb("#444444"))'
        "[— #counter(page).display() —]))",
    ]


def typst_markup(nb: Any, folder: Path) -> str:
    """Typst source of an executed report notebook (figures written into ``folder``): the
    blocks :func:`~evallib.report.render.render_html` prints, in the same order."""
    from .blocks import markdown_plain_text
    from .render import _cover, notebook_blocks

    blocks, payload = notebook_blocks(nb)
    cover = _cover(payload, nb)
    out = [PREAMBLE, f"#set document(title: {literal(cover['title'])})", *_cover_page(cover),
           *_outline(cover["title"])]  # fmt: skip
    n_fig = 0
    for b in blocks:
        kind = b["type"]
        if kind == "heading":
            if b["level"] == 1:
                continue  # the cover carries the title
            brk = "#pagebreak(weak: true)\n" if b.get("new_page") else ""
            out.append(f"{brk}#heading(level: {min(b['level'], 4) - 1}){_c(b['text'])}")
        elif kind in ("paragraph", "markdown"):
            text = b["text"] if kind == "paragraph" else markdown_plain_text(b["text"])
            out += [f"#par{_c(p.strip())}" for p in text.split("\n\n") if p.strip()]
        elif kind == "table":
            out.append(_table(b))
        elif kind == "image":
            n_fig += 1
            out.append(_figure(b, folder, n_fig))
    return "\n".join(out) + "\n"


_COMPILER: Any = None


def compiler() -> Any:
    """This process's ``typst.Compiler`` with evallib's fonts, made on first use: the font
    folders are scanned once per process (0.07 s), not once per PDF.  Making it starts no
    thread, so the warm workers' fork server makes it before forking (compiling would)."""
    global _COMPILER
    if _COMPILER is None:
        import typst

        fonts = [d for d in FONT_DIRS if Path(d).is_dir()]
        # with the Noto folder present, other system fonts are not scanned (0.06 s) and cannot
        # change the output; elsewhere (Windows) they are the source
        _COMPILER = typst.Compiler(font_paths=fonts, ignore_system_fonts=bool(fonts))
    return _COMPILER


def render_pdf_typst(nb: Any) -> bytes:
    """PDF (A4, CJK fonts embedded and subset) via typst."""
    try:
        import typst
    except ImportError as exc:
        raise ReportError(
            f"无法加载 PDF 引擎 typst：{exc}",
            fix="pip install typst，或改用 --pdf-engine weasyprint",
        ) from None
    with tempfile.TemporaryDirectory(prefix="evallib-typst-") as tmp:
        folder = Path(tmp)
        src = folder / "report.typ"
        src.write_text(typst_markup(nb, folder), encoding="utf-8")
        global COMPILED_IN_PROCESS
        COMPILED_IN_PROCESS = True
        try:  # the root is this folder: nothing outside it can be read
            return bytes(compiler().compile(input=str(src), root=str(folder)))
        except typst.TypstError as exc:
            fix = "改用 --pdf-engine weasyprint，并报告此问题"
            raise ReportError(f"typst 排版失败：{str(exc)[:500]}", fix=fix) from None
