"""Seeded generators of realistic surveys: a 问卷星-style export with planted problems (for the
demo, tests and docs) and a fast in-memory simulator (for benchmarks).

The demo survey is a rural-road project's beneficiary survey: 12 matrix items in 3 dimensions,
6 importance items, groups 乡镇 and 年龄段, a multi-choice question whose answer drives a skip
(respondents who do not take the bus skip the 客运班线 item), optional name and phone, and an
open question.  Planted problems are disjoint, so the cleaning must find exactly their counts;
they are listed in ``planted.json`` and the README next to the files.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..fileio import atomic_write_bytes, atomic_write_text, deterministic_zip
from .importer import SurveyData
from .spec import QuestionnaireSpec, ScaleLevel

__all__ = ["DEMO_ITEMS", "demo_spec", "simulate", "write_demo_survey"]

TOWNS = ["城关镇", "东河镇", "西山乡", "南湖镇", "北岭乡"]
AGES = ["18-29岁", "30-44岁", "45-59岁", "60岁及以上"]
MODES = ["步行", "电动车", "摩托车", "小汽车", "公交车"]
LABELS = ["非常满意", "满意", "一般", "不满意", "非常不满意", "不了解"]
IMP_LABELS = ["非常重要", "重要", "一般", "不重要", "非常不重要"]
DEMO_ITEMS = {
    "道路建设": ["路面平整程度", "道路宽度", "排水设施", "施工质量"],
    "出行服务": ["出行便利程度", "客运班线", "安全防护设施", "标志标线"],
    "管理养护": ["日常养护", "问题反映渠道", "施工期间交通组织", "项目信息公开"],
}
IMPORTANCE = ["路面平整程度", "施工质量", "出行便利程度", "客运班线", "日常养护", "问题反映渠道"]
Q_SAT, Q_IMP = 5, 6
PLANTED = {
    "speeder": 20,
    "duplicate_ip": 8,
    "duplicate_phone": 6,
    "straightliner": 15,
    "incomplete": 12,
}
N_TOTAL = 600
HEAD_SAT = "请您对项目以下方面的满意程度进行评价"
HEAD_IMP = "您认为以下方面的重要程度如何"


def demo_spec() -> dict[str, Any]:
    """The questionnaire spec (as a mapping, written to spec.yaml) of the demo survey."""
    items = []
    k = 0
    for dim, subs in DEMO_ITEMS.items():
        for s in subs:
            k += 1
            items.append({"code": f"S{k:02d}", "question": Q_SAT, "sub": s, "dimension": dim})
    for s in IMPORTANCE:
        code = next(i["code"] for i in items if i["sub"] == s)
        items.append({"code": f"I{code[1:]}", "question": Q_IMP, "sub": s, "importance_of": code})
    # The questionnaire lists 非常满意 first, so the 按选项序号 export codes it 1.
    scale = [
        {"label": lab, "points": pts, "aliases": [imp], "code": code}
        for code, (lab, pts, imp) in enumerate(
            zip(LABELS[:5], [100, 80, 60, 40, 20], IMP_LABELS, strict=True), 1
        )
    ]
    return {
        "name": "某县农村公路提档升级项目服务对象满意度调查",
        "population": 12000,
        "scale": scale,
        "missing_labels": ["不了解", "不适用", "说不清"],
        "missing_codes": [6, 7, 8],
        "satisfied_top": 2,
        "items": items,
        "dimensions": [
            {"name": "道路建设", "weight": 0.4},
            {"name": "出行服务", "weight": 0.35},
            {"name": "管理养护", "weight": 0.25},
        ],
        "groups": [
            {"name": "乡镇", "question": 2, "labels": dict(enumerate(TOWNS, 1))},
            {"name": "年龄段", "question": 3, "labels": dict(enumerate(AGES, 1))},
        ],
        "pii": [{"question": 8, "kind": "name"}, {"question": 9, "kind": "phone"}],
        "quality": {"min_duration": 60, "straightline_min_items": 8, "max_blank_share": 0.5},
        "margins": {
            "乡镇": {"城关镇": 3600, "东河镇": 2600, "西山乡": 2000, "南湖镇": 2200, "北岭乡": 1600}
        },
        "seed": 20261122,
    }


def _natural(rng: np.random.Generator, n: int, town: np.ndarray) -> np.ndarray:
    """Answers 1..6 (6 = 不了解) from a latent satisfaction with town and item effects."""
    k = sum(len(v) for v in DEMO_ITEMS.values())
    town_eff = np.array([0.3, 0.1, -0.35, 0.15, -0.2])[town]
    item_eff = rng.normal(0, 0.25, k)
    latent = rng.normal(1.45, 0.8, n)[:, None] + town_eff[:, None] + item_eff[None, :]
    latent = latent + rng.normal(0, 0.6, (n, k))
    cuts = np.array([1.35, 0.1, -0.7, -1.5])  # 非常满意 > 1.35 > 满意 > 0.1 > 一般 ...
    codes = 1 + (latent[:, :, None] < cuts[None, None, :]).sum(axis=2)
    dk = rng.random((n, k)) < 0.025
    codes[dk] = 6
    return codes


def _alike(c: np.ndarray, skipped_item: int | None) -> bool:
    """True when every asked item has the same scale answer."""
    asked = np.delete(c, skipped_item) if skipped_item is not None else c
    return len(set(asked[(asked >= 1) & (asked <= 5)])) <= 1


def _rows(rng: np.random.Generator) -> list[dict[str, Any]]:
    k = sum(len(v) for v in DEMO_ITEMS.values())
    # duplicate_ip rows are copies added afterwards; the others are drawn here.
    kinds = ["natural"] * (N_TOTAL - sum(PLANTED.values())) + [
        k_ for k_, c in PLANTED.items() for _ in range(c) if k_ != "duplicate_ip"
    ]
    rng.shuffle(kinds)
    n = len(kinds)
    town = rng.choice(5, n, p=[0.3, 0.22, 0.16, 0.18, 0.14])
    codes = _natural(rng, n, town)
    rows = []
    t0 = dt.datetime(2026, 9, 3, 8, 0, 0)
    phones_used: list[str] = []
    for i, kind in enumerate(kinds):
        c = codes[i].copy()
        modes = [m for m in MODES if rng.random() < {"公交车": 0.45}.get(m, 0.35)] or ["步行"]
        bus_item = list(DEMO_ITEMS["出行服务"]).index("客运班线") + 4
        skipped = "公交车" not in modes

        # keep reasons disjoint: nobody but the planted straight-liners answers all alike
        while kind != "straightliner" and _alike(c, bus_item if skipped else None):
            c = _natural(rng, 1, town[i : i + 1])[0]
        dur = int(rng.integers(90, 900))
        if kind == "speeder":
            dur = int(rng.integers(18, 58))
        if kind == "straightliner":
            c[:] = rng.choice([1, 2])
        if kind == "incomplete":
            blank = rng.choice(k, size=int(rng.integers(8, 12)), replace=False)
            c[blank] = 0
        elif kind == "natural" and rng.random() < 0.05:
            c[rng.integers(k)] = 0  # a single blank: kept
        if skipped:
            c[bus_item] = -3
        imp = rng.choice([1, 2, 3], size=len(IMPORTANCE), p=[0.45, 0.4, 0.15])
        has_phone = rng.random() < 0.4
        phone = f"1{rng.choice([3, 5, 8])}{rng.integers(100000000, 999999999)}" if has_phone else ""
        if kind == "duplicate_phone":
            phone = phones_used[int(rng.integers(len(phones_used)))] if phones_used else phone
        if phone and kind != "duplicate_phone":
            phones_used.append(phone)
        name = rng.choice(list("王李张刘陈杨赵黄周吴")) + rng.choice(
            ["明", "华", "芳", "军", "丽", "强"]
        )
        rows.append(
            {
                "kind": kind,
                "codes": c,
                "imp": imp,
                "town": int(town[i]) + 1,
                "age": int(rng.choice(4, p=[0.15, 0.3, 0.33, 0.22])) + 1,
                "modes": modes,
                "duration": dur,
                "ip": f"36.{rng.integers(100, 200)}.{rng.integers(0, 255)}.{rng.integers(1, 255)}",
                "phone": phone,
                "name": name if has_phone else "",
                "sex": int(rng.integers(1, 3)),
                "advice": ""
                if rng.random() < 0.7
                else rng.choice(
                    [
                        "希望加强日常养护",
                        "建议增加公交班次",
                        f"路灯不亮，请联系我{phone or '13900001111'}",
                        "排水沟经常堵塞",
                        "总体很好",
                    ]
                ),
            }
        )
    # duplicates: copies (same IP and answers) of earlier natural responses, placed after them
    naturals = [i for i, r in enumerate(rows) if r["kind"] == "natural"]
    picks = rng.choice(naturals[: len(naturals) // 2], size=PLANTED["duplicate_ip"], replace=False)
    copies = []
    for src in picks:
        dup = {**rows[src], "kind": "duplicate_ip", "phone": "", "name": ""}
        copies.append((int(src) + int(rng.integers(5, 30)), dup))
    for pos, dup in sorted(copies, key=lambda x: -x[0]):  # from the end: positions stay valid
        rows.insert(pos + 1, dup)
    for r in rows:
        r["time"] = t0
        t0 = t0 + dt.timedelta(minutes=int(rng.integers(2, 40)))
    return rows


def _frames(rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(text variant, codes variant) as DataFrames with 问卷星 headers."""
    subs = [s for v in DEMO_ITEMS.values() for s in v]
    text, codes = [], []
    for i, r in enumerate(rows, 1):
        meta = {
            "序号": i,
            "提交答卷时间": r["time"].strftime("%Y/%m/%d %H:%M:%S"),
            "所用时间": f"{r['duration']}秒",
            "来源": "手机提交",
            "来源详情": "微信",
            "来自IP": f"{r['ip']}(湖南-郴州)",
        }
        t = dict(meta)
        c = dict(meta)
        t["1、您的性别："] = ["男", "女"][r["sex"] - 1]
        c["1、您的性别："] = r["sex"]
        t["2、您所在的乡镇："] = TOWNS[r["town"] - 1]
        c["2、您所在的乡镇："] = r["town"]
        t["3、您的年龄段："] = AGES[r["age"] - 1]
        c["3、您的年龄段："] = r["age"]
        t["4、您主要的出行方式："] = "┋".join(r["modes"])
        for m in MODES:
            c[f"4({m})"] = int(m in r["modes"])
        for s, v in zip(subs, r["codes"], strict=True):
            t[f"{Q_SAT}、{HEAD_SAT}—{s}"] = (
                "(空)" if v == 0 else "(跳过)" if v == -3 else LABELS[v - 1]
            )
            c[f"{Q_SAT}({s})"] = -2 if v == 0 else int(v)
        for s, v in zip(IMPORTANCE, r["imp"], strict=True):
            t[f"{Q_IMP}、{HEAD_IMP}—{s}"] = IMP_LABELS[v - 1]
            c[f"{Q_IMP}({s})"] = int(v)
        for frame in (t, c):
            frame["7、您对本项目还有哪些意见和建议？"] = r["advice"] or "(空)"
            frame["8、您的姓名（选填）："] = r["name"] or "(空)"
            frame["9、您的联系电话（选填）："] = r["phone"] or "(空)"
        text.append(t)
        codes.append(c)
    return pd.DataFrame(text), pd.DataFrame(codes)


def _xlsx(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, index=False, sheet_name="Sheet1")
    return deterministic_zip(buf.getvalue())


def write_demo_survey(folder: str | Path, seed: int = 20261122) -> dict[str, Any]:
    """Write the demo survey files and return what was planted.

    Files: 问卷星_按选项文本.xlsx, 问卷星_按选项序号.xlsx, 问卷星_按选项文本_GBK.csv, spec.yaml,
    planted.json.
    """
    folder = Path(folder)
    rng = np.random.default_rng(seed)
    rows = _rows(rng)
    text, codes = _frames(rows)
    atomic_write_bytes(folder / "问卷星_按选项文本.xlsx", _xlsx(text))
    atomic_write_bytes(folder / "问卷星_按选项序号.xlsx", _xlsx(codes))
    csv = text.to_csv(index=False, lineterminator="\r\n")
    atomic_write_bytes(folder / "问卷星_按选项文本_GBK.csv", csv.encode("gbk"))
    atomic_write_text(
        folder / "spec.yaml",
        "# 问卷说明（示例调查，由 evallib.survey.generate 生成）\n"
        + yaml.safe_dump(demo_spec(), allow_unicode=True, sort_keys=False),
    )
    counts = {k: sum(r["kind"] == k for r in rows) for k in PLANTED}
    planted = {
        "seed": seed,
        "n_total": len(rows),
        "counts": counts,
        "respondents": {k: [i for i, r in enumerate(rows, 1) if r["kind"] == k] for k in PLANTED},
        "n_valid": len(rows) - sum(counts.values()),
        "skip_logic": "不选「公交车」的受访者跳过第5题「客运班线」(跳过 / -3)",
    }
    atomic_write_text(
        folder / "planted.json", json.dumps(planted, ensure_ascii=False, indent=2) + "\n"
    )
    return planted


def simulate(
    n: int, n_items: int = 30, *, n_dims: int = 3, n_groups: int = 5, seed: int = 0
) -> SurveyData:
    """An in-memory survey of ``n`` respondents (for benchmarks): int8 codes from a latent
    model, 5 group columns, durations, IPs as strings of integers, 1 % speeders."""
    rng = np.random.default_rng(seed)
    levels = [
        ScaleLevel(label=lab, points=p)
        for lab, p in zip(LABELS[:5], [100, 80, 60, 40, 20], strict=True)
    ]
    dims = [f"维度{d + 1}" for d in range(n_dims)]
    spec = QuestionnaireSpec(
        name="benchmark",
        population=10 * n,
        scale=levels,
        items=[
            {"code": f"Q{j + 1}", "question": 1, "sub": f"题{j + 1}", "dimension": dims[j % n_dims]}
            for j in range(n_items)
        ],
        dimensions=[{"name": d} for d in dims],
        groups=[{"name": f"分组{g + 1}", "column": f"g{g + 1}"} for g in range(n_groups)],
    )
    latent = rng.standard_normal(n, dtype=np.float32)[:, None]
    noise = rng.standard_normal((n, n_items), dtype=np.float32)
    x = latent + 0.8 * noise
    codes = (
        1 + (x[:, :, None] < np.array([1.2, 0.0, -0.8, -1.6], dtype=np.float32)).sum(axis=2)
    ).astype(np.int8)
    codes[rng.random((n, n_items)) < 0.01] = 0
    groups = pd.DataFrame(
        {
            f"分组{g + 1}": pd.Categorical.from_codes(
                rng.integers(0, 6, n), [f"类{i}" for i in range(6)]
            )
            for g in range(n_groups)
        }
    )
    dur = rng.integers(90, 900, n).astype(float)
    dur[rng.random(n) < 0.01] = 30
    return SurveyData(
        spec=spec,
        codes=codes,
        respondent=np.arange(1, n + 1),
        rows=np.arange(2, n + 2),
        duration=dur,
        ip=rng.integers(0, n, n).astype(str).astype(object),
        phone=None,
        groups=groups,
        meta=pd.DataFrame(index=range(n)),
        pii=pd.DataFrame(index=range(n)),
        source="simulate",
        variant="codes",
    )
