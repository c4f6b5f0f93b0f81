"""Shipped notebooks run under papermill on small data, and charts render Chinese."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import papermill as pm
import pytest
from matplotlib import font_manager

from evallib.plotting import use_cjk_font

from .conftest import ROOT, run_notebook

NOTEBOOKS = ROOT / "notebooks"


def test_cjk_font_renders_without_missing_glyphs(tmp_path: Path) -> None:
    family = use_cjk_font()
    assert family == "Noto Sans CJK SC"
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    entry = next(f for f in font_manager.fontManager.ttflist
                 if f.name == family and f.fname == path)  # fmt: skip
    assert entry.index != 0 or "SC" in Path(path).name  # the SC face, not the JP first face
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title("直骨户门 预算执行率 − 满意度")
        ax.bar(["决策", "过程", "产出", "效益"], [12, 16.4, 33.8, 27])
        fig.savefig(tmp_path / "zh.png")
        plt.close(fig)
    missing = [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert not missing, [str(w.message) for w in missing]


@pytest.mark.notebook
def test_weights_notebook_runs(tmp_path: Path) -> None:
    joined, images = run_notebook(
        "weights_ahp.ipynb", tmp_path / "weights_ahp.out.ipynb",
        {"workbook": str(ROOT / "survey_data/weights/专家判断矩阵_示例.xlsx"),
         "method": "geometric"},
    )  # fmt: skip
    assert "层次分析法" in joined and "方根法" in joined
    assert "立项依据充分性" in joined  # the weights table
    assert "λmax" in joined and "RI（saaty1980）" in joined  # the consistency table
    assert "inconsistent=keep" in joined  # the sample panel holds inconsistent experts
    assert images >= 1  # the bar chart


def test_notebooks_have_typed_parameters() -> None:
    for nb_path in NOTEBOOKS.glob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, nb_path
        params = pm.inspect_notebook(str(nb_path))
        assert params and all(p["inferred_type_name"] != "None" for p in params.values())
        assert all(p["help"] for p in params.values()), nb_path


@pytest.mark.notebook
def test_survey_notebook_runs(tmp_path: Path) -> None:
    joined, images = run_notebook(
        "survey_analysis.ipynb", tmp_path / "survey.out.ipynb",
        {"data": str(ROOT / "survey_data/demo/问卷星_按选项序号.xlsx"),
         "spec": str(ROOT / "survey_data/demo/spec.yaml")},
    )  # fmt: skip
    assert "有效答卷 539 份" in joined and "Cronbach" in joined and "重点改进" in joined
    assert images == 3  # distribution, group, IPA


@pytest.mark.notebook
def test_review_notebook_runs(tmp_path: Path) -> None:
    joined, images = run_notebook(
        "self_eval_review.ipynb", tmp_path / "review.out.ipynb",
        {"forms": str(ROOT / "survey_data/review/复核样本_自评表.xlsx"),
         "per_project_workbook": True},
    )  # fmt: skip
    assert "本次复核自评表 12 份" in joined and "问题代码" in joined
    assert images == 2


@pytest.mark.notebook
def test_comprehensive_notebook_runs(tmp_path: Path) -> None:
    joined, images = run_notebook(
        "comprehensive.ipynb", tmp_path / "comprehensive.out.ipynb",
        {"weights": "critic", "subjective_weights": "预算执行率=0.2,公里造价=0.2,工程合格率=0.2,"
         "按期完工率=0.1,群众满意度=0.2,投诉件数=0.1", "tiers": 4},
    )  # fmt: skip
    for words in ("TOPSIS 法", "灰色关联度", "秩和比法", "模糊综合评价", "交叉分析", "分组比较",
                  "公因子"):  # fmt: skip
        assert words in joined, words
    assert "线性组合" in joined and "石桥镇道路提升" in joined and "KMO" in joined
    assert "分为 4 档" in joined
    # report blocks: tables and figures render in the report look (nbconvert --to evallib_pdf)
    assert joined.count("data:image/png;base64") == 3  # closeness, membership, scree plot
    assert images == 0 and "TOPSIS 综合评价结果" in joined and "城关镇均分" in joined
    # the chapter in the report look, as an appendix a report can include
    import subprocess

    from evallib.report.exporter import EvallibPDFExporter

    pdf, _ = EvallibPDFExporter().from_filename(str(tmp_path / "comprehensive.out.ipynb"))
    (tmp_path / "chapter.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "chapter.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "综合评价与问卷统计分析" in text and "TOPSIS 综合评价结果" in text
    assert "石桥镇道路提升" in text and "图3" in text  # figures numbered 1–3
