"""Warm report workers (evallib.report.warm): the same bundle as a cold run, byte for byte, and
nothing one project does reaches the next."""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import nbformat
import pytest

from evallib.errors import ReportError
from evallib.report import reproduce, run_report
from evallib.report.bundle import notebook_path
from evallib.report.inprocess import ENGINE_NAME
from evallib.report.warm import WarmWorker, run_report_warm

from .conftest import ROOT

DEMO = ROOT / "survey_data" / "demo" / "project.yaml"

POLLUTE = """
import builtins, os
import matplotlib as mpl
import pandas as pd
import evallib.rounding
print("pid", os.getpid(), "server", os.getppid())
mpl.rcParams["lines.linewidth"] = 9.5
LEAKED_GLOBAL = "project A"
builtins.LEAKED_BUILTIN = 1
evallib.rounding.round_half_up = lambda x, nd=2: -1.0
pd.set_option("display.max_rows", 3)
os.environ["EVALLIB_LEAK"] = "1"
"""

CHECK = """
import builtins, os
import matplotlib as mpl
import pandas as pd
import evallib.rounding
print("pid", os.getpid(), "server", os.getppid())
assert mpl.rcParams["lines.linewidth"] == 1.5, mpl.rcParams["lines.linewidth"]
assert "LEAKED_GLOBAL" not in globals()
assert not hasattr(builtins, "LEAKED_BUILTIN")
assert evallib.rounding.round_half_up(2.345, 2) == 2.35
assert pd.get_option("display.max_rows") == 60
assert "EVALLIB_LEAK" not in os.environ
"""


def _notebook(tmp: Path, name: str, extra: str) -> Path:
    """The shipped report notebook with one more cell after the parameters."""
    nb = nbformat.read(notebook_path(), as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(extra))
    path = tmp / name
    nbformat.write(nb, path)
    return path


def _pids(bundle: Path) -> tuple[int, int]:
    nb = nbformat.read(bundle / "report.ipynb", as_version=4)
    for o in (o for c in nb.cells for o in c.get("outputs", [])):
        if o.get("name") == "stdout" and o["text"].startswith("pid"):
            _, pid, _, server = o["text"].split()
            return int(pid), int(server)
    raise AssertionError("no pid printed")


@pytest.mark.skipif(not WarmWorker.available(), reason="needs fork (Linux)")
def test_warm_bundle_is_the_cold_bundle_and_reproduces(tmp_path: Path) -> None:
    warm = run_report_warm(DEMO, tmp_path / "warm", formats=("html",))
    cold = run_report(DEMO, tmp_path / "cold", formats=("html",))
    w, c = warm.out, cold.out
    assert (w / "result.json").read_bytes() == (c / "result.json").read_bytes()
    assert (w / "报告.html").read_bytes() == (c / "报告.html").read_bytes()
    nw = nbformat.read(w / "report.ipynb", as_version=4)
    nc = nbformat.read(c / "report.ipynb", as_version=4)
    assert [x.get("outputs") for x in nw.cells] == [x.get("outputs") for x in nc.cells]
    assert nw.metadata["language_info"] == nc.metadata["language_info"]
    mw = json.loads((w / "manifest.json").read_text(encoding="utf-8"))
    mc = json.loads((c / "manifest.json").read_text(encoding="utf-8"))
    assert mw["run"]["engine"] == ENGINE_NAME and mc["run"]["engine"] == "kernel"
    assert mw["params"] == mc["params"]  # the notebooks differ only in papermill's timings
    assert {k: mw["outputs"][k] for k in ("html", "result")} == {
        k: mc["outputs"][k] for k in ("html", "result")
    }
    # re-run from the bundle's copies (warm here; test_report_kinds.py re-runs warm bundles
    # of every report kind in a kernel)
    res = reproduce(w, warm=True)
    assert res.identical and not res.differences, res.differences


@pytest.mark.skipif(not WarmWorker.available(), reason="needs fork (Linux)")
def test_no_state_leaks_between_projects(tmp_path: Path) -> None:
    """Project A sets a global and a builtin, changes a matplotlib rcParam and a pandas option,
    monkey-patches evallib's rounding and sets an environment variable; project B, run next
    from the same warm fork server, sees none of it (its notebook asserts each one)."""
    dirty = _notebook(tmp_path, "a.ipynb", POLLUTE)
    check = _notebook(tmp_path, "b.ipynb", CHECK)
    a = run_report_warm(DEMO, tmp_path / "A", formats=("html",), notebook=dirty)
    b = run_report_warm(DEMO, tmp_path / "B", formats=("html",), notebook=check)
    (pa, sa), (pb, sb) = _pids(a.out), _pids(b.out)
    assert sa == sb and pa != pb  # two children of one warm server
    ra = json.loads((a.out / "result.json").read_text(encoding="utf-8"))
    rb = json.loads((b.out / "result.json").read_text(encoding="utf-8"))
    assert ra["evaluation"]["total"] == rb["evaluation"]["total"] == 89.12
    # the check notebook does fail when the state is there: run it after polluting in-process
    both = _notebook(tmp_path, "ab.ipynb", POLLUTE + CHECK)
    with pytest.raises(ReportError, match="AssertionError"):
        run_report_warm(DEMO, tmp_path / "AB", formats=("html",), notebook=both)


@pytest.mark.skipif(not WarmWorker.available(), reason="needs fork (Linux)")
def test_daemonic_process_runs_cold() -> None:
    """A daemonic process (a default Dask worker of an external cluster, a multiprocessing
    pool worker) may not fork children: warm runs are off there and the report runs in its
    own kernel."""
    with mp.get_context("spawn").Pool(1) as pool:  # pool workers are daemonic
        assert pool.apply(WarmWorker.available) is False
    assert WarmWorker.available() is True  # this process may


@pytest.mark.skipif(not WarmWorker.available(), reason="needs fork (Linux)")
def test_a_child_that_dies_is_a_report_error() -> None:
    import os

    with pytest.raises(ReportError, match="子进程意外退出"):
        WarmWorker().run(os._exit, 3)
