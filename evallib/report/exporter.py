"""nbconvert exporters, registered under the ``nbconvert.exporters`` entry point so that
``jupyter nbconvert --to evallib_pdf report.ipynb`` works as well as ``evallib report``.

- ``evallib_html``: standalone HTML report;
- ``evallib_pdf``: PDF printed by WeasyPrint with the CJK fonts embedded;
- ``evallib_docx``: Word document.
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters import Exporter

from .render import render_docx, render_html, render_pdf

__all__ = ["EvallibDocxExporter", "EvallibHTMLExporter", "EvallibPDFExporter"]


class EvallibHTMLExporter(Exporter):
    """Report as standalone HTML."""

    export_from_notebook = "evallib 评价报告 (HTML)"
    output_mimetype = "text/html"

    def _file_extension_default(self) -> str:
        return ".html"

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[str, Any]:
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".html"
        return render_html(nb_copy), resources


class EvallibPDFExporter(Exporter):
    """Report as PDF (WeasyPrint; CJK fonts embedded and subset)."""

    export_from_notebook = "evallib 评价报告 (PDF)"
    output_mimetype = "application/pdf"

    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[bytes, Any]:
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return render_pdf(nb_copy), resources


class EvallibDocxExporter(Exporter):
    """Report as a Word document."""

    export_from_notebook = "evallib 评价报告 (Word)"
    output_mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def _file_extension_default(self) -> str:
        return ".docx"

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[bytes, Any]:
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".docx"
        return render_docx(nb_copy), resources
