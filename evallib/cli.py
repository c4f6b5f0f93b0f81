"""Command line: ``evallib score``, ``evallib templates``.

Thin edge: parse arguments, call the library, print Chinese output.  User mistakes exit with
code 2 and a message, never a traceback.  Outputs are computed in memory first and written
atomically, so a failed run leaves no output files.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, templates
from .cli_feedback import add_feedback_parser
from .cli_goals import add_goals_parser
from .cli_library import add_library_parser, add_template_from_library
from .cli_monitor import add_monitor_parser
from .cli_rank import add_rank_parser, add_weight_parsers
from .errors import EvalError
from .evidence import load_evidence
from .fileio import atomic_write_bytes, atomic_write_text, sha256_file
from .indicators import load_system
from .inert import frames_xlsx
from .outdir import output_lock
from .present import console_table
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
        inputs=_inputs(args.system, args.evidence, *evidence.inputs),
        params={"profile": args.profile, "grade_scale": args.grade_scale},
    )
    result = evaluate(system, evidence, profile=args.profile, grade_scale=args.grade_scale,
                      provenance=prov)  # fmt: skip
    json_text = result.to_json()
    xlsx = result.to_excel_bytes()
    print(result.summary_text())
    if args.out:
        out = Path(args.out)
        with output_lock(out):
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


def _cmd_weights(args: argparse.Namespace) -> int:
    from . import weighting as wt

    if args.action == "template":
        system = load_system(args.system)
        data = wt.write_template(system, args.experts)
        atomic_write_bytes(args.out, data)
        n_blocks = len(wt.workbook._blocks_of(system))
        msg = f"已生成专家判断矩阵模板：{args.out}（{args.experts} 位专家，"
        print(f"{msg}每人 {n_blocks} 个判断矩阵）")
        return 0
    judgements = wt.read_workbook(args.workbook)
    res = wt.weigh_workbook(
        judgements, method=args.method, aggregate=args.aggregate, threshold=args.threshold,
        ri_table=args.ri, total=args.total, decimals=args.decimals,
        inconsistent="exclude" if args.exclude_inconsistent else args.inconsistent,
    )  # fmt: skip
    new_system = res.system_with_points()
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.unicode.east_asian_width", True):  # fmt: skip
        print(f"一致性检验（CR < {args.threshold:.2f} 为通过）：")
        print(console_table(res.consistency_table()))
        for note in res.inconsistency_notes_zh():
            print(f"提示：{note}")
        if res.params["inconsistent"] == "repair" and res.inconsistent():
            print("\n修改建议（请专家据此修改判断后重新计算）：")
            print(console_table(res.repair_table()))
        print("\n判断矩阵集结结果：")
        print(console_table(res.block_table()))
        print("\n指标权重与分值：")
        print(console_table(res.weights_table()))
    for w in res.hierarchy.warnings_zh():
        print(f"提示：{w}")
    if args.out:
        out = Path(args.out)
        sheets = {"权重与分值": res.weights_table(), "一致性检验": res.consistency_table(),
                  "专家一致性": res.expert_table(), "判断矩阵": res.block_table()}  # fmt: skip
        if res.inconsistent():
            sheets["修改建议"] = res.repair_table()
        xlsx = frames_xlsx(sheets)
        payload = res.to_dict()
        payload["provenance"] = Provenance(inputs=_inputs(args.workbook)).to_dict()
        js = json.dumps(_round_floats(payload), ensure_ascii=False, sort_keys=True, indent=2)
        with output_lock(out):
            atomic_write_bytes(out / "权重结果.xlsx", xlsx)
            atomic_write_text(out / "weights.json", js + "\n")
            atomic_write_text(out / "指标体系_赋权.yaml", new_system.to_yaml())
        names = "，".join(
            str(out / f) for f in ("权重结果.xlsx", "weights.json", "指标体系_赋权.yaml")
        )
        print(f"\n已写出：{names}")
    return 0


def _cmd_survey(args: argparse.Namespace) -> int:
    import pandas as pd

    from .survey import analyze, load_spec, read_survey
    from .survey.outputs import write_outputs

    spec = load_spec(args.spec)
    data = read_survey(args.data, spec, sheet=args.sheet, text_twin=args.text_export)
    for note in data.notes:
        print(note)
    trim = tuple(args.trim) if args.trim else None
    result = analyze(data, weighted=args.weighted, trim=trim, seed=args.seed)
    print(result.summary_zh())
    with pd.option_context("display.width", 200, "display.max_columns", 30,
                           "display.unicode.east_asian_width", True):  # fmt: skip
        print("\n" + result.cleaning.table_zh().to_string(index=False))
        print(
            "\n"
            + console_table(result.items_zh()[["编码", "题目", "有效回答", "满意率", "满意度得分"]])
        )
    if data.unmatched_columns:
        print(
            f"\n提示：以下列未用于计分，也不写入输出（问卷说明 keep_text 可保留文字题）："
            f"{'、'.join(data.unmatched_columns[:30])}"
            + (f" 等 {len(data.unmatched_columns)} 列" if len(data.unmatched_columns) > 30 else "")
        )
    if args.out:
        with output_lock(args.out):
            paths = write_outputs(result, data, args.out)
        print("\n已写出：" + "，".join(str(p) for p in paths))
    return 0


def _say(line: str) -> None:
    print(line, flush=True)


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import run_report
    from .report.warm import run_report_warm

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    run = run_report if args.kernel else run_report_warm
    res = run(args.project, args.out, formats=formats, seed=args.seed, progress=_say,
              docx_template=args.docx_template, pdf_engine=args.pdf_engine)  # fmt: skip
    main_file = res.files.get("pdf") or res.files.get("docx") or res.files.get("html")
    print(f"报告：{main_file}")
    print(f"总分：{res.total:.2f}")
    from .project import load_project
    from .report.context import REPORT_KINDS

    label = REPORT_KINDS[load_project(args.project, check=False).kind]["grade"]
    print(f"{label}：{res.grade or '未定级'}")
    print(f"运行包（工作底稿）：{res.out}（result.json、manifest.json、report.ipynb）")
    return 0


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from .report import reproduce

    r = reproduce(args.bundle, from_originals=args.originals, warm=not args.kernel)
    print(r.summary_zh())
    return 0 if r.identical else 1


def _cmd_review(args: argparse.Namespace) -> int:
    import pandas as pd

    from .review import read_forms, read_long_table, review
    from .review.outputs import write_outputs

    inp = read_forms(args.input) if args.forms else read_long_table(args.input, sheet=args.sheet)
    res = review(inp, profile=args.profile, scale=args.grade_scale, layout=args.layout)
    s = res.summary
    n_err = int((s["errors"] > 0).sum())
    print(
        f"复核项目 {len(s)} 个，指标 {len(res.rows)} 行；存在错误的项目 {n_err} 个，"
        f"错误 {int(s['errors'].sum())} 处，无法核对 {int(s['unverifiable'].sum())} 处，"
        f"提示 {int(s['warnings'].sum())} 处。"
    )
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.unicode.east_asian_width", True):  # fmt: skip
        print("\n按问题统计：")
        from .review.outputs import SEVERITY_ZH, _codes_zh

        counts = res.counts_by_code()
        counts.insert(1, "问题", counts["code"].map(_codes_zh))
        counts["severity"] = counts["severity"].map(lambda s: SEVERITY_ZH.get(s, s))
        print(
            console_table(
                counts.rename(columns={"code": "问题代码", "severity": "级别", "count": "数量"})
            )
        )
        from .review.outputs import summary_zh

        print("\n问题最多的项目：")
        worst = s.sort_values(["errors", "unverifiable", "warnings"], ascending=False).head(10)
        print(console_table(summary_zh(worst)))
    if args.out:
        with output_lock(args.out):
            paths = write_outputs(res, args.out)
        print("\n已写出：" + "，".join(str(p) for p in paths))
    if args.record:
        from .fileio import sha256_file
        from .library import Library
        from .library.store import record_review

        lib = Library.open(args.db)
        done = record_review(lib, res, sha256=sha256_file(args.input), source=str(args.input),
                             year=args.year, department=args.department or "")  # fmt: skip
        print(f"\n已记入结果库 {lib.where}：新记录 {sum(n for _i, n in done)} 个项目，"
              f"已记录过 {sum(not n for _i, n in done)} 个。")  # fmt: skip
    return 0


def _cmd_batch(args: argparse.Namespace) -> int:
    import pandas as pd

    from .batch.runner import batch, main_summary_text, summary_table_zh

    summary = batch(args.manifest, args.out, workers=args.workers, scheduler=args.scheduler,
                    progress=not args.no_progress)  # fmt: skip
    print("\n" + main_summary_text(summary))
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.unicode.east_asian_width", True):  # fmt: skip
        cols = ["项目", "状态", "总分", "等级", "用时（秒）", "运行包"]
        print(summary_table_zh(summary)[cols].to_string(index=False, na_rep="—"))
    out = Path(args.out)
    print(f"\n已写出：{out / 'batch_summary.csv'}，{out / 'batch_summary.xlsx'}，"
          f"{out / '项目得分比较.csv'}")  # fmt: skip
    return 0 if (summary["status"] != "failed").all() else 1


def _round_floats(x: object) -> object:
    from .results import _clean

    return _clean(x)


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
    add_template_from_library(tsub)

    w = sub.add_parser("weights", help="指标赋权：专家判断矩阵模板、层次分析法 (AHP) 计算")
    wsub = w.add_subparsers(dest="action", required=True)
    wt_ = wsub.add_parser("template", help="按指标体系生成专家判断矩阵 Excel 模板")
    wt_.add_argument("system", help="指标体系：YAML/XLSX 文件或模板名")
    wt_.add_argument("--experts", type=int, default=7, help="专家人数（默认 7）")
    wt_.add_argument("--out", default="专家判断矩阵.xlsx", help="输出文件")
    wa = wsub.add_parser("ahp", help="读取专家填写的判断矩阵，计算权重与分值")
    wa.add_argument("workbook", help="专家填写后的判断矩阵工作簿")
    wa.add_argument(
        "--method",
        default="eigen",
        choices=["eigen", "geometric", "normalized_columns"],
        help="eigen 特征向量法（默认）、geometric 方根法、normalized_columns 和积法",
    )
    wa.add_argument(
        "--aggregate",
        default="aij",
        choices=["aij", "aip"],
        help="群决策集结：aij 判断矩阵几何平均（默认）、aip 权重几何平均",
    )
    wa.add_argument("--threshold", type=float, default=0.10, help="一致性比率阈值（默认 0.10）")
    wa.add_argument(
        "--ri",
        default="saaty1980",
        help="随机一致性指标表：saaty1980（默认）、saaty2005、chinese、alonso_lamata、donegan_dodd",
    )
    wa.add_argument(
        "--inconsistent",
        default="keep",
        choices=["keep", "exclude", "repair"],
        help="未通过一致性检验的专家：keep 保留并提示（默认）、exclude 剔除、"
        "repair 剔除并给出修改建议",
    )
    wa.add_argument("--exclude-inconsistent", action="store_true", help="同 --inconsistent exclude")
    wa.add_argument("--total", type=float, default=None, help="总分（默认取指标体系的总分）")
    wa.add_argument("--decimals", type=int, default=0, help="分值保留小数位（默认 0，整数）")
    wa.add_argument(
        "--out", default=None, help="输出目录：权重结果.xlsx、weights.json、指标体系_赋权.yaml"
    )
    w.set_defaults(func=_cmd_weights)
    add_weight_parsers(wsub)
    add_rank_parser(sub)
    add_library_parser(sub)
    add_goals_parser(sub)
    add_monitor_parser(sub)
    add_feedback_parser(sub)

    s = sub.add_parser("survey", help="满意度问卷：清洗、计分、信度、分组，输出脱敏数据与表格")
    s.add_argument("spec", help="问卷说明 YAML")
    s.add_argument(
        "data", help="问卷数据：问卷星/腾讯问卷/问卷网/金数据/见数导出 XLSX/XLS/CSV、SPSS .sav"
    )
    s.add_argument("--out", default=None, help="输出目录")
    s.add_argument(
        "--text-export", default=None,
        help="同一批答卷的「按选项文本」导出：据此确定数值编码的含义（与问卷说明矛盾时报错）",
    )  # fmt: skip
    s.add_argument("--sheet", default=None, help="数据所在工作表")
    s.add_argument(
        "--weighted",
        action="store_true",
        default=None,
        help="按问卷说明中的 margins 加权（默认：给出 margins 时加权）",
    )
    s.add_argument(
        "--trim",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        help="权重截尾：相对均值的下限和上限，如 0.3 3",
    )
    s.add_argument(
        "--seed", type=int, default=None, help="自助法随机种子（默认取问卷说明中的 seed）"
    )
    s.set_defaults(func=_cmd_survey)

    r = sub.add_parser(
        "report", help="生成评价报告（重点评价、事前评估、部门整体、自评，按项目文件 kind）及运行包"
    )
    r.add_argument("project", help="项目文件 YAML（见 docs/report.md）")
    r.add_argument("--out", required=True, help="输出目录（运行包）")
    r.add_argument("--format", default="pdf,docx,html", help="报告格式，逗号分隔：pdf,docx,html")
    r.add_argument("--seed", type=int, default=None, help="随机种子（默认 20261122）")
    r.add_argument(
        "--docx-template",
        default=None,
        help="评价机构自己的 Word 参考模板（.docx）：使用其样式、页面设置、页眉页脚",
    )
    r.add_argument(
        "--pdf-engine",
        choices=["typst", "weasyprint"],
        default=None,
        help="PDF 排版引擎：typst（默认，较快）或 weasyprint（HTML/CSS 排版）",
    )
    r.add_argument("--kernel", action="store_true", help=_KERNEL_HELP)
    r.set_defaults(func=_cmd_report)

    rv = sub.add_parser("review", help="自评复核：按各种口径复算自评表得分并标记问题")
    rv.add_argument(
        "input", help="自评表：长表 CSV/XLSX（每行一个指标），或 --forms 每表一个项目的 XLSX"
    )
    rv.add_argument("--forms", action="store_true", help="输入为每个工作表一个项目的自评表")
    rv.add_argument("--sheet", default=None, help="长表所在工作表")
    rv.add_argument(
        "--profile",
        default="national",
        choices=["national", "platform"],
        help="复核得分采用的口径（默认国家口径）",
    )
    rv.add_argument("--grade-scale", default="national", help="复核等级标准（默认 national）")
    rv.add_argument(
        "--layout", default=None,
        help="自评表版式：national（10+90）、hubei（20+80，只列得分）、ningxia（40/40/20，预算不计分）、"
        "sichuan、evaluation（决策/过程/产出/效益）；默认按表格自动识别",
    )  # fmt: skip
    rv.add_argument("--out", default=None, help="输出目录")
    rv.add_argument(
        "--record", action="store_true", help="把复核结果记入结果库（见 evallib library）"
    )
    rv.add_argument(
        "--db", default=None, help="结果库：SQLite 文件或 postgresql://…（默认同 evallib library）"
    )
    rv.add_argument("--year", type=int, default=None, help="记入结果库的年度")
    rv.add_argument("--department", default=None, help="记入结果库的主管部门")
    rv.set_defaults(func=_cmd_review)

    b = sub.add_parser("batch", help="批量生成评价报告（Dask 本地集群或已有集群），可断点续跑")
    b.add_argument(
        "manifest", help="批量清单 CSV/XLSX/YAML：project 列（项目文件），可选 id、seed、formats"
    )
    b.add_argument("--out", required=True, help="输出目录：每个项目一个运行包")
    b.add_argument("--workers", type=int, default=None, help="本地工作进程数（默认每核一个）")
    b.add_argument(
        "--scheduler", default=None, help="已有 Dask 集群的调度器地址，如 tcp://host:8786"
    )
    b.add_argument("--no-progress", action="store_true", help="不显示进度条")
    b.set_defaults(func=_cmd_batch)

    rp = sub.add_parser("reproduce", help="按运行包重新计算并与原结果比对")
    rp.add_argument("bundle", help="运行包目录（evallib report 的输出目录）")
    rp.add_argument(
        "--originals",
        action="store_true",
        help="按原始输入文件（而非运行包中的副本）重新计算，检查生成报告后是否有改动",
    )
    rp.add_argument("--kernel", action="store_true", help=_KERNEL_HELP)
    rp.set_defaults(func=_cmd_reproduce)
    return p


_KERNEL_HELP = (
    "在独立的 Jupyter 内核 (kernel) 中运行报告 notebook（较慢）；默认在预热的子进程中"
    "运行 (warm worker)，结果相同"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``evallib`` console script."""
    from .imports import skip_slow_optional_imports

    skip_slow_optional_imports()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except EvalError as exc:
        print(f"错误（{exc.label_zh}）：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head/less that closed: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except MemoryError:
        print("错误：内存不足 (MemoryError)。输入文件可能过大。", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("EVALLIB_DEBUG"):
            raise
        print(
            f"内部错误 (internal error)：{type(exc).__name__}: {exc}\n这是 evallib 的缺陷，"
            "请连同输入文件报告；设置环境变量 EVALLIB_DEBUG=1 可查看详细信息 (traceback)。",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
