"""Batch benchmark (issue 7): 20 demo-size projects to PDF, in the same run:

* ``evallib batch`` with the default local Dask cluster (one worker process per core);
* the naive loop a user writes by hand, one project after the other::

      papermill key_evaluation.ipynb pNN.ipynb -p project pNN/project.yaml -p seed 20261122
      jupyter nbconvert --to evallib_pdf pNN.ipynb

Prints both wall times, the speed-up (target >= 1.8x on 2 cores) and the per-report overhead:
kernel start (median of bare ``jupyter_client`` kernel starts), notebook execution (papermill
time minus kernel start) and conversion (HTML + PDF), from the bundles' ``manifest.json``.

    python benchmarks/batch_bench.py [--projects 20]
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


def run_batch(tmp: Path, projects: list[Path]) -> float:
    manifest = tmp / "manifest.csv"
    lines = ["project,id,formats"] + [f"{p},{p.parent.name},pdf" for p in projects]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = time.perf_counter()
    cmd = [sys.executable, "-m", "evallib.cli", "batch", str(manifest), "--out", str(tmp / "batch")]
    subprocess.run([*cmd, "--no-progress"], check=True, stdout=subprocess.DEVNULL)
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
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        projects = make_projects(tmp, args.projects)
        ks = kernel_start_times()
        t_batch = run_batch(tmp, projects)
        t_naive, pm_times, conv_times = run_naive(tmp, projects)
        timings = []
        for p in projects:
            mpath = tmp / "batch" / p.parent.name / "manifest.json"
            if not mpath.is_file():
                raise SystemExit(f"batch left no complete bundle for {p}")
            timings.append(json.loads(mpath.read_text(encoding="utf-8"))["run"]["timings_s"])
    k = statistics.median(ks)
    b_exec = statistics.median(t["execute"] for t in timings)
    b_conv = statistics.median(t["convert"] for t in timings)
    n_exec = statistics.median(pm_times)
    n_conv = statistics.median(conv_times)
    print(f"项目数 projects: {len(projects)}（演示规模，PDF）")
    print(f"evallib batch（LocalCluster，默认 worker 数）：{t_batch:.1f} s")
    print(f"逐个循环 naive loop (papermill CLI + nbconvert CLI)：{t_naive:.1f} s")
    print(f"加速比 speed-up：{t_naive / t_batch:.2f}x（目标 >= 1.8x）")
    print("每份报告开销（中位数，秒）per-report overhead, median s:")
    print(f"  内核启动 kernel start（单独测量）：{k:.2f}")
    print(f"  batch：执行 execution {b_exec - k:.2f} + 内核启动 {k:.2f}；", end="")
    print(f"转换 conversion {b_conv:.2f}")
    print(
        f"  naive：papermill CLI {n_exec:.2f}（含进程与内核启动）；nbconvert CLI {n_conv:.2f}"
        f"（含进程启动与导入）"
    )


if __name__ == "__main__":
    main()
