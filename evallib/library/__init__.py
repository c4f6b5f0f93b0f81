"""Indicator library (指标库) and results store (结果库) on SQLite or PostgreSQL.

See ``docs/library.md``.  Open with :meth:`Library.open`; search with :func:`search`, suggest
indicators for a project with :func:`suggest`, record runs and query history with
:mod:`evallib.library.store`.
"""

from __future__ import annotations

from .catalog import Library
from .model import LibraryIndicator, ResultRow, RunRecord
from .search import Hit, hits_table, search

__all__ = ["Hit", "Library", "LibraryIndicator", "ResultRow", "RunRecord", "hits_table", "search"]
