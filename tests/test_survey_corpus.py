"""Real-shaped survey exports (tests/data/surveys, origins in its README): each imports as it
is, and its figures equal the ones worked out here with pandas on the raw file.

The expected figures use only pandas and the value → points tables written below (the
questionnaire's option order, the reverse wording), not evallib's decoding.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evallib.errors import InputDataError
from evallib.survey import analyze, load_spec, parse_header, read_survey
from evallib.survey.outputs import write_outputs
from evallib.survey.platforms import parse_durations

HERE = Path(__file__).parent / "data" / "surveys"
SUBS = ["办事效率", "服务态度", "信息公开", "设施环境"]
BLANK, SKIP, DK = "blank", "skip", "dk"

# value as read (text) → points, or a marker; satisfied = points ≥ 80 on the 5-level scale
TEXT = {"非常满意": 100, "满意": 80, "一般": 60, "不满意": 40, "非常不满意": 20, "不了解": DK,
        "(跳过)": SKIP, "跳过": SKIP, "(空)": BLANK, "": BLANK}  # fmt: skip
WORST_FIRST = {"1": 20, "2": 40, "3": 60, "4": 80, "5": 100, "6": DK, "-2": BLANK, "-3": SKIP,
               "": BLANK}  # fmt: skip
BEST_FIRST = {"1": 100, "2": 80, "3": 60, "4": 40, "5": 20, "6": DK, "": BLANK, "-3": SKIP}
# "办事需要多次往返": agreeing is the bad answer
AGREE_REV = {"非常同意": 20, "同意": 40, "一般": 60, "不同意": 80, "非常不同意": 100}
AGREE_REV_CODES = {"1": 100, "2": 80, "3": 60, "4": 40, "5": 20}
NPS = {str(v): v * 10 for v in range(11)} | {"": BLANK}


def _s(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _dur(v: str) -> float:
    """Seconds from the platforms' duration texts, parsed independently of evallib."""
    v = _s(v)
    if m := re.fullmatch(r"(\d+)秒", v):
        return float(m[1])
    if m := re.fullmatch(r"(\d+)分(\d+)秒", v):
        return int(m[1]) * 60 + float(m[2])
    if m := re.fullmatch(r"(\d+):(\d+):(\d+)", v):
        return int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    return float(v)


def _read(name: str) -> pd.DataFrame:
    p = HERE / name
    if name.endswith(".sav"):
        import pyreadstat

        return pyreadstat.read_sav(str(p))[0]
    if name.endswith(".xls"):
        import xlrd

        sh = xlrd.open_workbook(str(p)).sheet_by_index(0)
        rows = [sh.row_values(r) for r in range(sh.nrows)]
        return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    if name.endswith(".xlsx"):
        return pd.read_excel(p, engine="openpyxl", dtype=object)
    enc = "gbk" if "gbk" in name else "utf-8-sig"
    return pd.read_csv(p, encoding=enc, dtype=str, keep_default_na=False)


# file, spec, [(item code, column, value table)], duration column, phone column
CASES = {
    "wjx_text.xlsx": ("spec_wjx.yaml", [(f"S{j + 1}", f"3、您对以下方面的满意程度—{s}", TEXT)
                      for j, s in enumerate(SUBS)] + [("R1", "4、办事需要多次往返（您是否同意）",
                      AGREE_REV)], "所用时间", "6、您的手机号码："),
    "wjx_text_utf8.csv": ("spec_wjx.yaml",
                          [(f"S{j + 1}", f"3、您对以下方面的满意程度—{s}", TEXT)
                           for j, s in enumerate(SUBS)]
                          + [("R1", "4、办事需要多次往返（您是否同意）", AGREE_REV)],
                          "所用时间", "6、您的手机号码："),
    "wjx_codes.xlsx": ("spec_wjx.yaml",
                       [(f"S{j + 1}", f"3({s})", WORST_FIRST) for j, s in enumerate(SUBS)]
                       + [("R1", "4、办事需要多次往返（您是否同意）", AGREE_REV_CODES)],
                       "所用时间", "6、您的手机号码："),
    "wjx_codes_gbk.csv": ("spec_wjx.yaml", [(f"S{j + 1}", f"3、({s})", WORST_FIRST) for j, s in
                          enumerate(SUBS)] + [("R1", "4、办事需要多次往返（您是否同意）",
                          AGREE_REV_CODES)], "所用时间", "6、您的手机号码："),
    "wjx_spss.sav": ("spec_wjx.yaml", [(f"S{j + 1}", f"Q3_{j + 1}", WORST_FIRST) for j in
                     range(4)] + [("R1", "Q4", AGREE_REV_CODES)], None, None),
    "wjx_legacy.xls": ("spec_legacy.yaml", [(f"S{j + 1}", f"第3题({s})", TEXT) for j, s in
                       enumerate(SUBS)], "所用时间", "第6题"),
    "tencent.csv": ("spec_tencent.yaml", [(f"S{j + 1}", f"3.您对以下方面的满意程度:{s}", TEXT)
                    for j, s in enumerate(SUBS)], "答题时长", "4.您的联系电话_填空1"),
    "wenjuanwang.xlsx": ("spec_wenjuanwang.yaml", [(f"S{j + 1}", f"Q2_您对以下方面的满意程度_{s}",
                         TEXT) for j, s in enumerate(SUBS)] + [
                         ("R1", "Q3_以下说法您是否同意_办事需要多次往返", AGREE_REV)],
                         "答题时长", "Q4_您的手机号码"),
    "jinshuju.xlsx": ("spec_jinshuju.yaml",
                      [("NPS", "总体而言，您对政务服务的满意程度打几分？（0-10分）", NPS)],
                      "填写时长", "手机号码"),
    "credamo.csv": ("spec_credamo.yaml", [(f"S{j + 1}", f"Q2_{s}", BEST_FIRST) for j, s in
                    enumerate(SUBS)], "作答时长(秒)", "Q3.您的手机号码"),
}  # fmt: skip
PLATFORM = {"wjx": "问卷星", "tencent": "腾讯问卷", "wenjuanwang": "问卷网", "jinshuju": "金数据",
            "credamo": "见数"}  # fmt: skip


def expected(name: str) -> tuple[int, dict[str, tuple[int, float, float]]]:
    """Kept responses and, per item, (valid answers, 满意率, 得分) — pandas on the raw file."""
    _spec, items, dur_col, phone_col = CASES[name]
    raw = _read(name)
    sat_threshold = 90 if name.startswith("jinshuju") else 80
    vals = {code: raw[col].map(_s).map(table) for code, col, table in items}
    for code, v in vals.items():
        assert v.notna().all(), (name, code)
    df = pd.DataFrame(vals)
    keep = pd.Series(True, index=df.index)
    if dur_col:
        keep &= raw[dur_col].map(_dur) >= 60
    if phone_col:
        keep &= ~raw[phone_col].map(_s).duplicated()
    asked = (df != SKIP).sum(axis=1)
    blank = (df == BLANK).sum(axis=1)
    keep &= (asked > 0) & (blank <= 0.5 * asked)
    kept = df[keep]
    out = {}
    for code in df.columns:
        pts = pd.to_numeric(kept[code], errors="coerce").dropna()
        out[code] = (len(pts), float((pts >= sat_threshold).mean()), float(pts.mean()))
    return int(keep.sum()), out


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file_figures(name: str) -> None:
    spec = load_spec(HERE / CASES[name][0])
    data = read_survey(HERE / name, spec)
    res = analyze(data, bootstrap=0)
    n_kept, items = expected(name)
    assert res.cleaning.n_kept == n_kept
    got = res.items.set_index("code")
    for code, (n_valid, rate, score) in items.items():
        assert got.loc[code, "n_valid"] == n_valid, code
        assert got.loc[code, "rate"] == pytest.approx(rate, abs=1e-12), code
        assert got.loc[code, "score"] == pytest.approx(score, abs=1e-9), code
    key = name.split("_")[0].split(".")[0]
    assert data.platform == PLATFORM.get(key, "通用表格") or name.endswith(".sav")


def test_text_and_code_exports_agree() -> None:
    """按选项文本 and 按选项序号 of one survey (xlsx and GBK CSV): the same figures."""
    spec = load_spec(HERE / "spec_wjx.yaml")
    ref = analyze(read_survey(HERE / "wjx_text.xlsx", spec), bootstrap=0)
    for f in ("wjx_codes.xlsx", "wjx_codes_gbk.csv", "wjx_text_utf8.csv"):
        res = analyze(read_survey(HERE / f, spec), bootstrap=0)
        pd.testing.assert_frame_equal(res.items, ref.items)
        assert res.overall == ref.overall


def _no_codes(spec):
    scale = [lv.model_copy(update={"code": None}) for lv in spec.scale]
    return spec.model_copy(update={"scale": scale, "missing_codes": []})


def test_text_twin_decides_codes_without_spec_codes() -> None:
    spec = load_spec(HERE / "spec_wjx.yaml")
    bare = _no_codes(spec)
    with pytest.raises(InputDataError, match="code order undeclared"):
        read_survey(HERE / "wjx_codes.xlsx", bare)
    data = read_survey(HERE / "wjx_codes.xlsx", bare, text_twin=HERE / "wjx_text.xlsx")
    ref = analyze(read_survey(HERE / "wjx_text.xlsx", spec), bootstrap=0)
    pd.testing.assert_frame_equal(analyze(data, bootstrap=0).items, ref.items)
    assert any("文字版导出" in n for n in data.notes)


def _best_first(spec):  # the common mistake: codes in the order the spec lists the levels
    scale = [lv.model_copy(update={"code": pos}) for pos, lv in enumerate(spec.scale, 1)]
    return spec.model_copy(update={"scale": scale, "missing_codes": [spec.k + 1]})


def test_codes_contradicting_text_twin_are_refused() -> None:
    wrong = _best_first(load_spec(HERE / "spec_wjx.yaml"))
    with pytest.raises(InputDataError) as ei:
        read_survey(HERE / "wjx_codes.xlsx", wrong, text_twin=HERE / "wjx_text.xlsx")
    msg = str(ei.value)
    assert "code order conflict" in msg and "3(办事效率)" in msg and "文字版导出" in msg
    assert "1：问卷说明为「非常满意」" in msg


def test_codes_contradicting_spss_labels_are_refused() -> None:
    wrong = _best_first(load_spec(HERE / "spec_wjx.yaml"))
    with pytest.raises(InputDataError) as ei:
        read_survey(HERE / "wjx_spss.sav", wrong)
    msg = str(ei.value)
    assert "code order conflict" in msg and "SPSS 值标签" in msg and "办事效率" in msg


def test_spss_labels_alone_say_what_codes_mean() -> None:
    spec = load_spec(HERE / "spec_wjx.yaml")
    bare = _no_codes(spec)
    a = analyze(read_survey(HERE / "wjx_spss.sav", bare), bootstrap=0)
    b = analyze(read_survey(HERE / "wjx_spss.sav", spec), bootstrap=0)
    pd.testing.assert_frame_equal(a.items, b.items)


def test_reverse_item_every_figure() -> None:
    """A reverse item's 满意率 counts disagreement: 76 % agreeing is 24 % satisfied at most."""
    spec = load_spec(HERE / "spec_wjx.yaml")
    res = analyze(read_survey(HERE / "wjx_text.xlsx", spec), bootstrap=0)
    r = res.items.set_index("code").loc["R1"]
    raw = _read("wjx_text.xlsx")["4、办事需要多次往返（您是否同意）"]
    assert r["n_非常满意"] + r["n_满意"] <= (raw.isin(["非常同意", "同意"])).sum()
    _, items = expected("wjx_text.xlsx")
    assert r["rate"] == pytest.approx(items["R1"][1])


def test_no_response_lost_to_header_words() -> None:
    """手机品牌 / 几部手机 are no phone columns: only the two planted repeats are duplicates."""
    for name in ("wjx_text.xlsx", "tencent.csv", "wenjuanwang.xlsx", "jinshuju.xlsx"):
        spec = load_spec(HERE / CASES[name][0])
        data = read_survey(HERE / name, spec)
        res = analyze(data, bootstrap=0)
        assert res.cleaning.counts()["duplicate_phone"] == 2, name
        kinds = data.pii.attrs["kinds"]
        assert not any("品牌" in c or "几部" in c for c in kinds), kinds


PERSONAL = {
    "wjx_text.xlsx": ["5、您的姓名：", "6、您的手机号码：", "来自IP"],
    "wjx_text_utf8.csv": ["5、您的姓名：", "6、您的手机号码：", "来自IP"],
    "wjx_codes.xlsx": ["5、您的姓名：", "6、您的手机号码：", "来自IP"],
    "wjx_codes_gbk.csv": ["5、您的姓名：", "6、您的手机号码：", "来自IP"],
    "wjx_legacy.xls": ["第6题", "来自IP"],
    "tencent.csv": ["4.您的联系电话_填空1", "用户标识", "昵称", "IP"],
    "wenjuanwang.xlsx": ["邮件", "IP地址", "Q4_您的手机号码"],
    "jinshuju.xlsx": ["您的姓名", "手机号码", "微信昵称", "微信OpenID", "IP"],
    "credamo.csv": ["用户ID", "IP", "Q3.您的手机号码"],
    "wjx_spss.sav": [],
}


@pytest.mark.parametrize("name", sorted(PERSONAL))
def test_personal_values_in_no_output(tmp_path: Path, name: str) -> None:
    spec = load_spec(HERE / CASES[name][0]).model_copy(update={"keep_text": ["7"]})
    data = read_survey(HERE / name, spec)
    write_outputs(analyze(data, bootstrap=0), data, tmp_path)
    raw = _read(name)
    secrets = set()
    for col in PERSONAL[name]:
        for v in raw[col].map(_s):
            secrets.add(re.sub(r"\(.*\)$", "", v))  # the IP without its location
    secrets -= {""}
    if name == "wjx_spss.sav":  # phones written inside the free-text answers
        secrets = {m for v in raw["Q7"].map(_s) for m in re.findall(r"1\d{10}", v)}
    assert len(secrets) > (5 if name == "wjx_spss.sav" else 20)
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO((tmp_path / "满意度分析.xlsx").read_bytes())) as z:
        blob += b"".join(z.read(n) for n in z.namelist())
    text = blob.decode("utf-8", "ignore")
    leaked = [s for s in secrets if s in text]
    assert not leaked, leaked[:5]


def test_cleaned_data_keeps_answers_as_given(tmp_path: Path) -> None:
    spec = load_spec(HERE / "spec_wjx.yaml")
    spec = spec.model_copy(update={"groups": [*spec.groups,
                           spec.groups[0].model_copy(update={"name": "序号"})]})  # fmt: skip
    data = read_survey(HERE / "wjx_codes.xlsx", spec)
    write_outputs(analyze(data, bootstrap=0), data, tmp_path)
    out = pd.read_csv(tmp_path / "有效答卷.csv", dtype=str, keep_default_na=False)
    raw = _read("wjx_codes.xlsx")
    kept = out["序号"].astype(int)
    given = raw.set_index("序号").loc[kept, "3(办事效率)"].map(_s).tolist()
    assert out["S1 办事效率（原始答案）"].tolist() == given
    pts = pd.to_numeric(out["S1 得分"], errors="coerce")
    assert pts.dropna().isin([20, 40, 60, 80, 100]).all()
    assert "分组：序号" in out.columns and out["序号"].is_unique  # no column overwritten


@pytest.mark.parametrize(
    ("header", "q", "sub"),
    [("8、(内存)", 8, "内存"), ("第6题(运动)", 6, "运动"),
     ("Q2_您对服务的评价_办事效率", 2, "办事效率"),
     ("3.您对以下方面的满意程度:信息公开", 3, "信息公开"), ("5(子题)", 5, "子题"),
     ("5、请评价—子题", 5, "子题"), ("Q1.您所在的乡镇", 1, None), ("您所在的乡镇", None, None),
     ("4.您的联系电话_填空1", 4, "填空1"), ("第1题", 1, None)],
)  # fmt: skip
def test_header_styles(header: str, q: int | None, sub: str | None) -> None:
    c = parse_header(header)
    assert (c.question, c.sub) == (q, sub)


@pytest.mark.parametrize(
    ("text", "secs"),
    [("123秒", 123), ("4分53秒", 293), ("00:04:53", 293), ("4:53", 293), ("1小时2分3秒", 3723),
     ("11", 11), ("12.5", 12.5), ("2分钟", 120)],
)  # fmt: skip
def test_durations(text: str, secs: float) -> None:
    got, bad = parse_durations(pd.Series([text]))
    assert got[0] == secs and not bad[0]


def test_unreadable_duration_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    raw = _read("wenjuanwang.xlsx")
    raw.loc[3, "答题时长"] = "大约五分钟"
    raw.to_csv(p, index=False, encoding="utf-8-sig")
    with pytest.raises(InputDataError, match="答题时长") as ei:
        read_survey(p, load_spec(HERE / "spec_wenjuanwang.yaml"))
    assert "大约五分钟" in str(ei.value) and "第 5 行" in str(ei.value)


def test_html_saved_as_xls_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "导出.xls"
    p.write_text("<html><table><tr><td>序号</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(InputDataError, match="HTML"):
        read_survey(p, load_spec(HERE / "spec_wjx.yaml"))


def test_platform_override_and_unknown_platform() -> None:
    spec = load_spec(HERE / "spec_wjx.yaml")
    data = read_survey(HERE / "wjx_text.xlsx", spec.model_copy(update={"platform": "generic"}))
    assert data.platform == "通用表格" and "未识别" in data.notes[0]
    with pytest.raises(InputDataError, match="不是已知平台"):
        read_survey(HERE / "wjx_text.xlsx", spec.model_copy(update={"platform": "星问卷"}))


def test_group_and_item_text_match_tolerates_width_and_spaces(tmp_path: Path) -> None:
    raw = _read("jinshuju.xlsx").rename(columns={"您所在的乡镇": "您所在的 乡镇", "备注.1": "备注"})
    p = tmp_path / "j.csv"
    raw.to_csv(p, index=False, encoding="utf-8-sig")
    spec = load_spec(HERE / "spec_jinshuju.yaml")
    spec = spec.model_copy(update={"groups": [spec.groups[0].model_copy(
        update={"column": "您所在的乡镇："})]})  # fmt: skip
    data = read_survey(p, spec)
    assert set(data.groups["乡镇"].astype(str)) == {"城关镇", "东河镇", "西山乡"}


@pytest.mark.parametrize(
    ("value", "ip", "loc"),
    [("120.68.184.97(湖南-长沙)", "120.68.184.97", "湖南-长沙"),
     ("120.68.184.97（湖南-长沙）", "120.68.184.97", "湖南-长沙"),
     ("2001:db8::8a2e:370:7334", "2001:db8::8a2e:370:7334", ""),
     ("10.0.0.1", "10.0.0.1", ""), ("", "", "")],
)  # fmt: skip
def test_ip_forms(value: str, ip: str, loc: str) -> None:
    from evallib.survey.platforms import parse_ip

    got_ip, got_loc = parse_ip(pd.Series([value]))
    assert (got_ip[0], got_loc.iloc[0]) == (ip, loc)


def test_meta_columns_declared_in_the_spec(tmp_path: Path) -> None:
    """A column no profile knows ("受访用时") becomes the duration when the spec says so; an
    unknown role is refused."""
    raw = _read("wenjuanwang.xlsx").rename(columns={"答题时长": "受访用时"})
    raw = raw.drop(columns=["开始时间", "结束时间"])  # else the duration comes from the times
    p = tmp_path / "x.csv"
    raw.to_csv(p, index=False, encoding="utf-8-sig")
    spec = load_spec(HERE / "spec_wenjuanwang.yaml")
    data = read_survey(p, spec)
    assert any("未执行" in n for n in data.notes)
    before = analyze(data, bootstrap=0).cleaning.counts()["speeder"]
    spec2 = spec.model_copy(update={"meta_columns": {"受访用时": "duration"}})
    after = analyze(read_survey(p, spec2), bootstrap=0).cleaning.counts()["speeder"]
    assert (before, after) == (0, 3)
    from pydantic import ValidationError

    from evallib.survey.spec import spec_from_dict

    with pytest.raises(ValidationError):
        spec_from_dict({"items": [{"code": "a", "text": "x"}], "meta_columns": {"x": "时长"}})
