"""Read survey exports (问卷星, 腾讯问卷, 问卷网, 金数据, 见数, SPSS, any CSV/XLSX/XLS) into a
:class:`SurveyData`: an int8 matrix of scale positions for the scored items, the answers as
given, and respondent metadata.

The platform is recognised from its meta columns (:mod:`.platforms`, reported as
"识别为：问卷网导出"); question headers in every platform style are parsed by one pattern table;
what answers mean is decided in :mod:`.decode` (numbers only through declared codes, SPSS value
labels or a text twin).  Personal columns are found by their values (:mod:`.privacy`) and by
the platforms' personal meta columns (nickname, OpenID, e-mail); they are masked on output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputDataError, Problem
from .decode import (
    by_unique,
    check_agree,
    codes_from_labels,
    decode_numbers,
    decode_text,
    factorize,
    label_lookup,
    numeric_values,
    spec_code_map,
)
from .exportfile import ExportFrame, load_export
from .platforms import (
    HEADER_PATTERNS,
    PERSONAL_ROLES,
    SUB_SEPARATORS,
    Profile,
    detect_platform,
    match_key,
    norm_header,
    parse_durations,
    parse_ip,
)
from .privacy import detect_column_kind
from .spec import CODE_INVALID, Item, QuestionnaireSpec

__all__ = ["Column", "SurveyData", "parse_header", "read_survey"]


@dataclass(frozen=True)
class Column:
    """A parsed export header."""

    name: str
    question: int | None
    sub: str | None
    text: str


def parse_header(name: str) -> Column:
    """Parse a question header in any platform style (see ``platforms.HEADER_PATTERNS``).

    >>> parse_header("8(路面平整程度)")
    Column(name='8(路面平整程度)', question=8, sub='路面平整程度', text='')
    >>> parse_header("8、请评价以下方面—路面平整程度").sub
    '路面平整程度'
    >>> parse_header("Q2_您对服务的评价_办事效率").sub, parse_header("第6题(运动)").question
    ('办事效率', 6)
    """
    import unicodedata

    s = unicodedata.normalize("NFKC", str(name)).strip()
    for _style, rx in HEADER_PATTERNS:
        m = rx.match(s)
        if not m:
            continue
        g = m.groupdict()
        q, text, sub = int(g["q"]), (g.get("text") or "").strip(), g.get("sub")
        if sub is None and text:
            parts = SUB_SEPARATORS.split(text)
            if len(parts) >= 2 and parts[-1]:
                return Column(name, q, parts[-1], "".join(parts[:-1]))
        return Column(name, q, sub.strip() if sub else None, text)
    return Column(name, None, None, s)


@dataclass
class SurveyData:
    """Responses in analysable form.

    Attributes
    ----------
    codes : ndarray (n, items), int8
        Scale position 1..k (best first), or CODE_BLANK 0, CODE_DONT_KNOW -1,
        CODE_SKIPPED -3, CODE_INVALID -9; columns in ``spec.items`` order.
    answers : DataFrame
        The scored items' answers exactly as the export gives them (codes or texts), one
        column per item code — for the audit trail in 有效答卷.csv.
    respondent, rows : ndarray of int
        Respondent ids (the export's own, else the row number) and file rows.
    duration : ndarray of float
        Seconds (NaN when unknown).
    ip, phone : ndarray of object or None
        For duplicate detection only; never written out unmasked.
    groups, meta, pii, extra : DataFrame
        Group columns; submitted/source/province/city; personal columns as read (masked on
        output); unmatched columns.
    platform : str
        The recognised platform (Chinese name).
    notes : list of str
        What the reader decided, for the user to see (Chinese).
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
    answers: pd.DataFrame = field(default_factory=pd.DataFrame)
    platform: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return int(self.codes.shape[0])


# ---------------------------------------------------------------------------- columns


def _profile(spec: QuestionnaireSpec, ex: ExportFrame, where: dict[str, Any]) -> Profile:
    try:
        return detect_platform(list(ex.headers.values()), spec.platform)
    except KeyError:
        from .platforms import PROFILES

        raise InputDataError(
            f"问卷说明中的 platform「{spec.platform}」不是已知平台", **where,
            fix=f"可选：{'、'.join(f'{p.key}（{p.name_zh}）' for p in PROFILES.values())}",
        ) from None  # fmt: skip


def _meta_roles(cols: list[Column], profile: Profile, spec: QuestionnaireSpec,
                headers: dict[str, str]) -> dict[str, str]:  # fmt: skip
    """Column name → meta role, from the profile and the spec's ``meta_columns``."""
    table = {norm_header(k): v for k, v in profile.meta.items()}
    table |= {norm_header(k): v for k, v in spec.meta_columns.items()}
    roles: dict[str, str] = {}
    taken: set[str] = set()
    for c in cols:
        role = table.get(norm_header(headers[c.name]))
        if role is None:
            continue
        if role in taken and role not in ("other", "device"):
            role = "other"  # a second 来源/序号-like column is kept, not used twice
        roles[c.name] = role
        taken.add(role)
    return roles


def _candidates(item: Item, cols: list[Column], ex: ExportFrame) -> list[Column]:
    if item.column is not None:
        want = norm_header(item.column)
        return [c for c in cols if want in (norm_header(c.name), norm_header(ex.headers[c.name]),
                                            norm_header(ex.variables.get(c.name, "")))]  # fmt: skip
    cands = cols
    if item.question is not None:
        cands = [c for c in cols if c.question == item.question]
    if item.sub:
        sub = match_key(item.sub)
        exact = [c for c in cands if c.sub and match_key(c.sub) == sub]
        cands = exact or [c for c in cands if c.sub and (sub in match_key(c.sub)
                                                          or match_key(c.sub) in sub)]  # fmt: skip
    elif item.question is not None:
        cands = [c for c in cands if not c.sub] or cands
    if item.text:
        t = match_key(item.text)
        full = [c for c in cands if match_key(c.text + (c.sub or "")) == t
                or match_key(ex.headers[c.name]) == t]  # fmt: skip
        cands = full or [c for c in cands if t in match_key(c.text + (c.sub or ""))]
    return cands


def _match_items(spec: QuestionnaireSpec, cols: list[Column], ex: ExportFrame,
                 where: dict[str, Any]) -> dict[str, Column]:  # fmt: skip
    matched: dict[str, Column] = {}
    probs: list[Problem] = []
    for item in spec.items:
        cands = _candidates(item, cols, ex)
        if len(cands) == 1:
            matched[item.code] = cands[0]
            continue
        what = f"第 {item.question} 题 " if item.question is not None else ""
        what += item.sub or item.text or item.column or ""
        if cands:
            names = "、".join(f"「{ex.headers[c.name]}」" + (f"（变量 {ex.variables[c.name]}）"
                              if c.name in ex.variables else "") for c in cands[:6])  # fmt: skip
            probs.append(Problem(
                f"问卷说明中的题目 {item.code}（{what}）对应数据中的多列 (ambiguous)：{names}",
                **where, column=item.code,
                fix="在该题目下写明 column（列名或 SPSS 变量名），或写全 sub/text",
            ))  # fmt: skip
        else:
            avail = sorted({str(c.question) for c in cols if c.question is not None}, key=int)
            hint = f"数据中的题号：{', '.join(avail[:30])}" if avail else \
                "数据表头没有题号：用 text（题干文字）或 column（列名）指定题目"  # fmt: skip
            probs.append(Problem(
                f"问卷说明中的题目 {item.code}（{what}）在数据中找不到 (spec/data mismatch)",
                **where, column=item.code, fix=f"核对题号与子题文字；{hint}",
            ))  # fmt: skip
    if probs:
        raise InputDataError(problems=probs)
    return matched


# ---------------------------------------------------------------------------- answers


def _decode_items(
    spec: QuestionnaireSpec, matched: dict[str, Column], ex: ExportFrame,
    twin: dict[str, dict[int, int]], where0: dict[str, Any],
) -> tuple[np.ndarray, set[str], set[str]]:  # fmt: skip
    """The position matrix; which variants (text/codes) and code sources were used."""
    lookup = label_lookup(spec)
    declared = spec_code_map(spec)
    codes = np.empty((len(ex.frame), len(spec.items)), dtype=np.int8)
    variants: set[str] = set()
    sources: set[str] = set()
    probs: list[Problem] = []
    undeclared: list[str] = []
    for j, item in enumerate(spec.items):
        col = matched[item.code]
        where = {**where0, "column": ex.headers[col.name]}
        series = ex.frame[col.name]
        fac = factorize(series)
        nv = numeric_values(series, fac)
        if nv is None:
            variants.add("text")
            c = decode_text(series, lookup, where, ex.rows, probs, fac)
        else:
            variants.add("codes")
            cmap, src = _code_map(item, col, ex, twin, declared, where, spec)
            if cmap is None:
                undeclared.append(ex.headers[col.name])
                continue
            sources.add(src)
            c = decode_numbers(nv[0], cmap)
        _check_invalid(c, series, spec, ex.rows, where, probs)
        codes[:, j] = c.astype(np.int8)
    if undeclared:
        probs.append(_undeclared_problem(undeclared, spec, where0))
    if probs:
        raise InputDataError(problems=probs)
    return codes, variants, sources


def _code_map(
    item: Item, col: Column, ex: ExportFrame, twin: dict[str, dict[int, int]],
    declared: dict[int, int] | None, where: dict[str, Any], spec: QuestionnaireSpec,
) -> tuple[dict[int, int] | None, str]:  # fmt: skip
    """What the numbers of one column mean, and who says so; conflicts are refused."""
    found: list[tuple[dict[int, int], str]] = []
    if col.name in ex.value_labels:
        found.append((codes_from_labels(ex.value_labels[col.name], label_lookup(spec), where),
                      "SPSS 值标签"))  # fmt: skip
    if item.code in twin:
        found.append((twin[item.code], "文字版导出"))
    if declared is not None:
        for m, src in found:
            check_agree(declared, m, src, where, spec)
    if found:
        m, src = found[0]
        for other, osrc in found[1:]:
            check_agree(m, other, f"{osrc}（与{src}比较）", where, spec)
        return ({**(declared or {}), **m}), src
    return declared, "问卷说明 code"


def _undeclared_problem(cols: list[str], spec: QuestionnaireSpec, where: dict[str, Any]) -> Problem:
    k = spec.k
    first, last = spec.scale[0].label, spec.scale[-1].label
    return Problem(
        f"{len(cols)} 列是数值编码（如「{cols[0]}」），但问卷说明没有写明各编码代表哪一级 "
        "(code order undeclared)：同一份问卷，1 可能是「最满意」也可能是「最不满意」",
        **where, column=cols[0],
        fix=f"在 scale 的每一级写 code，例如 1 = 最差时：{first} code: {k} … {last} code: 1；"
        "不了解等写 missing_codes；或改用「按选项文本」导出，"
        "或用 --text-export 给出同一问卷的文字版",
    )  # fmt: skip


def _check_invalid(c: np.ndarray, series: pd.Series, spec: QuestionnaireSpec, rows: np.ndarray,
                   where: dict[str, Any], probs: list[Problem]) -> None:  # fmt: skip
    invalid = c == CODE_INVALID
    if invalid.mean() > spec.quality.max_invalid_share:
        i0 = int(np.argmax(invalid))
        probs.append(Problem(
            f"{invalid.mean():.0%} 的取值不在问卷说明的选项之内 (codes out of range)："
            "问卷说明与数据不符", row=int(rows[i0]), value=series.iloc[i0], **where,
            fix="核对量表级数、各级 code 和选项文字",
        ))  # fmt: skip


def _twin_maps(
    spec: QuestionnaireSpec, matched: dict[str, Column], ex: ExportFrame, roles: dict[str, str],
    twin_path: Path, sheet: str | int | None,
) -> dict[str, dict[int, int]]:  # fmt: skip
    """Code maps learned from a text export of the same survey, pairing the two files'
    answers respondent by respondent."""
    tw = load_export(twin_path, sheet)
    where_t = {"file": str(twin_path), "sheet": tw.sheet}
    t_cols = [_column(n, tw.headers[n]) for n in tw.frame.columns]
    t_roles = _meta_roles(t_cols, _profile(spec, tw, where_t), spec, tw.headers)
    t_matched = _match_items(spec, [c for c in t_cols if c.name not in t_roles], tw, where_t)
    order = _align(ex, roles, tw, t_roles, twin_path)
    lookup = label_lookup(spec)
    out: dict[str, dict[int, int]] = {}
    probs: list[Problem] = []
    for item in spec.items:
        nv = numeric_values(ex.frame[matched[item.code].name])
        t_series = tw.frame[t_matched[item.code].name].iloc[order].reset_index(drop=True)
        if nv is None or numeric_values(t_series) is not None:
            continue
        pos = decode_text(t_series, lookup, {**where_t, "column": t_matched[item.code].name},
                          tw.rows[order], probs)  # fmt: skip
        pairs = pd.DataFrame({"code": nv[0], "pos": pos}).dropna()
        pairs = pairs[(pairs["code"] == np.floor(pairs["code"])) & (pairs["pos"] != CODE_INVALID)]
        per = pairs.groupby("code")["pos"].unique()
        clash = {int(c): p for c, p in per.items() if len(p) > 1}
        if clash:
            c0 = next(iter(clash))
            raise InputDataError(
                f"数值版与文字版对不上：编码 {c0} 在文字版中对应多个不同选项 (twin mismatch)",
                file=str(twin_path), column=t_matched[item.code].name, value=c0,
                fix="确认两个文件是同一问卷、同一批答卷的两种导出",
            )  # fmt: skip
        out[item.code] = {int(c): int(p[0]) for c, p in per.items() if c >= 0}
    if probs:
        raise InputDataError(problems=probs)
    return out


def _align(ex: ExportFrame, roles: dict[str, str], tw: ExportFrame, t_roles: dict[str, str],
           twin_path: Path) -> np.ndarray:  # fmt: skip
    """Row order of the twin matching the export's rows: by respondent id, else by position."""
    rid = next((c for c, r in roles.items() if r == "respondent"), None)
    tid = next((c for c, r in t_roles.items() if r == "respondent"), None)
    if rid and tid:
        a = pd.to_numeric(ex.frame[rid], errors="coerce")
        b = pd.Series(np.arange(len(tw.frame)), index=pd.to_numeric(tw.frame[tid], errors="coerce"))
        if b.index.is_unique and a.isin(b.index).all():
            return b.loc[a.to_numpy()].to_numpy()
    if len(tw.frame) == len(ex.frame):
        return np.arange(len(ex.frame))
    raise InputDataError(
        f"文字版导出有 {len(tw.frame)} 份答卷，数值版有 {len(ex.frame)} 份，无法逐份对应",
        file=str(twin_path), fix="导出同一批答卷（相同筛选条件）的文字版与数值版",
    )  # fmt: skip


# ---------------------------------------------------------------------------- the rest


def _column(name: str, header: str) -> Column:
    c = parse_header(header)
    return Column(name, c.question, c.sub, c.text)


def _find_group_column(question: int | None, name: str | None, cols: list[Column],
                       ex: ExportFrame) -> str | None:  # fmt: skip
    if name is not None:
        want = match_key(name)
        hits = [
            c.name
            for c in cols
            if match_key(ex.headers[c.name]) == want
            or match_key(c.name) == want
            or match_key(ex.variables.get(c.name, "")) == want
        ]
        return hits[0] if len(hits) == 1 else None
    cands = [c.name for c in cols if c.question == question and not c.sub]
    return cands[0] if len(cands) == 1 else None


def _groups(spec: QuestionnaireSpec, cols: list[Column], ex: ExportFrame, used: set[str],
            where: dict[str, Any]) -> dict[str, pd.Series]:  # fmt: skip
    groups = {}
    for g in spec.groups:
        gcol = _find_group_column(g.question, g.column, cols, ex)
        if gcol is None:
            raise InputDataError(
                f"找不到分组列「{g.name}」(group column)，或对应多列", **where,
                value=g.column or g.question, fix="核对 groups 中的 question 或 column（列名）",
            )  # fmt: skip
        used.add(gcol)
        raw = ex.frame[gcol]
        labels = g.labels or {int(float(k)): v for k, v in ex.value_labels.get(gcol, {}).items()}
        gs = by_unique(raw, _group_text).astype("string").fillna("(空)").str.strip()
        if labels:
            num = pd.to_numeric(gs, errors="coerce")
            mapped = num.map(lambda v, lab=labels: lab.get(int(v), str(int(v)))
                             if pd.notna(v) and v == int(v) else None)  # fmt: skip
            gs = gs.where(num.isna(), mapped)
        groups[g.name] = gs.astype("category")
    return groups


def _group_text(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _pii(spec: QuestionnaireSpec, cols: list[Column], ex: ExportFrame, used: set[str],
         roles: dict[str, str], where: dict[str, Any]) -> dict[str, str]:  # fmt: skip
    """Column → personal kind: by values, by the platform's personal meta columns, by spec."""
    kinds = {}
    for c in cols:
        if c.name in used:
            continue
        kind = detect_column_kind(f"{ex.headers[c.name]} {c.text} {c.sub or ''}",
                                  ex.frame[c.name].tolist())  # fmt: skip
        if kind:
            kinds[c.name] = kind
    kinds |= {c: PERSONAL_ROLES[r] for c, r in roles.items() if r in PERSONAL_ROLES}
    for p in spec.pii:
        pcol = _find_group_column(p.question, p.column, cols, ex)
        if pcol is None:
            raise InputDataError("找不到问卷说明 pii 中的列", **where, value=p.column or p.question)
        kinds[pcol] = p.kind
    return kinds


def _respondent_ids(col: pd.Series, rows: np.ndarray, where: dict[str, Any]) -> np.ndarray:
    """The export's respondent id as whole numbers; text or fractions would misnumber."""
    num = pd.to_numeric(col, errors="coerce")
    bad = num.isna() | (num != num.round()) | (num.abs() > 2**53)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputDataError(
            f"答卷序号列有 {int(bad.sum())} 个值不是整数 (respondent id)", **where,
            row=int(rows[i]), column=str(col.name), value=col.iloc[i],
            fix="序号列应为导出平台生成的整数编号；若该列不是序号，请在 meta_columns 中改设",
        )  # fmt: skip
    return num.astype(np.int64).to_numpy()


def _durations(ex: ExportFrame, rev: dict[str, str], where: dict[str, Any],
               notes: list[str], spec: QuestionnaireSpec) -> np.ndarray:  # fmt: skip
    n = len(ex.frame)
    if "duration" in rev:
        col = ex.frame[rev["duration"]].map(
            lambda v: v.total_seconds() if hasattr(v, "total_seconds") else v)  # fmt: skip
        secs, bad = parse_durations(col)
        if bad.any() and spec.quality.min_duration is not None:
            i = int(np.flatnonzero(bad)[0])
            raise InputDataError(
                f"答题时长列有 {int(bad.sum())} 个值无法识别 (duration)", **where,
                row=int(ex.rows[i]), column=ex.headers[rev["duration"]], value=col.iloc[i],
                fix="时长应为秒数、「4分53秒」或 00:04:53；或在 quality 中设 min_duration: null",
            )  # fmt: skip
        return secs
    if "started" in rev and "submitted" in rev:
        t0 = pd.to_datetime(ex.frame[rev["started"]].astype("string"), errors="coerce",
                            format="mixed")  # fmt: skip
        t1 = pd.to_datetime(ex.frame[rev["submitted"]].astype("string"), errors="coerce",
                            format="mixed")  # fmt: skip
        notes.append("答题时长由开始时间与提交时间相减得到")
        return (t1 - t0).dt.total_seconds().to_numpy(dtype=float)
    if spec.quality.min_duration is not None:
        notes.append("导出中没有答题时长或开始/结束时间：「答题时间过短」规则未执行")
    return np.full(n, np.nan)


def _meta(ex: ExportFrame, roles: dict[str, str], pii: dict[str, str], spec: QuestionnaireSpec,
          where: dict[str, Any], notes: list[str]) -> dict[str, Any]:  # fmt: skip
    rev = {}
    for c, r in roles.items():
        rev.setdefault(r, c)
    n = len(ex.frame)
    out: dict[str, Any] = {
        "respondent": _respondent_ids(ex.frame[rev["respondent"]], ex.rows, where)
        if "respondent" in rev else np.arange(1, n + 1),
        "duration": _durations(ex, rev, where, notes, spec),
        "ip": None, "phone": None,
    }  # fmt: skip
    province = city = pd.Series([pd.NA] * n, dtype="string")
    if "ip" in rev:
        out["ip"], loc = parse_ip(ex.frame[rev["ip"]])
        parts = loc.str.split("-", n=1, expand=True)
        province = parts[0].replace("", pd.NA) if 0 in parts else province
        city = parts[1].fillna("").replace("", pd.NA) if 1 in parts else city
    for role, name in (("province", "province"), ("city", "city")):
        if role in rev:
            val = ex.frame[rev[role]].astype("string")
            province, city = (val, city) if name == "province" else (province, val)
    phone_cols = [c for c, kind in pii.items() if kind == "phone"]
    if phone_cols:
        out["phone"] = (ex.frame[phone_cols[0]].astype("string").fillna("")
                        .str.replace(r"\D", "", regex=True).to_numpy(dtype=object))  # fmt: skip
    out["meta"] = pd.DataFrame({
        "submitted": ex.frame[rev["submitted"]].astype("string") if "submitted" in rev else pd.NA,
        "source": ex.frame[rev["source"]].astype("string") if "source" in rev else pd.NA,
        "province": province.to_numpy(), "city": city.to_numpy(),
    }, index=ex.frame.index).reset_index(drop=True)  # fmt: skip
    return out


def read_survey(
    path: str | Path,
    spec: QuestionnaireSpec,
    *,
    sheet: str | int | None = None,
    text_twin: str | Path | None = None,
) -> SurveyData:
    """Read an export and map its columns to ``spec``.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8/GBK), XLSX, XLS or SPSS .sav export.
    spec : QuestionnaireSpec
    sheet : str or int, optional
    text_twin : str or Path, optional
        The 按选项文本 export of the same responses: it says what the numbers of ``path``
        mean (checked against the spec's codes).

    Raises
    ------
    InputDataError
        Unreadable file, items not found or ambiguous, unknown answer texts, numeric columns
        whose codes nobody declares, codes contradicting SPSS labels or the text twin, mostly
        out-of-range codes, unreadable durations — each with file, column, row and fix.
    """
    path = Path(path)
    ex = load_export(path, sheet)
    where0 = {"file": str(path), "sheet": ex.sheet}
    profile = _profile(spec, ex, where0)
    notes = [f"识别为：{profile.name_zh}导出" if profile.key != "generic"
             else "未识别出导出平台：按通用表格读取（可在问卷说明中写 platform）"]  # fmt: skip
    cols = [_column(name, ex.headers[name]) for name in ex.frame.columns]
    roles = _meta_roles(cols, profile, spec, ex.headers)
    qcols = [c for c in cols if c.name not in roles]
    matched = _match_items(spec, qcols, ex, where0)
    twin = _twin_maps(spec, matched, ex, roles, Path(text_twin), sheet) if text_twin else {}
    codes, variants, sources = _decode_items(spec, matched, ex, twin, where0)
    if sources:
        notes.append(f"数值编码的含义依据：{'、'.join(sorted(sources))}")
    used = {c.name for c in matched.values()}
    groups = _groups(spec, qcols, ex, used, where0)
    pii_kinds = _pii(spec, qcols, ex, used, roles, where0)
    used |= set(pii_kinds)
    meta = _meta(ex, roles, pii_kinds, spec, where0, notes)
    pii = ex.frame[list(pii_kinds)].copy() if pii_kinds else pd.DataFrame(index=ex.frame.index)
    pii.attrs["kinds"] = pii_kinds
    unmatched = [c.name for c in qcols if c.name not in used and ex.frame[c.name].notna().any()]
    answers = pd.DataFrame({it.code: ex.frame[matched[it.code].name].astype("string")
                            for it in spec.items}).reset_index(drop=True)  # fmt: skip
    return SurveyData(
        spec=spec, codes=codes, respondent=meta["respondent"], rows=ex.rows,
        duration=meta["duration"], ip=meta["ip"], phone=meta["phone"],
        groups=pd.DataFrame(groups, index=ex.frame.index).reset_index(drop=True),
        meta=meta["meta"], pii=pii.reset_index(drop=True), source=str(path),
        variant="mixed" if len(variants) > 1 else (variants.pop() if variants else "text"),
        unmatched_columns=unmatched,
        extra=ex.frame[unmatched].astype("string").reset_index(drop=True),
        answers=answers, platform=profile.name_zh, notes=notes,
    )  # fmt: skip
