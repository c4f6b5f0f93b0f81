"""Run many report bundles on a Dask cluster (a LocalCluster by default, or an existing
scheduler): one task per project, file paths in and out, each project in its own process.

Each worker keeps a warm fork server (:mod:`evallib.report.warm`) with the report's modules
imported; every project runs in a fresh child forked from it, so nothing one project does
reaches the next.  Workers that may not have children (daemonic workers of an external
cluster) run each project cold, in its own Jupyter kernel.

Resumable: a project whose bundle is complete (``manifest.json`` present, every recorded input
unchanged, the same parameters, every output present with its recorded SHA-256) is skipped.
``run_report`` removes a stale manifest before it starts and writes the new one last, so a run
killed at any moment (SIGKILL included) never leaves a bundle marked complete that is not.
"""

from __future__ import annotations

import json
import logging
import os
import time
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConfigError, EvalError
from ..fileio import atomic_write_bytes, atomic_write_text, sha256_file
from ..inert import csv_bytes, frames_xlsx
from ..report.bundle import DEFAULT_SEED
from ..report.render import DEFAULT_PDF_ENGINE
from ..rounding import round_half_up
from .manifest import BatchItem, read_manifest

__all__ = [
    "KERNEL_ERRORS",
    "batch",
    "bundle_complete",
    "main_summary_text",
    "run_one",
    "summary_table_zh",
]

log = logging.getLogger("evallib")
MAX_WORKERS = 256
# Messages of transient kernel-start failures worth a retry (port races, slow starts).
KERNEL_ERRORS = (
    "Address already in use",
    "Kernel didn't respond",
    "Kernel died before replying",
    "Timeout waiting for kernel",
    "kernel_info",
    "ZMQError",
)


def bundle_complete(bundle: Path, item: BatchItem) -> bool:
    """True when ``bundle`` holds a complete report for ``item`` with unchanged inputs."""
    mpath = bundle / "manifest.json"
    if not mpath.is_file():
        return False
    try:
        m = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    params = m.get("params", {})
    if (
        params.get("original_project", params.get("project")) != str(Path(item.project).resolve())
        or params.get("seed") != (item.seed if item.seed is not None else DEFAULT_SEED)
        or tuple(params.get("formats", ())) != tuple(item.formats)
        or params.get("pdf_engine", "weasyprint") != (item.pdf_engine or DEFAULT_PDF_ENGINE)
    ):
        return False
    from ..report.bundle import _evallib_file

    for info in m.get("inputs", {}).values():
        if not isinstance(info, dict):
            return False
        where = info.get("original") or info.get("path")
        p = Path(where) if where else _evallib_file(str(info.get("evallib", "")))
        if p is None or not p.is_file() or sha256_file(p) != info.get("sha256"):
            return False
    for info in m.get("outputs", {}).values():
        p = bundle / info["file"]
        if not p.is_file() or sha256_file(p) != info["sha256"]:
            return False
    return True


def run_one(item: BatchItem, out_root: str, retries: int = 3) -> dict[str, Any]:
    """Run one project's report into ``out_root/<id>`` (executed on a Dask worker).

    Never raises for a project's own failure: returns ``status`` done / skipped / failed with
    the error; a failing notebook leaves ``report.ipynb`` with the error marked, and
    ``error.log`` holds the message (and the traceback for unexpected errors).
    """
    from ..report.warm import run_report_warm

    bundle = Path(out_root) / item.id
    t0 = time.perf_counter()
    base = {"id": item.id, "project": item.project, "bundle": str(bundle), "attempts": 0}
    if bundle_complete(bundle, item):
        res = json.loads((bundle / "result.json").read_text(encoding="utf-8"))["evaluation"]
        return {
            **base,
            "status": "skipped",
            "total": res["total"],
            "grade": res["grade"],
            "duration": 0.0,
            "error": "",
        }
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / "error.log").unlink(missing_ok=True)
    last_error = ""
    for attempt in range(1, retries + 1):
        base["attempts"] = attempt
        try:
            r = run_report_warm(item.project, bundle, formats=item.formats, seed=item.seed,
                                pdf_engine=item.pdf_engine)  # fmt: skip
            return {
                **base,
                "status": "done",
                "total": r.total,
                "grade": r.grade,
                "duration": round_half_up(time.perf_counter() - t0, 2),
                "error": "",
            }
        except EvalError as exc:
            last_error = f"{exc.label_zh}：{exc}"
            break  # the project's own problem: retrying would not help
        except Exception as exc:
            last_error = f"{type(exc).__name__}: {exc}"
            transient = any(k in str(exc) for k in KERNEL_ERRORS) or isinstance(
                exc, TimeoutError | ConnectionError
            )
            if not transient or attempt == retries:
                last_error += "\n" + traceback.format_exc()
                break
            time.sleep(0.5 * attempt)
    atomic_write_text(bundle / "error.log", last_error + "\n")
    return _failed(item, bundle, last_error, base["attempts"], time.perf_counter() - t0)


def _failed(
    item: BatchItem, bundle: Path, error: str, attempts: int, duration: float | None
) -> dict[str, Any]:
    """The summary record of a project that did not produce a complete bundle."""
    return {
        "id": item.id,
        "project": item.project,
        "bundle": str(bundle),
        "attempts": attempts,
        "status": "failed",
        "total": None,
        "grade": None,
        "duration": None if duration is None else round_half_up(duration, 2),
        "error": error.splitlines()[0] if error else "",
    }


def _client(workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    import dask
    from dask.distributed import Client, LocalCluster

    for name in ("distributed", "distributed.nanny", "distributed.scheduler"):
        logging.getLogger(name).setLevel(logging.ERROR)  # keep the console for the batch
    if scheduler:
        return Client(scheduler, timeout="30s"), None
    n = workers or os.cpu_count() or 1
    # workers that may have children: each keeps a warm fork server (evallib.report.warm)
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    return Client(cluster), cluster


def batch(
    manifest: str | Path,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Run every project of ``manifest``; returns the summary (also written to ``out``).

    Parameters
    ----------
    workers : int, optional
        LocalCluster worker processes (default: one per core).
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); inputs and outputs must be
        on paths the workers share.
    """
    from ..outdir import output_lock

    items = read_manifest(manifest)
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise ConfigError(f"工作进程数 (--workers) 应为 1 到 {MAX_WORKERS}", value=workers)
    out_root = Path(out).resolve()
    out_root.mkdir(parents=True, exist_ok=True)
    with output_lock(out_root):
        results = _run_all(items, out_root, workers, scheduler, progress)
    order = {it.id: k for k, it in enumerate(items)}
    summary = pd.DataFrame(
        sorted(results, key=lambda r: order[r["id"]]),
        columns=["id", "project", "status", "total", "grade", "duration", "attempts", "bundle",
                 "error"],
    )  # fmt: skip
    _write_outputs(summary, out_root, items)
    return summary


def _connect(workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    try:
        return _client(workers, scheduler)
    except (OSError, ValueError, TypeError, TimeoutError) as exc:
        raise ConfigError(
            f"无法连接 Dask 调度器 (scheduler)：{type(exc).__name__}: {exc}".splitlines()[0],
            value=scheduler, fix="检查 --scheduler 地址（如 tcp://host:8786）和调度器是否在运行",
        ) from None  # fmt: skip


def _run_all(
    items: list[BatchItem], out_root: Path, workers: int | None, scheduler: str | None,
    progress: bool,
) -> list[dict[str, Any]]:  # fmt: skip
    from dask.distributed import as_completed
    from tqdm import tqdm

    client, cluster = _connect(workers, scheduler)
    results: list[dict[str, Any]] = []
    try:
        futures = {
            client.submit(run_one, it, str(out_root), key=f"evallib-report-{it.id}", pure=False): it
            for it in items
        }
        done = failed = skipped = 0
        with tqdm(total=len(items), desc="评价报告", unit="个", disable=not progress) as bar:
            for fut in as_completed(futures):
                try:
                    r = fut.result()
                except Exception as exc:  # the task itself failed (worker lost, ...)
                    it = futures[fut]
                    r = _failed(it, out_root / it.id, f"{type(exc).__name__}: {exc}", 1, None)
                results.append(r)
                done += r["status"] == "done"
                failed += r["status"] == "failed"
                skipped += r["status"] == "skipped"
                mark = ZH_STATUS[r["status"]]
                line = f"{mark}：{r['id']}"
                if r["status"] != "failed":
                    line += f"  总分 {r['total']:.2f}  等级 {r['grade']}  {r['duration']} 秒"
                else:
                    line += f"  {r['error']}"
                bar.write(line) if progress else log.info(line)
                bar.set_postfix_str(f"完成 {done} 跳过 {skipped} 失败 {failed}")
                bar.update(1)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return results


def _write_outputs(summary: pd.DataFrame, out_root: Path, items: list[BatchItem]) -> None:
    import io

    from .portfolio import combined_scores

    atomic_write_bytes(out_root / "batch_summary.csv", csv_bytes(summary))
    zh = summary_table_zh(summary)
    combined = combined_scores(out_root, summary)
    xlsx = frames_xlsx({"批量运行汇总": zh, "项目得分比较": combined})
    atomic_write_bytes(out_root / "batch_summary.xlsx", xlsx)
    atomic_write_bytes(out_root / "项目得分比较.csv", csv_bytes(combined))
    atomic_write_text(
        out_root / "batch_items.json",
        json.dumps([asdict(i) for i in items], ensure_ascii=False, indent=2) + "\n",
    )
    if not combined.empty:
        from ..plotting import portfolio_chart

        fig = portfolio_chart(combined)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=130, metadata={"Software": None})
        atomic_write_bytes(out_root / "项目得分比较.png", buf.getvalue())


ZH_COLUMNS = {
    "id": "项目",
    "project": "项目文件",
    "status": "状态",
    "total": "总分",
    "grade": "等级",
    "duration": "用时（秒）",
    "attempts": "尝试次数",
    "bundle": "运行包",
    "error": "错误",
}
ZH_STATUS = {"done": "完成", "skipped": "跳过（已完成）", "failed": "失败"}


def summary_table_zh(summary: pd.DataFrame) -> pd.DataFrame:
    """The run summary with Chinese column names and statuses (for the XLSX and the CLI)."""
    zh = summary.rename(columns=ZH_COLUMNS)
    zh["状态"] = zh["状态"].map(ZH_STATUS)
    return zh


def main_summary_text(summary: pd.DataFrame) -> str:
    """Chinese summary lines for the CLI."""
    n = len(summary)
    counts = summary["status"].value_counts()
    return (
        f"共 {n} 个项目：完成 {int(counts.get('done', 0))}，跳过（已完成）"
        f"{int(counts.get('skipped', 0))}，失败 {int(counts.get('failed', 0))}。"
    )
