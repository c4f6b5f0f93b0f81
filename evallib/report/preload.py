"""Imported once by the warm report workers' fork server (:mod:`evallib.report.warm`): the
modules every report needs, so that each forked child starts with them loaded."""

from __future__ import annotations

import gc
import importlib

from evallib.imports import PAPERMILL_OPTIONAL, skip_slow_optional_imports, unavailable

__all__ = ["MODULES", "preload"]

#: What a report imports: the in-process kernel, the notebook's and the conversion's modules.
MODULES = (
    "ipykernel.inprocess.blocking",
    "ipykernel.inprocess.client",
    "ipykernel.inprocess.ipkernel",
    "ipykernel.inprocess.manager",
    "docx",
    "jinja2",
    "jupyter_client.localinterfaces",
    "matplotlib.backends.registry",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "nbformat",
    "nh3",
    "papermill",
    "scipy.special",
    "typst",
    "evallib.plotting",
    "evallib.report.bundle",
    "evallib.report.context",
    "evallib.report.inprocess",
    "evallib.report.render",
    "evallib.report.typst_pdf",
    "evallib.report.warm",
    "evallib.report.word",
    "evallib.survey",
)


def preload() -> None:
    """Import :data:`MODULES` and do the one-time work their first use would do in each child,
    then freeze the collector's view of it all (``gc.freeze``: the children's collections skip
    these objects, and their pages stay shared with the server)."""
    skip_slow_optional_imports()  # before nbformat imports jsonschema
    with unavailable(PAPERMILL_OPTIONAL):  # papermill's S3/GitHub handlers stay unloaded
        for name in MODULES:
            importlib.import_module(name)
    from jupyter_client import localinterfaces
    from matplotlib.backends.registry import backend_registry

    backend_registry.list_all()  # resolving a backend name scans entry points once (0.2 s)
    localinterfaces.local_ips()  # a kernel client asks for the addresses once (psutil, 0.2 s)
    from evallib.report.typst_pdf import compiler

    compiler()  # the PDF fonts scanned once, for every child (no thread is started)
    gc.freeze()


preload()
