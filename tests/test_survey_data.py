"""Survey import, cleaning, scores and outputs on the committed demo survey and bad inputs."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evallib.cli import main
from evallib.errors import InputDataError
from evallib.survey import analyze, clean, load_spec, parse_header, read_survey
from evallib.survey.generate import write_demo_survey

from .conftest import ROOT

DEMO = ROOT / "survey_data" / "demo"
FILES = ["问卷星_按选项文本.xlsx", "问卷星_按选项序号.xlsx", "问卷星_按选项文本_GBK.csv"]
PLANTED = json.loads((DEMO / "planted.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def spec():
    return load_spec(DEMO / "spec.yaml")


@pytest.fixture(scope="module")
def results(spec):
    out = {}
    for f in FILES:
        data = read_survey(DEMO / f, spec)
        out[f] = (data, analyze(data))
    return out


@pytest.mark.parametrize(
    ("header", "q", "sub"),
    [("8(路面平整程度)", 8, "路面平整程度"), ("8、请评价—路面平整程度", 8, "路面平整程度"),
     ("2、您所在的乡镇：", 2, None), ("10（道路 宽度）", 10, "道路 宽度"), ("序号", None, None)],
)  # fmt: skip
def test_parse_header(header: str, q: int | None, sub: str | None) -> None:
    c = parse_header(header)
    assert (c.question, c.sub) == (q, sub)


def test_committed_sample_is_reproducible(tmp_path: Path) -> None:
    """The generator is seeded: regenerating gives the committed files byte for byte."""
    write_demo_survey(tmp_path)
    for f in [*FILES, "spec.yaml", "planted.json"]:
        assert (tmp_path / f).read_bytes() == (DEMO / f).read_bytes(), f


@pytest.mark.parametrize("f", FILES)
def test_planted_problems_found_exactly(results, f: str) -> None:
    data, res = results[f]
    counts = res.cleaning.counts()
    for reason, n in PLANTED["counts"].items():
        assert counts[reason] == n, reason
        flagged = set(data.respondent[res.cleaning.flags[reason].to_numpy()].tolist())
        assert flagged == set(PLANTED["respondents"][reason]), reason
    assert counts["out_of_range"] == 0
    assert res.cleaning.n_kept == PLANTED["n_valid"]


def test_variants_give_identical_scores(results) -> None:
    base = results[FILES[0]][1]
    assert results[FILES[1]][0].variant == "codes" and results[FILES[0]][0].variant == "text"
    for f in FILES[1:]:
        other = results[f][1]
        pd.testing.assert_frame_equal(base.items, other.items)
        pd.testing.assert_frame_equal(base.dimensions, other.dimensions)
        assert base.overall == other.overall
        for g in base.groups:
            pd.testing.assert_frame_equal(base.groups[g], other.groups[g])


def test_item_figures_by_hand(results) -> None:
    """满意率 = (非常满意 + 满意) / valid; 不了解, blanks and skips are not in the denominator;
    the score is the mean of 100/80/60/40/20."""
    data = results[FILES[1]][0]
    res = analyze(data, weighted=False)  # the demo spec has margins: weighted by default
    keep = res.cleaning.keep
    col = data.codes[keep, 5]  # S06 客运班线: the item with skip logic
    valid = col[(col >= 1) & (col <= 5)]
    row = res.items.set_index("code").loc["S06"]
    assert row["n_valid"] == valid.size and row["n_skipped"] == int((col == -3).sum()) > 100
    assert row["rate"] == pytest.approx(np.isin(valid, [1, 2]).mean())
    assert row["score"] == pytest.approx(np.array([100, 80, 60, 40, 20])[valid - 1].mean())


def test_overall_reliability_sample_ipa(results) -> None:
    res = results[FILES[0]][1]
    o = res.overall
    assert o["rate_low"] < o["rate"] < o["rate_high"]
    assert o["score_low"] < o["score"] < o["score_high"]
    assert o["score_ci_method"].startswith("bootstrap")
    assert 0.7 < res.reliability.alpha < 1 and res.validity["kmo"] > 0.6
    assert res.sample["required"] == 373 and res.sample["adequate"]
    assert set(res.ipa["quadrant"]) <= {"继续保持", "重点改进", "过度投入", "次要改进"}
    assert set(res.groups) == {"乡镇", "年龄段"}
    assert res.groups["乡镇"]["n"].sum() == res.cleaning.n_kept


def test_seeded_bootstrap(spec) -> None:
    data = read_survey(DEMO / FILES[1], spec)
    a, b = analyze(data, seed=7), analyze(data, seed=7)
    assert a.overall == b.overall
    assert analyze(data, seed=8).overall["score_low"] != a.overall["score_low"]


def test_weighted_estimates(spec) -> None:
    data = read_survey(DEMO / FILES[1], spec)
    w = analyze(data, weighted=True)
    u = analyze(data, weighted=False)
    assert w.weighting is not None and w.weighting.converged and w.weighting.deff > 1
    assert w.overall["rate"] != u.overall["rate"]
    assert "加权设计效应 deff" in w.sample_zh()["项目"].tolist()


def test_into_the_evaluation(results) -> None:
    res = results[FILES[0]][1]
    item = res.evidence_item("rate")
    assert item["actual"] == f"{res.overall['rate'] * 100:.2f}%"
    assert str(res.cleaning.n_kept) in item["reason"]


# --------------------------------------------------------------------------- bad input
MINI_SCALE = [{"label": lab, "points": p, "code": c} for c, (lab, p) in enumerate(
    [("非常满意", 100), ("满意", 80), ("一般", 60), ("不满意", 40), ("非常不满意", 20)], 1)]
MINI_SPEC = {"name": "小问卷", "items": [{"code": "A", "question": 5, "sub": "甲"},
                                       {"code": "B", "question": 5, "sub": "乙"}],
             "scale": MINI_SCALE, "quality": {"min_duration": None}}  # fmt: skip
HEAD = "序号,所用时间,5(甲),5(乙)\n"


def _spec_file(tmp_path: Path, data: dict | None = None) -> Path:
    import yaml

    p = tmp_path / "spec.yaml"
    p.write_text(yaml.safe_dump(data or MINI_SPEC, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"", ["empty file"]),
        (bytes(range(128, 256)) * 3, ["encoding"]),
        (HEAD.encode(), ["header only"]),
        ("序号,5、评价—甲,5、评价—乙\n1,满意,很满意\n2,满意,满意\n".encode(),
         ["unknown label", "第 2 行", "5、评价—乙", "很满意"]),
        ((HEAD + "1,100秒,1,9\n2,100秒,2,12\n3,100秒,1,1\n").encode(),
         ["codes out of range", "5(乙)", "第 2 行"]),
        ("序号,5(甲),5(甲),5(乙)\n1,1,1,1\n".encode(), ["ambiguous", "5(甲)"]),
        ("序号,5(甲),6(乙)\n1,1,1\n".encode(), ["spec/data mismatch", "B"]),
    ],
)  # fmt: skip
def test_bad_survey_input(tmp_path: Path, content: bytes, fragments: list[str]) -> None:
    data = tmp_path / "问卷.csv"
    data.write_bytes(content)
    with pytest.raises(InputDataError) as ei:
        read_survey(data, load_spec(_spec_file(tmp_path)))
    text = str(ei.value)
    assert "问卷.csv" in text
    for f in fragments:
        assert f in text, (f, text)


def test_bad_spec(tmp_path: Path) -> None:
    bad = {**MINI_SPEC, "items": [{"code": "A", "question": 5, "sub": "甲"},
                                  {"code": "A", "question": 5, "sub": "乙"}]}  # fmt: skip
    with pytest.raises(InputDataError, match="duplicate item codes"):
        load_spec(_spec_file(tmp_path, bad))


def test_scattered_out_of_range_is_a_cleaning_reason(tmp_path: Path) -> None:
    # 6–8 are the "不了解/不适用/说不清" codes; 12 is outside every option
    rows = "".join(f"{i},100秒,{1 + i % 5},{2 if i != 3 else 12}\n" for i in range(1, 21))
    data = tmp_path / "q.csv"
    data.write_text(HEAD + rows, encoding="utf-8")
    c = clean(read_survey(data, load_spec(_spec_file(tmp_path))))
    assert c.counts()["out_of_range"] == 1 and c.excluded()["respondent"].tolist() == [3]


# --------------------------------------------------------------------------- CLI and privacy
def test_cli_outputs_contain_no_personal_data(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["survey", str(DEMO / "spec.yaml"), str(DEMO / FILES[2]), "--out", str(out)]) == 0
    assert "有效答卷" in capsys.readouterr().out
    raw = pd.read_csv(DEMO / FILES[2], encoding="gbk", dtype=str)
    phones = {p for p in raw["9、您的联系电话（选填）："] if p != "(空)"}
    phones |= set(re.findall(r"1[3-9]\d{9}", " ".join(raw.iloc[:, -3].astype(str))))
    names = {n for n in raw["8、您的姓名（选填）："] if n != "(空)"}
    ips = {ip.split("(")[0] for ip in raw["来自IP"]}
    assert len(phones) > 50 and len(names) > 20 and len(ips) > 500
    texts = []
    for f in out.iterdir():
        b = f.read_bytes()
        if f.suffix == ".xlsx":
            z = zipfile.ZipFile(io.BytesIO(b))
            b = b"".join(z.read(n) for n in z.namelist())
        texts.append(b.decode("utf-8", "ignore"))
    blob = "\n".join(texts)
    assert not [p for p in phones if p in blob]
    assert not [n for n in names if n in blob]
    assert not [i for i in ips if i in blob]
    assert "138****" in blob or "139****" in blob or "158****" in blob  # masked, not dropped
    cleaned = pd.read_csv(out / "有效答卷.csv", encoding="utf-8-sig")
    assert len(cleaned) == PLANTED["n_valid"] and "序号" in cleaned.columns
    excluded = pd.read_csv(out / "剔除答卷.csv", encoding="utf-8-sig")
    assert len(excluded) == PLANTED["n_total"] - PLANTED["n_valid"]
    assert list(excluded.columns) == ["序号", "文件行号", "原因"]


def test_cli_bad_input_exit_2(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "空.csv"
    empty.write_bytes(b"")
    rc = main(["survey", str(DEMO / "spec.yaml"), str(empty), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and "空.csv" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_spss_sav_import(tmp_path: Path, spec) -> None:
    """An SPSS file whose variable labels carry the 问卷星 headers (variable names are short, as
    SPSS requires) gives the same figures as the export it was made from."""
    import pyreadstat

    text = pd.read_excel(DEMO / FILES[0], dtype=str, engine="openpyxl")
    sav = tmp_path / "问卷.sav"
    df = text.set_axis([f"v{i}" for i in range(text.shape[1])], axis=1)
    pyreadstat.write_sav(df, str(sav), column_labels=list(text.columns))
    a = analyze(read_survey(sav, spec))
    b = analyze(read_survey(DEMO / FILES[0], spec))
    assert a.overall == b.overall
    assert a.cleaning.n_kept == PLANTED["n_valid"]


def test_duplicate_ip_answers_equal_to_the_full_comparison() -> None:
    """The candidate filter (rows whose answer hash repeats) gives exactly the flags of
    comparing (IP, every answer) over all rows — NaN and blank IPs never flagged; odd item
    counts (padding to whole words) and a single item included."""
    import pandas as pd

    from evallib.survey.clean import _duplicate_ip_answers

    rng = np.random.default_rng(7)
    for n, k, levels in ((4000, 5, 3), (3000, 4, 2), (50, 3, 2), (3000, 9, 2), (500, 1, 3)):
        codes = rng.integers(-1, levels + 1, size=(n, k)).astype(np.int8)
        ip = rng.choice(np.array(["10.0.0.1", "10.0.0.2", "", None, "::1"], dtype=object), n)
        full = pd.DataFrame(codes).assign(ip=pd.factorize(pd.Series(ip))[0])
        expected = full.duplicated(keep="first").to_numpy() & (
            pd.Series(ip).fillna("").to_numpy() != ""
        )
        got = _duplicate_ip_answers(codes, ip)
        assert np.array_equal(got, expected) and expected.any()


