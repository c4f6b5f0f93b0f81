"""Key-evaluation reports: a parameterized notebook run by papermill, rendered to PDF, Word and
HTML, with a reproducible run bundle (工作底稿).

>>> from evallib.report import prepare  # used by notebooks/key_evaluation.ipynb
"""

from .blocks import BLOCKS_MIME, RESULT_MIME, Payload, Section
from .bundle import BundleResult, ReproduceResult, notebook_path, reproduce, run_report
from .context import ReportContext, prepare
from .render import notebook_blocks, render_docx, render_html, render_pdf, template_dir

__all__ = [
    "BLOCKS_MIME",
    "RESULT_MIME",
    "BundleResult",
    "Payload",
    "ReportContext",
    "ReproduceResult",
    "Section",
    "notebook_blocks",
    "notebook_path",
    "prepare",
    "render_docx",
    "render_html",
    "render_pdf",
    "reproduce",
    "run_report",
    "template_dir",
]
