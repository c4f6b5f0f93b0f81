"""Write the survey-export corpus of this folder (see README.md for each file's origin).

The header rows, meta columns, markers, encodings and code orders reproduce the platforms'
published export shapes; every personal value (names, phones, IPs, OpenIDs, e-mails) is fake,
drawn here with the same shape.  Run ``python tests/data/surveys/make_corpus.py`` (needs
``xlwt`` for the legacy .xls, ``pyreadstat`` for .sav); the files are committed, so the tests
never run this.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
N = 90
SAT = ["非常不满意", "不满意", "一般", "满意", "非常满意"]  # questionnaire order: worst first
AGREE = ["非常不同意", "不同意", "一般", "同意", "非常同意"]
SUBS = ["办事效率", "服务态度", "信息公开", "设施环境"]
TOWNS = ["城关镇", "东河镇", "西山乡"]
BRANDS = ["华为", "苹果", "小米", "OPPO", "vivo"]
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
PROVINCES = [("湖南", "长沙"), ("湖南", "株洲"), ("湖北", "武汉"), ("江西", "南昌")]


def base(seed: int = 20261202) -> pd.DataFrame:
    """One survey's answers as positions in questionnaire order (0-based; 5 = 不了解)."""
    rng = np.random.default_rng(seed)
    lat = rng.normal(3.0, 0.8, N)
    sat = np.clip(np.rint(lat[:, None] + rng.normal(0, 0.7, (N, 4))), 0, 4).astype(int)
    sat[rng.random((N, 4)) < 0.04] = 5  # 不了解
    rev = np.clip(np.rint(4 - lat + rng.normal(0, 0.7, N)), 0, 4).astype(int)
    df = pd.DataFrame({f"s{j}": sat[:, j] for j in range(4)})
    df["rev"] = rev
    df["nps"] = np.clip(np.rint(lat * 2.2 + rng.normal(0, 1.2, N)), 0, 10).astype(int)
    df["town"] = rng.integers(0, 3, N)
    df["brand"] = rng.integers(0, 5, N)
    df["phones_owned"] = rng.integers(1, 4, N)
    df["dur"] = rng.integers(70, 900, N)
    df.loc[[5, 17, 40], "dur"] = [25, 31, 48]  # speeders
    df["phone"] = [f"1{rng.integers(3, 10)}{rng.integers(0, 10**9):09d}" for _ in range(N)]
    df.loc[60, "phone"] = df.loc[12, "phone"]  # the same person twice
    df.loc[71, "phone"] = df.loc[3, "phone"]
    df["name"] = [
        SURNAMES[rng.integers(10)]
        + "".join(GIVEN[i] for i in rng.integers(0, len(GIVEN), rng.integers(1, 3)))
        for _ in range(N)
    ]
    df["ip"] = [f"{rng.integers(36, 223)}.{rng.integers(0, 256)}.{rng.integers(0, 256)}."
                f"{rng.integers(1, 255)}" for _ in range(N)]  # fmt: skip
    df["loc"] = rng.integers(0, len(PROVINCES), N)
    df["skip"] = rng.random(N) < 0.15  # 设施环境 not asked (skip logic)
    df["blank"] = rng.random(N) < 0.05  # 信息公开 left blank
    df.loc[[8, 9], ["s0", "s1", "s2", "s3"]] = [[0, 0, 0, 0], [4, 4, 4, 4]]
    start = dt.datetime(2026, 10, 9, 8, 0, 0)
    df["t0"] = [start + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 60 * 24 * 9, N)]
    df["t1"] = df["t0"] + pd.to_timedelta(df["dur"], unit="s")
    df["opinion"] = [rng.choice(["希望延长办事时间", f"有事请打{p}", "服务很好", "无"])
                     for p in df["phone"]]  # fmt: skip
    return df


def _h(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def _sat_text(df: pd.DataFrame, j: int, labels: list[str] = SAT) -> list[str]:
    out = []
    for i, v in enumerate(df[f"s{j}"]):
        if j == 3 and df["skip"][i]:
            out.append("(跳过)")
        elif j == 2 and df["blank"][i]:
            out.append("(空)")
        else:
            out.append("不了解" if v == 5 else labels[v])
    return out


def _sat_code(df: pd.DataFrame, j: int, worst_first: bool = True) -> list[int]:
    out = []
    for i, v in enumerate(df[f"s{j}"]):
        if j == 3 and df["skip"][i]:
            out.append(-3)
        elif j == 2 and df["blank"][i]:
            out.append(-2)
        elif v == 5:
            out.append(6)
        else:
            out.append(v + 1 if worst_first else 5 - v)
    return out


def _wjx_meta(df: pd.DataFrame) -> dict[str, list]:
    return {
        "序号": list(range(1, N + 1)),
        "提交答卷时间": [t.strftime("%Y/%m/%d %H:%M:%S") for t in df["t1"]],
        "所用时间": [f"{d}秒" for d in df["dur"]],
        "来源": ["手机提交" if i % 3 else "链接" for i in range(N)],
        "来源详情": ["微信" if i % 2 else "直接访问" for i in range(N)],
        "来自IP": [
            f"{ip}({PROVINCES[k][0]}-{PROVINCES[k][1]})"
            for ip, k in zip(df["ip"], df["loc"], strict=True)
        ],
    }


Q3 = "3、您对以下方面的满意程度"


def wjx_text(df: pd.DataFrame) -> pd.DataFrame:
    cols = _wjx_meta(df)
    cols["1、您所在的乡镇："] = [TOWNS[t] for t in df["town"]]
    cols["2、您使用的手机品牌："] = [BRANDS[b] for b in df["brand"]]
    for j, s in enumerate(SUBS):
        cols[f"{Q3}—{s}"] = _sat_text(df, j)
    cols["4、办事需要多次往返（您是否同意）"] = [AGREE[v] for v in df["rev"]]
    cols["5、您的姓名："] = list(df["name"])
    cols["6、您的手机号码："] = list(df["phone"])
    cols["7、您的意见和建议："] = list(df["opinion"])
    return pd.DataFrame(cols)


def wjx_codes(df: pd.DataFrame, header: str = "paren") -> pd.DataFrame:
    cols = _wjx_meta(df)
    cols["1、您所在的乡镇："] = [t + 1 for t in df["town"]]
    cols["2、您使用的手机品牌："] = [b + 1 for b in df["brand"]]
    for j, s in enumerate(SUBS):
        name = f"3({s})" if header == "paren" else f"3、({s})"
        cols[name] = _sat_code(df, j)
    cols["4、办事需要多次往返（您是否同意）"] = [v + 1 for v in df["rev"]]
    cols["5、您的姓名："] = list(df["name"])
    cols["6、您的手机号码："] = list(df["phone"])
    for k, b in enumerate(BRANDS[:3]):  # a multi-choice question: one 0/1 column per option
        name = f"8({b})" if header == "paren" else f"8、({b})"
        cols[name] = [int((i + k) % 3 == 0) for i in range(N)]
    return pd.DataFrame(cols)


def legacy_xls(df: pd.DataFrame) -> pd.DataFrame:
    """Older 问卷星 exports number columns 第N题(子题)."""
    cols = _wjx_meta(df)
    cols["第1题"] = [TOWNS[t] for t in df["town"]]
    for j, s in enumerate(SUBS):
        cols[f"第3题({s})"] = _sat_text(df, j)
    cols["第6题"] = list(df["phone"])
    return pd.DataFrame(cols)


def tencent(df: pd.DataFrame) -> pd.DataFrame:
    cols = {
        "编号": list(range(1, N + 1)),
        "开始答题时间": [t.strftime("%d-%b-%Y %H:%M:%S") for t in df["t0"]],
        "结束答题时间": [t.strftime("%d-%b-%Y %H:%M:%S") for t in df["t1"]],
        "答题时长": [str(d) for d in df["dur"]],
        "地理位置国家和地区": ["中国"] * N,
        "地理位置省": [PROVINCES[k][0] for k in df["loc"]],
        "地理位置市": [PROVINCES[k][1] for k in df["loc"]],
        "自定义字段": [""] * N,
        "用户类型": ["微信"] * N,
        "用户标识": ["o" + _h(p)[:27] for p in df["phone"]],
        "昵称": [n[0] + "小" + n[-1] for n in df["name"]],
        "IP": list(df["ip"]),
        "1.您所在的乡镇": [TOWNS[t] for t in df["town"]],
        "2.您拥有几部手机": [str(x) for x in df["phones_owned"]],
    }
    for j, s in enumerate(SUBS):
        cols[f"3.您对以下方面的满意程度:{s}"] = [
            "" if v in ("(跳过)", "(空)") else v for v in _sat_text(df, j)]  # fmt: skip
    cols["4.您的联系电话_填空1"] = list(df["phone"])
    return pd.DataFrame(cols)


def wenjuanwang(df: pd.DataFrame) -> pd.DataFrame:
    cols = {
        "答卷编号": [100000 + i for i in range(N)],
        "用户名": ["匿名用户"] * (N - 5) + ["wjw_user01", "wjw_user02", "zhang_s", "li_si", "w5"],
        "邮件": [f"user{i:03d}@example.com" if i % 4 == 0 else "" for i in range(N)],
        "开始时间": [t.strftime("%Y-%m-%d %H:%M:%S") for t in df["t0"]],
        "结束时间": [t.strftime("%Y-%m-%d %H:%M:%S") for t in df["t1"]],
        "答题时长": [f"{d // 60}分{d % 60}秒" if d >= 60 else f"{d}秒" for d in df["dur"]],
        "IP地址": list(df["ip"]),
        "来源渠道": ["微信" if i % 2 else "链接" for i in range(N)],
        "Q1_您所在的乡镇": [TOWNS[t] for t in df["town"]],
    }
    for j, s in enumerate(SUBS):
        cols[f"Q2_您对以下方面的满意程度_{s}"] = [
            "跳过" if v == "(跳过)" else ("" if v == "(空)" else v) for v in _sat_text(df, j)]
    cols["Q3_以下说法您是否同意_办事需要多次往返"] = [AGREE[v] for v in df["rev"]]
    cols["Q4_您的手机号码"] = list(df["phone"])
    return pd.DataFrame(cols)


def jinshuju(df: pd.DataFrame) -> pd.DataFrame:
    cols = {"序号": list(range(1, N + 1)),
            "您所在的乡镇": [TOWNS[t] for t in df["town"]],
            "总体而言，您对政务服务的满意程度打几分？（0-10分）": list(df["nps"])}  # fmt: skip
    for j, s in enumerate(SUBS[:2]):
        cols[f"您对{s}的满意程度"] = [v if v not in ("(跳过)", "(空)") else "" for v in
                                  _sat_text(df, j)]  # fmt: skip
    cols["您的姓名"] = list(df["name"])
    cols["手机号码"] = list(df["phone"])
    cols["备注"] = [""] * N
    cols["提交人"] = ["访客"] * N
    cols["填写设备"] = ["手机" if i % 3 else "电脑" for i in range(N)]
    cols["操作系统"] = ["Android" if i % 2 else "iOS" for i in range(N)]
    cols["浏览器"] = ["微信内置浏览器"] * N
    cols["填写时长"] = [f"{d // 3600:02d}:{d % 3600 // 60:02d}:{d % 60:02d}" for d in df["dur"]]
    cols["填写地区"] = [f"{PROVINCES[k][0]}省{PROVINCES[k][1]}市" for k in df["loc"]]
    cols["IP"] = list(df["ip"])
    cols["提交时间"] = [t.strftime("%Y-%m-%d %H:%M:%S") for t in df["t1"]]
    cols["修改时间"] = cols["提交时间"]
    cols["微信昵称"] = [n[0] + "先生" if i % 2 else "🌸" + n[-1] for i, n in enumerate(df["name"])]
    cols["微信OpenID"] = ["oXyZ" + _h(n + str(i))[:24] for i, n in enumerate(df["name"])]
    out = pd.DataFrame(cols)
    out.insert(out.columns.get_loc("备注") + 1, "备注", [""] * N, allow_duplicates=True)
    return out


def credamo(df: pd.DataFrame) -> pd.DataFrame:
    """见数 code export, options numbered best first (1 = 非常满意), 不了解 = 6."""
    cols = {
        "作答ID": [700000 + i for i in range(N)],
        "用户ID": [f"u{8000000 + i * 37}" for i in range(N)],
        "开始时间": [t.strftime("%Y-%m-%d %H:%M:%S") for t in df["t0"]],
        "提交时间": [t.strftime("%Y-%m-%d %H:%M:%S") for t in df["t1"]],
        "作答时长(秒)": list(df["dur"]),
        "IP": list(df["ip"]),
        "作答状态": ["已完成"] * N,
        "Q1.您所在的乡镇": [t + 1 for t in df["town"]],
    }
    for j, s in enumerate(SUBS):
        cols[f"Q2_{s}"] = [("" if c == -2 else c) for c in _sat_code(df, j, worst_first=False)]
    cols["Q3.您的手机号码"] = list(df["phone"])
    return pd.DataFrame(cols)


def spss(df: pd.DataFrame, path: Path) -> None:
    import pyreadstat

    data = pd.DataFrame({
        "Q1": [t + 1 for t in df["town"]],
        **{f"Q3_{j + 1}": _sat_code(df, j) for j in range(4)},
        "Q4": [v + 1 for v in df["rev"]],
        "Q7": [str(x) for x in df["opinion"]],
        "Q8": ["" for _ in range(N)],
    })  # fmt: skip
    labels = ["1、您所在的乡镇：", *[f"{Q3}—{s}" for s in SUBS],
              "4、办事需要多次往返（您是否同意）", "其他意见", "其他意见"]  # fmt: skip
    sat = {1.0: "非常不满意", 2.0: "不满意", 3.0: "一般", 4.0: "满意", 5.0: "非常满意",
           6.0: "不了解", -3.0: "跳过", -2.0: "空"}  # fmt: skip
    vlab = {f"Q3_{j + 1}": sat for j in range(4)}
    vlab["Q1"] = {float(i + 1): t for i, t in enumerate(TOWNS)}
    vlab["Q4"] = {float(i + 1): a for i, a in enumerate(AGREE)}
    pyreadstat.write_sav(data, str(path), column_labels=labels, variable_value_labels=vlab)


def _csv(df: pd.DataFrame, encoding: str, *, quote_all: bool = False,
         trailing_comma: bool = False, bom: bool = False) -> bytes:  # fmt: skip
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                   lineterminator="\r\n")  # fmt: skip
    for row in [list(df.columns), *df.astype(str).to_numpy().tolist()]:
        w.writerow(row + ([""] if trailing_comma else []))
    text = buf.getvalue()
    if trailing_comma:  # 腾讯问卷 ends each line with a comma, no empty quoted field
        text = text.replace(',""\r\n', ",\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def _xls(df: pd.DataFrame, path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    for j, c in enumerate(df.columns):
        ws.write(0, j, c)
    for i, row in enumerate(df.itertuples(index=False), 1):
        for j, v in enumerate(row):
            ws.write(i, j, v.item() if hasattr(v, "item") else v)
    wb.save(str(path))


def main() -> None:
    df = base()
    wjx_text(df).to_excel(HERE / "wjx_text.xlsx", index=False, sheet_name="Sheet1")
    wjx_codes(df).to_excel(HERE / "wjx_codes.xlsx", index=False, sheet_name="Sheet1")
    (HERE / "wjx_codes_gbk.csv").write_bytes(_csv(wjx_codes(df, "dun"), "gbk"))
    (HERE / "wjx_text_utf8.csv").write_bytes(_csv(wjx_text(df), "utf-8", bom=True))
    _xls(legacy_xls(df), HERE / "wjx_legacy.xls")
    spss(df, HERE / "wjx_spss.sav")
    (HERE / "tencent.csv").write_bytes(
        _csv(tencent(df), "utf-8", quote_all=True, trailing_comma=True, bom=True))
    wenjuanwang(df).to_excel(HERE / "wenjuanwang.xlsx", index=False, sheet_name="答卷数据")
    jinshuju(df).to_excel(HERE / "jinshuju.xlsx", index=False, sheet_name="Sheet1")
    (HERE / "credamo.csv").write_bytes(_csv(credamo(df), "utf-8", bom=True))


if __name__ == "__main__":
    main()
