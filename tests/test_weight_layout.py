"""Evaluation tables in the weight-in-percent layout (一级 权重 %, children scored out of their
own 分值, usually 100): points = weight × 分值 / 下级合计, in YAML and Excel, through
`evallib score`."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

from evallib import Evidence, evaluate
from evallib.cli import main
from evallib.errors import IndicatorSystemError
from evallib.indicators import load_system, system_from_dict

SYSTEM = {"name": "评价表", "total": 100, "indicators": [
    {"name": "决策", "weight": "20%", "children": [
        {"name": "立项依据", "points": 50, "rule": "manual"},
        {"name": "绩效目标", "points": 50, "rule": "manual"}]},
    {"name": "过程", "weight": "30%", "children": [
        {"name": "资金到位率", "points": 100, "target": "≥100%", "rule": "positive"}]},
    {"name": "产出与效益", "权重": "50%", "children": [
        {"name": "完成率", "points": 60, "target": "≥95%", "rule": "positive"},
        {"name": "满意度", "points": 40, "target": "≥90%", "rule": "positive"}]}]}  # fmt: skip
EVIDENCE = {"1.1": {"score": 40, "reason": "依据不充分"},
            "1.2": {"score": 50, "reason": "完整"},
            "2.1": {"actual": "90%"}, "3.1": {"actual": "95%"},
            "3.2": {"actual": "81%"}}  # fmt: skip
# by hand: 1.1 40/50 of 20 % of 100 → 0.2 × 40 = 8; 1.2 10; 2.1 90/100 × 30 = 27;
# 3.1 30; 3.2 81/90 × 20 = 18 → 93
EXPECTED = {"1.1": 8.0, "1.2": 10.0, "2.1": 27.0, "3.1": 30.0, "3.2": 18.0}


def test_yaml_weights_convert_points_and_scores() -> None:
    s = system_from_dict(SYSTEM)
    assert [n.points for n in s.indicators] == [20.0, 30.0, 50.0]
    res = evaluate(s, Evidence(indicators=EVIDENCE))
    assert dict(zip(res.indicators["code"], res.indicators["score"], strict=True)) == EXPECTED
    assert res.total == 93.0


def test_round_trip_keeps_the_layout() -> None:
    s = system_from_dict(SYSTEM)
    back = system_from_dict(yaml.safe_load(s.to_yaml()))
    res = evaluate(back, Evidence(indicators=EVIDENCE))
    assert res.total == 93.0


def test_excel_weight_in_name(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级指标", "三级指标", "分值", "年度指标值", "评分方法"])
    ws.append(["决策（20%）", "立项依据", 50, None, "manual"])
    ws.append([None, "绩效目标", 50, None, "manual"])
    ws.append(["过程（权重30%）", "资金到位率", 100, "≥100%", "positive"])
    ws.append(["产出与效益（50％）", "完成率", 60, "≥95%", "positive"])
    ws.append([None, "满意度", 40, "≥90%", "positive"])
    p = tmp_path / "评价表.xlsx"
    wb.save(p)
    s = load_system(p)
    res = evaluate(s, Evidence(indicators=EVIDENCE))
    assert dict(zip(res.indicators["code"], res.indicators["score"], strict=True)) == EXPECTED


def test_score_command_accepts_the_layout(tmp_path: Path, capsys) -> None:
    (tmp_path / "体系.yaml").write_text(yaml.safe_dump(SYSTEM, allow_unicode=True), "utf-8")
    (tmp_path / "证据.yaml").write_text(yaml.safe_dump({"indicators": EVIDENCE},
                                                      allow_unicode=True), "utf-8")  # fmt: skip
    rc = main(["score", str(tmp_path / "体系.yaml"), str(tmp_path / "证据.yaml")])
    assert rc == 0
    assert "93" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [0.2, "20", "-5%", "150%"])
def test_bad_weights_refused(bad: object) -> None:
    d = {"name": "x", "indicators": [{"name": "a", "weight": bad, "children": [
        {"name": "b", "points": 1, "rule": "manual"}]}]}  # fmt: skip
    with pytest.raises(IndicatorSystemError, match=r"权重|weight"):
        system_from_dict(d)
