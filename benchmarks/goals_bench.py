"""Goal-sheet review benchmark (issue 14): 10,000 goal sheets (~60,000 indicator rows) in one
long-table XLSX, read and checked with every registered check (bar: ≤ 10 s).  The floor,
measured in the same run, is reading the same file into a table (evallib.tables.read_table
through python-calamine, as the goal reader does).

    python benchmarks/goals_bench.py [--sheets 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from evallib.goals import Context, audit, read_goal_sheets
from evallib.goals.checks import parsed
from evallib.goals.generate import UNIT_COSTS, generate_sheets, write_long_table
from evallib.tables import read_table


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sheets", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sheets, truth = generate_sheets(args.sheets, seed=5)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "绩效目标.xlsx"
        write_long_table(sheets, path)
        rows = sum(len(s.indicators) for s in sheets)
        print(
            f"{args.sheets:,} sheets, {rows:,} indicator rows, "
            f"{path.stat().st_size / 1e6:.1f} MB (not timed)"
        )
        floor, total, checks = [], [], []
        for _ in range(args.repeat):
            parsed.cache_clear()
            t = time.perf_counter()
            read_table(path, header_keywords=["三级指标"], fast=True)
            floor.append(time.perf_counter() - t)
            t = time.perf_counter()
            got = read_goal_sheets(path)
            t1 = time.perf_counter()
            res = audit(got, Context(unit_costs=UNIT_COSTS))
            t2 = time.perf_counter()
            total.append(t2 - t)
            checks.append(t2 - t1)
    found = {(r.sheet_id, r.check) for r in res.findings.itertuples()}
    exact = found == set(truth.items())
    med, fl = statistics.median(total), statistics.median(floor)
    print(f"floor (read_table of the file): median {fl:.2f} s")
    print(
        f"read + all {len(res.summary)} sheets checked: median {med:.2f} s (checks alone "
        f"{statistics.median(checks):.2f} s), {med / fl:.1f}× the floor; "
        f"planted problems found exactly: {exact}"
    )
    print(f"bar 10 s: {'met' if med <= 10 else 'NOT met'}")
    return 0 if med <= 10 and exact else 1


if __name__ == "__main__":
    sys.exit(main())
