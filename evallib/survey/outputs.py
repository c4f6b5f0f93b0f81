"""Write a survey analysis to disk: masked cleaned data, excluded responses with reasons, the
report tables (Excel) and a deterministic summary (JSON).  No name, phone, ID number or IP
leaves unmasked; respondents are identified by the export's 序号."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..fileio import atomic_write_bytes, atomic_write_text
from ..inert import csv_bytes, frames_xlsx
from .analysis import SurveyResult, points_matrix
from .importer import SurveyData, parse_header
from .privacy import mask_frame, mask_value, scrub_text
from .spec import CODE_INVALID

__all__ = ["answers_frame", "write_outputs"]

FILES = ("有效答卷.csv", "剔除答卷.csv", "满意度分析.xlsx", "survey_summary.json")


def answers_frame(data: SurveyData, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Respondent-level table safe to share and audit: 序号, metadata, groups, each item's
    answer exactly as the export gave it (code or text) beside the points it was scored
    (reverse items mirrored), masked personal columns and scrubbed kept text.  No column
    overwrites another: a name met twice gets a "（2）"."""
    idx = np.arange(data.n) if rows is None else rows
    spec = data.spec
    cols: dict[str, Any] = {}

    def put(name: str, values: Any) -> None:
        base, i = name, 2
        while name in cols:
            name, i = f"{base}（{i}）", i + 1
        cols[name] = values

    put("序号", data.respondent[idx])
    put("所用时间(秒)", data.duration[idx])
    meta = data.meta.iloc[idx].reset_index(drop=True)
    for key, zh in (("submitted", "提交答卷时间"), ("province", "省份"), ("city", "城市")):
        put(zh, meta[key].to_numpy())
    if data.ip is not None:
        put("IP（已脱敏）", [mask_value(v, "ip") for v in data.ip[idx]])
    for g in data.groups.columns:
        put(f"分组：{g}", data.groups[g].iloc[idx].astype(str).to_numpy())
    pts = points_matrix(data.codes[idx], spec)
    for j, it in enumerate(spec.items):
        put(f"{it.code} {it.label}（原始答案）", _given(data, it.code, j, idx))
        put(f"{it.code} 得分", pts[:, j].astype(np.float64))
    kinds = data.pii.attrs.get("kinds", {})
    if kinds:
        masked = mask_frame(data.pii.iloc[idx].reset_index(drop=True), kinds)
        for col in masked.columns:
            put(f"{col}（已脱敏）", masked[col].to_numpy())
    kept = _kept_text(data)
    if kept:
        shapeless = [c for c in data.pii.columns if kinds.get(c) in ("name", "address", "other")]
        known = {str(v).strip() for c in shapeless for v in data.pii[c].dropna()}
        for col in kept:
            put(f"{col}（已去除个人信息）", [
                scrub_text(str(v), known) if pd.notna(v) else "" for v in data.extra[col].iloc[idx]
            ])  # fmt: skip
    return pd.DataFrame(cols)


def _given(data: SurveyData, code: str, j: int, idx: np.ndarray) -> np.ndarray:
    """An item's answers as given; a value that is no option (out of range) is scrubbed of
    personal data, since it may be anything a respondent typed."""
    if data.answers.empty or code not in data.answers:
        return data.codes[idx, j].astype(np.int64)
    given = data.answers[code].iloc[idx].to_numpy(dtype=object)
    bad = data.codes[idx, j] == CODE_INVALID
    for i in np.flatnonzero(bad):
        given[i] = scrub_text(str(given[i]))
    return given


def _kept_text(data: SurveyData) -> list[str]:
    """Free-text columns the spec keeps (``keep_text``: column names or question numbers)."""
    if data.extra.empty or not data.spec.keep_text:
        return []
    wanted = {str(k).strip() for k in data.spec.keep_text}
    kept = []
    for col in data.extra.columns:
        q = parse_header(col).question
        if col in wanted or (q is not None and str(q) in wanted):
            kept.append(col)
    return kept


def _csv(df: pd.DataFrame) -> bytes:
    # UTF-8 with BOM: opens correctly in Chinese Excel; every field inert.
    return csv_bytes(df)


def write_outputs(result: SurveyResult, data: SurveyData, out: str | Path) -> list[Path]:
    """Write the outputs (all computed in memory first, then written atomically)."""
    out = Path(out)
    kept = np.where(result.cleaning.keep)[0]
    cleaned = _csv(answers_frame(data, kept))
    excluded = _csv(result.cleaning.excluded().drop(columns=["reasons"]).rename(
        columns={"respondent": "序号", "row": "文件行号"}))  # fmt: skip
    sheets = {
        "样本与清洗": result.cleaning.table_zh(),
        "样本量": result.sample_zh(),
        "题目": result.items_zh(),
        "维度": result.dimensions_zh(),
    }
    for g in result.groups:
        sheets[f"分组-{g}"] = result.groups_zh(g)
    sheets["信度效度"] = result.reliability_zh()
    if result.reliability is not None:
        sheets["题目信度"] = result.reliability.table_zh()
    if result.ipa is not None:
        sheets["IPA"] = result.ipa.rename(columns={"code": "编码", "label": "题目",
                                                   "importance": "重要性", "performance": "满意度",
                                                   "quadrant": "象限"})  # fmt: skip
    xlsx = frames_xlsx(sheets, index={"题目信度": True})
    summary = json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    paths = [out / f for f in FILES]
    for p, data_ in zip(paths, (cleaned, excluded, xlsx, summary.encode()), strict=True):
        atomic_write_bytes(p, data_)
    atomic_write_text(out / "survey_summary.txt", result.summary_zh() + "\n")
    return [*paths, out / "survey_summary.txt"]
