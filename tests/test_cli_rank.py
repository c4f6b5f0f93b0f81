"""``evallib rank`` and ``evallib weights entropy|critic|delphi|ahp --inconsistent``: Chinese
output, workbooks with numbers stored as numbers, byte-identical JSON, located refusals."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evallib.cli import main
from evallib.comprehensive import grey_relational, rank_sum_ratio, topsis
from evallib.weighting import entropy, read_workbook, weigh_workbook

ROOT = Path(__file__).resolve().parents[1]
EXPERTS = ROOT / "survey_data" / "weights" / "专家判断矩阵_示例.xlsx"

DATA = pd.DataFrame(
    {
        "地区": ["甲县", "乙县", "丙县", "丁县", "戊县"],
        "产值": [120, 95, 150, 110, 130],
        "能耗": [3.2, 2.1, 4.5, 2.9, 3.6],
        "满意度": [88, 91, 80, 85, 87],
    }
)


@pytest.fixture
def data_csv(tmp_path: Path) -> Path:
    p = tmp_path / "地区数据.csv"
    DATA.to_csv(p, index=False, encoding="utf-8-sig")
    return p


def test_rank_all_methods(
    data_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    rc = main(["rank", str(data_csv), "--cost", "能耗", "--weights", "entropy", "--out", str(out)])
    text = capsys.readouterr().out
    assert rc == 0 and "相对贴近度" in text and "灰色关联度" in text and "分档" in text
    m = DATA.set_index("地区")
    dirs = {"能耗": "cost"}
    w = entropy(m, ["benefit", "cost", "benefit"])
    payload = json.loads((out / "comprehensive.json").read_text(encoding="utf-8"))
    t = topsis(m, w, dirs)
    for name, row in t.table.iterrows():
        got = payload["topsis"]["alternatives"][name]
        assert got["closeness"] == pytest.approx(row["closeness"], abs=1e-6)
        assert got["rank"] == row["rank"]
    g = grey_relational(m, w, dirs).table
    assert payload["grey"]["grades"]["甲县"]["grade"] == pytest.approx(
        g.loc["甲县", "grade"], abs=1e-6
    )
    r = rank_sum_ratio(m, w, dirs).table
    assert payload["rsr"]["alternatives"]["丙县"]["rank"] == r.loc["丙县", "rank"]
    assert payload["provenance"]["inputs"]["地区数据.csv"]
    wb = openpyxl.load_workbook(out / "综合评价结果.xlsx")
    assert {"权重", "TOPSIS", "灰色关联", "秩和比"} <= set(wb.sheetnames)
    ws = wb["TOPSIS"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["评价对象", "正理想解距离 D+"]
    assert isinstance(ws.cell(2, 4).value, float)  # numbers stored as numbers


def test_rank_output_byte_identical(data_csv: Path, tmp_path: Path) -> None:
    blobs = []
    for k in range(2):
        out = tmp_path / f"o{k}"
        assert (
            main(["rank", str(data_csv), "--cost", "能耗", "--method", "topsis", "--out", str(out)])
            == 0
        )
        blobs.append((out / "comprehensive.json").read_bytes())
    assert blobs[0] == blobs[1]


def test_rank_refusals(data_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", str(data_csv), "--cost", "电耗"]) == 2
    assert "电耗" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("地区,产值\n甲,1\n乙,缺\n丙,3\n", encoding="utf-8")
    assert main(["rank", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "第 3 行" in err and "产值" in err and "Traceback" not in err
    assert main(["rank", str(data_csv), "--weights", "产值=0.5,能耗=0.2,满意度=0.2"]) == 2
    assert "权重之和应为 1" in capsys.readouterr().err
    formula = tmp_path / "formula.csv"
    formula.write_text("地区,产值,能耗\n=cmd|' /C calc'!A0,1,2\n乙,2,3\n丙,3,1\n", encoding="utf-8")
    out = tmp_path / "fo"
    assert main(["rank", str(formula), "--method", "topsis", "--out", str(out)]) == 0
    ws = openpyxl.load_workbook(out / "综合评价结果.xlsx")["TOPSIS"]
    cells = [ws.cell(r, 1) for r in range(2, 5)]
    assert "=cmd|' /C calc'!A0" in [c.value for c in cells]  # kept as the user's text ...
    assert all(c.data_type == "s" for c in cells)  # ... stored inert, never a formula


def test_rank_fuzzy_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "隶属度.csv"
    p.write_text(
        "因素,权重,很满意,满意,一般,不满意\n道路质量,0.4,0.5,0.3,0.15,0.05\n"
        "通行便利,0.35,0.4,0.4,0.1,0.1\n养护服务,0.25,0.2,0.5,0.2,0.1\n",
        encoding="utf-8",
    )
    assert main(["rank", str(p), "--method", "fuzzy", "--scores", "95,80,65,50"]) == 0
    text = capsys.readouterr().out
    assert "最大隶属度评语" in text and "很满意" in text
    p.write_text("因素,权重,很满意,满意\n甲,0.5,0.5,0.6\n乙,0.5,0.5,0.5\n", encoding="utf-8")
    assert main(["rank", str(p), "--method", "fuzzy"]) == 2
    assert "行之和应为 1" in capsys.readouterr().err


def test_weights_entropy_critic(
    data_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "w"
    assert main(["weights", "entropy", str(data_csv), "--cost", "能耗", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "熵权法" in text and "信息熵 e" in text
    payload = json.loads((out / "weights.json").read_text(encoding="utf-8"))
    w = entropy(DATA.set_index("地区"), ["benefit", "cost", "benefit"])
    assert payload["table"]["能耗"]["weight"] == pytest.approx(w["能耗"], abs=1e-6)
    assert main(["weights", "critic", str(data_csv), "--cost", "能耗"]) == 0
    assert "冲突性" in capsys.readouterr().out


def test_weights_delphi(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        (r, f"专家{e}", ind, v)
        for r in (1, 2)
        for e in range(1, 6)
        for ind, v in (
            ("预算执行率", 5 if e % 2 else 4),
            ("群众满意度", 4),
            ("宣传次数", 2 + e % 3),
        )
    ]
    p = tmp_path / "德尔菲.csv"
    pd.DataFrame(rows, columns=["轮次", "专家", "指标", "评分"]).to_csv(p, index=False)
    out = tmp_path / "d"
    assert main(["weights", "delphi", str(p), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Kendall W" in text and "未通过" in text and "权重（均值归一化）" in text
    assert "末轮未通过的指标不计权重：宣传次数" in text  # mean 3.2 < 3.5
    payload = json.loads((out / "weights.json").read_text(encoding="utf-8"))
    assert sum(payload["weights"].values()) == pytest.approx(1.0, abs=1e-5)
    assert set(payload["weights"]) == {"预算执行率", "群众满意度"}
    assert payload["weights"]["群众满意度"] == pytest.approx(4 / (4.6 + 4), abs=1e-5)


def test_weights_delphi_wide_workbook_one_sheet_per_round(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "第1轮"
    ws.append(["指标", "专家A", "专家B", "专家C", "专家D"])
    for row in (["预算执行率", 5, 4, 5, 5], ["群众满意度", 4, 4, 5, 3], ["宣传次数", 2, 3, 4, 2]):
        ws.append(row)
    ws2 = wb.create_sheet("第二轮")
    ws2.append(["指标", "专家A", "专家B", "专家C", "专家D"])
    for row in (
        ["预算执行率", 5, 5, 5, 5],
        ["群众满意度", 4, 4, 4, None],
        ["宣传次数", 4, 4, 4, 4],
    ):
        ws2.append(row)
    wb.create_sheet("说明").append(["本表用于德尔菲法专家咨询"])
    p = tmp_path / "德尔菲.xlsx"
    wb.save(p)
    out = tmp_path / "d"
    assert main(["weights", "delphi", str(p), "--out", str(out)]) == 0
    payload = json.loads((out / "weights.json").read_text(encoding="utf-8"))
    rounds = {(r["round"], r["indicator"]): r for r in payload["table"]}
    assert rounds[(1, "宣传次数")]["mean"] == pytest.approx(2.75)
    assert rounds[(2, "群众满意度")]["n"] == 3  # the blank rating is left out
    assert payload["weights"] == pytest.approx(
        {"预算执行率": 5 / 13, "群众满意度": 4 / 13, "宣传次数": 4 / 13}, abs=1e-5
    )


@pytest.mark.parametrize("rule", ["keep", "exclude", "repair"])
def test_ahp_inconsistent_rule(
    rule: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / rule
    assert main(["weights", "ahp", str(EXPERTS), "--inconsistent", rule, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    res = weigh_workbook(read_workbook(EXPERTS), inconsistent=rule)
    bad = res.inconsistent()
    assert bad, "the sample workbook holds inconsistent experts"
    assert f"inconsistent={rule}" in text
    table = res.consistency_table()
    assert {"λmax", "CI", "RI（saaty1980）", "CR", "是否纳入集结"} <= set(table.columns)
    row = table[(table["专家"] == bad[0][1]) & (table["判断矩阵"] == bad[0][0])].iloc[0]
    assert row["CI"] == pytest.approx((row["λmax"] - row["阶数 n"]) / (row["阶数 n"] - 1))
    assert row["CR"] == pytest.approx(row["CI"] / row["RI（saaty1980）"])
    assert row["是否纳入集结"] == ("是" if rule == "keep" else "否")
    pooled = table[table["专家"] == "集结"]
    assert len(pooled) == len(res.judgements.blocks)
    sheets = openpyxl.load_workbook(out / "权重结果.xlsx").sheetnames
    assert "一致性检验" in sheets and "修改建议" in sheets
    if rule == "repair":
        assert "修改建议" in text and not res.repair_table().empty
    with pytest.raises(SystemExit):
        main(["weights", "ahp", str(EXPERTS), "--inconsistent", "ignore"])


def test_rank_middle_and_interval(capsys: pytest.CaptureFixture[str]) -> None:
    wq = ROOT / "tests" / "data" / "comprehensive" / "water_quality.csv"
    argv = [
        "rank",
        str(wq),
        "--method",
        "topsis",
        "--cost",
        "germ",
        "--middle",
        "PH=7",
        "--interval",
        "nutrient=10~20",
        "--weights",
        "O2=0.3153202,PH=0.1813149,germ=0.3506929,nutrient=0.1526721",
    ]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "PH（中间型，最优 7）" in text and "nutrient（区间型，最优 10~20）" in text
    assert "0.8092" in text  # river 11, the book's 0.8091923
    assert main(["rank", str(wq), "--interval", "nutrient=20~10"]) == 2
    assert "区间型设置无效" in capsys.readouterr().err


def test_rank_combined_weights(data_csv: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from evallib.comprehensive import combined_weights

    out = tmp_path / "c"
    sub = "产值=0.5,能耗=0.3,满意度=0.2"
    assert (
        main(
            [
                "rank",
                str(data_csv),
                "--cost",
                "能耗",
                "--weights",
                "entropy",
                "--subjective",
                sub,
                "--alpha",
                "0.6",
                "--method",
                "topsis",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "组合赋权（主观：给定权重，α = 0.6；客观：熵权法）" in capsys.readouterr().out
    payload = json.loads((out / "comprehensive.json").read_text(encoding="utf-8"))
    m = DATA.set_index("地区")
    w = combined_weights({"产值": 0.5, "能耗": 0.3, "满意度": 0.2}, m, {"能耗": "cost"}, alpha=0.6)
    assert payload["topsis"]["weights"]["产值"] == pytest.approx(w["产值"], abs=1e-6)
    assert main(["rank", str(data_csv), "--subjective", sub]) == 2
    assert "组合赋权" in capsys.readouterr().err


def test_rank_title_row_above_header(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["表1 各乡镇项目绩效指标（2025年）"])
    ws.append(["项目", "预算执行率", "投诉件数"])
    for row in (["甲", 96.8, 3], ["乙", 88.4, 5], ["丙", 79.2, 9]):
        ws.append(row)
    p = tmp_path / "带标题.xlsx"
    wb.save(p)
    assert main(["rank", str(p), "--method", "topsis"]) == 2
    assert "表头可能不在第一行" in capsys.readouterr().err
    assert main(["rank", str(p), "--id", "项目", "--cost", "投诉件数", "--method", "topsis"]) == 0
    assert "甲" in capsys.readouterr().out


def test_output_into_a_closed_pipe_is_not_an_internal_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    big = pd.DataFrame(
        {
            "对象": [f"单位{i}" for i in range(4000)],
            "a": range(4000),
            "b": [i % 97 for i in range(4000)],
        }
    )
    p = tmp_path / "big.csv"
    big.to_csv(p, index=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "evallib.cli", "rank", str(p)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 141 and "内部错误" not in err


def test_rank_all_keeps_going_when_rsr_cannot_tier(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "three.csv"
    p.write_text("对象,a,b\n甲,1,1\n乙,1,1\n丙,2,2\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["rank", str(p), "--out", str(out)]) == 0
    assert "秩和比法：未计算" in capsys.readouterr().out
    payload = json.loads((out / "comprehensive.json").read_text(encoding="utf-8"))
    assert (
        "Probit" in payload["rsr"]["skipped"]
        and payload["topsis"]["alternatives"]["丙"]["rank"] == 1
    )
    assert main(["rank", str(p), "--method", "rsr"]) == 2  # asked for explicitly: refused


def test_rank_grey_factor_analysis(capsys) -> None:  # type: ignore[no-untyped-def]
    sports = ROOT / "tests" / "data" / "comprehensive" / "sports.csv"
    argv = [
        "rank",
        str(sports),
        "--method",
        "grey",
        "--reference",
        "铅球",
        "--cost",
        "30米跑,100米跑",
        "--normalize",
        "initial",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "母序列「铅球」" in out and "0.9334" in out  # 全蹲, the book's 0.933
    assert main([*argv, "--weights", "entropy"]) == 2
    assert "不用指标权重" in capsys.readouterr().err
