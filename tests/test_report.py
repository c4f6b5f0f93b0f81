"""Key-evaluation reports: PDF/Word/HTML content, fonts, bundle, reproduce, failure modes,
the nbconvert exporters and the JupyterLab workbench."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from evallib.cli import main
from evallib.errors import InputDataError, ReportError
from evallib.report import reproduce, run_report

from .conftest import ROOT

OUTLINE = [
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要经验及做法、存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("demo") / "demo"
    shutil.copytree(ROOT / "survey_data" / "demo", d)
    return d


@pytest.fixture(scope="module")
def bundle(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    run_report(demo_dir / "project.yaml", out)
    return out


def _pdftext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_bundle_layout(bundle: Path) -> None:
    names = {p.name for p in bundle.iterdir()}
    assert {
        "report.ipynb",
        "报告.pdf",
        "报告.docx",
        "报告.html",
        "result.json",
        "manifest.json",
    } <= names
    m = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert {"project", "system", "evidence", "survey_spec", "survey_data", "notebook"} <= set(
        m["inputs"]
    )
    assert all(len(v["sha256"]) == 64 for v in m["inputs"].values())
    assert m["params"]["seed"] == 20261122 and m["versions"]["python"]
    assert "started" in m["run"] and "started" not in json.dumps(m["inputs"])


def test_result_json_is_extracted_from_the_notebook(bundle: Path) -> None:
    result = json.loads((bundle / "result.json").read_text(encoding="utf-8"))
    nb = nbformat.read(bundle / "report.ipynb", as_version=4)
    payloads = [
        o["data"]["application/vnd.evallib.result+json"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "application/vnd.evallib.result+json" in o.get("data", {})
    ]
    assert payloads == [result]
    assert result["evaluation"]["total"] == 89.12 and result["evaluation"]["grade"] == "良"


def test_pdf_text_fonts_images_pages(bundle: Path) -> None:
    pdf = bundle / "报告.pdf"
    result = json.loads((bundle / "result.json").read_text(encoding="utf-8"))
    text = _pdftext(pdf)
    for h in OUTLINE:
        assert h in text, h
    assert "某县2025年农村公路提档升级项目" in text
    total, grade = result["evaluation"]["total"], result["evaluation"]["grade"]
    assert f"{total:.2f}" in text and f"评价等级为“{grade}”" in text.replace("\n", "")
    assert "附：绩效评价评分表" in text and "扣分原因" in text and "目" in text
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb column
    assert any("CJKsc" in line for line in fonts)  # typst: NotoSerifCJKsc-Regular
    assert json.loads((bundle / "manifest.json").read_text("utf-8"))["params"]["pdf_engine"] == (
        "typst"
    )
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(images) >= 5  # 一级 chart, lost points, distribution, group (+ soft masks)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1])
    assert 8 <= pages <= 25
    assert "A4" in info


def test_docx_has_headings_and_score_table(bundle: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(bundle / "报告.docx"))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for h in OUTLINE:
        assert h in heads, h
    result = json.loads((bundle / "result.json").read_text(encoding="utf-8"))
    leaves = result["evaluation"]["indicators"]
    score = [t for t in doc.tables if "扣分原因" in [c.text for c in t.rows[0].cells]]
    assert len(score) == 1 and len(score[0].rows) == len(leaves) + 1 + 2  # + 合计, 评价等级
    table = score[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[:3] == ["一级指标", "二级指标", "三级指标"]
    by_name = {r.cells[2].text: r.cells[6].text for r in table.rows[1:-2]}
    assert by_name["服务对象满意度"] == "7.95"
    # 一级/二级 merged down their rows: one vertically merged cell per 一级 (决策 … 效益)
    starts = [tc for tc in table._tbl.iter(qn("w:tc"))
              if (vm := tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")) is not None
              and vm.get(qn("w:val")) == "restart"]  # fmt: skip
    assert len(starts) >= 4
    assert table.rows[1].cells[0].text == "决策（15分）"
    assert table.rows[-2].cells[0].text == "合计" and table.rows[-2].cells[6].text == "89.12"
    assert table.rows[-1].cells[0].text == "评价等级" and table.rows[-1].cells[6].text == "良"
    widths = {table.columns[j].width for j in range(len(header))}
    assert len(widths) > 3  # columns fitted, not all equal

    def east(style: str) -> str:
        fonts = doc.styles[style].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would win over it
        return fonts.get(qn("w:eastAsia"))

    assert (east("Normal"), east("Heading 1"), east("Heading 2")) == ("仿宋", "黑体", "楷体")
    assert doc.styles["Heading 1"].font.color.rgb == (0, 0, 0)
    assert doc.inline_shapes  # charts are pictures
    body = doc.element.body.xml
    assert 'TOC \\o "1-3"' in body  # table of contents field
    sec = doc.sections[0]
    assert "绩效评价报告" in sec.header.paragraphs[0].text
    assert " PAGE " in sec.footer._element.xml
    assert 'w:updateFields w:val="true"' in doc.settings.element.xml
    props = doc.core_properties
    assert props.author == "某某绩效评价咨询有限公司" and props.title.endswith("绩效评价报告")
    assert (props.created.year, props.created.month) == (2026, 11)


def test_html_report(bundle: Path) -> None:
    html = (bundle / "报告.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "Noto Sans CJK SC" in html
    assert '<td rowspan="' in html and '<tr class="total"><td colspan="3">合计</td>' in html
    assert all(h in html for h in OUTLINE)
    assert "import" not in html.split("<main>")[1]  # no code cells


def test_reproduce_identical_then_detects_a_changed_byte(bundle: Path, demo_dir: Path) -> None:
    # re-runs warm (the same numbers as a kernel: tests/test_warm.py, test_report_kinds.py)
    r = reproduce(bundle, warm=True)
    assert r.identical and r.summary_zh().endswith("一致）")
    ev = demo_dir / "evidence.yaml"
    same = ev.read_bytes()
    ev.write_bytes(same.replace(b"2745.6", b"2745.7", 1))  # rate still rounds to 91.52 %
    try:
        # the bundle still reproduces from its own copies; the drift is pointed out
        r0 = reproduce(bundle, warm=True)
        assert r0.identical and any("evidence" in n for n in r0.notes)
        r1 = reproduce(bundle, from_originals=True, warm=True)
        assert not r1.identical and any("evidence" in c for c in r1.changed_inputs)
        assert not any("total" in d for d in r1.differences)  # scores unchanged: said so
    finally:
        ev.write_bytes(same)
    original = ev.read_bytes()
    try:
        # one byte: 2745.6 → 2545.6 (execution rate 91.52 % → 84.85 %)
        ev.write_bytes(original.replace(b"2745.6", b"2545.6", 1))
        r2 = reproduce(bundle, from_originals=True, warm=True)
        assert not r2.identical
        assert any("evidence" in c for c in r2.changed_inputs)
        assert any("total" in d or "score" in d for d in r2.differences)
    finally:
        ev.write_bytes(original)


def test_bundle_reproduces_after_being_moved(bundle: Path, tmp_path: Path) -> None:
    """Zip the bundle, unpack it elsewhere, remove the original inputs: still identical."""
    import zipfile

    m = json.loads((bundle / "manifest.json").read_text("utf-8"))
    assert m["bundle"] == 2 and m["params"]["project"].startswith("inputs/")
    copies = [i["file"] for i in m["inputs"].values() if "file" in i]
    assert {Path(c).name for c in copies} >= {"project.yaml", "evidence.yaml", "spec.yaml",
                                              "问卷星_按选项文本.xlsx"}  # fmt: skip
    for info in m["inputs"].values():  # no absolute path is needed to find an input
        assert "path" not in info
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in bundle.rglob("*"):
            z.write(p, p.relative_to(bundle))
    moved = tmp_path / "elsewhere" / "底稿"
    with zipfile.ZipFile(archive) as z:
        z.extractall(moved)
    originals = sorted({Path(i["original"]) for i in m["inputs"].values() if "original" in i})
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    for k, p in enumerate(originals):  # the original inputs are gone
        shutil.move(p, hidden / f"{k}{p.suffix}")
    try:
        proc = subprocess.run([sys.executable, "-m", "evallib.cli", "reproduce", str(moved)],
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert proc.stdout.startswith("复核结果：一致")
    finally:
        for k, p in enumerate(originals):
            shutil.move(hidden / f"{k}{p.suffix}", p)


def test_cli_report_prints_path_total_grade(bundle: Path, demo_dir: Path, tmp_path: Path) -> None:
    """As the README runs it: the project given relative to the working directory (the notebook
    runs elsewhere and must get the project's absolute path)."""
    out = tmp_path / "cli"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "evallib.cli",
            "report",
            os.path.relpath(demo_dir / "project.yaml", demo_dir.parent.parent),
            "--out",
            str(out),
            "--format",
            "html",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=demo_dir.parent.parent,
    )
    assert r.returncode == 0, r.stderr
    assert f"报告：{out / '报告.html'}" in r.stdout and "总分：89.12" in r.stdout
    stages = [r.stdout.index(f"{k}/4 ") for k in (1, 2, 3, 4)]  # each stage said as it starts
    assert stages == sorted(stages) and stages[-1] < r.stdout.index("报告：")
    assert "评价等级：良" in r.stdout
    # the CLI runs warm (a child forked from its own process), the fixture in a kernel
    assert (out / "result.json").read_bytes() == (bundle / "result.json").read_bytes()
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["run"]["engine"] == (
        "evallib-inprocess"
    )


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (("data: 问卷星_按选项文本.xlsx", "data: 不存在.xlsx"), "不存在.xlsx"),
        (("system: key_project", "system: key_projct"), "key_projct"),
        (("  year: 2025", "  year: 二〇二五"), "year"),
        (("evidence: evidence.yaml", "evidence: 没有.yaml"), "没有.yaml"),
    ],
)
def test_broken_project_fails_before_the_kernel(
    demo_dir: Path, tmp_path: Path, edit: tuple[str, str], fragment: str
) -> None:
    text = (demo_dir / "project.yaml").read_text(encoding="utf-8")
    assert edit[0] in text
    bad = demo_dir / "broken.yaml"
    bad.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    out = tmp_path / "out"
    t = time.perf_counter()
    with pytest.raises(InputDataError) as ei:
        run_report(bad, out)
    assert fragment in str(ei.value)
    assert time.perf_counter() - t < 5  # no kernel was started
    assert not (out / "report.ipynb").exists()


def test_notebook_error_leaves_the_annotated_notebook(demo_dir: Path, tmp_path: Path) -> None:
    ev = (demo_dir / "evidence.yaml").read_text(encoding="utf-8")
    (demo_dir / "evidence_bad.yaml").write_text(
        ev.replace("score: 7.5", "score: 9.5"), encoding="utf-8"
    )  # above 分值 8: fails in kernel
    proj = (demo_dir / "project.yaml").read_text(encoding="utf-8")
    (demo_dir / "bad_run.yaml").write_text(
        proj.replace("evidence: evidence.yaml", "evidence: evidence_bad.yaml"), encoding="utf-8"
    )
    out = tmp_path / "out"
    with pytest.raises(ReportError) as ei:
        run_report(demo_dir / "bad_run.yaml", out)
    assert "单元格" in str(ei.value) and "EvidenceError" in str(ei.value)
    nb = nbformat.read(out / "report.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "EvidenceError"
    assert not (out / "manifest.json").exists()  # an incomplete bundle is never marked complete


def test_nbconvert_exporters_registered(bundle: Path, tmp_path: Path) -> None:
    from nbconvert.exporters import get_export_names, get_exporter

    assert {"evallib_pdf", "evallib_docx", "evallib_html"} <= set(get_export_names())
    assert get_exporter("evallib_pdf").__name__ == "EvallibPDFExporter"
    nb = tmp_path / "executed.ipynb"
    shutil.copy(bundle / "report.ipynb", nb)
    r = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "evallib_pdf", str(nb)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "某县2025年农村公路提档升级项目" in _pdftext(tmp_path / "executed.pdf")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_workbench_server_lists_notebooks() -> None:
    """Start a headless Jupyter server on the repository and list notebooks via its REST API."""
    port, token = _free_port(), "evallib-test-token"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT}",
            "--allow-root",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/contents/notebooks?token={token}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    listing = json.loads(resp.read())
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("jupyter server did not answer")
        names = {c["name"] for c in listing["content"]}
        assert {"key_evaluation.ipynb", "weights_ahp.ipynb", "survey_analysis.ipynb"} <= names
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/kernelspecs?token={token}", timeout=5
        ) as resp:
            assert "python3" in json.loads(resp.read())["kernelspecs"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_agency_word_template(bundle: Path, tmp_path: Path) -> None:
    """An agency's reference .docx gives the Word report its styles, header and footer."""
    from docx import Document
    from docx.shared import Pt

    from evallib.report.render import render_docx

    ref = Document()
    ref.styles["Normal"].font.size = Pt(13)
    ref.sections[0].header.paragraphs[0].text = "某某咨询公司 内部模板"
    ref.add_paragraph("模板中的示例正文，应被报告替换")
    ref.save(tmp_path / "模板.docx")
    nb = nbformat.read(bundle / "report.ipynb", as_version=4)
    doc = Document(io.BytesIO(render_docx(nb, tmp_path / "模板.docx")))
    assert doc.styles["Normal"].font.size == Pt(13)
    assert doc.sections[0].header.paragraphs[0].text == "某某咨询公司 内部模板"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "模板中的示例正文" not in text and "一、基本情况" in text
    with pytest.raises(ReportError, match="Word 模板"):
        (tmp_path / "坏.docx").write_bytes(b"not a docx")
        render_docx(nb, tmp_path / "坏.docx")


def test_report_speaks_chinese_and_percent(bundle: Path) -> None:
    """No English leftovers and no raw ratios (0.8933) where a percentage is meant."""
    import re
    import zipfile

    from .test_workbook_look import LEFTOVERS, RAW_RATIO

    with zipfile.ZipFile(bundle / "报告.docx") as z:
        docx = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))
    html = re.sub(r"<style>.*?</style>|<[^>]+>", "", (bundle / "报告.html").read_text("utf-8"),
                  flags=re.S)  # fmt: skip
    for name, text in (("pdf", _pdftext(bundle / "报告.pdf")), ("docx", docx), ("html", html)):
        for word in LEFTOVERS:
            hit = re.search(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])", text)
            assert not hit, (name, word, text[max(0, hit.start() - 60) : hit.end() + 60])
        ratio = RAW_RATIO.search(text)
        assert not ratio, (name, text[max(0, ratio.start() - 60) : ratio.end() + 30])


def test_feedback_letter_on_the_demo_bundle(bundle: Path, tmp_path: Path) -> None:
    """issue 14: the 反馈书 of a real report bundle holds its problems, grade and deadline."""
    from docx import Document

    out = tmp_path / "反馈"
    assert main(["feedback", str(bundle), "--out", str(out), "--date", "2026-12-10"]) == 0
    letter = next((out / "反馈书").glob("*.docx"))
    text = "\n".join(p.text for p in Document(str(letter)).paragraphs)
    assert "预算执行率偏低" in text and "「良」" in text and "2027年2月8日" in text
    assert "畅通群众诉求反映渠道" in text  # a suggestion becomes a required correction


def test_weasyprint_engine_kept_as_an_option(demo_dir: Path, tmp_path: Path) -> None:
    """`evallib report --pdf-engine weasyprint`: the HTML/CSS path, CJK fonts embedded, the
    engine recorded; an unknown engine is refused before anything runs."""
    out = tmp_path / "w"
    assert main(["report", str(demo_dir / "project.yaml"), "--out", str(out), "--format", "pdf",
                 "--pdf-engine", "weasyprint"]) == 0  # fmt: skip
    fonts = subprocess.run(["pdffonts", str(out / "报告.pdf")], capture_output=True, text=True,
                           check=True).stdout  # fmt: skip
    assert "Noto-Serif-CJK-SC" in fonts and " no " not in fonts
    assert "一、基本情况" in _pdftext(out / "报告.pdf")
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    assert m["params"]["pdf_engine"] == "weasyprint"
    with pytest.raises(ReportError, match="PDF 引擎"):
        run_report(demo_dir / "project.yaml", tmp_path / "x", pdf_engine="latex")
    assert not (tmp_path / "x").exists()
