"""Expert workbook round trip and the `evallib weights` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from evallib import load_system, templates
from evallib.cli import main
from evallib.errors import InconsistentJudgementError, InputDataError
from evallib.weighting import bootstrap_leaf_points, read_workbook, weigh_workbook, write_template

FILL = "FFF2CC"


def fill_workbook(src: Path, dest: Path, values: dict | None = None) -> Path:
    """Fill every yellow (upper-triangle) cell: a fixed consistent pattern per expert, so the
    expected weights are known; ``values`` overrides cells as {(sheet, ref): value}."""
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        if not ws.title.startswith("专家"):
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.fill.fgColor.rgb and c.fill.fgColor.rgb.endswith(FILL):
                    c.value = "2"  # "row twice as important as every later column"
    for (sheet, ref), v in (values or {}).items():
        wb[sheet][ref] = v
    wb.save(dest)
    return dest


@pytest.fixture
def template(tmp_path: Path) -> Path:
    p = tmp_path / "专家判断矩阵.xlsx"
    p.write_bytes(write_template(templates.load("key_project"), 3))
    return p


def test_round_trip_known_weights(template: Path, tmp_path: Path) -> None:
    """All upper cells = 2 is inconsistent for n ≥ 3, but identical across experts, so every
    aggregation equals each expert's own result; for n = 2 the weights are exactly 2/3, 1/3."""
    j = read_workbook(fill_workbook(template, tmp_path / "f.xlsx"))
    assert j.experts == ["专家1", "专家2", "专家3"]
    assert len(j.blocks) == 10
    res = weigh_workbook(j)
    g = res.groups["1.1"]  # 项目立项: two children
    assert g.weights.tolist() == pytest.approx([2 / 3, 1 / 3])
    assert (res.expert_table()["CR"] >= 0).all()
    t = res.hierarchy.table
    assert t.loc[t["level"] == 1, "points"].sum() == 100
    new = res.system_with_points()
    assert new.total == 100 and new.find("1.1.1").points + new.find("1.1.2").points == \
        new.find("1.1").points  # fmt: skip


def test_errors_name_expert_sheet_and_cell(template: Path, tmp_path: Path) -> None:
    bad = fill_workbook(template, tmp_path / "bad.xlsx",
                        {("专家2", "D6"): "较重要", ("专家3", "D6"): 12})  # fmt: skip
    with pytest.raises(InconsistentJudgementError) as ei:
        read_workbook(bad)
    text = str(ei.value)
    assert "专家2" in text and "D6" in text and "较重要" in text
    assert "专家3" in text and "超出 1/9–9" in text


def test_blank_cell_and_missing_sheet(template: Path, tmp_path: Path) -> None:
    p = fill_workbook(template, tmp_path / "blank.xlsx", {("专家1", "D6"): None})
    with pytest.raises(InconsistentJudgementError, match="未填写"):
        read_workbook(p)
    wb = openpyxl.load_workbook(fill_workbook(template, tmp_path / "m.xlsx"))
    del wb["专家2"]
    wb.save(tmp_path / "missing.xlsx")
    with pytest.raises(InconsistentJudgementError, match="missing expert sheet") as ei:
        read_workbook(tmp_path / "missing.xlsx")
    assert ei.value.problems[0].sheet == "专家2"


def test_not_an_expert_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(InputDataError, match="_结构"):
        read_workbook(tmp_path / "other.xlsx")


def test_bootstrap_samples(template: Path, tmp_path: Path) -> None:
    j = read_workbook(fill_workbook(template, tmp_path / "f.xlsx"))
    s = bootstrap_leaf_points(j, n=5, seed=1)
    assert s.shape == (5, 20)
    assert s.sum(axis=1).round(6).tolist() == [100.0] * 5


def test_cli_template_and_ahp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wbp = tmp_path / "专家判断矩阵.xlsx"
    assert main(["weights", "template", "key_project", "--experts", "2", "--out", str(wbp)]) == 0
    filled = fill_workbook(wbp, tmp_path / "filled.xlsx")
    out = tmp_path / "out"
    assert main(["weights", "ahp", str(filled), "--out", str(out), "--method", "geometric"]) == 0
    text = capsys.readouterr().out
    assert "一致性检验" in text and "λmax" in text and "指标权重与分值" in text
    data = json.loads((out / "weights.json").read_text(encoding="utf-8"))
    assert data["params"]["method"] == "geometric"
    assert data["provenance"]["inputs"]["filled.xlsx"]
    system = load_system(out / "指标体系_赋权.yaml")
    assert system.total == 100
    assert {p.name for p in out.iterdir()} == {
        "权重结果.xlsx",
        "weights.json",
        "指标体系_赋权.yaml",
    }


def test_cli_bad_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wbp = tmp_path / "t.xlsx"
    main(["weights", "template", "ex_ante", "--experts", "2", "--out", str(wbp)])
    bad = fill_workbook(wbp, tmp_path / "bad.xlsx", {("专家1", "D6"): "abc"})
    rc = main(["weights", "ahp", str(bad), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and "专家1" in err and "D6" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_cli_outputs_byte_identical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wbp = tmp_path / "t.xlsx"
    main(["weights", "template", "ex_ante", "--experts", "3", "--out", str(wbp)])
    first = wbp.read_bytes()
    main(["weights", "template", "ex_ante", "--experts", "3", "--out", str(wbp)])
    assert wbp.read_bytes() == first
    filled = fill_workbook(wbp, tmp_path / "f.xlsx")
    outs = []
    for k in range(2):
        out = tmp_path / f"o{k}"
        assert main(["weights", "ahp", str(filled), "--out", str(out)]) == 0
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1]


def test_expert_spread_sensitivity_end_to_end() -> None:
    """Weigh key_project from the example panel, score the demo with those 分值, and ask how
    robust the grade is when the panel is resampled (seeded, reproducible)."""
    from evallib import evaluate, load_evidence
    from evallib.weighting import sensitivity

    from .conftest import DEMO_EVIDENCE, ROOT

    j = read_workbook(ROOT / "survey_data/weights/专家判断矩阵_示例.xlsx")
    system = weigh_workbook(j).system_with_points()
    ev = load_evidence(DEMO_EVIDENCE)
    for code in ("4.1.1", "4.1.2", "4.1.3", "4.1.4"):  # absolute scores do not survive new 分值
        ev.indicators[code].score = None
    res = evaluate(system, ev)
    samples = bootstrap_leaf_points(j, n=60, seed=5)
    s1 = sensitivity(res, weight_samples=samples, seed=5)
    s2 = sensitivity(res, weight_samples=bootstrap_leaf_points(j, n=60, seed=5), seed=5)
    assert s1.to_dict() == s2.to_dict()
    assert s1.probabilities.sum() == pytest.approx(1) and s1.n == 60
    assert s1.total_low <= s1.total_mean <= s1.total_high
