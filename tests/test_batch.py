"""Batch runs on real Dask clusters: a LocalCluster with a broken project, a SIGKILL mid-run
then a resume, and an external scheduler and worker started as separate processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from evallib.batch import BatchItem, batch, bundle_complete, read_manifest
from evallib.errors import InputDataError
from evallib.report.inprocess import ENGINE_NAME

from .conftest import ROOT, run_notebook

pytestmark = pytest.mark.slow
BROKEN = (
    "project: {name: 坏项目, year: 2025}\nsystem: key_project\nevidence: 没有.yaml\n"
    "evaluator: {agency: 某机构, date: 2026年11月}\n"
)


def make_batch(root: Path, ids: list[str], broken: str | None = None) -> Path:
    """Copies of the demo project (HTML only, to keep the tests quick) and a manifest."""
    lines = ["project,id,formats"]
    for pid in ids:
        shutil.copytree(ROOT / "survey_data" / "demo", root / pid)
        lines.append(f"{pid}/project.yaml,{pid},html")
    if broken:
        (root / broken).mkdir()
        (root / broken / "project.yaml").write_text(BROKEN, encoding="utf-8")
        lines.append(f"{broken}/project.yaml,{broken},html")
    m = root / "manifest.csv"
    m.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return m


def _item(root: Path, pid: str) -> BatchItem:
    return BatchItem(pid, str((root / pid / "project.yaml").resolve()), None, ("html",))


def test_manifest_errors(tmp_path: Path) -> None:
    m = tmp_path / "m.csv"
    m.write_text(
        "project,id,formats\na.yaml,X,html\nb.yaml,X,pdf\nc.yaml,Y,ppt\n", encoding="utf-8"
    )
    with pytest.raises(InputDataError) as ei:
        read_manifest(m)
    text = str(ei.value)
    assert "重复" in text and "ppt" in text and "第 3 行" in text


def test_manifest_formats_and_ids(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "甲项目.yaml").write_text("x: 1\n", encoding="utf-8")
    m = tmp_path / "m.csv"
    m.write_text(
        'project,formats,seed\na/甲项目.yaml,pdf;docx,7\na/甲项目.yaml,"pdf, html",\n',
        encoding="utf-8",
    )
    with pytest.raises(InputDataError, match="重复"):  # both default to the stem 甲项目
        read_manifest(m)
    m.write_text(
        'project,id,formats,seed\na/甲项目.yaml,A,pdf;docx,7\na/甲项目.yaml,B,"pdf, html",\n',
        encoding="utf-8",
    )
    a, b = read_manifest(m)
    assert (a.formats, a.seed) == (("pdf", "docx"), 7)
    assert (b.formats, b.seed) == (("pdf", "html"), None)
    assert Path(a.project) == (tmp_path / "a" / "甲项目.yaml").resolve()


def test_local_cluster_with_a_broken_project(tmp_path: Path) -> None:
    m = make_batch(tmp_path, ["A", "B"], broken="D")
    out = tmp_path / "out"
    summary = batch(m, out, workers=2, progress=False)
    s = summary.set_index("id")
    assert list(summary["id"]) == ["A", "B", "D"]
    assert (s.loc[["A", "B"], "status"] == "done").all()
    assert s.loc["D", "status"] == "failed" and "没有.yaml" in s.loc["D", "error"]
    assert "没有.yaml" in (out / "D" / "error.log").read_text(encoding="utf-8")
    for pid in "AB":
        assert bundle_complete(out / pid, _item(tmp_path, pid))
        assert json.loads((out / pid / "result.json").read_text())["evaluation"]["total"] == 89.12
        assert s.loc[pid, "total"] == 89.12 and s.loc[pid, "grade"] == "良"
        assert _engine(out / pid) == ENGINE_NAME  # forked from the worker's warm server
    assert not (out / "D" / "manifest.json").exists()
    assert (out / "batch_summary.xlsx").is_file() and (out / "项目得分比较.png").is_file()
    combined = pd.read_csv(out / "项目得分比较.csv", encoding="utf-8-sig")
    assert list(combined["项目"]) == ["A", "B"] and (combined["总分"] == 89.12).all()
    level1 = [c for c in combined.columns if c.endswith("分）")]
    assert len(level1) >= 4 and (combined[level1].sum(axis=1).round(2) == 89.12).all()
    xl = pd.read_excel(out / "batch_summary.xlsx", sheet_name=None, engine="openpyxl")
    assert set(xl) == {"批量运行汇总", "项目得分比较"}
    assert list(xl["批量运行汇总"]["状态"]) == ["完成", "完成", "失败"]
    # the portfolio notebook on this batch
    text, images = run_notebook("portfolio.ipynb", tmp_path / "portfolio.ipynb",
                                {"batch_dir": str(out)})  # fmt: skip
    assert "本批共 3 个项目，生成评价报告 2 份，1 个项目未能生成" in text
    assert images >= 1


def _engine(bundle: Path) -> str:
    return str(json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))["run"]["engine"])


def test_sigkill_mid_run_then_resume(tmp_path: Path) -> None:
    ids = ["K1", "K2"]  # one worker: the kill comes while the second is still to do
    m = make_batch(tmp_path, ids)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "evallib.cli", "batch", str(m), "--out",
                             str(out), "--workers", "1", "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    deadline = time.time() + 240
    while time.time() < deadline:
        done = [p for p in ids if (out / p / "manifest.json").exists()]
        if done:
            break
        time.sleep(0.2)
    else:
        pytest.fail("no bundle completed in time")
    os.killpg(proc.pid, signal.SIGKILL)  # the batch, its workers and their kernels
    proc.wait()
    time.sleep(1)
    marked = [p for p in ids if (out / p / "manifest.json").exists()]
    assert 1 <= len(marked) < len(ids), marked
    for p in marked:  # nothing marked complete that is not
        assert bundle_complete(out / p, _item(tmp_path, p))
    summary = batch(m, out, workers=1, progress=False)
    s = summary.set_index("id")
    assert sorted(summary["id"]) == ids and summary["id"].is_unique
    assert set(s.loc[marked, "status"]) == {"skipped"}
    assert set(s.drop(index=marked)["status"]) == {"done"}
    for p in ids:  # every project exactly once, complete
        assert bundle_complete(out / p, _item(tmp_path, p))


def _port() -> int:
    with socket.socket() as sck:
        sck.bind(("127.0.0.1", 0))
        return int(sck.getsockname()[1])


def test_external_dask_scheduler(tmp_path: Path) -> None:
    m = make_batch(tmp_path, ["S1"])  # one project: each runs cold in its own kernel here
    port = _port()
    addr = f"tcp://127.0.0.1:{port}"
    sched = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                              "127.0.0.1", "--port", str(port), "--no-dashboard"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", addr,
                               "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        from dask.distributed import Client

        for _ in range(100):
            try:
                with Client(addr, timeout="2s") as c:
                    if c.scheduler_info()["workers"]:
                        break
            except OSError:
                pass
            time.sleep(0.3)
        out = tmp_path / "out"
        cli = subprocess.run([sys.executable, "-m", "evallib.cli", "batch", str(m), "--out",
                              str(out), "--scheduler", addr, "--no-progress"],
                             capture_output=True, text=True, timeout=600)  # fmt: skip
        assert cli.returncode == 0, cli.stderr[-2000:]
        assert "共 1 个项目：完成 1" in cli.stdout
        summary = pd.read_csv(out / "batch_summary.csv", encoding="utf-8-sig")
        assert list(summary["status"]) == ["done"]
        assert list(summary["total"]) == [89.12]
        for p in ("S1",):
            assert bundle_complete(out / p, _item(tmp_path, p))
            # dask-worker's processes are daemonic: no children, so each report runs cold
            assert _engine(out / p) == "kernel"
    finally:
        for p in (worker, sched):
            p.terminate()
            p.wait(timeout=20)
