"""The typst PDF engine (issue 17): user text printed literally and never read as markup or
code, nothing read outside its own folder, the same content as the WeasyPrint path, CJK fonts
embedded, the same bytes twice."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest

from evallib.errors import ReportError
from evallib.report.blocks import BLOCKS_MIME, table_block
from evallib.report.render import render_html, render_pdf, render_report_pdf
from evallib.report.typst_pdf import literal, render_pdf_typst, typst_markup

HOSTILE = [
    '#read("/etc/passwd")',
    '#image("/etc/hostname")',
    ']#panic("x")[',
    '"; #import "@preview/x:0.1.0"',
    "$ x^2 $ *粗* _斜_ `code` @ref <label> \\ \\\\ // 注释 /* 块 */",
    "= 假标题",
    "控制字符\x07\x1b结尾",
]


def _png() -> str:
    fig, ax = plt.subplots(figsize=(4, 2), dpi=100)
    ax.bar(["a", "b"], [1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _notebook(texts: list[str]) -> nbformat.NotebookNode:
    df = pd.DataFrame({"一级指标": ["决策", "决策", "产出"], "指标": texts[:3],
                       "得分": [1.5, 2.0, 3.25]})  # fmt: skip
    blocks = [{"type": "heading", "level": 2, "text": "一、基本情况"}]
    blocks += [{"type": "paragraph", "text": t} for t in texts]
    blocks.append(table_block(df, "表 测试" + texts[0], merge=1, foot=[["合计", "6.75"]]))
    blocks.append({"type": "image", "png": _png(), "caption": "图 " + texts[1]})
    blocks.append({"type": "heading", "level": 3, "text": texts[2]})
    cell = nbformat.v4.new_code_cell("ctx.section()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={BLOCKS_MIME: {"blocks": blocks},
                                                                 "text/plain": ""})]  # fmt: skip
    title = nbformat.v4.new_markdown_cell("# 某项目绩效评价报告")
    nb = nbformat.v4.new_notebook(cells=[title, cell])
    nb.metadata["title"] = "某项目" + texts[0] + "绩效评价报告"
    return nb


def _text(pdf: bytes, tmp_path: Path, name: str) -> str:
    p = tmp_path / name
    p.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def test_literal_is_a_string_literal() -> None:
    assert literal('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert literal("响铃\x07") == '"响铃"'  # control characters dropped


def test_hostile_text_printed_literally(tmp_path: Path) -> None:
    """Markup, code, file reads and package imports in user text are printed as text; the
    document compiles, and no file outside typst's own folder is read."""
    nb = _notebook(HOSTILE)
    text = _text(render_pdf_typst(nb), tmp_path, "t.pdf")
    flat = text.replace("\n", "")
    for h in HOSTILE[:6]:
        assert h.replace("\n", "") in flat, h
    assert "root:" not in text  # /etc/passwd was not read
    src = typst_markup(nb, tmp_path)
    for h in HOSTILE:
        assert literal(h) in src
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', src)  # the markup with every string emptied
    assert "read(" not in code and "@preview" not in code and "panic" not in code


def test_engines_print_the_same_content(tmp_path: Path) -> None:
    """The same blocks through WeasyPrint and typst: every heading, paragraph, table cell,
    total and caption is in both PDFs."""
    texts = ["第一段：服务对象满意度 89.45%", "第二段：预算执行率 91.52%", "（一）项目概况"]
    nb = _notebook(texts)
    html_text = render_html(nb)
    w = _text(render_pdf(nb, html_text), tmp_path, "w.pdf").replace(" ", "")
    t = _text(render_pdf_typst(nb), tmp_path, "t.pdf").replace(" ", "")
    for needle in [*texts, "一、基本情况", "决策", "产出", "1.50", "3.25", "合计", "6.75",
                   "表1", "测试第一段", "图1", "目录", "某项目"]:  # fmt: skip
        assert needle.replace(" ", "") in w.replace("\n", ""), needle
        assert needle.replace(" ", "") in t.replace("\n", ""), needle


def test_fonts_embedded_and_output_deterministic(tmp_path: Path) -> None:
    nb = _notebook(["中文正文 English 123", "第二段", "第三段"])
    a, b = render_pdf_typst(nb), render_pdf_typst(nb)
    assert a == b
    p = tmp_path / "t.pdf"
    p.write_bytes(a)
    fonts = subprocess.run(["pdffonts", str(p)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]  # fmt: skip
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert any("CJKsc" in line for line in fonts), fonts


def test_unknown_engine_refused() -> None:
    with pytest.raises(ReportError, match="PDF 引擎"):
        render_report_pdf(_notebook(["a", "b", "c"]), None, "latex")


def test_process_that_compiled_is_not_forked_directly() -> None:
    """typst's first compile starts native threads Python does not count; a child forked
    from that process would hang on its own compile (seen: the suite stalled).  The warm
    worker notices and forks through a fork server; the child's PDF is the parent's."""
    from evallib.report.warm import WarmWorker, _typst_threads

    nb = _notebook(["一", "二", "三"])
    here = render_pdf_typst(nb)
    assert _typst_threads()
    assert WarmWorker().run(render_pdf_typst, nb) == here


SWITCH = """
import os, sys
sys.path.insert(0, {tests!r})
from test_typst_pdf import _notebook
from evallib.report.typst_pdf import render_pdf_typst
from evallib.report.warm import WarmWorker

if __name__ == "__main__":
    w = WarmWorker()
    first = w.run(os.getppid)            # single-threaded: children forked from here
    assert first == os.getpid(), "expected a direct fork"
    render_pdf_typst(_notebook(["a", "b", "c"]))   # typst's threads now exist here
    pdf = w.run(render_pdf_typst, _notebook(["d", "e", "f"]))
    assert w.run(os.getppid) != os.getpid(), "expected the fork server"
    print(len(pdf))
"""


def test_worker_leaves_fork_mode_once_typst_compiled_here(tmp_path: Path) -> None:
    """The `evallib report` process starts single-threaded and forks its children directly;
    if typst then compiles in that process (a cold report), later children come from a fork
    server — a directly forked child hung in its own compile before this was handled."""
    script = tmp_path / "switch.py"
    script.write_text(SWITCH.format(tests=str(Path(__file__).parent)), encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=120, cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    assert int(r.stdout.strip()) > 1000
