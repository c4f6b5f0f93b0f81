"""``evallib monitor``: in-year monitoring of many projects, with the monitoring report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_monitor_parser", "monitor_report"]


def monitor_report(data: str, month: int, out: Path, *, yellow: float, green: float) -> list[Path]:
    """Run ``notebooks/monitor.ipynb`` on ``data`` and write 绩效监控报告.pdf/.docx (the report
    look of evallib: cover, contents, numbered tables, embedded CJK fonts)."""
    import nbformat
    import papermill as pm

    from .errors import ReportError
    from .fileio import atomic_write_bytes
    from .report.bundle import notebook_path
    from .report.render import render_docx, render_html, render_report_pdf
    from .report.warm import execute_notebook_warm

    nb_out = out / "monitor_report.ipynb"
    params = {"data": str(Path(data).resolve()), "month": month, "yellow": yellow, "green": green}
    try:
        execute_notebook_warm(notebook_path("monitor.ipynb"), nb_out, params, cwd=out)
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            f"监控报告 notebook 执行出错：{exc.ename}: {exc.evalue}",
            file=str(nb_out),
            fix="打开该 notebook 查看出错单元格，修正输入后重新运行",
        ) from None
    nb = nbformat.read(nb_out, as_version=4)
    html = render_html(nb)
    return [
        atomic_write_bytes(out / "绩效监控报告.pdf", render_report_pdf(nb, html)),
        atomic_write_bytes(out / "绩效监控报告.docx", render_docx(nb)),
    ]


def _cmd_monitor(args: argparse.Namespace) -> int:
    from .fileio import sha256_file
    from .monitor import Thresholds, monitor, write_outputs
    from .outdir import output_lock
    from .present import console_table
    from .results import Provenance

    th = Thresholds(args.yellow, args.green)
    res = monitor(args.data, args.month, thresholds=th, sheet=args.sheet)
    c = res.counts()
    print(
        f"监控项目 {len(res.projects)} 个（截至 {args.month} 月底）：红灯 {c['红灯']} 个，"
        f"黄灯 {c['黄灯']} 个，绿灯 {c['绿灯']} 个。"
    )
    fix = res.to_correct
    if not fix.empty:
        print("\n需纠偏或关注的项目：")
        print(
            console_table(
                fix[["项目编号", "项目名称", "总体", "预算执行率", "执行进度比"]].head(30)
            )
        )
    if args.out:
        out = Path(args.out)
        prov = Provenance(
            inputs={"data": sha256_file(args.data)},
            params={"month": args.month, "yellow": th.yellow, "green": th.green},
        )
        with output_lock(out):
            paths = write_outputs(res, out, provenance=prov)
            if args.report:
                paths += monitor_report(
                    args.data, args.month, out, yellow=th.yellow, green=th.green
                )
        print("\n已写出：" + "，".join(str(p) for p in paths))
    return 0


def add_monitor_parser(sub: Any) -> None:
    """Register ``evallib monitor``."""
    m = sub.add_parser(
        "monitor", help="绩效运行监控：预算执行与时间进度、目标完成与计划进度，红黄绿灯预警"
    )
    m.add_argument("data", help="监控表：CSV/XLSX，每行一个三级指标（见 docs/monitor.md）")
    m.add_argument("--month", type=int, required=True, help="监控截至月份（1–12）")
    m.add_argument("--yellow", type=float, default=60.0, help="黄灯下限（进度比，默认 60）")
    m.add_argument("--green", type=float, default=80.0, help="绿灯下限（进度比，默认 80）")
    m.add_argument("--sheet", default=None, help="监控表所在工作表")
    m.add_argument("--report", action="store_true", help="同时生成绩效监控报告（PDF 与 Word）")
    m.add_argument("--out", default=None, help="输出目录")
    m.set_defaults(func=_cmd_monitor)
