"""Decision matrices and their normalisation (数据标准化), shared by objective weighting
(entropy, CRITIC) and comprehensive evaluation (TOPSIS, grey relational analysis, RSR).

A decision matrix has one row per alternative (project, region, unit, year) and one column per
criterion.  Every criterion has a direction: ``benefit`` (越大越好, 正向) or ``cost`` (越小越好,
负向).  After normalisation every column reads "larger is better", so methods downstream never
look at directions again.

Normalisations (each is a named parameter, because the same data rank differently under each):

``vector`` (向量归一化; Hwang & Yoon 1981, the TOPSIS default)
    benefit r = x / ‖x‖₂; cost r = 1 − x / ‖x‖₂.  Shifting a cost column by a constant does not
    change any distance, so TOPSIS closeness equals the textbook form that keeps x / ‖x‖₂ and takes
    the column minimum as the ideal.
``minmax`` (极差标准化)
    benefit (x − min) / (max − min); cost (max − x) / (max − min).
``sum`` (比重法)
    x / Σx (x ≥ 0); a cost column is first replaced by 1 / x (x > 0).
``max`` (极大值法 / 线性比例)
    benefit x / max (x ≥ 0, max > 0); cost min / x (x > 0).
``mean`` (均值化; grey relational factor analysis)
    x / mean(x) (mean ≠ 0).  Cost columns are refused: 均值化 keeps the shape of a sequence
    compared with a reference sequence and has no notion of direction.
``initial`` (初值化)
    x / x₁ (x₁ ≠ 0); a cost column x₁ / x ("取倒数与初值化一起做", 张敬信《数学建模：基于 R》
    grey relational chapter), x ≠ 0.

Stated rules, never silent: a constant column carries no information (methods decide what that
means: weight 0, or a coefficient of 1); missing or non-numeric values are errors naming the cell;
values a normalisation cannot take (negative with ``sum``, zero with ``max`` cost) are errors naming
the cell and the normalisation to use instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import ConfigError, InputDataError, Problem

__all__ = [
    "NORMALIZATIONS",
    "as_frame",
    "directions",
    "normalize",
    "numeric_matrix",
    "positivize",
    "split_directions",
]

Normalization = Literal["vector", "minmax", "sum", "max", "mean", "initial"]
NORMALIZATIONS: dict[str, str] = {
    "vector": "向量归一化",
    "minmax": "极差标准化",
    "sum": "比重法",
    "max": "极大值法",
    "mean": "均值化",
    "initial": "初值化",
}

_ALIAS = {
    "benefit": "benefit",
    "cost": "cost",
    "+": "benefit",
    "-": "cost",
    "1": "benefit",
    "-1": "cost",
    "max": "benefit",
    "min": "cost",
    "true": "benefit",
    "false": "cost",
    "正向": "benefit",
    "负向": "cost",
    "逆向": "cost",
    "反向": "cost",
    "效益型": "benefit",
    "成本型": "cost",
    "极大型": "benefit",
    "极小型": "cost",
}


def as_frame(data: Any) -> tuple[pd.DataFrame, bool]:
    """A 2-D input as a DataFrame (columns "0", "1", … for arrays) and whether it was one."""
    if isinstance(data, pd.DataFrame):
        return data, True
    try:
        arr = np.asarray(data, dtype=object)
    except ValueError as exc:  # ragged nested lists
        raise InputDataError(
            "数据应为二维表（行=评价对象，列=指标），各行长度须一致", fix="检查每行的列数"
        ) from exc
    if arr.ndim != 2:
        raise InputDataError(
            f"数据应为二维表（行=评价对象，列=指标），实际维数 {arr.ndim}",
            fix="每行一个评价对象，每列一个指标",
        )
    return pd.DataFrame(arr, columns=[str(i) for i in range(arr.shape[1])]), False


def numeric_matrix(
    df: pd.DataFrame,
    *,
    min_rows: int = 2,
    what: str = "评价",
    rows: Sequence[int] | None = None,
    where: Mapping[str, Any] | None = None,
    fix: str = "填写数值或删除该行",
) -> np.ndarray:
    """The values as floats; every missing, non-numeric or infinite cell is one problem.

    Row numbers are as in a spreadsheet with one header row (data row 1 = row 2) unless
    ``rows`` gives each row's number in its file; ``where`` adds file and sheet.
    """
    x = df.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    probs = [
        Problem(
            "应为数值 (number)",
            row=int(rows[i]) if rows is not None else int(i) + 2,
            column=str(df.columns[j]),
            value=df.iloc[i, j],
            fix=fix,
            **dict(where or {}),
        )
        for i, j in zip(*np.where(~np.isfinite(x)), strict=True)
    ]
    if probs:
        raise InputDataError(problems=probs)
    if x.shape[0] < min_rows:
        raise InputDataError(
            f"至少需要 {min_rows} 个评价对象（行）才能进行{what}", value=x.shape[0]
        )
    if x.shape[1] < 1:
        raise InputDataError("没有指标列 (no criteria)")
    return x


def directions(
    cols: Sequence[Any], spec: Mapping[Any, Any] | Sequence[Any] | str | bool | None
) -> list[str]:
    """Direction of each criterion: ``"benefit"`` or ``"cost"``.

    ``spec`` may be None (all benefit), one value for all, a sequence (one per column: strings
    such as "benefit"/"cost"/"正向"/"负向", or booleans meaning *is benefit*) or a mapping from
    column to value (columns not named are benefit).
    """
    if spec is None:
        return ["benefit"] * len(cols)
    if isinstance(spec, str | bool | np.bool_):
        d: list[Any] = [spec] * len(cols)
    elif isinstance(spec, Mapping):
        unknown = [k for k in spec if k not in set(cols)]
        if unknown:
            raise ConfigError(
                f"指标方向中的列不存在：{unknown}", value=unknown, fix=f"可用的列：{list(cols)}"
            )
        d = [spec.get(c, "benefit") for c in cols]
    else:
        d = list(spec)
    out = []
    for x in d:
        key = ("true" if x else "false") if isinstance(x, bool | np.bool_) else str(x).strip()
        if key.lower() not in _ALIAS and key not in _ALIAS:
            raise ConfigError(
                f"指标方向 (direction) {x!r} 无效",
                value=x,
                fix="使用 benefit（正向，越大越好）或 cost（负向，越小越好）",
            )
        out.append(_ALIAS.get(key, _ALIAS.get(key.lower())))
    if len(out) != len(cols):
        raise ConfigError(
            f"指标方向 (directions) 有 {len(out)} 项，数据有 {len(cols)} 列", fix="每列给出一个方向"
        )
    return out


def _target(x: Any, col: Any) -> tuple[Any, ...] | None:
    """("middle", best) or ("interval", low, high) from a tuple or a string "middle:7",
    "interval:10~20" (also 中间型/区间型); None for a plain direction."""
    if isinstance(x, tuple | list) and x and str(x[0]) in ("middle", "interval"):
        parts: list[Any] = list(x)
    elif isinstance(x, str) and ":" in x.replace("：", ":"):
        kind, _, rest = x.replace("：", ":").partition(":")
        kind = {"中间型": "middle", "居中型": "middle", "区间型": "interval"}.get(
            kind.strip(), kind.strip()
        )
        parts = [kind, *re.split(r"(?<=\d)\s*[~～\-—–]\s*", rest.strip())]
    else:
        return None
    try:
        nums = [float(v) for v in parts[1:]]
    except (TypeError, ValueError):
        nums = []
    ok = (parts[0] == "middle" and len(nums) == 1) or (
        parts[0] == "interval" and len(nums) == 2 and nums[0] <= nums[1]
    )
    if not ok or not np.isfinite(nums).all():
        raise ConfigError(
            f"指标「{col}」的中间型/区间型设置无效：{x!r}",
            column=str(col),
            value=x,
            fix="写作 middle:7（最优值 7）或 interval:10~20（最优区间 10–20）",
        )
    return (parts[0], *nums)


def split_directions(
    cols: Sequence[Any], spec: Mapping[Any, Any] | Sequence[Any] | str | bool | None
) -> tuple[list[str], dict[str, tuple[Any, ...]]]:
    """Directions where some criteria may be 中间型 (best at a value) or 区间型 (best inside an
    interval): those become benefit columns after :func:`positivize`, recorded in the second
    return value (column → ("middle", best) or ("interval", low, high))."""
    if isinstance(spec, Mapping):
        items = dict(spec)
    elif spec is None or isinstance(spec, str | bool | np.bool_):
        return directions(cols, spec), {}
    else:
        seq = list(spec)
        if len(seq) != len(cols):
            return directions(cols, seq), {}
        items = dict(zip(cols, seq, strict=True))
    targets = {str(c): t for c, v in items.items() if (t := _target(v, c)) is not None}
    plain = {c: ("benefit" if str(c) in targets else v) for c, v in items.items()}
    return directions(cols, plain), targets


def positivize(
    x: np.ndarray, cols: Sequence[Any], targets: Mapping[str, tuple[Any, ...]]
) -> np.ndarray:
    """中间型/区间型 columns turned into benefit scores in [0, 1] (正向化):

    middle (best m): 1 − |x − m| / max|x − m|;
    interval [a, b]: 1 inside, 1 − (a − x)/M below, 1 − (x − b)/M above, M = max(a − min x,
    max x − b) (司守奎、孙玺菁《数学建模算法与应用》, 综合评价 chapter).  Every value at its best
    gives 1 everywhere.
    """
    out = x.astype(float).copy()
    for j, c in enumerate(cols):
        t = targets.get(str(c))
        if t is None:
            continue
        col = out[:, j]
        if t[0] == "middle":
            d = np.abs(col - t[1])
            out[:, j] = 1 - d / d.max() if d.max() > 0 else 1.0
        else:
            a, b = t[1], t[2]
            m = max(a - col.min(), col.max() - b)
            if m <= 0:
                out[:, j] = 1.0
            else:
                out[:, j] = np.where(
                    col < a, 1 - (a - col) / m, np.where(col > b, 1 - (col - b) / m, 1.0)
                )
    return out


def _refuse(mask: np.ndarray, col: np.ndarray, name: str, why: str, fix: str) -> list[Problem]:
    return [
        Problem(why, row=int(i) + 2, column=name, value=float(col[i]), fix=fix)
        for i in np.where(mask)[0]
    ]


def _column(col: np.ndarray, d: str, method: str, name: str) -> tuple[np.ndarray, list[Problem]]:
    lo, hi = col.min(), col.max()
    if method == "minmax":
        rng = hi - lo if hi > lo else 1.0
        return ((hi - col) if d == "cost" else (col - lo)) / rng, []
    if method == "vector":
        norm = float(np.sqrt((col**2).sum()))
        r = col / norm if norm > 0 else np.zeros_like(col)
        return (1.0 - r if d == "cost" else r), []
    if method in ("sum", "max"):
        bad = col <= 0 if d == "cost" else col < 0
        why = "负向指标不能为 0 或负数" if d == "cost" else "数据不能为负"
        probs = _refuse(
            bad,
            col,
            name,
            f"按{NORMALIZATIONS[method]} ({method}) 标准化时{why}",
            "改用 minmax（极差标准化）",
        )
        if probs:
            return col, probs
        base = 1.0 / col if d == "cost" else col
        denom = base.sum() if method == "sum" else base.max()
        return (base / denom if denom > 0 else np.zeros_like(col)), []
    # mean / initial: sequences for grey relational factor analysis
    if d == "cost" and method == "mean":
        return col, [
            Problem(
                "均值化 (mean) 不区分指标方向",
                column=name,
                fix="去掉该列的 cost 方向，或改用 initial（初值化，负向取 x₁/x）",
            )
        ]
    base = col.mean() if method == "mean" else col[0]
    zero = col == 0 if d == "cost" else np.array([base == 0])
    if zero.any():
        return col, [
            Problem(
                f"{NORMALIZATIONS[method]} ({method}) 的分母为 0",
                column=name,
                value=0.0,
                fix="改用 minmax（极差标准化）",
            )
        ]
    return (base / col if d == "cost" else col / base), []


def normalize(
    x: np.ndarray, dirs: Sequence[str], method: str, columns: Sequence[Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Normalised matrix (every column "larger is better") and a mask of informative
    (non-constant) columns.  See the module docstring for the formulas."""
    if method not in NORMALIZATIONS:
        raise ConfigError(
            f"未知的标准化方式 (normalization) {method!r}",
            value=method,
            fix="可选：" + "、".join(NORMALIZATIONS),
        )
    informative = x.max(axis=0) > x.min(axis=0)
    out = np.zeros_like(x, dtype=float)
    probs: list[Problem] = []
    for j, d in enumerate(dirs):
        out[:, j], p = _column(x[:, j], d, method, str(columns[j]))
        probs.extend(p)
    if probs:
        raise InputDataError(problems=probs)
    return out, informative
