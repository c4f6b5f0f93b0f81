"""``evallib goals``: check 绩效目标申报表 and write the 审核意见."""

from __future__ import annotations

import argparse
from typing import Any

from .errors import EvalError

__all__ = ["add_goals_parser", "unit_costs"]


def unit_costs(path: str | None) -> dict[str, tuple[float, float]]:
    """Unit → (min, max) 万元 per unit, from YAML ``{公里: [30, 1500], …}``."""
    if not path:
        return {}
    from .fileio import read_yaml

    data = read_yaml(path)
    out = {}
    for unit, band in (data or {}).items() if isinstance(data, dict) else []:
        ok = (
            isinstance(band, list)
            and len(band) == 2
            and all(isinstance(x, int | float) and not isinstance(x, bool) for x in band)
            and band[0] <= band[1]
        )
        if not ok:
            raise EvalError(
                f"单位成本区间有误：{unit}: {band!r}",
                file=path,
                value=band,
                fix="写成 单位: [最小, 最大]（万元/单位），如 公里: [30, 1500]",
            )
        out[str(unit)] = (float(band[0]), float(band[1]))
    if not out:
        raise EvalError("单位成本区间文件为空", file=path, fix="写成 公里: [30, 1500] 的映射")
    return out


def _history(db: str | None) -> Any:
    if db is None:
        return None
    from .goals.checks import parsed
    from .library import Library
    from .library.store import last_actual

    lib = Library.open(db)

    def lookup(sheet: Any, ind: Any) -> float | None:
        v = parsed(ind.written)
        if sheet.year is None or v is None:
            return None
        return last_actual(lib, ind.name, sheet.project, sheet.year, unit=v.unit.symbol)

    return lookup


def _cmd_goals(args: argparse.Namespace) -> int:
    from .fileio import sha256_file
    from .goals import Context, audit, read_goal_sheets, write_outputs
    from .outdir import output_lock
    from .present import console_table
    from .results import Provenance

    sheets = read_goal_sheets(args.sheets, forms=args.forms, sheet=args.sheet)
    ctx = Context(unit_costs=unit_costs(args.unit_costs), last_actual=_history(args.db))
    res = audit(sheets, ctx)
    s = res.summary
    print(
        f"审核绩效目标申报表 {len(s)} 份，指标 {int(s['indicators'].sum())} 个；"
        f"退回修改 {len(res.returned)} 份，"
        f"附修改建议通过 {int((s['conclusion'] == 'advise').sum())} 份，"
        f"直接通过 {int((s['conclusion'] == 'pass').sum())} 份。"
    )
    if res.returned:
        print("\n退回修改的申报表：")
        shown = s[s["conclusion"] == "return"][["sheet_id", "project", "returns", "advices"]]
        print(
            console_table(
                shown.rename(
                    columns={
                        "sheet_id": "项目编号",
                        "project": "项目名称",
                        "returns": "须修改",
                        "advices": "建议",
                    }
                ).head(30)
            )
        )
    if args.out:
        inputs = {"sheets": sha256_file(args.sheets)}
        if args.unit_costs:
            inputs["unit_costs"] = sha256_file(args.unit_costs)
        prov = Provenance(
            inputs=inputs,
            params={"forms": args.forms, "sheet": args.sheet, "history": bool(args.db)},
        )
        with output_lock(args.out):
            paths = write_outputs(res, args.out, provenance=prov)
        print("\n已写出：" + "，".join(str(p) for p in paths))
    if args.record:
        _record(args, res)
    return 0


def _record(args: argparse.Namespace, res: Any) -> None:
    from .fileio import sha256_file
    from .library import Library, ResultRow, RunRecord
    from .library.store import record

    lib = Library.open(args.db)
    import hashlib

    sha = sha256_file(args.sheets)
    new = 0
    for sheet in res.sheets:  # one run per sheet: the file's hash with the sheet's id
        sheet_sha = hashlib.sha256(f"{sha}:{sheet.sheet_id}".encode()).hexdigest()
        rows = [
            ResultRow(name=i.name, level1=i.level1, level2=i.level2, target=i.written)
            for i in sheet.indicators
            if i.name.strip()
        ]
        concl = res.summary.set_index("sheet_id").loc[sheet.sheet_id, "conclusion"]
        _id, is_new = record(
            lib,
            RunRecord(
                kind="goal_check",
                project=sheet.project,
                department=sheet.department,
                year=sheet.year,
                grade={"return": "退回", "advise": "建议", "pass": "通过"}[concl],
                bundle_path=str(args.sheets),
                sha256=sheet_sha,
                rows=rows,
            ),
        )
        new += is_new
    print(f"\n已记入结果库 {lib.where}：新记录 {new} 份。")


def add_goals_parser(sub: Any) -> None:
    """Register ``evallib goals``."""
    g = sub.add_parser("goals", help="绩效目标审核：检查绩效目标申报表，写出审核意见")
    g.add_argument(
        "sheets", help="申报表：长表 CSV/XLSX（每行一个指标）、--forms 每表一份的 XLSX，或 YAML"
    )
    g.add_argument("--forms", action="store_true", help="输入为每个工作表一份申报表")
    g.add_argument("--sheet", default=None, help="长表所在工作表")
    g.add_argument(
        "--unit-costs",
        default=None,
        help="单位成本区间 YAML（单位: [最小, 最大] 万元），检查目标与预算是否匹配",
    )
    g.add_argument(
        "--db",
        default=None,
        help="结果库（SQLite 文件或 postgresql://…）：按上年实际完成值检查指标值是否偏低",
    )
    g.add_argument("--record", action="store_true", help="把审核结果记入结果库")
    g.add_argument("--out", default=None, help="输出目录")
    g.set_defaults(func=_cmd_goals)
