"""Report benchmark (issue 5): the demo from project file to PDF, median of 5 runs, broken
down into validation, notebook execution (kernel start + cells) and conversion (HTML + PDF);
the floor is a papermill run of a notebook that only imports the report stack (kernel start +
imports), measured the same way.

    python benchmarks/report_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from evallib.report import run_report

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "survey_data" / "demo" / "project.yaml"


def floor_run(tmp: Path) -> float:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "%matplotlib inline\nimport evallib.report, evallib.survey, matplotlib.pyplot"
        )
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    src = tmp / "floor.ipynb"
    nbformat.write(nb, src)
    t = time.perf_counter()
    pm.execute_notebook(
        str(src), str(tmp / "floor.out.ipynb"), kernel_name="python3", progress_bar=False
    )
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        floors = [floor_run(tmp) for _ in range(args.runs)]
        for i in range(args.runs):
            t = time.perf_counter()
            res = run_report(PROJECT, tmp / f"run{i}", formats=("pdf",))
            total = time.perf_counter() - t
            rows.append({**res.timings, "total": total})
            print(
                f"run {i + 1}: total {total:.2f} s  "
                + "  ".join(f"{k} {v:.2f}" for k, v in res.timings.items())
            )
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    fl = statistics.median(floors)
    print(
        f"\nmedian of {args.runs}: total {med['total']:.2f} s = validate {med['validate']:.2f} "
        f"+ execute {med['execute']:.2f} (kernel start + cells) + convert {med['convert']:.2f}"
    )
    print(
        f"floor (kernel start + imports, papermill): {fl:.2f} s; cells beyond the floor: "
        f"{med['execute'] - fl:.2f} s"
    )
    print(f"target <= 15 s end to end: {'met' if med['total'] <= 15 else 'NOT met'}")


if __name__ == "__main__":
    main()
