"""Command line: ``evallib score``, ``evallib templates``.

Thin edge: parse arguments, call the library, print Chinese output.  User mistakes exit with
code 2 and a message, never a traceback.  Outputs are computed in memory first and written
atomically, so a failed run leaves no output files.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, templates
from .errors import EvalError
from .evidence import load_evidence
from .fileio import atomic_write_bytes, atomic_write_text, sha256_file
from .indicators import load_system
from .results import Provenance
from .scoring import evaluate

__all__ = ["main"]

log = logging.getLogger("evallib")


def _inputs(*paths: str) -> dict[str, str]:
    out = {}
    for p in paths:
        if Path(p).is_file():
            out[Path(p).name] = sha256_file(p)
        elif p in templates.names():
            out[f"template:{p}"] = sha256_file(templates.path(p))
    return out


def _cmd_score(args: argparse.Namespace) -> int:
    system = load_system(args.system, sheet=args.system_sheet)
    evidence = load_evidence(args.evidence, sheet=args.evidence_sheet)
    prov = Provenance(
        inputs=_inputs(args.system, args.evidence),
        params={"profile": args.profile, "grade_scale": args.grade_scale},
    )
    result = evaluate(system, evidence, profile=args.profile, grade_scale=args.grade_scale,
                      provenance=prov)  # fmt: skip
    json_text = result.to_json()
    xlsx = result.to_excel_bytes()
    print(result.summary_text())
    if args.out:
        out = Path(args.out)
        atomic_write_text(out / "result.json", json_text)
        atomic_write_bytes(out / "评分表.xlsx", xlsx)
        print(f"\n已写出：{out / 'result.json'}，{out / '评分表.xlsx'}")
    return 0


def _cmd_templates(args: argparse.Namespace) -> int:
    if args.action == "list":
        for name in templates.names():
            print(f"{name:<20}{templates.describe(name)}")
    elif args.action == "show":
        print(templates.path(args.name).read_text(encoding="utf-8"))
    elif args.action == "copy":
        dest = Path(args.dest)
        if dest.exists():
            print(f"错误：{dest} 已存在，不覆盖。", file=sys.stderr)
            return 2
        src = templates.path(args.name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        print(f"已复制模板 {args.name} 到 {dest}，可编辑后使用。")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="evallib", description="预算绩效评价工作台 (evallib)")
    p.add_argument("--version", action="version", version=f"evallib {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("score", help="按指标体系和证据计算得分、总分和等级")
    s.add_argument("system", help="指标体系：YAML/XLSX 文件或模板名（如 key_project）")
    s.add_argument("evidence", help="证据：YAML/XLSX/CSV 文件（各指标的实际完成值）")
    s.add_argument("--out", help="输出目录：写出 result.json 和 评分表.xlsx")
    s.add_argument(
        "--profile", default=None, help="评分口径：national（默认）、platform、tiers_80_50"
    )
    s.add_argument(
        "--grade-scale",
        default=None,
        help="评价等级标准：national、strict_90、integer_bands、self_evaluation、ex_ante…",
    )
    s.add_argument("--system-sheet", default=None, help="指标体系所在的工作表名")
    s.add_argument("--evidence-sheet", default=None, help="证据所在的工作表名")
    s.set_defaults(func=_cmd_score)

    t = sub.add_parser("templates", help="列出、查看或复制内置指标体系模板")
    tsub = t.add_subparsers(dest="action", required=True)
    tsub.add_parser("list", help="列出模板")
    sh = tsub.add_parser("show", help="显示模板 YAML")
    sh.add_argument("name")
    cp = tsub.add_parser("copy", help="复制模板到文件以便编辑")
    cp.add_argument("name")
    cp.add_argument("dest")
    t.set_defaults(func=_cmd_templates)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``evallib`` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except EvalError as exc:
        print(f"错误 ({type(exc).__name__})：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
