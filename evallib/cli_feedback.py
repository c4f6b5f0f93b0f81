"""``evallib feedback``: 评价结果反馈书, 整改跟踪表 and 结果应用汇总 for report bundles."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from .errors import EvalError

__all__ = ["add_feedback_parser"]


def _date(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EvalError(f"{what}不是日期：{text!r}", value=text, fix="写成 2026-12-31") from None


def _cmd_feedback(args: argparse.Namespace) -> int:
    from .feedback import feedback, load_rules
    from .outdir import output_lock
    from .present import console_table

    rules = load_rules(args.rules)
    issued = _date(args.date, "反馈日期") or dt.date.today()
    deadline = _date(args.deadline, "整改期限")
    if deadline is not None and deadline <= issued:
        raise EvalError(
            "整改期限应晚于反馈日期", value=args.deadline, fix="调整 --deadline 或 --date"
        )
    with output_lock(args.out):
        paths, port = feedback(
            args.bundles, args.out, rules=rules, issued=issued, deadline=deadline
        )
    print(
        console_table(
            port[["项目名称", "总分", "等级", "压减比例", "建议下年安排（万元）", "豁免压减"]]
        )
    )
    print(
        f"\n已写出 {len(paths)} 个文件到 {args.out}"
        "（反馈书、整改跟踪表.xlsx、结果应用汇总.xlsx、feedback.json）"
    )
    return 0


def add_feedback_parser(sub: Any) -> None:
    """Register ``evallib feedback``."""
    f = sub.add_parser("feedback", help="结果应用：评价结果反馈书、整改跟踪表、下年度预算处理意见")
    f.add_argument("bundles", nargs="+", help="evallib report 的运行包文件夹（可多个）")
    f.add_argument("--out", required=True, help="输出目录")
    f.add_argument(
        "--rules",
        default=None,
        help="结果应用规则 YAML（等级 → 处理意见、压减比例、豁免类型、整改天数）",
    )
    f.add_argument("--date", default=None, help="反馈日期 YYYY-MM-DD（默认今天）")
    f.add_argument(
        "--deadline", default=None, help="整改期限 YYYY-MM-DD（默认反馈日期后按规则天数）"
    )
    f.set_defaults(func=_cmd_feedback)
