"""Goal-sheet review (绩效目标审核, issue 14 part 1): readers for the published layouts, every
registered check found where planted and silent on clean sheets, the 审核意见, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evallib.cli import main
from evallib.errors import EvalError
from evallib.goals import CHECKS, Context, audit, read_goal_sheets
from evallib.goals.generate import (
    PLANTS,
    UNIT_COSTS,
    generate_sheets,
    write_forms,
    write_long_table,
)
from evallib.goals.model import GoalIndicator, GoalSheet


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("goals")
    sheets, truth = generate_sheets(48, seed=11)
    write_long_table(sheets, folder / "长表.xlsx")
    write_long_table(sheets, folder / "长表.csv")
    write_forms(sheets, folder / "申报表.xlsx")
    return folder, truth


def test_every_check_has_a_plant_and_a_source() -> None:
    assert set(PLANTS) == set(CHECKS)
    assert all(
        c.source and c.aspect in ("完整性", "相关性", "适当性", "可行性") for c in CHECKS.values()
    )


@pytest.mark.parametrize(
    ("name", "forms"), [("长表.xlsx", False), ("长表.csv", False), ("申报表.xlsx", True)]
)
def test_planted_problems_found_and_clean_sheets_pass(
    generated: tuple[Path, dict[str, str]], name: str, forms: bool
) -> None:
    folder, truth = generated
    sheets = read_goal_sheets(folder / name, forms=forms)
    assert len(sheets) == 48 and set(truth.values()) == set(CHECKS)
    res = audit(sheets, Context(unit_costs=UNIT_COSTS))
    for s in sheets:
        codes = set(res.findings.loc[res.findings["sheet_id"] == s.sheet_id, "check"])
        assert codes == ({truth[s.sheet_id]} if s.sheet_id in truth else set()), s.sheet_id
    returned = {sid for sid, kind in truth.items() if CHECKS[kind].severity == "return"}
    assert set(res.returned) == returned  # no clean sheet returned


def test_forms_read_the_annual_table_and_the_labels(generated: tuple[Path, dict[str, str]]) -> None:
    folder, _ = generated
    s = read_goal_sheets(folder / "申报表.xlsx", forms=True)[0]
    assert s.year == 2026 and s.project_type and s.budget_wan and s.overall_goal
    assert all("长期" not in i.name for i in s.indicators)  # the 长期 table is not the year's
    assert s.indicators[0].unit and s.indicators[0].row


# --------------------------------------------------------------------------- published shapes

# 财政部门印发的绩效目标申报表（参考模板）, 困难群众救助 example, values left as **
REFERENCE_TEMPLATE = [
    ["绩效目标申报表（参考模板）"],
    ["（20XX年度）"],
    ["项目名称", "困难群众救助项目"],
    ["主管部门", "某县民政局", "实施单位", "某县民政局"],
    ["资金情况（万元）", "年度资金总额：", 1500, "其中：财政拨款", 1500, "其他资金", 0],
    ["年度目标", "目标1：保障农村低保对象基本生活"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "★农村低保发放人数", "**人"],
    [None, None, "流浪乞讨人员救助人次", "≥**人次"],
    [None, "质量指标", "孤儿基本生活保障政策覆盖率", "≥**%"],
    ["效益指标", "社会效益指标", "政策知晓率", "≥**%"],
    ["满意度指标", "服务对象满意度指标", "受助对象满意度", "≥**%"],
]
# a township's filed 项目绩效目标表 (2021): 指标内容 holds numbers, not indicators
TOWNSHIP_FORM = [
    ["项目绩效目标表（2021年度）"],
    ["项目名称", "镇域内基础设施建设项目", "项目属性", "延续项目"],
    ["主管部门", "某镇"],
    ["资金总额及构成", "总额10606.7522万元"],
    ["年度目标", "全面完成集镇立面改造、机关、学校、乡村振兴等项目"],
    ["长期绩效指标"],
    ["一级指标", "二级指标", "指标内容", "指标值", "备注"],
    ["产出指标", "数量指标", "88", "100"],
    ["年度绩效指标"],
    ["一级指标", "二级指标", "指标内容", "指标值", "备注"],
    ["产出指标", "数量指标", "88", "100"],
    [None, "质量指标", "88", "100"],
    [None, "时效指标", "88", "100"],
    [None, "成本指标", "88", "100"],
    ["效益指标", "经济效益指标", "88", "100"],
    [None, "社会效益指标", "68", "100"],
    [None, "社会公众或服务对象满意度指标", "88", "100"],
]


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_published_reference_template_is_all_placeholders(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "参考模板.xlsx", {"困难群众救助": REFERENCE_TEMPLATE})
    (s,) = read_goal_sheets(path, forms=True)
    assert s.project == "困难群众救助项目" and s.budget_wan == 1500
    assert [i.level2 for i in s.indicators][:2] == ["数量指标", "数量指标"]  # filled down
    res = audit([s])
    checks = res.findings["check"].tolist()
    assert checks.count("placeholder") == 5  # every ** value
    assert "output_class_missing" in checks  # no 时效 indicator in the example
    assert res.returned == [s.sheet_id]


def test_published_township_form_with_numbers_as_indicators(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "镇.xlsx", {"基础设施": TOWNSHIP_FORM})
    (s,) = read_goal_sheets(path, forms=True)
    assert s.year == 2021 and s.budget_wan == pytest.approx(10606.7522)
    assert len(s.indicators) == 7  # the 年度 table, not the 长期 one
    res = audit([s])
    placeholder = res.findings[res.findings["check"] == "placeholder"]
    assert len(placeholder) == 7
    assert (
        "满意度" in s.indicators[-1].level2
        and "satisfaction_missing" not in res.findings["check"].tolist()
    )


# --------------------------------------------------------------------------- single checks


def _sheet(*inds: GoalIndicator, ptype: str = "培训", goal: str | None = "完成培训") -> GoalSheet:
    return GoalSheet(
        "S1",
        "测试项目",
        project_type=ptype,
        budget_wan=100.0,
        overall_goal=goal,
        year=2026,
        indicators=list(inds),
    )


BASE = [
    GoalIndicator("产出指标", "数量指标", "培训人次", "≥600人次", row=1),
    GoalIndicator("产出指标", "质量指标", "培训合格率", "≥95%", row=2),
    GoalIndicator("产出指标", "时效指标", "按期完成率", "100%", row=3),
    GoalIndicator("效益指标", "社会效益指标", "能力提升情况", "明显提升", row=4),
    GoalIndicator("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", row=5),
]


def _codes(sheet: GoalSheet, ctx: Context | None = None) -> dict[str, str]:
    f = audit([sheet], ctx).findings
    return dict(zip(f["check"], f["severity"], strict=True))


def test_vague_wording_is_advice_where_no_number_is_expected() -> None:
    assert _codes(_sheet(*BASE)) == {"vague_wording": "advise"}
    rate = GoalIndicator("效益指标", "社会效益指标", "能力提升率", "明显提升", row=4)
    assert _codes(_sheet(*BASE[:3], rate, BASE[4])) == {"vague_wording": "return"}


@pytest.mark.parametrize(
    ("name", "value", "bad"),
    [
        ("培训合格率", "≥95‰", False),
        ("培训合格率", "≥95人次", True),
        ("改造面积", "≥3000亩", False),
        ("改造面积", "≥3公里", True),
        ("建设工期", "≤180天", False),
        ("建设工期", "≤180万元", True),
    ],
)
def test_unit_consistency(name: str, value: str, bad: bool) -> None:
    ind = GoalIndicator("产出指标", "质量指标", name, value, row=2)
    codes = _codes(_sheet(BASE[0], ind, *BASE[2:]))
    assert ("unit_inconsistent" in codes) is bad


def test_below_last_year_in_both_directions_and_with_a_reason() -> None:
    low = GoalIndicator("产出指标", "质量指标", "培训合格率", "≥95%", last_actual="97", row=2)
    assert _codes(_sheet(BASE[0], low, *BASE[2:]))["below_last_year"] == "return"
    low.basis = "今年培训对象改为新入职教师，合格率按行业标准设定"
    assert _codes(_sheet(BASE[0], low, *BASE[2:]))["below_last_year"] == "advise"
    cost = GoalIndicator(
        "成本指标",
        "经济成本指标",
        "人均培训成本",
        "≤1500元/人·天",
        last_actual="1200元/人·天",
        row=6,
    )
    assert "below_last_year" in _codes(_sheet(*BASE, cost))
    cost.value = "≤1100元/人·天"
    assert "below_last_year" not in _codes(_sheet(*BASE, cost))


def test_cost_indicator_required_by_project_type() -> None:
    assert "cost_missing" in _codes(_sheet(*BASE, ptype="维修改造"))
    assert "cost_missing" not in _codes(_sheet(*BASE, ptype="培训"))


def test_money_column_without_unit_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "表.csv"
    f.write_text("项目名称,资金总额,三级指标,指标值\n甲,100,培训人次,≥600人次\n", encoding="utf-8")
    with pytest.raises(EvalError, match="没有写单位") as err:
        read_goal_sheets(f)
    assert err.value.column == "资金总额" and "万元" in (err.value.fix or "")


def test_history_from_the_results_store(tmp_path: Path) -> None:
    from evallib.library import Library, ResultRow, RunRecord
    from evallib.library.store import record

    lib = Library.open(tmp_path / "lib.sqlite", seed=False)
    record(
        lib,
        RunRecord(
            kind="report",
            project="测试项目",
            year=2025,
            sha256="b" * 64,
            rows=[
                ResultRow(name="培训合格率", actual="98%"),
                ResultRow(name="培训人次", actual="700人"),
            ],
        ),
    )
    from evallib.cli_goals import _history

    ctx = Context(last_actual=_history(str(tmp_path / "lib.sqlite")))
    codes = audit([_sheet(*BASE)], ctx).findings
    flagged = codes[codes["check"] == "below_last_year"]["indicator"].tolist()
    assert flagged == ["培训合格率"]  # 人 ≠ 人次: units differ, not compared


# --------------------------------------------------------------------------- CLI and outputs


def test_cli_goals_outputs_are_reproducible(
    generated: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, truth = generated
    costs = tmp_path / "单位成本.yaml"
    costs.write_text(
        "".join(f"{u}: [{a}, {b}]\n" for u, (a, b) in UNIT_COSTS.items()), encoding="utf-8"
    )
    args = ["goals", str(folder / "长表.xlsx"), "--unit-costs", str(costs), "--out"]
    assert main([*args, str(tmp_path / "a")]) == 0
    assert "退回修改" in capsys.readouterr().out
    assert main([*args, str(tmp_path / "b")]) == 0
    a, b = (
        (tmp_path / "a" / "goals.json").read_bytes(),
        (tmp_path / "b" / "goals.json").read_bytes(),
    )
    assert a == b
    data = json.loads(a)
    assert set(data["returned"]) == {k for k, v in truth.items() if CHECKS[v].severity == "return"}
    sid = next(k for k, v in truth.items() if v == "vague_wording")
    assert "修改建议" in data["opinions"][sid] and "依据" in data["opinions"][sid]
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "a" / "绩效目标审核.xlsx")
    assert wb.sheetnames == ["汇总", "审核意见", "问题清单", "按检查统计"]
    assert wb["汇总"]["A1"].value == "项目编号"


def test_cli_goals_records_and_refuses_bad_cost_file(
    tmp_path: Path, generated: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = generated
    db = str(tmp_path / "r.sqlite")
    assert main(["goals", str(folder / "长表.csv"), "--record", "--db", db]) == 0
    assert "新记录 48 份" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("公里: [800, 50]\n", encoding="utf-8")
    assert main(["goals", str(folder / "长表.csv"), "--unit-costs", str(bad)]) == 2
    assert "单位成本区间有误" in capsys.readouterr().err


@pytest.mark.notebook
def test_goals_notebook_runs(tmp_path: Path) -> None:
    from .conftest import run_notebook

    joined, images = run_notebook("goals.ipynb", tmp_path / "goals.out.ipynb", {})
    assert "退回修改" in joined and "修改建议" in joined
    assert "共审核申报表 40 份" in joined
    assert images == 1


def test_yaml_demo_sheets() -> None:
    from .conftest import ROOT

    sheets = read_goal_sheets(ROOT / "survey_data/goals/申报表示例.yaml")
    res = audit(sheets)
    assert [s.sheet_id for s in sheets] == ["Y001", "Y002"] and res.returned == ["Y002"]
    y2 = set(res.findings.loc[res.findings["sheet_id"] == "Y002", "check"])
    assert {"vague_wording", "output_class_missing", "satisfaction_missing"} <= y2
    assert res.findings[res.findings["sheet_id"] == "Y001"].empty
