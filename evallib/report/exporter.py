"""nbconvert exporters, registered under the ``nbconvert.exporters`` entry point so that
``jupyter nbconvert --to evallib_pdf report.ipynb`` works as well as ``evallib report``.

- ``evallib_html``: standalone HTML report;
- ``evallib_pdf``: PDF (typst by default, or WeasyPrint: ``--EvallibPDFExporter.pdf_engine``)
  with the CJK fonts embedded;
- ``evallib_docx``: Word document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nbconvert.exporters import Exporter
from traitlets import Unicode

from .render import DEFAULT_PDF_ENGINE, render_docx, render_html, render_report_pdf

__all__ = ["EvallibDocxExporter", "EvallibHTMLExporter", "EvallibPDFExporter"]


class _EvallibExporter(Exporter):
    """Shared part: the notebook goes through nbconvert's preprocessors, then the format's
    renderer (``renderer``: one of :mod:`evallib.report.render`'s functions)."""

    extension = ""
    renderer: Callable[[Any], str | bytes] = staticmethod(render_html)

    def _file_extension_default(self) -> str:
        return self.extension

    def from_notebook_node(
        self, nb: Any, resources: Any = None, **kw: Any
    ) -> tuple[str | bytes, Any]:
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = self.extension
        return self._render(nb_copy), resources

    def _render(self, nb: Any) -> str | bytes:
        return type(self).renderer(nb)


class EvallibHTMLExporter(_EvallibExporter):
    """Report as standalone HTML."""

    export_from_notebook = "evallib 评价报告 (HTML)"
    output_mimetype = "text/html"
    extension = ".html"
    renderer = staticmethod(render_html)


class EvallibPDFExporter(_EvallibExporter):
    """Report as PDF (CJK fonts embedded and subset) by ``pdf_engine``: typst or WeasyPrint."""

    export_from_notebook = "evallib 评价报告 (PDF)"
    output_mimetype = "application/pdf"
    extension = ".pdf"
    pdf_engine = Unicode(DEFAULT_PDF_ENGINE, help="typst 或 weasyprint").tag(config=True)

    def _render(self, nb: Any) -> bytes:
        return render_report_pdf(nb, None, self.pdf_engine)


class EvallibDocxExporter(_EvallibExporter):
    """Report as a Word document."""

    export_from_notebook = "evallib 评价报告 (Word)"
    output_mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    extension = ".docx"
    renderer = staticmethod(render_docx)
