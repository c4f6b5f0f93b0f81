"""Report benchmark (issues 5 and 17): the demo from project file to PDF with the ``evallib
report`` command as a user runs it, median of N runs, in both places the notebook can run:

* warm (the default): the command imports the report's modules once and runs the report in a
  child forked from itself, the notebook on an in-process kernel;
* ``--kernel``: the notebook in its own Jupyter kernel.

Each is printed with its stages (validate, execute, convert, from the bundle's manifest) and
beside its floor, measured in the same run: for the warm path a fresh Python importing what a
report needs (``evallib.report.preload``); for the kernel path a papermill run of a notebook
that only imports the report stack (kernel start + imports).  Target (issue 17): <= 4 s.

    python benchmarks/report_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "survey_data" / "demo" / "project.yaml"


def kernel_floor(tmp: Path) -> float:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "%matplotlib inline\nimport evallib.report, evallib.survey, matplotlib.pyplot"
        )
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    src = tmp / "floor.ipynb"
    nbformat.write(nb, src)
    t = time.perf_counter()
    pm.execute_notebook(str(src), str(tmp / "floor.out.ipynb"), kernel_name="python3",
                        progress_bar=False)  # fmt: skip
    return time.perf_counter() - t


def warm_floor() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import evallib.report.preload"], check=True)
    return time.perf_counter() - t


def cli_run(out: Path, kernel: bool) -> dict[str, float]:
    cmd = [sys.executable, "-m", "evallib.cli", "report", str(PROJECT), "--out", str(out),
           "--format", "pdf", *(["--kernel"] if kernel else [])]  # fmt: skip
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    total = time.perf_counter() - t
    run = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["run"]
    return {"total": total, **run["timings_s"]}


def summary(name: str, rows: list[dict[str, float]], floor: float, what: str) -> None:
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print(f"{name}: median {med['total']:.2f} s (validate {med['validate']:.2f} + execute "
          f"{med['execute']:.2f} + convert {med['convert']:.2f}, the rest is the command's "
          f"start-up and imports); floor ({what}) {floor:.2f} s, ratio "
          f"{med['total'] / floor:.2f}x; target <= 4 s: "
          f"{'met' if med['total'] <= 4 else 'NOT met'}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        wf = statistics.median(warm_floor() for _ in range(args.runs))
        kf = statistics.median(kernel_floor(tmp) for _ in range(args.runs))
        warm, cold = [], []
        for i in range(args.runs):
            warm.append(cli_run(tmp / f"warm{i}", kernel=False))
            cold.append(cli_run(tmp / f"kernel{i}", kernel=True))
            w, c = warm[-1]["total"], cold[-1]["total"]
            print(f"run {i + 1}: warm {w:.2f} s, --kernel {c:.2f} s")
    summary("evallib report（warm，默认）", warm, wf, "a fresh Python importing the report stack")
    summary("evallib report --kernel", cold, kf, "kernel start + imports, papermill")


if __name__ == "__main__":
    main()
