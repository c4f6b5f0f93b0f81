"""Alembic environment of the evallib library: runs on the connection evallib opened.

evallib calls Alembic in-process (:func:`evallib.library.db.upgrade`) and passes its connection
in ``config.attributes["connection"]``; there is no ``alembic.ini`` and no URL here.
"""

from __future__ import annotations

from alembic import context

from evallib.library.schema import metadata

__all__ = []  # type: list[str]

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # ALTER TABLE on SQLite
)
with context.begin_transaction():
    context.run_migrations()
