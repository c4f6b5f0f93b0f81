"""In-year monitoring (issue 14, part 2): traffic lights at the boundary values of RULES.md §9
worked out by hand, indicator progress, the projects to correct, outputs and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from evallib.cli import main
from evallib.errors import EvalError
from evallib.inert import frames_xlsx
from evallib.monitor import Thresholds, monitor

from .conftest import ROOT

DEMO = ROOT / "survey_data" / "monitor" / "绩效监控_6月.xlsx"
COLS = [
    "项目编码",
    "项目名称",
    "全年预算数（万元）",
    "执行数（万元）",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "计划进度",
    "偏差原因",
]


def _table(tmp_path: Path, rows: list[list[object]], cols: list[str] = COLS) -> Path:
    f = tmp_path / "监控表.xlsx"
    f.write_bytes(frames_xlsx({"监控表": pd.DataFrame(rows, columns=cols)}))
    return f


# month, budget, spent → light; v = (spent / budget × 100) / (month / 12 × 100) × 100
BOUNDARIES = [
    (6, 1000, 300, 60.0, "黄灯"),  # exactly 60 → yellow
    (6, 1000, 299.9, 59.98, "红灯"),
    (6, 1000, 400, 80.0, "绿灯"),  # exactly 80 → green
    (6, 1000, 399.9, 79.98, "黄灯"),
    (7, 1000, 350, 60.0, "黄灯"),  # 35 % / 58.333… % = 60.00
    (7, 1000, 349.9, 59.98, "红灯"),
    (12, 200, 160, 80.0, "绿灯"),
    (1, 1200, 0, 0.0, "红灯"),
]


@pytest.mark.parametrize(("month", "budget", "spent", "v", "lamp"), BOUNDARIES)
def test_budget_light_at_the_boundaries(
    tmp_path: Path, month: int, budget: float, spent: float, v: float, lamp: str
) -> None:
    f = _table(tmp_path, [["P1", "项目", budget, spent, "完成数量", "≥10个", "10个", None, None]])
    p = monitor(f, month).projects.iloc[0]
    assert p["执行进度比"] == v and p["预算灯"] == lamp


def test_zero_budget_is_yellow_with_a_reason(tmp_path: Path) -> None:
    f = _table(tmp_path, [["P1", "项目", 0, 0, "完成数量", "≥10个", "10个", None, None]])
    p = monitor(f, 6).projects.iloc[0]
    assert p["预算灯"] == "黄灯" and "全年预算数为 0" in p["原因"]


def test_thresholds_are_configurable(tmp_path: Path) -> None:
    f = _table(tmp_path, [["P1", "项目", 1000, 350, "完成数量", "≥10个", "10个", None, None]])
    assert monitor(f, 6).projects.iloc[0]["预算灯"] == "黄灯"  # v = 70
    assert monitor(f, 6, thresholds=Thresholds(50, 70)).projects.iloc[0]["预算灯"] == "绿灯"
    with pytest.raises(EvalError, match="阈值"):
        Thresholds(80, 60)
    with pytest.raises(EvalError, match="1–12"):
        monitor(f, 13)


def test_indicator_progress_kinds(tmp_path: Path) -> None:
    rows = [
        [
            "P1",
            "项目",
            1000,
            500,
            "改造里程",
            "≥120公里",
            "30000米",
            40,
            "汛期停工",
        ],  # 25 / 40 → 62.5
        [None, None, None, None, "培训合格率", "≥95%", "76%", None, None],  # rate: 80.0
        [None, None, None, None, "造价控制率", "≤100%", "104%", None, None],  # ceiling exceeded
        [None, None, None, None, "群众知晓情况", "明显提高", "入户宣传", None, None],
        [None, None, None, None, "设备数量", "≥150台", "40台", None, None],  # 26.67 / 50 → 53.33
    ]
    ind = monitor(_table(tmp_path, rows), 6).indicators.set_index("三级指标")
    assert ind.loc["改造里程", "完成率"] == 25.0 and ind.loc["改造里程", "进度比"] == 62.5
    assert ind.loc["改造里程", "灯"] == "黄灯"
    assert ind.loc["培训合格率", "进度比"] == 80.0 and ind.loc["培训合格率", "灯"] == "绿灯"
    assert ind.loc["造价控制率", "灯"] == "红灯"
    assert ind.loc["群众知晓情况", "灯"] == "无法量化"
    assert (
        ind.loc["设备数量", "进度比"] == pytest.approx(53.33)
        and ind.loc["设备数量", "灯"] == "红灯"
    )


def test_incompatible_units_are_refused(tmp_path: Path) -> None:
    f = _table(tmp_path, [["P1", "项目", 100, 50, "培训人次", "≥600人次", "300人", None, None]])
    with pytest.raises(EvalError, match="单位") as err:
        monitor(f, 6)
    assert err.value.row == 2 and err.value.column == "实际完成值" and err.value.value == "300人"


def test_money_header_must_say_its_unit(tmp_path: Path) -> None:
    cols = ["项目名称", "全年预算数", "执行数（万元）", "三级指标", "年度指标值", "实际完成值"]
    f = _table(tmp_path, [["项目", 100, 50, "数量", "≥1个", "1个"]], cols)
    with pytest.raises(EvalError, match="没有写单位"):
        monitor(f, 6)


def test_demo_projects_to_correct() -> None:
    res = monitor(DEMO, 6)
    assert res.counts() == {"红灯": 3, "黄灯": 0, "绿灯": 3}
    fix = res.to_correct.set_index("项目编号")
    assert list(fix.index) == ["M002", "M003", "M005"]
    assert (
        "汛期停工两个月" in fix.loc["M002", "原因"] and "未说明偏差原因" in fix.loc["M003", "原因"]
    )
    assert "快于预算执行" in fix.loc["M005", "原因"]  # the §9 goal-ahead-of-money warning


def test_hundreds_of_projects(tmp_path: Path) -> None:
    rows = []
    for k in range(300):
        rows.append(
            [
                f"P{k:03d}",
                f"项目{k}",
                100 + k,
                (k % 50) + 20,
                "完成数量",
                "≥100个",
                f"{k % 100}个",
                None,
                None,
            ]
        )
        rows.append([None, None, None, None, "合格率", "≥95%", "96%", None, None])
    res = monitor(_table(tmp_path, rows), 6)
    assert len(res.projects) == 300 and len(res.indicators) == 600
    p = res.projects.set_index("项目编号").loc["P010"]
    assert p["预算执行率"] == pytest.approx(round(30 / 110 * 100, 2))


def test_cli_outputs_reproducible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for d in ("a", "b"):
        assert main(["monitor", str(DEMO), "--month", "6", "--out", str(tmp_path / d)]) == 0
    assert "红灯 3 个" in capsys.readouterr().out
    a = (tmp_path / "a" / "monitor.json").read_bytes()
    assert a == (tmp_path / "b" / "monitor.json").read_bytes()
    data = json.loads(a)
    assert data["time_progress"] == 50.0 and data["counts"]["红灯"] == 3


@pytest.mark.notebook
def test_monitoring_report_numbers_equal_the_library(tmp_path: Path) -> None:
    import subprocess

    from docx import Document

    assert main(["monitor", str(DEMO), "--month", "6", "--out", str(tmp_path), "--report"]) == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "绩效监控报告.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads((tmp_path / "monitor.json").read_text(encoding="utf-8"))
    for heading in (
        "一、监控概况",
        "二、预算执行情况",
        "三、绩效目标完成情况",
        "四、需要纠偏的项目及原因",
    ):
        assert heading in text
    for p in data["projects"]:
        assert f"{p['执行进度比']:g}" in text, p["项目编号"]
    c = data["counts"]
    assert f"红灯 {c['红灯']} 个，黄灯 {c['黄灯']} 个，绿灯 {c['绿灯']} 个" in text.replace(
        "\n", ""
    )
    doc = Document(str(tmp_path / "绩效监控报告.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "四、需要纠偏的项目及原因" in headings
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert {"M002", "M003", "M005"} <= cells


def test_a_stray_cell_is_not_a_project(tmp_path: Path) -> None:
    rows = [["P1", "项目", 100, 50, "完成数量", "≥10个", "5个", None, None],
            ["x", None, None, None, None, None, None, None, None]]  # fmt: skip
    with pytest.raises(EvalError, match="没有项目名称") as err:
        monitor(_table(tmp_path, rows), 6)
    assert err.value.row == 3 and err.value.value == "x"
