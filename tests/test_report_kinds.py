"""Report kinds (issue 14, part 3): the project file's ``kind`` picks the notebook, outline and
wording.  Each kind's demo gives its outline in PDF and Word, numbers equal to result.json (and
to a direct evaluation of the same system and evidence), and an identical reproduce."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from evallib import evaluate, load_evidence, templates
from evallib.errors import EvalError
from evallib.project import load_project
from evallib.report import reproduce
from evallib.report.warm import run_report_warm

from .conftest import ROOT

KINDS = {
    "ex_ante": (
        "ex_ante",
        [
            "一、评估对象基本情况",
            "二、评估工作开展情况",
            "三、综合评估情况与评估结论",
            "四、相关建议",
            "五、其他需要说明的问题",
        ],
        "评估结论",
        "申报年度",
    ),
    "department": (
        "department_overall",
        [
            "一、部门基本情况",
            "二、绩效评价工作开展情况",
            "三、综合评价情况及评价结论",
            "四、绩效评价指标分析",
            "六、有关建议",
            "七、其他需要说明的问题",
        ],
        "评价等级",
        "评价年度",
    ),
    "self_evaluation": (
        "self_evaluation",
        [
            "一、项目基本情况",
            "二、绩效自评工作开展情况",
            "三、自评结论",
            "四、绩效目标完成情况分析",
            "五、偏离绩效目标的原因和改进措施",
            "六、其他需要说明的问题",
        ],
        "自评等级",
        "自评年度",
    ),
}


@pytest.fixture(scope="module", params=list(KINDS))
def kind_bundle(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """Each kind's bundle made by a warm worker; the test re-runs it cold (reproduce) and
    finds the same numbers."""
    out = tmp_path_factory.mktemp(request.param) / "bundle"
    project = ROOT / "survey_data" / request.param / "project.yaml"
    run_report_warm(project, out, formats=("pdf", "docx"))
    return request.param, out


def test_kind_is_read_and_validated(tmp_path: Path) -> None:
    for kind in KINDS:
        assert load_project(ROOT / "survey_data" / kind / "project.yaml").kind == kind
    assert load_project(ROOT / "survey_data/demo/project.yaml").kind == "key_evaluation"
    src = (ROOT / "survey_data/ex_ante/project.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "project.yaml"
    bad.write_text(src.replace("kind: ex_ante", "kind: 事后"), encoding="utf-8")
    with pytest.raises(EvalError):
        load_project(bad)


def test_ex_ante_total_by_hand() -> None:
    ev = load_evidence(ROOT / "survey_data/ex_ante/evidence.yaml")
    res = evaluate(templates.load("ex_ante"), ev)
    # ten leaves of 10 points, two criteria of 5 each; four criteria unmet → 100 − 4 × 5
    assert res.total == 80.0 and res.grade == "调整完善后予以支持"


@pytest.mark.notebook
def test_kind_report_outline_numbers_and_reproduce(kind_bundle: tuple[str, Path]) -> None:
    from docx import Document

    kind, bundle = kind_bundle
    system, outline, grade_word, year_word = KINDS[kind]
    data = json.loads((bundle / "result.json").read_text(encoding="utf-8"))
    ev, meta = data["evaluation"], data["report"]
    direct = evaluate(
        templates.load(system), load_evidence(ROOT / "survey_data" / kind / "evidence.yaml")
    )
    assert ev["total"] == direct.total and ev["grade"] == direct.grade and meta["kind"] == kind
    text = subprocess.run(
        ["pdftotext", "-layout", str(bundle / "报告.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for h in outline:
        assert h in text, h
    flat = text.replace("\n", "").replace(" ", "")
    assert f"{ev['total']:.2f}分，{grade_word}为“{ev['grade']}”" in flat and year_word in text
    heads = [
        p.text
        for p in Document(str(bundle / "报告.docx")).paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert [h for h in heads if h in outline] == outline
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["notebook"]["evallib"] == f"notebook:{kind}.ipynb"
    assert reproduce(bundle).identical
