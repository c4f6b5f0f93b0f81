"""Indicator systems: YAML and Excel reading, validation reported all at once, round trip."""

from __future__ import annotations

import pickle

import pytest

from evallib import evaluate, load_evidence, load_system, templates
from evallib.errors import EvalError, IndicatorSystemError, InputDataError, Problem
from evallib.indicators import system_from_dict

from .conftest import data_path


def test_excel_layout_read() -> None:
    s = load_system(data_path("system_merged.xlsx"))
    assert s.total == 100
    assert [n.name for n in s.indicators] == ["预算执行率", "产出指标", "效益指标", "满意度指标"]
    out = s.find("2")
    assert out.points == 50 and [c.name for c in out.children] == [
        "数量指标", "质量指标", "时效指标", "成本指标"]  # fmt: skip
    # blank repeated 二级 cell filled down: 危桥改造数量 sits under 数量指标
    assert [c.name for c in s.find("2.1").children] == ["新建村道里程", "危桥改造数量"]
    rules = {lf.name: lf.rule.name for lf in s.leaves()}
    assert rules == {
        "预算执行率": "budget_execution", "新建村道里程": "auto", "危桥改造数量": "auto",
        "验收合格率": "positive", "按期完工率": "auto", "每公里造价": "auto",
        "群众出行条件改善": "qualitative", "农产品运输成本降低": "qualitative",
        "管护机制建立": "yes_no", "沿线群众满意度": "from_survey",
    }  # fmt: skip


def test_gbk_csv_and_xlsx_evidence_agree() -> None:
    """Hand-computed: 9.25 + 14.08 (112.6/120·15 = 14.075 → half-up) + 10 + 9.90 (97/98·10)
    + 10 + 4.76 (80/84·5) + 13.5 + 3.5 + 10 + 9.84 (88.6/90·10) = 94.83 → 优."""
    s = load_system(data_path("system_merged.xlsx"))
    a = evaluate(s, load_evidence(data_path("evidence_gbk.csv")))
    b = evaluate(s, load_evidence(data_path("evidence.xlsx")))
    assert a.total == b.total == 94.83 and a.grade == "优"
    assert a.indicators["score"].tolist() == b.indicators["score"].tolist()


def test_yaml_round_trip(tmp_path) -> None:
    for name in templates.names():
        s = templates.load(name)
        p = tmp_path / f"{name}.yaml"
        p.write_text(s.to_yaml(), encoding="utf-8")
        back = load_system(p)
        assert back.to_dict() == s.to_dict()


def test_chinese_keys_accepted() -> None:
    s = system_from_dict({"名称": "中文键", "总分": 10, "指标": [
        {"名称": "完成率", "分值": 10, "年度指标值": "≥90%", "评分规则": "正向"}]})  # fmt: skip
    assert s.leaves()[0].rule.name == "positive"


def test_codes_generated() -> None:
    s = system_from_dict({"name": "x", "total": 10, "indicators": [
        {"name": "A", "points": 10, "children": [
            {"name": "a1", "points": 4, "rule": "manual"},
            {"name": "a2", "points": 6, "rule": "manual"}]}]})  # fmt: skip
    assert [lf.code for lf in s.leaves()] == ["1.1", "1.2"]


def test_all_problems_reported_together() -> None:
    data = {"name": "多处错误", "total": 100, "indicators": [
        {"code": "1", "name": "决策", "points": 20, "children": [
            {"code": "1.1", "name": "甲", "points": 5, "rule": "qualitative"},
            {"code": "1.1", "name": "乙", "points": 5, "rule": "nonexistent"}]},
        {"code": "2", "name": "产出", "points": 70, "children": [
            {"code": "2.1", "name": "丙", "points": 70, "target": "≤30天", "rule": "positive"}]},
        {"code": "3", "name": "效益", "points": 5}]}  # fmt: skip
    with pytest.raises(IndicatorSystemError) as ei:
        system_from_dict(data, source="体系.yaml")
    msgs = " | ".join(p.message for p in ei.value.problems)
    for fragment in ("points do not add up", "duplicate code", "unknown rule",
                     "operator/rule mismatch", "缺少评分规则", "total mismatch"):  # fmt: skip
        assert fragment in msgs
    assert len(ei.value.problems) >= 6
    assert all(p.file == "体系.yaml" for p in ei.value.problems)


def test_errors_pickle() -> None:
    err = IndicatorSystemError(problems=[Problem("坏", file="a.yaml", row=3, column="分值")])
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is IndicatorSystemError and str(back) == str(err)
    assert back.problems == err.problems and back.row == 3


def test_missing_template_lists_names() -> None:
    with pytest.raises(InputDataError, match="key_project"):
        load_system("key_projetc")


def test_template_api() -> None:
    assert set(templates.names()) == {"self_evaluation", "key_project", "department_overall",
                                      "ex_ante", "performance_goals"}  # fmt: skip
    with pytest.raises(EvalError, match="self_evaluation"):
        templates.load("nope")


@pytest.mark.parametrize("name", ["self_evaluation", "key_project", "department_overall",
                                  "ex_ante", "performance_goals"])  # fmt: skip
def test_templates_follow_rules_md(name: str) -> None:
    """RULES.md §7 structures."""
    s = templates.load(name)
    assert s.total == 100
    top = {n.name: n.points for n in s.indicators}
    second = {n.name: [c.name for c in n.children] for n in s.indicators}
    if name == "self_evaluation":
        assert top == {"预算执行率": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10}
        assert second["产出指标"] == ["数量指标", "质量指标", "时效指标", "成本指标"]
        assert second["效益指标"] == ["经济效益指标", "社会效益指标", "生态效益指标",
                                      "可持续影响指标"]  # fmt: skip
    elif name == "key_project":
        assert list(top) == ["决策", "过程", "产出", "效益"]
        assert top["产出"] + top["效益"] >= 60  # output and benefit ≥ 60% in principle
        leaves = {lf.name for lf in s.leaves()}
        assert {
            "立项依据充分性",
            "资金到位率",
            "预算执行率",
            "成本节约率",
            "服务对象满意度",
        } <= leaves
    elif name == "ex_ante":
        assert top == dict.fromkeys(["立项必要性", "投入经济性", "绩效目标合理性",
                                     "实施方案可行性", "筹资合规性"], 20)  # fmt: skip
        assert s.grading.scale == "ex_ante"
    elif name == "performance_goals":
        assert list(top) == ["成本指标", "产出指标", "效益指标", "满意度指标"]
        assert sum(len(v) for v in second.values()) == 10  # the 10 二级 categories
