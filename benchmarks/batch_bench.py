"""Batch benchmark (issue 7): 20 demo-size projects to PDF, in the same run:

* ``evallib batch`` with the default local Dask cluster (one worker process per core);
* the naive loop a user writes by hand, one project after the other::

      papermill key_evaluation.ipynb pNN.ipynb -p project pNN/project.yaml -p seed 20261122
      jupyter nbconvert --to evallib_pdf pNN.ipynb

Prints both wall times, the speed-up (target >= 1.8x on 2 cores), the amortised time per
report (issue 17: <= 2 s with 2 workers) beside its floor, and the per-report stages from the
bundles' ``manifest.json``.  The floor is each report's own work (validate + cells +
conversion, the median over the batch's bundles, measured inside the warm children) shared by
the workers — what a batch would take with no start-up, no scheduling and no kernel at all.

    python benchmarks/batch_bench.py [--projects 20] [--workers 2] [--no-naive]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "survey_data" / "demo"
NOTEBOOK = ROOT / "notebooks" / "key_evaluation.ipynb"
SEED = "20261122"


def make_projects(tmp: Path, n: int) -> list[Path]:
    """``n`` copies of the demo project, each with its own name (demo size: 300 respondents)."""
    paths = []
    for i in range(1, n + 1):
        d = tmp / "projects" / f"p{i:02d}"
        shutil.copytree(DEMO, d)
        proj = d / "project.yaml"
        text = proj.read_text(encoding="utf-8")
        name = "某县2025年农村公路提档升级项目"
        proj.write_text(text.replace(name, f"{name}（{i:02d}）"), encoding="utf-8")
        paths.append(proj)
    return paths


def kernel_start_times(k: int = 5) -> list[float]:
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(k):
        t = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3")
        times.append(time.perf_counter() - t)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return times


def run_batch(tmp: Path, projects: list[Path], workers: int) -> float:
    manifest = tmp / "manifest.csv"
    lines = ["project,id,formats"] + [f"{p},{p.parent.name},pdf" for p in projects]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = time.perf_counter()
    cmd = [sys.executable, "-m", "evallib.cli", "batch", str(manifest), "--out", str(tmp / "batch")]
    cmd += ["--workers", str(workers), "--no-progress"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def run_naive(tmp: Path, projects: list[Path]) -> tuple[float, list[float], list[float]]:
    out = tmp / "naive"
    out.mkdir()
    bindir = Path(sys.executable).parent
    pm_times, conv_times = [], []
    t0 = time.perf_counter()
    for p in projects:
        nb = out / f"{p.parent.name}.ipynb"
        t = time.perf_counter()
        subprocess.run(
            [str(bindir / "papermill"), str(NOTEBOOK), str(nb), "-p", "project", str(p),
             "-p", "seed", SEED, "--no-progress-bar"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=out,
        )  # fmt: skip
        pm_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run(
            [str(bindir / "jupyter"), "nbconvert", "--to", "evallib_pdf", str(nb)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=out,
        )  # fmt: skip
        conv_times.append(time.perf_counter() - t)
        if not nb.with_suffix(".pdf").is_file():
            raise SystemExit(f"naive loop produced no PDF for {p}")
    return time.perf_counter() - t0, pm_times, conv_times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-naive", action="store_true", help="skip the naive loop (~4.5 min)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        projects = make_projects(tmp, args.projects)
        ks = kernel_start_times()
        t_batch = run_batch(tmp, projects, args.workers)
        naive = None if args.no_naive else run_naive(tmp, projects)
        runs = []
        for p in projects:
            mpath = tmp / "batch" / p.parent.name / "manifest.json"
            if not mpath.is_file():
                raise SystemExit(f"batch left no complete bundle for {p}")
            runs.append(json.loads(mpath.read_text(encoding="utf-8"))["run"])
    report(len(projects), args.workers, statistics.median(ks), t_batch, runs, naive)


def report(
    n: int, workers: int, k: float, t_batch: float, runs: list[dict],
    naive: tuple[float, list[float], list[float]] | None,
) -> None:  # fmt: skip
    stage = {s: statistics.median(r["timings_s"][s] for r in runs) for s in
             ("validate", "execute", "convert")}  # fmt: skip
    own = sum(stage.values())
    engines = "、".join(sorted({r.get("engine", "kernel") for r in runs}))
    print(f"项目数 projects: {n}（演示规模，PDF），workers: {workers}，engine: {engines}")
    print(f"evallib batch（LocalCluster）：{t_batch:.1f} s")
    per = t_batch / n
    print(f"每份报告摊销 per report amortised: {per:.2f} s（目标 <= 2 s）；"
          f"floor（每份自身工作 {own:.2f} s / {workers} workers）：{own / workers:.2f} s，"
          f"ratio {per / (own / workers):.2f}x")  # fmt: skip
    print(f"  每份中位数 median per report: validate {stage['validate']:.2f} + execute "
          f"{stage['execute']:.2f} + convert {stage['convert']:.2f} s；"
          f"单独测量的内核启动 kernel start {k:.2f} s（warm 运行不需要）")  # fmt: skip
    if naive is None:
        return
    t_naive, pm_times, conv_times = naive
    print(f"逐个循环 naive loop (papermill CLI + nbconvert CLI)：{t_naive:.1f} s")
    print(f"加速比 speed-up：{t_naive / t_batch:.2f}x（目标 >= 1.8x）")
    print(f"  naive：papermill CLI {statistics.median(pm_times):.2f}（含进程与内核启动）；"
          f"nbconvert CLI {statistics.median(conv_times):.2f}（含进程启动与导入）")  # fmt: skip


if __name__ == "__main__":
    main()
