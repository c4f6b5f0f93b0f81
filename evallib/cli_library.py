"""``evallib library …``: the indicator library and results store from the command line, and
``evallib templates from-library``: an indicator system made of library picks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["add_library_parser", "add_template_from_library"]


def _open(args: argparse.Namespace, *, seed: bool = True) -> Any:
    from .library import Library

    return Library.open(args.db, seed=seed)


def _show(df: pd.DataFrame, empty: str) -> None:
    if df.empty:
        print(empty)
        return
    with pd.option_context(
        "display.width", 200, "display.max_colwidth", 60, "display.max_rows", 500
    ):
        print(df.to_string(index=False))


def _cmd_init(args: argparse.Namespace) -> int:
    lib = _open(args, seed=not args.empty)
    print(f"指标库：{lib.where}，共 {lib.count()} 个指标。")
    return 0


def _cmd_upgrade(args: argparse.Namespace) -> int:
    from .library import db

    url = db.resolve_url(args.db)
    engine = db.connect_engine(url)
    with engine.connect() as conn:
        state, rev, head = db.schema_state(conn)
    if state in ("foreign", "newer"):
        db.check_opened(url, engine, create=False)  # raises the matching EvalError
    db.upgrade(engine)
    print(f"指标库 {db.describe(url)} 结构版本：{rev or '（新建）'} → {head}。")
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    from .library import hits_table, search

    lib = _open(args)
    hits = search(
        lib,
        " ".join(args.query),
        limit=args.limit,
        level1=args.level1,
        level2=args.level2,
        category=args.category,
        sector=args.sector,
        project_type=args.type,
    )
    _show(hits_table(hits), "没有找到匹配的指标。可换用更短的关键词，或去掉筛选条件。")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    from .library.exchange import indicators_frame

    lib = _open(args)
    row = indicators_frame([lib.get(args.code)]).iloc[0]
    for k, v in row.items():
        print(f"{k}：{v}")
    return 0


def _cmd_add(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from .library import LibraryIndicator
    from .library.model import validation_error

    fields = {
        "code": args.code,
        "name": args.name,
        "level1": args.level1,
        "level2": args.level2,
        "category": args.category,
        "sector": args.sector,
        "project_types": args.type or [],
        "unit": args.unit,
        "direction": args.direction,
        "rule": args.rule,
        "target": args.target,
        "explanation": args.explanation,
        "criterion": args.criterion,
        "aliases": args.alias or [],
        "source": args.source,
    }
    try:
        item = LibraryIndicator.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        raise validation_error(exc) from None
    lib = _open(args)
    lib.add(item, replace=args.replace)
    print(
        f"已{'更新' if args.replace else '加入'}指标 {item.code}「{item.name}」。"
        f"指标库共 {lib.count()} 个指标。"
    )
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from .library.exchange import import_library

    lib = _open(args)
    n = import_library(lib, args.file, replace=args.replace)
    print(f"已导入 {n} 个指标（{args.file}）。指标库共 {lib.count()} 个指标。")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .library.exchange import export_library

    lib = _open(args)
    path = export_library(lib, args.file)
    print(f"已导出 {lib.count()} 个指标到 {path}。")
    return 0


def _cmd_suggest(args: argparse.Namespace) -> int:
    from .library.suggest import suggest, suggestions_table

    lib = _open(args)
    items = suggest(lib, args.type, args.name or "", args.description or "", limit=args.limit)
    _show(suggestions_table(items), "没有可推荐的指标。")
    return 0


def _cmd_types(args: argparse.Namespace) -> int:
    lib = _open(args)
    _show(
        pd.DataFrame(lib.project_types(), columns=["项目类型", "指标数"]), "指标库中没有项目类型。"
    )
    return 0


def _cmd_record(args: argparse.Namespace) -> int:
    from .library.store import record_bundle

    lib = _open(args)
    for folder in args.bundles:
        run_id, new = record_bundle(
            lib, folder, project=args.project, year=args.year, department=args.department
        )
        print(f"{'已记录' if new else '已记录过，未重复记录'}：{folder}（编号 {run_id}）")
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    from .library.store import history

    lib = _open(args)
    h = history(lib, args.indicator, department=args.department)
    shown = f"“{args.indicator}”" + (f"（指标库编码 {h.code}）" if h.code else "")
    print(f"{shown}的历史记录：{len(h.rows)} 条")
    _show(h.rows, "结果库中没有该指标的记录。先用 evallib library record 记录评价结果。")
    if not h.by_year.empty:
        print("\n按年度统计（实际完成值）：")
        _show(h.by_year, "")
    for note in h.notes:
        print(f"说明：{note}")
    print(h.standard_zh(args.years))
    return 0


def _cmd_portfolio(args: argparse.Namespace) -> int:
    from .library.store import portfolio

    lib = _open(args)
    _show(portfolio(lib, department=args.department), "结果库中还没有评价结果。")
    return 0


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        default=None,
        help="指标库：SQLite 文件路径或 postgresql://用户@主机/库名"
        "（默认 $EVALLIB_LIBRARY 或用户数据目录）",
    )


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--type", default=None, help="适用项目类型（培训、工程建设……）")
    p.add_argument("--level1", default=None, help="一级指标")
    p.add_argument("--level2", default=None, help="二级指标")
    p.add_argument("--category", default=None, help="类别")
    p.add_argument("--sector", default=None, help="行业")


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--code", required=True, help="编码（唯一）")
    p.add_argument("--name", required=True, help="指标名称")
    for opt, help_ in (
        ("--level1", "一级指标"),
        ("--level2", "二级指标"),
        ("--category", "类别"),
        ("--sector", "行业"),
        ("--unit", "计量单位"),
        ("--direction", "指标方向：正向、反向、区间、定性"),
        ("--rule", "评分规则（positive、qualitative……或中文名）"),
        ("--target", "参考指标值"),
        ("--explanation", "指标解释"),
        ("--criterion", "评分标准"),
        ("--source", "来源"),
    ):
        p.add_argument(opt, default=None, help=help_)
    p.add_argument("--type", action="append", help="适用项目类型（可重复）")
    p.add_argument("--alias", action="append", help="别名（可重复）")
    p.add_argument("--replace", action="store_true", help="编码已存在时更新该指标")


def add_library_parser(sub: Any) -> None:
    """Register ``evallib library`` and its actions."""
    lp = sub.add_parser("library", help="指标库与结果库：查找、推荐指标，记录结果，查询历史标准")
    ls = lp.add_subparsers(dest="action", required=True)
    specs: list[tuple[str, str, Any]] = [
        ("init", "创建指标库（默认载入起步指标库）", _cmd_init),
        ("upgrade", "升级指标库结构版本（先备份）", _cmd_upgrade),
        ("search", "按关键词、片段查找指标", _cmd_search),
        ("show", "显示一个指标的全部字段", _cmd_show),
        ("add", "加入或更新一个指标", _cmd_add),
        ("import", "从 Excel 或 YAML 导入指标", _cmd_import),
        ("export", "导出指标库到 Excel 或 YAML", _cmd_export),
        ("suggest", "按项目类型、名称和内容推荐指标", _cmd_suggest),
        ("types", "列出项目类型", _cmd_types),
        ("record", "把评价结果（运行包或 evallib score 输出）记入结果库", _cmd_record),
        ("history", "查询指标的历年实际完成值与历史标准", _cmd_history),
        ("portfolio", "按年度汇总已记录的评价结果", _cmd_portfolio),
    ]
    parsers = {}
    for name, help_, func in specs:
        p = ls.add_parser(name, help=help_)
        _db_option(p)
        p.set_defaults(func=func)
        parsers[name] = p
    parsers["init"].add_argument("--empty", action="store_true", help="不载入起步指标库")
    s = parsers["search"]
    s.add_argument("query", nargs="*", help="关键词（可多个，可为片段）；不写则按筛选条件列出")
    s.add_argument("--limit", type=int, default=20, help="最多显示条数")
    _filters(s)
    parsers["show"].add_argument("code", help="指标编码")
    _add_options(parsers["add"])
    for name in ("import", "export"):
        parsers[name].add_argument("file", help=".xlsx 或 .yaml 文件")
    parsers["import"].add_argument("--replace", action="store_true", help="更新编码已存在的指标")
    g = parsers["suggest"]
    g.add_argument("--type", required=True, help="项目类型（evallib library types 列出）")
    g.add_argument("--name", default=None, help="项目名称")
    g.add_argument("--description", default=None, help="项目内容、绩效目标")
    g.add_argument("--limit", type=int, default=12, help="推荐条数")
    r = parsers["record"]
    r.add_argument("bundles", nargs="+", help="evallib report 运行包或 evallib score 输出文件夹")
    r.add_argument("--project", default=None, help="项目名称（结果中没有时必填）")
    r.add_argument("--year", type=int, default=None, help="年度")
    r.add_argument("--department", default=None, help="主管部门")
    h = parsers["history"]
    h.add_argument("indicator", help="指标名称、别名或指标库编码")
    h.add_argument("--department", default=None, help="只看某部门")
    h.add_argument("--years", type=int, default=3, help="历史标准取最近几年（默认 3）")
    parsers["portfolio"].add_argument("--department", default=None, help="只看某部门")


def _cmd_from_library(args: argparse.Namespace) -> int:
    import yaml

    from .fileio import atomic_write_text
    from .library.compose import parse_picks, system_from_picks

    dest = Path(args.out)
    if dest.exists():
        print(f"错误：{dest} 已存在，不覆盖。", file=sys.stderr)
        return 2
    lib = _open(args)
    data = system_from_picks(lib, parse_picks(args.picks), name=args.name, total=args.total)
    text = "# 由 evallib templates from-library 从指标库生成；分值与年度指标值请按项目核定。\n"
    text += yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    atomic_write_text(dest, text)
    print(f"已生成指标体系 {dest}（{len(args.picks)} 个三级指标，总分 {args.total:g}）。")
    return 0


def add_template_from_library(tsub: Any) -> None:
    """Register ``evallib templates from-library``."""
    p = tsub.add_parser("from-library", help="用指标库中选出的指标生成指标体系 YAML")
    p.add_argument("picks", nargs="+", help="指标库编码，可带分值：PX-01=10 PX-04")
    p.add_argument("--out", required=True, help="输出的指标体系 .yaml")
    p.add_argument("--name", required=True, help="指标体系名称")
    p.add_argument("--total", type=float, default=100.0, help="总分（默认 100）")
    _db_option(p)
    p.set_defaults(func=_cmd_from_library)
