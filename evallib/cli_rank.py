"""Command line for comprehensive evaluation and objective weights:
``evallib rank DATA``, ``evallib weights entropy|critic|delphi DATA``.

Input tables (CSV or XLSX): the first column (or ``--id``) names the alternatives (评价对象), the
other columns are criteria.  Directions are declared (``--cost 列A,列B``, ``--middle 列=7``,
``--interval 列=10~20``); nothing is guessed from a name.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ConfigError, EvalError, InputDataError
from .fileio import atomic_write_bytes, atomic_write_text, sha256_file
from .inert import frames_xlsx
from .normalization import numeric_matrix
from .outdir import output_lock
from .present import console_table
from .results import Provenance, _clean
from .tables import ROW, read_table

__all__ = ["add_rank_parser", "add_weight_parsers"]

METHODS = ("topsis", "grey", "rsr")


def _matrix(args: argparse.Namespace) -> tuple[pd.DataFrame, dict[str, str]]:
    t = read_table(args.data, sheet=args.sheet, header_keywords=(args.id,) if args.id else ())
    df = t.frame
    idc = args.id or str(df.columns[0])
    _refuse_title_row(df, idc, t.file, t.sheet)
    if idc not in df.columns:
        raise ConfigError(
            f"评价对象列「{idc}」不存在",
            file=t.file,
            value=idc,
            fix=f"可用的列：{list(df.columns)}",
        )
    if df[idc].isna().any() or (df[idc].astype(str).str.strip() == "").any():
        row = int(df.index[df[idc].isna() | (df[idc].astype(str).str.strip() == "")][0]) + 2
        raise InputDataError(
            "评价对象名称为空",
            file=t.file,
            sheet=t.sheet,
            row=row,
            column=idc,
            fix="每行填写评价对象名称",
        )
    rows = df[ROW] if ROW in df.columns else pd.Series(range(2, len(df) + 2), index=df.index)
    m = df.set_index(df[idc].astype(str).str.strip()).drop(columns=[idc, ROW], errors="ignore")
    m.index.name = idc
    numeric_matrix(
        m,
        min_rows=1,
        rows=list(rows),
        where={"file": t.file, "sheet": t.sheet},
        fix="填写数值；不参与评价的列请删除",
    )
    dirs = dict.fromkeys(map(str, m.columns), "benefit")
    for option, kind in (("cost", "cost"), ("middle", "middle"), ("interval", "interval")):
        for item in _listed(getattr(args, option, None)):
            col, _, value = item.partition("=")
            col = col.strip()
            if col not in dirs:
                raise ConfigError(
                    f"--{option} 中的列不存在：{col}",
                    file=t.file,
                    value=col,
                    fix=f"指标列：{list(m.columns)}",
                )
            if kind != "cost" and not value.strip():
                raise ConfigError(
                    f"--{option} 需要写出最优值：{item}",
                    value=item,
                    fix="如 --middle PH=7 或 --interval 营养物=10~20",
                )
            dirs[col] = "cost" if kind == "cost" else f"{kind}:{value.strip()}"
    return m, dirs


def _refuse_title_row(df: pd.DataFrame, idc: str, file: str, sheet: str | None) -> None:
    """A title above the header makes the real header the first data row: say so."""
    criteria = [c for c in df.columns if c not in (idc, ROW)]
    if df.empty or not criteria:
        return
    first = df[criteria].iloc[0]
    if first.notna().all() and pd.to_numeric(first, errors="coerce").isna().all():
        raise InputDataError(
            "第一行数据全是文字，表头可能不在第一行（表头上方有标题？）",
            file=file,
            sheet=sheet,
            row=int(df[ROW].iloc[0]) if ROW in df.columns else 2,
            value=list(first.astype(str))[:4],
            fix="用 --id 写出评价对象列名（如 --id 项目），evallib 会找到表头所在行",
        )


def _direction_zh(d: str) -> str:
    """正向 / 负向 / 中间型（最优 7）/ 区间型（最优 10~20）."""
    kind, _, value = d.partition(":")
    return {"benefit": "正向", "cost": "负向"}.get(kind) or (
        f"{'中间型' if kind == 'middle' else '区间型'}，最优 {value}"
    )


def _listed(text: str | None) -> list[str]:
    """Comma-separated items (full-width commas too), blanks dropped."""
    return [c.strip() for c in (text or "").replace("，", ",").split(",") if c.strip()]


def _weights(args: argparse.Namespace, m: pd.DataFrame, dirs: dict[str, str]) -> tuple[Any, str]:
    """The weights asked for, combined with subjective ones (``--subjective``) when given."""
    from .comprehensive import combined_weights

    w, name = _given_weights(args.weights, m, dirs)
    if not args.subjective:
        return w, name
    if args.weights not in ("entropy", "critic"):
        raise ConfigError(
            "--subjective 需与 --weights entropy 或 critic 一起使用（组合赋权）",
            value=args.weights,
            fix="如 --weights entropy --subjective 权重.csv",
        )
    sub, sub_name = _given_weights(args.subjective, m, dirs)
    w = combined_weights(sub, m, dirs, objective=args.weights, alpha=args.alpha)
    return w, f"组合赋权（主观：{sub_name}，α = {args.alpha:g}；客观：{name}）"


def _given_weights(spec: str | None, m: pd.DataFrame, dirs: dict[str, str]) -> tuple[Any, str]:
    from .comprehensive import objective_weights

    if spec is None or spec == "equal":
        return None, "等权"
    if spec in ("entropy", "critic"):
        w = objective_weights(m, dirs, method=spec)
        return w, {"entropy": "熵权法", "critic": "CRITIC 法"}[spec]
    if Path(spec).is_file():
        t = read_table(spec).frame
        if t.shape[1] < 2:
            raise InputDataError("权重文件应有两列：指标、权重", file=spec)
        w = pd.Series(t.iloc[:, 1].to_numpy(), index=t.iloc[:, 0].astype(str).str.strip())
        return w, f"给定权重（{Path(spec).name}）"
    try:
        pairs = dict(p.split("=", 1) for p in spec.replace("，", ",").split(","))
    except ValueError as exc:
        raise ConfigError(
            f"--weights 无法识别：{spec!r}",
            fix="entropy、critic、equal、权重文件，或 指标=0.3,指标=0.7",
        ) from exc
    return {k.strip(): v.strip() for k, v in pairs.items()}, "给定权重"


def _write(
    out: Path, sheets: dict[str, pd.DataFrame], payload: dict[str, Any], names: tuple[str, str]
) -> None:
    js = json.dumps(_clean(payload), ensure_ascii=False, sort_keys=True, indent=2)
    with output_lock(out):
        atomic_write_bytes(out / names[0], frames_xlsx(sheets))
        atomic_write_text(out / names[1], js + "\n")
    print(f"\n已写出：{out / names[0]}，{out / names[1]}")


def _cmd_rank(args: argparse.Namespace) -> int:
    from .comprehensive import check_weights

    if args.method == "fuzzy":
        return _cmd_fuzzy(args)
    if args.reference and (args.method != "grey" or args.weights not in (None, "equal")):
        raise ConfigError(
            "--reference（灰色关联因素分析）只与 --method grey 一起使用，且不用指标权重",
            value=args.reference,
            fix="去掉 --weights，并写 --method grey",
        )
    m, dirs = _matrix(args)
    w, w_name = _weights(args, m, dirs)
    methods = METHODS if args.method == "all" else (args.method,)
    used = check_weights(w, [str(c) for c in m.columns])  # refused here, before any method
    sheets: dict[str, pd.DataFrame] = {
        "权重": pd.DataFrame(
            {
                "指标": [str(c) for c in m.columns],
                "方向": [_direction_zh(dirs[str(c)]) for c in m.columns],
                "权重": used,
            }
        )
    }
    payload: dict[str, Any] = {"directions": dirs, "weights_method": w_name}
    for meth in methods:
        try:
            title, r = _run_method(meth, m, w, dirs, args)
        except EvalError as exc:
            if args.method != "all" or meth != "rsr":
                raise
            print(f"\n秩和比法：未计算（{exc}）")  # the other methods still stand
            payload[meth] = {"skipped": str(exc)}
            continue
        print(f"\n{title}：")
        print(console_table(r.table_zh()))
        sheets[{"topsis": "TOPSIS", "grey": "灰色关联", "rsr": "秩和比"}[meth]] = r.table_zh()
        payload[meth] = r.to_dict()
    print(
        f"\n权重：{w_name}；指标方向："
        + "，".join(f"{c}（{_direction_zh(d)}）" for c, d in dirs.items())
    )
    if args.out:
        payload["provenance"] = Provenance(inputs=_hashes(args.data, args.weights)).to_dict()
        payload["params"] = {k: v for k, v in vars(args).items() if k not in ("func", "out")}
        _write(Path(args.out), sheets, payload, ("综合评价结果.xlsx", "comprehensive.json"))
    return 0


def _run_method(
    meth: str, m: pd.DataFrame, w: Any, dirs: dict[str, str], args: argparse.Namespace
) -> tuple[str, Any]:
    """One ranking method on the matrix: its Chinese title and result."""
    from . import comprehensive as ce

    if meth == "topsis":
        return "TOPSIS（逼近理想解排序法）", ce.topsis(
            m, w, dirs, normalize_method=args.normalize or "vector"
        )
    if meth == "grey":
        if args.reference:  # 关联因素分析: each other column against the reference column
            title = f"灰色关联因素分析（母序列「{args.reference}」，ρ = {args.rho:g}）"
            return title, ce.grey_relational(
                m,
                None,
                dirs,
                reference=args.reference,
                rho=args.rho,
                normalize_method=args.normalize,
            )
        return f"灰色关联分析（分辨系数 ρ = {args.rho:g}）", ce.grey_relational(
            m, w, dirs, rho=args.rho, normalize_method=args.normalize
        )
    kind = "整次" if args.rank_method == "integer" else "非整次"
    return f"秩和比法（{kind}，{args.tiers} 档）", ce.rank_sum_ratio(
        m, w, dirs, method=args.rank_method, tiers=args.tiers
    )


def _hashes(*paths: str | None) -> dict[str, str]:
    return {Path(p).name: sha256_file(p) for p in paths if p and Path(p).is_file()}


def _cmd_fuzzy(args: argparse.Namespace) -> int:
    from .comprehensive import fuzzy_evaluate

    t = read_table(args.data, sheet=args.sheet).frame
    idc = args.id or str(t.columns[0])
    wcol = "权重"
    if wcol not in t.columns or idc not in t.columns:
        raise InputDataError(
            "隶属度表应有：因素名称列（第一列）、「权重」列和各评语列",
            file=args.data,
            fix="列：因素、权重、很满意、满意、……",
        )
    r_frame = t.drop(columns=[idc, wcol, ROW], errors="ignore").set_index(t[idc].astype(str))
    w = pd.Series(t[wcol].to_numpy(), index=r_frame.index)
    scores = None
    if args.scores:
        scores = [float(x) for x in args.scores.replace("，", ",").split(",")]
    res = fuzzy_evaluate(w, r_frame, args.operator, scores=scores)
    print(f"模糊综合评价（合成算子 {res.operator}）：")
    print(console_table(res.table_zh()))
    if args.out:
        payload = {
            "fuzzy": res.to_dict(),
            "provenance": Provenance(inputs=_hashes(args.data)).to_dict(),
        }
        _write(
            Path(args.out),
            {"模糊综合评价": res.table_zh()},
            payload,
            ("综合评价结果.xlsx", "comprehensive.json"),
        )
    return 0


def add_rank_parser(sub: Any) -> None:
    r = sub.add_parser("rank", help="综合评价：TOPSIS、灰色关联、秩和比 (RSR)、模糊综合评价")
    r.add_argument(
        "data", help="数据表 CSV/XLSX：第一列为评价对象，其余列为指标；fuzzy 时为隶属度表"
    )
    r.add_argument(
        "--method",
        default="all",
        choices=[*METHODS, "fuzzy", "all"],
        help="topsis、grey、rsr、fuzzy，或 all（前三种，默认）",
    )
    r.add_argument("--sheet", default=None, help="XLSX 工作表名")
    r.add_argument("--id", default=None, help="评价对象列名（默认第一列）")
    r.add_argument("--cost", default=None, help="负向指标（越小越好）列名，逗号分隔")
    r.add_argument(
        "--middle", default=None, help="中间型指标：列名=最优值，如 PH=7（逗号分隔多个）"
    )
    r.add_argument(
        "--interval",
        default=None,
        help="区间型指标：列名=下限~上限，如 营养物=10~20（逗号分隔多个）",
    )
    r.add_argument(
        "--weights",
        default=None,
        help="entropy（熵权）、critic、equal（等权，默认）、权重文件（指标,权重）"
        "或 指标=0.3,指标=0.7",
    )
    r.add_argument(
        "--subjective",
        default=None,
        help="主观权重（如 AHP 结果）：权重文件或 指标=0.3,…；与 --weights entropy/critic 线性组合",
    )
    r.add_argument(
        "--alpha", type=float, default=0.5, help="组合赋权中主观权重的比例 α（默认 0.5）"
    )
    r.add_argument(
        "--normalize",
        default=None,
        help="标准化：TOPSIS 默认 vector；灰色关联默认 minmax；可选 vector、minmax、sum、max",
    )
    r.add_argument("--rho", type=float, default=0.5, help="灰色关联分辨系数（默认 0.5）")
    r.add_argument(
        "--reference",
        default=None,
        help="灰色关联因素分析：母序列列名（其余各列与之比较，行为年份等；默认均值化）",
    )
    r.add_argument("--tiers", type=int, default=3, choices=[3, 4, 5], help="秩和比分档数（默认 3）")
    r.add_argument(
        "--rank-method",
        default="integer",
        choices=["integer", "non-integer"],
        help="秩和比编秩：integer 整次（默认）、non-integer 非整次",
    )
    r.add_argument(
        "--operator",
        default="M(·,⊕)",
        help="模糊合成算子：M(∧,∨)、M(·,∨)、M(∧,⊕)、M(·,⊕)（默认）；"
        "ASCII 写法 M(^,v) M(*,v) M(^,+) M(*,+)",
    )
    r.add_argument("--scores", default=None, help="各评语分值，逗号分隔（如 100,80,60,40）")
    r.add_argument("--out", default=None, help="输出目录：综合评价结果.xlsx、comprehensive.json")
    r.set_defaults(func=_cmd_rank)


def _cmd_objective(args: argparse.Namespace) -> int:
    from .weighting.objective import critic_table, entropy_table, objective_table_zh

    m, dirs = _matrix(args)
    table_fn = entropy_table if args.action == "entropy" else critic_table
    t = table_fn(m, dirs, args.normalization)
    zh = objective_table_zh(t)
    name = "熵权法" if args.action == "entropy" else "CRITIC 法"
    print(f"{name}（标准化：{args.normalization}）：")
    print(console_table(zh))
    if args.out:
        payload = {
            "method": args.action,
            "normalization": args.normalization,
            "directions": dirs,
            "table": {str(k): {c: v for c, v in r.items()} for k, r in t.iterrows()},
            "provenance": Provenance(inputs=_hashes(args.data)).to_dict(),
        }
        _write(Path(args.out), {name: zh}, payload, ("权重结果.xlsx", "weights.json"))
    return 0


def _cmd_delphi(args: argparse.Namespace) -> int:
    from .weighting import delphi

    df = _delphi_ratings(args.data, args.sheet)
    res = delphi(df, scale_max=args.scale_max, min_mean=args.min_mean, max_cv=args.max_cv)
    t = res.table
    final = t[t["round"] == t["round"].max()]
    last = final[final["passed"]]  # indicators the panel agreed on
    dropped = final.loc[~final["passed"], "indicator"].astype(str).tolist()
    if last.empty:
        raise InputDataError(
            "末轮没有指标通过专家意见集中/协调程度的要求，无法计算权重",
            file=args.data,
            fix="再进行一轮咨询，或调整通过标准（--min-mean、--max-cv）",
        )
    w = last["mean"] / last["mean"].sum()
    zh = pd.DataFrame(
        {
            "轮次": t["round"],
            "指标": t["indicator"],
            "专家数": t["n"],
            "均值": t["mean"],
            "标准差": t["sd"],
            "变异系数": t["cv"],
            "满分频率": t["full_mark"],
            "是否通过": t["passed"].map({True: "通过", False: "未通过"}),
            "原因": t["reasons"],
        }
    )
    conc = res.concordance.rename(
        columns={
            "round": "轮次",
            "w": "Kendall W",
            "chi2": "χ²",
            "df": "自由度",
            "p_value": "p 值",
            "m": "专家数",
            "n": "指标数",
        }
    )
    wt = pd.DataFrame(
        {
            "指标": last["indicator"].to_numpy(),
            "均值": last["mean"].to_numpy(),
            "权重（均值归一化）": w.to_numpy(),
        }
    )
    print("德尔菲法各轮统计：")
    print(console_table(zh))
    print("\n专家意见协调程度：")
    print(console_table(conc))
    print("\n末轮权重（通过的指标：均值 / 均值之和）：")
    print(console_table(wt))
    if dropped:
        print(f"提示：末轮未通过的指标不计权重：{'、'.join(dropped)}（原因见上表）。")
    if args.out:
        payload = {
            "method": "delphi",
            "thresholds": res.thresholds,
            "table": t.to_dict("records"),
            "concordance": res.concordance.to_dict("records"),
            "weights": dict(zip(map(str, last["indicator"]), map(float, w), strict=True)),
            "provenance": Provenance(inputs=_hashes(args.data)).to_dict(),
        }
        _write(
            Path(args.out),
            {"各轮统计": zh, "协调系数": conc, "权重": wt},
            payload,
            ("权重结果.xlsx", "weights.json"),
        )
    return 0


_ROUND_SHEET = re.compile(r"^第?\s*([0-9]+|[一二三四五六七八九十])\s*轮")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


def _delphi_ratings(path: str, sheet: str | None) -> pd.DataFrame:
    """Delphi ratings as the long table ``delphi`` reads (round, expert, indicator, rating).

    Accepted: a long table (轮次、专家、指标、评分), or a wide one (指标 in the first column, one
    column per expert); in an XLSX workbook without ``--sheet``, sheets named 第1轮/第二轮… are
    the rounds.
    """
    sheets: list[tuple[int, str | None]] = [(1, sheet)]
    if sheet is None and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        from .workbooks import sheet_names

        rounds = [(m.group(1), n) for n in sheet_names(path) if (m := _ROUND_SHEET.match(n))]
        if rounds:
            sheets = [(int(r) if r.isdigit() else _CN_DIGITS[r], n) for r, n in rounds]
    parts = []
    for rnd, name in sheets:
        df = read_table(path, sheet=name).frame.drop(columns=[ROW], errors="ignore")
        ren = {"轮次": "round", "专家": "expert", "指标": "indicator", "评分": "rating"}
        df = df.rename(columns={k: v for k, v in ren.items() if k in df.columns})
        if not {"expert", "rating"} <= set(df.columns):  # wide: one column per expert
            ind = "indicator" if "indicator" in df.columns else str(df.columns[0])
            df = df.melt(id_vars=[ind], var_name="expert", value_name="rating").rename(
                columns={ind: "indicator"}
            )
            df = df[df["rating"].notna() & (df["rating"].astype(str).str.strip() != "")]
        if "round" not in df.columns:
            df["round"] = rnd
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def add_weight_parsers(wsub: Any) -> None:
    for action, help_ in (
        ("entropy", "熵权法：按数据离散程度计算客观权重"),
        ("critic", "CRITIC 法：按对比强度与指标冲突性计算客观权重"),
    ):
        p = wsub.add_parser(action, help=help_)
        p.add_argument("data", help="数据表 CSV/XLSX：第一列为评价对象，其余列为指标")
        p.add_argument("--sheet", default=None)
        p.add_argument("--id", default=None, help="评价对象列名（默认第一列）")
        p.add_argument("--cost", default=None, help="负向指标列名，逗号分隔")
        p.add_argument(
            "--normalization",
            default="minmax",
            choices=["minmax", "sum"],
            help="标准化：minmax 极差（默认）、sum 比重",
        )
        p.add_argument("--out", default=None, help="输出目录：权重结果.xlsx、weights.json")
        p.set_defaults(func=_cmd_objective, action=action)
    d = wsub.add_parser("delphi", help="德尔菲法：各轮均值、变异系数、满分频率、Kendall W 与权重")
    d.add_argument(
        "data",
        help="评分表 CSV/XLSX：长表（轮次、专家、指标、评分）或宽表（第一列指标，每位专家一列；"
        "XLSX 中「第1轮」「第2轮」…各为一轮）",
    )
    d.add_argument("--sheet", default=None)
    d.add_argument("--scale-max", type=float, default=5, help="评分满分（默认 5）")
    d.add_argument("--min-mean", type=float, default=3.5, help="通过的最低均值（默认 3.5）")
    d.add_argument("--max-cv", type=float, default=0.25, help="通过的最大变异系数（默认 0.25）")
    d.add_argument("--out", default=None, help="输出目录：权重结果.xlsx、weights.json")
    d.set_defaults(func=_cmd_delphi)
