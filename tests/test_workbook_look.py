"""Every workbook evallib writes has the one table look: bold frozen header, columns at least
as wide as their Chinese header, numbers numeric with number formats (rates as %), printed
one page wide."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evallib.cli import main
from evallib.present import display_width, is_rate_column

from .conftest import DEMO_EVIDENCE, ROOT


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("books")
    demo = ROOT / "survey_data" / "demo"
    assert main(["score", "key_project", str(DEMO_EVIDENCE), "--out", str(d / "score")]) == 0
    assert main(["survey", str(demo / "spec.yaml"), str(demo / "问卷星_按选项文本.xlsx"),
                 "--out", str(d / "survey")]) == 0  # fmt: skip
    assert main(["review", str(ROOT / "survey_data/review/复核样本_长表.csv"), "--out",
                 str(d / "review")]) == 0  # fmt: skip
    assert main(["weights", "ahp", str(ROOT / "survey_data/weights/专家判断矩阵_示例.xlsx"),
                 "--out", str(d / "weights")]) == 0  # fmt: skip
    from evallib.batch.manifest import BatchItem
    from evallib.batch.runner import _write_outputs

    summary = pd.DataFrame([{"id": "A", "project": "a.yaml", "status": "failed", "total": None,
                             "grade": None, "duration": 1.5, "attempts": 1, "bundle": "x",
                             "error": "缺少证据文件"}])  # fmt: skip
    (d / "batch").mkdir()
    _write_outputs(summary, d / "batch", [BatchItem("A", "a.yaml")])
    return {
        "评分表": d / "score" / "评分表.xlsx",
        "满意度分析": d / "survey" / "满意度分析.xlsx",
        "复核汇总": d / "review" / "复核汇总.xlsx",
        "复核明细": d / "review" / "复核明细.xlsx",
        "权重结果": d / "weights" / "权重结果.xlsx",
        "批量汇总": d / "batch" / "batch_summary.xlsx",
    }


BOOKS = ["评分表", "满意度分析", "复核汇总", "复核明细", "权重结果", "批量汇总"]


@pytest.mark.parametrize("name", BOOKS)
def test_every_sheet_has_the_table_look(workbooks: dict[str, Path], name: str) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(workbooks[name].read_bytes()))
    for ws in wb.worksheets:
        header_row = 2 if ws.title == "评分表" else 1
        headers = [ws.cell(header_row, j).value for j in range(1, ws.max_column + 1)]
        assert all(ws.cell(header_row, j).font.b for j in range(1, ws.max_column + 1)), ws.title
        assert ws.freeze_panes == f"A{header_row + 1}", (ws.title, ws.freeze_panes)
        for j, h in enumerate(headers, 1):
            width = ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
            assert width >= display_width(h or ""), (ws.title, h, width)
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows
        for row in ws.iter_rows(min_row=header_row + 1):
            for c in row:
                h = str(headers[c.column - 1] or "")
                if isinstance(c.value, float) and c.value != int(c.value):
                    assert c.number_format != "General", (ws.title, h, c.coordinate, c.value)
                if isinstance(c.value, float) and is_rate_column(h) and abs(c.value) <= 1:
                    assert c.number_format == "0.00%", (ws.title, h, c.coordinate)


def test_rates_are_numbers_shown_as_percent(workbooks: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(workbooks["满意度分析"])
    ws = wb["题目"]
    headers = [c.value for c in ws[1]]
    col = headers.index("满意率") + 1
    cell = ws.cell(2, col)
    assert isinstance(cell.value, float) and 0 <= cell.value <= 1
    assert cell.number_format == "0.00%"


LEFTOVERS = ["score_above_points", "total_mismatch", "grade_cap", "arithmetic", "warning",
             "error", "respondent", "reasons", "skipped", "identical", "national", "platform",
             "(problems)", "Error", "None", "nan", "NaN"]  # fmt: skip
RAW_RATIO = re.compile(r"(?<![\d.])0\.\d{4,}(?!\d)")  # 0.8933 where 89.33% is meant


def _xlsx_text(p: Path) -> str:
    wb = openpyxl.load_workbook(p)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows()
                     for c in row if c.value is not None)  # fmt: skip


@pytest.mark.parametrize("name", BOOKS)
def test_workbooks_speak_chinese(workbooks: dict[str, Path], name: str) -> None:
    text = _xlsx_text(workbooks[name])
    for word in LEFTOVERS:
        if name.startswith("复核") and word in ("score_above_points", "total_mismatch",
                                                "grade_cap"):  # fmt: skip
            continue  # the 问题代码 column keeps the documented codes beside 问题 in Chinese
        assert not re.search(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])", text), (name, word)


def test_console_speaks_chinese_and_percent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = ROOT / "survey_data" / "demo"
    runs = [
        ["score", "key_project", str(DEMO_EVIDENCE)],
        ["survey", str(demo / "spec.yaml"), str(demo / "问卷星_按选项文本.xlsx")],
        ["review", str(ROOT / "survey_data/review/复核样本_长表.csv")],
        ["weights", "ahp", str(ROOT / "survey_data/weights/专家判断矩阵_示例.xlsx")],
    ]
    for argv in runs:
        assert main(argv) == 0
        out = capsys.readouterr().out
        for word in LEFTOVERS:
            if argv[0] == "review" and word in ("score_above_points", "total_mismatch",
                                                "grade_cap"):  # fmt: skip
                continue  # codes printed beside their Chinese names
            hit = re.search(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])", out)
            assert not hit, (argv[0], word, out[max(0, hit.start() - 80): hit.end() + 40])
        ratio = RAW_RATIO.search(out)
        assert not ratio or argv[0] == "weights", (argv[0], out[ratio.start() - 80:][:160])


def test_people_csv_speak_chinese(workbooks: dict[str, Path]) -> None:
    """CSV files named in Chinese are for people; the English-keyed ones (summary.csv,
    flags.csv, batch_summary.csv) are the documented machine-readable files."""
    folder = workbooks["满意度分析"].parent
    for name in ("有效答卷.csv", "剔除答卷.csv"):
        text = (folder / name).read_bytes().decode("utf-8-sig")
        for word in [*LEFTOVERS, "incomplete", "speeder", "straightliner", "duplicate_ip"]:
            hit = re.search(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])", text)
            assert not hit, (name, word, text[max(0, hit.start() - 60): hit.end() + 40])
        ratio = RAW_RATIO.search(text)
        assert not ratio, (name, text[max(0, ratio.start() - 60):][:120])


def test_expert_template_prints_one_page_wide(tmp_path: Path) -> None:
    """The expert-judgement template is a form, not a table: its sheets print one page wide."""
    book = tmp_path / "专家.xlsx"
    assert main(["weights", "template", "key_project", "--experts", "2", "--out", str(book)]) == 0
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    sheet = wb["专家1"]
    assert "root" not in [sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)]
