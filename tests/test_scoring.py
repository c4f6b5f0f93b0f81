"""evaluate(): totals, subtotals, result table, JSON determinism, Excel score sheet."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evallib import Evidence, evaluate, load_evidence, templates
from evallib.errors import EvidenceError
from evallib.indicators import system_from_dict

from .conftest import DEMO_EVIDENCE


@pytest.fixture(scope="module")
def demo():
    return evaluate(templates.load("key_project"), load_evidence(DEMO_EVIDENCE))


def test_demo_numbers(demo) -> None:
    """Hand-checked demo: 决策 12 + 过程 16.41 + 产出 33.76 + 效益 26.95 = 89.12 → 良.
    效益: 5 + 7.5 + 3 + 3.5 + 满意度 89.45/90·8 = 7.951 → 7.95 (rate from the survey data).
    过程: 资金到位率 93.75/100·4 = 3.75; 预算执行率 2745.6/3000 = 91.52% → 3.6608 → 3.66;
    合规性 4 − 1 = 3; 制度 4; 执行 4 − 2 = 2 → 16.41."""
    lv = demo.level_scores(1).set_index("name")["score"].to_dict()
    assert lv == {"决策": 12.0, "过程": 16.41, "产出": 33.76, "效益": 26.95}
    assert demo.total == 89.12 and demo.grade == "良"
    assert demo.facts["预算执行率"] == 91.52


def test_every_lost_point_has_a_reason(demo) -> None:
    lost = demo.indicators[demo.indicators["lost"] > 0]
    assert not lost.empty
    assert (lost["reason"].str.len() > 10).all()
    assert (demo.indicators.loc[demo.indicators["lost"] == 0, "reason"] == "").all()


def test_table_columns(demo) -> None:
    cols = set(demo.indicators.columns)
    assert {"code", "一级指标", "二级指标", "name", "points", "target", "actual", "rule",
            "score", "lost", "reason", "flags"} <= cols  # fmt: skip
    assert demo.indicators["score"].sum() == pytest.approx(demo.total)


def test_json_byte_identical() -> None:
    a = evaluate(templates.load("key_project"), load_evidence(DEMO_EVIDENCE)).to_json()
    b = evaluate(templates.load("key_project"), load_evidence(DEMO_EVIDENCE)).to_json()
    assert a == b
    assert '"profile": {' in a and '"name": "national"' in a  # the profile is recorded


def test_excel_score_sheet(demo) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(demo.to_excel_bytes()))
    ws = wb["评分表"]
    headers = [c.value for c in ws[2]]
    assert headers == ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值",
                       "得分", "扣分原因"]  # fmt: skip
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A3:A8" in merged  # 决策 spans its six 三级 rows
    last = ws.max_row
    assert ws.cell(last - 1, 1).value == "合计" and ws.cell(last - 1, 7).value == 89.12
    assert ws.cell(last, 1).value == "评价等级" and ws.cell(last, 7).value == "良"
    first = demo.to_excel_bytes()
    import time

    time.sleep(1.1)  # zip entries would carry a new timestamp
    assert demo.to_excel_bytes() == first


def test_missing_and_unknown_evidence_reported_together() -> None:
    ev = Evidence(indicators={"3.1.1": {"actual": "90%"}, "9.9.9": {"actual": "1"}})
    with pytest.raises(EvidenceError) as ei:
        evaluate(templates.load("key_project"), ev)
    msgs = [p.message for p in ei.value.problems]
    assert any("unknown indicator" in m for m in msgs)
    assert sum("missing evidence" in m for m in msgs) == 19  # 20 leaves, one given


def test_evidence_by_name() -> None:
    system = system_from_dict({"name": "s", "total": 10, "indicators": [
        {"name": "完成率", "points": 10, "target": "≥100%", "rule": "positive"}]})  # fmt: skip
    res = evaluate(system, Evidence(indicators={"完成率": {"actual": "80%"}}))
    assert res.total == 8.0


@given(st.lists(st.integers(0, 1000), min_size=2, max_size=12))
def test_total_is_sum_of_rounded_scores(raw: list[int]) -> None:
    """total = Σ rounded indicator scores, computed exactly (RULES.md §3)."""
    n = len(raw)
    w = 100 / n
    leaves = [{"code": str(i), "name": f"指标{i}", "points": w, "target": "≥1000",
               "rule": "positive"} for i in range(n)]  # fmt: skip
    system = system_from_dict({"name": "s", "total": 100, "indicators": leaves})
    res = evaluate(system, Evidence(indicators={str(i): {"actual": str(a)}
                                                for i, a in enumerate(raw)}))  # fmt: skip
    exact = sum(Decimal(repr(s)) for s in res.indicators["score"])
    assert Decimal(repr(res.total)) == exact
    assert all(round(s * 100) == pytest.approx(s * 100) for s in res.indicators["score"])
