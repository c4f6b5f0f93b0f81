"""Review benchmark (issue 6): 10,000 forms (~150,000 indicator rows) parsed, re-scored under
all documented variants and flagged, excluding file reading (the long table is generated in
memory first).  Reports rows/s and checks precision/recall on the planted errors.  The floor
printed beside it, measured in the same run: the least any re-scoring of these rows must do —
pull the first number out of every target and actual string (one vectorised pandas pass each)
and compute one score per row (min(actual / target, 1) × 分值).  Targets: ≤ 5 s (issue 6/12),
≤ 1.5 s (issue 17).

    python benchmarks/review_bench.py [--forms 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from evallib.review import from_long_frame, generate_forms, review

NUMBER = r"([-+]?\d+(?:\.\d+)?)"


def floor_pass(long: pd.DataFrame) -> float:
    """Seconds for the minimal vectorised re-scoring pass over the same rows."""
    cols = {c: next(k for k in long.columns if k in names) for c, names in (
        ("target", ("年度指标值", "target")), ("actual", ("实际完成值", "actual")),
        ("points", ("分值", "points")))}  # fmt: skip
    t = time.perf_counter()
    tgt = pd.to_numeric(long[cols["target"]].astype(str).str.extract(NUMBER)[0], errors="coerce")
    act = pd.to_numeric(long[cols["actual"]].astype(str).str.extract(NUMBER)[0], errors="coerce")
    pts = pd.to_numeric(long[cols["points"]], errors="coerce").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        _ = np.minimum(act.to_numpy() / tgt.to_numpy(), 1.0) * pts
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    t = time.perf_counter()
    long, truth = generate_forms(args.forms, seed=7)
    print(
        f"generated {args.forms:,} forms, {len(long):,} rows in {time.perf_counter() - t:.1f} s"
        " (not timed)"
    )
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        res = review(from_long_frame(long))
        times.append(time.perf_counter() - t)
    best, med = min(times), statistics.median(times)
    fl = statistics.median(floor_pass(long) for _ in range(args.repeat))
    print(
        f"parse + re-score ({len(res.rows.filter(like='score_').columns)} variants) + flag: "
        f"best {best:.2f} s, median {med:.2f} s; {len(long) / best:,.0f} rows/s"
    )
    print(f"floor (extract the numbers + one vectorised score): {fl:.2f} s; ratio {med / fl:.1f}x")
    err = res.flags[res.flags["severity"].isin(["error", "unverifiable"])]
    pred = set(zip(err["project_id"], err["code"], strict=True))
    true = set(zip(truth["project_id"], truth["code"], strict=True))
    print(
        f"planted errors: precision {len(pred & true) / len(pred):.4f}, "
        f"recall {len(pred & true) / len(true):.4f}"
    )
    print(
        f"target <= 5 s: {'met' if med <= 5 else 'NOT met'}; "
        f"issue 17's <= 1.5 s: {'met' if med <= 1.5 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
