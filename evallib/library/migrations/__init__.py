"""Alembic migrations of the evallib library (run by :func:`evallib.library.db.upgrade`)."""

__all__ = []  # type: list[str]
