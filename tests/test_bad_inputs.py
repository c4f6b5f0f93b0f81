"""Malformed systems and evidence through the real CLI: each must exit 2 with the right
EvalError subclass, a message naming the file and the place (row, column, indicator or field),
no traceback, and no output files left behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from openpyxl import Workbook

from evallib.cli import main

from .samples import EVIDENCE, SYSTEM

XL_HEADER = ["一级指标", "二级指标", "三级指标", "分值", "年度指标值"]
XL_ROWS = [["产出", "数量", "完成率", 60, "≥95%"], ["效益", "社会效益", "群众满意", 40, "有效"]]


def _xlsx(rows: list[list], header: list[str] | None = None, sheet: str = "Sheet1") -> bytes:
    import io

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if header:
        ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sys(old: str, new: str) -> bytes:
    assert old in SYSTEM
    return SYSTEM.replace(old, new).encode()


def _ev(old: str, new: str) -> bytes:
    assert old in EVIDENCE
    return EVIDENCE.replace(old, new).encode()


@dataclass
class Case:
    id: str
    error: str
    must: list[str]
    system: bytes | None = None
    system_name: str = "体系.yaml"
    evidence: bytes | None = None
    evidence_name: str = "证据.yaml"
    extra_args: list[str] = field(default_factory=list)


CASES = [
    # ---------------------------------------------------------------- systems (YAML)
    Case(
        "children-sum",
        "IndicatorSystemError",
        ["体系.yaml", "points do not add up", "指标 1「产出」"],
        system=_sys('points: 30, target: "≥95%"', 'points: 25, target: "≥95%"'),
    ),
    Case(
        "total-mismatch",
        "IndicatorSystemError",
        ["体系.yaml", "total mismatch", "total"],
        system=_sys("total: 100", "total: 90"),
    ),
    Case(
        "duplicate-code",
        "IndicatorSystemError",
        ["体系.yaml", "duplicate code", "'1.1'"],
        system=_sys('code: "1.2"', 'code: "1.1"'),
    ),
    Case(
        "unknown-rule",
        "IndicatorSystemError",
        ["体系.yaml", "unknown rule", "positiv", "可选"],
        system=_sys(
            'rule: positive}\n      - {code: "1.2"', 'rule: positiv}\n      - {code: "1.2"'
        ),
    ),
    Case(
        "leaf-without-rule",
        "IndicatorSystemError",
        ["体系.yaml", "缺少评分规则", "社会效益"],
        system=_sys(", rule: qualitative}", "}"),
    ),
    Case(
        "negative-points",
        "IndicatorSystemError",
        ["体系.yaml", "「效益」 → points", "-40"],
        system=_sys("points: 40\n", "points: -40\n"),
    ),
    Case(
        "text-points",
        "IndicatorSystemError",
        ["体系.yaml", "points", "四十"],
        system=_sys("points: 40\n", "points: 四十\n"),
    ),
    Case(
        "operator-mismatch",
        "IndicatorSystemError",
        ["体系.yaml", "operator/rule mismatch", "≤30天"],
        system=_sys('target: "≥95%"', 'target: "≤30天"'),
    ),
    Case(
        "bad-target",
        "IndicatorSystemError",
        ["体系.yaml", "target", "≥较好"],
        system=_sys('target: "≥95%"', 'target: "≥较好"'),
    ),
    Case(
        "criteria-sum",
        "IndicatorSystemError",
        ["体系.yaml", "criteria", "不等于指标分值"],
        system=_sys(
            "rule: qualitative}", "rule: {type: criteria, criteria: [{text: a, points: 10}]}}"
        ),
    ),
    Case(
        "bad-rule-param",
        "IndicatorSystemError",
        ["体系.yaml", "per_finding", "社会效益"],
        system=_sys("rule: qualitative}", "rule: {type: deduction, per_finding: -1}}"),
    ),
    Case(
        "unknown-rule-param",
        "IndicatorSystemError",
        ["体系.yaml", "per_findng", "社会效益"],
        system=_sys("rule: qualitative}", "rule: {type: deduction, per_findng: 1}}"),
    ),
    Case(
        "overlapping-bands",
        "IndicatorSystemError",
        ["体系.yaml", "overlapping bands", "完成率"],
        system=_sys(
            'rule: positive}\n      - {code: "1.2"',
            "rule: {type: banded, bands: "
            '[{low: 0, high: 96, points: 10}, {low: 90, points: 30}]}}\n      - {code: "1.2"',
        ),
    ),
    Case("empty-system", "InputDataError", ["体系.yaml", "empty file"], system=b"  \n"),
    Case(
        "yaml-syntax",
        "InputDataError",
        ["体系.yaml", "syntax error", "第 "],
        system=_sys("name: 产出\n", "name: [产出\n"),
    ),
    Case("system-is-list", "IndicatorSystemError", ["体系.yaml", "mapping"], system=b"- a\n- b\n"),
    Case(
        "typo-field",
        "IndicatorSystemError",
        ["体系.yaml", "pionts", "「产出」"],
        system=_sys("    points: 60", "    pionts: 60"),
    ),
    Case(
        "cap-unknown-grade",
        "IndicatorSystemError",
        ["体系.yaml", "grading", "较好"],
        system=_sys(
            "total: 100\n",
            "total: 100\ngrading:\n  caps:\n    - {when: {fact: x}, max_grade: 较好}\n",
        ),
    ),
    Case(
        "unknown-scale",
        "IndicatorSystemError",
        ["体系.yaml", "nationl", "national"],
        system=_sys("total: 100\n", "total: 100\ngrading: {scale: nationl}\n"),
    ),
    Case(
        "rule-on-parent",
        "IndicatorSystemError",
        ["体系.yaml", "rule on a parent", "产出"],
        system=_sys("    points: 60\n", "    points: 60\n    rule: manual\n"),
    ),
    Case(
        "missing-system-file",
        "InputDataError",
        ["不存在.yaml", "not found"],
        system_name="不存在.yaml",
    ),
    # ---------------------------------------------------------------- systems (Excel)
    Case(
        "wrong-sheet",
        "InputDataError",
        ["体系.xlsx", "指标表", "已有工作表：Sheet1"],
        system=_xlsx(XL_ROWS, XL_HEADER),
        system_name="体系.xlsx",
        extra_args=["--system-sheet", "指标表"],
    ),
    Case(
        "missing-points-column",
        "InputDataError",
        ["体系.xlsx", "分值", "第 1 行"],
        system=_xlsx([r[:3] for r in XL_ROWS], XL_HEADER[:3]),
        system_name="体系.xlsx",
    ),
    Case(
        "text-in-points-cell",
        "IndicatorSystemError",
        ["体系.xlsx", "Sheet1", "第 3 行", "分值", "四十"],
        system=_xlsx([XL_ROWS[0], [*XL_ROWS[1][:3], "四十", "有效"]], XL_HEADER),
        system_name="体系.xlsx",
    ),
    Case(
        "no-header",
        "InputDataError",
        ["体系.xlsx", "header", "一级指标"],
        system=_xlsx([["名称", "金额"], ["a", 1]]),
        system_name="体系.xlsx",
    ),
    Case(
        "old-xls",
        "InputDataError",
        ["体系.xls", ".xls"],
        system=b"\xd0\xcf\x11\xe0junk",
        system_name="体系.xls",
    ),
    Case(
        "corrupt-xlsx",
        "InputDataError",
        ["体系.xlsx", "Excel"],
        system=b"not a zip file at all",
        system_name="体系.xlsx",
    ),
    Case(
        "duplicate-xl-row",
        "IndicatorSystemError",
        ["体系.xlsx", "第 3 行", "duplicate indicator"],
        system=_xlsx([XL_ROWS[0], XL_ROWS[0], XL_ROWS[1]], XL_HEADER),
        system_name="体系.xlsx",
    ),
    Case(
        "xl-declared-total",
        "IndicatorSystemError",
        ["体系.xlsx", "total mismatch", "90"],
        system=_xlsx([*XL_ROWS, ["合计", None, None, 90, None]], XL_HEADER),
        system_name="体系.xlsx",
    ),
    # ---------------------------------------------------------------- evidence
    Case(
        "unknown-indicator",
        "EvidenceError",
        ["证据.yaml", "unknown indicator", "'9.9'"],
        evidence=EVIDENCE.encode() + b'  "9.9": {actual: "1"}\n',
    ),
    Case(
        "missing-evidence",
        "EvidenceError",
        ["证据.yaml", "missing evidence", "服务人次"],
        evidence=_ev('  "1.2": {actual: "800人次"}\n', ""),
    ),
    Case(
        "unit-mismatch",
        "EvidenceError",
        ["证据.yaml", "unit mismatch", "服务人次", "800人"],
        evidence=_ev('"800人次"', '"800人"'),
    ),
    Case(
        "text-for-number",
        "EvidenceError",
        ["证据.yaml", "完成率", "很好", "数值"],
        evidence=_ev('"96%"', "很好"),
    ),
    Case(
        "score-outside-tier",
        "EvidenceError",
        ["证据.yaml", "社会效益", "score outside tier"],
        evidence=_ev("{actual: 达成年度指标}", "{actual: 达成年度指标, score: 30}"),
    ),
    Case(
        "evidence-bad-type",
        "EvidenceError",
        ["证据.yaml", "indicators.1.1.actual"],
        evidence=_ev('{actual: "96%"}', "{actual: [1, 2]}"),
    ),
    Case(
        "evidence-unknown-field",
        "EvidenceError",
        ["证据.yaml", "acutal"],
        evidence=_ev('{actual: "96%"}', '{acutal: "96%"}'),
    ),
    Case(
        "gbk-csv-bad-cell",
        "EvidenceError",
        ["证据.csv", "第 4 行", "得分", "九分"],
        evidence="指标编码,实际完成值,得分\n1.1,96%,\n1.2,800人次,\n2.1,达成年度指标,九分\n".encode(
            "gbk"
        ),
        evidence_name="证据.csv",
    ),
    Case(
        "undecodable-csv",
        "InputDataError",
        ["证据.csv", "encoding"],
        evidence=bytes(range(128, 256)) * 4,
        evidence_name="证据.csv",
    ),
    Case(
        "empty-csv",
        "InputDataError",
        ["证据.csv", "empty file"],
        evidence=b"",
        evidence_name="证据.csv",
    ),
    Case(
        "header-only-csv",
        "InputDataError",
        ["证据.csv", "header only"],
        evidence="指标编码,实际完成值\n".encode(),
        evidence_name="证据.csv",
    ),
    Case(
        "csv-missing-key-columns",
        "InputDataError",
        ["证据.csv", "header", "指标编码"],
        evidence="项目,金额\na,1\n".encode(),
        evidence_name="证据.csv",
    ),
    Case(
        "duplicate-evidence-row",
        "EvidenceError",
        ["证据.csv", "第 3 行", "duplicate indicator"],
        evidence="指标编码,实际完成值\n1.1,96%\n1.1,97%\n".encode(),
        evidence_name="证据.csv",
    ),
    Case(
        "evidence-wrong-sheet",
        "InputDataError",
        ["证据.xlsx", "证据表", "已有工作表"],
        evidence=_xlsx([["1.1", "96%"]], ["指标编码", "实际完成值"]),
        evidence_name="证据.xlsx",
        extra_args=["--evidence-sheet", "证据表"],
    ),
    Case(
        "bad-met-text",
        "EvidenceError",
        ["证据.csv", "第 2 行", "met", "可能"],
        evidence="指标编码,评价要点符合情况\n1.1,可能\n".encode(),
        evidence_name="证据.csv",
    ),
    Case(
        "bad-profile",
        "ConfigError",
        ["profile", "nationa", "platform"],
        extra_args=["--profile", "nationa"],
    ),
]


def test_enough_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sys_path = tmp_path / case.system_name
    ev_path = tmp_path / case.evidence_name
    if case.id != "missing-system-file":
        sys_path.write_bytes(case.system if case.system is not None else SYSTEM.encode())
    ev_path.write_bytes(case.evidence if case.evidence is not None else EVIDENCE.encode())
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    out = tmp_path / "out"
    rc = main(["score", str(sys_path), str(ev_path), "--out", str(out), *case.extra_args])
    err = capsys.readouterr().err
    assert rc == 2, err
    import evallib.errors as errors

    assert err.startswith(f"错误（{getattr(errors, case.error).label_zh}）"), err
    for fragment in case.must:
        assert fragment in err, f"{fragment!r} not in: {err}"
    assert "Traceback" not in err
    assert not out.exists() or not any(out.iterdir()), "no output may be left behind"
    assert {p: p.read_bytes() for p in before} == before, "inputs must not be modified"


def test_good_input_writes_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "s.yaml").write_text(SYSTEM, encoding="utf-8")
    (tmp_path / "e.yaml").write_text(EVIDENCE, encoding="utf-8")
    rc = main(
        ["score", str(tmp_path / "s.yaml"), str(tmp_path / "e.yaml"), "--out", str(tmp_path / "o")]
    )
    assert rc == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["result.json", "评分表.xlsx"]
    assert "总分：100.00" in capsys.readouterr().out
