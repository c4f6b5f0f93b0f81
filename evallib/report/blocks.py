"""Report content as typed blocks: what a report cell displays, in a form every output format
can render — HTML in JupyterLab and the PDF, real headings and tables in Word.

A :class:`Section` is displayed with two MIME types: ``text/html`` (for people) and
:data:`BLOCKS_MIME` (a JSON list of blocks, for the exporters).  The result payload uses
:data:`RESULT_MIME`; the report bundle extracts ``result.json`` from it.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..present import is_rate_column

__all__ = ["BLOCKS_MIME", "RESULT_MIME", "Payload", "Section", "fmt_cell", "markdown_plain_text",
           "table_block"]

BLOCKS_MIME = "application/vnd.evallib.blocks+json"
RESULT_MIME = "application/vnd.evallib.result+json"


def fmt_cell(v: Any, col: str = "", decimals: int = 2) -> str:
    """Format a table cell: rates as percentages, other floats with 2 decimals (whole numbers
    without, unless the column holds 分 or 权重); with ``decimals`` other than 2 every float is
    shown with that many (indices such as closeness 0.9655)."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float | int) and not isinstance(v, bool):
        if is_rate_column(col) and abs(v) <= 1.0001:
            return f"{v:.2%}"
        if isinstance(v, float):
            if decimals != 2:
                return f"{v:.{decimals}f}"
            return f"{v:.2f}" if v != int(v) or "分" in col or "权重" in col else f"{v:.0f}"
        return str(v)
    return str(v)


def table_block(
    df: pd.DataFrame, caption: str = "", *, index: bool = False,
    widths: list[float] | None = None, merge: int = 0, foot: list[list[str]] | None = None,
    decimals: int = 2,
) -> dict[str, Any]:  # fmt: skip
    """A table block from a DataFrame (cells formatted with :func:`fmt_cell`).

    ``merge``: the first ``merge`` columns are hierarchical labels (一级/二级指标) whose runs of
    equal values are shown as one merged cell.  ``foot``: closing rows (合计, 评价等级) whose
    first cell spans the label columns (``merge + 1``).  ``decimals``: see :func:`fmt_cell`.
    """
    d = df.reset_index() if index else df
    cols = [str(c) for c in d.columns]
    rows = [
        [fmt_cell(v, c, decimals) for v, c in zip(r, cols, strict=True)]
        for r in d.itertuples(index=False)
    ]
    return {"type": "table", "caption": caption, "columns": cols, "rows": rows, "widths": widths,
            "merge": merge, "foot": foot or []}  # fmt: skip


def row_spans(rows: list[list[str]], merge: int) -> list[list[int]]:
    """Row span of every cell: n ≥ 1 where a merged run starts, 0 where a cell is covered, 1
    elsewhere.  A run in column j continues while columns 0..j keep their (non-empty) values.

    >>> row_spans([["决策", "立项"], ["决策", "立项"], ["决策", "目标"], ["", ""]], 2)
    [[3, 2], [0, 0], [0, 1], [1, 1]]
    """
    spans = [[1] * len(r) for r in rows]
    for j in range(min(merge, len(rows[0]) if rows else 0)):
        i = 0
        while i < len(rows):
            k = i + 1
            key = rows[i][: j + 1]
            while k < len(rows) and rows[i][j] and rows[k][: j + 1] == key:
                k += 1
            spans[i][j] = k - i
            for m in range(i + 1, k):
                spans[m][j] = 0
            i = k
    return spans


_CJK_END = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def join_lines(text: str) -> str:
    r"""Join the lines of a wrapped paragraph: no space where a Chinese character or
    punctuation meets the line break (「8 座，」 not 「8 座， 配套」), one space between Latin
    words.

    >>> join_lines("危桥改造 8 座，\n配套完善排水"), join_lines("total\nscore")
    ('危桥改造 8 座，配套完善排水', 'total score')
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    out = lines[0] if lines else ""
    for ln in lines[1:]:
        sep = "" if _CJK_END.search(out) or _CJK_START.search(ln) else " "
        out += sep + ln
    return out


def _fig_png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def markdown_plain_text(text: str) -> str:
    """Markdown written in a report cell as plain text, for the engines that print text
    rather than HTML (Word, typst): tags, emphasis marks and link targets dropped.

    >>> markdown_plain_text("**重点**见 [附件](http://x) <b>一</b>")
    '重点见 附件 一'
    """
    t = re.sub(r"<[^>]+>", "", text)
    t = re.sub(r"[*_`]+", "", t)
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t).strip()


def blocks_html(blocks: list[dict[str, Any]]) -> str:
    """HTML of a block list (ids are added later by the exporter for headings)."""
    out = []
    for b in blocks:
        t = b["type"]
        if t == "heading":
            lv = b["level"]
            out.append(f"<h{lv}>{html.escape(b['text'])}</h{lv}>")
        elif t == "paragraph":
            out.append(f"<p>{html.escape(b['text'])}</p>")
        elif t == "table":
            cap = f"<caption>{html.escape(b['caption'])}</caption>" if b.get("caption") else ""
            cols, style = "", ""
            if b.get("widths"):
                cols = "<colgroup>" + "".join(
                    f'<col style="width:{float(w):.4g}%"/>' for w in b["widths"]
                )
                cols += "</colgroup>"
                style = ' style="table-layout: fixed"'
            head = "".join(f"<th>{html.escape(c)}</th>" for c in b["columns"])
            out.append(
                f'<table class="report-table"{style}>{cap}{cols}<thead><tr>{head}</tr>'
                f"</thead><tbody>{_body_html(b)}</tbody></table>"
            )
        elif t == "image":
            cap = html.escape(b.get("caption", ""))
            png = re.sub(r"[^A-Za-z0-9+/=]", "", str(b["png"]))  # base64 only
            out.append(
                f'<figure><img src="data:image/png;base64,{png}" alt="{cap}"/>'
                f"<figcaption>{cap}</figcaption></figure>"
            )
    return "\n".join(out)


def _body_html(b: dict[str, Any]) -> str:
    spans = row_spans(b["rows"], int(b.get("merge") or 0))
    body = []
    for r, sp in zip(b["rows"], spans, strict=True):
        cells = []
        for v, n in zip(r, sp, strict=True):
            if n == 0:
                continue
            attr = f' rowspan="{n}"' if n > 1 else ""
            cells.append(f"<td{attr}>{html.escape(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    span = int(b.get("merge") or 0) + 1
    for f in b.get("foot") or []:
        first = f'<td colspan="{span}">{html.escape(f[0])}</td>'
        body.append('<tr class="total">' + first
                    + "".join(f"<td>{html.escape(v)}</td>" for v in f[1:]) + "</tr>")  # fmt: skip
    return "".join(body)


@dataclass
class Section:
    """Displayable report content: headings, paragraphs, tables and figures."""

    blocks: list[dict[str, Any]] = field(default_factory=list)

    def heading(self, text: str, level: int = 3, *, new_page: bool = False) -> Section:
        self.blocks.append({"type": "heading", "level": level, "text": text, "new_page": new_page})
        return self

    def para(self, text: str) -> Section:
        for part in str(text).strip().split("\n\n"):
            if part.strip():
                self.blocks.append({"type": "paragraph", "text": join_lines(part)})
        return self

    def table(self, df: pd.DataFrame, caption: str = "", **kw: Any) -> Section:
        self.blocks.append(table_block(df, caption, **kw))
        return self

    def figure(self, fig: Any, caption: str = "") -> Section:
        self.blocks.append({"type": "image", "png": _fig_png(fig), "caption": caption})
        return self

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": blocks_html(self.blocks), BLOCKS_MIME: {"blocks": self.blocks}}


@dataclass
class Payload:
    """The evaluation's numbers, emitted once by the report notebook; invisible in the report.
    The bundle's ``result.json`` is this payload as the executed notebook holds it."""

    data: dict[str, Any]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {RESULT_MIME: self.data, "text/plain": ""}  # shows nothing in JupyterLab
