"""Self-evaluation review: planted errors found with 100 % precision and recall, published-style
forms re-scored as worked out by hand, readers, bad input, outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from evallib.cli import main
from evallib.errors import InputDataError
from evallib.review import (
    ERROR_KINDS,
    FLAGS,
    PLANTED_KINDS,
    from_long_frame,
    generate_forms,
    read_forms,
    read_long_table,
    review,
)

from .conftest import ROOT, data_path

SAMPLE = ROOT / "survey_data" / "review"
SUMMARY_COLUMNS = ["project_id", "published_total", "recomputed_total", "difference",
                   "published_grade", "recomputed_grade", "errors", "unverifiable", "warnings",
                   "reproduced_under", "rows_as_published", "layout", "flags"]  # fmt: skip


@pytest.fixture(scope="module")
def generated():
    long, truth = generate_forms(3000, seed=42)
    return long, truth, review(from_long_frame(long))


def test_every_kind_is_planted(generated) -> None:
    _, truth, _ = generated
    assert set(truth["code"]) == set(PLANTED_KINDS)
    assert all(FLAGS[k][0] == "error" for k in ERROR_KINDS)
    assert {FLAGS[k][0] for k in set(PLANTED_KINDS) - set(ERROR_KINDS)} == {"unverifiable"}


def test_precision_and_recall_are_100_percent(generated) -> None:
    """Every planted problem is flagged with its kind, and no error- or unverifiable-level flag
    appears anywhere else (clean forms included)."""
    _, truth, res = generated
    err = res.flags[res.flags["severity"].isin(["error", "unverifiable"])]
    pred = set(zip(err["project_id"], err["code"], strict=True))
    true = set(zip(truth["project_id"], truth["code"], strict=True))
    assert pred - true == set(), sorted(pred - true)[:10]
    assert true - pred == set(), sorted(true - pred)[:10]


def test_clean_forms_reproduced_under_a_documented_variant(generated) -> None:
    _, truth, res = generated
    clean = res.summary[~res.summary["project_id"].isin(truth["project_id"])]
    assert len(clean) > 1000 and (clean["errors"] == 0).all()
    assert (clean["reproduced_under"] != "").all()
    assert {"national", "platform", "integer", "one_decimal"} <= {
        u.split("+")[0] for u in clean["reproduced_under"]}  # fmt: skip


def test_summary_columns(generated) -> None:
    assert list(generated[2].summary.columns) == SUMMARY_COLUMNS


EXPECTED_ERRORS = {"H10": {"budget_score_mismatch", "full_marks_target_missed"}}
EXPECTED_UNVERIFIABLE = {"H11": {"unit_mismatch", "unparseable"}}
EXPECTED_UNDER = {"H05": "platform", "H06": "integer", "H07": "national+tiers_80_50",
                  "H09": "one_decimal"}  # fmt: skip


def test_published_styles_by_hand() -> None:
    """Eleven forms transcribed in published styles (≧ ═ 不少于三台 一百九十天 100百分比 0.11亿元
    1,150户 ranges …); expected scores worked out by hand in the file's 期望复核得分 column:
    e.g. H01 ≤180天 vs 一百九十天: 180/190·20 = 18.947 → 18.95; H05 ≤20 vs 25 工作日 published
    under the platform's linear rule (2 − 1.25)·30 = 22.5, national 20/25·30 = 24; H06 760/800·30
    = 28.5 published as 29 (integer); H09 1433/1500·20 = 19.107 published 19.1 (one decimal or
    round down: both documented)."""
    path = data_path("review/published_styles.csv")
    res = review(read_long_table(path))
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    exp = pd.to_numeric(raw["期望复核得分"])
    rec = res.rows["recomputed"]
    ok = (rec.round(2) == exp) | (rec.isna() & exp.isna())
    assert ok.all(), res.rows.loc[~ok, ["project_id", "level3", "recomputed"]]
    expv = raw["期望口径"].fillna("")
    alt = (res.rows["project_id"] == "H09") & (res.rows["level3"] == "检测样本")
    assert ((res.rows["reproduced_by"] == expv) | alt).all()
    s = res.summary.set_index("project_id")
    for pid, row in s.iterrows():
        errs = set(res.flags.query("project_id == @pid and severity == 'error'")["code"])
        assert errs == EXPECTED_ERRORS.get(pid, set()), (pid, errs)
        unv = set(res.flags.query("project_id == @pid and severity == 'unverifiable'")["code"])
        assert unv == EXPECTED_UNVERIFIABLE.get(pid, set()), (pid, unv)
        if pid in EXPECTED_UNDER:
            assert row["reproduced_under"] == EXPECTED_UNDER[pid]
        elif pid not in EXPECTED_ERRORS and pid not in EXPECTED_UNVERIFIABLE:
            assert row["reproduced_under"] == "national"
    assert s.loc["H05", "recomputed_total"] == 90.5 and s.loc["H05", "recomputed_grade"] == "优"
    assert s.loc["H10", "recomputed_total"] == 92.5  # budget 7.00 + 25.5 + 20 + 30 + 10


def test_forms_workbook_equals_long_table() -> None:
    a = review(read_forms(SAMPLE / "复核样本_自评表.xlsx")).summary
    b = review(read_long_table(SAMPLE / "复核样本_长表.csv")).summary
    b = b[b["project_id"].isin(a["project_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b)


def test_committed_sample_truth() -> None:
    res = review(read_long_table(SAMPLE / "复核样本_长表.csv"))
    truth = pd.read_csv(SAMPLE / "truth.csv")
    err = res.flags[res.flags["severity"].isin(["error", "unverifiable"])]
    assert set(zip(err["project_id"], err["code"], strict=True)) == set(
        zip(truth["project_id"], truth["code"], strict=True))  # fmt: skip


def test_row_level_problems_do_not_crash(tmp_path: Path) -> None:
    long, _ = generate_forms(3, seed=5, error_share=0)
    long.loc[1, "全年执行数"] = 1.0  # duplicated 项目编号 with a different budget
    long.loc[20, "年度指标值"] = "≥九成半%"  # unparseable
    p = tmp_path / "forms.csv"
    long.to_csv(p, index=False, encoding="utf-8-sig")
    res = review(read_long_table(p))
    codes = set(res.flags["code"])
    assert {"inconsistent_budget", "unparseable"} <= codes
    assert len(res.summary) == 3
    row = res.flags[res.flags["code"] == "unparseable"].iloc[0]
    assert row["row"] == 22  # file row number (header is row 1)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("项目编号,三级指标,得分\nP1,甲,1\n", ["missing columns", "年度指标值", "第 1 行"]),
        ("", ["empty file"]),
        ("名称,金额\na,1\n", ["header"]),
    ],
)
def test_file_level_errors(tmp_path: Path, content: str, fragments: list[str]) -> None:
    p = tmp_path / "复核.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputDataError) as ei:
        read_long_table(p)
    text = str(ei.value)
    assert "复核.csv" in text and all(f in text for f in fragments), text


def test_forms_workbook_without_indicator_table(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["项目名称", "某项目"])
    wb.save(tmp_path / "表.xlsx")
    with pytest.raises(InputDataError, match="三级指标"):
        read_forms(tmp_path / "表.xlsx")


def test_cli_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outs = []
    for k in range(2):
        out = tmp_path / f"o{k}"
        assert main(["review", str(SAMPLE / "复核样本_长表.csv"), "--out", str(out)]) == 0
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1]  # byte-identical
    assert set(outs[0]) == {"复核汇总.xlsx", "复核明细.xlsx", "summary.csv", "summary.json",
                            "flags.csv"}  # fmt: skip
    text = capsys.readouterr().out
    assert "按问题统计" in text and "问题最多的项目" in text
    summ = pd.read_csv(tmp_path / "o0" / "summary.csv", encoding="utf-8-sig")
    assert list(summ.columns) == SUMMARY_COLUMNS
    js = json.loads(outs[0]["summary.json"])
    assert js["summary"][0]["project_id"] == "P00001" and "flag_codes" in js
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "o0" / "复核明细.xlsx", read_only=True)
    assert "明细" in wb.sheetnames and "P00001" in wb.sheetnames  # per-project sheets
    assert main(["review", str(SAMPLE / "复核样本_自评表.xlsx"), "--forms"]) == 0
