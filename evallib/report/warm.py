"""Warm report workers: reports run in fresh processes forked from a server that has already
imported everything a report needs.

A report's own work (validate, run the cells, convert) takes about half of a cold run; the
rest is starting a Jupyter kernel and importing pandas, matplotlib, SciPy, WeasyPrint and
evallib in it.  :class:`WarmWorker` pays that once: a single-threaded process imports those
modules (:mod:`evallib.report.preload` — a ``multiprocessing`` *forkserver*, or the ``evallib``
command's own process), and every report runs in a child forked from it.  The child runs
the notebook in-process (:mod:`evallib.report.inprocess`: an ipykernel in-process kernel, so
the outputs are the messages a kernel sends) and exits after that one report.

State cannot leak from one project into the next: each project gets a new process, a copy of
the server as it was after the imports, and whatever a notebook sets, patches or configures
dies with its child.  The test suite checks it with notebooks that set globals, change
matplotlib ``rcParams`` and monkey-patch evallib itself.

The in-process engine is only ever used inside such a disposable child.  ``run_report()``
called from Python keeps a real kernel; ``evallib batch`` runs warm, and so do ``evallib
report`` and ``evallib reproduce`` unless given ``--kernel``.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["PRELOAD", "WarmWorker", "execute_notebook_warm", "run_report_warm"]

#: Modules the fork server imports once (what the report notebooks and conversion use).
PRELOAD = ["evallib.report.preload"]
T = TypeVar("T")


def _child_env() -> None:
    # debugpy (imported by ipykernel) warns about frozen modules on every in-process kernel
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


class WarmWorker:
    """Runs callables in fresh processes forked from a warm process.

    ``run(fn, *args)`` returns ``fn(*args)`` computed in a new child (exceptions re-raised
    here); ``fn`` and its arguments must be picklable (module-level functions, plain data).
    On the first call the warm process is prepared: when this process runs a single thread
    (the ``evallib`` CLI) it imports :data:`PRELOAD` itself and its children are forked from
    it; otherwise (a Dask worker, a test runner: other threads exist, and forking a
    multi-threaded process is unsafe) a ``multiprocessing`` fork server is started that
    imports :data:`PRELOAD` and forks the children.  Off Linux or in a process that may not
    have children (a daemonic process), :meth:`available` is false and callers run cold.
    """

    def __init__(self) -> None:
        self._ctx: Any = None

    @property
    def ready(self) -> bool:
        """True once the warm process has been prepared (the imports are paid)."""
        return self._ctx is not None

    @staticmethod
    def available() -> bool:
        """Linux (Windows cannot fork; forking a macOS process that has loaded the system
        frameworks is unsafe) and a process that may have children (not daemonic)."""
        return sys.platform.startswith("linux") and not mp.current_process().daemon

    def _context(self) -> Any:
        """Checked on every call: a process that was single-threaded at the first report may
        have started threads since (a cold report in this process compiles typst, whose
        native pool a forked child would wait for) — from then on a fork server is used."""
        if self._ctx is None or (self._ctx.get_start_method() == "fork"
                                 and not _single_threaded()):  # fmt: skip
            _child_env()
            if self._ctx is None and _single_threaded():
                for name in PRELOAD:
                    importlib.import_module(name)
                self._ctx = mp.get_context("fork")
            else:
                ctx = mp.get_context("forkserver")
                ctx.set_forkserver_preload(PRELOAD)
                self._ctx = ctx
        return self._ctx

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in a new child.

        Raises
        ------
        ReportError
            The child died without an answer (killed, out of memory).
        """
        from concurrent.futures.process import BrokenProcessPool

        from ..errors import ReportError

        # a new one-process pool per call: a new child per call, gone when the call returns
        try:
            with ProcessPoolExecutor(1, mp_context=self._context()) as ex:
                return ex.submit(fn, *args, **kwargs).result()
        except BrokenProcessPool:
            raise ReportError(
                "生成报告的子进程意外退出 (worker process died)：可能内存不足或被终止",
                fix="检查内存后重试；或加 --kernel 在独立内核中运行",
            ) from None


_WORKER = WarmWorker()


def _report_in_child(project: str, out: str, kwargs: dict[str, Any]) -> Any:
    from .bundle import run_report
    from .inprocess import ENGINE_NAME

    return run_report(project, out, engine=ENGINE_NAME, lock=False, **kwargs)


def _single_threaded() -> bool:
    """No other thread in this process: none started by Python (``threading`` or ``_thread``,
    as execnet does) and no typst thread pool."""
    import _thread

    return (
        threading.active_count() == 1
        and threading.current_thread() is threading.main_thread()
        and _thread._count() == 0
        and not _typst_threads()
    )


def _typst_threads() -> bool:
    """Whether typst has compiled in this process: its first compile starts a pool of native
    threads that Python does not count, and a child forked from the process would wait for
    threads it does not have — such a process forks through a fork server instead."""
    mod = sys.modules.get("evallib.report.typst_pdf")
    return bool(mod and mod.COMPILED_IN_PROCESS)


def run_report_warm(project: str | os.PathLike[str], out: str | os.PathLike[str],
                    **kwargs: Any) -> Any:  # fmt: skip
    """:func:`~evallib.report.run_report` in a child forked from this process's warm process
    (the same bundle, the same ``result.json`` byte for byte); a cold run where
    :meth:`WarmWorker.available` is false.  Keyword arguments as for ``run_report``
    (``progress`` must be a module-level function: it is sent to the child)."""
    from ..outdir import output_lock
    from .bundle import FORMATS, check_run_options, run_report

    if not WarmWorker.available():
        return run_report(project, out, **kwargs)
    with output_lock(out):  # taken here, at once: a second run fails before any preloading
        if not _WORKER.ready:  # a broken project fails before the warm-up's imports
            from ..outdir import check_replaceable
            from ..project import hand_off, load_project
            from .bundle import BUNDLE_FILES

            check_replaceable(Path(out), BUNDLE_FILES)
            check_run_options(kwargs.get("formats", FORMATS), kwargs.get("seed"),
                              kwargs.get("docx_template"), kwargs.get("pdf_engine"))  # fmt: skip
            hand_off(load_project(project))  # the child forked next does not check it again
        return _WORKER.run(_report_in_child, str(project), str(out), kwargs)


def _notebook_in_child(src: str, dst: str, parameters: dict[str, Any], cwd: str | None) -> None:
    import papermill as pm

    from .inprocess import ENGINE_NAME, register_engine

    register_engine()
    pm.execute_notebook(src, dst, parameters=parameters, engine_name=ENGINE_NAME, cwd=cwd,
                        request_save_on_cell_execute=False, progress_bar=False)  # fmt: skip


def execute_notebook_warm(src: str | os.PathLike[str], dst: str | os.PathLike[str],
                          parameters: dict[str, Any], cwd: str | os.PathLike[str] | None = None,
                          ) -> None:  # fmt: skip
    """``papermill.execute_notebook(src, dst, parameters=..., cwd=...)`` in a warm child (the
    in-process engine); in a ``python3`` kernel where :meth:`WarmWorker.available` is false.
    A failing cell raises papermill's ``PapermillExecutionError`` as usual."""
    if not WarmWorker.available():
        import papermill as pm

        pm.execute_notebook(str(src), str(dst), parameters=parameters, kernel_name="python3",
                            cwd=None if cwd is None else str(cwd), progress_bar=False)  # fmt: skip
        return
    _WORKER.run(_notebook_in_child, str(src), str(dst), parameters,
                None if cwd is None else str(cwd))  # fmt: skip
