"""Tables of the indicator library (指标库) and the results store (结果库).

SQLAlchemy Core tables, identical on SQLite and PostgreSQL.  The schema is created and upgraded
by Alembic (:mod:`evallib.library.migrations`); every migration writes its tables explicitly, and
``tests/test_library.py`` checks that the migrated database equals this metadata.

Search does not depend on a database extension: :data:`indicator_gram` is an inverted index of
the character bigrams of each indicator's texts (:mod:`evallib.library.grams`), so the same
query ranks the same way on both databases.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "FIELD_ALIAS",
    "FIELD_CLASS",
    "FIELD_NAME",
    "FIELD_TEXT",
    "indicator",
    "indicator_gram",
    "indicator_type",
    "library_info",
    "metadata",
    "result",
    "run",
    "synonym",
]

metadata = sa.MetaData()

#: evallib's mark on the database (a foreign database lacks it) and facts about the library
library_info = sa.Table(
    "library_info",
    metadata,
    sa.Column("key", sa.String(50), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

indicator = sa.Table(
    "indicator",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("level1", sa.String(50), nullable=False, server_default=""),
    sa.Column("level2", sa.String(50), nullable=False, server_default=""),
    sa.Column("category", sa.String(100), nullable=False, server_default=""),
    sa.Column("sector", sa.String(100), nullable=False, server_default=""),
    sa.Column("unit", sa.String(50), nullable=False, server_default=""),
    sa.Column("direction", sa.String(20), nullable=False, server_default=""),
    sa.Column("rule", sa.String(50), nullable=False, server_default=""),
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("target", sa.Text, nullable=False, server_default=""),
    sa.Column("explanation", sa.Text, nullable=False, server_default=""),
    sa.Column("criterion", sa.Text, nullable=False, server_default=""),
    sa.Column("aliases", sa.JSON, nullable=False),
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    # search keys (norm_key of the name; of each alias, one per line), kept with the row
    sa.Column("name_key", sa.String(200), nullable=False, server_default=""),
    sa.Column("alias_keys", sa.Text, nullable=False, server_default=""),
)

#: project types (项目类型) an indicator suits: 培训, 会议, 设备购置, 通用 …
indicator_type = sa.Table(
    "indicator_type",
    metadata,
    sa.Column(
        "indicator_id",
        sa.Integer,
        sa.ForeignKey("indicator.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("project_type", sa.String(50), primary_key=True),
    sa.Index("ix_indicator_type_type", "project_type"),
)

FIELD_NAME, FIELD_ALIAS, FIELD_CLASS, FIELD_TEXT = 0, 1, 2, 3

#: inverted index: one row per (gram, indicator, field) — field is one of FIELD_*
indicator_gram = sa.Table(
    "indicator_gram",
    metadata,
    sa.Column("gram", sa.String(32), primary_key=True),
    sa.Column(
        "indicator_id",
        sa.Integer,
        sa.ForeignKey("indicator.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("field", sa.SmallInteger, primary_key=True),
    sa.Index("ix_indicator_gram_indicator", "indicator_id"),
)

#: groups of interchangeable words (满意度 / 满意率 …) used to widen a search
synonym = sa.Table(
    "synonym",
    metadata,
    sa.Column("term", sa.String(50), primary_key=True),
    sa.Column("grp", sa.Integer, nullable=False),
    sa.Index("ix_synonym_grp", "grp"),
)

#: one recorded evaluation, review or goal check
run = sa.Table(
    "run",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("project", sa.String(300), nullable=False),
    sa.Column("department", sa.String(200), nullable=False, server_default=""),
    sa.Column("year", sa.Integer, nullable=True),
    sa.Column("total", sa.Float, nullable=True),
    sa.Column("grade", sa.String(10), nullable=False, server_default=""),
    sa.Column("bundle_path", sa.Text, nullable=False, server_default=""),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("evallib_version", sa.String(40), nullable=False, server_default=""),
    sa.UniqueConstraint("kind", "sha256", "project", name="uq_run_kind_sha_project"),
    sa.Index("ix_run_year", "year"),
)

#: one indicator of a recorded run
result = sa.Table(
    "result",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("run.id", ondelete="CASCADE"), nullable=False),
    sa.Column("code", sa.String(64), nullable=False, server_default=""),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_key", sa.String(200), nullable=False),
    sa.Column("library_code", sa.String(64), nullable=True),
    sa.Column("level1", sa.String(50), nullable=False, server_default=""),
    sa.Column("level2", sa.String(50), nullable=False, server_default=""),
    sa.Column("unit", sa.String(50), nullable=False, server_default=""),
    sa.Column("points", sa.Float, nullable=True),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("target", sa.Text, nullable=False, server_default=""),
    sa.Column("target_value", sa.Float, nullable=True),
    sa.Column("actual", sa.Text, nullable=False, server_default=""),
    sa.Column("actual_value", sa.Float, nullable=True),
    sa.Index("ix_result_name_key", "name_key"),
    sa.Index("ix_result_library_code", "library_code"),
    sa.Index("ix_result_run", "run_id"),
)
