"""Review benchmark (issue 6): 10,000 forms (~150,000 indicator rows) parsed, re-scored under
all documented variants and flagged, excluding file reading (the long table is generated in
memory first).  Reports rows/s and checks precision/recall on the planted errors.

    python benchmarks/review_bench.py [--forms 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from evallib.review import from_long_frame, generate_forms, review


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
    print(
        f"parse + re-score ({len(res.rows.filter(like='score_').columns)} variants) + flag: "
        f"best {best:.2f} s, median {med:.2f} s; {len(long) / best:,.0f} rows/s"
    )
    err = res.flags[res.flags["severity"].isin(["error", "unverifiable"])]
    pred = set(zip(err["project_id"], err["code"], strict=True))
    true = set(zip(truth["project_id"], truth["code"], strict=True))
    print(
        f"planted errors: precision {len(pred & true) / len(pred):.4f}, "
        f"recall {len(pred & true) / len(true):.4f}"
    )
    print(f"target <= 5 s: {'met' if med <= 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
