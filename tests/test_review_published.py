"""Review on rows transcribed from published self-evaluation forms (origins in
tests/data/review/README.md): every row a careful reviewer accepts carries no error- or
unverifiable-level flag, each re-scored value equals the one worked out by hand (期望复核得分), and
the problems the forms really have are found."""

from __future__ import annotations

import pandas as pd
import pytest

from evallib.errors import EvalError
from evallib.review import review
from evallib.review.model import from_frames, read_long_table

from .conftest import data_path


@pytest.fixture(scope="module")
def published():
    path = data_path("review/published_forms.csv")
    raw = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
    return raw, review(read_long_table(path))


def test_rows_reach_the_reviewers_verdict(published) -> None:
    raw, res = published
    rows = res.rows
    assert (rows["recomputed"].round(2) == pd.to_numeric(raw["期望复核得分"])).all()
    severe = res.flags["severity"].isin(["error", "unverifiable"])
    bad = res.flags[res.flags["row"].notna() & severe]
    assert bad.empty, bad
    for verdict, r in zip(raw["期望结论"], rows.itertuples(index=False), strict=True):
        if verdict == "accepted":
            assert r.kind == "qualitative" and r.reproduced_by == "national"
        else:
            assert r.kind == "quantitative"
            assert r.reproduced_by == (verdict.split(":")[1] if ":" in verdict else "national")


def test_real_problems_found(published) -> None:
    """P1 and P2 print 执行率 0 and 得分 0 on an all-zero 年度资金总额 row while the
    其中：本年财政拨款 row shows the money spent (100 %): the budget score is wrong.  P3 prints 86%
    for 86.20% and scores 9 = 8.62 rounded to an integer: both accepted."""
    _, res = published
    err = res.flags[res.flags["severity"] == "error"].groupby("project_id")["code"].agg(set)
    assert {"budget_score_mismatch", "rate_mismatch"} <= err["P1"]
    assert {"budget_score_mismatch", "rate_mismatch"} <= err["P2"]
    assert not {"budget_score_mismatch", "rate_mismatch"} & err.get("P3", set())


def test_form_without_points_column_is_unverifiable_not_wrong() -> None:
    """Hubei-style forms print only 得分: rows cannot be re-scored (one unverifiable note), and a
    total equal to the sum of the printed scores is reproduced."""
    rows = pd.DataFrame({
        "project_id": "HB", "row": range(1, 5),
        "level1": ["产出指标", "产出指标", "效益指标", "满意度指标"],
        "level2": ["数量指标", "质量指标", "社会效益指标", "服务对象满意度指标"],
        "level3": ["培训人数", "合格率", "群众知晓率", "满意度"],
        "target": ["≥500人", "≥95%", "明显提高", "≥90%"], "actual": ["520人", "96%", "达成", "93%"],
        "points": [None] * 4, "score": [20, 20, 20, 20],
    })  # fmt: skip
    proj = pd.DataFrame([{"project_id": "HB", "full_year_budget": 100, "spent": 95,
                          "budget_points": 20, "budget_score": 19, "total": 99}])  # fmt: skip
    res = review(from_frames(rows, proj))
    sev = res.flags.groupby("severity")["code"].agg(set)
    assert "error" not in sev, sev
    assert sev["unverifiable"] == {"missing_points"}
    assert (res.flags["code"] == "missing_points").sum() == 1
    s = res.summary.iloc[0]
    assert s["reproduced_under"] == "national" and s["rows_as_published"] == 4


def _form(pid: str, groups: list[tuple[str, str, float, float]], budget: float = 0) -> tuple:
    rows = pd.DataFrame([
        {"project_id": pid, "row": i + 1, "level1": l1, "level2": l2, "level3": f"{l2}指标",
         "target": "≥100%", "actual": "100%", "points": pts, "score": sc}
        for i, (l1, l2, pts, sc) in enumerate(groups)
    ])  # fmt: skip
    proj = pd.DataFrame([{"project_id": pid, "budget_points": budget,
                          "total": sum(g[3] for g in groups)}])  # fmt: skip
    return rows, proj


EVALUATION = [("决策", "项目立项", 10, 10), ("决策", "绩效目标", 10, 10),
              ("过程", "资金管理", 20, 20), ("过程", "组织实施", 10, 10),
              ("产出", "产出数量", 25, 25),
              ("效益", "社会效益", 15, 15), ("效益", "满意度", 10, 10)]  # fmt: skip
NINGXIA = [("产出指标", "数量指标", 40, 40), ("效益指标", "社会效益指标", 30, 30),
           ("效益指标", "成本指标", 10, 10),
           ("满意度指标", "服务对象满意度指标", 20, 20)]  # fmt: skip


@pytest.mark.parametrize(("groups", "layout"), [(EVALUATION, "evaluation"), (NINGXIA, "ningxia")])
def test_layouts_recognised_without_false_alarms(groups, layout) -> None:
    rows, proj = _form("L", groups)
    res = review(from_frames(rows, proj))
    assert res.summary.iloc[0]["layout"] == layout
    assert res.flags[res.flags["severity"] == "error"].empty, res.flags
    assert res.summary.iloc[0]["reproduced_under"] == "national"


def test_forced_layout_checks_its_groups() -> None:
    rows, proj = _form("L", EVALUATION)
    res = review(from_frames(rows, proj), layout="ningxia")  # needs a 满意度 一级
    assert "missing_level1" in set(res.flags["code"])
    assert res.summary.iloc[0]["layout"] == "ningxia"
    with pytest.raises(EvalError, match="版式"):
        review(from_frames(rows, proj), layout="广东")


def test_zero_total_row_budget_taken_from_subrow(tmp_path) -> None:
    """The 池州 form as published (rows visible in the source, README): 年度资金总额 all zero,
    money on 其中：本年财政拨款.  Before, the budget was read as 0 spent of 0 and the published
    budget score 0 "reproduced"; now the figures come from the 其中 row (noted) and the real
    problem — 0 points for a fully spent budget — is an error."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "委托业务项目"
    ws.append(["项目名称", "委托业务项目"])
    ws.append(["项目资金(万元)", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
               "得分"])  # fmt: skip
    ws.append(["年度资金总额:", None, 0, 0, 0, 10, 0, 0])
    ws.append(["其中:本年财政拨款", None, 90, 89.974, 89.974])
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
               "偏差原因分析及改进措施"])  # fmt: skip
    ws.append(["产出指标(50分)", "数量指标", "基建工程委托业务项目数量", "≥50个", "50", 8, 8])
    ws.append([None, "质量指标", "委托业务报告合格率", "≥100百分比", "100", 8, 8])
    ws.append([None, "成本指标", "项目总成本", "≤90万元", "90", 8, 8])
    ws.append(["效益指标(30分)", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显",
               "达成预期指标", 10, 10])  # fmt: skip
    p = tmp_path / "自评表.xlsx"
    wb.save(p)
    from evallib.review.model import read_forms

    res = review(read_forms(p))
    codes = set(res.flags["code"])
    assert {"budget_from_subrow", "budget_score_mismatch"} <= codes
    proj = res.projects.iloc[0]
    assert float(proj["spent"]) == 89.974 and float(proj["full_year_budget"]) == 89.974
    assert res.rows["flags"].str.contains("score_unexplained").sum() == 0


def test_split_operator_value_unit_columns() -> None:
    """四川 forms put 指标性质 | 指标值 | 度量单位 in separate columns: joined into one target; a
    text 完成值 ("完成") for a numeric target is unverifiable, and the total still reproduces with
    that row as published."""
    res = review(read_long_table(data_path("review/published_forms_split.csv")))
    rows = res.rows.set_index("project_id")
    assert rows.loc["S1", "target"] == "≤30万元" and rows.loc["S2", "target"] == "=100%"
    assert rows.loc["S2", "recomputed"] == 90.0 and rows.loc["S2", "reproduced_by"] == "national"
    row_flags = res.flags[res.flags["row"].notna() & res.flags["project_id"].isin(["S1", "S2"])]
    assert set(zip(row_flags["project_id"], row_flags["code"], row_flags["severity"],
                   strict=True)) == {("S1", "unparseable", "unverifiable")}  # fmt: skip
    s = res.summary.set_index("project_id")
    assert s.loc["S1", "reproduced_under"] == "national" and s.loc["S1", "rows_as_published"] == 1


def test_published_form_left_blank_is_unverifiable_not_wrong() -> None:
    """青神县发展和改革局 工资性支出 (2023, published blank: no 完成值, no 得分, no total).
    A careful reviewer says the form cannot be checked — not that its budget score is 0 and
    wrong, and not that it deserves 差 on a total made of the one computable row."""
    res = review(read_long_table(data_path("review/published_forms_split.csv")))
    f = res.flags[res.flags["project_id"] == "S3"]
    assert set(f.loc[f["severity"] == "error", "code"]) == set()
    assert {"budget_score_missing", "total_not_recomputable", "missing_score"} <= set(f["code"])
    s = res.summary.set_index("project_id").loc["S3"]
    assert pd.isna(s["recomputed_total"]) and s["recomputed_grade"] == "" and s["errors"] == 0


def test_published_weights_only_form_is_unverifiable() -> None:
    """A 四川 form published with 指标值 and 权重 (22.5 × 4) but no 完成值 and no 得分 (D1; the
    budget block is not in the stored excerpt): every row unverifiable — missing score, nothing
    to re-score — none an error, and no recomputed total or grade."""
    res = review(read_long_table(data_path("review/published_forms_split.csv")))
    f = res.flags[res.flags["project_id"] == "D1"]
    rowflags = f[f["row"].notna()]
    assert set(rowflags["severity"]) == {"unverifiable"}
    assert set(rowflags["code"]) == {"missing_score", "unparseable"} and len(rowflags) == 8
    assert "total_not_recomputable" in set(f["code"])
    s = res.summary.set_index("project_id").loc["D1"]
    assert pd.isna(s["recomputed_total"]) and s["recomputed_grade"] == ""
    assert res.rows.loc[res.rows["project_id"] == "D1", "target"].tolist() == [
        "=100%", "≤10次", "=100%", "≤5%"]  # fmt: skip


def test_department_table_with_inputs_group_is_an_evaluation_layout() -> None:
    """岳阳 部门整体支出 评分表 (Hunan, 2013 framework: 投入 / 过程 / 产出 / 效益; 分值 and 自评得分
    only, each row scored by its 评分标准): recognised as the evaluation layout — it was read as
    宁夏 (no budget row) with a false error asking for a 满意 group — every row unverifiable
    (nothing to re-score from), none an error.  The structure flags left (分值 36, no 产出/效益)
    come from the transcription being partial: those rows are not in the published excerpt."""
    res = review(read_long_table(data_path("review/published_forms_evaluation.csv")))
    assert res.summary.set_index("project_id").loc["Y1", "layout"] == "evaluation"
    flags = res.flags[res.flags["project_id"] == "Y1"]
    rowflags = flags[flags["row"].notna()]
    assert len(rowflags) == 9 and set(rowflags["severity"]) == {"unverifiable"}
    missing = flags.loc[flags["code"] == "missing_level1", "message"].iloc[0]
    listed = missing.split("（按")[0]  # the groups asked for, before the layout's name
    assert "产出/效益/绩效" in listed
    assert not any(w in listed for w in ("满意", "投入", "决策", "过程"))
    rows = res.rows[res.rows["project_id"] == "Y1"]
    assert rows["recomputed"].isna().all()
    assert (rows["score"] == rows["points"]).all()  # as published: full marks


@pytest.mark.parametrize(("pid", "scores", "absent"), [
    ("SX1", [3, 3, 3, 4, 2], ("规划",)),
    ("W1", [5, 5, 5, 2, 4], ("决策",)),
])  # fmt: skip
def test_department_tables_of_other_frameworks(pid: str, scores: list[int],
                                               absent: tuple[str, ...]) -> None:  # fmt: skip
    """寿县 2023 部门整体支出绩效评价自评表 (Anhui: 规划 / 执行 / …) and a 2017 部门整体支出绩效
    评价得分表 (部门决策 / 综合管理 / …): evaluation tables — rows scored against their 评分标准,
    so each is listed as unverifiable with the reason said (no 指标值, no 完成值), none is an
    error, and 测算依据 2 of 5 stays as published.  The 一级 group each shows is not asked for."""
    res = review(read_long_table(data_path("review/published_forms_evaluation.csv")))
    assert res.summary.set_index("project_id").loc[pid, "layout"] == "evaluation"
    flags = res.flags[res.flags["project_id"] == pid]
    rowflags = flags[flags["row"].notna()]
    assert len(rowflags) == len(scores) and set(rowflags["severity"]) == {"unverifiable"}
    assert rowflags["message"].str.contains("没有指标值和完成值").all()
    rows = res.rows[res.rows["project_id"] == pid]
    assert rows["score"].tolist() == scores and rows["recomputed"].isna().all()
    missing = flags.loc[flags["code"] == "missing_level1", "message"].iloc[0].split("（按")[0]
    assert not any(w in missing for w in absent)


def test_department_form_in_the_national_layout() -> None:
    """金寨县 2023 部门整体支出绩效自评表 (Anhui, national layout): every transcribed row
    reproduced — 时效 rows 9月前 / 7月 and 11月前 / 10月 read as deadlines met; the budget
    得分 left blank is unverifiable (10.00 computed), and 338.31 spent of 329.77 (102.59 %) is
    a warning a reviewer asks about, not an error."""
    res = review(read_long_table(data_path("review/published_forms.csv")))
    f = res.flags[res.flags["project_id"] == "J1"].set_index("code")
    assert set(f.index[f["severity"] == "unverifiable"]) == {"budget_score_missing"}
    assert "10.00" in f.loc["budget_score_missing", "message"]
    assert f.loc["spent_over_budget", "severity"] == "warning"
    assert "102.59%" in f.loc["spent_over_budget", "message"]
    rows = res.rows[res.rows["project_id"] == "J1"]
    assert (rows["reproduced_by"] == "national").all() and (rows["kind"] == "quantitative").all()


@pytest.fixture(scope="module")
def complete():
    return review(read_long_table(data_path("review/published_forms_complete.csv")))


def test_complete_form_whose_points_add_to_110(complete) -> None:
    """中江县 2022 (Sichuan): 产出 70 + 效益 20 + 满意度 10 = 100 for the indicators, plus the
    budget row's 10 — the 分值 add to 110 and the printed 总分 100 leaves the budget score out.
    Every row re-scores as printed (so no row error); the actuals are the targets copied."""
    f = complete.flags[complete.flags["project_id"] == "Z1"]
    errors = f[f["severity"] == "error"]
    assert set(errors["code"]) == {"weights_total", "total_mismatch"}
    assert errors["row"].isna().all()
    assert "110" in errors.set_index("code").loc["weights_total", "message"]
    assert "all_actual_equal_target" in set(f["code"])
    assert set(f["severity"]) == {"error", "warning"}  # nothing unverifiable
    s = complete.summary.set_index("project_id").loc["Z1"]
    assert s["published_total"] == 100 and s["recomputed_total"] == 110


def test_complete_form_reproduced_with_rows_that_cannot_be_checked(complete) -> None:
    """天长市 2022 (Anhui): 总分 100 is the sum of the scores; the six rows with 分值 and 得分
    but no 指标值 / 完成值 are listed as unverifiable (not errors) and enter as published; the
    rows that can be re-scored (1 / 1, 90% / 100%) are; the budget score 10 matches 880 / 880."""
    f = complete.flags[complete.flags["project_id"] == "T1"]
    assert set(f["severity"]) == {"unverifiable"} and len(f) == 6
    assert f["message"].str.contains("没有指标值和完成值").all()
    s = complete.summary.set_index("project_id").loc["T1"]
    assert s["errors"] == 0 and s["reproduced_under"] == "national"
    assert s["recomputed_total"] == 100 and s["rows_as_published"] == 6
    rows = complete.rows[complete.rows["project_id"] == "T1"]
    assert rows["recomputed"].notna().sum() == 3


@pytest.fixture(scope="module")
def more():
    path = data_path("review/published_forms_complete.csv")
    return review(read_long_table(path))


def test_breakdown_rows_are_not_indicators(more) -> None:
    """萧县 2023 (Anhui) prints 「其中桃树种植面积 1.5亩」… under
    「补助各类瓜果蔬菜种植面积 29.5亩」 with no 分值 and no 得分, and an unfilled 「……」 line:
    a reviewer passes over them — they are not read as indicators, so no missing-points
    flag; the seven scored rows re-score."""
    rows = more.rows[more.rows["project_id"] == "X1"]
    assert len(rows) == 7 and not rows["level3"].str.contains("其中|……").any()
    assert (rows["reproduced_by"] == "national").all()
    f = more.flags[more.flags["project_id"] == "X1"]
    assert f["row"].isna().all()  # only the structure of the partial transcription


def test_cap_exceeded_with_full_marks_is_found(more) -> None:
    """濉溪县 2019 临时救助 (Anhui): 扶贫临时救助标准 ≤5300元/户 but 5830元/户 paid, scored
    10 of 10 — an error (5300/5830 × 10 = 9.09, no variant gives 10) with no 偏差原因;
    特困人员 4604 of ≥4754 scored 5 of 5 is 4.84 rounded to an integer (a warning, and its
    偏差原因 is filled); compound units 元/人*月 compare as written."""
    f = more.flags[more.flags["project_id"] == "X2"]
    err = f[f["severity"] == "error"]
    row_err = err[err["row"].notna()]
    assert list(row_err["code"]) == ["full_marks_target_missed"]
    assert "9.09" in row_err["message"].iloc[0] and "5830" in row_err["message"].iloc[0]
    warn = f[f["severity"] == "warning"].set_index("code")
    assert "rounding_full_marks" in warn.index and "missing_deviation" in warn.index
    assert "特困人员" in warn.loc["rounding_full_marks", "message"]
    rows = more.rows[more.rows["project_id"] == "X2"].set_index("row")
    assert rows["recomputed"].round(2).tolist() == [5, 5, 5, 4.84, 10, 5, 5, 9.09, 30]


def test_hubei_forms_print_only_scores() -> None:
    """黄冈 2020 水土保持监测 and a 2020 长江禁捕 补贴 form (湖北: 预算执行 20 = 20 × 执行率, then
    年度绩效目标 blocks with 年初目标值 / 实际完成值 / 得分 and no 分值): recognised as 湖北, rows
    not re-scored (one note per form, not one per row), the budget score 20 checked against
    100 %, and 黄冈's 总分 99.6 reproduced as the sum (20 + 10 + 10 + 19.6 + 20 + 20).  Its
    19.6 for 98 % of a 98 % target looks like 20 × 98 %, but with no 分值 on the form that
    cannot be proved — review says so by not re-scoring, and raises no error."""
    res = review(read_long_table(data_path("review/published_forms_hubei.csv")))
    s = res.summary.set_index("project_id")
    assert set(s["layout"]) == {"hubei"}
    assert s.loc["H1", "published_total"] == 99.6 and s.loc["H1", "recomputed_total"] == 99.6
    assert s.loc["H1", "errors"] == 0 and s.loc["H1", "reproduced_under"] == "national"
    notes = res.flags[res.flags["code"] == "missing_points"]
    assert sorted(notes["project_id"]) == ["H1", "H2"] and notes["row"].isna().all()
    assert res.rows["recomputed"].isna().all()
    assert not (res.flags["code"] == "budget_score_mismatch").any()
