"""Read survey exports (问卷星 按选项文本 / 按选项序号, 腾讯问卷-like CSV/XLSX, SPSS .sav) into
a :class:`SurveyData`: an int8 code matrix for the scored items plus respondent metadata.

问卷星 conventions handled (RULES.md §8): the six meta columns 序号, 提交答卷时间, 所用时间
("123秒"), 来源, 来源详情, 来自IP ("1.2.3.4(省-市)"); question headers "N、题干"; matrix rows
"N(子题)" or "N、题干—子题"; multi-choice joined by "┋" or one 0/1 column per option; "(跳过)" or
-3 for questions skipped by logic; "(空)" for blanks; "其他〖…〗" open text.  CSV may be UTF-8
(with BOM) or GBK/GB18030.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputDataError, Problem
from ..tables import ROW, read_table
from .privacy import detect_column_kind
from .spec import (
    CODE_BLANK,
    CODE_DONT_KNOW,
    CODE_INVALID,
    CODE_SKIPPED,
    Item,
    QuestionnaireSpec,
)

__all__ = ["META_COLUMNS", "Column", "SurveyData", "parse_header", "read_survey"]

META_COLUMNS = {
    "序号": "respondent",
    "提交答卷时间": "submitted",
    "所用时间": "duration",
    "来源": "source",
    "来源详情": "source_detail",
    "来自IP": "ip",
    "答题时长": "duration",
    "开始时间": "started",
    "提交时间": "submitted",
    "IP": "ip",
    "ip": "ip",
    "编号": "respondent",
    "ID": "respondent",
}
_Q_RE = re.compile(r"^(\d+)\s*[、.．:：]\s*(.*)$")
_SUB_RE = re.compile(r"^(\d+)\s*[(（](.+)[)）]\s*$")
_SPLIT_SUB = re.compile(r"\s*(?:—+|－|--|:|：|_)\s*")
_IP_RE = re.compile(r"^\s*([0-9a-fA-F.:]+)\s*(?:[(（](.*?)[)）])?\s*$")
_DUR_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(秒|s|sec)?\s*$")
_SKIP_TEXT = {"(跳过)", "（跳过）", "跳过"}
_BLANK_TEXT = {"", "(空)", "（空）", "空"}


def _norm(s: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(s)).split())


@dataclass(frozen=True)
class Column:
    """A parsed export header."""

    name: str
    question: int | None
    sub: str | None
    text: str


def parse_header(name: str) -> Column:
    """Parse "8、请您评价…—路面平整程度", "8(路面平整程度)", "2、您所在的乡镇：".

    >>> parse_header("8(路面平整程度)")
    Column(name='8(路面平整程度)', question=8, sub='路面平整程度', text='')
    >>> parse_header("8、请评价以下方面—路面平整程度").sub
    '路面平整程度'
    """
    s = unicodedata.normalize("NFKC", str(name)).strip()
    m = _SUB_RE.match(s)
    if m:
        return Column(name, int(m.group(1)), m.group(2).strip(), "")
    m = _Q_RE.match(s)
    if m:
        text = m.group(2).strip()
        parts = _SPLIT_SUB.split(text)
        if len(parts) >= 2 and parts[-1]:
            return Column(name, int(m.group(1)), parts[-1], "".join(parts[:-1]))
        return Column(name, int(m.group(1)), None, text)
    return Column(name, None, None, s)


@dataclass
class SurveyData:
    """Responses in analysable form.

    Attributes
    ----------
    codes : ndarray (n, items), int8
        Scale position 1..k, or CODE_BLANK 0, CODE_DONT_KNOW -1, CODE_SKIPPED -3,
        CODE_INVALID -9; columns in ``spec.items`` order.
    respondent : ndarray of int
        Respondent ids (问卷星 序号, else the row number) — outputs carry these, not identities.
    rows : ndarray of int
        Row numbers in the source file (for messages).
    duration : ndarray of float
        Seconds (NaN when unknown).
    ip, phone : ndarray of object or None
        For duplicate detection only; never written out unmasked.
    groups : DataFrame
        One column per spec group (categorical).
    meta : DataFrame
        submitted, source, province, city (non-identifying metadata).
    pii : DataFrame
        Personal columns as read (kept in memory for masking; never written unmasked).
    variant : {"text", "codes", "mixed"}
    unmatched_columns : list of str
        Export columns that are neither meta, items, groups nor PII.
    """

    spec: QuestionnaireSpec
    codes: np.ndarray
    respondent: np.ndarray
    rows: np.ndarray
    duration: np.ndarray
    ip: np.ndarray | None
    phone: np.ndarray | None
    groups: pd.DataFrame
    meta: pd.DataFrame
    pii: pd.DataFrame
    source: str = ""
    variant: str = "text"
    unmatched_columns: list[str] = field(default_factory=list)
    extra: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n(self) -> int:
        return int(self.codes.shape[0])


def _detect_pii(df: pd.DataFrame, cols: list[Column]) -> dict[str, str]:
    """Column name → PII kind: by the shape of the values; header words only for kinds
    without a shape (see :mod:`evallib.survey.privacy`)."""
    out = {}
    for c in cols:
        kind = detect_column_kind(f"{c.name} {c.text} {c.sub or ''}", df[c.name].tolist())
        if kind:
            out[c.name] = kind
    return out


def _match_item(item: Item, cols: list[Column]) -> Column | None:
    cands = cols
    if item.question is not None:
        cands = [c for c in cols if c.question == item.question]
    if item.sub:
        sub = _norm(item.sub)
        exact = [c for c in cands if c.sub and _norm(c.sub) == sub]
        cands = exact or [
            c for c in cands if c.sub and (sub in _norm(c.sub) or _norm(c.sub) in sub)
        ]
    elif item.question is not None:
        cands = [c for c in cands if not c.sub] or cands
    if item.text:
        t = _norm(item.text)
        cands = [c for c in cands if t in _norm(c.text + (c.sub or ""))]
    return cands[0] if len(cands) == 1 else None


def _codes_from_text(
    series: pd.Series,
    lookup: dict[str, int],
    where: dict[str, Any],
    rows: np.ndarray,
    probs: list[Problem],
) -> np.ndarray:
    s = series.astype("string").fillna("").str.strip()
    s = s.map(lambda v: unicodedata.normalize("NFKC", v) if v else v)
    out = s.map(lookup).astype("float64")
    out[s.isin({unicodedata.normalize("NFKC", x) for x in _SKIP_TEXT})] = CODE_SKIPPED
    out[s.isin({unicodedata.normalize("NFKC", x) for x in _BLANK_TEXT})] = CODE_BLANK
    bad = out.isna().to_numpy()
    for i in np.where(bad)[0][:20]:
        probs.append(
            Problem(
                "未知的选项文字 (unknown label)",
                row=int(rows[i]),
                value=series.iloc[i],
                **where,
                fix=f"在问卷说明的 scale 中加入该选项（或其 aliases），可选："
                f"{'、'.join(list(lookup)[:8])}",
            )
        )
    if bad.sum() > 20:
        probs.append(Problem(f"另有 {int(bad.sum()) - 20} 个未知选项文字", **where))
    return out.fillna(CODE_INVALID).to_numpy()


def _codes_from_numbers(values: np.ndarray, k: int, n_missing: int) -> np.ndarray:
    v = values.astype("float64")
    out = np.full(v.shape, CODE_INVALID, dtype="float64")
    out[np.isnan(v) | (v == -2)] = CODE_BLANK
    out[v == -3] = CODE_SKIPPED
    ok = (v >= 1) & (v <= k) & (v == np.floor(v))
    out[ok] = v[ok]
    dk = (v > k) & (v <= k + n_missing) & (v == np.floor(v))
    out[dk] = CODE_DONT_KNOW
    return out


def _is_numeric(series: pd.Series) -> bool:
    s = series.dropna()
    if s.empty:
        return True
    return bool(pd.to_numeric(s.astype(str).str.strip(), errors="coerce").notna().mean() > 0.95)


def _parse_duration(series: pd.Series | None, n: int) -> np.ndarray:
    if series is None:
        return np.full(n, np.nan)
    s = series.astype("string").fillna("").str.extract(_DUR_RE.pattern)[0]
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)


def read_survey(
    path: str | Path,
    spec: QuestionnaireSpec,
    *,
    sheet: str | int | None = None,
) -> SurveyData:
    """Read an export and map its columns to ``spec``.

    Raises
    ------
    InputDataError
        Empty file, wrong encoding, header only, spec/data mismatch (items not found,
        duplicated questions), unknown option labels, mostly out-of-range codes — every
        problem listed with file, row, column and value.
    """
    path = Path(path)
    if path.suffix.lower() == ".sav":
        df = _read_sav(path)
        original = {}
        rows = np.arange(2, len(df) + 2)
        file_sheet = None
    else:
        table = read_table(path, sheet=sheet)
        df = table.frame
        original = df.attrs.get("original_headers", {})
        rows = df[ROW].to_numpy()
        df = df.drop(columns=[ROW])
        file_sheet = table.sheet
    where0 = {"file": str(path), "sheet": file_sheet}
    cols = []
    for name in df.columns:  # parse the header as written (duplicates were renamed "x.1")
        c = parse_header(original.get(name) or name)
        cols.append(Column(name, c.question, c.sub, c.text))
    meta_cols = {c.name: META_COLUMNS[_norm(c.name)] for c in cols if _norm(c.name) in META_COLUMNS}
    qcols = [c for c in cols if c.name not in meta_cols]
    probs: list[Problem] = []
    seen: dict[tuple[int | None, str | None], str] = {}
    for c in qcols:
        if c.question is None:
            continue
        key = (c.question, _norm(c.sub) if c.sub else None)
        if key in seen:
            probs.append(
                Problem(
                    f"题号重复 (duplicated question number)：{original.get(c.name) or c.name}",
                    column=c.name,
                    **where0,
                    fix="检查导出文件或问卷是否有重复题目",
                )
            )
        seen[key] = c.name
    matched: dict[str, Column] = {}
    for item in spec.items:
        col = _match_item(item, qcols)
        if col is None:
            avail = sorted({str(c.question) for c in qcols if c.question is not None}, key=int)
            probs.append(
                Problem(
                    f"问卷说明中的题目 {item.code}（第 {item.question} 题 "
                    f"{item.sub or item.text or ''}）在数据中找不到或不唯一 (spec/data mismatch)",
                    **where0,
                    column=item.code,
                    fix=f"核对题号与子题文字；数据中的题号：{', '.join(avail[:30])}",
                )
            )
        else:
            matched[item.code] = col
    if probs:
        raise InputDataError(problems=probs)
    n = len(df)
    k = spec.k
    lookup = {unicodedata.normalize("NFKC", a): b for a, b in spec.label_codes().items()}
    codes = np.empty((n, len(spec.items)), dtype=np.int8)
    variants = set()
    for j, item in enumerate(spec.items):
        col = matched[item.code]
        where = {**where0, "column": col.name}
        series = df[col.name]
        if _is_numeric(series):
            variants.add("codes")
            vals = pd.to_numeric(series.astype("string").str.strip(), errors="coerce")
            c = _codes_from_numbers(vals.to_numpy(dtype=float), k, len(spec.missing_labels))
        else:
            variants.add("text")
            c = _codes_from_text(series, lookup, where, rows, probs)
        invalid = c == CODE_INVALID
        if invalid.mean() > spec.quality.max_invalid_share:
            i0 = int(np.argmax(invalid))
            probs.append(
                Problem(
                    f"{invalid.mean():.0%} 的取值超出选项编码范围 1–{k + len(spec.missing_labels)} "
                    "(codes out of range)：问卷说明与数据不符",
                    row=int(rows[i0]),
                    value=series.iloc[i0],
                    **where,
                    fix="核对量表级数和选项顺序",
                )
            )
        codes[:, j] = c.astype(np.int8)
    if probs:
        raise InputDataError(problems=probs)
    used = {c.name for c in matched.values()}
    groups = {}
    for g in spec.groups:
        gcol = _find_column(g.question, g.column, qcols, df)
        if gcol is None:
            raise InputDataError(
                f"找不到分组列「{g.name}」(group column)",
                **where0,
                fix="核对 groups 中的 question 或 column",
            )
        used.add(gcol)
        gs = df[gcol].astype("string").fillna("(空)").str.strip()
        if g.labels:
            labels = {**{k: str(k) for k in range(1000)}, **g.labels}
            num = pd.to_numeric(gs, errors="coerce")
            mapped = num.map(lambda v, lab=labels: lab.get(int(v)) if pd.notna(v) else None)
            gs = gs.where(num.isna(), mapped)
        groups[g.name] = gs.astype("category")
    pii_kinds = _detect_pii(df, [c for c in qcols if c.name not in used])
    for p in spec.pii:
        pcol = _find_column(p.question, p.column, qcols, df)
        if pcol is None:
            raise InputDataError(
                "找不到问卷说明 pii 中的列", **where0, value=p.column or p.question
            )
        pii_kinds[pcol] = p.kind
    pii = df[list(pii_kinds)].copy() if pii_kinds else pd.DataFrame(index=df.index)
    pii.attrs["kinds"] = pii_kinds
    used |= set(pii_kinds)
    rev = {v: k_ for k_, v in meta_cols.items()}
    respondent = (
        _respondent_ids(df[rev["respondent"]], rows, where0)
        if "respondent" in rev
        else np.arange(1, n + 1)
    )
    ip = province = city = None
    if "ip" in rev:
        ext = df[rev["ip"]].astype("string").fillna("").str.extract(_IP_RE.pattern)
        ip = ext[0].fillna("").to_numpy(dtype=object)
        loc = ext[1].fillna("").str.split("-", n=1, expand=True)
        province = loc[0] if 0 in loc else None
        city = loc[1] if 1 in loc else None
    phone = None
    phone_cols = [c for c, kind in pii_kinds.items() if kind == "phone"]
    if phone_cols:
        phone = (
            df[phone_cols[0]]
            .astype("string")
            .fillna("")
            .str.replace(r"\D", "", regex=True)
            .to_numpy(dtype=object)
        )
    meta = pd.DataFrame(
        {
            "submitted": df[rev["submitted"]].astype("string") if "submitted" in rev else pd.NA,
            "source": df[rev["source"]].astype("string") if "source" in rev else pd.NA,
            "province": province if province is not None else pd.NA,
            "city": city if city is not None else pd.NA,
        },
        index=df.index,
    )
    unmatched = [c.name for c in qcols if c.name not in used]
    extra = df[unmatched].astype("string").reset_index(drop=True)
    return SurveyData(
        spec=spec,
        codes=codes,
        respondent=respondent,
        rows=rows,
        duration=_parse_duration(df[rev["duration"]] if "duration" in rev else None, n),
        ip=ip,
        phone=phone,
        groups=pd.DataFrame(groups, index=df.index).reset_index(drop=True),
        meta=meta.reset_index(drop=True),
        pii=pii.reset_index(drop=True),
        source=str(path),
        variant="mixed" if len(variants) > 1 else (variants.pop() if variants else "text"),
        unmatched_columns=unmatched,
        extra=extra,
    )


def _respondent_ids(col: pd.Series, rows: np.ndarray, where: dict[str, Any]) -> np.ndarray:
    """The 序号 column as whole numbers; text or fractions would silently misnumber responses."""
    num = pd.to_numeric(col, errors="coerce")
    bad = num.isna() | (num != num.round()) | (num.abs() > 2**53)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputDataError(
            f"答卷序号列有 {int(bad.sum())} 个值不是整数 (respondent id)", **where,
            row=int(rows[i]), column=str(col.name), value=col.iloc[i],
            fix="序号列应为导出平台生成的整数编号；若该列不是序号，请改列名",
        )  # fmt: skip
    return num.astype(np.int64).to_numpy()


def _find_column(
    question: int | None, name: str | None, cols: list[Column], df: pd.DataFrame
) -> str | None:
    if name is not None:
        return name if name in df.columns else None
    cands = [c.name for c in cols if c.question == question and not c.sub]
    return cands[0] if len(cands) == 1 else None


def _read_sav(path: Path) -> pd.DataFrame:
    try:
        import pyreadstat
    except ImportError:
        raise InputDataError(
            "读取 SPSS (.sav) 需要可选依赖 pyreadstat",
            file=str(path),
            fix="pip install 'evallib[spss]'，或在 SPSS 中另存为 CSV",
        ) from None
    from .. import limits
    from ..fileio import read_bytes_bounded

    data = read_bytes_bounded(path)  # missing, a folder, over the size limit
    if not data:
        raise InputDataError("文件为空 (empty file)", file=str(path))
    try:
        _, head = pyreadstat.read_sav(str(path), metadataonly=True)
        if head.number_rows is not None and head.number_rows > limits.get("max_rows"):
            raise InputDataError(f"SPSS 文件行数超过{limits.describe('max_rows')}",
                                 file=str(path))  # fmt: skip
        df, meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    except InputDataError:
        raise
    except Exception as exc:  # pyreadstat's ReadstatError and friends on a damaged file
        raise InputDataError(
            f"无法作为 SPSS (.sav) 文件读取：{exc}", file=str(path),
            fix="在 SPSS 中重新保存，或另存为 CSV/XLSX 后导入",
        ) from None  # fmt: skip
    # SPSS variable names are short (Q5_1); the exported question texts are the labels.
    labels = [lab or name for name, lab in zip(df.columns, meta.column_labels or [], strict=False)]
    if len(labels) == len(df.columns):
        df.columns = labels
    return df.astype(object)
