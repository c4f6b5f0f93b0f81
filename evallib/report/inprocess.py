"""The papermill engine of the warm report workers (:mod:`evallib.report.warm`): the notebook
runs in this process, on an ipykernel in-process kernel, so its outputs are the messages a
kernel sends.  Only for a process that ends with the notebook.
"""

from __future__ import annotations

from typing import Any

from papermill.engines import Engine

__all__ = ["ENGINE_NAME", "InProcessEngine", "register_engine"]

#: The papermill engine name of :class:`InProcessEngine`.
ENGINE_NAME = "evallib-inprocess"


def _cell_outputs(kc: Any, code: str) -> tuple[list[Any], dict[str, Any]]:
    """Execute ``code`` in the in-process kernel; its outputs (nbformat nodes) and reply.

    The in-process kernel runs the code synchronously inside ``execute``; every message it
    published for it is already queued when that returns (stream messages carry no parent
    header in-process, so all messages up to the idle status belong to this cell).
    """
    from queue import Empty

    from nbformat.v4 import output_from_msg

    kc.execute(code, store_history=True)
    reply = kc.get_shell_msg(timeout=5)
    outputs: list[Any] = []
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=0.01)
        except Empty:
            break
        kind, content = msg["msg_type"], msg["content"]
        if kind == "clear_output":
            outputs.clear()
        elif kind in ("stream", "display_data", "execute_result", "error"):
            out = output_from_msg(msg)
            if kind == "stream" and outputs and outputs[-1].get("name") == content["name"]:
                outputs[-1]["text"] += content["text"]  # one stream output per name, as nbclient
            else:
                outputs.append(out)
        elif kind == "status" and content["execution_state"] == "idle":
            break
    return outputs, reply["content"]


class InProcessEngine(Engine):
    """A papermill engine that runs the notebook in this process (in an ipykernel in-process
    kernel).  Use it only in a process that ends with the notebook (see :class:`WarmWorker`).

    Mirrors papermill's nbclient engine: cells run in order, each one's timing and status
    recorded by papermill's execution manager; the first failing cell stops the run with its
    error output in place, which papermill then raises as ``PapermillExecutionError``.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        from ipykernel.inprocess.manager import InProcessKernelManager

        km = InProcessKernelManager()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            for index, cell in enumerate(nb_man.nb.cells):
                if not _run_cell(nb_man, kc, cell, index):
                    break
            kc.kernel_info()
            info = kc.get_shell_msg(timeout=5)["content"]["language_info"]
            nb_man.nb.metadata["language_info"] = info
        finally:
            kc.stop_channels()
            km.shutdown_kernel()
        return nb_man.nb


def _run_cell(nb_man: Any, kc: Any, cell: Any, index: int) -> bool:
    """Run one cell under papermill's execution manager; False when it failed."""
    from nbclient.exceptions import CellExecutionError

    try:
        nb_man.cell_start(cell, index)
        if cell.cell_type == "code" and cell.source.strip():
            outputs, reply = _cell_outputs(kc, cell.source)
            cell.outputs = outputs
            cell.execution_count = reply.get("execution_count")
            if reply.get("status") == "error":
                raise CellExecutionError.from_cell_and_msg(cell, reply)
    except CellExecutionError as exc:
        nb_man.cell_exception(nb_man.nb.cells[index], cell_index=index, exception=exc)
        return False
    finally:
        nb_man.cell_complete(nb_man.nb.cells[index], cell_index=index)
    return True


def register_engine() -> None:
    """Make :class:`InProcessEngine` known to papermill as :data:`ENGINE_NAME`."""
    from papermill.engines import papermill_engines

    if ENGINE_NAME not in papermill_engines._engines:
        papermill_engines.register(ENGINE_NAME, InProcessEngine)
