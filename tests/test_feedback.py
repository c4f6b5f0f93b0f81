"""Result feedback (issue 14, part 4): consequence rules at every grade and exemption, letters
holding each project's problems and deadline, the tracking workbook, hostile text."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from evallib.cli import main
from evallib.errors import EvalError
from evallib.feedback import ConsequenceRules, load_rules, read_case, split_items

from .conftest import DEMO_EVIDENCE, ROOT

RULES = ConsequenceRules()


@pytest.mark.parametrize(
    ("grade", "etype", "cut", "amount", "exempted"),
    [
        ("优", "", 0, 1000.0, False),
        ("良", "", 0, 1000.0, False),
        ("中", "", 10, 900.0, False),
        ("差", "", 100, 0.0, False),
        ("中", "对个人和家庭的补助", 0, 1000.0, True),
        ("差", "对个人和家庭的补助", 0, 1000.0, True),
        ("优", "对个人和家庭的补助", 0, 1000.0, False),
        ("良", "对个人和家庭的补助", 0, 1000.0, False),
    ],
)
def test_rules_at_every_grade_and_exemption(
    grade: str, etype: str, cut: float, amount: float, exempted: bool
) -> None:
    k = RULES.apply(grade, etype, 1000.0)
    assert (k.cut_percent, k.next_year_wan, k.exempted) == (cut, amount, exempted)
    assert k.action == (RULES.exempt_action if exempted else RULES.actions[grade])


def test_missing_grade_and_budget() -> None:
    assert RULES.apply(None, "", 100.0).cut_percent is None
    assert RULES.apply("中", "", None).next_year_wan is None


def test_rules_file(tmp_path: Path) -> None:
    f = tmp_path / "规则.yaml"
    f.write_text(
        yaml.safe_dump(
            {"cuts": {"优": 0, "良": 5, "中": 20, "差": 100}, "deadline_days": 30},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    r = load_rules(str(f))
    assert r.apply("良", "", 200.0).next_year_wan == 190.0 and r.deadline_days == 30
    f.write_text("cuts: {优: 0, 良: 0, 中: 150, 差: 100}\n", encoding="utf-8")
    with pytest.raises(EvalError, match="0–100"):
        load_rules(str(f))
    f.write_text("cuts: {优: 0}\n", encoding="utf-8")
    with pytest.raises(EvalError, match="缺少等级"):
        load_rules(str(f))


def test_split_items() -> None:
    assert split_items("一是预算执行率偏低；二是部分路段\n延期完工。") == [
        "预算执行率偏低",
        "部分路段延期完工",
    ]
    assert split_items("1. 台账不全 2. 资料未归档") == ["台账不全", "资料未归档"]
    assert split_items("未发现问题") == ["未发现问题"] and split_items("") == []
    assert split_items("一是执行率 91.52% 偏低；二是支出 2745.6 万元") == [
        "执行率 91.52% 偏低",
        "支出 2745.6 万元",
    ]


def _bundle(root: Path, name: str, grade: str, etype: str, problems: str) -> Path:
    """A bundle shaped as evallib report writes it: a real scored result, the demo project file."""
    out = root / name
    assert main(["score", "key_project", str(DEMO_EVIDENCE), "--out", str(out / "score")]) == 0
    ev = json.loads((out / "score" / "result.json").read_text(encoding="utf-8"))
    ev["grade"] = grade
    project = yaml.safe_load((ROOT / "survey_data/demo/project.yaml").read_text(encoding="utf-8"))
    project["project"]["name"] = name
    project["project"]["expenditure_type"] = etype
    project["texts"]["problems"] = problems
    (out / "inputs").mkdir()
    (out / "inputs" / "project.yaml").write_text(
        yaml.safe_dump(project, allow_unicode=True), encoding="utf-8"
    )
    meta = {"project": name, "department": "某县民政局", "year": 2025}
    (out / "result.json").write_text(
        json.dumps({"evaluation": ev, "report": meta}, ensure_ascii=False), encoding="utf-8"
    )
    shutil.rmtree(out / "score")
    return out


def test_letters_tracking_and_portfolio(tmp_path: Path) -> None:
    hostile = "<img src='file:///etc/passwd'>资料归档不及时"
    b1 = _bundle(tmp_path, "甲项目", "中", "", f"一是预算执行偏慢；二是{hostile}。")
    b2 = _bundle(tmp_path, "乙/低保项目", "差", "对个人和家庭的补助", "一是发放台账不全。")
    out = tmp_path / "反馈"
    args = [
        "feedback",
        str(b1),
        str(b2),
        "--out",
        str(out),
        "--date",
        "2026-12-10",
        "--deadline",
        "2027-02-28",
    ]
    assert main(args) == 0
    from docx import Document

    doc = Document(str(out / "反馈书" / "甲项目.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "预算执行偏慢" in text and hostile in text and "2027年2月28日" in text
    assert "压减 10%" in text
    pdf = subprocess.run(
        ["pdftotext", str(out / "反馈书" / "乙_低保项目.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "发放台账不全" in pdf and "2027年2月28日" in pdf and "不因评价结果压减" in pdf
    pdf1 = subprocess.run(
        ["pdftotext", str(out / "反馈书" / "甲项目.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "<img" in pdf1  # shown as text, not fetched or rendered
    data = json.loads((out / "feedback.json").read_text(encoding="utf-8"))
    port = {r["项目名称"]: r for r in data["portfolio"]}
    assert port["甲项目"]["压减比例"] == 0.1 and port["甲项目"]["建议下年安排（万元）"] == 2880.0
    assert (
        port["乙/低保项目"]["豁免压减"] == "是"
        and port["乙/低保项目"]["建议下年安排（万元）"] == 3200.0
    )
    track = [r for r in data["tracking"] if r["项目名称"] == "甲项目"]
    assert [r["问题"] for r in track[:2]] == ["预算执行偏慢", hostile]
    assert all(r["整改期限"] == "2027-02-28" and r["整改状态"] == "未整改" for r in track)
    assert any(r["来源"] == "扣分指标" for r in track)
    from openpyxl import load_workbook

    ws = load_workbook(out / "结果应用汇总.xlsx")["结果应用"]
    head = [c.value for c in ws[1]]
    cell = ws.cell(2, head.index("压减比例") + 1)
    assert cell.value == 0.1 and cell.number_format == "0.00%"


def test_not_a_bundle_and_bad_dates(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="不是评价报告运行包"):
        read_case(tmp_path)
    assert (
        main(["feedback", str(tmp_path), "--out", str(tmp_path / "o"), "--date", "2026-13-01"]) == 2
    )
    b = _bundle(tmp_path, "丙项目", "良", "", "无")
    assert (
        main(
            [
                "feedback",
                str(b),
                "--out",
                str(tmp_path / "o"),
                "--date",
                "2026-12-10",
                "--deadline",
                "2026-12-01",
            ]
        )
        == 2
    )


def test_default_deadline_follows_the_rules(tmp_path: Path) -> None:
    from evallib.feedback import feedback

    b = _bundle(tmp_path, "丁项目", "优", "", "一是资料不全。")
    feedback([b], tmp_path / "o", rules=RULES, issued=dt.date(2026, 12, 10), formats=("docx",))
    data = json.loads((tmp_path / "o" / "feedback.json").read_text(encoding="utf-8"))
    assert data["deadline"] == "2027-02-08"  # 60 days
